"""A write and an approval step of the same data never cross: a write under way makes the approval wait (and
the approval then locks what was written); an approval under way makes the write wait, and the write is then
refused with its located message. Real threads on PostgreSQL, each with its own connection."""

import threading

import pytest
from django.db import connection, connections, transaction

from approvals.models import State
from approvals.services import DataLocked, approval_transition
from households.models import Household
from households.roster.service import roster_import
from households.services import household_save
from targets.models import Indicator, ReportedValue
from targets.reported import reported_grid_save
from tests.conftest import make_user
from tests.households.roster_files import household_row, member_row, two_sheets

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = 0.7  # seconds a blocked step is given to (wrongly) get through


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs every transaction IMMEDIATE: writers and approvals already take turns")


@pytest.fixture
def people(tree):
    return {
        "officer": make_user("officer_c1", "officer", tree["C1"]),
        "district": make_user("officer_d1", "district_officer", tree["D1"], first_name="Minh", last_name="Nguyễn Văn"),
    }


STEPS = []


@pytest.fixture(autouse=True)
def _every_step_ends():
    """A step still open at the end would hold its locks while the test database is flushed."""
    yield
    for step in STEPS:
        step.release.set()
        step.join(120)
    STEPS.clear()


class Step(threading.Thread):
    """Runs `work` in a transaction of its own connection; with `hold`, keeps the transaction open (after the
    work) until `release` is set."""

    def __init__(self, work, hold=False):
        super().__init__(daemon=True)
        self.work, self.hold = work, hold
        self.done, self.release = threading.Event(), threading.Event()
        self.result = self.error = None
        STEPS.append(self)

    def run(self):
        try:
            with transaction.atomic():
                self.result = self.work()
                self.done.set()
                if self.hold:
                    self.release.wait(30)
        except Exception as error:  # noqa: BLE001 - the test reads it
            self.error = error
        finally:
            self.done.set()
            connections.close_all()


def submitted(people, unit, year=2022, kind="households"):
    return approval_transition(user=people["officer"], unit=unit, year=year, kind=kind, action="submit")


def approve(people, unit, year=2022, kind="households"):
    return lambda: approval_transition(user=people["district"], unit=unit, year=year, kind=kind, action="approve")


def test_an_approval_waits_for_a_household_save_under_way_and_then_locks_it(tree, people):
    household = Household(code="H1", unit=tree["C1"], survey_year=2022, income_per_capita=1_000_000, member_count=2)
    household.reported_deprivations = ["water"]
    writer = Step(lambda: household_save(household), hold=True)
    writer.start()
    assert writer.done.wait(10) and writer.error is None
    c1_submitted = Step(lambda: submitted(people, tree["C1"]))
    c1_submitted.start()
    assert not c1_submitted.done.wait(WAIT), "the submit went through while the household was being written"
    writer.release.set()
    c1_submitted.join(60)
    assert c1_submitted.error is None and c1_submitted.result.state == State.SUBMITTED
    assert Household.objects.filter(code="H1").exists()
    with pytest.raises(DataLocked):
        household_save(Household.objects.get(code="H1"))


def roster_file():
    return two_sheets(
        households=[household_row("H1", unit="C1"), household_row("H2", unit="C2", members=1)],
        members=[member_row("H1"), member_row("H1", "Lò Thị B", 12), member_row("H2", "Cầm Văn C", 35)],
    )


def test_a_roster_import_waits_for_a_submit_under_way_and_is_then_refused(tree, people):
    submit = Step(lambda: submitted(people, tree["C1"]), hold=True)
    submit.start()
    assert submit.done.wait(10) and submit.error is None
    importer = Step(lambda: roster_import(roster_file(), "tinh.xlsx"))
    importer.start()
    assert not importer.done.wait(WAIT), "the import wrote while C1 was being submitted"
    submit.release.set()
    importer.join(60)
    assert importer.error is None and not importer.result.written
    assert "gửi duyệt" in importer.result.problems[0].message
    assert not Household.objects.exists()


def test_a_roster_import_checked_before_an_approval_and_written_after_it_is_refused(tree, people, monkeypatch):
    """The file is checked while C1 is open; the submit and the approval commit before the import's write
    begins: the write checks again under the lock and refuses, naming the row and who approved."""
    from households.roster import service

    check_again = service._locked_meanwhile

    def approved_meanwhile(*args):
        for step in (Step(lambda: submitted(people, tree["C1"])), Step(approve(people, tree["C1"]))):
            step.start()
            step.join(60)
            assert step.error is None
        return check_again(*args)

    monkeypatch.setattr(service, "_locked_meanwhile", approved_meanwhile)
    result = roster_import(roster_file(), "tinh.xlsx")
    assert not result.written and result.problem_count == 1
    problem = result.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("Hộ", 2, "Mã đơn vị")
    assert "Nguyễn Văn Minh" in problem.message
    assert not Household.objects.exists()


def test_an_approval_waits_for_a_reported_values_save_under_way(tree, people):
    jobs = Indicator.objects.get(code="jobs_found")
    writer = Step(lambda: reported_grid_save(tree["C1"], 2024, {(jobs, 3): (12, None, None)}), hold=True)
    writer.start()
    assert writer.done.wait(10) and writer.error is None
    c1_submitted = Step(lambda: submitted(people, tree["C1"], year=2024, kind="reported"))
    c1_submitted.start()
    assert not c1_submitted.done.wait(WAIT)
    writer.release.set()
    c1_submitted.join(60)
    assert c1_submitted.error is None and ReportedValue.objects.get().value == 12
    with pytest.raises(DataLocked):
        reported_grid_save(tree["C1"], 2024, {(jobs, 3): (13, None, None)})
