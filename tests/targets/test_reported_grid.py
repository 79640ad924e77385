"""The reported-values grid: one area and year, saving recomputes the figures above, no lost update."""

import re

import pytest
from django.contrib.auth.models import User

from areas.services import profile_save
from targets.models import Indicator, ReportedValue


@pytest.fixture
def officers(tree):
    users = {}
    for name, unit, role in [("a", "C1", "officer"), ("b", "C2", "officer"), ("district", "D1", "district_officer"),
                             ("viewer", "P", "viewer")]:
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
