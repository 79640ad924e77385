import csv
import io

import pytest
from django.core.management import call_command
from django.utils import translation

from households.models import Household, Member
from households.roster import service
from households.roster.reader import UnreadableFile
from households.roster.service import roster_import
from households.services import household_save
from tests.conftest import make_user

from .roster_files import HOUSEHOLD_HEADER, MEMBER_HEADER, household_row, member_row, two_sheets, xlsx


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def lines(result):
    return [p.line() for p in result.problems]


def test_a_two_sheet_roster_is_imported_and_classified_like_a_saved_household(tree):
    result = roster_import(two_sheets(), "xa.xlsx")
    assert result.ok and result.written, lines(result)
    assert (result.layout, result.households, result.members, result.new) == ("two_sheets", 2, 3, 2)
    imported = Household.objects.get(code="H1")
    assert imported.unit == tree["C1"] and imported.ethnicity == "thai" and imported.income_per_capita == 1_200_000
    assert [m.full_name for m in imported.members.order_by("id")] == ["Lò Văn A", "Lò Thị B"]
    # the same household saved one at a time gets the same derived fields
    members = list(imported.members.order_by("id"))
    copy = Household(
        unit=tree["C1"],
        survey_year=2022,
        code="COPY",
        ethnicity="thai",
        area_type="rural",
        income_per_capita=1_200_000,
        member_count=2,
        house_class="ban_kien_co",
        nondurable_structures=1,
        floor_area_m2=30,
        water_source="drilled_well",
        latrine="septic",
        has_tv=True,
        loudspeaker_audible=True,
    )
    for m in members:
        m.pk = None
    household_save(copy, members)
    for field in (
        "classification",
        "deprivations",
        "deprivation_count",
        "deprivation_mask",
        "insured_members",
        "working_age_members",
        "has_steady_worker",
        "classification_rule",
        "standard_id",
    ):
        assert getattr(imported, field) == getattr(copy, field), field


def test_importing_the_same_file_twice_changes_nothing(tree):
    data = two_sheets()
    roster_import(data, "xa.xlsx")
    before = list(Household.objects.values_list("id", "updated_at"))
    again = roster_import(data, "xa.xlsx")
    assert (again.new, again.changed, again.unchanged, again.written) == (0, 0, 2, False)
    assert list(Household.objects.values_list("id", "updated_at")) == before
    assert Household.history.count() == 2


def test_a_corrected_file_updates_only_the_changed_household_and_says_who_changed_it(tree):
    roster_import(two_sheets(), "v1.xlsx")
    member_ids = set(Member.objects.filter(household__code="H2").values_list("id", flat=True))
    corrected = two_sheets(households=[household_row("H1", income="900.000"), household_row("H2", members=1)])
    preview = roster_import(corrected, "v2.xlsx", dry_run=True)
    assert (preview.new, preview.changed, preview.unchanged, preview.written) == (0, 1, 1, False)
    assert Household.objects.get(code="H1").income_per_capita == 1_200_000
    result = roster_import(corrected, "v2.xlsx")
    assert result.written and result.changed == 1
    assert Household.objects.get(code="H1").income_per_capita == 900_000
    assert set(Member.objects.filter(household__code="H2").values_list("id", flat=True)) == member_ids
    history = Household.objects.get(code="H1").history.order_by("history_id")
    assert [(h.history_type, h.history_change_reason) for h in history] == [
        ("+", "roster import: v1.xlsx"),
        ("~", "roster import: v2.xlsx"),
    ]


def test_a_household_saved_elsewhere_since_the_import_is_compared_in_full_and_the_file_restores_it(tree):
    data = two_sheets()
    roster_import(data, "v1.xlsx")
    edited = Household.objects.get(code="H1")
    edited.income_per_capita = 5_000_000
    household_save(edited, list(edited.members.all()))
    member = Member.objects.filter(household__code="H2").get()
    member.age = 70
    member.save()
    again = roster_import(data, "v1.xlsx")
    assert (again.new, again.changed, again.unchanged, again.written) == (0, 2, 0, True)
    assert Household.objects.get(code="H1").income_per_capita == 1_200_000
    assert Member.objects.get(household__code="H2").age != 70
    assert roster_import(data, "v1.xlsx").unchanged == 2  # and now it is the import's own again


