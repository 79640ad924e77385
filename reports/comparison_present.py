"""A reports.comparison.Comparison as the page shows it (Vietnamese numbers, links to the households behind each
cell, a Plotly Sankey), as the API answers it, and as an .xlsx. A count resting on a share of an old unit's
households (today's boundaries) keeps its tenths, is marked estimated and links nowhere (the household list shows
whole households), as in the year-end report."""

import functools
import io
from urllib.parse import urlencode

from django.urls import get_script_prefix
from django.utils.text import slugify
from django.utils.translation import gettext, pgettext

from povertyplan import display
from povertyplan.cells import safe
from targets.charts import BLUE, GREY, ORANGE, SKY, VERMILLION, _layout

from . import comparison as c
from .present import household_list_url, json_number

COLOURS = {
    c.POOR: VERMILLION,
    c.NEAR_POOR: ORANGE,
    c.MIDDLE: SKY,
    c.NOT_POOR: BLUE,
    c.INCOMPLETE: GREY,
    c.MISSING: "#d0d5dd",
}


def label(group: str) -> str:
    return str(c.GROUP_LABELS[group])


def _own_filter(group: str) -> dict:
    if group == c.INCOMPLETE:
        return {"incomplete": "yes"}
    return {"classification": group, **({"incomplete": "no"} if group == c.NEAR_POOR else {})}


def households_url(report: c.Comparison, unit_code: str, own: str | None = None, other: str | None = None) -> str:
    """The household list filtered to the households of a cell: the unit (and below), the year, the group under
    their own standard and the group under the other one; in today's boundaries of a redrawn unit, with the old
    units' households mapped into it."""
    params = {"unit": unit_code, "year": report.year}
    if own:
        params.update(_own_filter(own))
    if other:
        params.update(compare_standard=report.other.code, compare_class=other)
    if report.boundaries == c.CURRENT and report.redrawn:
        params["boundaries"] = c.CURRENT
    return f"{_list_url(get_script_prefix())}?{urlencode(params)}"


def count(households) -> str:
    """Households: a whole number, or with its tenth when a share left it fractional (12,4)."""
    return display.number(households, 1)


def estimated_note(report: c.Comparison) -> str:
    """The note under each table on estimated figures, naming the rows one level down; empty when none is."""
    if not report.estimated:
        return ""
    names = [row.place.name for row in report.rows if row.estimated] or [report.unit.name]
    return gettext("Estimated (%(which)s): an old unit's households shared out by the succession table's shares.") % {
        "which": ", ".join(names)
    }


@functools.cache
def _list_url(prefix: str) -> str:
    """Reversed once per script prefix: the page links ~90 cells (30 ms of reverse() on a loaded machine)."""
    return household_list_url()


def _cell(report, households, total, href: str | None, shown: bool = True, estimated: bool = False) -> dict:
    if not shown:
        return {"text": str(c.BAND_NOT_SET), "rate": "", "href": None, "not_set": True}
    return {
        "text": count(households),
        "rate": display.percent(c.rate(households, total), fixed=True),
        "href": href if households and not estimated else None,
        "estimated": estimated,
    }


def summary(report: c.Comparison) -> list[dict]:
    """A row per group: households and rate under each standard, and the change."""
    rows = []
    total, code = report.counts.total, report.unit.code
    for group in (*c.GROUPS, c.MISSING):
        own_n = report.counts.own.get(group)
        other_n = report.counts.other[group]
        if group == c.MISSING and not other_n:
            continue
        own_shown, other_shown = c.shown(report.own, group), c.shown(report.other, group)
        change = other_n - own_n if own_n is not None and own_shown and other_shown else None
        own_estimated = group in report.counts.estimated_own
        other_estimated = group in report.counts.estimated_other
        rows.append(
            {
                "group": group,
                "label": label(group),
                "apart": group in (c.INCOMPLETE, c.MISSING),
                "estimated": own_estimated or other_estimated,
                "own": None
                if own_n is None
                else _cell(report, own_n, total, households_url(report, code, own=group), own_shown, own_estimated),
                "other": _cell(
                    report, other_n, total, households_url(report, code, other=group), other_shown, other_estimated
                ),
                "change": None if change is None else display.signed(change, 1),
                "points": None if change is None or not total else display.signed(c.rate(change, total), 2, fixed=True),
            }
        )
    return rows


def movement_table(report: c.Comparison) -> dict:
    columns = [g for g in (*c.GROUPS, c.MISSING) if g != c.MISSING or report.missing]
    rows = []
    for own in c.GROUPS:
        if not c.shown(report.own, own) and not report.counts.own[own]:
            continue
        cells = []
        for other in columns:
            n = report.movement[own, other]
            estimated = (own, other) in report.estimated_moves
            cells.append(
                {
                    "text": count(n) if n or c.shown(report.other, other) else str(c.BAND_NOT_SET),
                    "href": households_url(report, report.unit.code, own, other) if n and not estimated else None,
                    "same": own == other,
                    "estimated": estimated,
                }
            )
        rows.append(
            {
                "label": label(own),
                "cells": cells,
                "total": count(report.counts.own[own]),
                "estimated": own in report.counts.estimated_own,
            }
        )
    return {"columns": [label(g) for g in columns], "rows": rows}


