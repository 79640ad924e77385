"""`make bench`: measured figures, written to docs/benchmarks.md with the machine and date."""

import json
import os
import platform
import random
import time
from datetime import datetime
from pathlib import Path

from households.standards import classify, parse_household
from households.standards.builtin import BUILTIN

ROOT = Path(__file__).resolve().parent.parent
VECTORS = json.loads((ROOT.parent / "shared/domain/test-vectors.json").read_text())
ANSWER_RECORDS = int(os.environ.get("BENCH_ANSWER_RECORDS", 1_000_000))
DETAIL_RECORDS = int(os.environ.get("BENCH_DETAIL_RECORDS", 200_000))


def _answer_dicts(n, rng):
    names = BUILTIN["ND07-2021"].indicators
    return [
        {"code": f"HH{i}", "survey_year": 2022, "area_type": rng.choice(("rural", "urban")),
         "income_per_capita": rng.randrange(500_000, 4_000_000, 1000), "member_count": rng.randint(1, 8),
         "deprivations": rng.sample(names, rng.randint(0, 5))}
        for i in range(n)
    ]


def _timed(fn, items):
    start = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - start


def bench_classification(rng):
    standards = BUILTIN
    rows = []
    dicts = _answer_dicts(ANSWER_RECORDS, rng)
    parsed = [parse_household(d, standards) for d in dicts]
    seconds = _timed(lambda p: classify(*p), parsed)
    rows.append(("classify, indicator answers, parsed records", ANSWER_RECORDS, seconds))
    seconds = _timed(lambda d: classify(*parse_household(d, standards)), dicts)
    rows.append(("validate + classify, indicator answers, JSON dicts", ANSWER_RECORDS, seconds))
    detail = [dict(VECTORS[i % len(VECTORS)]["household"], code=f"D{i}", standard="ND07-2021")
              for i in range(DETAIL_RECORDS)]
    parsed = [parse_household(d, standards) for d in detail]
    seconds = _timed(lambda p: classify(*p), parsed)
    rows.append(("classify, member-level records (12 vectors cycled)", DETAIL_RECORDS, seconds))
    seconds = _timed(lambda d: classify(*parse_household(d, standards)), detail)
    rows.append(("validate + classify, member-level JSON dicts", DETAIL_RECORDS, seconds))
    return rows


def main():
    rng = random.Random(7)
    rows = bench_classification(rng)
    lines = [
        "# Benchmarks",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.platform()}. Date: {datetime.now().strftime('%Y-%m-%d %H:%M')}. Command: `make bench`.",
        "",
        "## Household classification (issue: ≥ 100.000 households/s for indicator answers)",
        "",
        "One process, one core, pure-Python engine (`households/standards/`).",
        "",
        "| what | records | seconds | households/s |",
        "|---|---:|---:|---:|",
    ]
    for what, n, seconds in rows:
        lines.append(f"| {what} | {n:,} | {seconds:.2f} | {n / seconds:,.0f} |".replace(",", " "))
        print(f"{what}: {n / seconds:,.0f} households/s")
    if os.environ.get("BENCH_SKIP_RECOMPUTE") != "1":
        from benchmarks.recompute import main as recompute_main

        recompute_lines = recompute_main()
        lines += recompute_lines
        print("\n".join(recompute_lines))
    out = ROOT / "docs" / "benchmarks.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