def test_an_unchanged_file_imported_again_by_an_officer_outside_its_area_is_refused(tree):
    data = two_sheets([household_row("H1", unit="C1"), household_row("H2", unit="C2", members=1)])
    assert roster_import(data, "xa.xlsx").written
    officer = make_user("officer1", "officer", tree["D1"])
    result = roster_import(data, "xa.xlsx", user=officer)
    assert lines(result) == ["Hộ!3, Mã đơn vị: unit C2 (Commune 2) is outside your area"]


def test_the_preview_counts_classification_changes(tree):
    roster_import(
        two_sheets(households=[household_row("H1"), household_row("H2", members=1, income="5.000.000")]), "v1.xlsx"
    )
    assert Household.objects.get(code="H2").classification == "not_poor"
    poorer = two_sheets(households=[household_row("H1"), household_row("H2", members=1, income="1.000.000")])
    preview = roster_import(poorer, "v2.xlsx", dry_run=True)
    assert dict(preview.classification_changes) == {("not_poor", "near_poor"): 1}
    assert "1 from not poor to near-poor" in preview.summary_lines()


def test_headers_and_labels_match_in_any_case_without_diacritics_and_in_english(tree):
    households = [
        [
            "  MA HO ",
            "nam ra soat",
            "UNIT CODE",
            "Ho ten chu ho",
            "dân  tộc",
            "Income per capita",
            "so nhan khau",
            "LOAI NHA",
            "Floor area (m2)",
            "nguon nuoc",
            "Latrine",
        ],
        ["H1", 2022, "C1", "A", "H'Mông", 1200000, 1, "ban kien co", "30,5", "GIENG KHOAN", "septic"],
    ]
    members = [
        ["Household code", "Full name", "Age", "Sex", "Education", "Employment", "Health insurance"],
        ["H1", "A", 40, "nu", "tieu hoc", "Tự làm", "✓"],
    ]
    result = roster_import(xlsx({"Households": households, "Members": members}), "en.xlsx")
    assert result.ok, lines(result)
    stored = Household.objects.get()
    assert (stored.ethnicity, stored.house_class, str(stored.floor_area_m2), stored.latrine) == (
        "mong",
        "ban_kien_co",
        "30.5",
        "septic",
    )
    member = stored.members.get()
    assert (member.sex, member.education, member.health_insurance) == ("F", "primary", True)


def test_one_sheet_with_a_row_per_member_takes_the_household_values_of_its_first_row(tree):
    header = HOUSEHOLD_HEADER + MEMBER_HEADER[1:]
    first = household_row("H1") + member_row("H1")[1:]
    second = ["H1"] + [""] * (len(HOUSEHOLD_HEADER) - 1) + member_row("H1", "Lò Thị B", 30, "Nữ")[1:]
    result = roster_import(xlsx({"Danh sách": [header, first, second]}), "one.xlsx")
    assert result.ok, lines(result)
    assert result.layout == "member_rows"
    assert Household.objects.get().members.count() == 2


def test_member_rows_that_contradict_their_household_are_errors(tree):
    header = HOUSEHOLD_HEADER + MEMBER_HEADER[1:]
    first = household_row("H1") + member_row("H1")[1:]
    second = household_row("H1", income="2.000.000") + member_row("H1", "B", 30)[1:]
    result = roster_import(xlsx({"Danh sách": [header, first, second]}), "one.xlsx")
    assert lines(result) == [
        "Danh sách!3, Thu nhập bình quân: contradicts row 2 of the same household (“1.200.000” there, “2.000.000” here)"
    ]
    assert not Household.objects.exists()


