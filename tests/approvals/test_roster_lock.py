"""The roster import refuses rows of a submitted or approved unit, and writes nothing of the file."""

import pytest

from approvals.services import approval_transition
from households.models import Household
from households.roster.service import roster_import
from tests.conftest import make_user
from tests.households.roster_files import household_row, member_row, two_sheets


@pytest.fixture
def approved_c1(tree):
    officer = make_user("officer_c1", "officer", tree["C1"])
    district = make_user("officer_d1", "district_officer", tree["D1"], first_name="Minh", last_name="Nguyễn Văn")
    approval_transition(user=officer, unit=tree["C1"], year=2022, kind="households", action="submit")
    return approval_transition(user=district, unit=tree["C1"], year=2022, kind="households", action="approve")


def test_rows_in_an_approved_unit_are_errors_and_nothing_is_written(tree, approved_c1):
    data = two_sheets(
        households=[household_row("H1", unit="C1"), household_row("H2", unit="C2", members=1)],
        members=[member_row("H1"), member_row("H1", "Lò Thị B", 12), member_row("H2", "Cầm Văn C", 35)],
    )
    result = roster_import(data, "tinh.xlsx")
    assert not result.written and result.problem_count == 1
    problem = result.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("Hộ", 2, "Mã đơn vị")
    assert "Nguyễn Văn Minh" in problem.message and "Commune 1" in problem.message
    assert not Household.objects.exists()  # not even the open commune's household


def test_another_survey_year_of_the_same_unit_imports(tree, approved_c1):
    data = two_sheets(households=[household_row("H1", unit="C1", year=2023), household_row("H2", year=2023, members=1)])
    result = roster_import(data, "xa.xlsx")
    assert result.written, [p.line() for p in result.problems]


def test_a_household_cannot_be_moved_out_of_an_approved_unit_by_a_file(tree):
    assert roster_import(two_sheets(), "v1.xlsx").written
    officer = make_user("officer_c1", "officer", tree["C1"])
    approval_transition(user=officer, unit=tree["C1"], year=2022, kind="households", action="submit")
    moved = two_sheets(households=[household_row("H1", unit="C2"), household_row("H2", members=1)])
    result = roster_import(moved, "v2.xlsx")
    assert not result.written and result.problem_count >= 1
    assert all("gửi duyệt" in p.message for p in result.problems)
    assert set(Household.objects.values_list("unit__code", flat=True)) == {"C1"}


def test_the_reported_value_import_refuses_rows_of_an_approved_period(tree):
    import tablib

    from targets.models import Indicator, ReportedValue
    from targets.resources import ReportedValueResource

    indicator = Indicator.objects.filter(kind="reported").first()
    officer = make_user("officer_c1", "officer", tree["C1"])
    district = make_user("officer_d1", "district_officer", tree["D1"], first_name="Minh", last_name="Nguyễn Văn")
    approval_transition(user=officer, unit=tree["C1"], year=2024, kind="reported", action="submit")
    approval_transition(user=district, unit=tree["C1"], year=2024, kind="reported", action="approve")
    data = tablib.Dataset(headers=["Mã chỉ số", "Mã đơn vị", "Năm", "Giá trị"])
    data.append([indicator.code, "C2", 2024, "20"])
    data.append([indicator.code, "C1", 2024, "1.500"])
    result = ReportedValueResource().import_data(data, dry_run=False)
    messages = [str(e.error) for _n, errors in result.row_errors() for e in errors]
    assert len(messages) == 1 and "Nguyễn Văn Minh phê duyệt" in messages[0]
    assert not ReportedValue.objects.exists()
    data = tablib.Dataset(headers=["Mã chỉ số", "Mã đơn vị", "Năm", "Giá trị"])
    data.append([indicator.code, "C1", 2025, "1.500"])  # another year of the same commune is open
    assert not ReportedValueResource().import_data(data, dry_run=False).has_errors()
