"""Two tiers from the reform date (1 July 2025, so from review year 2025): nothing is entered or approved at the
district level, the approval chain (settings.APPROVAL_CHAINS) is commune → province, and a former district's officer
reads its history and writes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from approvals.models import Action, DataKind, State
from approvals.rules import can_decide, can_submit
from approvals.services import approval_transition
from areas.changes import import_unit_changes
from areas.models import Unit, approval_chain
from areas.selectors import units_for_user
from areas.services import profile_save
from households.models import Household
from households.services import household_save
from targets.models import Indicator
from targets.reported import reported_grid_save
from tests.conftest import make_user

from .test_unit_changes import HEADER, table

DISTRICT_REFUSED = (
    "Từ năm rà soát 2025 không nhập hay phê duyệt dữ liệu ở cấp huyện (District 1): dữ liệu đi theo cấp xã → cấp tỉnh."
)


def _household(unit, year, code="H1"):
    return household_save(
        Household(
            unit=unit, survey_year=year, code=code, income_per_capita=900_000, member_count=2, reported_deprivations=[]
        )
    )


def test_the_chain_is_commune_district_province_until_2024_then_commune_province(settings):
    assert approval_chain(2024) == ("commune", "district", "province")
    assert approval_chain(2025) == approval_chain(2030) == ("commune", "province")
    settings.APPROVAL_CHAINS = {
        "1900-01-01": ("commune", "district", "province"),
        "2027-01-01": ("commune", "province"),
    }
    assert approval_chain(2026) == ("commune", "district", "province")  # configurable


def test_no_household_record_at_district_level_from_review_year_2025(tree):
    with pytest.raises(ValidationError) as refused:
        _household(tree["D1"], 2025)
    assert refused.value.message_dict["unit"] == [DISTRICT_REFUSED]
    assert _household(tree["D1"], 2024).pk and _household(tree["C1"], 2025, "H2").pk


def test_no_reported_value_at_district_level_from_review_year_2025(tree):
    indicator = Indicator.objects.get(code="jobs_found")
    with pytest.raises(ValidationError) as refused:
        reported_grid_save(tree["D1"], 2025, {(indicator, 0): (Decimal(5), None, None)})
    assert refused.value.messages == [DISTRICT_REFUSED]
    assert not tree["D1"].reported_values.exists()
    assert reported_grid_save(tree["D1"], 2024, {(indicator, 0): (Decimal(5), None, None)}) == 1


def test_no_approval_at_district_level_from_review_year_2025(tree):
    officer = make_user("huyen", "district_officer", tree["D1"])
    manager = make_user("tinh", "manager", tree["P"])
    for user, action in ((officer, Action.SUBMIT), (manager, Action.APPROVE)):
        with pytest.raises(ValidationError) as refused:
            approval_transition(user=user, unit=tree["D1"], year=2025, kind=DataKind.HOUSEHOLDS, action=action)
        assert refused.value.messages == [DISTRICT_REFUSED]
    step = approval_transition(user=officer, unit=tree["D1"], year=2024, kind=DataKind.HOUSEHOLDS, action=Action.SUBMIT)
    assert step.state == State.SUBMITTED


@pytest.fixture
def reformed(tree):
    rows = [("C1", "Xã 1", "N1", "Xã Mới", "01/07/2025"), ("C2", "Xã 2", "N1", "Xã Mới", "01/07/2025")]
    assert import_unit_changes(table(rows, HEADER[:5]), "t.xlsx").ok
    return {code: Unit.objects.get(code=code) for code in ("P", "D1", "C1", "N1")}


def test_after_the_reform_a_new_commune_submits_and_the_province_approves(reformed):
    officer = make_user("xa", "officer", reformed["N1"])
    manager = make_user("tinh", "manager", reformed["P"])
    _household(reformed["N1"], 2025)
    kind = DataKind.HOUSEHOLDS
    approval_transition(user=officer, unit=reformed["N1"], year=2025, kind=kind, action=Action.SUBMIT)
    approved = approval_transition(user=manager, unit=reformed["N1"], year=2025, kind=kind, action=Action.APPROVE)
    assert approved.state == State.APPROVED and approved.decided_by == manager


def _officer(name, unit, **flags):
    """A district officer with the role's group of permissions."""
    user = make_user(name, "district_officer", unit, **flags)
    profile_save(user, "district_officer", unit)
    return user


def test_a_former_district_officer_reads_their_districts_history_and_writes_nothing(reformed):
    former = _officer("huyen", reformed["D1"])
    _household(reformed["C1"], 2024)
    assert set(units_for_user(former).values_list("code", flat=True)) == {"D1", "C1"}
    assert former.has_perm("households.view_household") and former.has_perm("targets.view_reportedvalue")
    for perm in ("households.change_household", "households.add_household", "targets.change_reportedvalue"):
        assert not former.has_perm(perm), perm
    assert not can_submit(former, reformed["C1"]) and not can_decide(former, reformed["C1"])
    still = _officer("huyen2", Unit.objects.create(code="D9", name="D9", level="district"))
    assert still.has_perm("households.change_household")  # a district that still exists (before the import) writes


def test_the_household_pages_of_a_former_district_officer_are_read_only(reformed, client):
    former = _officer("huyen", reformed["D1"], is_staff=True)
    household = _household(reformed["C1"], 2024)
    client.force_login(former)
    assert client.get(f"/households/{household.pk}/").status_code == 200
    assert client.get(f"/households/{household.pk}/edit/").status_code in (403, 302)