def test_the_answers_layout_takes_ticked_deprivations(tree):
    rows = [
        [
            "STT",
            "Mã hộ",
            "Mã đơn vị",
            "Thu nhập bình quân",
            "Số nhân khẩu",
            "Việc làm",
            "Nguồn nước sinh hoạt",
            "Nhà tiêu hợp vệ sinh",
            "Sử dụng dịch vụ viễn thông",
        ],
        [1, "A1", "C1", "1.200.000", 4, "x", "x", "x", ""],
        [2, "A2", "C2", "1.200.000", 3, "", "x", "", ""],
    ]
    result = roster_import(xlsx({"DS hộ nghèo": [["DANH SÁCH HỘ NGHÈO"], rows[0], *rows[1:]]}), "ds.xlsx", year=2022)
    assert result.ok, lines(result)
    a1, a2 = Household.objects.order_by("code")
    assert (a1.classification, a1.deprivations, a1.reported_deprivations) == (
        "poor",
        ["employment", "latrine", "water"],
        ["employment", "latrine", "water"],
    )
    assert (a2.classification, a2.area_type, a2.member_count) == ("near_poor", "urban", 3)


def test_an_indicator_outside_the_standard_of_the_year_is_an_error(tree):
    rows = [
        ["Mã hộ", "Mã đơn vị", "Thu nhập bình quân", "Số nhân khẩu", "Người phụ thuộc"],
        ["A1", "C1", "600.000", 4, "x"],
    ]
    result = roster_import(xlsx({"DS": rows}), "ds.xlsx", year=2019)
    assert lines(result) == [
        "DS!2, Người phụ thuộc: the indicator “Người phụ thuộc” is not in Decision 59/2015/QĐ-TTg, "
        "the poverty standard of 2019"
    ]


def test_the_waste_indicator_of_decree_351_is_refused_in_a_2026_answers_roster(tree):
    rows = [
        [
            "Mã hộ",
            "Mã đơn vị",
            "Thu nhập bình quân",
            "Số nhân khẩu",
            "Nguồn nước sinh hoạt",
            "Thu gom, xử lý rác thải sinh hoạt",
        ],
        ["A1", "C1", "1.600.000", 4, "x", "x"],
    ]
    result = roster_import(xlsx({"DS": rows}), "ds.xlsx", year=2026)
    assert lines(result) == [
        "DS!2, Thu gom, xử lý rác thải sinh hoạt: the indicator “Thu gom, xử lý rác thải sinh hoạt” is not in "
        "Decree 07/2021/NĐ-CP, the poverty standard of 2026"
    ]
    assert not Household.objects.exists()


def test_every_error_of_a_file_is_reported_with_its_place_and_nothing_is_written(tree):
    households = [
        household_row("H1", members=3),
        household_row("H1"),
        household_row("H3", unit="ZZ"),
        household_row("H4", income="abc", members=1),
        household_row("H5", house="Lâu đài", members=1),
    ]
    members = [
        member_row("H1", age=140),
        member_row("H1", sex="X"),
        member_row("H9"),
        member_row("H4"),
        member_row("H5"),
        member_row("H3"),
        member_row("H3"),
    ]
    result = roster_import(two_sheets(households, members), "bad.xlsx")
    assert lines(result) == [
        "Hộ!2, Số nhân khẩu: says 3 members but the list has 2",
        "Hộ!3, Mã hộ: household code H1 appears twice for 2022 (first on row 2)",
        "Hộ!4, Mã đơn vị: unknown unit code ZZ",
        "Hộ!5, Thu nhập bình quân: “abc” is not a number.",
        "Hộ!6, Loại nhà: “Lâu đài” is not in the list: Kiên cố, Bán kiên cố, Thiếu kiên cố, Đơn sơ.",
        "Thành viên!2, Tuổi: must not be more than 120, got 140",
        "Thành viên!3, Giới tính: “X” is not in the list: Nam, Nữ.",
        "Thành viên!4, Mã hộ: household H9 is not on the sheet “Hộ”",
    ]
    assert not Household.objects.exists() and not Member.objects.exists()


