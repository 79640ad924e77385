"""Figures in today's boundaries (issue 24.6) on the demo: what refreshing them adds to a recompute. The demo is
loaded on a database of its own, timed as it is (before: no succession table), then a Cần Thơ succession table of
this benchmark's own is imported (Sóc Trăng's communes into eleven new ones under Thành phố Cần Thơ, one commune split
60/40) and the same runs are timed again (after: each also refreshes Cần Thơ in today's boundaries). The refresh
alone is timed too, and the area page of Cần Thơ built without its cache (today's boundaries and as recorded)."""

import io
import os
import statistics
import sys
import time

DATABASE = os.environ.get(
    "BENCH_DATABASE_URL_BOUNDARIES", "postgres://postgres@127.0.0.1:5432/povertyplan_bench_reform"
)
RUNS = int(os.environ.get("BENCH_RUNS", 3))


def _setup():
    from benchmarks import bench_recompute

    bench_recompute.DATABASE = DATABASE
    bench_recompute._setup_django()
    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())


def _median_ms(fn, runs=RUNS, rollback=False) -> float:
    from django.db import transaction

    times = []
    for _ in range(runs):
        with transaction.atomic():
            start = time.monotonic()
            fn()
            times.append((time.monotonic() - start) * 1000)
            if rollback:
                transaction.set_rollback(True)
    return round(statistics.median(times))


def _table() -> bytes:
    import openpyxl

    from areas.models import Unit

    names = ["Phường Sóc Trăng", "Xã Châu Thành", "Xã Kế Sách", "Xã Mỹ Tú", "Xã Cù Lao Dung", "Xã Long Phú"]
    names += ["Phường Mỹ Xuyên", "Phường Ngã Năm", "Xã Thạnh Trị", "Phường Vĩnh Châu", "Xã Trần Đề"]
    rows = [("94", "Tỉnh Sóc Trăng", "92", "Thành phố Cần Thơ", "01/07/2025", None)]
    province = Unit.objects.get(code="94", parent=None)
    for i, district in enumerate(Unit.objects.filter(parent=province).order_by("code")):
        new = (f"3{i + 1:02d}01", names[i % len(names)])
        for j, commune in enumerate(Unit.objects.filter(parent=district, level="commune").order_by("code")):
            if i == 1 and j == 0:  # split between two new communes
                rows += [(commune.code, commune.name, *new, "01/07/2025", "60")]
                rows += [(commune.code, commune.name, "30301", names[2], "01/07/2025", "40")]
            else:
                rows.append((commune.code, commune.name, *new, "01/07/2025", None))
    book = openpyxl.Workbook()
    book.active.append(["Mã ĐVHC cũ", "Tên ĐVHC cũ", "Mã ĐVHC mới", "Tên ĐVHC mới", "Ngày hiệu lực", "Tỷ lệ hộ"])
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _runs(label: str) -> list[str]:
    from areas.models import Unit
    from targets.sums import rebuild_province, recompute_changes

    province = Unit.objects.get(code="94", parent=None)
    commune = Unit.objects.filter(path__startswith="94/", level="commune").order_by("code").first()
    full = _median_ms(lambda: rebuild_province(province, [2019, 2020]), rollback=True)
    edit = _median_ms(lambda: recompute_changes(province.pk, {2020: [commune.pk]}), rollback=True)
    line = f"| {label} | {full} | {edit} | {os.getloadavg()[0]:.1f} |"
    print(line, file=sys.stderr, flush=True)
    return [line]


def _page_ms(path: str) -> float:
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="admin"))
    times = []
    for _ in range(RUNS):
        cache.clear()
        start = time.monotonic()
        assert client.get(path).status_code == 200
        times.append((time.monotonic() - start) * 1000)
    return round(statistics.median(times))


def main() -> list[str]:
    _setup()
    from areas.changes import import_unit_changes
    from areas.models import Unit
    from targets.boundaries import refresh_province
    from targets.models import CurrentBoundaryValue
    from targets.services import recompute
    from targets.sums import _Context

    lines = [
        "## Figures in today's boundaries (issue 24.6)",
        "",
        "The demo (2.000 households a year per province), Sóc Trăng's 2019 and 2020 recomputed: the full rebuild of the"
        " two years and the incremental run of one 2020 commune (which also rebuilds the later years), median of "
        f"{RUNS}, each rolled back. After: the same with a succession table mapping Sóc Trăng into Cần Thơ, each run "
        "then also refreshing Cần Thơ in today's boundaries.",
        "",
        "| | full rebuild 2019–2020 (ms) | incremental, one 2020 commune (ms) | load |",
        "|---|---|---|---|",
    ]
    if not Unit.objects.filter(code="92").exists():
        lines += _runs("before (no succession)")
        result = import_unit_changes(_table(), "bench.xlsx")
        assert result.ok, result.problems
        recompute()
    lines += _runs("after (+ Cần Thơ in today's boundaries)")
    can_tho = Unit.objects.get(code="92", valid_to__isnull=True)
    refresh = _median_ms(lambda: refresh_province(can_tho, [2020], _Context(can_tho), None), rollback=True)
    rows = CurrentBoundaryValue.objects.filter(unit__path__startswith="92/", year=2020).count()
    current, recorded = _page_ms("/dashboards/areas/92/"), _page_ms("/dashboards/areas/92/?boundaries=recorded")
    print(f"refresh {refresh} ms, pages {current} / {recorded} ms", file=sys.stderr, flush=True)
    lines += [
        "",
        f"- The refresh alone, Cần Thơ 2020 in today's boundaries from the stored sums: {refresh} ms ({rows} values).",
        f"- Cần Thơ's area page built without its cache (test client, server side): {current} ms in today's "
        f"boundaries, {recorded} ms as recorded (no figures: the province began in 2025).",
        "- Not measured here: a million households (the refresh reads every stored group of the provinces mapped into"
        " one, per year: it grows with their groups, not with the edit).",
    ]
    return lines
