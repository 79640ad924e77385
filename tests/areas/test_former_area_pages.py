"""A former district's officer has nothing to write (issue 24.4): no page offers them a write link or button, every
write they post is refused with the reason in Vietnamese, and they keep reading the district's history. The same
pages offer no write where the unit takes no data that year, whoever looks."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils.html import escape

from approvals.models import Approval, DataKind, State
from areas.models import Unit
from areas.services import profile_save
from targets.models import Indicator, ReportedValue
from tests.conftest import make_user

from .test_two_tiers import _household, _officer, reformed  # noqa: F401 (a fixture)

CEASED = (
    "District 1 đã thôi tồn tại từ 01/07/2025: tài khoản của bạn chỉ xem lịch sử, không nhập, không gửi duyệt, "
    "không phê duyệt."
)
WRITE_WORDS = re.compile(r"Sửa số liệu|>Sửa<|Lập hồ sơ năm|id=\"save\"|value=\"(submit|approve|return|reopen)\"")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def former(reformed):  # noqa: F811
    household = _household(reformed["C1"], 2024)
    ReportedValue.objects.create(
        indicator=Indicator.objects.get(code="jobs_found"), unit=reformed["D1"], year=2024, value=Decimal(40)
    )
    Approval.objects.create(unit=reformed["C1"], year=2024, kind=DataKind.HOUSEHOLDS, state=State.RETURNED)
    return {**reformed, "user": _officer("huyen", reformed["D1"]), "household": household}


def test_the_former_district_officers_home_page_offers_no_correction_but_the_history(former):
    page = _client(former["user"]).get("/").content.decode()
    assert "District 1" in page and "Commune 1" in page and CEASED in page
    assert not WRITE_WORDS.search(page), WRITE_WORDS.search(page)
    assert page.count("Lịch sử phê duyệt") == 3  # their district's two kinds of data and the commune sent back


def test_the_former_district_officer_reads_the_reported_grid_and_cannot_post_it(former):
    client = _client(former["user"])
    grid = client.get("/reported/?unit=D1&year=2024").content.decode()
    jobs = Indicator.objects.get(code="jobs_found")
    assert "40" in grid and f'name="v_{jobs.id}_0"' not in grid and not WRITE_WORDS.search(grid)
    posted = client.post("/reported/?unit=D1&year=2024", {"version": "", f"v_{jobs.id}_0": "50"})
    assert posted.status_code == 403 and CEASED in posted.content.decode()
    assert ReportedValue.objects.get(unit=former["D1"], year=2024).value == 40


def test_the_former_district_officer_reads_a_household_and_cannot_change_it(former):
    client, pk = _client(former["user"]), former["household"].pk
    detail = client.get(f"/households/{pk}/").content.decode()
    assert former["household"].code in detail and not WRITE_WORDS.search(detail)
    for url in (f"/households/{pk}/edit/", f"/households/{pk}/answers/", "/households/new/"):
        refused = client.post(url, {"survey_year": 2024})
        assert refused.status_code == 403 and CEASED in refused.content.decode(), url


def test_the_former_district_officer_cannot_submit_or_decide_and_is_told_why(former):
    client = _client(former["user"])
    for unit, action in (("D1", "submit"), ("C1", "approve"), ("C1", "reopen")):
        answer = client.post(
            "/approvals/act/",
            {"unit": unit, "year": 2024, "kind": "households", "action": action, "confirmed": "1", "comment": "x"},
            follow=True,
        )
        assert CEASED in answer.content.decode(), (unit, action)
    assert not Approval.objects.filter(unit=former["D1"]).exists()
    assert Approval.objects.get(unit=former["C1"]).state == State.RETURNED


def test_no_page_offers_a_write_into_a_year_the_unit_takes_no_data(former):
    manager = make_user("tinh", "admin", former["P"])
    profile_save(manager, "admin", former["P"])
    client = _client(manager)
    grid = client.get("/reported/?unit=D1&year=2025").content.decode()
    refusal = Unit.objects.get(code="D1").entry_refusal(2025)
    assert "không tồn tại trong năm rà soát 2025" in refusal
    assert "Chỉ xem." in grid and escape(refusal) in grid and 'id="save"' not in grid
    assert 'id="save"' in client.get("/reported/?unit=D1&year=2024").content.decode()  # its own years stay open
    detail = client.get(f"/households/{former['household'].pk}/").content.decode()
    assert ">Sửa<" in detail and "Lập hồ sơ năm 2025" not in detail  # C1 takes no 2025 record
    detail_page = client.get("/approvals/D1/2025/households/").content.decode()
    assert not re.search(r'value="(submit|approve)"', detail_page)
    board = client.get("/approvals/?unit=P&year=2025&kind=households").content.decode()
    assert "District 1" not in board or not re.search(r'name="unit" value="D1"', board)


def test_an_officer_of_a_unit_in_force_is_still_offered_the_correction(former):
    officer = make_user("xa", "officer", Unit.objects.get(code="N1"))
    profile_save(officer, "officer", Unit.objects.get(code="N1"))
    _household(Unit.objects.get(code="N1"), 2025, "H9")
    page = _client(officer).get("/").content.decode()
    assert "Sửa số liệu" in page and 'value="submit"' in page
