"""The admin's import page over the job row and its Celery task (eager here), templates and exports."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from households.models import Household, RosterImport
from households.roster import export
from households.roster.service import roster_import
from households.tasks import roster_import_task
from povertyplan.background import LEASE_SECONDS
from tests.conftest import make_user

from .roster_files import household_row, member_row, two_sheets


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """In English; and since the test's transaction never commits, each POST runs the callbacks it queued
    (the job's task, eager here) when it returns."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # Vietnamese first whatever the browser says
    post = client.post

    def post_and_commit(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post(*args, **kwargs)

    client.post = post_and_commit
    return client


def upload(client, data, name="xa.xlsx", **extra):
    return client.post(
        reverse("admin:households_household_roster_import"), {"file": SimpleUploadedFile(name, data), **extra}
    )


def test_the_admin_checks_then_imports_on_confirmation(client, officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(officer)
    data = two_sheets([household_row("H1"), household_row("H2", members=1)])
    response = upload(client, data)
    job = RosterImport.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/{job.pk}/change/")
    assert job.status == "checked" and job.summary["new"] == 2 and not Household.objects.exists()
    page = client.get(response.url)
    assert b"New: 2" in page.content and b"Confirm the import" in page.content
    progress = client.get(reverse("admin:households_rosterimport_progress", args=[job.pk])).json()
    assert (progress["status"], progress["progress"]) == ("checked", 100)
    client.post(reverse("admin:households_rosterimport_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done" and Household.objects.count() == 2
    assert Household.history.filter(history_change_reason=f"roster import #{job.pk}: xa.xlsx").count() == 2


def test_errors_are_listed_and_downloadable_as_xlsx(client, officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(officer)
    upload(client, two_sheets([household_row("H1", unit="C2")], [member_row("H1"), member_row("H1")]))
    job = RosterImport.objects.get()
    assert job.status == "rejected" and job.problem_count == 1
    page = client.get(reverse("admin:households_rosterimport_change", args=[job.pk]))
    assert b"outside your area" in page.content and b"Confirm the import" not in page.content
    response = client.get(reverse("admin:households_rosterimport_errors", args=[job.pk]))
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[1] == ("Hộ", 2, "Mã đơn vị", "unit C2 (Commune 2) is outside your area")
    assert not Household.objects.exists()


def test_an_unreadable_upload_is_a_message_not_a_server_error(client, officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(officer)
    response = upload(client, b"not a workbook")
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200 and b"not a spreadsheet (.xlsx, .xls or .ods)" in page.content


def test_an_upload_over_the_limit_is_refused_by_the_form(client, officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ROSTER_MAX_UPLOAD_BYTES = 100
    client.force_login(officer)
    response = upload(client, two_sheets())
    assert response.status_code == 200 and b"larger than" in response.content
    assert not RosterImport.objects.exists()


def test_another_users_import_is_not_found(client, officer, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    other = make_user("other", "officer", tree["D2"], is_staff=True)
    other.user_permissions.set(officer.user_permissions.all())
    client.force_login(officer)
    upload(client, two_sheets())
    job = RosterImport.objects.get()
    client.force_login(other)
    for name in ("change", "progress", "errors", "confirm"):
        url = reverse(f"admin:households_rosterimport_{name}", args=[job.pk])
        assert (client.post(url) if name == "confirm" else client.get(url)).status_code in (302, 404), name
    assert RosterImport.objects.get().status == "checked"


@pytest.mark.parametrize("layout", export.LAYOUTS)
def test_each_template_has_headers_an_example_and_drop_down_lists(client, officer, layout):
    client.force_login(officer)
    response = client.get(reverse("admin:households_household_roster_template", args=[layout]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    first = book.worksheets[0]
    assert first.cell(1, 1).value == "Mã hộ" and first.cell(2, 1).value == "HN-0001"
    assert len(first.data_validations.dataValidation) >= 3
    assert book["Danh mục"].sheet_state == "hidden"


@pytest.mark.parametrize("layout", export.LAYOUTS)
def test_a_filled_template_imports(tree, layout):
    from areas.models import Unit

    Unit.objects.create(code="94204", name="Xã mẫu", level="commune", parent=tree["D1"])
    result = roster_import(export.template(layout), "mau.xlsx")
    assert result.ok and result.households == 1, [p.line() for p in result.problems]


def test_an_export_imports_back_with_nothing_changed(client, tree, admin_user):
    roster_import(two_sheets(), "x.xlsx")
    Household.objects.filter(code="H2").update(head_name='=HYPERLINK("x")')  # as if typed in the admin
    answers = [
        ["Mã hộ", "Mã đơn vị", "Thu nhập bình quân", "Số nhân khẩu", "Nguồn nước sinh hoạt"],
        ["A1", "C2", "800.000", 3, "x"],
    ]
    from .roster_files import xlsx

    assert roster_import(xlsx({"DS": answers}), "ds.xlsx", year=2022).ok
    client.force_login(admin_user)
    response = client.get(reverse("admin:households_household_export_xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [s.title for s in book.worksheets] == ["Hộ", "Thành viên"]
    heads = [row[3] for row in book["Hộ"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("x")' in heads  # escaped: no formula in an exported file
    assert not any(c.data_type == "f" for s in book.worksheets for row in s.iter_rows() for c in row)
    again = roster_import(response.content, "export.xlsx")
    assert again.ok, [p.line() for p in again.problems]
    # the escape is read back off: the name typed in the admin comes back as it was
    assert (again.households, again.unchanged, again.changed, again.new) == (3, 3, 0, 0)


def test_the_household_list_offers_import_and_export(client, officer):
    client.force_login(officer)
    page = client.get(reverse("admin:households_household_changelist"))
    assert b"Import roster" in page.content and b"Export .xlsx" in page.content


# -- faults: an unreachable broker, a stuck job, a task delivered again, a lost worker --------------------------


def test_an_upload_the_broker_cannot_take_fails_with_the_reason_and_leaves_nothing_queued(
    client, officer, unreachable_broker, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(officer)
    response = upload(client, two_sheets([household_row("H1"), household_row("H2", members=1)]))
    job = RosterImport.objects.get()
    assert response.status_code == 302 and job.status == "failed"
    assert "could not be reached" in job.error and job.finished_at is not None
    assert not RosterImport.objects.filter(status="queued").exists()


def test_a_confirmation_the_broker_cannot_take_waits_for_another_confirmation(
    client, officer, request, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(officer)
    upload(client, two_sheets([household_row("H1"), household_row("H2", members=1)]))
    job = RosterImport.objects.get()
    assert job.status == "checked", job.problems
    request.getfixturevalue("unreachable_broker")
    response = client.post(reverse("admin:households_rosterimport_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert response.status_code == 302 and job.status == "checked" and "could not be reached" in job.error
    assert job.summary["new"] == 2  # the check's preview is kept


def test_an_administrator_cancels_a_stuck_job(client, officer, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    admin = User.objects.create_superuser("boss", password="pw")
    stuck = RosterImport.objects.create(
        user=officer, file=SimpleUploadedFile("a.xlsx", b"x"), original_name="a.xlsx", status="importing", progress=70
    )
    done = RosterImport.objects.create(user=officer, file="b.xlsx", original_name="b.xlsx", status="done")
    client.force_login(admin)
    changelist = reverse("admin:households_rosterimport_changelist")
    response = client.post(
        changelist, {"action": "cancel_selected_imports", "_selected_action": [stuck.pk, done.pk]}, follow=True
    )
    assert response.status_code == 200 and b"1 imports cancelled" in response.content
    stuck.refresh_from_db()
    assert stuck.status == "failed" and stuck.error == "Cancelled by boss." and stuck.finished_at
    assert RosterImport.objects.get(pk=done.pk).status == "done"


def test_an_officer_cannot_cancel(client, officer, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    job = RosterImport.objects.create(user=officer, file="a.xlsx", original_name="a.xlsx", status="importing")
    client.force_login(officer)
    client.post(
        reverse("admin:households_rosterimport_changelist"),
        {"action": "cancel_selected_imports", "_selected_action": [job.pk]},
    )
    assert RosterImport.objects.get().status == "importing"


def test_a_task_delivered_again_after_its_job_moved_on_does_nothing(client, officer, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(officer)
    upload(client, two_sheets([household_row("H1"), household_row("H2", members=1)]))
    job = RosterImport.objects.get()
    assert (job.status, job.attempt) == ("checked", 1)
    roster_import_task.apply(args=[job.pk], kwargs={"confirm": True, "attempt": 0})  # the check's own message
    roster_import_task.apply(args=[job.pk], kwargs={"confirm": False, "attempt": 0})
    after = RosterImport.objects.get()
    assert (after.status, after.attempt, after.summary) == ("checked", 1, job.summary)


def test_the_job_page_notices_a_lost_worker_without_any_worker_left(client, officer, monkeypatch, tmp_path, settings):
    """No worker is left to run the beat's sweep: the job's page, as it polls, queues the job again."""
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr("povertyplan.background.in_worker", lambda: True)
    sent = []
    monkeypatch.setattr("households.roster.jobs.enqueue", lambda task, *args, **kwargs: sent.append(kwargs) or True)
    job = RosterImport.objects.create(
        user=officer,
        file="a.xlsx",
        original_name="a.xlsx",
        status="importing",
        progress=70,
        attempt=2,
        heartbeat_at=timezone.now() - timedelta(seconds=LEASE_SECONDS + 5),
    )
    client.force_login(officer)
    progress = client.get(reverse("admin:households_rosterimport_progress", args=[job.pk])).json()
    assert (progress["status"], progress["progress"]) == ("queued", 0)
    assert [(s["confirm"], s["attempt"]) for s in sent] == [(True, 2)]
