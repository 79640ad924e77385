"""`make bench`: runs every section (benchmarks/bench_*.py, each a `main() -> list[str]` of Markdown lines)
and writes the figures to docs/benchmarks.md with the machine and date.

`BENCH_ONLY=recompute,roster make bench` runs some sections and keeps the others' last figures in the file, and
every block no section writes (benchmarks/side_by_side.py's).
"""

import importlib
import json
import os
import platform
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "benchmarks.md"
BLOCK = re.compile(r"<!-- bench:(\w+) -->\n(.*?)<!-- /bench:\1 -->\n", re.S)


def machine() -> str:
    load = os.getloadavg()[0]
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.platform()}; load average {load:.2f} at the start"
    )


def main():
    names = sorted(p.stem.removeprefix("bench_") for p in (ROOT / "benchmarks").glob("bench_*.py"))
    only = [n for n in os.environ.get("BENCH_ONLY", "").split(",") if n]
    blocks = dict(BLOCK.findall(OUT.read_text(encoding="utf-8"))) if OUT.exists() else {}
    for name in names:
        if only and name not in only:
            continue
        stamp = f"Measured {datetime.now().strftime('%Y-%m-%d %H:%M')} on {machine()}; `make bench`."
        lines = _section(name)
        lines[1:1] = ["", stamp]
        blocks[name] = "\n".join(lines) + "\n"
        print("\n".join(lines), flush=True)
    text = [
        "# Benchmarks",
        "",
        "Each section is written by `make bench` (benchmarks/bench_<name>.py) with its date and machine.",
        "",
    ]
    kept = sorted(
        set(blocks) - set(names)
    )  # blocks no bench_*.py writes (benchmarks/side_by_side.py): kept as they are
    for name in [*names, *kept]:
        if name in blocks:
            text += [f"<!-- bench:{name} -->", blocks[name].rstrip("\n"), f"<!-- /bench:{name} -->", ""]
    OUT.write_text("\n".join(text), encoding="utf-8")
    print(f"written to {OUT}")


def _section(name: str) -> list[str]:
    """Each section in a process of its own: Django is set up once per process, on the section's database."""
    process = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", name], cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True
    )
    return json.loads(process.stdout.rsplit(RESULT, 1)[1])


RESULT = "\n--- section lines ---\n"

if __name__ == "__main__":
    if len(sys.argv) == 2:
        section = importlib.import_module(f"benchmarks.bench_{sys.argv[1]}").main()
        print(RESULT + json.dumps(section), flush=True)
    else:
        main()
