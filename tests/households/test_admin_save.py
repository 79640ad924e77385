"""The admin saves a household through the household service, as the entry form and the API do (issue 22.4):
one save, one history row, the service's classification, the edit lock and the approval lock."""

import copy

import pytest

from approvals.services import approval_transition
from households.models import Household, Member
from households.services import household_preview, household_save, version_of
from tests.conftest import make_user
from tests.test_admin_validation import ADD, MEMBER, household_data

EDITOR_OPENED = "sau khi bạn mở nó"  # EditConflict, in Vietnamese


@pytest.fixture
def admin_client(tree, client):
    make_user("root", "admin", is_staff=True, is_superuser=True, first_name="Hà", last_name="Lê Thu")
    client.login(username="root", password="pw")
    return client


def _expected(household):
    """What the service classifies the stored household's inputs as (the engine's result), recomputed apart."""
    household = copy.copy(Household.objects.get(pk=household.pk))
    return household_preview(household, list(Member.objects.filter(household=household)))


def _change(household):
    return f"/admin/households/household/{household.pk}/change/"


def _edit(tree, household, **fields):
    """The change form's post: the household's one member kept, the fields given changed."""
    member = household.members.get()
    return household_data(tree, [dict(MEMBER, id=str(member.pk), household=str(household.pk))], initial=1, **fields)


def test_an_admin_add_writes_one_history_row_and_the_service_classification(admin_client, tree):
    assert admin_client.post(ADD, household_data(tree, [MEMBER], income_per_capita="900000")).status_code == 302
    household = Household.objects.get()
    assert household.history.count() == 1
    result = _expected(household)
    assert (household.classification, household.deprivations) == (result.classification, list(result.deprivations))
    assert household.standard_id and household.member_count == 1


def test_an_admin_change_writes_one_history_row_and_reclassifies(admin_client, tree):
    admin_client.post(ADD, household_data(tree, [MEMBER], income_per_capita="900000"))
    household = Household.objects.get()
    member = household.members.get()
    data = _edit(tree, household, income_per_capita="9000000", version=version_of(household))
    assert admin_client.post(_change(household), data).status_code == 302
    household.refresh_from_db()
    assert household.history.count() == 2 and household.income_per_capita == 9_000_000
    assert household.classification == _expected(household).classification
    assert household.members.get().pk == member.pk  # the member kept, not written anew


def test_an_admin_save_after_someone_else_saved_is_refused_and_writes_nothing(admin_client, tree):
    admin_client.post(ADD, household_data(tree, [MEMBER]))
    household = Household.objects.get()
    page = admin_client.get(_change(household))
    loaded = page.context["adminform"].form["version"].value()
    assert loaded == version_of(household)
    other = Household.objects.get(pk=household.pk)
    household_save(other, list(other.members.all()))  # someone else saves meanwhile
    data = _edit(tree, household, income_per_capita="9000000", version=loaded)
    response = admin_client.post(_change(household), data)
    assert response.status_code == 200 and EDITOR_OPENED in response.content.decode()
    household.refresh_from_db()
    assert household.income_per_capita == 1_000_000 and household.history.count() == 2


def test_an_admin_move_into_an_approved_unit_is_refused_with_who_approved(admin_client, tree):
    officer = make_user("officer_c2", "officer", tree["C2"], first_name="Lan", last_name="Trần Thị")
    district = make_user("officer_d2", "district_officer", tree["D2"], first_name="Minh", last_name="Nguyễn Văn")
    approval_transition(user=officer, unit=tree["C2"], year=2022, kind="households", action="submit")
    approval_transition(user=district, unit=tree["C2"], year=2022, kind="households", action="approve")
    admin_client.post(ADD, household_data(tree, [MEMBER]))
    household = Household.objects.get()
    data = _edit(tree, household, unit=tree["C2"].pk, version=version_of(household))
    response = admin_client.post(_change(household), data)
    assert response.status_code == 200 and "Nguyễn Văn Minh phê duyệt" in response.content.decode()
    household.refresh_from_db()
    assert household.unit == tree["C1"] and household.history.count() == 1


def test_an_admin_save_of_an_approved_household_is_refused_and_writes_nothing(admin_client, tree):
    admin_client.post(ADD, household_data(tree, [MEMBER]))
    household = Household.objects.get()
    officer = make_user("officer_c1", "officer", tree["C1"])
    district = make_user("officer_d1", "district_officer", tree["D1"], first_name="Minh", last_name="Nguyễn Văn")
    approval_transition(user=officer, unit=tree["C1"], year=2022, kind="households", action="submit")
    approval_transition(user=district, unit=tree["C1"], year=2022, kind="households", action="approve")
    assert "Nguyễn Văn Minh phê duyệt" in admin_client.get(_change(household)).content.decode()
    data = household_data(tree, income_per_capita="9000000", version=version_of(household))
    assert admin_client.post(_change(household), data).status_code == 403
    household.refresh_from_db()
    assert household.income_per_capita == 1_000_000 and household.history.count() == 1
