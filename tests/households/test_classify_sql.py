"""Re-scoring a set of households under another standard (households.reclassify.classify_under): the statement
generated for PostgreSQL (households.classify_sql) and the Python path (SQLite, or member rules that differ) give
what the pure engine gives for each household (services.other_classification), field by field."""

import itertools

import pytest
from django.db import connection

from households.services import OTHER_COLUMNS

LINES = {"rural": 2_200_000, "urban": 2_800_000}  # Decree 351


def _paths():
    """The Python path everywhere; the SQL path on PostgreSQL."""
    return [False, True] if connection.vendor == "postgresql" else [False]


def _member(**fields):
    from households.models import Member

    values = dict(age=40, sex="M", education="upper_secondary", employment="self_employed", health_insurance=True)
    values["uses_internet"] = True
    return Member(**{**values, **fields})


def _varied(tree):
    """2026 households (Decree 07's review, re-scored under Decree 351) at every income line boundary, with 0 to 4
    dwelling deprivations, the waste question answered each way or not asked, roster answers alone, roster answers
    beside members, and member deprivations (no insurance, no internet) Decree 351 reads from the stored ones."""
    from households.models import Household
    from households.services import household_save

    wastes = ["", "collected", "treated_on_site", "untreated"]
    dwellings = [
        dict(water_source="piped", latrine="septic", has_tv=True),
        dict(water_source="river_pond", latrine="septic", has_tv=True),
        dict(water_source="river_pond", latrine="none", has_tv=True),
        dict(water_source="river_pond", latrine="none", nondurable_structures=2, has_tv=False),
    ]
    n = 0
    for area, commune in (("rural", tree["C1"]), ("urban", tree["C2"])):
        line = LINES[area]
        incomes = [line - 1, line, line + 1, 700_000, 1_500_000, 2_250_001, 3_000_001]
        for income, waste, dwelling in itertools.product(incomes, wastes, dwellings):
            n += 1
            household = Household(
                unit=commune,
                survey_year=2026,
                code=f"V-{n}",
                area_type=area,
                income_per_capita=income,
                house_class="kien_co",
                nondurable_structures=dwelling.get("nondurable_structures", 0),
                floor_area_m2=80 if n % 5 else 10,  # 10 m² for 1–2 members: housing_area deprived
                water_source=dwelling["water_source"],
                latrine=dwelling["latrine"],
                has_tv=dwelling["has_tv"],
                waste_disposal=waste,
            )
            members = [_member(health_insurance=n % 3 != 0, uses_internet=n % 4 != 0)]
            if n % 7 == 0:
                members.append(_member(age=10, education="primary", in_school=True))
            if n % 11 == 0:  # roster answers beside the members: the members decide
                household.reported_deprivations = ["water", "latrine", "telecom", "employment"]
            household_save(household, members)
        for count, income in itertools.product(range(5), (line - 1, line, line + 1, 100_000)):
            n += 1
            given = ["water", "latrine", "telecom", "information_means", "nutrition"][:count]
            household_save(
                Household(
                    unit=commune,
                    survey_year=2026,
                    code=f"A-{n}",
                    area_type=area,
                    income_per_capita=income,
                    member_count=3,
                    reported_deprivations=given,
                )
            )
    return Household.objects.filter(survey_year=2026)


def _engine_view(households, standard) -> dict:
    from households.services import other_classification

    households = households.select_related("standard").prefetch_related("members")
    return {
        h.code: tuple(getattr(other_classification(h, list(h.members.all()), standard), f) for f in OTHER_COLUMNS)
        for h in households
    }


def _stored_view(households, standard) -> dict:
    from households.models import HouseholdClassification

    rows = HouseholdClassification.objects.filter(standard=standard, household__in=households).select_related(
        "household"
    )
    return {c.household.code: tuple(getattr(c, f) for f in OTHER_COLUMNS) for c in rows}


