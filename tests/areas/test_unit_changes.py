"""The reform as data: the succession table import (areas.changes, manage.py import_unit_changes)."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from areas.changes import import_unit_changes
from areas.models import Unit, UnitSuccession

HEADER = ["Mã ĐVHC cũ", "Tên ĐVHC cũ", "Mã ĐVHC mới", "Tên ĐVHC mới", "Ngày hiệu lực", "Tỷ lệ hộ", "Thôn / ấp"]
REFORM = date(2025, 7, 1)


def table(rows, header=HEADER, sheet="Bảng chuyển đổi") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(["Bảng đối chiếu đơn vị hành chính cũ – mới"])  # a title above the header, as published
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def snapshot():
    units = list(Unit.objects.order_by("pk").values_list("pk", "code", "path", "valid_from", "valid_to"))
    rows = list(UnitSuccession.objects.order_by("pk").values_list("old", "new", "valid_from", "share", "village"))
    return units, rows


@pytest.fixture
def villages(tree):
    """Two hamlets of commune C1."""
    tree["V1"] = Unit.objects.create(code="C1-01", name="Ấp Hòa Phú", level="village", parent=tree["C1"])
    tree["V2"] = Unit.objects.create(code="C1-02", name="Ấp Hòa Lợi", level="village", parent=tree["C1"])
    return tree


REFORM_ROWS = [
    # C1 is split: hamlet Hòa Phú moves whole to N1, the rest is shared 70/30; C2 merges into N1.
    ("C1", "Xã 1", "N1", "Phường Mới", "01/07/2025", "70", "Ấp Hòa Phú"),
    ("C1", "Xã 1", "N2", "Xã Hai", "01/07/2025", "30", None),
    ("C2", "Xã 2", "N1", "Phường Mới", "01/07/2025", None, None),
]


def test_a_reform_table_makes_new_communes_under_the_province_and_ends_the_old_ones(villages):
    result = import_unit_changes(table(REFORM_ROWS), "reform.xlsx")
    assert result.ok, result.problems
    n1, n2 = Unit.objects.get(code="N1"), Unit.objects.get(code="N2")
    assert (n1.parent, n1.level, n1.valid_from, n1.area_type) == (villages["P"], "commune", REFORM, "urban")
    assert (n2.path, n2.area_type) == ("P/N2/", "rural")
    for code in ("C1", "C2", "D1", "D2", "C1-01", "C1-02"):  # districts with their last commune, villages with theirs
        assert Unit.objects.get(code=code).valid_to == REFORM
    rows = {
        (s.old.code, s.new.code, s.village.name if s.village else None): s.share for s in UnitSuccession.objects.all()
    }
    assert rows == {
        ("C1", "N1", None): Decimal("70"),
        ("C1", "N2", None): Decimal("30"),
        ("C1", "N1", "Ấp Hòa Phú"): None,
        ("C2", "N1", None): Decimal("100"),
    }
    assert result.units_created == 2 and result.units_ceased == 6


def test_importing_the_same_table_twice_changes_nothing(villages, capsys):
    import_unit_changes(table(REFORM_ROWS), "reform.xlsx")
    before = snapshot()
    again = import_unit_changes(table(REFORM_ROWS), "reform.xlsx")
    assert again.ok and not again.changed
    assert snapshot() == before
    assert "nothing changed" in again.summary_lines()[0] or "không thay đổi" in again.summary_lines()[0]


def test_a_new_commune_may_take_the_code_of_an_old_one(tree):
    """Codes are not identities: C1's code now names the new commune; the old C1 stays under its district."""
    rows = [("C1", "Xã 1", "C1", "Xã 1 mới", "01/07/2025"), ("C2", "Xã 2", "C1", "Xã 1 mới", "01/07/2025")]
    assert import_unit_changes(table(rows, HEADER[:5]), "t.xlsx").ok
    old, new = Unit.objects.get(path="P/D1/C1/"), Unit.objects.get(path="P/C1/")
    assert (old.valid_to, new.valid_from, new.valid_to) == (REFORM, REFORM, None)
    assert Unit.objects.by_code("C1") == new
    assert Unit.objects.by_code("C1", 2024) == old and Unit.objects.by_code("C1", 2025) == new
    assert import_unit_changes(table(rows, HEADER[:5]), "t.xlsx").changed is False


