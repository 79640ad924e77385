"""The household layer announces changes; it does not know the plans that measure its records."""

import ast
from pathlib import Path

import pytest

from households.models import Household
from households.services import household_delete, household_save
from households.signals import announce_change, households_changed

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def heard():
    calls = []

    def listener(sender, unit_ids, years, **kwargs):
        calls.append((unit_ids, years))

    households_changed.connect(listener, dispatch_uid="test-listener")
    yield calls
    households_changed.disconnect(dispatch_uid="test-listener")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_households_app_does_not_import_the_targets_app():
    modules = [p for p in (ROOT / "households").rglob("*.py")]
    offenders = [
        str(p.relative_to(ROOT))
        for p in modules
        if any(name == "targets" or name.startswith("targets.") for name in _imports(p))
    ]
    assert offenders == []


def _household(unit, code="H1", year=2022):
    return Household(
        unit=unit,
        survey_year=year,
        code=code,
        area_type="rural",
        income_per_capita=900_000,
        member_count=1,
        reported_deprivations=["water"],
    )


def test_a_save_is_announced_once_after_commit(tree, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        household_save(_household(tree["C1"]))
        assert heard == []  # not before the commit
    assert heard == [([tree["C1"].pk], [2022])]


def test_a_move_announces_the_old_and_the_new_place(tree, heard, django_capture_on_commit_callbacks):
    household = household_save(_household(tree["C1"]))
    household.unit, household.survey_year = tree["C2"], 2023
    with django_capture_on_commit_callbacks(execute=True):
        household_save(household)
    assert heard[-1] == (sorted([tree["C1"].pk, tree["C2"].pk]), [2022, 2023])


def test_a_delete_is_announced(tree, heard, django_capture_on_commit_callbacks):
    household = household_save(_household(tree["C1"]))
    with django_capture_on_commit_callbacks(execute=True):
        household_delete(household)
    assert heard[-1] == ([tree["C1"].pk], [2022])


def test_a_rolled_back_write_announces_nothing(tree, heard, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                announce_change([tree["C1"].pk], [2022])
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert callbacks == [] and heard == []


def test_an_empty_announcement_is_dropped(heard, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        announce_change([], [2022])
        announce_change([1], [])
    assert callbacks == [] and heard == []
