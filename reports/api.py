"""`GET /api/v1/reports/review/`: the year-end review tables as JSON (registered in povertyplan/api.py)."""

from ninja import Router, Schema
from ninja.errors import HttpError

from . import present, selectors

router = Router(tags=["reports"])


class ColumnOut(Schema):
    key: str
    label: str
    group: str
    subgroup: str
    kind: str


class RowOut(Schema):
    kind: str
    number: str
    label: str
    unit_code: str | None
    area_type: str | None
    values: dict[str, int | float | None]


class TableOut(Schema):
    code: str
    title: str
    columns: list[ColumnOut]
    rows: list[RowOut]
    notes: list[str]


class ReviewOut(Schema):
    unit_code: str
    unit: str
    year: int
    standard: str
    previous_standard: str | None
    comparable: bool
    notice: str
    tables: list[TableOut]


@router.get(
    "/review/",
    response=ReviewOut,
    summary="Year-end review report: tables T1–T5 of a unit",
    description="The official summary tables of the annual review (Decision 24/2021/QĐ-TTg Art. 7) for a "
    "unit the user may see and a survey year: T1 poor and T2 near-poor households (start of the "
    "year, escaped, fallen back, newly, end of the year), T3 the multidimensional poverty rate, "
    "T4 ethnic-minority households, T5 deprivation by indicator. A row per unit one level down "
    "under urban and rural, and a total row. Counts are integers; rates are percents of the "
    "row's total resident households unless the column says otherwise. `comparable` is false "
    "when last year's review used another standard or is missing: start-of-year and movement "
    "values are then null and `notice` says why.",
)
def review_report(request, unit: str, year: int):
    place = selectors.get_unit_for_user(request.user, unit)
    report = selectors.review_report(place, year)
    if report is None:
        raise HttpError(404, f"No poverty standard covers {year}.")
    return present.report_data(report)
