"""Roster import on PostgreSQL: a two-sheet .xlsx of 100.000 households / ≈400.000 members read, validated,
classified and written by households.roster (calamine, COPY, ON CONFLICT), side by side with a plain
django-import-export ModelResource import of the first few thousand of the same households, in one run.

The imports run in child processes, so their peak memory (max RSS) is measured alone.
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import vn

ROOT = Path(__file__).resolve().parent.parent
HOUSEHOLDS = int(os.environ.get("BENCH_ROSTER_HOUSEHOLDS", 100_000))
BASELINE = int(os.environ.get("BENCH_ROSTER_BASELINE", 3_000))
REPEATS = int(os.environ.get("BENCH_ROSTER_REPEATS", 3))
DATABASE = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/povertyplan_bench_roster")
YEAR = 2022
BUDGET_S, REIMPORT_BUDGET_S, MEMORY_BUDGET_MB, RATIO_BUDGET = 20, 10, 1024, 20


def _setup():
    os.environ.setdefault("BENCH_DATABASE_URL", DATABASE)
    from benchmarks.bench_recompute import _setup_django

    _setup_django()
    from django.apps import apps

    from areas.demo_units import SON_LA
    from targets.management.commands.load_demo import load_units
    from targets.reference_data import load_standards

    load_standards(apps)
    return load_units(SON_LA)


def _generate(villages):
    """Households as the demo generates them, with Vietnamese labels as a commune's roster has them."""
    from areas.demo_units import SON_LA
    from households.demo import generate_households
    from households.roster.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS
    from households.roster.export import label_of

    mix = SON_LA["ethnic_mix"]
    households, members = [], []
    for fields, people in generate_households(
        villages, lambda d: mix[d.poor_district], YEAR, HOUSEHOLDS, seed="roster-bench"
    ):
        households.append(fields)
        members.append(people)
    labels = {c.key: label_of(c.key) for c in (*HOUSEHOLD_COLUMNS, *MEMBER_COLUMNS) if c.kind == "choice"}
    return households, members, labels, label_of("ethnicity")


def _write_xlsx(path: Path, villages):
    from openpyxl import Workbook

    from households.roster.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS

    households, members, labels, ethnic = _generate(villages)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Hộ")
    sheet.append([c.vi for c in HOUSEHOLD_COLUMNS])
    yes = lambda flag: "x" if flag else ""  # noqa: E731
    for h in households:
        sheet.append(
            [
                h["code"],
                YEAR,
                h["unit"].code,
                h["head_name"],
                ethnic[h["ethnicity"]],
                labels["area_type"][h["area_type"]],
                h["income_per_capita"],
                h["member_count"],
                labels["house_class"][h["house_class"]],
                h["nondurable_structures"],
                h["floor_area_m2"],
                labels["water_source"][h["water_source"]],
                labels["latrine"][h["latrine"]],
                yes(h["has_tv"]),
                yes(h["has_radio"]),
                yes(h["has_computer"]),
                yes(h["has_smartphone"]),
                yes(h["loudspeaker_audible"]),
            ]
        )
    sheet = book.create_sheet("Thành viên")
    columns = [c for c in MEMBER_COLUMNS if c.key != "birth_date"]
    sheet.append([c.vi for c in columns])
    count = 0
    for h, people in zip(households, members, strict=True):
        for m in people:
            count += 1
            sheet.append(
                [
                    h["code"]
                    if c.key == "code"
                    else yes(m[c.key])
                    if c.kind == "bool"
                    else labels[c.key][m[c.key]]
                    if c.kind == "choice"
                    else m[c.key]
                    for c in columns
                ]
            )
    book.save(path)
    return count


