"""Issue 25, point 11: one list of labels for the form, the templates and the export; a guide sheet in each
template; import and export reachable from /households/; an import's page links to the households it wrote."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from households.choices import column_labels
from households.forms import MemberForm
from households.models import Household
from households.roster import export
from households.roster.cells import accepted_labels
from households.roster.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, normalise
from households.roster.guide import GUIDE_SHEET
from households.roster.service import roster_import
from tests.conftest import make_user

from .roster_files import household_row, member_row, two_sheets

CODED = [c for c in (*HOUSEHOLD_COLUMNS, *MEMBER_COLUMNS) if c.kind in ("choice", "ethnicity")]


def book(layout):
    return openpyxl.load_workbook(io.BytesIO(export.template(layout)))


def test_the_templates_drop_down_lists_are_the_forms_labels_in_vietnamese():
    lists = book("two_sheets")["Danh mục"]
    columns = {col[0].value: [c.value for c in col[1:] if c.value] for col in lists.iter_cols()}
    with translation.override("vi"):
        form = MemberForm()
        assert columns["Trình độ học vấn"] == [
            capfirst(str(label)) for v, label in form.fields["education"].choices if v
        ]
        latrine = Household._meta.get_field("latrine")
        assert columns["Nhà tiêu"] == [capfirst(str(label)) for _v, label in latrine.choices]
    assert (
        "Chưa tốt nghiệp tiểu học" in columns["Trình độ học vấn"] and "Chưa đi học" not in columns["Trình độ học vấn"]
    )
    assert "Thấm dội nước" in columns["Nhà tiêu"] and "Dội nước" not in columns["Nhà tiêu"]
    for column in CODED:
        assert columns[column.vi] == [label for label, _code in column_labels(column.key)]


def test_the_export_writes_the_forms_labels_and_reads_them_back(tree):
    members = [member_row("H1", education="Chưa đi học"), member_row("H1", "B", 12, employment="Học sinh, sinh viên")]
    households = [household_row("H1", latrine="Dội nước", house="Kiên cố")]
    assert roster_import(two_sheets(households, members), "cu.xlsx").written  # the older spellings still read
    stored = Household.objects.get()
    assert (stored.latrine, stored.house_class) == ("pour_flush", "kien_co")
    assert sorted(stored.members.values_list("education", "employment")) == [
        ("none", "self_employed"),
        ("primary", "student"),
    ]
    written = openpyxl.load_workbook(io.BytesIO(export.households_xlsx(Household.objects.all())))
    household = dict(zip(*[[c.value for c in row] for row in written["Hộ"].iter_rows(max_row=2)], strict=True))
    assert (household["Nhà tiêu"], household["Loại nhà"]) == ("Thấm dội nước", "Nhà kiên cố")
    cells = [c.value for row in written["Thành viên"].iter_rows(min_row=2) for c in row]
    assert "Chưa tốt nghiệp tiểu học" in cells and "Đang đi học" in cells
    again = roster_import(export.households_xlsx(Household.objects.all()), "xuat.xlsx")
    assert (again.unchanged, again.changed) == (1, 0), [p.line() for p in again.problems]


@pytest.mark.parametrize("column", CODED, ids=lambda c: c.key)
def test_no_label_of_a_column_reads_as_two_codes(column):
    pairs = [*column_labels(column.key), *column.labels, *column_labels(column.key, "en")]
    index = accepted_labels(column)
    for label, code in pairs:
        assert index[normalise(label)] == code, (label, code)


@pytest.mark.parametrize("layout", export.LAYOUTS)
def test_each_template_documents_every_column_it_has(layout):
    workbook = book(layout)
    guide = [[c.value or "" for c in row] for row in workbook[GUIDE_SHEET].iter_rows()]
    assert guide[0] == ["Trang tính", "Cột", "Ý nghĩa", "Đơn vị", "Bắt buộc", "Giá trị cho phép", "Ô trống nghĩa là"]
    documented = {(row[0], row[1]): row for row in guide[1:]}
    for sheet in workbook.worksheets:
        if sheet.title in ("Danh mục", GUIDE_SHEET):
            continue
        for header in next(sheet.iter_rows(max_row=1, values_only=True)):
            row = documented[(sheet.title, header)]
            assert all(row[i] for i in (2, 4, 5, 6)), row  # meaning, required, values, blank: never left empty
    income = next(row for row in guide if row[1] == "Thu nhập bình quân")
    assert (income[3], income[4], income[6]) == ("đồng/người/tháng", "Có", "Lỗi")
    area = next(row for row in guide if row[1] == "Khu vực")
    assert area[5] == "Nông thôn; Thành thị" and area[6] == "Theo khu vực của đơn vị"


# -- /households/ and the import's page --------------------------------------------------------------------------


def roster_links(client, query=""):
    content = client.get(reverse("households:list") + query).content.decode()
    start = content.find('id="roster-tools"')
    return content, content[start:].split("</section>")[0] if start >= 0 else ""


def test_the_household_list_links_to_import_templates_and_filtered_exports_for_staff(client, officer, tree):
    client.force_login(officer)
    _page, tools = roster_links(client, "?unit=C1&year=2022&deprivation=water")
    assert reverse("admin:households_household_roster_import") in tools
    for layout in export.LAYOUTS:
        assert reverse("admin:households_household_roster_template", args=[layout]) in tools
        url = reverse("admin:households_household_export_layout", args=[layout])
        assert f"{url}?area={tree['C1'].pk}&amp;survey_year__exact=2022" in tools
    assert "Tệp xuất không áp dụng các bộ lọc: Thiếu hụt chỉ số." in tools


def test_a_role_outside_the_admin_gets_no_roster_links(client, tree):
    for role in ("manager", "viewer"):
        client.force_login(make_user(f"u-{role}", role, tree["P"]))
        page, tools = roster_links(client)
        assert page and not tools and "roster-import" not in page


def test_staff_who_may_not_import_get_the_exports_only(client, tree):
    from django.contrib.auth.models import Permission

    user = make_user("looker", "viewer", tree["P"], is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_household"))
    client.force_login(user)
    _page, tools = roster_links(client)
    assert reverse("admin:households_household_export_layout", args=["two_sheets"]) in tools
    assert reverse("admin:households_household_roster_import") not in tools


def test_an_imports_page_links_to_the_households_it_wrote_and_no_other(
    client, officer, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(officer)

    def run(data, name):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("admin:households_household_roster_import"), {"file": SimpleUploadedFile(name, data)})
        from households.models import RosterImport

        job = RosterImport.objects.latest("pk")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("admin:households_rosterimport_confirm", args=[job.pk]))
        return job

    first = run(two_sheets(), "dau.xlsx")
    changed = two_sheets([household_row("H1"), household_row("H2", members=1, income="700.000")])
    second = run(changed, "sau.xlsx")
    page = client.get(reverse("admin:households_rosterimport_change", args=[second.pk])).content.decode()
    link = f"{reverse('households:list')}?roster_import={second.pk}"
    assert f'href="{link}"' in page

    def codes(job):
        listed = client.get(f"{reverse('households:list')}?roster_import={job.pk}").content.decode()
        return sorted(code for code in ("H1", "H2") if f">{code}</a>" in listed)

    assert codes(first) == ["H1", "H2"]
    assert codes(second) == ["H2"]  # H1 was the same in the file: not written again
    listed = client.get(link).content.decode()
    assert f"#{second.pk}" in listed and 'id="roster-import-filter"' in listed
