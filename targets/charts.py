"""Plotly figures for the dashboards, built on the server from plain values.

Figures are plain dicts in Plotly's JSON schema (tests check them against plotly.graph_objects): building
graph objects costs milliseconds per figure, which the page budget cannot spare. Each chart also carries
its data as columns and rows, for the table view and the .csv / .xlsx downloads.

Colours: the Okabe–Ito palette, safe for colour-blind readers; status never by colour alone (a word and
a symbol go with it). Numbers: the current language's formats (18,66% · 13.000 in Vietnamese), in hover texts
and on the axes; words through gettext, like every page.
"""

from dataclasses import dataclass, field

from django.utils.formats import get_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from households import names
from households.standards import transitions as t
from povertyplan import display

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, BLACK = OKABE_ITO
GREY = "#8a8f98"

# status: colour, symbol (shape carries the meaning for readers who cannot tell the colours apart)
STATUS_STYLE = {
    "achieved": (GREEN, "✔"),
    "on_track": (BLUE, "➜"),
    "at_risk": (ORANGE, "▲"),
    "off_track": (VERMILLION, "✖"),
    "missed": (VERMILLION, "⊘"),
    "no_data": (GREY, "—"),
    "no_goal": (GREY, "∑"),
}

PERCENT, INTEGER, DECIMAL, TEXT = "percent", "integer", "decimal", "text"

# Plotly's own words (the mode bar over each chart, its hints), each an msgid of locale/*/django.po: static/js/charts.js
# hands them to Plotly as the page's locale.
PLOTLY_WORDS = (
    "Download plot as a PNG",
    "Download plot",
    "Zoom",
    "Pan",
    "Zoom in",
    "Zoom out",
    "Autoscale",
    "Reset axes",
    "Reset view",
    "Toggle Spike Lines",
    "Show closest data on hover",
    "Compare data on hover",
    "Double-click to zoom back out",
    "Double-click on legend to isolate one trace",
)


def plotly_words() -> dict:
    return {word: _(word) for word in PLOTLY_WORDS}


# Decimals a value of each kind is shown with, on the page and in the files (the files hold the same rounded value).
PLACES = {PERCENT: 2, INTEGER: 0, DECIMAL: 4}


def format_cell(value, kind: str) -> str:
    if kind == PERCENT:
        return display.percent(value)
    if kind in PLACES:
        return display.number(value, PLACES[kind])
    return "" if value is None else str(value)


def export_cell(value, kind: str):
    """A value as a file holds it: a number rounded as the page shows it (8.33, not 8.333333333333334)."""
    if kind not in PLACES or value is None or isinstance(value, str):
        return value
    rounded = round(float(value), PLACES[kind])
    return int(rounded) if kind == INTEGER or rounded == int(rounded) else rounded


@dataclass
class Column:
    label: str
    kind: str = TEXT
    unit: str = ""  # what a number of the column counts ("%" for a rate), named in a file's header

    @property
    def heading(self) -> str:
        """The column's header in a file: "Tỷ lệ hộ nghèo (%)"; numbers there carry no unit of their own."""
        unit = self.unit or ("%" if self.kind == PERCENT else "")
        return f"{self.label} ({unit})" if unit else str(self.label)


@dataclass
class Chart:
    key: str  # names the chart in download URLs
    title: str
    figure: dict
    columns: list[Column]
    rows: list[list]
    note: str = ""  # about the figures: goes into the files too
    hint: str = ""  # how to use the chart on the page ("click a bar…"): the page only
    params: dict = field(default_factory=dict)  # what rebuilds it (the download URL's query)
    drill: bool = False  # a click on a bar opens the unit in its customdata
    boundaries: str = ""  # the boundaries its figures are drawn in ("theo địa giới 2025"): the page and the files

    @property
    def formatted_rows(self):
        return [[format_cell(v, c.kind) for v, c in zip(row, self.columns)] for row in self.rows]

    @property
    def table_rows(self):
        """The table view's cells: (text, missing), a missing number being one with no figure behind it."""
        return [
            [(format_cell(v, c.kind), v is None and c.kind in PLACES) for v, c in zip(row, self.columns)]
            for row in self.rows
        ]

    @property
    def has_missing(self) -> bool:
        return any(missing for row in self.table_rows for _text, missing in row)

    @property
    def export_rows(self):
        return [[export_cell(v, c.kind) for v, c in zip(row, self.columns)] for row in self.rows]


