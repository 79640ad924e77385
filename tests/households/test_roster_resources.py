"""The admin's django-import-export pages for units (GSO list form) and reported values, and the exports of
indicator values and a plan's attainment."""

import io

import openpyxl
import pytest
import tablib
from django.urls import reverse
from django.utils import translation

from areas.models import Unit
from households.roster.export import safe
from households.roster.resources import UnitResource
from targets.export import attainment_xlsx, indicator_values_xlsx
from targets.models import ComputedValue, Indicator, ReportedValue
from targets.resources import ReportedValueResource
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_the_gso_list_creates_the_tree_with_levels_and_urban_wards(db):
    data = tablib.Dataset(headers=["Tỉnh Thành Phố", "Mã TP", "Quận Huyện", "Mã QH", "Phường Xã", "Mã PX", "Cấp"])
    data.append(["Tỉnh Sóc Trăng", "94", "Huyện Châu Thành", "942", "Xã Hồ Đắc Kiện", "31471", "Xã"])
    data.append(["Tỉnh Sóc Trăng", "94", "Thành phố Sóc Trăng", "941", "Phường 1", "31507", "Phường"])
    data.append(["Tỉnh Sơn La", "14", "", "", "Phường Tô Hiệu", "03979", "Phường"])  # 2025: no district
    result = UnitResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Unit.objects.get(code="31471").path == "94/942/31471/"
    ward = Unit.objects.get(code="31507")
    assert (ward.level, ward.area_type, ward.parent.code) == ("commune", "urban", "941")
    assert Unit.objects.get(code="03979").path == "14/03979/"
    again = UnitResource().import_data(data, dry_run=False)
    assert not again.has_errors() and Unit.objects.count() == 7


@pytest.fixture
def indicator(db):
    return Indicator.objects.get_or_create(
        code="workers_trained",
        defaults=dict(name_vi="Lao động được đào tạo", name_en="Workers trained", unit="people", kind="reported"),
    )[0]


def test_reported_values_read_vietnamese_numbers_and_stay_in_the_officers_area(tree, indicator):
    officer = make_user("o", "officer", tree["D1"])
    data = tablib.Dataset(headers=["Mã chỉ số", "Mã đơn vị", "Năm", "Giá trị"])
    data.append([indicator.code, "C1", 2024, "1.500"])
    data.append([indicator.code, "C2", 2024, "20"])
    result = ReportedValueResource().import_data(data, dry_run=False, user=officer)
    assert result.has_errors() or result.has_validation_errors()
    messages = [str(e.error) for _n, errors in result.row_errors() for e in errors]
    assert messages == ["unit C2 is outside your area or does not exist"]
    assert not ReportedValue.objects.exists()
    del data[1]
    result = ReportedValueResource().import_data(data, dry_run=False, user=officer)
    assert not result.has_errors()
    assert ReportedValue.objects.get().value == 1500


def test_reported_values_refuse_an_ambiguous_number(tree, indicator):
    data = tablib.Dataset(headers=["Mã chỉ số", "Mã đơn vị", "Năm", "Giá trị"])
    data.append([indicator.code, "C1", 2024, "1,500"])
    result = ReportedValueResource().import_data(data, dry_run=False)
    assert result.has_validation_errors() and not ReportedValue.objects.exists()


def test_reported_values_refuse_a_fraction_of_a_count_and_write_nothing(tree, indicator):
    data = tablib.Dataset(headers=["Mã chỉ số", "Mã đơn vị", "Năm", "Giá trị"])
    data.append([indicator.code, "C1", 2024, "12"])
    data.append([indicator.code, "C2", 2024, "2,5"])
    result = ReportedValueResource().import_data(
        data,
        dry_run=False,
        use_transactions=True,
        rollback_on_validation_errors=True,  # as the admin confirms
    )
    assert result.has_validation_errors() and not ReportedValue.objects.exists()
    (invalid,) = result.invalid_rows
    assert invalid.number == 2 and "whole number" in invalid.error_dict["value"][0]


def test_the_unit_import_page_is_for_administrators_only(client, tree, admin_user):
    officer = make_user("o", "officer", tree["D1"], is_staff=True)
    from django.contrib.auth.models import Permission

    officer.user_permissions.set(Permission.objects.filter(codename__in=["view_unit"]))
    client.force_login(officer)
    assert client.get(reverse("admin:areas_unit_import")).status_code == 403
    client.force_login(admin_user)
    assert client.get(reverse("admin:areas_unit_import")).status_code == 200


def test_exports_escape_formulas(tree, indicator):
    assert safe("=1+1") == "'=1+1" and safe("@x") == "'@x" and safe("-3") == "'-3" and safe(-3) == -3
    ComputedValue.objects.create(
        indicator=indicator, unit=tree["C1"], year=2024, scope="province", numerator=12, denominator=None
    )
    Unit.objects.filter(pk=tree["C1"].pk).update(name="=cmd|' /C calc'!A0")
    book = openpyxl.load_workbook(io.BytesIO(indicator_values_xlsx(ComputedValue.objects.all())))
    rows = list(book.active.values)
    assert rows[1][3] == "'=cmd|' /C calc'!A0" and rows[1][8] == 12
    assert not any(c.data_type == "f" for row in book.active.iter_rows() for c in row)


def test_a_plans_attainment_exports(demo):
    from targets.models import Plan

    plan = Plan.objects.filter(attainments__isnull=False).first() if hasattr(Plan, "attainments") else None
    plan = plan or Plan.objects.first()
    book = openpyxl.load_workbook(io.BytesIO(attainment_xlsx(plan)))
    rows = list(book.active.values)
    assert rows[0][0] == str(plan) and rows[1][0] == "Target"
    assert len(rows) > 2
