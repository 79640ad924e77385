"""`GET /api/v1/reports/review/`: the year-end review tables as JSON (registered in povertyplan/api.py)."""

from datetime import datetime
from typing import Any, Literal

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
    estimated: bool
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
    boundaries: str
    estimated: bool
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
    "values are then null and `notice` says why. In a period's last year (2021, 2026) `standard` (a code) reads "
    "the year's households under the next period's standard, whose baseline that review fixes (default: the "
    "year's own standard). `boundaries=current` (the default for a unit in force today) gives a row per unit in "
    "force today (theo địa giới 2025), the counts of the old units the succession table maps into each summed and "
    "rates computed after summing; a row that a count shared out by the table's shares (not a village that moved "
    "whole) reached is `estimated` (its counts may have 2 decimals). `boundaries=recorded` (the only view of a unit "
    "that ceased) gives the units that served the review, as filed (theo địa giới khi rà soát).",
)
def review_report(
    request, unit: str, year: int, standard: str = "", boundaries: Literal["current", "recorded"] | None = None
):
    place = selectors.get_unit_for_user(request.user, unit)
    report = selectors.review_report(place, year, standard, boundaries)
    if report is None:
        raise HttpError(
            404, f"No poverty standard {standard} for {year}." if standard else f"No poverty standard covers {year}."
        )
    return present.report_data(report)


class StandardsComparisonOut(Schema):
    unit_code: str
    unit: str
    year: int
    standard: str
    compare_standard: str
    boundaries: str
    estimated: bool
    middle_band: dict[str, bool]
    state: str
    rescored_at: datetime | None
    totals: dict[str, Any]
    movement: list[dict[str, Any]]
    units: list[dict[str, Any]]


@router.get(
    "/standards/",
    response=StandardsComparisonOut,
    summary="What another standard changes: a unit's households under two standards",
    description="The households of a unit the user may see, in a review year (the latest with households by "
    "default), under the standard of their year (`standard`) and under another (`compare_standard`; the next "
    "period's by default), from their stored classifications. `totals` and each of `units` (one level down; "
    "`unit_code` null for households recorded at the unit itself) count households by group under each: "
    "`poor`, `near_poor`, `middle`, `not_poor`, `incomplete` (classification missing answers, counted apart) and, "
    "under the other standard, `missing` (not re-scored yet); each as `households` and `rate` (percent of the "
    "place's households), or null for `middle` under a standard with no medium band. `movement` lists the "
    "households from each group to each other. `state`: `fresh`, `unverified` (stored as households were saved, "
    "the province never re-scored as a whole), `stale`, `partial` or `none`. `boundaries=current` (the default for "
    "a unit in force today) reads a review year in today's units (theo địa giới 2025): the kept counts of the old "
    "units the succession table maps into each, summed, rates computed after summing; `year` may then be a year of "
    "those old units (Cần Thơ 2020: Sóc Trăng's households). A count shared out by the table's shares (not a village "
    "that moved whole) is `estimated` (each group, total, movement and unit says so; its households may have 2 "
    "decimals). `boundaries=recorded` (the only view of a unit that ceased) gives the units that served the review, "
    "as filed (theo địa giới khi rà soát).",
)
def standards_comparison(
    request,
    unit: str,
    year: int | None = None,
    standard: str | None = None,
    boundaries: Literal["current", "recorded"] | None = None,
):
    from django.http import QueryDict

    from . import comparison_present
    from .views import _comparison

    params = QueryDict(mutable=True)
    asked = {"unit": unit, "year": year, "standard": standard, "boundaries": boundaries}
    params.update({k: str(v) for k, v in asked.items() if v is not None})
    found = _comparison(request, params)
    if found["report"] is None:
        raise HttpError(404, "Nothing to compare: no household, or no other standard.")
    done = found["done"]
    return comparison_present.data(found["report"], found["state"], done.finished_at if done else None)