def _split_over_two_processes(monkeypatch):
    """As a large file is: the member sheet read and half of the households checked in a forked child."""
    monkeypatch.setattr(service, "PARALLEL_FROM", 0)
    monkeypatch.setattr(service, "PARALLEL_FROM_BYTES", 0)


def test_households_another_import_recorded_meanwhile_stop_the_write_and_nothing_is_written(tree, monkeypatch):
    data = two_sheets()
    roster_import(data, "first.xlsx")
    before = sorted(Household.objects.values_list("id", "code", "updated_at"))
    # as if the compare had run before another import recorded them: the file's households now look new
    monkeypatch.setattr(service.writer, "stored_keys", lambda keys: {})
    result = roster_import(data, "second.xlsx")
    assert not result.written and lines(result) == [
        "second.xlsx: another import recorded some of these households while this one ran; nothing of this file "
        "was written: import it again"
    ]
    assert sorted(Household.objects.values_list("id", "code", "updated_at")) == before
    assert Household.history.count() == 2 and Member.objects.count() == 3


def test_a_file_split_over_two_processes_reports_the_same_located_errors(tree, monkeypatch):
    households = [
        household_row("H1", members=3),
        household_row("H2", unit="ZZ"),
        household_row("H3", income="abc"),
        household_row("H4", house="Lâu đài", members=1),
        household_row("H5", members=1),
    ]
    members = [
        member_row("H1", age=140),
        member_row("H1", sex="X"),
        member_row("H9"),
        member_row("H2"),
        member_row("H3"),
        member_row("H3", age="ba"),
        member_row("H4"),
        member_row("H5"),
    ]
    data = two_sheets(households, members)
    in_one = roster_import(data, "bad.xlsx")
    _split_over_two_processes(monkeypatch)
    in_two = roster_import(data, "bad.xlsx")
    assert (
        lines(in_two)
        == lines(in_one)
        == [
            "Hộ!2, Số nhân khẩu: says 3 members but the list has 2",
            "Hộ!3, Mã đơn vị: unknown unit code ZZ",
            "Hộ!3, Số nhân khẩu: says 2 members but the list has 1",
            "Hộ!4, Thu nhập bình quân: “abc” is not a number.",
            "Hộ!5, Loại nhà: “Lâu đài” is not in the list: Kiên cố, Bán kiên cố, Thiếu kiên cố, Đơn sơ.",
            "Thành viên!2, Tuổi: must not be more than 120, got 140",
            "Thành viên!3, Giới tính: “X” is not in the list: Nam, Nữ.",
            "Thành viên!4, Mã hộ: household H9 is not on the sheet “Hộ”",
            "Thành viên!7, Tuổi: “ba” is not a number.",
        ]
    )
    assert not Household.objects.exists()


def test_a_file_split_over_two_processes_is_imported_then_found_unchanged(tree, monkeypatch):
    _split_over_two_processes(monkeypatch)
    data = two_sheets(
        [household_row(f"H{i}", members=1) for i in range(5)], [member_row(f"H{i}", age=20 + i) for i in range(5)]
    )
    first = roster_import(data, "xa.xlsx")
    assert (first.written, first.new, first.members) == (True, 5, 5), lines(first)
    assert sorted(Member.objects.values_list("household__code", "age")) == [(f"H{i}", 20 + i) for i in range(5)]
    again = roster_import(data, "xa.xlsx")
    assert (again.written, again.unchanged, again.changed) == (False, 5, 0)


def test_a_household_without_members_or_answers_is_an_error(tree):
    result = roster_import(two_sheets([household_row("H1")], [member_row("H2")]), "x.xlsx")
    assert "Hộ!2: needs a list of deprivation indicators, or member and dwelling data" in lines(result)


def test_an_officer_imports_only_into_their_own_area(tree):
    officer = make_user("officer1", "officer", tree["D1"])
    households = [household_row("H1", unit="C1"), household_row("H2", unit="C2", members=1)]
    result = roster_import(two_sheets(households), "xa.xlsx", user=officer)
    assert lines(result) == ["Hộ!3, Mã đơn vị: unit C2 (Commune 2) is outside your area"]
    assert roster_import(
        two_sheets([household_row("H1")], [member_row("H1"), member_row("H1", age=10)]), "ok.xlsx", user=officer
    ).written


