"""An import job whose worker is killed mid-job (the admin page's faults are tested in test_roster_admin)."""

import time
from datetime import timedelta

import psycopg2
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone, translation

from households.models import RosterImport
from households.roster.jobs import WORKER_LOST_RETRY, job_language, start_job, sweep_jobs
from povertyplan.background import LEASE_SECONDS
from tests.conftest import skip_without_worker, start_worker, stop_worker

from .roster_files import household_row, member_row, two_sheets


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_was_killed_is_retried_within_the_lease_and_counts_restart(tree, tmp_path, settings):
    """kill -9 of the whole worker while it checks a file: the job is not left "checking" until the broker
    delivers the task again hours later; the sweeper queues it again, and the next worker's attempt counts
    the file once."""
    from django.apps import apps

    from targets.reference_data import load_catalogue, load_standards

    skip_without_worker()
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
        assert (job.status, job.progress) == ("queued", 0)
        with translation.override(job_language(job, None)):  # the user's language, not the test's
            assert job.error == str(WORKER_LOST_RETRY % {"attempt": 1})
    finally:
        blocker.close()
        if worker.poll() is None:
            stop_worker(worker, kill=True)
    worker = start_worker(purge=False, MEDIA_ROOT=str(tmp_path))
    try:
        checked = _wait_for(lambda: RosterImport.objects.filter(pk=job.pk, status="checked").first(), 180)
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
