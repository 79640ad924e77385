"""A process killed in the middle of an import leaves the database as it was: all the households or none."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from households.models import Household, Member

from .roster_files import household_row, member_row, two_sheets

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def standards(db):
    """A transactional test starts from empty tables: put the official standards back."""
    from django.apps import apps

    from targets.reference_data import load_catalogue, load_standards

    load_standards(apps)
    load_catalogue(apps)


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres") is False,
    reason="the killed import runs in another process, given the test database by its PostgreSQL URL",
)
@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0, None])
def test_a_killed_import_writes_all_or_nothing(tree, standards, tmp_path, delay):
    count = 3000
    households = [household_row(f"K{i:05d}", members=2) for i in range(count)]
    members = [row for i in range(count) for row in (member_row(f"K{i:05d}"), member_row(f"K{i:05d}", age=9))]
    path = tmp_path / "big.xlsx"
    path.write_bytes(two_sheets(households, members))
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_roster", str(path)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    if delay is None:  # not killed: the file is good and imports whole
        output = process.communicate(timeout=600)[0].decode()
        assert process.returncode == 0, output[-3000:]
    else:
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.communicate()  # waits, and closes the pipe
    time.sleep(0.5)  # the server rolls back the killed session's open transaction
    stored = Household.objects.count()
    assert stored == count if delay is None else stored in (0, count)
    assert Member.objects.count() == 2 * stored
    assert Household.history.count() == stored
