"""Classification throughput of the pure engine, one process."""

import json
import os
import random
import time
from pathlib import Path

from benchmarks import vn
from households.standards import classify, parse_household
from households.standards.builtin import BUILTIN

ROOT = Path(__file__).resolve().parent.parent
VECTORS = json.loads((ROOT / "tests/data/test-vectors.json").read_text())
ANSWER_RECORDS = int(os.environ.get("BENCH_ANSWER_RECORDS", 1_000_000))
DETAIL_RECORDS = int(os.environ.get("BENCH_DETAIL_RECORDS", 200_000))


def _answer_dicts(n, rng):
    names = BUILTIN["ND07-2021"].indicators
    return [
        {
            "code": f"HH{i}",
            "survey_year": 2022,
            "area_type": rng.choice(("rural", "urban")),
            "income_per_capita": rng.randrange(500_000, 4_000_000, 1000),
            "member_count": rng.randint(1, 8),
            "deprivations": rng.sample(names, rng.randint(0, 5)),
        }
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
    detail = [
        dict(VECTORS[i % len(VECTORS)]["household"], code=f"D{i}", standard="ND07-2021") for i in range(DETAIL_RECORDS)
    ]
    parsed = [parse_household(d, standards) for d in detail]
    seconds = _timed(lambda p: classify(*p), parsed)
    rows.append(("classify, member-level records (12 vectors cycled)", DETAIL_RECORDS, seconds))
    seconds = _timed(lambda d: classify(*parse_household(d, standards)), detail)
    rows.append(("validate + classify, member-level JSON dicts", DETAIL_RECORDS, seconds))
    return rows


def main() -> list[str]:
    rows = bench_classification(random.Random(7))
    lines = [
        "## Household classification (issue: ≥ 100.000 households/s for indicator answers)",
        "",
        "One process, one core, pure-Python engine (`households/standards/`).",
        "",
        "| what | records | seconds | households/s |",
        "|---|---:|---:|---:|",
    ]
    for what, n, seconds in rows:
        lines.append(f"| {what} | {vn(n)} | {vn(seconds, 2)} | {vn(n / seconds)} |")
    return lines
