"""Decree 351/2025 (docs/domain/poverty-standards.md §4): its lines, its rule, its 12 indicators, and what a
household with unanswered questions is under it."""

import dataclasses

import pytest

from households.standards import Dwelling, HouseholdRecord, Member, classify
from households.standards.builtin import BUILTIN, DIMENSIONS
from households.standards.records import standards_of_year

ND351 = BUILTIN["ND351-2025"]
ND07 = BUILTIN["ND07-2021"]


def answers(area, income, deprived, not_surveyed=()):
    return HouseholdRecord(
        "H", area, income, 2027, 3, answers=frozenset(deprived), not_surveyed=frozenset(not_surveyed)
    )


THREE = ("water", "latrine", "waste")
TWO = ("water", "latrine")


@pytest.mark.parametrize(
    ("area", "income", "deprived", "expected"),
    [
        ("rural", 2_199_999, THREE, "poor"),
        ("rural", 2_200_000, THREE, "poor"),
        ("rural", 2_200_001, THREE, "not_poor"),
        ("rural", 2_199_999, TWO, "near_poor"),
        ("rural", 2_200_000, TWO, "near_poor"),
        ("rural", 2_200_001, TWO, "not_poor"),
        ("rural", 0, (), "near_poor"),
        ("urban", 2_799_999, THREE, "poor"),
        ("urban", 2_800_000, THREE, "poor"),
        ("urban", 2_800_001, THREE, "not_poor"),
        ("urban", 2_800_000, TWO, "near_poor"),
        ("urban", 2_800_001, TWO, "not_poor"),
        ("urban", 2_200_001, THREE, "poor"),  # the urban line is higher
    ],
)
def test_decree_351_at_every_line_and_at_two_and_three_deprivations(area, income, deprived, expected):
    result = classify(answers(area, income, deprived), ND351)
    assert result.classification == expected
    assert not result.incomplete


def test_no_medium_band_unless_set():
    assert ND351.middle_line is None and ND351.low_income_worker_line is None
    result = classify(answers("rural", 2_250_000, ()), ND351)
    assert result.classification == "not_poor"  # Decree 07 would call it medium-living (≤ 2.250.000)
    assert result.low_income_worker_household is None
    assert classify(answers("rural", 2_250_000, ()), ND07).classification == "middle"


def test_twelve_indicators_in_six_dimensions_waste_in_information_means_out():
    assert len(ND351.indicators) == 12
    assert set(ND351.indicators) == set(ND07.indicators) - {"information_means"} | {"waste"}
    dimensions = DIMENSIONS["ND351-2025"]
    assert len(dimensions) == 6
    assert sorted(name for names in dimensions.values() for name in names) == sorted(ND351.indicators)


def detailed(waste, income=1_000_000, internet=True):
    adult = Member(
        age=40, health_insurance=True, employment="self_employed", uses_internet=internet, education="upper_secondary"
    )
    dwelling = Dwelling(
        floor_area_m2=60, water_source="river_pond", latrine="none", waste_disposal=waste, assets=frozenset({"tv"})
    )
    return HouseholdRecord("H", "rural", income, 2026, 1, members=(adult,), dwelling=dwelling)


@pytest.mark.parametrize(("waste", "deprived"), [("collected", False), ("treated_on_site", False), ("untreated", True)])
def test_waste_indicator_reads_the_answer(waste, deprived):
    result = classify(detailed(waste), ND351)
    assert ("waste" in result.deprivations) is deprived
    assert result.classification == ("poor" if deprived else "near_poor")  # water and latrine deprived as well
    assert not result.not_surveyed


def test_an_unanswered_question_is_not_surveyed_and_the_class_incomplete_when_it_could_change_it():
    result = classify(detailed(None), ND351)
    assert result.not_surveyed == ("waste",)
    assert "waste" not in result.deprivations
    assert result.classification == "near_poor" and result.incomplete  # 2 deprived + 1 unknown could reach 3
    assert result.as_dict()["not_surveyed"] == ["waste"]

    richer = classify(detailed(None, income=5_000_000), ND351)
    assert richer.classification == "not_poor" and not richer.incomplete  # above the line: answers cannot matter

    poor = classify(
        dataclasses.replace(detailed(None), members=(Member(age=40, employment="wage_no_contract"),)), ND351
    )
    assert poor.classification == "poor" and not poor.incomplete  # already 3 without the unknown