def _layout(title: str = "", top: int = 10, **extra) -> dict:
    """`top`: the room above the plot for annotations there (Plotly does not grow margins for annotations)."""
    layout = {
        "separators": get_format("DECIMAL_SEPARATOR") + get_format("THOUSAND_SEPARATOR"),
        "font": {"family": "system-ui, Segoe UI, Roboto, Noto Sans, sans-serif", "size": 13},
        "margin": {"l": 10, "r": 10, "t": top + (30 if title else 0), "b": 10},
        "paper_bgcolor": "#fff",
        "plot_bgcolor": "#fff",
        "hovermode": "closest",
        # under everything, tick labels and axis titles included: a legend placed against the plot (paper) lands
        # on the tick labels as soon as they take more room than it leaves them
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yref": "container", "yanchor": "bottom"},
        "colorway": OKABE_ITO,
    }
    if title:
        layout["title"] = {"text": title, "x": 0, "font": {"size": 15}}
    layout.update(extra)
    return layout


def _lines(words: list[str], width: int) -> list[str]:
    lines, line = [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line]


def wrap(text: str, width: int = 24) -> str:
    """A long category label on several lines (Plotly's <br>) of even lengths, so it takes height, not the plot's
    width: "Tỷ lệ hộ thiếu hụt<br>chiều y tế", not "Tỷ lệ hộ thiếu hụt chiều y<br>tế"."""
    words = str(text).split()
    lines = _lines(words, width)
    even = -(-len(str(text)) // len(lines))
    return "<br>".join(next((x for w in range(even, width) if len(x := _lines(words, w)) <= len(lines)), lines))


def _axis(title="", **extra) -> dict:
    return {"title": {"text": title}, "automargin": True, "gridcolor": "#e4e7eb", "zeroline": False, **extra}


# -- rates by year, never chained across standards ---------------------------------------------------


def rates_by_year(series: dict[str, list[tuple]], standards: list[tuple], title: str, goal_lines=()) -> dict:
    """`series`: {name: [(year, value, standard code)]}; a separate line per standard, so no line joins
    two standards. `standards`: [(code, short name, first year)] in order; a dashed line marks each change.
    `goal_lines`: [(label, [(year, value)])] drawn dotted."""
    traces = []
    years = sorted({y for points in series.values() for y, *_ in points})
    for i, (name, points) in enumerate(series.items()):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        by_standard = {}
        for year, value, code in points:
            by_standard.setdefault(code, []).append((year, value))
        for j, (code, part) in enumerate(by_standard.items()):
            part.sort()
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": name,
                    "legendgroup": name,
                    "showlegend": j == 0,
                    "x": [y for y, _ in part],
                    "y": [v for _, v in part],
                    "line": {"color": colour, "width": 3},
                    "marker": {"size": 9, "symbol": ["circle", "square"][i % 2]},
                    "text": [f"{name} {y} ({code}): {display.percent(v)}" for y, v in part],
                    "hoverinfo": "text",
                }
            )
    for _k, (label, points) in enumerate(goal_lines):
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": label,
                "x": [y for y, _ in points],
                "y": [v for _, v in points],
                "line": {"color": BLACK, "dash": "dot", "width": 2},
                "marker": {"symbol": "diamond-open", "size": 9},
                "text": [f"{label} {y}: {display.percent(v)}" for y, v in points],
                "hoverinfo": "text",
            }
        )
        years = sorted(set(years) | {y for y, _ in points})
    shapes, annotations = [], []
    for previous, current in zip(standards, standards[1:]):
        if years and years[0] < current[2] <= years[-1]:
            x = current[2] - 0.5
            shapes.append(
                {
                    "type": "line",
                    "xref": "x",
                    "yref": "paper",
                    "x0": x,
                    "x1": x,
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": BLACK, "dash": "dash", "width": 1.5},
                }
            )
            # on three short lines, and towards the wider side of the line: whole at 390 px as at 1280
            where = (x - years[0]) / (years[-1] - years[0])
            annotations.append(
                {
                    "x": x,
                    "y": 1,
                    "xref": "x",
                    "yref": "paper",
                    "showarrow": False,
                    "text": _("New poverty standard:<br>%(before)s →<br>%(after)s")
                    % {"before": previous[1], "after": current[1]},
                    "xanchor": "left" if where < 0.35 else "right" if where > 0.65 else "center",
                    "align": "left" if where < 0.35 else "right" if where > 0.65 else "center",
                    "yanchor": "bottom",
                    "font": {"size": 11},
                }
            )
    return {
        "data": traces,
        "layout": _layout(
            title,
            top=54 if annotations else 10,
            shapes=shapes,
            annotations=annotations,
            # at most six years written under the axis: on a phone more would run into each other
            xaxis=_axis(
                "",
                tickmode="array",
                tickvals=years[:: -(-len(years) // 6) or 1],
                tickformat="d",
                tickfont={"size": 11},  # two years side by side in a span of eight still fit on a phone
            ),
            yaxis=_axis("%", ticksuffix="%", rangemode="tozero"),
        ),
    }


# -- breakdown by unit: sorted bars, a click goes one level down ----------------------------------------


def unit_bars(
    rows: list[tuple],
    title: str,
    value_label: str,
    goal: float | None = None,
    goal_label: str = "",
    percent: bool = True,
    drill: bool = True,
) -> dict:
    """`rows`: [(code, name, value, numerator, denominator)] in any order; drawn sorted, largest on top."""
    rows = sorted((r for r in rows if r[2] is not None), key=lambda r: r[2])
    fmt = display.percent if percent else (lambda v: display.number(v, 0))
    trace = {
        "type": "bar",
        "orientation": "h",
        "name": value_label,
        "y": [r[1] for r in rows],
        "x": [r[2] for r in rows],
        "customdata": [r[0] for r in rows],
        "marker": {"color": BLUE},
        "text": [fmt(r[2]) for r in rows],
        "textposition": "auto",
        "hovertext": [
            f"{r[1]}: {fmt(r[2])}"
            + (
                " "
                + _("(%(numerator)s / %(denominator)s households)")
                % {"numerator": display.number(r[3]), "denominator": display.number(r[4])}
                if r[4]
                else ""
            )
            + (" — " + _("click to see the level below") if drill else "")
            for r in rows
        ],
        "hoverinfo": "text",
    }
    shapes, annotations = [], []
    if goal is not None:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": goal,
                "x1": goal,
                "y0": 0,
                "y1": 1,
                "line": {"color": BLACK, "dash": "dot", "width": 2},
            }
        )
        annotations.append(
            {
                "x": goal,
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "showarrow": False,
                "yanchor": "bottom",
                # towards the plot's middle, so the label is not cut at the edge of a narrow screen
                "xanchor": "right" if goal > 0.6 * max([goal, *trace["x"]]) else "left",
                "text": f"{goal_label} {fmt(goal)}",
                "font": {"size": 11},
            }
        )
    height = max(220, 60 + 26 * len(rows)) + (20 if annotations else 0)
    return {
        "data": [trace],
        "layout": _layout(
            title,
            top=28 if annotations else 10,
            height=height,
            shapes=shapes,
            annotations=annotations,
            showlegend=False,
            xaxis=_axis(wrap(value_label), ticksuffix="%" if percent else "", rangemode="tozero"),
            yaxis=_axis("", type="category"),
        ),
    }


