"""Approval transitions, who may make them, and the lock on the data of a submitted or approved unit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals.models import Approval, DataKind, State
from approvals.services import DataLocked, approval_transition, locked_units
from households.models import Household, PovertyStandard
from households.reclassify import reclassify_standard
from households.services import household_delete, household_reclassify, household_save
from tests.conftest import make_user

YEAR = 2022


@pytest.fixture
def people(tree):
    return {
        "officer_c1": make_user("officer_c1", "officer", tree["C1"], first_name="Lan", last_name="Trần Thị"),
        "officer_c2": make_user("officer_c2", "officer", tree["C2"]),
        "officer_d1": make_user(
            "officer_d1", "district_officer", tree["D1"], first_name="Minh", last_name="Nguyễn Văn"
        ),
        "officer_d2": make_user("officer_d2", "district_officer", tree["D2"]),
        "manager": make_user("manager_p", "manager", tree["P"], first_name="Hà", last_name="Lê"),
    }


def _household(unit, code="H1", year=YEAR, income=1_000_000):
    return household_save(
        Household(
            unit=unit, survey_year=year, code=code, income_per_capita=income, member_count=3, reported_deprivations=[]
        )
    )


def _step(user, unit, action, comment="", kind=DataKind.HOUSEHOLDS, year=YEAR):
    return approval_transition(user=user, unit=unit, year=year, kind=kind, action=action, comment=comment)


def test_full_cycle_keeps_every_step_in_the_history(tree, people):
    c1 = tree["C1"]
    assert _step(people["officer_c1"], c1, "submit").state == State.SUBMITTED
    returned = _step(people["officer_d1"], c1, "return", "Thiếu 2 hộ ở ấp 3")
    assert (returned.state, returned.comment) == (State.RETURNED, "Thiếu 2 hộ ở ấp 3")
    assert _step(people["officer_c1"], c1, "submit").state == State.SUBMITTED
    approved = _step(people["officer_d1"], c1, "approve")
    assert (approved.state, approved.decided_by, approved.submitted_by) == (
        State.APPROVED,
        people["officer_d1"],
        people["officer_c1"],
    )
    reopened = _step(people["manager"], c1, "reopen", "Sai thu nhập hộ H1")
    assert reopened.state == State.OPEN
    history = [(e.action, e.from_state, e.to_state, e.user.username, e.comment) for e in reopened.events.all()]
    assert history == [
        ("submit", "open", "submitted", "officer_c1", ""),
        ("return", "submitted", "returned", "officer_d1", "Thiếu 2 hộ ở ấp 3"),
        ("submit", "returned", "submitted", "officer_c1", ""),
        ("approve", "submitted", "approved", "officer_d1", ""),
        ("reopen", "approved", "open", "manager_p", "Sai thu nhập hộ H1"),
    ]


def test_an_officer_cannot_approve_their_own_commune(tree, people):
    _step(people["officer_c1"], tree["C1"], "submit")
    with pytest.raises(PermissionDenied):
        _step(people["officer_c1"], tree["C1"], "approve")
    assert Approval.objects.get().state == State.SUBMITTED


def test_a_district_officer_cannot_approve_another_districts_commune(tree, people):
    _step(people["officer_c2"], tree["C2"], "submit")
    for action in ("approve", "return"):
        with pytest.raises(PermissionDenied):
            _step(people["officer_d1"], tree["C2"], action, "x")
    assert _step(people["officer_d2"], tree["C2"], "approve").state == State.APPROVED


def test_an_officer_cannot_submit_another_communes_data(tree, people):
    with pytest.raises(PermissionDenied):
        _step(people["officer_c1"], tree["C2"], "submit")
    assert not Approval.objects.exists()


def test_without_a_district_level_the_provincial_manager_approves_communes(db):
    from areas.models import Unit

    province = Unit.objects.create(code="Q", name="Province after 2025", level="province")
    commune = Unit.objects.create(code="QC", name="Commune", level="commune", parent=province)
    officer = make_user("qc_officer", "officer", commune)
    manager = make_user("q_manager", "manager", province)
    _step(officer, commune, "submit")
    assert _step(manager, commune, "approve").state == State.APPROVED


def test_the_provincial_manager_approves_the_province_directly(tree, people):
    with pytest.raises(PermissionDenied):  # nobody above the province to submit to
        _step(people["manager"], tree["P"], "submit")
    with pytest.raises(PermissionDenied):  # a district is below the province, not above it
        _step(people["officer_d1"], tree["P"], "approve")
    assert _step(people["manager"], tree["P"], "approve").state == State.APPROVED
    with pytest.raises(DataLocked, match="Province"):
        _household(tree["C2"])
    assert _step(people["manager"], tree["P"], "reopen", "Điều chỉnh").state == State.OPEN


def test_a_district_submits_its_own_data_not_a_communes(tree, people):
    with pytest.raises(PermissionDenied):
        _step(people["officer_d1"], tree["C1"], "submit")
    assert _step(people["officer_d1"], tree["D1"], "submit").state == State.SUBMITTED


def test_nobody_approves_what_they_submitted(tree, people):
    admin = make_user("root_admin", "admin", None)
    _step(admin, tree["C1"], "submit")  # an administrator submits on the commune's behalf
    with pytest.raises(PermissionDenied):
        _step(admin, tree["C1"], "approve")
    assert _step(people["manager"], tree["C1"], "approve").state == State.APPROVED


def test_return_and_reopen_need_a_reason(tree, people):
    _step(people["officer_c1"], tree["C1"], "submit")
    with pytest.raises(ValidationError, match="bắt buộc"):
        _step(people["officer_d1"], tree["C1"], "return", "  ")
    _step(people["officer_d1"], tree["C1"], "approve")
    with pytest.raises(ValidationError):
        _step(people["officer_d1"], tree["C1"], "reopen")
    assert Approval.objects.get().events.count() == 2


def test_a_step_from_the_wrong_state_is_refused(tree, people):
    with pytest.raises(ValidationError):
        _step(people["officer_d1"], tree["C1"], "approve")
    _step(people["officer_c1"], tree["C1"], "submit")
    with pytest.raises(ValidationError):
        _step(people["officer_c1"], tree["C1"], "submit")


def test_approved_households_are_locked_with_who_and_when(tree, people):
    household = _household(tree["C1"])
    _step(people["officer_c1"], tree["C1"], "submit")
    _step(people["officer_d1"], tree["C1"], "approve")
    household.income_per_capita = 2_000_000
    with pytest.raises(DataLocked) as refused:
        household_save(household)
    message = refused.value.messages[0]
    assert "Nguyễn Văn Minh" in message and "Commune 1" in message and "2022" in message and "phê duyệt" in message
    with pytest.raises(DataLocked):
        household_delete(household)
    with pytest.raises(DataLocked):
        household_reclassify(household)
    with pytest.raises(DataLocked):
        _household(tree["C1"], code="H2")
    assert Household.objects.get().income_per_capita == 1_000_000


def test_submitted_data_is_locked_until_approved_or_returned(tree, people):
    household = _household(tree["C1"])
    _step(people["officer_c1"], tree["C1"], "submit")
    with pytest.raises(DataLocked, match="Trần Thị Lan"):
        household_save(household)
    _step(people["officer_d1"], tree["C1"], "return", "Sửa hộ H1")
    household.income_per_capita = 2_500_000
    household_save(household)
    assert Household.objects.get().income_per_capita == 2_500_000


def test_a_household_cannot_be_moved_out_of_a_locked_unit_or_year(tree, people):
    household = _household(tree["C1"])
    _step(people["officer_c1"], tree["C1"], "submit")
    household.unit = tree["C2"]
    with pytest.raises(DataLocked):
        household_save(household)


def test_the_lock_is_per_year_and_per_kind(tree, people):
    _step(people["officer_c1"], tree["C1"], "submit")
    _household(tree["C1"], code="H9", year=2023)  # another survey year stays open
    locks = locked_units([tree["C1"]], YEAR, DataKind.REPORTED)
    assert locks == {}


def test_approving_a_district_locks_its_communes(tree, people):
    _step(people["officer_d1"], tree["D1"], "submit")
    _step(people["manager"], tree["D1"], "approve")
    with pytest.raises(DataLocked, match="District 1"):
        _household(tree["C1"])
    _household(tree["C2"])  # the other district is open
    with pytest.raises(DataLocked):  # a commune under an approved district cannot be submitted again
        _step(people["officer_c1"], tree["C1"], "submit")


def test_reopening_unlocks_the_data(tree, people):
    household = _household(tree["C1"])
    _step(people["officer_c1"], tree["C1"], "submit")
    _step(people["officer_d1"], tree["C1"], "approve")
    _step(people["officer_d1"], tree["C1"], "reopen", "Sai sót")
    household.income_per_capita = 3_000_000
    household_save(household)
    assert Household.objects.get().income_per_capita == 3_000_000


def test_reclassifying_a_standard_keeps_the_approved_classification(tree, people):
    kept = _household(tree["C1"], code="H1", income=1_450_000)
    changed = _household(tree["C2"], code="H2", income=1_450_000)
    assert {kept.classification, changed.classification} == {"near_poor"}
    _step(people["officer_c1"], tree["C1"], "submit")
    _step(people["officer_d1"], tree["C1"], "approve")
    standard = PovertyStandard.objects.get(code="ND07-2021")
    standard.deprivation_line_rural = standard.deprivation_line_urban = 1_400_000
    standard.save()
    assert reclassify_standard(standard.pk) == 1
    kept.refresh_from_db()
    changed.refresh_from_db()
    assert (kept.classification, changed.classification) == ("near_poor", "middle")


def test_a_figure_rests_on_approved_data_only_when_every_commune_under_it_is_approved(tree, people):
    from approvals.selectors import unapproved_areas

    assert [u.code for u in unapproved_areas(tree["P"], YEAR)] == ["C1", "C2"]
    _step(people["officer_c1"], tree["C1"], "submit")
    assert [u.code for u in unapproved_areas(tree["D1"], YEAR)] == ["C1"]  # submitted is not approved
    _step(people["officer_d1"], tree["C1"], "approve")
    assert unapproved_areas(tree["D1"], YEAR) == [] and unapproved_areas(tree["C1"], YEAR) == []
    assert [u.code for u in unapproved_areas(tree["P"], YEAR)] == ["C2"]
    _step(people["manager"], tree["P"], "approve")
    assert unapproved_areas(tree["P"], YEAR) == []
    assert [u.code for u in unapproved_areas(tree["P"], YEAR, DataKind.REPORTED)] == ["C1", "C2"]
