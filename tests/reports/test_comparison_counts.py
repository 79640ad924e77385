"""The comparison page's kept counts (reports.comparison_counts) stay what one grouped pass over the stored
households and classifications counts, whatever writes them: a save, a move, a deletion, a re-scoring, an edit of
the standard."""

import pytest

from households.models import Household, HouseholdClassification, PovertyStandard
from households.reclassify import reclassify_standard
from households.services import household_delete, household_save
from reports import comparison_counts, rescoring, selectors
from reports.models import ComparisonCount, ComparisonCountsBuilt
from tests.reports.conftest import small_province
from tests.reports.test_standards_comparison import HOUSEHOLDS, save


def _live(unit, standard) -> set:
    """(unit path, own group, other group, households) counted from the rows themselves."""
    other = {c.household_id: c for c in HouseholdClassification.objects.filter(standard=standard)}
    counted = {}
    for h in Household.objects.filter(survey_year=2026, unit__path__startswith=unit.path).select_related("unit"):
        mine = "incomplete" if h.incomplete else h.classification
        theirs = other.get(h.pk)
        theirs = "missing" if theirs is None else "incomplete" if theirs.incomplete else theirs.classification
        key = (h.unit.path, mine, theirs)
        counted[key] = counted.get(key, 0) + 1
    return {(*key, n) for key, n in counted.items()}


def _kept(unit, standard) -> set:
    groups, _imported, _sources = selectors.comparison_groups(unit, 2026, standard)
    return {(g.path, g.own, g.other, g.households) for g in groups}


@pytest.fixture(name="province")
def hand_counted(db):
    """The comparison tests' hand-counted province (tests/reports/test_standards_comparison.py)."""
    units = small_province()
    for code, (commune, income, deprivations) in HOUSEHOLDS.items():
        save(code, units[commune], 2026, income, deprivations)
    return units


@pytest.fixture
def nd351(db):
    return PovertyStandard.objects.get(code="ND351-2025")


def test_counts_are_built_on_first_read_and_kept(province, nd351):
    assert _kept(province["P"], nd351) == _live(province["P"], nd351)
    assert ComparisonCountsBuilt.objects.filter(province=province["P"], standard=nd351).exists()
    assert _kept(province["D2"], nd351) == _live(province["D2"], nd351)  # a district: the province's counts


def test_a_save_a_move_and_a_deletion_are_counted_at_once(province, nd351, django_capture_on_commit_callbacks):
    _kept(province["P"], nd351)
    household = Household.objects.get(code="e")
    with django_capture_on_commit_callbacks(execute=True):
        household.income_per_capita = 900_000  # middle → near-poor under Decree 07
        household_save(household, [])
    assert _kept(province["P"], nd351) == _live(province["P"], nd351)
    moved = Household.objects.get(code="a")
    with django_capture_on_commit_callbacks(execute=True):
        moved.unit = province["C2"]
        moved.area_type = "urban"
        household_save(moved, [])
    assert _kept(province["P"], nd351) == _live(province["P"], nd351)
    with django_capture_on_commit_callbacks(execute=True):
        household_delete(Household.objects.get(code="j"))
    assert _kept(province["P"], nd351) == _live(province["P"], nd351)
    assert ComparisonCount.objects.filter(unit=province["C2"]).exists()


def test_a_re_scoring_rebuilds_its_province(province, nd351):
    _kept(province["P"], nd351)
    HouseholdClassification.objects.filter(standard=nd351).delete()  # no announcement: only the job sees it
    job = rescoring.rescore_now(nd351, 2026, province["P"])
    assert job.status == "done" and job.household_count == 10
    assert _kept(province["P"], nd351) == _live(province["P"], nd351)


def test_an_edited_standard_rebuilds_the_counts_when_next_read(province, nd351):
    rescoring.rescore_now(nd351, 2026, province["P"])
    before = _kept(province["P"], nd351)
    nd351.deprivation_line_rural = 1_100_000  # most rural households leave poverty under Decree 351
    nd351.save()
    reclassify_standard(nd351.pk, edited_fields=["deprivation_line_rural"])
    after = _kept(province["P"], nd351)
    assert after == _live(province["P"], nd351) and after != before


def test_counts_of_a_unit_without_households_are_empty(province, nd351):
    comparison_counts.rebuild_units([province["C1"].pk], [2026])  # nothing built for 2026 yet: nothing to do
    assert not ComparisonCount.objects.exists()


def test_counts_that_could_not_be_rebuilt_are_rebuilt_when_next_read(province, nd351, monkeypatch):
    from django.db import DatabaseError

    _kept(province["P"], nd351)

    def broken(unit_ids, years):
        raise DatabaseError("lost connection")

    monkeypatch.setattr(comparison_counts, "rebuild_units", broken)
    household = Household.objects.get(code="b")
    household.income_per_capita = 3_500_000
    household_save(household, [])
    comparison_counts.households_changed("households", [household.unit_id], [2026])  # the write is not failed
    assert not ComparisonCountsBuilt.objects.exists()
    assert _kept(province["P"], nd351) == _live(province["P"], nd351)