# -- ethnic groups ------------------------------------------------------------------------------------


def ethnic_bars(rows: list[tuple], title: str) -> dict:
    """`rows`: [(group name, households, poor rate, near-poor rate)], drawn by poor rate."""
    rows = sorted(rows, key=lambda r: r[2] or 0)
    traces = []
    for index, (label, colour, pattern) in enumerate(
        ((_("Poor-household rate"), VERMILLION, ""), (_("Near-poor household rate"), SKY, "/"))
    ):
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": label,
                "y": [r[0] for r in rows],
                "x": [r[2 + index] for r in rows],
                "marker": {"color": colour, "pattern": {"shape": pattern}},
                "hovertext": [
                    _("%(group)s — %(rate_name)s: %(rate)s of %(households)s households")
                    % {
                        "group": r[0],
                        "rate_name": label.lower(),
                        "rate": display.percent(r[2 + index]),
                        "households": display.number(r[1]),
                    }
                    for r in rows
                ],
                "hoverinfo": "text",
            }
        )
    return {
        "data": traces,
        "layout": _layout(
            title,
            barmode="group",
            height=max(240, 80 + 40 * len(rows)),
            xaxis=_axis("", ticksuffix="%", rangemode="tozero"),
            yaxis=_axis("", type="category"),
        ),
    }


