"""Stored household sums, and the runs that recompute figures from them.

Households are summed once per leaf group — GroupSum: the households attached to one unit, in one survey year,
of one ethnic group and one area type. A unit's SubtreeSum (per scope) is its own groups plus its children's
subtree sums. A change to some units' households recomputes only those units' groups (one small grouped query),
then re-derives the subtree sums and the indicator values of those units and their ancestors from the stored
sums, and the province's attainment. Recompute, never increment: every row a run writes is replaced whole, so a
repeated or retried run gives the same figures, and a full rebuild (nightly, admin, after a standard is edited)
gives exactly the figures the incremental runs leave.

Each run holds the province's row lock for its whole transaction: runs of one province follow each other,
readers see the previous figures until the new set commits, and a run killed midway changes nothing.
"""

import time
from collections import Counter, defaultdict
from datetime import date

from django.db import connection, transaction
from django.db.models import Exists, Max, Min, OuterRef, Q
from django.utils import timezone

from areas.models import Unit
from households.models import Household, PovertyStandard
from households.standards.records import standard_of_year
from povertyplan.bulk import copy_rows

from .boundaries import refresh_drawn_from
from .dashboard_sums import dashboard_sums, dashboard_values
from .figures import UnitTree, attainments_for, formulas_for, household_scopes, household_sums, reported_rows
from .models import (
    Attainment,
    ComputedValue,
    FiguresVersion,
    GroupSum,
    Indicator,
    PendingChange,
    Plan,
    RecomputeRun,
    Scope,
    SubtreeSum,
)

GROUP_KEYS = ("unit_id", "ethnicity", "area_type")
# Past this many changed units in one year, one grouped query over the whole province is cheaper.
WHOLE_YEAR_ABOVE = 400


def _numbers(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in GROUP_KEYS}


def group_rows(province: Unit, year: int, standard: PovertyStandard, unit_ids=None) -> list[dict]:
    """One row per leaf group of the province (or of the units `unit_ids` only): the household sums and
    the dashboards' (households per ethnic group, transitions from the year before)."""
    rows = household_sums(province, year, standard, unit_ids=unit_ids)
    merged = defaultdict(Counter)
    for row in rows + dashboard_sums(province, year, rows, unit_ids=unit_ids):
        merged[(row["unit_id"], row["ethnicity"], row["area_type"])].update(_numbers(row))
    return [
        {**sums, "unit_id": unit_id, "ethnicity": ethnicity, "area_type": area_type}
        for (unit_id, ethnicity, area_type), sums in merged.items()
    ]


def roll_up(tree: UnitTree, affected: set, groups: dict, stored: dict) -> dict:
    """Subtree sums {unit: {scope: Counter}} of the `affected` units, deepest first: each unit's own groups
    plus its children's subtree sums — from this pass for affected children, from `stored` for the others."""
    totals = {}
    for unit_id in sorted(affected, key=lambda u: -tree.by_id[u].depth):
        mine = defaultdict(Counter)
        for row in groups.get(unit_id, ()):
            numbers = _numbers(row)
            for scope in household_scopes(tree, row):
                mine[scope].update(numbers)
        for child in tree.children.get(unit_id, ()):
            for scope, sums in (totals if child in affected else stored).get(child, {}).items():
                mine[scope].update(sums)
        totals[unit_id] = dict(mine)
    return totals


def figure_rows(totals: dict, year: int, standard: PovertyStandard, indicators: dict) -> list[tuple]:
    formulas = formulas_for(standard)
    rows = []
    for unit_id, scopes in totals.items():
        for scope, total in scopes.items():
            for code, (num, den) in formulas.items():
                if total[den] > 0:
                    rows.append((indicators[code], unit_id, year, scope, total[num], total[den]))
            if scope == Scope.PROVINCE:
                rows += [
                    (indicators[code], unit_id, year, scope, num, den)
                    for code, num, den in dashboard_values(total)
                    if code in indicators
                ]
    return rows


def _write(groups: list[dict], year: int, totals: dict, figures: list[tuple], run_id) -> None:
    copy_rows(
        GroupSum,
        ["unit_id", "year", "ethnicity", "area_type", "sums"],
        [(g["unit_id"], year, g["ethnicity"], g["area_type"], _numbers(g)) for g in groups],
    )
    copy_rows(
        SubtreeSum,
        ["unit_id", "year", "scope", "sums"],
        [(unit_id, year, scope, dict(sums)) for unit_id, scopes in totals.items() for scope, sums in scopes.items()],
    )
    copy_rows(
        ComputedValue,
        ["indicator_id", "unit_id", "year", "scope", "numerator", "denominator", "run_id"],
        [(*row, run_id) for row in figures],
    )