UNIT_COLUMNS = (c.POOR, c.NEAR_POOR, c.INCOMPLETE)


def _unit_cells(report: c.Comparison, row: c.Row, side: str) -> list[dict]:
    groups = row.counts.own if side == "own" else row.counts.other
    return [
        _cell(
            report,
            groups[g],
            row.counts.total,
            None if row.direct else households_url(report, row.place.code, **{side: g}),
            estimated=g in (row.counts.estimated_own if side == "own" else row.counts.estimated_other),
        )
        for g in UNIT_COLUMNS
    ]


def unit_rows(report: c.Comparison) -> list[dict]:
    """A row per unit one level down: households; poor, near-poor and incomplete under each standard; the change
    of the poor rate in points."""
    rows = []
    for row in report.rows:
        counts = row.counts
        points = c.rate(counts.other[c.POOR] - counts.own[c.POOR], counts.total)
        rows.append(
            {
                "place": row.place,
                "direct": row.direct,
                "moved": row.moved,
                "estimated": row.estimated,
                "total": count(counts.total),
                "own": _unit_cells(report, row, "own"),
                "other": _unit_cells(report, row, "other"),
                "missing": count(counts.other[c.MISSING]),
                "points": display.signed(points, 2, fixed=True) if points is not None else display.EMPTY,
            }
        )
    return rows


def sankey(report: c.Comparison) -> dict:
    """Households from their group under their year's standard (left) to their group under the other (right)."""
    moves = report.moves()
    left = [g for g in c.GROUPS if any(m[0] == g for m in moves)]
    right = [g for g in (*c.GROUPS, c.MISSING) if any(m[1] == g for m in moves)]
    labels = [f"{label(g)} ({count(report.counts.own[g])})" for g in left]
    labels += [f"{label(g)} ({count(report.counts.other[g])})" for g in right]

    def colour(own, other):
        if own == other:
            return "rgba(138,143,152,0.3)"
        if other == c.POOR:
            return "rgba(213,94,0,0.55)"
        if own == c.POOR:
            return "rgba(0,158,115,0.55)"
        return "rgba(0,114,178,0.35)"

    return {
        "data": [
            {
                "type": "sankey",
                "arrangement": "snap",
                "valueformat": ",.1~f",
                "node": {
                    "label": labels,
                    "color": [COLOURS[g] for g in left] + [COLOURS[g] for g in right],
                    "pad": 14,
                    "thickness": 16,
                    "line": {"color": "#444", "width": 0.5},
                    "hovertemplate": "%{label}<extra></extra>",
                },
                "link": {
                    "source": [left.index(m[0]) for m in moves],
                    "target": [len(left) + right.index(m[1]) for m in moves],
                    "value": [json_number(m[2], "count") for m in moves],
                    "color": [colour(m[0], m[1]) for m in moves],
                    "customdata": [
                        f"{label(m[0])} ({report.own.name}) → {label(m[1])} ({report.other.name}): "
                        f"{count(m[2])}" + pgettext("standards comparison", " households")
                        for m in moves
                    ],
                    "hovertemplate": "%{customdata}<extra></extra>",
                },
            }
        ],
        "layout": _layout(
            "",
            height=460,
            margin={"l": 10, "r": 10, "t": 34, "b": 10},
            annotations=[
                {
                    "text": f"<b>{name.split(' ')[-1]}</b>",  # "07/2021/NĐ-CP": both fit on a phone
                    "x": x,
                    "y": 1.0,
                    "xref": "paper",
                    "yref": "paper",
                    "yanchor": "bottom",
                    "xanchor": anchor,
                    "showarrow": False,
                }
                for name, x, anchor in ((report.own.name, 0, "left"), (report.other.name, 1, "right"))
            ],
        ),
    }


# -- the API ------------------------------------------------------------------------------------------------------


def _counts_data(report: c.Comparison, counts: c.Counts) -> dict:
    def side(standard, groups, keys, estimated):
        return {
            g: None
            if not c.shown(standard, g)
            else {
                "households": json_number(groups[g], "count"),
                "rate": float(r) if (r := c.rate(groups[g], counts.total)) is not None else None,
                "estimated": g in estimated,
            }
            for g in keys
        }

    return {
        "households": json_number(counts.total, "count"),
        "estimated": counts.estimated,
        "own": side(report.own, counts.own, c.GROUPS, counts.estimated_own),
        "other": side(report.other, counts.other, (*c.GROUPS, c.MISSING), counts.estimated_other),
    }