# -- deprivation profile (Alkire–Foster) --------------------------------------------------------------


def censored_headcounts(rows: list[tuple], dimension_colours: dict, title: str) -> dict:
    """`rows`: [(indicator label, dimension label, censored headcount h_j(k) as %)]."""
    rows = sorted(rows, key=lambda r: r[2])
    traces = []
    for dimension, colour in dimension_colours.items():
        part = [r for r in rows if r[1] == dimension]
        if part:
            traces.append(
                {
                    "type": "bar",
                    "orientation": "h",
                    "name": dimension,
                    "y": [wrap(r[0]) for r in part],
                    "x": [r[2] for r in part],
                    "marker": {"color": colour},
                    "hovertext": [
                        _("%(indicator)s (%(dimension)s): %(rate)s of households multidimensionally poor and deprived")
                        % {"indicator": r[0], "dimension": dimension, "rate": display.percent(r[2])}
                        for r in part
                    ],
                    "hoverinfo": "text",
                }
            )
    return {
        "data": traces,
        "layout": _layout(
            title,
            height=max(260, 200 + 36 * len(rows)),  # room for two-line labels and a legend on six lines
            xaxis=_axis("", ticksuffix="%", rangemode="tozero"),
            yaxis=_axis(
                "",
                type="category",
                categoryorder="array",
                categoryarray=[wrap(r[0]) for r in rows],
                dtick=1,
                tickfont={"size": 11},
            ),
        ),
    }


def dimension_shares(rows: list[tuple], dimension_colours: dict, title: str) -> dict:
    """`rows`: [(dimension label, share of M0 in %)] — one stacked bar adding to 100%."""
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "name": label,
            "y": ["M0"],
            "x": [share],
            "marker": {"color": dimension_colours.get(label, GREY)},
            "text": [display.percent(share, 0) if share >= 12 else ""],
            "textposition": "inside",
            "insidetextanchor": "middle",
            "hovertext": [_("%(dimension)s: %(share)s of M0") % {"dimension": label, "share": display.percent(share)}],
            "hoverinfo": "text",
        }
        for label, share in rows
    ]
    return {
        "data": traces,
        "layout": _layout(
            title,
            barmode="stack",
            height=280,
            xaxis=_axis("", ticksuffix="%", range=[0, 100]),
            yaxis=_axis("", showticklabels=False),
        ),
    }


# -- transitions between two survey years -------------------------------------------------------------

