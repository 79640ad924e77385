"""An area page says where a ceased unit went and what a unit was made from (issue 24): the date it ceased, its
successors in force today with the shares of its households when it was split (a district: the units its communes
went into), and, on a unit made by the reform, the units before it. Linked only where the reader may see the unit."""

import re

import pytest

from areas.models import Unit
from areas.selectors import successors_today

from ..conftest import make_user
from .test_current_boundaries import _page, reform  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _succession(html) -> str:
    found = re.search(r'<p class="notice info succession" id="succession">(.*?)</p>', html, re.S)
    return re.sub(r"\s+", " ", found.group(1)).strip() if found else ""


def _link(code, name):
    return f'<a href="/dashboards/areas/{code}/">{name}</a>'


def test_a_split_commune_names_the_communes_it_went_into_with_the_shares(reform, client):  # noqa: F811
    admin = make_user("quantri", "admin", is_superuser=True)
    text = _succession(_page(client, admin, "/dashboards/areas/94103/")[1])
    assert text.startswith('<span id="successors">Đã thôi tồn tại từ 01/07/2025. Đã chia theo số hộ cho:')
    assert f"{_link('31001', 'Phường Sóc Trăng')} (60%), {_link('31002', 'Xã Kế Sách')} (40%)." in text


def test_a_merged_province_and_a_district_link_to_todays_units(reform, client):  # noqa: F811
    admin = make_user("quantri", "admin", is_superuser=True)
    province = _succession(_page(client, admin, "/dashboards/areas/94/")[1])
    assert f"Đã sáp nhập vào {_link('92', 'Thành phố Cần Thơ')}." in province
    district = _succession(_page(client, admin, "/dashboards/areas/941/")[1])
    assert "Các đơn vị trực thuộc đã chuyển vào:" in district
    assert f"{_link('31001', 'Phường Sóc Trăng')}, {_link('31002', 'Xã Kế Sách')}." in district


def test_a_village_follows_its_commune_unless_it_moved_whole(reform):  # noqa: F811
    moved, stayed = Unit.objects.get(code="9420101"), Unit.objects.get(code="9420102")
    assert [(u.code, share) for u, share in successors_today(moved)] == [("31002", None)]
    assert [(u.code, share) for u, share in successors_today(stayed)] == [("31003", None)]
    assert successors_today(Unit.objects.get(code="92101")) == []  # in force: no successors


def test_a_unit_made_by_the_reform_names_its_predecessors(reform, client):  # noqa: F811
    admin = make_user("quantri", "admin", is_superuser=True)
    text = _succession(_page(client, admin, "/dashboards/areas/31001/")[1])
    assert "Đã thôi tồn tại" not in text and "Trước 01/07/2025 là:" in text
    for code in ("94101", "94102", "92102"):
        assert _link(code, f"Đơn vị {code}") in text
    assert f"{_link('94103', 'Đơn vị 94103')} (60% số hộ)." in text
    assert _succession(_page(client, admin, "/dashboards/areas/92101/")[1]) == ""  # not rearranged: nothing to say


def test_an_officer_of_a_new_commune_sees_its_predecessors_named_but_not_linked(reform, client):  # noqa: F811
    officer = make_user("xa", "officer", Unit.objects.get(code="31002"))
    text = _succession(_page(client, officer, "/dashboards/areas/31002/")[1])
    assert "Đơn vị 94103 (40% số hộ)" in text and "/dashboards/areas/94103/" not in text
    assert _page(client, officer, "/dashboards/areas/94103/")[0] == 404  # outside their area