def test_a_province_merger_puts_the_communes_under_the_new_province(tree):
    rows = [
        ("P", "Tỉnh cũ", "92", "Thành phố Cần Thơ", "01/07/2025"),
        ("C1", "Xã 1", "31001", "Phường Sóc Trăng", "01/07/2025"),
        ("C2", "Xã 2", "31001", "Phường Sóc Trăng", "01/07/2025"),
    ]
    assert import_unit_changes(table(rows, HEADER[:5]), "t.xlsx").ok
    city = Unit.objects.get(code="92")
    assert (city.level, city.parent, city.area_type) == ("province", None, "urban")
    assert Unit.objects.get(code="31001").path == "92/31001/"
    assert Unit.objects.get(code="P").valid_to == REFORM


def test_a_province_merged_into_one_that_continues(tree):
    city = Unit.objects.create(code="92", name="Thành phố Cần Thơ", level="province")
    rows = [("P", "Tỉnh cũ", "92", "Thành phố Cần Thơ", "01/07/2025"), ("92", "Cần Thơ", "92", "Cần Thơ", "01/07/2025")]
    assert import_unit_changes(table(rows, HEADER[:5]), "t.xlsx").ok
    city.refresh_from_db()
    assert city.valid_to is None and Unit.objects.filter(code="92").count() == 1
    assert list(UnitSuccession.objects.values_list("old__code", "new__code", "share")) == [("P", "92", Decimal(100))]


def _problems(rows, header=HEADER):
    before = snapshot()
    result = import_unit_changes(table(rows, header), "t.xlsx")
    assert not result.ok
    assert snapshot() == before  # nothing written
    return [(p.sheet, p.row, p.column, p.message) for p in result.problems]


def test_an_unknown_old_unit_is_a_located_error_and_nothing_is_written(villages):
    problems = _problems([*REFORM_ROWS, ("C9", "Xã 9", "N3", "Xã Ba", "01/07/2025", None, None)])
    assert problems == [
        ("Bảng chuyển đổi", 6, "Mã ĐVHC cũ", "Không có đơn vị nào mã C9 còn hiệu lực trước ngày 01/07/2025.")
    ]


def test_shares_that_do_not_add_up_to_100_are_refused(villages):
    rows = [
        ("C1", "Xã 1", "N1", "Xã Một", "01/07/2025", "60", None),
        ("C1", "Xã 1", "N2", "Xã Hai", "01/07/2025", "30,5", None),
    ]
    assert _problems(rows) == [
        ("Bảng chuyển đổi", 4, "Tỷ lệ hộ", "Tỷ lệ hộ của đơn vị C1 cộng lại là 90,5 %, không phải 100 %.")
    ]


def test_a_split_without_shares_is_refused(villages):
    rows = [
        ("C1", "Xã 1", "N1", "Xã Một", "01/07/2025", None, None),
        ("C1", "Xã 1", "N2", "Xã Hai", "01/07/2025", None, None),
    ]
    problems = _problems(rows)
    assert [(row, column) for _s, row, column, _m in problems] == [(3, "Tỷ lệ hộ"), (4, "Tỷ lệ hộ")]
    assert "C1" in problems[0][3]


def test_a_date_before_the_unit_began_is_refused(villages):
    Unit.objects.filter(code="C2").update(valid_from=date(2026, 1, 1))
    problems = _problems([("C2", "Xã 2", "N1", "Xã Một", "01/07/2025", None, None)])
    assert problems == [
        (
            "Bảng chuyển đổi",
            3,
            "Ngày hiệu lực",
            "Ngày 01/07/2025 không sau ngày đơn vị C2 (Commune 2) bắt đầu có hiệu lực, 01/01/2026.",
        )
    ]