def data(report: c.Comparison, state: str, rescored_at) -> dict:
    return {
        "unit_code": report.unit.code,
        "unit": report.unit.name,
        "year": report.year,
        "standard": report.own.code,
        "compare_standard": report.other.code,
        "boundaries": report.boundaries,
        "estimated": report.estimated,
        "middle_band": {"standard": report.own.middle_band, "compare_standard": report.other.middle_band},
        "state": state,
        "rescored_at": rescored_at,
        "totals": _counts_data(report, report.counts),
        "movement": [
            {"from": a, "to": b, "households": json_number(n, "count"), "estimated": (a, b) in report.estimated_moves}
            for a, b, n in report.moves()
        ],
        "units": [
            {
                "unit_code": None if row.direct else row.place.code,
                "unit": row.place.name,
                **_counts_data(report, row.counts),
            }
            for row in report.rows
        ],
    }


# -- the .xlsx ----------------------------------------------------------------------------------------------------


def filename(report: c.Comparison) -> str:
    return f"so-sanh-chuan-{slugify(report.unit.code)}-{report.year}-{slugify(report.other.code)}.xlsx"


def workbook_bytes(report: c.Comparison) -> bytes:
    """Three sheets (by group, movement, by unit), each titled with the unit, the year, the two standards and the
    boundaries; an estimated row says so in its label and the note under the sheet names them."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from targets.dashboards import boundaries_label

    book = Workbook()
    title = pgettext("standards comparison", "%(unit)s, review %(year)s: %(own)s and %(other)s") % {
        "unit": report.unit.name,
        "year": report.year,
        "own": report.own.name,
        "other": report.other.name,
    }
    title = f"{title} · {gettext('Figures')} {boundaries_label(report.boundaries)}"
    not_set = str(c.BAND_NOT_SET)
    marked = f" ({gettext('estimated')})"
    note = estimated_note(report)

    def sheet(name, header, rows, rates=()):
        """`rates`: the columns (from 0) of percents; other numbers are households."""
        ws = book.create_sheet(name[:31])
        ws.append([safe(title)])
        ws["A1"].font = Font(bold=True)
        ws.append([safe(h) for h in header])
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(
                [safe(json_number(v, "count") if i not in rates and _is_count(v) else v) for i, v in enumerate(row)]
            )
            for i, cell in enumerate(ws[ws.max_row]):
                if i in rates and isinstance(cell.value, float):
                    cell.number_format = "0.00"
                elif isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    cell.number_format = "#,##0" if cell.value == int(cell.value) else "#,##0.0"
        if note and any(str(row[0]).endswith(marked) for row in rows):
            ws.append([])
            ws.append([safe(note)])
        ws.column_dimensions["A"].width = 28
        ws.freeze_panes = "B3"
        return ws

    def pair(standard, groups, g, total):
        if not c.shown(standard, g):
            return [not_set, not_set]
        r = c.rate(groups[g], total)
        return [groups[g], float(r) if r is not None else None]

    def named(text, estimated):
        return f"{text}{marked}" if estimated else text

    total = report.counts.total
    households, percent = pgettext("standards comparison", "households"), "%"
    counts = report.counts
    sheet(
        pgettext("standards comparison", "By group"),
        [
            pgettext("standards comparison", "Group"),
            f"{report.own.name}: {households}",
            f"{report.own.name}: {percent}",
            f"{report.other.name}: {households}",
            f"{report.other.name}: {percent}",
        ],
        [
            [
                named(label(g), g in counts.estimated_own or g in counts.estimated_other),
                *(pair(report.own, counts.own, g, total) if g in c.GROUPS else ["", ""]),
                *pair(report.other, counts.other, g, total),
            ]
            for g in (*c.GROUPS, c.MISSING)
        ],
        rates=(2, 4),
    )
    others = [g for g in (*c.GROUPS, c.MISSING)]
    sheet(
        pgettext("standards comparison", "Movement"),
        [f"{report.own.name} → {report.other.name}", *(label(g) for g in others)],
        [[named(label(a), a in counts.estimated_own), *(report.movement[a, b] for b in others)] for a in c.GROUPS],
    )
    unit_header = [pgettext("standards comparison", "Unit"), pgettext("standards comparison", "Households")]
    for name in (report.own.name, report.other.name):
        unit_header += [f"{name}: {label(g)}" for g in UNIT_COLUMNS]
    unit_header.append(label(c.MISSING))
    sheet(
        pgettext("standards comparison", "By unit"),
        unit_header,
        [
            [
                named(row.place.name, row.estimated),
                row.counts.total,
                *(row.counts.own[g] for g in UNIT_COLUMNS),
                *(row.counts.other[g] for g in UNIT_COLUMNS),
                row.counts.other[c.MISSING],
            ]
            for row in report.rows
        ],
    )
    book.remove(book.worksheets[0])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _is_count(value) -> bool:
    from decimal import Decimal

    return isinstance(value, int | Decimal) and not isinstance(value, bool)
