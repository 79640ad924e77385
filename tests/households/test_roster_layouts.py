"""What lets each roster layout come back: the survey year on the members sheet, a household of answers alone in the
layout of a row per member, a row of answers that agrees with a household recorded with its members (issue 21)."""

from households.models import Household
from households.roster import export
from households.roster.columns import INDICATOR_COLUMNS
from households.roster.service import roster_import

from .roster_files import HOUSEHOLD_HEADER, MEMBER_HEADER, household_row, member_row, two_sheets, xlsx


def counts(result):
    assert result.ok, [p.line() for p in result.problems[:10]]
    return result.new, result.changed, result.unchanged


def two_years(member_year_column=True):
    """H1 in 2022 with two members and in 2023 with one; the members sheet with or without the survey year."""
    households = [household_row("H1"), household_row("H1", year=2023, members=1)]
    members = [member_row("H1"), member_row("H1", "Lò Thị B", 12), member_row("H1", "Lò Văn A", 41)]
    if not member_year_column:
        return two_sheets(households, members)
    years = [2022, 2022, 2023]
    member_rows = [MEMBER_HEADER[:1] + ["Năm rà soát"] + MEMBER_HEADER[1:]]
    member_rows += [row[:1] + [year] + row[1:] for row, year in zip(members, years, strict=True)]
    return xlsx({"Hộ": [HOUSEHOLD_HEADER, *households], "Thành viên": member_rows})


def test_the_survey_year_on_the_members_sheet_says_which_years_household_a_member_belongs_to(tree):
    result = roster_import(two_years(), "hai-nam.xlsx")
    assert result.written, [p.line() for p in result.problems]
    names = {h.survey_year: [m.full_name for m in h.members.order_by("id")] for h in Household.objects.all()}
    assert names == {2022: ["Lò Văn A", "Lò Thị B"], 2023: ["Lò Văn A"]}


def test_without_it_a_household_code_of_several_years_is_one_located_error_naming_the_column(tree):
    result = roster_import(two_years(member_year_column=False), "hai-nam.xlsx")
    assert [p.line() for p in result.problems] == [
        "Thành viên!2, Mã hộ: hộ H1 có trong trang tính “Hộ” ở nhiều năm (2022, 2023): hãy ghi năm rà soát "
        "của từng thành viên trong cột “Năm rà soát”"
    ]
    assert not Household.objects.exists()


def test_a_member_of_a_year_the_households_sheet_lacks_is_a_located_error(tree):
    members = [MEMBER_HEADER[:1] + ["Năm rà soát"] + MEMBER_HEADER[1:], ["H2", 2021, *member_row("H2")[1:]]]
    data = xlsx({"Hộ": [HOUSEHOLD_HEADER, household_row("H2", members=1)], "Thành viên": members})
    result = roster_import(data, "x.xlsx")
    assert "Thành viên!2, Năm rà soát: hộ H2 năm 2021 không có trong trang tính “Hộ”" in [
        p.line() for p in result.problems
    ]


def test_a_row_without_a_member_is_a_household_of_answers_alone_but_beside_members_a_missing_age(tree):
    header = HOUSEHOLD_HEADER + MEMBER_HEADER[1:] + ["Thiếu hụt việc làm", "Nguồn nước sinh hoạt"]
    blank_member = [""] * (len(MEMBER_HEADER) - 1)
    alone = household_row("A1", members=3) + blank_member + ["x", "x"]
    result = roster_import(xlsx({"Danh sách": [header, alone]}), "a.xlsx")
    assert result.written, [p.line() for p in result.problems]
    stored = Household.objects.get()
    assert (stored.reported_deprivations, stored.members.count()) == (["employment", "water"], 0)
    beside = [header, household_row("H1", members=1) + member_row("H1")[1:] + ["", ""]]
    beside.append(household_row("H1", members=1) + blank_member + ["", ""])
    result = roster_import(xlsx({"Danh sách": beside}), "b.xlsx")
    assert [p.line() for p in result.problems] == ["Danh sách!3, Tuổi: bắt buộc phải có tuổi (hoặc ngày sinh)"]


def test_a_row_of_answers_over_a_household_with_members_changes_it_only_when_it_says_something_else(tree):
    assert roster_import(two_sheets(), "v1.xlsx").written
    h1 = Household.objects.get(code="H1")
    header = ["Mã hộ", "Năm rà soát", "Mã đơn vị", "Họ tên chủ hộ", "Dân tộc", "Thu nhập bình quân", "Số nhân khẩu"]
    header += [c.vi for c in INDICATOR_COLUMNS]
    own = ["H1", 2022, "C1", "Lò Văn A", "Thái", 1_200_000, 2]
    same = [*own, *export.ticked_cells(h1.deprivations)]
    assert counts(roster_import(xlsx({"DS": [header, same]}), "ds.xlsx")) == (0, 0, 1)
    more = next(name for name in h1.standard.indicator_rules if name not in h1.deprivations)
    other = [*own, *export.ticked_cells([*h1.deprivations, more])]
    assert counts(roster_import(xlsx({"DS": [header, other]}), "ds.xlsx")) == (0, 1, 0)
    h1.refresh_from_db()
    assert more in h1.reported_deprivations and not h1.members.exists()
