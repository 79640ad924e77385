"""Recompute runs under faults: a database connection lost during the COPY, an unreachable broker, a worker
killed mid-run, a run cancelled by an administrator, a task delivered again after its run ended."""

import re
import time
from datetime import timedelta

import psycopg2
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from areas.services import profile_save
from households.models import Household
from povertyplan.background import LEASE_SECONDS
from targets.models import Indicator, PendingChange, RecomputeRun
from targets.selectors import active_run
from targets.services import recompute, sweep_pending, sweep_runs
from targets.tasks import recompute_changes_task, recompute_task
from tests.conftest import make_user, skip_without_worker, start_worker, stop_worker
from tests.test_bulk import terminate_during_copy

from .test_incremental import _save, figures


def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend is PostgreSQL's")
    connection.ensure_connection()


@pytest.mark.django_db(transaction=True)
def test_a_full_run_whose_connection_is_lost_in_the_copy_is_retried_and_succeeds_without_the_old_error(
    tree, monkeypatch
):
    _postgresql()
    province = tree["P"]
    for i in range(3):
        _save(f"H{i}", tree["C1"], 2022, 900_000, {"water", "latrine"}, "khmer")
    clean = recompute(province_ids=[province.pk])
    expected = figures()
    run = RecomputeRun.objects.create(scope="test")
    killed = terminate_during_copy(monkeypatch)
    recompute_task.apply(kwargs={"province_ids": [province.pk], "run_id": run.pk}, throw=False)  # retried at once
    run.refresh_from_db()
    assert killed.is_set()
    assert (run.status, run.error, run.attempt, run.progress) == ("succeeded", "", 2, 100)
    assert run.rows == clean.rows  # counted afresh, not added to the lost attempt's
    assert figures() == expected


@pytest.mark.django_db(transaction=True)
def test_an_incremental_run_whose_connection_is_lost_in_the_copy_is_retried_and_clears_the_changes(tree, monkeypatch):
    _postgresql()
    province, unit = tree["P"], tree["C1"]
    _save("H1", unit, 2022, 900_000, {"water"}, "kinh")  # eager: recomputed at once
    recompute(province_ids=[province.pk])
    Household.objects.filter(code="H1").update(income_per_capita=400_000, classification="poor")
    PendingChange.objects.create(unit=unit, year=2022, changed_at=timezone.now())
    killed = terminate_during_copy(monkeypatch)
    recompute_changes_task.apply(args=[province.pk], throw=False)
    assert killed.is_set() and not PendingChange.objects.exists()
    assert RecomputeRun.objects.order_by("-pk").values_list("status", "error")[0] == ("succeeded", "")


def _officer(tree_unit):
    user = User.objects.create_user("lan", first_name="Lan")
    profile_save(user, "officer", tree_unit)
    return user


@pytest.mark.django_db(transaction=True)
def test_a_saved_edit_with_the_broker_down_answers_success_and_its_figures_follow_when_it_is_back(
    tree, unreachable_broker, client
):
    """The reported-values grid saves (a committed request), the recompute cannot be queued: the page says the
    figures will refresh later; the change waits as pending; the sweeper, once the broker is back, recomputes it
    without another edit."""
    from povertyplan.celery import app

    jobs = Indicator.objects.get(code="jobs_found")
    client.force_login(_officer(tree["C1"]))
    page = client.get("/reported/?unit=C1&year=2022").content.decode()
    version = re.search(r'name="version" value="([^"]*)"', page).group(1)
    response = client.post("/reported/?unit=C1&year=2022", {"version": version, f"v_{jobs.id}_3": "15"}, follow=True)
    assert response.status_code == 200 and response.redirect_chain
    text = response.content.decode()
    assert "will be refreshed automatically" in text or "tự động" in text
    assert PendingChange.objects.filter(unit=tree["C1"], year=2022).exists()
    assert not RecomputeRun.objects.exists()

    app.conf.task_always_eager = True  # the broker is back: the beat's sweep runs (here in-process)
    assert sweep_pending() == 0  # a change is left to its own run for PENDING_AFTER_SECONDS
    assert sweep_pending(now=timezone.now() + timedelta(seconds=60)) == 1
    assert not PendingChange.objects.exists()
    assert RecomputeRun.objects.get().status == "succeeded"


def test_a_recompute_the_broker_cannot_take_fails_with_the_reason_and_blocks_no_later_one(
    tree, unreachable_broker, django_capture_on_commit_callbacks, client
):
    manager = make_user("boss", "admin", tree["P"], is_superuser=True, is_staff=True)
    client.force_login(manager)
    refresh = reverse("dashboards:refresh", args=["P"])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(refresh).json()["run"]
    dead = RecomputeRun.objects.get(pk=first)
    assert dead.status == "failed" and "could not be reached" in dead.error or "hàng đợi" in dead.error
    assert active_run() is None
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(refresh).json()["run"]
    assert second != first  # a new run, not the dead one joined
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:targets_recomputerun_start"))
    assert not RecomputeRun.objects.filter(status="queued").exists()


