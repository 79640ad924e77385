"""The grid page shows who changed which reported value of the area and year, when, from what to what —
field by field, in Vietnamese, with Vietnamese numbers."""

import re

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from areas.services import profile_save
from targets.models import Indicator
from targets.reported import reported_history


@pytest.fixture
def officer(tree):
    user = User.objects.create_user("lan", first_name="Lan", last_name="Trần Thị")
    profile_save(user, "officer", tree["C1"])
    return user


def save(client, values):
    page = client.get("/reported/?unit=C1&year=2022").content.decode()
    version = re.search(r'name="version" value="([^"]*)"', page).group(1)
    response = client.post("/reported/?unit=C1&year=2022", {"version": version, **values})
    assert response.status_code == 302, response.content.decode()


def history_items(html) -> list[str]:
    section = html[html.index('id="reported-history"') :]
    return [re.sub(r"\s+", " ", item) for item in re.findall(r"<li><span class=\"when\">(.*?)</ul>", section, re.S)]


def test_every_change_is_listed_newest_first_with_who_when_and_the_numbers_before_and_after(tree, officer, client):
    jobs = Indicator.objects.get(code="jobs_found")
    share = Indicator.objects.get(code="job_placements_poor_share")
    client.force_login(officer)
    save(client, {f"v_{jobs.id}_3": "1.500", f"v_{jobs.id}_4": "20"})
    save(client, {f"v_{jobs.id}_3": "2.001", f"v_{jobs.id}_4": "0", f"n_{share.id}_0": "30", f"d_{share.id}_0": "60"})
    save(client, {f"v_{jobs.id}_3": "2.001", f"n_{share.id}_0": "30", f"d_{share.id}_0": "60"})

    items = history_items(client.get("/reported/?unit=C1&year=2022").content.decode())
    assert len(items) == 6
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert all(today in item and "<strong>Trần Thị Lan</strong>" in item for item in items)
    assert "Số lao động được giải quyết việc làm, Tháng 4: đã xóa" in items[0]
    assert "giá trị: <del>0</del> → <ins>—</ins>" in items[0]
    newest_second = {items[1], items[2], items[3]}
    assert any(
        "Cả năm: tạo mới" in i
        and "giá trị: <del>—</del> → <ins>50%</ins>" in i
        and "tử số (với tỷ lệ): <del>—</del> → <ins>30</ins>" in i
        for i in newest_second
    )
    assert any("Tháng 3: sửa" in i and "giá trị: <del>1.500</del> → <ins>2.001</ins>" in i for i in newest_second)
    assert any("Tháng 4: sửa" in i and "<del>20</del> → <ins>0</ins>" in i for i in newest_second)
    assert "Tháng 3: tạo mới" in " ".join(items[4:]) and "<ins>1.500</ins>" in " ".join(items[4:])


def test_the_history_is_of_this_area_and_year_only_and_the_newest_are_kept(tree, officer, client):
    jobs = Indicator.objects.get(code="jobs_found")
    client.force_login(officer)
    for value in ("1", "2", "3"):
        save(client, {f"v_{jobs.id}_1": value})
    entries, total = reported_history(tree["C1"], 2022, limit=2)
    assert total == 3 and [e["changes"][0]["new"] for e in entries] == ["3", "2"]
    assert reported_history(tree["C1"], 2023) == ([], 0) and reported_history(tree["C2"], 2022) == ([], 0)
    html = client.get("/reported/?unit=C1&year=2023").content.decode()
    assert "Chưa có thay đổi nào được ghi lại." in html[html.index('id="reported-history"') :]
