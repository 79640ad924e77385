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
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

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


def vn_number(value, decimals: int = 0) -> str:
    """18.66 → "18,66"; 13000 → "13.000" in Vietnamese (povertyplan.display, so 13,000 in English)."""
    return display.number(value, decimals, fixed=True)


def vn_percent(value, decimals: int = 2) -> str:
    return "—" if value is None else f"{vn_number(value, decimals)}%"


def format_cell(value, kind: str) -> str:
    if kind == PERCENT:
        return vn_percent(value)
    if kind == INTEGER:
        return vn_number(value, 0)
    if kind == DECIMAL:
        return vn_number(value, 4)
    return "" if value is None else str(value)


@dataclass
class Column:
    label: str
    kind: str = TEXT


@dataclass
class Chart:
    key: str  # names the chart in download URLs
    title: str
    figure: dict
    columns: list[Column]
    rows: list[list]
    note: str = ""
    params: dict = field(default_factory=dict)  # what rebuilds it (the download URL's query)
    drill: bool = False  # a click on a bar opens the unit in its customdata

    @property
    def formatted_rows(self):
        return [[format_cell(v, c.kind) for v, c in zip(row, self.columns)] for row in self.rows]


def _layout(title: str = "", **extra) -> dict:
    layout = {
        "separators": get_format("DECIMAL_SEPARATOR") + get_format("THOUSAND_SEPARATOR"),
        "font": {"family": "system-ui, Segoe UI, Roboto, Noto Sans, sans-serif", "size": 13},
        "margin": {"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
        "paper_bgcolor": "#fff",
        "plot_bgcolor": "#fff",
        "hovermode": "closest",
        "legend": {"orientation": "h", "y": -0.12, "yanchor": "top", "x": 0},
        "colorway": OKABE_ITO,
    }
    if title:
        layout["title"] = {"text": title, "x": 0, "font": {"size": 15}}
    layout.update(extra)
    return layout


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
                    "text": [f"{name} {y} ({code}): {vn_percent(v)}" for y, v in part],
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
                "text": [f"{label} {y}: {vn_percent(v)}" for y, v in points],
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
            annotations.append(
                {
                    "x": x,
                    "y": 1,
                    "xref": "x",
                    "yref": "paper",
                    "showarrow": False,
                    "text": _("New poverty standard: %(before)s → %(after)s")
                    % {"before": previous[1], "after": current[1]},
                    "xanchor": "center",
                    "yanchor": "bottom",
                    "font": {"size": 11},
                }
            )
    return {
        "data": traces,
        "layout": _layout(
            title,
            shapes=shapes,
            annotations=annotations,
            xaxis=_axis("", tickmode="array", tickvals=years, ticktext=[str(y) for y in years]),
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
    fmt = vn_percent if percent else (lambda v: vn_number(v, 0))
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
                % {"numerator": vn_number(r[3]), "denominator": vn_number(r[4])}
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
                "text": f"{goal_label} {fmt(goal)}",
                "font": {"size": 11},
            }
        )
    height = max(220, 60 + 26 * len(rows))
    return {
        "data": [trace],
        "layout": _layout(
            title,
            height=height,
            shapes=shapes,
            annotations=annotations,
            showlegend=False,
            xaxis=_axis(value_label, ticksuffix="%" if percent else "", rangemode="tozero"),
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
                        "rate": vn_percent(r[2 + index]),
                        "households": vn_number(r[1]),
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
                    "y": [r[0] for r in part],
                    "x": [r[2] for r in part],
                    "marker": {"color": colour},
                    "hovertext": [
                        _("%(indicator)s (%(dimension)s): %(rate)s of households multidimensionally poor and deprived")
                        % {"indicator": r[0], "dimension": dimension, "rate": vn_percent(r[2])}
                        for r in part
                    ],
                    "hoverinfo": "text",
                }
            )
    return {
        "data": traces,
        "layout": _layout(
            title,
            height=max(260, 80 + 24 * len(rows)),
            xaxis=_axis("", ticksuffix="%", rangemode="tozero"),
            yaxis=_axis(
                "",
                type="category",
                categoryorder="array",
                categoryarray=[r[0] for r in rows],
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
            "text": [vn_percent(share, 0) if share >= 12 else ""],
            "textposition": "inside",
            "insidetextanchor": "middle",
            "hovertext": [_("%(dimension)s: %(share)s of M0") % {"dimension": label, "share": vn_percent(share)}],
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
    "poor": pgettext_lazy("movement", "Poor"),
    "near_poor": pgettext_lazy("movement", "Near-poor"),
    "middle": pgettext_lazy("movement", "Middle"),
    "not_poor": pgettext_lazy("movement", "Not poor"),
    "new": pgettext_lazy("movement", "New household"),
}
CLASS_COLOURS = {"poor": VERMILLION, "near_poor": ORANGE, "middle": SKY, "not_poor": BLUE, "new": GREY}
MOVEMENTS = {
    "new": pgettext_lazy("movement", "New household"),
    "still_poor": pgettext_lazy("movement", "Still poor"),
    "escaped": pgettext_lazy("movement", "Escaped poverty"),
    "near_poor_to_poor": pgettext_lazy("movement", "Near-poor → poor"),
    "newly_poor": pgettext_lazy("movement", "Newly poor"),
    "re_poor": pgettext_lazy("movement", "Re-poor (poor again)"),
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
    labels = [
        f"{CLASS_LABELS[c]} {year_from if c != 'new' else year_to} ({vn_number(totals_before[c])})" for c in before
    ]
    labels += [f"{CLASS_LABELS[c]} {year_to} ({vn_number(totals_after[c])})" for c in after]
    colours = [CLASS_COLOURS[c] for c in before] + [CLASS_COLOURS[c] for c in after]
    links = [f for f in flows if f[2] and f[0] in before and f[1] in after]
    return {
        "data": [
            {
                "type": "sankey",
                "arrangement": "snap",
                "valueformat": ",d",
                "node": {
                    "label": labels,
                    "color": colours,
                    "pad": 14,
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
                            "households": vn_number(f[2]),
                            "movement": movement(f[3]),
                        }
                        for f in links
                    ],
                    "hovertemplate": "%{customdata}<extra></extra>",
                },
            }
        ],
        "layout": _layout(title, height=420),
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
    months = [_("M%(month)s") % {"month": m} for m in range(1, 13)]
    traces = [
        {
            "type": "bar",
            "name": _("%(indicator)s in the month") % {"indicator": label},
            "x": months,
            "y": monthly,
            "marker": {"color": SKY},
            "hoverinfo": "text",
            "hovertext": [
                _("Month %(month)s: %(value)s") % {"month": m, "value": vn_number(v)}
                for m, v in zip(range(1, 13), monthly)
            ],
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": _("%(indicator)s, cumulated") % {"indicator": label},
            "x": months,
            "y": cumulative,
            "line": {"color": BLUE, "width": 3},
            "hoverinfo": "text",
            "hovertext": [
                _("Cumulated to month %(month)s: %(value)s") % {"month": m, "value": vn_number(v)}
                for m, v in zip(range(1, 13), cumulative)
            ],
        },
    ]
    if goal is not None:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Goal %(value)s") % {"value": vn_number(goal)},
                "x": months,
                "y": [goal] * 12,
                "line": {"color": BLACK, "dash": "dot", "width": 2},
                "hoverinfo": "name",
            }
        )
    return {
        "data": traces,
        "layout": _layout(
            title, height=320, xaxis=_axis(_("Month")), yaxis=_axis("", rangemode="tozero", tickformat=",d")
        ),
    }


# -- comparison of units ------------------------------------------------------------------------------


def compare_bars(indicators: list[str], units: list[tuple], title: str) -> dict:
    """`units`: [(unit label, [value per indicator, in %, or None])]: grouped bars, one colour and pattern each."""
    patterns = ["", "/", ".", "x", "-", "+"]
    traces = [
        {
            "type": "bar",
            "name": label,
            "x": indicators,
            "y": values,
            "marker": {"color": OKABE_ITO[i % 8], "pattern": {"shape": patterns[i % len(patterns)]}},
            "hovertext": [f"{label} — {name}: {vn_percent(v)}" for name, v in zip(indicators, values)],
            "hoverinfo": "text",
        }
        for i, (label, values) in enumerate(units)
    ]
    return {
        "data": traces,
        "layout": _layout(
            title,
            barmode="group",
            height=420,
            xaxis=_axis("", automargin=True, tickangle=-30),
            yaxis=_axis("%", ticksuffix="%", rangemode="tozero"),
        ),
    }