def test_an_administrator_cancels_a_stuck_run_and_a_task_delivered_again_leaves_it(tree, client):
    admin = User.objects.create_superuser("boss", password="pw")
    stuck = RecomputeRun.objects.create(status="running", progress=40, rows=1234, attempt=1)
    client.force_login(admin)
    client.post(
        reverse("admin:targets_recomputerun_changelist"),
        {"action": "cancel_selected_runs", "_selected_action": [stuck.pk]},
    )
    stuck.refresh_from_db()
    assert stuck.status == "failed" and "boss" in stuck.error and stuck.finished_at
    assert recompute_task.apply(kwargs={"run_id": stuck.pk}).get() is None  # the killed task, delivered again
    assert RecomputeRun.objects.get(pk=stuck.pk).rows == 1234


def test_a_viewer_cannot_cancel_a_run(tree, client):
    viewer = make_user("viewer1", "viewer", tree["P"], is_staff=True)
    run = RecomputeRun.objects.create(status="running")
    client.force_login(viewer)
    client.post(
        reverse("admin:targets_recomputerun_changelist"),
        {"action": "cancel_selected_runs", "_selected_action": [run.pk]},
    )
    assert RecomputeRun.objects.get().status == "running"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_run_whose_worker_was_killed_fails_within_the_lease_and_no_longer_holds_up_the_pages(tree, client):
    """kill -9 of the whole worker mid-run: the run is not left "running" until the broker delivers its task
    again hours later; the sweeper fails it, and "Refresh the figures" starts a new run instead of joining it."""
    from django.apps import apps

    from targets.reference_data import load_catalogue, load_standards

    skip_without_worker()
    load_standards(apps)
    load_catalogue(apps)
    db = connection.settings_dict
    blocker = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"])
    with blocker.cursor() as cursor:  # the run waits for the province's lock, as behind a long run
        cursor.execute("SELECT 1 FROM areas_unit WHERE id = %s FOR UPDATE", [tree["P"].pk])
    worker = start_worker()
    try:
        run = RecomputeRun.objects.create(scope="P")
        recompute_task.delay(province_ids=[tree["P"].pk], run_id=run.pk)
        started = _wait_for(lambda: RecomputeRun.objects.filter(pk=run.pk, status="running").first())
        assert started is not None
        assert _wait_for(
            lambda: RecomputeRun.objects.filter(pk=run.pk, heartbeat_at__gt=started.heartbeat_at).first(), 15
        ), "the worker renews the run's lease while it works"
        assert sweep_runs() == 0 and active_run().pk == run.pk  # a live worker's run is left alone
        stop_worker(worker, kill=True)
    finally:
        blocker.close()
        if worker.poll() is None:
            stop_worker(worker, kill=True)
    assert RecomputeRun.objects.get(pk=run.pk).status == "running"
    assert sweep_runs(now=timezone.now() + timedelta(seconds=LEASE_SECONDS + 1)) == 1
    run.refresh_from_db()
    assert run.status == "failed" and run.finished_at and run.error
    client.force_login(make_user("boss", "admin", tree["P"], is_superuser=True))
    assert client.post(reverse("dashboards:refresh", args=["P"])).json()["run"] != run.pk
    from povertyplan.celery import app

    app.control.purge()


def _wait_for(find, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := find():
            return found
        time.sleep(0.2)
    return None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_a_run_whose_connection_is_lost_in_the_copy(tree):
    """On a real worker: the server ends the worker's session while its COPY of the stored sums runs (a trigger
    holds the COPY long enough to find it); the task's retry runs the run again, which succeeds with its
    counts afresh and no stale error."""
    skip_without_worker()
    for i in range(3):
        _save(f"H{i}", tree["C1"], 2022, 900_000, {"water", "latrine"}, "khmer")
    clean = recompute(province_ids=[tree["P"].pk])
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION slow_copy() RETURNS trigger AS $$ BEGIN PERFORM pg_sleep(2); RETURN NEW; END $$ "
            "LANGUAGE plpgsql; CREATE TRIGGER slow_copy BEFORE INSERT ON targets_groupsum "
            "FOR EACH STATEMENT EXECUTE FUNCTION slow_copy()"
        )
    worker = start_worker()
    try:
        run = RecomputeRun.objects.create(scope="P")
        recompute_task.delay(province_ids=[tree["P"].pk], run_id=run.pk)
        with connection.cursor() as cursor:
            copying = None
            deadline = time.monotonic() + 30
            while copying is None and time.monotonic() < deadline:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND query LIKE 'COPY targets_groupsum%%' AND pid <> pg_backend_pid()"
                )
                copying = (cursor.fetchone() or [None])[0]
            assert copying, "the worker's COPY was not seen"
            cursor.execute("SELECT pg_terminate_backend(%s)", [copying])
            cursor.execute("DROP TRIGGER slow_copy ON targets_groupsum; DROP FUNCTION slow_copy()")
        done = _wait_for(lambda: RecomputeRun.objects.filter(pk=run.pk, status__in=["succeeded", "failed"]).first(), 60)
    finally:
        output = stop_worker(worker)
    assert done is not None, output[-3000:]
    assert (done.status, done.error, done.attempt, done.rows) == ("succeeded", "", 2, clean.rows), output[-3000:]
