"""Issue 26, point 6: an export of the household list past ROSTER_EXPORT_DIRECT_MAX is not written in the request
(68.001 households answered 500 after gunicorn's 30 s) but by a background job with its page, progress and a
download for the user who asked (or a superuser); an officer's export holds their area only; members past a
sheet's last row go on to a next sheet that the import reads as one."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import Client
from django.urls import reverse

from households.models import Household, Member, RosterExport
from households.roster import export
from households.roster.export_jobs import run_export
from households.roster.service import roster_import
from tests.conftest import make_user

from .roster_files import household_row, member_row, two_sheets

CODES = {"H1": "C1", "H2": "C1", "H3": "C2"}


@pytest.fixture
def households(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ROSTER_EXPORT_DIRECT_MAX = 1
    rows = [household_row(code, unit, members=2) for code, unit in CODES.items()]
    members = [member_row(code, name) for code in CODES for name in ("Lò Văn A", "Lò Thị B")]
    assert roster_import(two_sheets(rows, members), "x.xlsx").written
    return tree


def officer(username, unit):
    user = make_user(username, "officer", unit, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_household"))
    return user


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def export_in_background(client, layout, django_capture_on_commit_callbacks, query=""):
    url = reverse("admin:households_household_export_layout", args=[layout]) + query
    page = client.get(url)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")  # no file written in the request
    assert "trong nền" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = RosterExport.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse(
        "admin:households_rosterexport_change", args=[job.pk]
    )
    return job


def test_a_large_export_is_written_by_a_job_whose_page_offers_the_file_which_imports_back_unchanged(
    households, admin_user, django_capture_on_commit_callbacks
):
    client = client_of(admin_user)
    job = export_in_background(client, "two_sheets", django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.status, job.progress, job.household_count, job.error) == ("done", 100, 3, "")
    assert client.get(reverse("admin:households_rosterexport_progress", args=[job.pk])).json()["status"] == "done"
    page = client.get(reverse("admin:households_rosterexport_change", args=[job.pk])).content.decode()
    download = reverse("admin:households_rosterexport_download", args=[job.pk])
    assert download in page and "Tải tệp về (3 hộ)" in page
    response = client.get(download)
    assert response["Content-Disposition"].startswith('attachment; filename="danh-sach-ho-')
    data = b"".join(response.streaming_content)
    result = roster_import(data, "export.xlsx")
    assert (result.new, result.changed, result.unchanged) == (0, 0, 3) and result.members == 6


def test_a_few_households_are_still_written_in_the_request(households, admin_user, settings):
    settings.ROSTER_EXPORT_DIRECT_MAX = 3
    response = client_of(admin_user).get(reverse("admin:households_household_export_layout", args=["answers"]))
    assert response["Content-Disposition"] == 'attachment; filename="danh-sach-ho-chi-so-thieu-hut.xlsx"'
    assert not RosterExport.objects.exists()


def test_an_officers_export_holds_their_area_and_only_they_or_a_superuser_download_it(
    households, admin_user, django_capture_on_commit_callbacks
):
    mine, other = officer("d1", households["D1"]), officer("d2", households["D2"])
    job = export_in_background(client_of(mine), "answers", django_capture_on_commit_callbacks, "?survey_year=2022")
    download = reverse("admin:households_rosterexport_download", args=[job.pk])
    data = b"".join(client_of(mine).get(download).streaming_content)
    codes = {row[0] for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, values_only=True)}
    assert codes == {"H1", "H2"}  # C1 is in D1; H3 (C2, in D2) is not theirs
    outsider = client_of(other)
    for name in ("change", "progress", "download"):
        assert outsider.get(reverse(f"admin:households_rosterexport_{name}", args=[job.pk])).status_code == 404
    assert not outsider.get(reverse("admin:households_rosterexport_changelist")).context["cl"].result_count
    response = client_of(admin_user).get(download)
    response.close()
    assert response.status_code == 200


def test_a_layout_with_more_rows_than_a_sheet_holds_fails_with_the_reason_and_no_file(
    households, admin_user, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(export, "SHEET_ROWS", 5)  # 6 members: one row each in this layout
    job = export_in_background(client_of(admin_user), "member_rows", django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == "failed" and not job.file
    assert job.error == (
        "6 dòng, nhiều hơn một trang tính Excel chứa được (5): hãy xuất dạng hai trang tính, hoặc ít hộ hơn (lọc theo "
        "đơn vị hoặc năm rà soát)."
    )
    assert (
        client_of(admin_user).get(reverse("admin:households_rosterexport_download", args=[job.pk])).status_code == 404
    )


def test_members_past_a_sheets_last_row_go_on_to_the_next_sheet_and_import_back_unchanged(households, monkeypatch):
    monkeypatch.setattr(export, "SHEET_ROWS", 4)
    data = export.households_xlsx(Household.objects.all())
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Hộ", "Thành viên", "Thành viên (2)"]
    assert [book[name].max_row - 1 for name in book.sheetnames[1:]] == [4, 2]
    before = sorted(Member.objects.values_list("id", flat=True))
    result = roster_import(data, "export.xlsx")
    assert (result.new, result.changed, result.unchanged, result.members) == (0, 0, 3, 6)
    assert sorted(Member.objects.values_list("id", flat=True)) == before


def test_a_member_on_a_next_sheet_is_located_there(households):
    rows = [household_row("H1", members=1)]
    book = openpyxl.load_workbook(io.BytesIO(two_sheets(rows, [member_row("H1")])))
    book.create_sheet("Thành viên (2)").append(book["Thành viên"][1][i].value for i in range(17))
    book["Thành viên (2)"].append(member_row("H9"))
    buffer = io.BytesIO()
    book.save(buffer)
    result = roster_import(buffer.getvalue(), "x.xlsx")
    assert [(p.sheet, p.row) for p in result.problems] == [("Thành viên (2)", 2)]
    assert "H9" in result.problems[0].message


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_job_reads_one_snapshot_and_its_progress_is_seen_meanwhile(
    tree, settings, tmp_path, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("the snapshot and the second connection are PostgreSQL's")
    settings.MEDIA_ROOT = tmp_path
    assert roster_import(two_sheets(), "x.xlsx").written
    job = RosterExport.objects.create(user=make_user("boss", "admin", is_superuser=True), layout="two_sheets")
    page = connections.create_connection(DEFAULT_DB_ALIAS)  # as the job's page polls, from another session
    seen, advance = [], export._Progress.advance

    def advance_and_look(progress, rows=1):
        advance(progress, rows)
        with page.cursor() as cursor:
            cursor.execute("SELECT progress FROM households_rosterexport WHERE id = %s", [job.pk])
            seen.append(cursor.fetchone()[0])
        if len(seen) == 1:  # a household added meanwhile is not in this export
            with page.cursor() as cursor:
                cursor.execute("UPDATE households_household SET head_name = 'later' WHERE code = 'H1'")

    monkeypatch.setattr(export._Progress, "advance", advance_and_look)
    try:
        run_export(job.pk)
    finally:
        page.close()
    job.refresh_from_db()
    assert (job.status, job.progress, job.household_count) == ("done", 100, 2)
    assert 1 < max(seen) < 100
    with job.file.open("rb") as handle:
        heads = [row[3] for row in openpyxl.load_workbook(handle).active.iter_rows(min_row=2, values_only=True)]
    assert "later" not in heads
