"""Import jobs under faults: a worker killed mid-job, an unreachable broker, a stuck job cancelled by an
administrator, a task delivered again after its job moved on."""

import time
from datetime import timedelta

import psycopg2
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from households.models import RosterImport
from households.roster.jobs import start_job, sweep_jobs
from households.tasks import roster_import_task
from povertyplan.background import LEASE_SECONDS
from tests.conftest import start_worker, stop_worker

from .roster_files import household_row, member_row, two_sheets
from .test_roster_admin import client, officer, upload  # noqa: F401 - fixtures and the upload helper


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


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


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_was_killed_is_retried_within_the_lease_and_counts_restart(tree, tmp_path, settings):
    """kill -9 of the whole worker while it checks a file: the job is not left "checking" until the broker
    delivers the task again hours later; the sweeper queues it again, and the next worker's attempt counts
    the file once."""
    from django.apps import apps

    from targets.reference_data import load_catalogue, load_standards

    load_standards(apps)
    load_catalogue(apps)
    settings.MEDIA_ROOT = tmp_path
    user = User.objects.create_superuser("boss", password="pw")
    count = 300
    data = two_sheets(
        [household_row(f"K{i:04d}", members=1) for i in range(count)], [member_row(f"K{i:04d}") for i in range(count)]
    )
    db = connection.settings_dict
    blocker = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"])
    with blocker.cursor() as cursor:  # the check stops at its first read of the stored households
        cursor.execute("LOCK TABLE households_household IN ACCESS EXCLUSIVE MODE")
    worker = start_worker(MEDIA_ROOT=str(tmp_path))
    try:
        job = start_job(SimpleUploadedFile("big.xlsx", data), user)
        first_beat = _wait_for(lambda: RosterImport.objects.filter(pk=job.pk, status="checking").first())
        assert _wait_for(
            lambda: RosterImport.objects.filter(pk=job.pk, heartbeat_at__gt=first_beat.heartbeat_at).first(), 15
        ), "the worker renews the job's lease while it works"
        assert sweep_jobs() == 0  # a live worker's job is left alone
        stop_worker(worker, kill=True)
        job.refresh_from_db()
        assert (job.status, job.attempt) == ("checking", 1)
        assert sweep_jobs(now=timezone.now() + timedelta(seconds=LEASE_SECONDS + 1)) == 1
        job.refresh_from_db()
        assert (job.status, job.progress) == ("queued", 0) and "attempt 1" in job.error
    finally:
        blocker.close()
        if worker.poll() is None:
            stop_worker(worker, kill=True)
    worker = start_worker(purge=False, MEDIA_ROOT=str(tmp_path))
    try:
        checked = _wait_for(lambda: RosterImport.objects.filter(pk=job.pk, status="checked").first(), 60)
    finally:
        output = stop_worker(worker)
    job.refresh_from_db()
    assert checked is not None, (job.status, job.problems[:3], job.attempt, output[-3000:])
    job = checked
    assert (job.attempt, job.error, job.summary["new"], job.problem_count) == (2, "", count, 0)


def _wait_for(find, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := find():
            return found
        time.sleep(0.2)
    return None


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
