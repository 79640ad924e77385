"""Sections of `make bench` measured side by side with an earlier commit, in one run (issue 22: no figure worse by
more than 10 %).

    python -m benchmarks.side_by_side BASE_REV section...

Makes a git worktree of BASE_REV under var/bench-base (its .venv a link to this tree's), then for each section runs
`python -m benchmarks.run <section>` in the base tree, then in this tree, one after the other, each on a PostgreSQL
database of its own (the schemas differ): pp_sbs_base_<section> and pp_sbs_new_<section>. The BENCH_* sizes of the
environment go to both sides alike. Writes the block `side_by_side` of docs/benchmarks.md: machine, date, load
averages, each headline figure old beside new with new/old, and both sides' section lines. `make bench` keeps the
block as it is (benchmarks/run.py keeps blocks no bench_*.py writes).

    python -m benchmarks.side_by_side --render BASE_REV section...

writes the block again from the sections kept in var/bench-side-by-side (a copy named <section>-again shows a
second run), with SBS_NOTES (Markdown lines) after the table: what was measured apart, by hand.
"""

import json
import os
import platform
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from benchmarks.run import BLOCK, OUT, RESULT, ROOT

BASE = ROOT / "var" / "bench-base"
KEPT = ROOT / "var" / "bench-side-by-side"  # each side's printed section, to write the block again (--render)
SERVER = os.environ.get("SBS_POSTGRES", "postgres://postgres@127.0.0.1:5432")
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/7")
NAME = "side_by_side"
WORSE = 1.10

# The column that holds each table's headline figure (first found), the section's decimal mark, and the figures
# where more is better (the others are times or memory: less is better).
COLUMNS = ("incremental", "measured", "median of runs", "seconds")
DECIMAL_COMMA = {"classification": True, "roster": True, "report": False, "recompute": False}
MORE_IS_BETTER = ("×",)
# Figures printed outside the tables that do not wait for a core: the CPU time of the roster import processes.
TEXT_FIGURES = {
    "roster": [
        (r"CPU time of the median import processes.*?: import ([\d,]+) s", "CPU time of the import process"),
        (r"CPU time of the median import processes.*?, re-import ([\d,]+) s", "CPU time of the re-import process"),
    ]
}


def _worktree(rev: str) -> str:
    commit = _git("rev-parse", "--verify", f"{rev}^{{commit}}")
    if (BASE / ".git").exists():
        _git("-C", str(BASE), "checkout", "--quiet", "--detach", commit)
    else:
        BASE.parent.mkdir(parents=True, exist_ok=True)
        _git("worktree", "add", "--detach", str(BASE), commit)
    venv = BASE / ".venv"
    if not venv.exists():
        venv.symlink_to(ROOT / ".venv")
    _base_workarounds()
    return commit


def _base_workarounds():
    """What the older bench code needs of its surroundings, without changing the old commit: before d782838 the
    classification bench read the test vectors from ../shared/domain (next to the repository)."""
    old = BASE.parent / "shared" / "domain" / "test-vectors.json"
    if not old.exists():
        old.parent.mkdir(parents=True, exist_ok=True)
        old.symlink_to(ROOT / "tests" / "data" / "test-vectors.json")


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


def _run(tree: Path, side: str, section: str) -> dict:
    env = dict(
        os.environ,
        BENCH_DATABASE_URL=f"{SERVER}/pp_sbs_{side}_{section}",
        BENCH_BROKER_URL=BROKER,
        DJANGO_SETTINGS_MODULE="povertyplan.settings",
    )
    before = os.getloadavg()
    started = time.monotonic()
    process = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", section], cwd=tree, env=env, stdout=subprocess.PIPE, text=True
    )
    seconds = time.monotonic() - started
    after = os.getloadavg()
    lines = json.loads(process.stdout.rsplit(RESULT, 1)[1]) if process.returncode == 0 else None
    print(f"{section} {side}: {seconds:.0f} s, load {before[0]:.2f} → {after[0]:.2f}", flush=True)
    run = {"lines": lines, "seconds": seconds, "load": (before, after), "rc": process.returncode, "sizes": _sizes()}
    run["at"] = datetime.now().strftime("%Y-%m-%d %H:%M")
    run["rev"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tree, capture_output=True, text=True).stdout.strip()
    KEPT.mkdir(parents=True, exist_ok=True)
    (KEPT / f"{section}-{side}.json").write_text(json.dumps(run), encoding="utf-8")
    return run


def _number(text: str, comma: bool):
    match = re.search(r"\d[\d.,  ]*\d|\d", text)
    if not match:
        return None
    digits = match.group(0).replace(" ", "").replace(" ", "")
    digits = digits.replace(".", "").replace(",", ".") if comma else digits.replace(",", "")
    return float(digits)


def _label(cell: str) -> str:
    """A row's label without what it measured: parentheses and timings in ms dropped."""
    cell = re.sub(r"\s[\d.,]+ ms\b", "", re.sub(r"\([^)]*\)", "", cell))
    return re.sub(r"\s+([,:])", r"\1", re.sub(r"\s+", " ", cell)).strip(" ,:")


