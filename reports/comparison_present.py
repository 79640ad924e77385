"""A reports.comparison.Comparison as the page shows it (Vietnamese numbers, links to the households behind each
cell, a Plotly Sankey), as the API answers it, and as an .xlsx."""

import functools
import io
from urllib.parse import urlencode

from django.urls import get_script_prefix
from django.utils.text import slugify
from django.utils.translation import pgettext

from povertyplan import display
from povertyplan.cells import safe
from targets.charts import BLUE, GREY, ORANGE, SKY, VERMILLION, _layout

from . import comparison as c
from .present import household_list_url

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
    their own standard and the group under the other one."""
    params = {"unit": unit_code, "year": report.year}
    if own:
        params.update(_own_filter(own))
    if other:
        params.update(compare_standard=report.other.code, compare_class=other)
    return f"{_list_url(get_script_prefix())}?{urlencode(params)}"


@functools.cache
def _list_url(prefix: str) -> str:
    """Reversed once per script prefix: the page links ~90 cells (30 ms of reverse() on a loaded machine)."""
    return household_list_url()


def _cell(report, households: int, total: int, href: str | None, shown: bool = True) -> dict:
    if not shown:
        return {"text": str(c.BAND_NOT_SET), "rate": "", "href": None, "not_set": True}
    return {
        "text": display.number(households, 0),
        "rate": display.percent(c.rate(households, total), fixed=True),
        "href": href if households else None,
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
        rows.append(
            {
                "group": group,
                "label": label(group),
                "apart": group in (c.INCOMPLETE, c.MISSING),
                "own": None
                if own_n is None
                else _cell(report, own_n, total, households_url(report, code, own=group), own_shown),
                "other": _cell(report, other_n, total, households_url(report, code, other=group), other_shown),
                "change": None if change is None else display.signed(change, 0),
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
            cells.append(
                {
                    "text": display.number(n, 0) if n or c.shown(report.other, other) else str(c.BAND_NOT_SET),
                    "href": households_url(report, report.unit.code, own, other) if n else None,
                    "same": own == other,
                }
            )
        rows.append({"label": label(own), "cells": cells, "total": display.number(report.counts.own[own], 0)})
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
                "total": display.number(counts.total, 0),
                "own": _unit_cells(report, row, "own"),
                "other": _unit_cells(report, row, "other"),
                "missing": display.number(counts.other[c.MISSING], 0),
                "points": display.signed(points, 2, fixed=True) if points is not None else display.EMPTY,
            }
        )
    return rows


def sankey(report: c.Comparison) -> dict:
    """Households from their group under their year's standard (left) to their group under the other (right)."""
    moves = report.moves()
    left = [g for g in c.GROUPS if any(m[0] == g for m in moves)]
    right = [g for g in (*c.GROUPS, c.MISSING) if any(m[1] == g for m in moves)]
    labels = [f"{label(g)} ({display.number(report.counts.own[g], 0)})" for g in left]
    labels += [f"{label(g)} ({display.number(report.counts.other[g], 0)})" for g in right]

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
                "valueformat": ",d",
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
                    "value": [m[2] for m in moves],
                    "color": [colour(m[0], m[1]) for m in moves],
                    "customdata": [
                        f"{label(m[0])} ({report.own.name}) → {label(m[1])} ({report.other.name}): "
                        f"{display.number(m[2], 0)}" + pgettext("standards comparison", " households")
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
    def side(standard, groups, keys):
        return {
            g: None
            if not c.shown(standard, g)
            else {
                "households": groups[g],
                "rate": float(r) if (r := c.rate(groups[g], counts.total)) is not None else None,
            }
            for g in keys
        }

    return {
        "households": counts.total,
        "own": side(report.own, counts.own, c.GROUPS),
        "other": side(report.other, counts.other, (*c.GROUPS, c.MISSING)),
    }


def data(report: c.Comparison, state: str, rescored_at) -> dict:
    return {
        "unit_code": report.unit.code,
        "unit": report.unit.name,
        "year": report.year,
        "standard": report.own.code,
        "compare_standard": report.other.code,
        "middle_band": {"standard": report.own.middle_band, "compare_standard": report.other.middle_band},
        "state": state,
        "rescored_at": rescored_at,
        "totals": _counts_data(report, report.counts),
        "movement": [{"from": a, "to": b, "households": n} for a, b, n in report.moves()],
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
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    title = pgettext("standards comparison", "%(unit)s, review %(year)s: %(own)s and %(other)s") % {
        "unit": report.unit.name,
        "year": report.year,
        "own": report.own.name,
        "other": report.other.name,
    }
    not_set = str(c.BAND_NOT_SET)

    def sheet(name, header, rows):
        ws = book.create_sheet(name[:31])
        ws.append([safe(title)])
        ws["A1"].font = Font(bold=True)
        ws.append([safe(h) for h in header])
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([safe(v) for v in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, float):
                    cell.number_format = "0.00"
                elif isinstance(cell.value, int):
                    cell.number_format = "#,##0"
        ws.column_dimensions["A"].width = 28
        ws.freeze_panes = "B3"
        return ws

    def pair(standard, groups, g, total):
        if not c.shown(standard, g):
            return [not_set, not_set]
        r = c.rate(groups[g], total)
        return [groups[g], float(r) if r is not None else None]

    total = report.counts.total
    households, percent = pgettext("standards comparison", "households"), "%"
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
                label(g),
                *(pair(report.own, report.counts.own, g, total) if g in c.GROUPS else ["", ""]),
                *pair(report.other, report.counts.other, g, total),
            ]
            for g in (*c.GROUPS, c.MISSING)
        ],
    )
    others = [g for g in (*c.GROUPS, c.MISSING)]
    sheet(
        pgettext("standards comparison", "Movement"),
        [f"{report.own.name} → {report.other.name}", *(label(g) for g in others)],
        [[label(a), *(report.movement[a, b] for b in others)] for a in c.GROUPS],
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
                row.place.name,
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
