"""Turns a review.Report into what a page shows: formatted Vietnamese numbers and household-list links."""

from decimal import Decimal
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format

from . import review

DASH = "—"


def household_list_url() -> str:
    try:
        return reverse("households:list")
    except NoReverseMatch:  # the household list (entry pages) is not installed yet
        return "/households/"


def format_value(value, kind: str) -> str:
    """18,66 · 13.000 · +3 · −1,25: Vietnamese separators from the active language's formats."""
    if value is None:
        return DASH
    if kind in (review.COUNT, review.SIGNED):
        text = number_format(value, 0, force_grouping=True)
        return f"+{text}" if kind == review.SIGNED and value > 0 else text.replace("-", "−")
    text = number_format(Decimal(value).quantize(Decimal("0.01")), 2, force_grouping=True)
    if kind == review.POINTS and value > 0:
        return f"+{text}"
    return text.replace("-", "−")


def cell_link(base: str, report: review.Report, row: review.Row, column: review.Column, value) -> str | None:
    if column.link is None or not row.linkable or not value:
        return None
    params = {"unit": row.unit_code, "year": report.year - 1 if column.previous_year else report.year}
    if row.area_type:
        params["area_type"] = row.area_type
    link = dict(column.link)
    if report.under_next_standard:  # the classes and deprivations are those stored under the next standard
        link = {("compare_" + _UNDER_NEXT.get(k, k) if k in _UNDER_NEXT else k): v for k, v in link.items()}
        params["compare_standard"] = report.standard
    params.update(link)
    return f"{base}?{urlencode(params)}"


# A report read under the next period's standard links to the households by their classification under it.
_UNDER_NEXT = {"classification": "class", "deprivation": "deprivation"}


def table_view(report: review.Report, table: review.Table, base: str) -> dict:
    rows = []
    for row in table.rows:
        cells = []
        for column in table.columns:
            value = row.values.get(column.key)
            cells.append(
                {
                    "text": format_value(value, column.kind),
                    "href": cell_link(base, report, row, column, value),
                    "kind": column.kind,
                }
            )
        rows.append({"row": row, "cells": cells})
    return {"table": table, "header": review.header_rows(table.columns), "rows": rows}


def report_view(report: review.Report) -> list[dict]:
    base = household_list_url()
    return [table_view(report, table, base) for table in report.tables]


def report_data(report: review.Report) -> dict:
    """The tables as plain JSON values: counts as integers, rates as percents rounded to 4 places."""

    def number(value, kind):
        if value is None:
            return None
        return value if kind in (review.COUNT, review.SIGNED) else round(float(value), 4)

    return {
        "unit_code": report.unit.code,
        "unit": report.unit.name,
        "year": report.year,
        "standard": report.standard,
        "previous_standard": report.previous_standard,
        "comparable": report.comparable,
        "notice": str(report.notice),
        "tables": [
            {
                "code": table.code,
                "title": str(table.title),
                "columns": [
                    {
                        "key": c.key,
                        "label": str(c.label),
                        "group": str(c.group),
                        "subgroup": str(c.subgroup),
                        "kind": c.kind,
                    }
                    for c in table.columns
                ],
                "rows": [
                    {
                        "kind": row.kind,
                        "number": row.number,
                        "label": str(row.label),
                        "unit_code": row.unit_code,
                        "area_type": row.area_type,
                        "values": {c.key: number(row.values.get(c.key), c.kind) for c in table.columns},
                    }
                    for row in table.rows
                ],
                "notes": [str(note) for note in table.notes],
            }
            for table in report.tables
        ],
    }