def figures(lines: list[str], section: str) -> dict:
    """{row label: (figure as shown, number)} of every table of the section with a headline column."""
    found, column, unit = {}, None, False
    for line in lines:
        if not line.startswith("|"):
            column = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if column is None:
            heads = [c.lower() for c in cells]
            column = next((heads.index(c) for c in COLUMNS if c in heads), -1)
            unit = column >= 0 and heads[column] == "seconds"  # a column of bare numbers
            continue
        if column < 0 or set(cells[0]) <= set("-:"):
            continue
        shown = cells[column]
        number = _number(shown.split("(")[0], DECIMAL_COMMA.get(section.split("-")[0], False))
        shown += " s" if unit else ""
        if number is not None:
            found[_label(cells[0])] = (shown.split(" (")[0], number)
    text = "\n".join(lines)
    for pattern, label in TEXT_FIGURES.get(section.split("-")[0], []):
        match = re.search(pattern, text)
        if match:
            found[label] = (
                f"{match.group(1)} s",
                _number(match.group(1), DECIMAL_COMMA.get(section.split("-")[0], False)),
            )
    return found


def compare(section: str, old: list[str], new: list[str]) -> list[tuple]:
    before, after = figures(old or [], section), figures(new or [], section)
    rows = []
    for key in [*before, *(k for k in after if k not in before)]:
        was, now = before.get(key), after.get(key)
        ratio = now[1] / was[1] if was and now and was[1] else None
        worse = None if ratio is None else (1 / ratio if any(m in now[0] for m in MORE_IS_BETTER) else ratio)
        rows.append((section, key, was and was[0], now and now[0], ratio, worse))
    return rows


def _loads(run: dict) -> str:
    before, after = run["load"]
    return f"{before[0]:.2f} → {after[0]:.2f}"


def _sizes() -> list[str]:
    return sorted(f"{k}={v}" for k, v in os.environ.items() if k.startswith("BENCH_") and k != "BENCH_BROKER_URL")


def block(base: str, new: str, runs: dict, notes: list[str]) -> list[str]:
    sizes = sorted({size for pair in runs.values() for run in pair for size in run["sizes"]})
    first, last = min(r["at"] for p in runs.values() for r in p), list(runs.values())[-1][1]
    load = last["load"][1]
    lines = [
        f"## Side by side: {base[:7]} (before issue 22's refactors) and {new[:7]}, in one run",
        "",
        f"Measured {first} to {last['at']} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.platform()}; `python -m benchmarks.side_by_side {base[:7]} "
        f"{' '.join(dict.fromkeys(name.split('-')[0] for name in runs))}`. Each section ran in the old tree (a "
        f"worktree of {base[:7]}, its own bench code), then at once in this one, each on a PostgreSQL database of "
        "its own. Sizes, the same for both: "
        f"{', '.join(sizes) or 'the defaults'}. Load average (1 / 5 / 15 min) {load[0]:.2f} / {load[1]:.2f} / "
        f"{load[2]:.2f} at the end, on 2 cores shared with other work: wall times include waiting for a core.",
        "",
        "| section | figure | old | new | new / old | worse by > 10 % | load (1 min) old · new |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for section, (old, now) in runs.items():
        for _s, key, was, is_, ratio, worse in compare(section, old["lines"], now["lines"]):
            flag = "—" if worse is None else ("**yes**" if worse > WORSE else "no")
            shown = "—" if ratio is None else f"{ratio:.2f}"
            loads = f"{_loads(old)} · {_loads(now)}"
            lines.append(f"| {section} | {key} | {was or '—'} | {is_ or '—'} | {shown} | {flag} | {loads} |")
    lines += [
        "",
        "new / old above 1 is slower or larger, except for the × figure (how many times django-import-export's time "
        "per household the roster import's is), where below 1 is worse; the flag reads it so.",
        *(["", *notes] if notes else []),
    ]
    for section, (old, now) in runs.items():
        for side, rev, run in (("old", base, old), ("new", new, now)):
            lines += ["", f"<details><summary>{section}, {side} ({rev[:7]}): the section as printed</summary>", ""]
            if run["lines"] is None:
                lines.append(f"Failed (exit {run['rc']}); see the driver's output.")
            else:
                lines += [re.sub(r"^(#+) ", "#### ", line) for line in run["lines"]]
            lines += ["", "</details>"]
    return lines


def write(lines: list[str]):
    text = OUT.read_text(encoding="utf-8")
    body = "\n".join(lines) + "\n"
    new = f"<!-- bench:{NAME} -->\n{body}<!-- /bench:{NAME} -->\n"
    if any(name == NAME for name, _ in BLOCK.findall(text)):
        text = BLOCK.sub(lambda m: new if m.group(1) == NAME else m.group(0), text)
    else:
        text = text.rstrip("\n") + "\n\n" + new
    OUT.write_text(text, encoding="utf-8")


def main(argv: list[str]):
    render = argv[0] == "--render"  # the block written again from the kept sections, nothing run
    rev, sections = argv[render], argv[render + 1 :]
    notes = (
        os.environ["SBS_NOTES"].strip("\n").split("\n") if os.environ.get("SBS_NOTES") else []
    )  # what was done by hand
    base = _worktree(rev)
    new = _git("rev-parse", "HEAD")
    runs = {}
    if render:
        for section in sections:
            runs[section] = tuple(
                json.loads((KEPT / f"{section}-{side}.json").read_text(encoding="utf-8")) for side in ("base", "new")
            )
        new = next(iter(runs.values()))[1].get("rev", new)  # the commit measured, not the one writing the block
        write(block(base, new, runs, notes))
        sections = []
    for section in sections:
        runs[section] = (_run(BASE, "base", section), _run(ROOT, "new", section))
        write(block(base, new, runs, notes))  # after each section: what is measured is kept if a later one fails
    print(OUT.read_text(encoding="utf-8").split(f"<!-- bench:{NAME} -->")[1].split("<details>")[0])


if __name__ == "__main__":
    main(sys.argv[1:])
