"""The whiteboard of the house, checked: the pure engines import no Django, households import nothing of targets
or reports, and the recompute's modules import each other one way (figures ← sums ← services)."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imports(path: Path) -> set[str]:
    """The absolute modules a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.ImportFrom):
            package = ".".join(path.relative_to(ROOT).with_suffix("").parts[: -node.level])
            found.add(f"{package}.{node.module}" if node.module else package)
    return found


def test_the_pure_engines_import_no_django():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, households.standards, targets.engine; print(sorted(sys.modules))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("'")
    assert not [name for name in loaded if name == "django" or name.startswith("django.")]


def test_households_import_nothing_of_targets_or_reports():
    found = {
        (str(path.relative_to(ROOT)), module)
        for path in (ROOT / "households").rglob("*.py")
        for module in imports(path)
        if module.split(".")[0] in ("targets", "reports")
    }
    assert found == set()


def test_the_recompute_modules_import_each_other_one_way():
    figures, sums = imports(ROOT / "targets" / "figures.py"), imports(ROOT / "targets" / "sums.py")
    assert not {"targets.sums", "targets.services"} & figures
    assert "targets.services" not in sums