CLASS_LABELS = {
    **names.NODE_CLASSES,
    "new": pgettext_lazy("movement", "New household"),
}
CLASS_COLOURS = {"poor": VERMILLION, "near_poor": ORANGE, "middle": SKY, "not_poor": BLUE, "new": GREY}
MOVEMENTS = {
    "new": pgettext_lazy("movement", "New household"),
    "still_poor": capfirst(names.MOVEMENTS[t.STILL_POOR]),
    "escaped": capfirst(names.MOVEMENTS[t.ESCAPED]),
    "near_poor_to_poor": pgettext_lazy("movement", "Near-poor → poor"),
    "newly_poor": capfirst(names.MOVEMENTS[t.NEWLY_POOR_MOVEMENT]),
    "re_poor": capfirst(names.MOVEMENTS[t.RE_POOR_MOVEMENT]),
    "unchanged": pgettext_lazy("movement", "No change"),
    "moved": pgettext_lazy("movement", "Changed group"),
}
MOVEMENT_COLOURS = {
    "escaped": "rgba(0,158,115,0.55)",
    "newly_poor": "rgba(213,94,0,0.6)",
    "re_poor": "rgba(0,0,0,0.55)",
    "near_poor_to_poor": "rgba(204,121,167,0.6)",
    "still_poor": "rgba(213,94,0,0.3)",
}


# The Sankey's name for each movement of households.standards.transitions; the others are "unchanged" or "moved".
CHART_MOVEMENTS = {
    t.NEW_HOUSEHOLD: "new",
    t.STAYED_POOR: "still_poor",
    t.ESCAPED_TO_NEAR_POOR: "escaped",
    t.ESCAPED_TO_NOT_POOR: "escaped",
    t.NEAR_POOR_TO_POOR: "near_poor_to_poor",
    t.NEWLY_POOR: "newly_poor",
    t.RE_POOR: "re_poor",
}


def movement_code(before: str, now: str) -> str:
    """The movement of a flow from `before` ("new": no record the year before) to `now`, by transitions.transition;
    re-poor flows are split off by the caller (it needs the years before last)."""
    moved = t.transition(None if before == "new" else before, now)
    return CHART_MOVEMENTS.get(moved, "unchanged" if before == now else "moved")


def movement(code: str) -> str:
    return str(MOVEMENTS[code])


def sankey(flows: list[tuple], year_from: int, year_to: int, title: str) -> dict:
    """`flows`: [(class before, class now, households, movement code)]; two flows between the same classes
    (newly poor and re-poor) are drawn as two bands."""
    before = [c for c in (*CLASS_LABELS,) if any(f[0] == c and f[2] for f in flows)]
    after = [c for c in CLASS_LABELS if c != "new" and any(f[1] == c and f[2] for f in flows)]
    totals_before = {c: sum(f[2] for f in flows if f[0] == c) for c in before}
    totals_after = {c: sum(f[2] for f in flows if f[1] == c) for c in after}
    labels = [f"{CLASS_LABELS[c]} ({display.number(totals_before[c])})" for c in before]
    labels += [f"{CLASS_LABELS[c]} ({display.number(totals_after[c])})" for c in after]
    colours = [CLASS_COLOURS[c] for c in before] + [CLASS_COLOURS[c] for c in after]
    links = [f for f in flows if f[2] and f[0] in before and f[1] in after]
    return {
        "data": [
            {
                "type": "sankey",
                "arrangement": "snap",
                "valueformat": ",d",
                "textfont": {"size": 12},
                "node": {
                    "label": labels,
                    "color": colours,
                    "pad": 24,  # more than a label's height: two small classes side by side keep their labels apart
                    "thickness": 16,
                    "line": {"color": "#444", "width": 0.5},
                    "hovertemplate": "%{label}<extra></extra>",
                },
                "link": {
                    "source": [before.index(f[0]) for f in links],
                    "target": [len(before) + after.index(f[1]) for f in links],
                    "value": [f[2] for f in links],
                    "label": [movement(f[3]) for f in links],
                    "color": [MOVEMENT_COLOURS.get(f[3], "rgba(138,143,152,0.35)") for f in links],
                    "customdata": [
                        _("%(before)s → %(after)s: %(households)s households — %(movement)s")
                        % {
                            "before": CLASS_LABELS[f[0]],
                            "after": CLASS_LABELS[f[1]],
                            "households": display.number(f[2]),
                            "movement": movement(f[3]),
                        }
                        for f in links
                    ],
                    "hovertemplate": "%{customdata}<extra></extra>",
                },
            }
        ],
        "layout": _layout(
            title,
            top=28,
            height=460,
            annotations=[
                {
                    "x": x,
                    "y": 1,
                    "xref": "paper",
                    "yref": "paper",
                    "xanchor": anchor,
                    "yanchor": "bottom",
                    "showarrow": False,
                    "text": f"<b>{year}</b>",
                }
                for x, anchor, year in ((0, "left", year_from), (1, "right", year_to))
            ],
        ),
    }