def _child(mode, path):
    """Runs in a child process: one import, its timings as JSON on stdout."""
    from benchmarks.bench_recompute import _setup_django

    _setup_django()
    started = time.perf_counter()
    if mode == "roster":
        from households.roster.service import roster_import

        result = roster_import(Path(path).read_bytes(), Path(path).name, reason="bench")
        assert result.ok, [p.line() for p in result.problems[:5]]
        out = {
            "seconds": time.perf_counter() - started,
            "households": result.households,
            "members": result.members,
            "new": result.new,
            "changed": result.changed,
            "unchanged": result.unchanged,
            "stages": result.seconds,
        }
    else:
        out = _plain_import_export(path)
        out["seconds"] = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["max_rss_mb"] = usage.ru_maxrss / 1024
    out["child_max_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the forked halves
    out["cpu_seconds"] = usage.ru_utime + usage.ru_stime  # includes Django's start-up (~1 s)
    print(json.dumps(out))


def _plain_import_export(path):
    """What the admin would do with plain ModelResources: households, then members (tablib reads the .xlsx),
    then each household classified by the service that every other path uses."""
    import tablib
    from import_export import fields, resources, widgets
    from python_calamine import CalamineWorkbook

    from areas.models import Unit
    from households.models import Household, Member
    from households.services import household_reclassify

    book = CalamineWorkbook.from_path(path)
    head = book.get_sheet_by_name("Hộ").to_python(nrows=BASELINE + 1)
    codes = {row[0] for row in head[1:]}
    from households.roster.cells import accepted_labels
    from households.roster.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS

    decode = {c.key: accepted_labels(c) for c in (*HOUSEHOLD_COLUMNS, *MEMBER_COLUMNS) if c.labels}
    from households.roster.columns import normalise

    def code_of(key, label):
        return decode[key].get(normalise(label), label) if key in decode else label

    household_keys = [
        "code",
        "survey_year",
        "unit",
        "head_name",
        "ethnicity",
        "area_type",
        "income_per_capita",
        "member_count",
        "house_class",
        "nondurable_structures",
        "floor_area_m2",
        "water_source",
        "latrine",
        "has_tv",
        "has_radio",
        "has_computer",
        "has_smartphone",
        "loudspeaker_audible",
    ]
    households = tablib.Dataset(headers=household_keys)
    for row in head[1:]:
        # the file leaves the columns after household_keys (waste_disposal, Decree 351) empty: not imported here
        values = [code_of(c.key, v) for c, v in zip(HOUSEHOLD_COLUMNS, row[: len(household_keys)], strict=False)]
        values[13:18] = [v == "x" for v in values[13:18]]
        households.append(values)
    member_columns = [c for c in MEMBER_COLUMNS if c.key != "birth_date"]
    members = tablib.Dataset(headers=["id", "household", *[c.key for c in member_columns[1:]]])
    for row in book.get_sheet_by_name("Thành viên").iter_rows():
        if row[0] in codes:
            members.append(
                [
                    None,
                    row[0],
                    *[
                        (v == "x") if c.kind == "bool" else code_of(c.key, v)
                        for c, v in zip(member_columns[1:], row[1:], strict=False)
                    ],
                ]
            )

    class HouseholdResource(resources.ModelResource):
        unit = fields.Field(attribute="unit", column_name="unit", widget=widgets.ForeignKeyWidget(Unit, "code"))

        class Meta:
            model = Household
            fields = household_keys
            import_id_fields = ["survey_year", "code"]

        def before_save_instance(self, instance, row, **kwargs):
            instance.classification = instance.classification or "not_poor"  # set by the service below

    class MemberResource(resources.ModelResource):
        household = fields.Field(
            attribute="household", column_name="household", widget=widgets.ForeignKeyWidget(Household, "code")
        )

        class Meta:
            model = Member
            fields = members.headers

    first = HouseholdResource().import_data(households, dry_run=False, use_transactions=True)
    second = MemberResource().import_data(members, dry_run=False, use_transactions=True)
    for outcome in (first, second):
        errors = (
            [str(e.error) for _n, row in outcome.row_errors() for e in row][:3]
            + [str(e.error) for e in outcome.base_errors][:3]
            + [str(r.error) for r in outcome.invalid_rows][:3]
        )
        assert not errors, errors
    for household in Household.objects.filter(code__in=codes).select_related("unit"):
        household_reclassify(household)
    return {"households": len(households), "members": len(members)}


def _run_child(mode, path):
    process = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_roster", mode, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "povertyplan.settings"},
    )
    if process.returncode:
        raise RuntimeError(process.stderr[-3000:])
    return json.loads(process.stdout.strip().splitlines()[-1])


def _purge_queue():
    """No worker runs here: drop the recomputes the imports queued on the bench broker."""
    from povertyplan.celery import app

    app.control.purge()


def _median(runs):
    return sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]


def _spread(runs):
    seconds = sorted(run["seconds"] for run in runs)
    return f"median of {len(runs)}: {' · '.join(vn(s, 2) for s in seconds)} s"


def _checkpoint():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")


def _empty_households():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE households_member, households_historicalmember, households_historicalhousehold, "
            "households_household CASCADE"
        )
    _checkpoint()  # each import starts with the previous one's writes on disk


