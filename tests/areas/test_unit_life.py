"""Units have a life: a validity period, successors, an urban / rural type per period; a code names the unit in force
in a review year, never the old and the new unit at once."""

import base64
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from areas.changes import import_unit_changes
from areas.models import Unit, UnitTypePeriod
from households.models import Household
from households.roster.service import roster_import
from households.services import household_save
from tests.conftest import make_user
from tests.households.roster_files import HOUSEHOLD_HEADER, MEMBER_HEADER, household_row, member_row, xlsx

from .test_unit_changes import HEADER, table

REFORM = date(2025, 7, 1)


@pytest.fixture
def reformed(tree):
    """C1 and C2 merged on 1 July 2025 into a new commune that took C1's code; it became a ward on 1 January 2026."""
    rows = [("C1", "Xã 1", "C1", "Xã Mới", "01/07/2025"), ("C2", "Xã 2", "C1", "Xã Mới", "01/07/2025")]
    assert import_unit_changes(table(rows, HEADER[:5]), "t.xlsx").ok
    new = Unit.objects.get(path="P/C1/")
    new.area_type = "urban"
    new.save()
    UnitTypePeriod.objects.create(unit=new, valid_to=date(2026, 1, 1), area_type="rural")
    return {**tree, "old C1": Unit.objects.get(path="P/D1/C1/"), "new C1": new}


def test_the_type_that_classifies_a_household_is_its_units_type_that_review_year(reformed):
    new = reformed["new C1"]
    assert [new.area_type_in(year) for year in (2025, 2026)] == ["rural", "urban"]
    assert Unit.objects.filter(pk=new.pk).area_types([2025, 2026]) == {(new.pk, 2025): "rural", (new.pk, 2026): "urban"}
    for year, expected in ((2025, "rural"), (2026, "urban")):
        household = Household(unit=new, survey_year=year, code=f"H{year}", income_per_capita=900_000, member_count=2)
        household.reported_deprivations = []
        household_save(household)
        assert household.area_type == expected


def test_a_unit_takes_households_only_of_the_years_it_is_in_force(reformed):
    for unit, year in ((reformed["old C1"], 2025), (reformed["new C1"], 2024), (Unit.objects.get(code="D1"), 2026)):
        household = Household(
            unit=unit, survey_year=year, code="H", income_per_capita=900_000, member_count=2, reported_deprivations=[]
        )
        with pytest.raises(ValidationError) as error:
            household_save(household)
        assert f"năm rà soát {year}" in error.value.message_dict["unit"][0], error.value
    assert not Household.objects.exists()
    household = Household(
        unit=reformed["old C1"], survey_year=2024, code="H", income_per_capita=900_000, member_count=1
    )
    household.reported_deprivations = []
    household_save(household)
    assert household.pk


def test_the_roster_reads_a_code_as_the_unit_in_force_that_review_year(reformed):
    households = [
        household_row("H1", unit="C1", year=2024, members=1),
        household_row("H2", unit="C1", year=2026, members=1),
    ]
    members = [member_row("H1"), member_row("H2")]
    result = roster_import(
        xlsx({"Hộ": [HOUSEHOLD_HEADER, *households], "Thành viên": [MEMBER_HEADER, *members]}), "x.xlsx"
    )
    assert result.ok, [p.line() for p in result.problems]
    stored = {h.survey_year: (h.unit, h.area_type) for h in Household.objects.all()}
    assert stored == {2024: (reformed["old C1"], "rural"), 2026: (reformed["new C1"], "urban")}


def test_a_roster_row_in_a_unit_that_ceased_is_a_located_error(reformed):
    households = [household_row("H1", unit="C2", year=2026, members=1)]
    data = xlsx({"Hộ": [HOUSEHOLD_HEADER, *households], "Thành viên": [MEMBER_HEADER, member_row("H1")]})
    result = roster_import(data, "x.xlsx")
    assert [(p.sheet, p.row, p.column) for p in result.problems] == [("Hộ", 2, "Mã đơn vị")]
    assert result.problems[0].message == "Commune 2 không tồn tại trong năm rà soát 2026 (hiệu lực … – 30/06/2025)."
    assert not Household.objects.exists()


def test_a_code_is_unique_among_units_in_force_only(reformed):
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(code="C1", name="Trùng", level="commune", parent=reformed["D2"])
    assert Unit.objects.filter(code="C1").count() == 2


def test_pages_given_a_reused_code_open_the_unit_in_force(reformed, client):
    from targets.selectors import get_unit_for_user

    admin = make_user("boss", "admin", is_superuser=True, is_staff=True)
    assert get_unit_for_user(admin, "C1") == reformed["new C1"]
    assert get_unit_for_user(admin, "C2") == Unit.objects.get(code="C2")  # ceased, still readable


def test_the_units_api_shows_each_units_life_and_successors(reformed, client):
    make_user("boss", "admin", is_superuser=True)
    token = base64.b64encode(b"boss:pw").decode()
    response = client.get("/api/v1/units/?limit=100", HTTP_AUTHORIZATION=f"Basic {token}")
    assert response.status_code == 200
    units = {u["path"]: u for u in response.json()["items"]}
    assert {k: units["P/D1/C1/"][k] for k in ("valid_from", "valid_to", "successors")} == {
        "valid_from": None,
        "valid_to": "2025-07-01",
        "successors": ["C1"],
    }
    assert {k: units["P/C1/"][k] for k in ("valid_from", "valid_to", "successors")} == {
        "valid_from": "2025-07-01",
        "valid_to": None,
        "successors": [],
    }
    assert units["P/D2/C2/"]["successors"] == ["C1"] and units["P/D1/"]["valid_to"] == "2025-07-01"


def test_the_units_api_lists_the_children_of_the_unit_a_code_names(reformed, client):
    make_user("boss", "admin", is_superuser=True)
    auth = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"boss:pw").decode()}

    def children(code):
        return sorted(u["path"] for u in client.get(f"/api/v1/units/?parent_code={code}", **auth).json()["items"])

    assert children("P") == ["P/C1/", "P/D1/", "P/D2/"]
    assert children("D1") == ["P/D1/C1/"]
    assert children("C1") == [] and children("nope") == []
