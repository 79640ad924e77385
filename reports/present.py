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
        # a count shared out by the succession table's shares keeps its tenths: 12,4 households, marked estimated
        places = 0 if value == int(value) else 1
        text = number_format(Decimal(value).quantize(Decimal(1).scaleb(-places)), places, force_grouping=True)
        return f"+{text}" if kind == review.SIGNED and value > 0 else text.replace("-", "−")
    text = number_format(Decimal(value).quantize(Decimal("0.01")), 2, force_grouping=True)
    if kind == review.POINTS and value > 0:
        return f"+{text}"
    return text.replace("-", "−")


def cell_link(base: str, report: review.Report, row: review.Row, column: review.Column, value) -> str | None:
    # an estimated count is a share of households the list would show whole: it links nowhere
    if column.link is None or not row.linkable or not value or row.estimated:
        return None
    params = {"unit": row.unit_code, "year": report.year - 1 if column.previous_year else report.year}
    if row.area_type:
        params["area_type"] = row.area_type
    if report.boundaries == review.CURRENT and report.redrawn:  # with the old units' households mapped into it
        params["boundaries"] = review.CURRENT
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


def json_number(value, kind: str):
    """Counts as integers (an estimated count that a share left fractional: to 2 places), rates as percents
    rounded to 4 places."""
    if value is None:
        return None
    if kind in (review.COUNT, review.SIGNED):
        return int(value) if value == int(value) else round(float(value), 2)
    return round(float(value), 4)


def report_data(report: review.Report) -> dict:
    """The tables as plain JSON values (json_number); `boundaries` and each row's `estimated`."""
    number = json_number

    return {
        "unit_code": report.unit.code,
        "unit": report.unit.name,
        "year": report.year,
        "standard": report.standard,
        "previous_standard": report.previous_standard,
        "comparable": report.comparable,
        "notice": str(report.notice),
        "boundaries": report.boundaries,
        "estimated": report.estimated,
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
                        "estimated": row.estimated,
                        "values": {c.key: number(row.values.get(c.key), c.kind) for c in table.columns},
                    }
                    for row in table.rows
                ],
                "notes": [str(note) for note in table.notes],
            }
            for table in report.tables
        ],
    }


def estimated_rows(report: review.Report) -> list[str]:
    """The names of the unit rows a shared-out count reached, once each, in the order of the first table."""
    names = []
    for row in report.tables[0].rows if report.tables else []:
        if row.kind == "unit" and row.estimated and str(row.label) not in names:
            names.append(str(row.label))
    return names


def estimated_note(report: review.Report) -> str:
    """The dashboards' note on estimated figures, naming the rows; empty when none is."""
    from django.utils.translation import gettext

    names = estimated_rows(report)
    if not names:
        return ""
    return gettext("Estimated (%(which)s): an old unit's households shared out by the succession table's shares.") % {
        "which": ", ".join(names)
    }
