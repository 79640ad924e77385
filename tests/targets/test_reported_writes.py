"""Reported values are written by one service (targets.reported.ReportedWrites) whichever the path — the grid, the
admin, the import (issue 22.4): each refuses a locked period, and a fraction of a count, and writes nothing."""

from decimal import Decimal

import pytest
import tablib
from django.core.exceptions import ValidationError

from approvals.services import approval_transition
from targets.models import Indicator, ReportedValue
from targets.reported import reported_grid_save
from targets.resources import ReportedValueResource
from tests.conftest import make_user

YEAR = 2022
APPROVED = "Nguyễn Văn Minh phê duyệt"


@pytest.fixture
def jobs(db):
    return Indicator.objects.get(code="jobs_found")  # counted in people: a whole number


@pytest.fixture
def approved(tree):
    officer = make_user("officer_c1", "officer", tree["C1"])
    district = make_user("officer_d1", "district_officer", tree["D1"], first_name="Minh", last_name="Nguyễn Văn")
    for user, action in ((officer, "submit"), (district, "approve")):
        approval_transition(user=user, unit=tree["C1"], year=YEAR, kind="reported", action=action)


def _grid(client, tree, jobs, value):
    try:
        reported_grid_save(tree["C1"], YEAR, {(jobs, 3): (Decimal(value), None, None)})
    except ValidationError as refused:
        return " ".join(refused.messages)
    return ""


def _admin(client, tree, jobs, value):
    make_user("root", "admin", is_staff=True, is_superuser=True)
    client.login(username="root", password="pw")
    data = {"indicator": jobs.pk, "unit": tree["C1"].pk, "year": YEAR, "month": 3, "value": value}
    response = client.post("/admin/targets/reportedvalue/add/", data)
    return response.content.decode() if response.status_code == 200 else ""


def _import(client, tree, jobs, value):
    data = tablib.Dataset(headers=["Mã chỉ số", "Mã đơn vị", "Năm", "Tháng", "Giá trị"])
    data.append([jobs.code, "C2", YEAR, 3, "20"])  # an open period: written only if every row is
    data.append([jobs.code, "C1", YEAR, 3, value])
    result = ReportedValueResource().import_data(
        data, dry_run=False, use_transactions=True, rollback_on_validation_errors=True
    )
    errors = [str(e.error) for _n, row in result.row_errors() for e in row]
    errors += [m for row in result.invalid_rows for ms in row.error_dict.values() for m in ms]
    return " ".join(errors)


PATHS = [_grid, _admin, _import]


@pytest.mark.parametrize("path", PATHS, ids=["grid", "admin", "import"])
def test_every_path_refuses_a_locked_period_with_who_approved_and_writes_nothing(client, tree, jobs, approved, path):
    assert APPROVED in path(client, tree, jobs, "5")
    assert not ReportedValue.objects.exists()


@pytest.mark.parametrize("path", PATHS, ids=["grid", "admin", "import"])
def test_every_path_refuses_a_fraction_of_a_count_and_writes_nothing(client, tree, jobs, path):
    assert "số nguyên" in path(client, tree, jobs, "2,5" if path is not _grid else "2.5")
    assert not ReportedValue.objects.exists()


def test_the_import_queues_one_recompute_per_unit_and_year_through_the_service(
    tree, jobs, django_capture_on_commit_callbacks
):
    data = tablib.Dataset(headers=["Mã chỉ số", "Mã đơn vị", "Năm", "Tháng", "Giá trị"])
    for unit, month in (("C1", 1), ("C1", 2), ("C2", 1)):
        data.append([jobs.code, unit, YEAR, month, "7"])
    with django_capture_on_commit_callbacks() as callbacks:
        assert not ReportedValueResource().import_data(data, dry_run=False).has_errors()
    assert ReportedValue.objects.count() == 3 and len(callbacks) == 2
