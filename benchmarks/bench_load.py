"""Pages under load on the demo (issue 26, closing line): 20 logged-in users for 60 s over the scorecard, a target page
and an area page of the demo data (`load_demo`, Sơn La's plan), served by gunicorn with DEBUG off on PostgreSQL — the
outside probe's setting, which saw 160 pages/s and p95 157 ms on a quiet machine. The demo database is made once and
kept between runs (BENCH_DEMO_DATABASE_URL).

The main figure is the CPU a page costs (gunicorn's processes, the PostgreSQL processes serving them, the load tool),
which does not depend on what else the shared cores do; pages/s and p95 follow from it and from the machine's load.
BENCH_LOAD_BASELINE=<git ref> first measures that version of the code the same way, on the same database, for a
before / after in one run (its files are taken with `git archive` into var/, never checked out)."""

import os
import shutil
import statistics
import subprocess

from benchmarks import bench_dashboard as dashboard

DATABASE = os.environ.get("BENCH_DEMO_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/povertyplan_bench_demo")
BASELINE = os.environ.get("BENCH_LOAD_BASELINE", "")
PROBE = {"pages/s": 160, "p95 ms": 157}
# gunicorn as measured: the sync workers of before (one request at a time each, two per core, a connection closed
# after each answer) and threaded workers that keep a client's connection open between its requests. The figures
# against the probe are the last configuration's.
GUNICORN = {
    "4 sync workers": ("-w", "4"),
    "2 workers × 4 threads (gthread, keep-alive)": ("-w", "2", "-k", "gthread", "--threads", "4"),
}


def _load_demo():
    from django.core.management import call_command
    from django.db import connection

    from targets.models import Plan

    if not Plan.objects.exists():
        call_command("load_demo", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # the planner's statistics, as autovacuum would gather them


def _baseline_root(ref: str):
    """The files of `ref` in var/ (collectstatic writes its own static folder there)."""
    root = dashboard.ROOT / "var" / "bench_baseline"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", ref], cwd=dashboard.ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", ref], cwd=dashboard.ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    return root, commit


def _figures(measured: dict) -> dict:
    client, server_ms, cpu = measured["client"], measured["server_ms"], measured["cpu_seconds"]
    requests = sum(client["count"].values())
    per_page = {kind: seconds * 1000 / requests for kind, seconds in cpu.items()}
    return {
        "requests": requests,
        "rps": client["rps"],
        "client_p95": max(client["p95"].values()),
        "server_p95": dashboard._p95([ms for values in server_ms.values() for ms in values]),
        "cpu_ms": per_page,
        "errors": client["errors"],
        "load": (measured["load_before"], measured["load_after"]),
    }


def main() -> list[str]:
    dashboard._setup_django(DATABASE)
    _load_demo()
    pages = dashboard._pages()
    cookies = dashboard._sessions(dashboard.USERS)
    codes = [("this code", dashboard.ROOT)]
    if BASELINE:
        root, commit = _baseline_root(BASELINE)
        codes.insert(0, (f"before ({commit})", root))
    runs = []
    for server, options in GUNICORN.items():  # each version of the code on the same server, one after the other
        for code, root in codes:
            measured = dashboard.measure(pages, cookies, root, options)
            runs.append((code, server, _figures(measured)))
    if BASELINE:
        shutil.rmtree(codes[0][1], ignore_errors=True)
    client, server_ms = measured["client"], measured["server_ms"]
    now = runs[-1][2]
    before, after = now["load"]
    lines = [
        "## Pages under load on the demo (issue 26: 20 users for 60 s, gunicorn; probe: 160 pages/s, p95 157 ms)",
        "",
        f"{dashboard.USERS} users, each logged in as a manager, cycling over Sơn La's scorecard, its first target's page "
        f"and the province's area page for {dashboard.SECONDS} s (benchmarks/load_tool.py, own process, one "
        f"HTTP/1.1 connection per user), DEBUG off, PostgreSQL, the demo data (`load_demo`); the pages below were "
        f"served by gunicorn with {server} (`{' '.join(options)}`). Load average (1 / 5 / 15 min) "
        f"{before[0]:.2f} / {before[1]:.2f} / {before[2]:.2f} before and "
        f"{after[0]:.2f} / {after[1]:.2f} / {after[2]:.2f} after, on 2 cores shared with other work: the "
        "probe's figures were taken on a quiet machine. CPU per page is the main figure (it does not depend on "
        "the other work): the CPU time of gunicorn's processes, of the PostgreSQL processes serving their "
        "connections and of the load tool, over the pages served; 2 cores give 2.000 ms of CPU a second, so "
        "160 pages/s needs ≤ 12,5 ms a page in all.",
        "",
        "| page | requests | server p50 | server p95 | client p95 |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, path in pages.items():
        values = server_ms[path]
        lines.append(
            f"| {name} | {len(values)} | {statistics.median(values):.0f} ms | {dashboard._p95(values):.0f} ms | "
            f"{client['p95'][path]:.0f} ms |"
        )
    lines += [
        "",
        "| code | gunicorn | pages | CPU/page: gunicorn | PostgreSQL | load tool | all | pages/s | client p95 | "
        "server p95 | load avg (1 min) before → after |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for label, server_label, figures in runs:
        cpu = figures["cpu_ms"]
        lines.append(
            f"| {label} | {server_label} | {figures['requests']} | {cpu['gunicorn']:.2f} ms | "
            f"{cpu['postgres']:.2f} ms | {cpu['load tool']:.2f} ms | {sum(cpu.values()):.2f} ms | "
            f"{figures['rps']:.1f} | "
            f"{figures['client_p95']:.0f} ms | {figures['server_p95']:.0f} ms | "
            f"{figures['load'][0][0]:.2f} → {figures['load'][1][0]:.2f} |"
        )
    lines += [
        "",
        "| this code, gunicorn | pages/s (probe 160) | ratio to probe | client p95, slowest page (probe 157 ms) | "
        "ratio to probe | server p95, all pages |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, server_label, figures in runs:
        if label == "this code":  # each server set-up against the probe (README deploys sync workers)
            lines.append(
                f"| {server_label} | {figures['rps']:.1f} | {figures['rps'] / PROBE['pages/s']:.2f} | "
                f"{figures['client_p95']:.0f} ms | {figures['client_p95'] / PROBE['p95 ms']:.2f} | "
                f"{figures['server_p95']:.0f} ms |"
            )
    lines += [
        "",
        f"Errors seen by the load tool, all runs: {sum(figures['errors'] for _c, _s, figures in runs)}. Client p95 "
        "adds the wait for a free worker (or thread). The runs follow one another, minutes apart, on the same "
        "database; BENCH_LOAD_BASELINE names the code of before.",
        "",
        "Where a page's CPU went before (profiled in process on the demo): every dashboard built with the ORM the "
        "queries for its session, its user with profile, its plan or target and the figures version — building "
        "each cost more CPU than its answer — and the freshness line's query, ≈ 3 ms a page alone; it unpickled "
        "the page's built figures, charts included, on every view although the charts and the scorecard were kept "
        "as HTML; it rendered the rest of the page each time. Now those reads are SQL built once per process "
        "(the plan or target read once per figures version), all of a page but its freshness line is kept as HTML "
        "under the figures key, the built figures are read only when a section is drawn again, and the "
        "dashboards take no request transaction. The load tool keeps one connection per user (http.client) "
        "instead of urllib's opener for each request.",
    ]
    return lines


if __name__ == "__main__":
    print("\n".join(main()))