def _same_as_engine(households, standard):
    from households.models import HouseholdClassification
    from households.reclassify import classify_under

    expected = _engine_view(households, standard)
    for in_sql in _paths():
        HouseholdClassification.objects.filter(standard=standard).update(classification="x", deprivations=["x"])
        assert classify_under(standard, households, in_sql=in_sql) == len(expected)
        stored = _stored_view(households, standard)
        differ = {code: (stored.get(code), row) for code, row in expected.items() if stored.get(code) != row}
        assert not differ, (in_sql, list(differ.items())[:3])
    return expected


def _income_only_standard():
    """Decree 351 with an income-only poverty line, a medium band, a cut-off of 2 and Decision 59's information rule:
    every branch of the income step (the same parameters as Decree 07: its indicators are still read as stored)."""
    from households.models import PovertyStandard

    nd351 = PovertyStandard.objects.get(code="ND351-2025")
    return PovertyStandard.objects.create(
        code="TEST-BANDS",
        name="Test",
        first_year=2031,
        last_year=2032,
        income_only_poor_line_rural=700_000,
        income_only_poor_line_urban=900_000,
        deprivation_line_rural=LINES["rural"],
        deprivation_line_urban=LINES["urban"],
        middle_line_rural=3_000_000,
        middle_line_urban=3_000_001,
        min_deprivations=2,
        indicator_rules={**nd351.indicator_rules, "information_assets": "no_information_assets_nor_loudspeaker"},
        parameters=nd351.parameters,
    )


@pytest.mark.django_db
def test_rescoring_a_varied_province_gives_the_engine_result_for_every_household(tree):
    from households.classify_sql import sql_plan
    from households.models import PovertyStandard

    households = _varied(tree)
    nd351, nd07 = (PovertyStandard.objects.get(code=code) for code in ("ND351-2025", "ND07-2021"))
    assert sql_plan(nd351.to_engine(), {nd07.pk: nd07.to_engine()}) is not None  # the statement's case
    expected = _same_as_engine(households, nd351)
    classes = {row[0] for row in expected.values()}
    assert {"poor", "near_poor", "not_poor"} <= classes
    assert any(row[5] for row in expected.values()) and any("waste" in row[4] for row in expected.values())
    bands = _income_only_standard()
    expected = _same_as_engine(households, bands)
    assert {"poor", "near_poor", "middle", "not_poor"} <= {row[0] for row in expected.values()}


@pytest.mark.django_db
def test_a_standard_whose_member_rules_differ_is_classified_from_the_members(tree):
    """Decree 07's review re-scored under Decision 59 (other member rules): not for the statement, classified in
    Python from each household's members, with the same result."""
    from households.classify_sql import sql_plan
    from households.models import PovertyStandard

    households = _varied(tree)
    qd59, nd07 = (PovertyStandard.objects.get(code=code) for code in ("QD59-2015", "ND07-2021"))
    assert sql_plan(qd59.to_engine(), {nd07.pk: nd07.to_engine()}) is None
    _same_as_engine(households, qd59)


def test_the_demo_rescored_under_decree_351_gives_the_engine_result(demo):
    from households.models import Household, PovertyStandard

    latest = Household.objects.filter(survey_year=2026)
    expected = _same_as_engine(latest, PovertyStandard.objects.get(code="ND351-2025"))
    assert len(expected) > 100 and any(row[5] for row in expected.values())


@pytest.mark.django_db
def test_other_thresholds_are_classified_from_the_members_with_the_engine_result(tree):
    """A threshold edited (Decree 351's hygienic water, area per person): nothing is decided alike any more."""
    from households.classify_sql import sql_plan
    from households.models import PovertyStandard

    households = _varied(tree)
    nd351, nd07 = (PovertyStandard.objects.get(code=code) for code in ("ND351-2025", "ND07-2021"))
    nd351.parameters = {**nd351.parameters, "hygienic_water": ["piped"], "area_per_person_min_m2": 12.5}
    nd351.save()
    assert sql_plan(nd351.to_engine(), {nd07.pk: nd07.to_engine()}) is None
    _same_as_engine(households, nd351)