def test_an_officer_cannot_overwrite_a_household_recorded_in_another_area(tree):
    roster_import(two_sheets([household_row("H1", unit="C2")], [member_row("H1"), member_row("H1", age=9)]), "a.xlsx")
    officer = make_user("officer1", "officer", tree["D1"])
    result = roster_import(
        two_sheets([household_row("H1")], [member_row("H1"), member_row("H1", age=9)]), "b.xlsx", user=officer
    )
    assert lines(result) == ["Hộ!2, Mã hộ: household H1 of 2022 is already recorded in a unit outside your area"]
    assert Household.objects.get().unit == tree["C2"]


def test_a_csv_roster_in_the_answers_layout_is_imported(tree):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Mã hộ", "Năm rà soát", "Mã đơn vị", "Thu nhập bình quân", "Số nhân khẩu", "Nguồn nước sinh hoạt"])
    writer.writerow(["A1", "2022", "C1", "1.500.000", "2", "x"])
    result = roster_import(buffer.getvalue().encode("utf-8-sig"), "ds.csv")
    assert result.ok and result.written, lines(result)
    assert Household.objects.get().deprivations == ["water"]


def test_a_date_of_birth_gives_the_age_on_the_reference_date(tree):
    members = [
        ["Mã hộ", "Họ tên", "Ngày sinh", "Giới tính", "Trình độ học vấn", "Việc làm"],
        ["H1", "A", "02/10/1982", "Nam", "THPT", "Tự làm"],
    ]
    data = xlsx({"Hộ": [HOUSEHOLD_HEADER, household_row("H1", members=1)], "Thành viên": members})
    assert roster_import(data, "dob.xlsx").ok
    assert Member.objects.get().age == 39  # turns 40 the day after 1 October 2022


def test_a_recompute_follows_the_import_once(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        roster_import(two_sheets(), "xa.xlsx")
    assert len(callbacks) == 1


def test_the_command_prints_located_errors_and_exits_1(tree, tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(two_sheets([household_row("H1", unit="ZZ")], [member_row("H1"), member_row("H1")]))
    with pytest.raises(SystemExit) as exit_:
        call_command("import_roster", str(path), "--dry-run")
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert "Hộ!2, Mã đơn vị: không có mã đơn vị ZZ" in out or "Hộ!2, Mã đơn vị: unknown unit code ZZ" in out


def test_the_command_dry_run_writes_nothing_and_exits_0_then_imports(tree, tmp_path, capsys):
    path = tmp_path / "ok.xlsx"
    path.write_bytes(two_sheets())
    call_command("import_roster", str(path), "--dry-run")
    assert not Household.objects.exists()
    call_command("import_roster", str(path))
    assert Household.objects.count() == 2


def test_the_command_exits_2_on_an_unreadable_file(tree, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("hello")
    with pytest.raises(SystemExit) as exit_:
        call_command("import_roster", str(path))
    assert exit_.value.code == 2


def test_an_unreadable_file_raises_before_anything_is_written(tree):
    with pytest.raises(UnreadableFile):
        roster_import(b"PK\x03\x04garbage", "x.xlsx")


@pytest.mark.django_db(transaction=True)
def test_an_import_refreshes_the_planner_statistics_of_the_tables_it_filled(tree):
    """With autovacuum behind, a dashboard's query over fresh history rows was planned on stale statistics."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner statistics")
    from households.models import Household

    tables = [Household._meta.db_table, Household.history.model._meta.db_table]

    def analyses():
        with connection.cursor() as cursor:
            cursor.execute("SELECT relname, analyze_count FROM pg_stat_user_tables WHERE relname = ANY(%s)", [tables])
            return dict(cursor.fetchall())

    before = analyses()
    assert roster_import(two_sheets(), "xa.xlsx").written
    after = analyses()
    assert all(after[table] > before.get(table, 0) for table in tables)
