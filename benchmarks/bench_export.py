"""Export of the household list on PostgreSQL (issue 26, point 6: a province of 300.000 households with their members
in ≤ 60 s, in bounded memory): the admin's background job (households/roster/export_jobs.run_export) writing the
two-sheet layout of Sơn La's survey year 2022 — the recompute benchmark's data set, ≈1,1 million members — and the
answers layout of the same households. Each export runs in a child process of its own, so its peak memory (max RSS)
is its own; the big file is not imported back (the round trip is tested on the demo)."""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import bench_recompute as recompute

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 60
LAYOUTS = ("two_sheets", "answers")


def _child(layout: str):
    """Runs in a child process: one export job, its figures as JSON on stdout."""
    recompute._setup_django()
    from django.contrib.auth.models import User

    from areas.models import Unit
    from households.models import RosterExport
    from households.roster.export_jobs import run_export

    user, _ = User.objects.get_or_create(username="bench", defaults={"is_superuser": True, "is_staff": True})
    query = f"area={Unit.objects.get(code='14').pk}&survey_year=2022"
    job = RosterExport.objects.create(user=user, layout=layout, query=query)
    started, cpu = time.perf_counter(), time.process_time()
    run_export(job.pk)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    job.refresh_from_db()
    assert job.status == "done", job.error
    out = {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "households": job.household_count,
        "megabytes": job.file.size / 1e6,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    job.file.delete(save=False)
    job.delete()
    print(json.dumps(out))


def _run(layout: str) -> dict:
    process = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_export", layout],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(process.stdout.strip().splitlines()[-1])


def _n(number) -> str:
    return f"{number:,.0f}".replace(",", " ")


def main() -> list[str]:
    recompute._setup_django()
    load = os.getloadavg()
    households, members = recompute._load()
    from django.db import connection

    with connection.cursor() as cursor:  # the area filter needs the province's id; the data set is the recompute's
        cursor.execute("SELECT version()")
        postgres = cursor.fetchone()[0].split(",")[0]
    connection.close()
    runs = {layout: _run(layout) for layout in LAYOUTS}
    load_after = os.getloadavg()[0]
    lines = [
        "## Export of the household list on PostgreSQL (issue 26, point 6: 300.000 households with members ≤ 60 s)",
        "",
        f"Sơn La, {_n(households)} households and {_n(members)} members in survey year 2022 (the recompute "
        f"benchmark's data set); {postgres}. Each export is the admin's background job (`run_export`) for a superuser "
        "with the list filtered to the province and the year, in a child process of its own: rows read as plain tuples "
        "(no model instance) from one REPEATABLE READ snapshot with server-side cursors, the members' labels and "
        "ticks computed by PostgreSQL in the query (on the other core), written by rust_xlsxwriter "
        "(rustpy-xlsxwriter) in constant memory, progress written on a second connection. Load average "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1 / 5 / 15 min) at the start and {load_after:.2f} at the end "
        "on a shared 2-core machine: wall times include waiting for a core; CPU time is the Python process's alone "
        "(PostgreSQL works beside it).",
        "",
        "| layout | households | file | wall | budget | ratio | CPU (Python) | max RSS |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for layout, run in runs.items():
        budget = f"{BUDGET_S} s" if layout == "two_sheets" else "—"
        ratio = f"{run['seconds'] / BUDGET_S:.2f}" if layout == "two_sheets" else "—"
        lines.append(
            f"| {layout} | {_n(run['households'])} | {run['megabytes']:.0f} MB | {run['seconds']:.1f} s | {budget} | "
            f"{ratio} | {run['cpu_seconds']:.1f} s | {run['max_rss_mb']:.0f} MB |"
        )
    lines += [
        "",
        "The members (more than the 1.048.575 data rows a sheet of Excel holds) continue on the sheet "
        "“Thành viên (2)”, which the roster import reads as one with the first. Writers measured before choosing "
        "(CPU seconds for 10.000 households with 40.000 members, ~1 million cells, same machine): openpyxl "
        "write-only 9,3 s (what the export used), openpyxl write-only with lxml 6,5 s, XlsxWriter constant_memory "
        "5,5 s, rustpy-xlsxwriter 0,74 s — only the last leaves room for 300.000 households in 60 s. The writer alone "
        "takes ≈ 2 s of CPU per 30.000 households with members (≈ 20 s for 300.000: the floor of one process); "
        "before the rows were read as tuples (issue 26.6, same run, load average ≈ 11–19), the two-sheet export "
        "took 62,1 s of Python CPU and 328 s wall, after 33,3 s and 204 s (ratios 0,54 and 0,62), the "
        "sheets byte-identical (compared at 30.000 households).",
    ]
    return lines


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] in LAYOUTS:
        _child(sys.argv[1])
    else:
        print("\n".join(main()))