def _stored_groups(unit_ids, year) -> dict:
    groups = defaultdict(list)
    for unit_id, ethnicity, area_type, sums in GroupSum.objects.filter(unit_id__in=unit_ids, year=year).values_list(
        "unit_id", "ethnicity", "area_type", "sums"
    ):
        groups[unit_id].append({**sums, "unit_id": unit_id, "ethnicity": ethnicity, "area_type": area_type})
    return groups


def _stored_subtrees(unit_ids, year) -> dict:
    stored = defaultdict(dict)
    for unit_id, scope, sums in SubtreeSum.objects.filter(unit_id__in=unit_ids, year=year).values_list(
        "unit_id", "scope", "sums"
    ):
        stored[unit_id][scope] = sums
    return stored


def _by_unit(groups: list[dict]) -> dict:
    by_unit = defaultdict(list)
    for row in groups:
        by_unit[row["unit_id"]].append(row)
    return by_unit


class _Context:
    def __init__(self, province: Unit):
        self.province = province
        self.tree = UnitTree(province)
        self.indicators = dict(Indicator.objects.values_list("code", "id"))
        self.reported = list(Indicator.objects.filter(kind=Indicator.Kind.REPORTED).values_list("id", flat=True))
        self.standards = list(PovertyStandard.objects.all())


def _delete_stored(province: Unit, years) -> None:
    """The province's stored sums and figures of those years: one statement per table for all the years."""
    for model in (GroupSum, SubtreeSum, ComputedValue):
        model.objects.filter(unit__path__startswith=province.path, year__in=years).delete()


def _rebuild_years(ctx: _Context, years, run_id) -> int:
    """Every stored sum and figure of the province for the years: the old ones deleted in one statement per
    table, then each year's from one grouped query."""
    _delete_stored(ctx.province, years)
    return sum(_rebuild_year(ctx, year, run_id) for year in sorted(years))


def _rebuild_year(ctx: _Context, year: int, run_id) -> int:
    standard = standard_of_year(ctx.standards, year)
    groups, totals, figures = [], {}, []
    if standard is not None:
        groups = group_rows(ctx.province, year, standard)
        totals = roll_up(ctx.tree, set(ctx.tree.by_id), _by_unit(groups), {})
        figures = figure_rows(totals, year, standard, ctx.indicators)
    figures += reported_rows(ctx.tree, year, ctx.indicators)
    _write(groups, year, totals, figures, run_id)
    return len(figures)


def _refresh_year(ctx: _Context, year: int, changed: set, run_id) -> int:
    """The changed units' groups from their households; the subtree sums and figures of them and their
    ancestors from the stored sums; the province's reported figures (a few rows) for the year."""
    tree = ctx.tree
    changed = {u for u in changed if u in tree.by_id}
    if len(changed) > WHOLE_YEAR_ABOVE:
        return _rebuild_years(ctx, [year], run_id)
    standard = standard_of_year(ctx.standards, year)
    reported = Q(indicator_id__in=ctx.reported)
    ComputedValue.objects.filter(reported, unit__path__startswith=ctx.province.path, year=year).delete()
    groups, totals, figures = [], {}, []
    if standard is not None and changed:
        affected = {a for u in changed for a in tree.lineage[u]}
        groups = group_rows(ctx.province, year, standard, unit_ids=sorted(changed))
        own = _by_unit(groups)
        own.update(_stored_groups(affected - changed, year))
        outside = {c for a in affected for c in tree.children.get(a, ()) if c not in affected}
        totals = roll_up(tree, affected, own, _stored_subtrees(outside, year))
        figures = figure_rows(totals, year, standard, ctx.indicators)
        GroupSum.objects.filter(unit_id__in=changed, year=year).delete()
        SubtreeSum.objects.filter(unit_id__in=affected, year=year).delete()
        ComputedValue.objects.filter(~reported, unit_id__in=affected, year=year).delete()
    figures += reported_rows(tree, year, ctx.indicators)
    _write(groups, year, totals, figures, run_id)
    return len(figures)


def _attainments(province: Unit, today: date, run_id) -> int:
    plans = list(Plan.objects.filter(province=province))
    attainments = [a for plan in plans for a in attainments_for(plan, today, run_id)]
    Attainment.objects.filter(target__plan__in=plans).delete()
    Attainment.objects.bulk_create(attainments)
    return len(attainments)


def _pending(province: Unit) -> list[tuple]:
    return list(
        PendingChange.objects.filter(unit__path__startswith=province.path).values_list(
            "id", "unit_id", "year", "version"
        )
    )


def _clear(pending: list[tuple]) -> None:
    """Forget the changes this run has seen; a change noted meanwhile has a newer version and stays."""
    for start in range(0, len(pending), 500):
        condition = Q()
        for pk, _unit, _year, version in pending[start : start + 500]:
            condition |= Q(pk=pk, version=version)
        PendingChange.objects.filter(condition).delete()


