"""Pages under load on the demo (issue 26, closing line): 20 logged-in users for 60 s over the scorecard, a target page
and an area page of the demo data (`load_demo`, Sơn La's plan), served by gunicorn with DEBUG off on PostgreSQL — the
outside probe's setting, which saw 160 pages/s and p95 157 ms on a quiet machine. The demo database is made once and
kept between runs (BENCH_DEMO_DATABASE_URL)."""

import os
import statistics

from benchmarks import bench_dashboard as dashboard

DATABASE = os.environ.get("BENCH_DEMO_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/povertyplan_bench_demo")
PROBE = {"pages/s": 160, "p95 ms": 157}


def _load_demo():
    from django.core.management import call_command

    from targets.models import Plan

    if not Plan.objects.exists():
        call_command("load_demo", verbosity=0)


def main() -> list[str]:
    dashboard._setup_django(DATABASE)
    _load_demo()
    pages = dashboard._pages()
    measured = dashboard.measure(pages, dashboard._sessions(dashboard.USERS))
    client, server_ms = measured["client"], measured["server_ms"]
    every = [ms for values in server_ms.values() for ms in values]
    client_p95 = max(client["p95"].values())
    before, after = measured["load_before"], measured["load_after"]
    lines = [
        "## Pages under load on the demo (issue 26: 20 users for 60 s, gunicorn; probe: 160 pages/s, p95 157 ms)",
        "",
        f"{dashboard.USERS} users, each logged in as a manager, cycling over Sơn La's scorecard, its first target's page "
        f"and the province's area page for {dashboard.SECONDS} s (benchmarks/load_tool.py, own process); gunicorn "
        "4 sync workers, DEBUG off, PostgreSQL, the demo data (`load_demo`). Load average (1 / 5 / 15 min) "
        f"{before[0]:.2f} / {before[1]:.2f} / {before[2]:.2f} before and {after[0]:.2f} / {after[1]:.2f} / "
        f"{after[2]:.2f} after, on 2 cores shared with other work: the probe's figures were taken on a quiet machine.",
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
        "| measure | probe | measured | ratio to probe |",
        "|---|---:|---:|---:|",
        f"| pages/s | {PROBE['pages/s']} | {client['rps']:.1f} | {client['rps'] / PROBE['pages/s']:.2f} |",
        f"| p95, client side, slowest page | {PROBE['p95 ms']} ms | {client_p95:.0f} ms | "
        f"{client_p95 / PROBE['p95 ms']:.2f} |",
        f"| p95, server time, all pages | — | {dashboard._p95(every):.0f} ms | — |",
        "",
        f"Errors seen by the load tool: {client['errors']}. Client p95 adds the wait for a free worker.",
    ]
    return lines


if __name__ == "__main__":
    print("\n".join(main()))
