"""Issue 26, point 7: every export — each format of django-import-export's Export page, each roster layout, the chart
downloads, the review report — writes a text that starts like a formula (= + - @, tab, carriage return) as text
behind an apostrophe, changes nothing else, and the roster import reads the name back as it was."""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext_lazy

from areas.models import Unit
from households.models import Household, Member
from households.roster import export
from households.roster.service import roster_import
from povertyplan.cells import safe
from reports import xlsx as review_xlsx
from reports.selectors import review_report

from .households.roster_files import household_row, member_row, two_sheets

HEADS = ["=1+1", "+SUM(1+1)", "-2+3", "@SUM(1)"]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(1+1)", "'+SUM(1+1)"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Lò Văn Sóc", "Lò Văn Sóc"),
        ("a=b", "a=b"),
        (-3, -3),
        (None, None),
        (gettext_lazy("poor"), "hộ nghèo"),
    ],
)
def test_the_one_escape_quotes_what_starts_like_a_formula_and_nothing_else(value, written):
    assert safe(value) == written


@pytest.fixture
def households(tree):
    """Four households, each head named like a formula, one member named so too."""
    codes = [f"H{n}" for n in range(1, len(HEADS) + 1)]
    roster = two_sheets([household_row(code, members=1) for code in codes], [member_row(code) for code in codes])
    assert roster_import(roster, "x.xlsx").written
    rows = list(Household.objects.order_by("code"))
    for household, head in zip(rows, HEADS, strict=True):
        Household.objects.filter(pk=household.pk).update(head_name=head)
    Member.objects.filter(pk=Member.objects.filter(household=rows[0]).first().pk).update(full_name="@HYPERLINK(1)")
    return {h.code: head for h, head in zip(rows, HEADS, strict=True)}


def admin_client():
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    return client


def rows_of(content: bytes, file_format: str) -> list[list]:
    if file_format == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert not any(c.data_type == "f" for s in book.worksheets for row in s.iter_rows() for c in row)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_every_format_of_the_export_page_quotes_formula_like_names_and_imports_back_unchanged(households, admin_user):
    client = Client()
    client.force_login(admin_user)
    page = client.get(reverse("admin:households_household_export"))
    form = page.context["form"]
    offered = [(value, label) for value, label in form.fields["format"].choices if value != ""]
    assert sorted(label for _value, label in offered) == ["csv", "xlsx"]  # the two the roster import reads
    selected = {name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)}
    for value, label in offered:
        response = client.post(reverse("admin:households_household_export"), {"format": value, **selected})
        assert response.status_code == 200, label
        header, *rows = rows_of(response.content, label)
        code, head, income = (header.index(name) for name in ("Mã hộ", "Họ tên chủ hộ", "Thu nhập bình quân"))
        assert {row[code]: row[head] for row in rows} == {code: "'" + head for code, head in households.items()}
        if label == "xlsx":  # numbers stay numbers: django-import-export's own escape made every cell a text
            assert all(isinstance(row[income], int) for row in rows), [row[income] for row in rows]
        result = roster_import(response.content, f"export.{label}")
        assert result.ok, [p.line() for p in result.problems]
        assert (result.new, result.changed, result.unchanged) == (0, 0, len(households)), label
        assert dict(Household.objects.values_list("code", "head_name")) == households


@pytest.mark.parametrize("layout", export.LAYOUTS)
def test_each_roster_layout_quotes_formula_like_names_and_imports_back_unchanged(households, admin_user, layout):
    client = Client()
    client.force_login(admin_user)
    response = client.get(reverse("admin:households_household_export_layout", args=[layout]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert not any(c.data_type == "f" for s in book.worksheets for row in s.iter_rows() for c in row)
    header, *rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    code, head = header.index("Mã hộ"), header.index("Họ tên chủ hộ")
    assert {row[code]: row[head] for row in rows} == {code: "'" + head for code, head in households.items()}
    if layout != "answers":
        names = [row[header.index("Họ tên")] for row in rows] if layout == "member_rows" else []
        if layout == "two_sheets":
            members = [list(row) for row in book["Thành viên"].iter_rows(values_only=True)]
            names = [row[members[0].index("Họ tên")] for row in members[1:]]
        assert "'@HYPERLINK(1)" in names
    result = roster_import(response.content, f"{layout}.xlsx")
    assert result.ok, [p.line() for p in result.problems]
    assert (result.new, result.changed, result.unchanged) == (0, 0, len(households))
    assert Member.objects.filter(full_name="@HYPERLINK(1)").count() == 1


@pytest.fixture
def demo(demo_data, db):
    return None


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_chart_downloads_quote_a_unit_named_like_a_formula(demo, file_format):
    district = Unit.objects.get(code="942")
    commune = Unit.objects.filter(parent=district).order_by("code").first()
    Unit.objects.filter(pk=commune.pk).update(name="-2+3")
    response = admin_client().get(f"/dashboards/data/breakdown.{file_format}", {"unit": "942"})
    assert response.status_code == 200
    cells = {cell for row in rows_of(response.content, file_format) for cell in row}
    assert "'-2+3" in cells and "-2+3" not in cells


def test_the_review_report_quotes_a_unit_named_like_a_formula(tree):
    Unit.objects.filter(pk=tree["D1"].pk).update(name="+SUM(1+1)")
    Unit.objects.filter(pk=tree["P"].pk).update(name="@tỉnh")
    data = review_xlsx.workbook_bytes(review_report(Unit.objects.get(code="P"), 2022))
    book = openpyxl.load_workbook(io.BytesIO(data))
    texts = {c.value for s in book.worksheets for row in s.iter_rows() for c in row if isinstance(c.value, str)}
    assert "'+SUM(1+1)" in texts and "'@TỈNH" in texts
    assert not {"+SUM(1+1)", "@TỈNH"} & texts
    assert not any(c.data_type == "f" for s in book.worksheets for row in s.iter_rows() for c in row)