def test_decree_07_does_not_ask_about_waste():
    result = classify(detailed(None), ND07)
    assert not result.not_surveyed and not result.incomplete


def test_answers_given_for_another_list_leave_the_rest_not_surveyed():
    record = answers("rural", 1_000_000, ("water", "latrine"), not_surveyed=("waste", "health_access"))
    under_351 = classify(record, ND351)
    assert under_351.not_surveyed == ("waste",) and under_351.incomplete
    assert classify(record, ND07).not_surveyed == ()


def test_the_review_of_a_period_last_year_is_classified_under_both_standards():
    standards = list(BUILTIN.values())
    assert [s.code for s in standards_of_year(standards, 2021)] == ["QD59-2015", "ND07-2021"]
    assert [s.code for s in standards_of_year(standards, 2024)] == ["ND07-2021"]
    assert [s.code for s in standards_of_year(standards, 2026)] == ["ND07-2021", "ND351-2025"]
    assert [s.code for s in standards_of_year(standards, 2027)] == ["ND351-2025"]
    assert standards_of_year(standards, 2031) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"indicator_rules": {}}, "indicator_rules", "ít nhất một chỉ số"),
        (
            {"income_only_poor_line_rural": 2_300_000, "income_only_poor_line_urban": 2_000_000},
            "income_only_poor_line_rural",
            "chồng lên nhau",
        ),
        ({"first_year": 2026}, "first_year", "Nghị định 07/2021/NĐ-CP"),
    ],
)
def test_a_standard_whose_lines_or_years_overlap_or_with_no_indicator_is_refused(change, field, words):
    from django.core.exceptions import ValidationError

    from households.models import PovertyStandard

    standard = PovertyStandard.objects.get(code="ND351-2025")
    for name, value in change.items():
        setattr(standard, name, value)
    with pytest.raises(ValidationError) as refused:
        standard.full_clean()
    assert words in " ".join(refused.value.message_dict[field])
    standard.refresh_from_db()
    assert standard.indicator_rules and standard.first_year == 2027  # nothing written


def _boundary_household(unit, waste, income=2_100_000):
    """A 2026 household with two deprivations (water, latrine) besides waste, rural."""
    from households.models import Household
    from households.models import Member as StoredMember

    household = Household(
        unit=unit,
        survey_year=2026,
        code="B-1",
        area_type="rural",
        income_per_capita=income,
        house_class="kien_co",
        nondurable_structures=0,
        floor_area_m2=80,
        water_source="river_pond",
        latrine="none",
        waste_disposal=waste,
        has_tv=True,
    )
    adult = StoredMember(
        age=40,
        sex="M",
        education="upper_secondary",
        employment="self_employed",
        health_insurance=True,
        uses_internet=True,
    )
    return household, [adult]


@pytest.mark.django_db
def test_a_boundary_year_save_stores_both_classifications_and_the_api_answers_both(tree, client):
    from django.contrib.auth.models import User

    from households.services import household_save

    household, members = _boundary_household(tree["C1"], "untreated")
    household_save(household, members)
    household.refresh_from_db()
    assert household.standard.code == "ND07-2021" and household.classification == "middle"  # 2.100.000 ≤ 2.250.000
    other = household.other_classifications.get()
    assert other.standard.code == "ND351-2025" and other.classification == "poor"  # ≤ 2.200.000, 3 deprivations

    User.objects.create_superuser("root", password="pw")
    client.login(username="root", password="pw")
    body = client.get(f"/api/v1/households/{household.pk}/").json()
    assert set(body["classifications"]) == {"ND07-2021", "ND351-2025"}
    assert body["classifications"]["ND351-2025"]["deprivations"] == ["latrine", "waste", "water"]
    assert body["dwelling"]["waste_disposal"] == "untreated"

    body["dwelling"]["waste_disposal"] = None  # the answer withdrawn: not surveyed, never "not deprived"
    assert client.put(f"/api/v1/households/{household.pk}/", body, content_type="application/json").status_code == 200
    after = client.get(f"/api/v1/households/{household.pk}/").json()["classifications"]["ND351-2025"]
    assert after["classification"] == "near_poor" and after["incomplete"] and after["not_surveyed"] == ["waste"]
    assert household.other_classifications.count() == 1