def _lock(province: Unit) -> None:
    Unit.objects.select_for_update().get(pk=province.pk)  # one run per province at a time
    if connection.vendor == "postgresql":
        # Derived data only: should a crash lose this commit, the pending changes it cleared come back with
        # the old figures, and the next run recomputes them. Saves a disk flush per run.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _household_years(province: Unit) -> set[int]:
    """The survey years with households in the province: per year, one index probe per unit until one has some
    (a DISTINCT over the province's households reads every one of them: 1,6 s at 300.000)."""
    span = Household.objects.aggregate(first=Min("survey_year"), last=Max("survey_year"))
    if span["first"] is None:
        return set()
    units = Unit.objects.filter(path__startswith=province.path)
    return {
        year
        for year in range(span["first"], span["last"] + 1)
        if units.filter(Exists(Household.objects.filter(unit_id=OuterRef("pk"), survey_year=year))).exists()
    }


def rebuild_province(province: Unit, years=None, run: RecomputeRun | None = None, today: date | None = None) -> int:
    """Replace the province's stored sums and computed values for `years` (default: every year with
    households, a plan, figures or a pending change) and its plans' attainment. All or nothing."""
    today = today or timezone.localdate()
    run_id = run.pk if run else None
    with transaction.atomic():
        _lock(province)
        pending = _pending(province)
        if years is None:
            years = _household_years(province)
            years |= {
                y for p in Plan.objects.filter(province=province) for y in range(p.year_start - 1, p.year_end + 1)
            }
            years |= set(
                ComputedValue.objects.filter(unit=province).values_list("year", flat=True).distinct().order_by()
            )
            years |= {year for _pk, _unit, year, _version in pending}
        ctx = _Context(province)
        rows = _rebuild_years(ctx, years, run_id)
        rows += refresh_drawn_from(province, years, ctx, run_id)
        _clear([p for p in pending if p[2] in years])
        rows += _attainments(province, today, run_id)
        FiguresVersion.bump()
        return rows


def recompute_changes(province_id: int, changes: dict | None = None, today: date | None = None) -> RecomputeRun | None:
    """Recompute what changed in a province: its pending changes (default), or `changes` ({year: unit ids}).
    Returns the recorded run, or None when there was nothing to do."""
    today = today or timezone.localdate()
    province = Unit.objects.get(pk=province_id)
    started, started_at = time.monotonic(), timezone.now()
    scope = province.name
    try:
        with transaction.atomic():
            _lock(province)
            pending = _pending(province)
            work = defaultdict(set)
            if changes is None:
                for _pk, unit_id, year, _version in pending:
                    work[year].add(unit_id)
            else:
                for year, unit_ids in changes.items():
                    work[int(year)] |= {int(u) for u in unit_ids}
            if not work:
                return None
            # a household's class in one year is the "before" of its transition the year after (and may make
            # it re-poor in any later year): later years of the province are rebuilt whole
            later = set(
                GroupSum.objects.filter(unit__path__startswith=province.path, year__gt=min(work))
                .values_list("year", flat=True)
                .distinct()
                .order_by()
            ) - set(work)
            units = sum(len(u) for u in work.values())
            scope = f"{province.name} · {sorted(work)} · {units} units (incremental)"[:200]
            run = RecomputeRun.objects.create(status=RecomputeRun.Status.RUNNING, started_at=started_at, scope=scope)
            ctx = _Context(province)
            rows = sum(_refresh_year(ctx, year, work[year], run.pk) for year in sorted(work))
            rows += _rebuild_years(ctx, later, run.pk)
            rows += refresh_drawn_from(province, set(work) | later, ctx, run.pk, changed=work)
            _clear([p for p in pending if p[1] in work.get(p[2], ())])
            rows += _attainments(province, today, run.pk)
            FiguresVersion.bump()
            run.status, run.rows, run.progress = RecomputeRun.Status.SUCCEEDED, rows, 100
            run.finished_at = timezone.now()
            run.duration_ms = round((time.monotonic() - started) * 1000)
            run.save()
            return run
    except Exception as error:
        RecomputeRun.objects.create(
            status=RecomputeRun.Status.FAILED,
            scope=scope,
            error=f"{type(error).__name__}: {error}",
            started_at=started_at,
            finished_at=timezone.now(),
            duration_ms=round((time.monotonic() - started) * 1000),
        )
        raise


def note_changes(unit_ids, years) -> None:
    """Mark the unit-years as changed, one upsert; a run clears the versions it has recomputed."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = [(unit_id, year, now) for unit_id in unit_ids for year in years]
    table = PendingChange._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (unit_id, year, version, changed_at) VALUES (%s, %s, 1, %s) "
            f"ON CONFLICT (unit_id, year) DO UPDATE SET version = {table}.version + 1, changed_at = excluded.changed_at",
            rows,
        )