def test_a_cycle_is_refused(tree):
    rows = [
        ("C1", "Xã 1", "C2", "Xã 2", "01/07/2025", None, None),
        ("C2", "Xã 2", "C1", "Xã 1", "01/07/2025", None, None),
    ]
    problems = _problems(rows)
    assert [(row, column) for _s, row, column, _m in problems] == [(4, "Mã ĐVHC mới")]
    assert "C1" in problems[0][3] and "vòng" in problems[0][3]


def test_an_unknown_village_and_bad_cells_are_located(villages):
    rows = [
        ("C1", "Xã 1", "N1", "Xã Một", "01/07/2025", None, "Ấp Không Có"),
        ("C2", "Xã 2", "N1", "Xã Một", "31/02/2025", None, None),
        ("C2", "Xã 2", None, "Xã Một", "01/07/2025", "nhiều", None),
    ]
    problems = _problems(rows)
    assert [(row, column) for _s, row, column, _m in problems] == [
        (4, "Ngày hiệu lực"),
        (5, "Mã ĐVHC mới"),
        (5, "Tỷ lệ hộ"),
    ]
    problems = _problems(rows[:1])
    assert problems == [("Bảng chuyển đổi", 3, "Thôn / ấp", "Đơn vị C1 không có thôn, ấp nào tên Ấp Không Có.")]


def test_headers_are_matched_as_the_rosters_are(villages):
    header = ["ma dvhc cu", "TÊN ĐVHC CŨ", "Mã  ĐVHC  mới", "ten dvhc moi", "Ngày hiệu lực"]
    assert import_unit_changes(table([("C1", "Xã 1", "N1", "Xã Một", "01/07/2025")], header), "t.xlsx").ok
    assert Unit.objects.get(code="N1").valid_from == REFORM


def test_a_missing_column_is_reported(villages):
    assert _problems([("C1", "Xã 1", "N1")], HEADER[:3]) == [
        ("Bảng chuyển đổi", 2, "", "Thiếu cột: Tên ĐVHC mới, Ngày hiệu lực")
    ]


def test_the_command_imports_and_reports(villages, tmp_path):
    path = tmp_path / "bang.xlsx"
    path.write_bytes(table(REFORM_ROWS))
    out = io.StringIO()
    call_command("import_unit_changes", str(path), stdout=out)
    assert "2 đơn vị mới" in out.getvalue()
    path.write_bytes(table([("C9", "Xã 9", "N3", "Xã Ba", "01/07/2025")], HEADER[:5]))
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command("import_unit_changes", str(path), stdout=out)
    assert exit_code.value.code == 1
    assert "Bảng chuyển đổi!3, Mã ĐVHC cũ: Không có đơn vị nào mã C9" in out.getvalue()


def test_the_succession_table_maps_each_old_units_households_into_new_units(villages):
    """What re-aggregation in today's boundaries multiplies stored counts by: a village that moved whole goes
    where it went; the rest of its commune by the shares; units nobody above ceased are left out."""
    from areas.selectors import successor_weights

    import_unit_changes(table(REFORM_ROWS), "reform.xlsx")
    n1, n2 = Unit.objects.get(code="N1").pk, Unit.objects.get(code="N2").pk
    other = Unit.objects.create(code="C1-03", name="Ấp Khác", level="village", parent=villages["C1"])
    weights = successor_weights(Unit.objects.filter(code__in=["C1", "C1-01", "C1-02", "C2", "N1", "P"]))
    assert weights == {
        villages["C1"].pk: [(n1, Decimal("0.7")), (n2, Decimal("0.3"))],
        villages["V1"].pk: [(n1, Decimal(1))],  # Ấp Hòa Phú moved whole
        villages["V2"].pk: [(n1, Decimal("0.7")), (n2, Decimal("0.3"))],
        villages["C2"].pk: [(n1, Decimal(1))],
    }
    assert sum(w for _n, w in successor_weights(Unit.objects.filter(pk=other.pk))[other.pk]) == 1