@pytest.mark.django_db
def test_an_administrator_corrects_and_confirms_a_threshold_and_the_second_classification_follows(tree):
    from households.models import PovertyStandard
    from households.reclassify import reclassify_standard
    from households.services import household_save

    household, members = _boundary_household(tree["C1"], "treated_on_site")
    household_save(household, members)
    assert household.other_classifications.get().classification == "near_poor"
    standard = PovertyStandard.objects.get(code="ND351-2025")
    assert standard.provenance["waste"]["confirmed"] is False  # shipped provisional
    standard.parameters = {**standard.parameters, "hygienic_waste_disposal": ["collected"]}
    standard.provenance["waste"] = {"source": "Phụ lục NĐ 351/2025, mục 12 (đã đối chiếu)", "confirmed": True}
    standard.full_clean()
    standard.save()
    reclassify_standard(standard.pk, edited_fields=["parameters", "provenance"])
    assert household.other_classifications.get().classification == "poor"  # on-site treatment no longer counts

    standard.provenance["no_such_threshold"] = {"source": "x", "confirmed": True}
    with pytest.raises(Exception, match="no_such_threshold|ngưỡng"):
        standard.full_clean()


@pytest.mark.django_db
def test_households_with_an_incomplete_classification_are_listed_for_the_officer_to_finish(tree, client):
    from households.services import household_save
    from tests.conftest import make_user

    unfinished, members = _boundary_household(tree["C1"], "")  # waste not asked: incomplete under Decree 351
    household_save(unfinished, members)
    finished, members = _boundary_household(tree["C1"], "collected")
    finished.code = "B-2"
    household_save(finished, members)
    elsewhere, members = _boundary_household(tree["C2"], "")  # another commune: not the officer's
    elsewhere.code = "B-3"
    household_save(elsewhere, members)

    make_user("officer", "officer", tree["C1"])
    client.login(username="officer", password="pw")
    page = client.get("/households/", {"year": 2026}).content.decode()
    assert "1 hộ còn thiếu câu trả lời" in page
    listed = client.get("/households/", {"year": 2026, "to_finish": "on"}).content.decode()
    assert "B-1" in listed and "B-2" not in listed and "B-3" not in listed


def test_answers_for_an_indicator_the_standard_does_not_have_are_not_counted_under_it():
    record = answers("rural", 1_000_000, ("water", "latrine", "information_means"), not_surveyed=("waste",))
    result = classify(record, ND351)
    assert result.deprivations == ("latrine", "water") and result.classification == "near_poor" and result.incomplete


def test_scoring_under_decree_351_from_stored_deprivations_agrees_with_scoring_from_the_members(demo):
    """classify_under reads Decree 07's stored deprivations for the 11 indicators Decree 351 decides alike and the
    dwelling for waste: the same result as classifying each household from its members."""
    from households.models import Household, HouseholdClassification, PovertyStandard
    from households.reclassify import classify_under
    from households.services import other_classification

    nd351 = PovertyStandard.objects.get(code="ND351-2025")
    latest = Household.objects.filter(survey_year=2026).select_related("standard").prefetch_related("members")
    assert classify_under(nd351, latest) == latest.count() > 100
    stored = {c.household_id: c for c in HouseholdClassification.objects.filter(standard=nd351)}
    fields = ("classification", "deprivations", "not_surveyed", "incomplete", "classification_rule")
    differ = [
        h.code
        for h in latest
        if [getattr(stored[h.pk], f) for f in fields]
        != [getattr(other_classification(h, list(h.members.all()), nd351), f) for f in fields]
    ]
    assert not differ
    assert any(c.incomplete for c in stored.values()) and any(c.classification == "poor" for c in stored.values())