# -- reported figures against count targets, cumulated by month ---------------------------------------


def cumulative_by_month(points: list[tuple], goal: float | None, title: str, label: str) -> dict:
    """`points`: [(month 1..12 or None for a whole-year report, value)]; a whole-year report counts at month 12."""
    monthly = [0.0] * 12
    for month, value in points:
        monthly[(month or 12) - 1] += float(value)
    cumulative, running = [], 0.0
    for value in monthly:
        running += value
        cumulative.append(running)
    months = list(range(1, 13))
    traces = [
        {
            "type": "bar",
            "name": _("In the month"),  # the indicator is named by the title: the legend stays short on a phone
            "x": months,
            "y": monthly,
            "marker": {"color": SKY},
            "hoverinfo": "text",
            "hovertext": [
                _("Month %(month)s: %(value)s") % {"month": m, "value": display.number(v)}
                for m, v in zip(range(1, 13), monthly)
            ],
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": _("Cumulated"),
            "x": months,
            "y": cumulative,
            "line": {"color": BLUE, "width": 3},
            "hoverinfo": "text",
            "hovertext": [
                _("Cumulated to month %(month)s: %(value)s") % {"month": m, "value": display.number(v)}
                for m, v in zip(range(1, 13), cumulative)
            ],
        },
    ]
    if goal is not None:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Goal %(value)s") % {"value": display.number(goal)},
                "x": months,
                "y": [goal] * 12,
                "line": {"color": BLACK, "dash": "dot", "width": 2},
                "hoverinfo": "name",
            }
        )
    return {
        "data": traces,
        "layout": _layout(
            title,
            height=340,
            xaxis=_axis(
                _("Month"),
                tickprefix=pgettext("month, abbreviated before its number", "M"),
                range=[0.4, 12.6],
                dtick=1,
                tickfont={"size": 11},
            ),
            yaxis=_axis("", rangemode="tozero", tickformat=",d"),
        ),
    }


# -- comparison of units ------------------------------------------------------------------------------


def compare_bars(indicators: list[str], units: list[tuple], title: str) -> dict:
    """`units`: [(unit label, [value per indicator, in %, or None])]: grouped bars, one colour and pattern each,
    lying down so that the indicators' long names read across the page, on as many lines as they need."""
    patterns = ["", "/", ".", "x", "-", "+"]
    names = [wrap(name, 28) for name in indicators]
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "name": label,
            "y": names,
            "x": values,
            "marker": {"color": OKABE_ITO[i % 8], "pattern": {"shape": patterns[i % len(patterns)]}},
            "hovertext": [f"{label} — {name}: {display.percent(v)}" for name, v in zip(indicators, values)],
            "hoverinfo": "text",
        }
        for i, (label, values) in enumerate(units)
    ]
    lines = sum(name.count("<br>") + 1 for name in names)
    return {
        "data": traces,
        "layout": _layout(
            title,
            barmode="group",
            height=max(300, 100 + 16 * lines + 14 * len(units) * len(names) + 22 * len(units)),
            xaxis=_axis("", ticksuffix="%", rangemode="tozero"),
            yaxis=_axis("", type="category", autorange="reversed", tickfont={"size": 12}),
        ),
    }