def main() -> list[str]:
    villages = _setup()
    cache = ROOT / "var" / "bench"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"roster-{HOUSEHOLDS}.xlsx"
    made = ""
    if not path.exists():
        started = time.perf_counter()
        _write_xlsx(path, villages)
        made = f" (file made in {time.perf_counter() - started:.0f} s with openpyxl, kept for later runs)"
    _empty_households()
    plain = _run_child("plain", path)
    firsts, agains = [], []
    for _ in range(REPEATS):  # this machine's speed wanders by a tenth or more from one minute to the next
        _empty_households()
        firsts.append(_run_child("roster", path))
        _checkpoint()
        agains.append(_run_child("roster", path))
    _purge_queue()
    first, again = _median(firsts), _median(agains)
    spread, spread_again = _spread(firsts), _spread(agains)
    memory, memory_again = (max(run["max_rss_mb"] for run in runs) for runs in (firsts, agains))
    child_memory = max(run["child_max_rss_mb"] for run in firsts + agains)
    per_row_ours = first["seconds"] / first["households"]
    per_row_plain = plain["seconds"] / plain["households"]
    ratio = per_row_plain / per_row_ours
    size_mb = path.stat().st_size / 1024 / 1024
    stages = ", ".join(f"{k} {vn(v, 2)} s" for k, v in first["stages"].items())
    stages_again = ", ".join(f"{k} {vn(v, 2)} s" for k, v in again["stages"].items())
    return [
        f"## Roster import on PostgreSQL (issue 9: 100.000 households ≤ {BUDGET_S} s, ≥ {RATIO_BUDGET}× "
        f"django-import-export per row, re-import ≤ {REIMPORT_BUDGET_S} s, < 1 GB)",
        "",
        f"Two-sheet .xlsx of {vn(first['households'])} households and {vn(first['members'])} members "
        f"({vn(size_mb, 1)} MB){made}, Sơn La units, survey year {YEAR}, into an empty household table. "
        "Each import runs in its own process (peak memory = its max RSS). Baseline: plain django-import-export "
        f"ModelResources (default, row by row) for the first {vn(plain['households'])} households and their "
        f"{vn(plain['members'])} members, each household then classified by `household_reclassify`; "
        "same file, same run.",
        "",
        "| measure | budget | measured | ratio to budget |",
        "|---|---:|---:|---:|",
        f"| import, read + validate + classify + write ({spread}; median run: {stages}) | {BUDGET_S} s | "
        f"{vn(first['seconds'], 2)} s | {vn(first['seconds'] / BUDGET_S, 2)} |",
        f"| re-import of the same file, all unchanged ({spread_again}; median run: {stages_again}) | "
        f"{REIMPORT_BUDGET_S} s | {vn(again['seconds'], 2)} s | {vn(again['seconds'] / REIMPORT_BUDGET_S, 2)} |",
        f"| peak memory of the import (re-import), largest of the runs | {MEMORY_BUDGET_MB} MB | {vn(memory)} MB "
        f"({vn(memory_again)} MB) | {vn(max(memory, memory_again) / MEMORY_BUDGET_MB, 2)} |",
        f"| per household: django-import-export {vn(per_row_plain * 1000, 2)} ms "
        f"({vn(plain['seconds'], 1)} s / {vn(plain['households'])}) vs roster import "
        f"{vn(per_row_ours * 1000, 3)} ms | ≥ {RATIO_BUDGET}× | {vn(ratio, 1)}× | {vn(ratio / RATIO_BUDGET, 2)} |",
        "",
        f"Counts: first import {vn(first['new'])} new; re-import {vn(again['unchanged'])} unchanged, "
        f"{vn(again['changed'])} changed, nothing written. Largest forked child of the imports: "
        f"{vn(child_memory)} MB max RSS, most of it pages shared with the parent and counted in both. Each run "
        "starts from an empty household table and a checkpoint. CPU time of the median import processes (the machine is "
        f"shared, so wall time includes waiting for a core; PostgreSQL's own work is not in it): import "
        f"{vn(first['cpu_seconds'], 1)} s, re-import {vn(again['cpu_seconds'], 1)} s, baseline "
        f"{vn(plain['cpu_seconds'], 1)} s; load average {os.getloadavg()[0]:.1f} at the end.",
    ]


if __name__ == "__main__":
    if len(sys.argv) == 3:
        _child(sys.argv[1], sys.argv[2])
    else:
        print("\n".join(main()))
