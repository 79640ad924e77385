"""The reported-values grid: one area and year, saving recomputes the figures above, no lost update."""

import re

import pytest
from django.contrib.auth.models import User

from areas.services import profile_save
from targets.models import Indicator, ReportedValue


@pytest.fixture
def officers(tree):
    users = {}
    for name, unit, role in [
        ("a", "C1", "officer"),
        ("b", "C2", "officer"),
        ("district", "D1", "district_officer"),
        ("viewer", "P", "viewer"),
    ]:
        users[name] = User.objects.create_user(name, password="pw", first_name=name.upper())
        profile_save(users[name], role, tree[unit])
    return users


def grid_post(client, unit, year, values, version=None):
    page = client.get(f"/reported/?unit={unit}&year={year}").content.decode()
    if version is None:
        version = re.search(r'name="version" value="([^"]*)"', page).group(1)
    return client.post(f"/reported/?unit={unit}&year={year}", {"version": version, **values})


def test_a_value_entered_in_a_commune_shows_in_the_district_total(officers, client, django_capture_on_commit_callbacks):
    jobs = Indicator.objects.get(code="jobs_found")
    client.force_login(officers["a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = grid_post(client, "C1", 2022, {f"v_{jobs.id}_3": "1.500", f"v_{jobs.id}_4": "20"})
    assert response.status_code == 302
    assert ReportedValue.objects.get(indicator=jobs, month=3).value == 1500
    client.force_login(officers["district"])
    html = client.get("/reported/?unit=D1&year=2022").content.decode()
    row = re.search(r'<tr data-indicator="jobs_found">(.*?)</tr>', html, re.S).group(1)
    assert re.search(r'class="num subtree">1\.520<', row)


def test_a_share_is_entered_as_numerator_and_denominator(officers, client):
    share = Indicator.objects.get(code="job_placements_poor_share")
    client.force_login(officers["a"])
    response = grid_post(client, "C1", 2022, {f"n_{share.id}_0": "30", f"d_{share.id}_0": "60"})
    assert response.status_code == 302
    stored = ReportedValue.objects.get(indicator=share)
    assert (stored.value, stored.numerator, stored.denominator, stored.month) == (50, 30, 60, None)
    refused = grid_post(client, "C1", 2022, {f"n_{share.id}_1": "70", f"d_{share.id}_1": "60"})
    assert refused.status_code == 200 and "Tử số không được lớn hơn mẫu số" in refused.content.decode()


def test_a_grid_saved_by_someone_else_meanwhile_is_refused(officers, client):
    jobs = Indicator.objects.get(code="jobs_found")
    other = User.objects.create_user("a2", password="pw", first_name="Nguyễn", last_name="Hoa")
    profile_save(other, "officer", officers["a"].profile.unit)
    client.force_login(officers["a"])
    page = client.get("/reported/?unit=C1&year=2022").content.decode()
    version = re.search(r'name="version" value="([^"]*)"', page).group(1)
    client.force_login(other)
    assert grid_post(client, "C1", 2022, {f"v_{jobs.id}_1": "5"}, version).status_code == 302
    client.force_login(officers["a"])
    refused = grid_post(client, "C1", 2022, {f"v_{jobs.id}_1": "9"}, version)
    assert refused.status_code == 200 and "Nguyễn Hoa" in refused.content.decode()
    assert ReportedValue.objects.get(indicator=jobs).value == 5


def test_another_communes_grid_is_not_found_and_a_viewer_cannot_save(officers, client):
    client.force_login(officers["b"])
    assert client.get("/reported/?unit=C1&year=2022").status_code == 404
    client.force_login(officers["viewer"])
    assert client.get("/reported/?unit=C1&year=2022").status_code == 200
    assert client.post("/reported/?unit=C1&year=2022", {"version": ""}).status_code == 403


def quarter_cell(html, indicator, column) -> str:
    row = re.search(rf'<tr data-indicator="{indicator}">(.*?)</tr>', html, re.S).group(1)
    return re.search(rf'<td class="([^"]*)" data-column="{column}">(.*?)</td>', row, re.S).group(0)


def test_a_quarter_typed_in_the_quarterly_view_is_its_last_month_and_counts_once_above(
    officers, client, django_capture_on_commit_callbacks
):
    jobs = Indicator.objects.get(code="jobs_found")
    share = Indicator.objects.get(code="job_placements_poor_share")
    client.force_login(officers["a"])
    page = client.get("/reported/?unit=C1&year=2022&period=quarter").content.decode()
    assert "Quý 1" in page and "Quý 4" in page and "Tháng 3" not in page
    version = re.search(r'name="version" value="([^"]*)"', page).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/reported/?unit=C1&year=2022&period=quarter",
            {
                "version": version,
                f"v_{jobs.id}_q1": "30",
                f"v_{jobs.id}_q2": "12",
                f"n_{share.id}_q2": "10",
                f"d_{share.id}_q2": "40",
            },
        )
    assert response.status_code == 302 and response["Location"].endswith("&period=quarter")
    stored = {(v.indicator.code, v.month): (v.value, v.numerator, v.denominator) for v in ReportedValue.objects.all()}
    assert stored == {
        ("jobs_found", 3): (30, None, None),
        ("jobs_found", 6): (12, None, None),
        ("job_placements_poor_share", 6): (25, 10, 40),
    }
    monthly = client.get("/reported/?unit=C1&year=2022").content.decode()
    assert f'name="v_{jobs.id}_3" value="30"' in monthly
    client.force_login(officers["district"])
    html = client.get("/reported/?unit=D1&year=2022").content.decode()
    row = re.search(r'<tr data-indicator="jobs_found">(.*?)</tr>', html, re.S).group(1)
    assert re.search(r'class="num subtree">42<', row)


def test_a_quarter_entered_month_by_month_shows_their_sum_and_is_not_overwritten(officers, client):
    jobs = Indicator.objects.get(code="jobs_found")
    client.force_login(officers["a"])
    grid_post(client, "C1", 2022, {f"v_{jobs.id}_1": "1.000", f"v_{jobs.id}_2": "500", f"v_{jobs.id}_4": "7"})
    page = client.get("/reported/?unit=C1&year=2022&period=quarter").content.decode()
    split = quarter_cell(page, "jobs_found", "q1")
    assert "split" in split and "1.500" in split and "<input" not in split
    assert f'name="v_{jobs.id}_q2"' not in page  # April alone lies outside June, where a quarter is stored
    assert f'name="v_{jobs.id}_q3" ' in page
    version = re.search(r'name="version" value="([^"]*)"', page).group(1)
    response = client.post(
        "/reported/?unit=C1&year=2022&period=quarter",
        {"version": version, f"v_{jobs.id}_q1": "9", f"v_{jobs.id}_q3": "3"},
    )
    assert response.status_code == 302
    assert dict(ReportedValue.objects.values_list("month", "value")) == {1: 1000, 2: 500, 4: 7, 9: 3}


def test_a_count_takes_whole_numbers_only_beside_the_cell_and_nothing_is_saved(officers, client):
    jobs = Indicator.objects.get(code="jobs_found")
    client.force_login(officers["a"])
    assert grid_post(client, "C1", 2022, {f"v_{jobs.id}_1": "24.912"}).status_code == 302
    refused = grid_post(client, "C1", 2022, {f"v_{jobs.id}_1": "24.912", f"v_{jobs.id}_2": "2,5"})
    html = refused.content.decode()
    assert refused.status_code == 200
    cell = re.search(r'<td[^>]*data-column="2">(.*?)</td>', html.split('data-indicator="jobs_found"')[1], re.S)
    assert "“2,5” phải là số nguyên" in cell.group(1)
    assert "Chưa lưu gì" in html and "tháng 2, giá trị: “2,5” phải là số nguyên" in html
    assert list(ReportedValue.objects.values_list("month", "value")) == [(1, 24912)]


def test_the_model_refuses_a_fraction_of_a_count_for_the_admin_and_the_import(tree):
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    jobs = Indicator.objects.get(code="jobs_found")
    row = ReportedValue(indicator=jobs, unit=tree["C1"], year=2022, value=Decimal("2.5"))
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    assert "số nguyên" in refused.value.message_dict["value"][0] and "2,5" in refused.value.message_dict["value"][0]
    share = Indicator.objects.get(code="job_placements_poor_share")
    ReportedValue(indicator=share, unit=tree["C1"], year=2022, value=Decimal("37.5")).full_clean()
