"""The Celery path with a real worker on Redis: a household edit reaches the attainment."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from households.models import Household, Member
from households.services import household_save
from targets.models import Attainment, RecomputeRun
from tests.conftest import skip_without_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker():
    skip_without_worker()
    from povertyplan.celery import app

    app.control.purge()
    from targets.services import _redis

    for key in _redis().scan_iter("povertyplan:recompute*"):  # a slot left by a purged task of an earlier run
        _redis().delete(key)
    db = connection.settings_dict
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "povertyplan",
            "worker",
            "--pool",
            "solo",
            "-l",
            "warning",
            "--without-gossip",
            "--without-mingle",
            "--purge",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        assert time.monotonic() < deadline and process.poll() is None, "the worker did not start"
    yield process
    process.terminate()
    process.wait(timeout=20)
    process.stdout.close()


def test_a_household_edit_reaches_the_attainment_through_a_real_worker(demo, worker):
    poor_rate = Attainment.objects.get(target__plan__province__code="14", target__order=1)
    runs_before = RecomputeRun.objects.count()
    household = Household.objects.filter(
        unit__path__startswith="14/", survey_year=2022, classification="not_poor"
    ).first()
    members = list(Member.objects.filter(household=household))
    household.income_per_capita = 100_000
    household.reported_deprivations = None
    for m in members:  # make it poor: no insurance, no internet, unhygienic water and latrine
        m.pk, m.health_insurance, m.uses_internet = None, False, False
    household.water_source, household.latrine = "river_pond", "none"
    household_save(household, members)
    assert Household.objects.get(pk=household.pk).classification == "poor"

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        fresh = Attainment.objects.get(target=poor_rate.target)
        if fresh.run_id and fresh.run_id != poor_rate.run_id:
            break
        time.sleep(0.2)
    else:
        worker.terminate()
        worker.wait(timeout=20)
        pytest.fail("no recompute within 60 s; worker said: " + worker.stdout.read().decode()[-2000:])
    assert fresh.actual > poor_rate.actual
    run = RecomputeRun.objects.get(pk=fresh.run_id)
    assert run.status == "succeeded" and RecomputeRun.objects.count() == runs_before + 1
