"""Dashboard charts: precomputed figures (selectors) turned into charts (charts.py), one builder per
chart key, so a page, its table view and its downloads all come from the same call."""

from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from areas.models import Unit
from households.models import Classification, Ethnicity
from households.names import dimension as dimension_name
from households.names import indicator as indicator_name
from households.standards.builtin import DIMENSIONS
from households.standards.names import DIMENSION_NAMES
from households.standards.records import standard_of_year
from povertyplan import display

from . import charts, selectors
from .boundaries import (  # noqa: F401 (CURRENT: the views read it here)
    CURRENT,
    RECORDED,
    default_boundaries,
    reported_points_today,
)
from .catalogue import ETHNIC_GROUPS
from .charts import INTEGER, PERCENT, Chart, Column
from .dashboard_sums import BEFORE, CLASSES, RE_POOR_FROM, ethnic_code, re_poor_code, transition_code
from .engine import indicator_value
from .models import Indicator, Scope, Target

# Household list filters (URL contract of households:list) behind each computed indicator's numerator
HOUSEHOLD_FILTERS = {
    "poor_rate": {"classification": "poor"},
    "near_poor_rate": {"classification": "near_poor"},
    "poor_temporary_housing": {"classification": "poor", "deprivation": "housing_quality"},
    "poor_hygienic_water": {"classification": "poor", "deprivation": "water"},
    "poor_hygienic_latrine": {"classification": "poor", "deprivation": "latrine"},
    "poor_telecom": {"classification": "poor", "deprivation": "telecom"},
    "poor_information_assets": {"classification": "poor", "deprivation": "information_assets"},
    "poor_health_insurance": {"classification": "poor", "deprivation": "health_insurance"},
    "near_poor_health_insurance": {"classification": "near_poor", "deprivation": "health_insurance"},
}
# The household list's filters that select the households of each scope (as targets.figures.household_scopes).
SCOPE_FILTERS = {
    Scope.PROVINCE: {},
    Scope.ETHNIC_MINORITY: {"ethnic_minority": "1"},
    Scope.KHMER: {"ethnicity": "khmer"},
    Scope.POOR_DISTRICTS: {"unit_group": "poor_districts"},
    Scope.POOR_COMMUNES: {"unit_group": "poor_communes"},
    Scope.DIFFICULT_COMMUNES: {"unit_group": "difficult_communes"},
    Scope.URBAN: {"area_type": "urban"},
    Scope.RURAL: {"area_type": "rural"},
}


def household_list_url(unit_code: str, year: int, **filters) -> str:
    try:
        base = reverse("households:list")
    except NoReverseMatch:  # the household list lands separately; its address is part of the contract
        base = "/households/"
    return f"{base}?{urlencode({'unit': unit_code, 'year': year, **filters})}"


def numerator_households_url(target: Target, unit_code, year: int, boundaries=None) -> str | None:
    """The households behind a target's figure; `unit_code` may be the unit (then `boundaries` says which)."""
    filters = HOUSEHOLD_FILTERS.get(target.indicator.code)
    if filters is None:
        return None
    if isinstance(unit_code, Unit):
        filters = {**filters, **households_boundaries(unit_code, boundaries_of(unit_code, boundaries))}
        unit_code = unit_code.code
    return household_list_url(unit_code, year, **filters, **SCOPE_FILTERS[target.scope])


def _unit(user, unit):
    """A unit object the caller already checked, or a code to check against the user's area."""
    return unit if isinstance(unit, Unit) else selectors.get_unit_for_user(user, unit)


def _target(user, target):
    return target if isinstance(target, Target) else selectors.get_target_for_user(user, target)


def _value(pair, unit=Indicator.Unit.PERCENT) -> float | None:
    """A stored (numerator, denominator) as a chart draws it; `unit` is the indicator's (a rate by default)."""
    value = None if pair is None else indicator_value(*pair, unit)
    return None if value is None else float(value)


def _int(value):
    return None if value is None else int(value)


def _short(standard) -> str:
    """A standard by the name of its legal instrument, as stored with it ("Nghị định 07/2021/NĐ-CP")."""
    return standard.legal_name


def _scoped(name: str, scope) -> str:
    """An indicator's name with the population it is measured on, unless that is everyone."""
    return name if not scope or scope == Scope.PROVINCE else f"{name} ({Scope(scope).label})"


def _dimension(code) -> str:
    return dimension_name(code)


def _dimension_colours() -> dict:
    return {_dimension(code): colour for code, colour in zip(DIMENSION_NAMES, charts.OKABE_ITO)}


def _class_name(code) -> str:
    return _("new household (none the year before)") if code == "new" else Classification(code).label


def _goal_path(target: Target, years, baseline=None, province=True) -> list[tuple]:
    """The goal drawn on the trend: a level, or the change target's path from its baseline (for the province the
    stored, re-measured one, else the value computed for the baseline year; below it, the unit's own). A count
    goal is the province's total: not drawn below it (figures.attainments_for)."""
    if not province and target.value_unit == Target.ValueUnit.COUNT:
        return []
    if target.shape == Target.Shape.CHANGE:
        if province and target.baseline_value is not None:
            baseline = target.baseline_value
        if baseline is None or not target.baseline_year or not target.value:
            return []
        sign = -1 if target.direction == Target.Direction.DECREASE else 1
        last = max([target.plan.year_end, *years])
        return [
            (y, float(baseline) + sign * float(target.value) * (y - target.baseline_year))
            for y in range(target.baseline_year, last + 1)
        ]
    if target.value is None:
        return []
    return [(y, float(target.value)) for y in range(target.plan.year_start, target.plan.year_end + 1)]


def boundaries_of(unit, boundaries=None) -> str:
    """The boundaries asked for, else the unit's own: today's for a unit in force, as recorded for one that ceased
    (a ceased unit has no figures in today's boundaries)."""
    if unit.valid_to is not None:
        return RECORDED
    return boundaries if boundaries in (CURRENT, RECORDED) else default_boundaries(unit)


def boundaries_label(boundaries: str) -> str:
    """What every chart and table says of the boundaries its figures are drawn in."""
    return _("in the 2025 boundaries") if boundaries == CURRENT else _("in the boundaries of the review")


def households_boundaries(unit, boundaries: str) -> dict:
    """The household list's filter that reaches the households behind a figure in these boundaries: in today's
    boundaries of a redrawn unit, the households of the old units mapped into it as well."""
    return {"boundaries": CURRENT} if selectors.redrawn_units([unit], boundaries) else {}


def _estimated(estimated: set, names: dict) -> str:
    """The note on figures built from a share of an old unit's households: which years (or units)."""
    if not estimated:
        return ""
    which = ", ".join(sorted({str(names.get(key, key)) for key in estimated}))
    return _("Estimated (%(which)s): an old unit's households shared out by the succession table's shares.") % {
        "which": which
    }


def _drawn(chart: Chart, boundaries: str, estimated_note: str = "") -> Chart:
    chart.boundaries = boundaries_label(boundaries)
    chart.params["boundaries"] = boundaries
    chart.note = " ".join(part for part in (estimated_note, chart.note) if part)
    return chart


# -- builders: each takes the user and the chart's parameters, checks access, returns a Chart ----------


def rates_chart(user, unit_code, standards=None, boundaries=None) -> Chart:
    unit = _unit(user, unit_code)
    boundaries = boundaries_of(unit, boundaries)
    standards = standards or selectors.standards_by_year()
    values = selectors.indicator_values(["poor_rate", "near_poor_rate"], [unit], boundaries=boundaries)
    years = sorted({y for (_, _, y) in values})
    series, rows = {}, []
    for code, label in (("poor_rate", _("Poor-household rate")), ("near_poor_rate", _("Near-poor household rate"))):
        series[label] = []
        for year in years:
            pair = values.get((code, unit.pk, year))
            standard = standard_of_year(standards, year)
            if pair is not None and standard is not None:
                series[label].append((year, _value(pair), _short(standard)))
    for year in years:
        standard = standard_of_year(standards, year)
        poor, near = values.get(("poor_rate", unit.pk, year)), values.get(("near_poor_rate", unit.pk, year))
        rows.append(
            [
                year,
                _short(standard) if standard else "",
                _value(poor),
                _value(near),
                _int(poor[0]) if poor else None,
                _int(near[0]) if near else None,
                _int(poor[1]) if poor else None,
            ]
        )
    marks = [(s.code, _short(s), s.first_year) for s in standards]
    title = _("Poor and near-poor household rates by year — %(unit)s") % {"unit": unit.name}
    estimated = {year for _u, year in selectors.estimated_figures([unit], boundaries)}
    chart = Chart(
        "rates",
        title,
        charts.rates_by_year(series, marks, ""),
        [
            Column(_("Year")),
            Column(_("Poverty standard")),
            Column(_("Poor-household rate"), PERCENT),
            Column(_("Near-poor household rate"), PERCENT),
            Column(_("Poor households"), INTEGER),
            Column(_("Near-poor households"), INTEGER),
            Column(_("All households"), INTEGER),
        ],
        rows,
        note=_("One line per poverty standard: a rate is never joined across two different standards."),
        params={"unit": unit.code},
    )
    return _drawn(chart, boundaries, _estimated(estimated, {}))


def breakdown_chart(
    user,
    unit_code,
    indicator_code="poor_rate",
    year=None,
    scope=Scope.PROVINCE,
    target: Target | None = None,
    children=None,
    boundaries=None,
) -> Chart:
    unit = _unit(user, unit_code)
    boundaries = boundaries_of(unit, boundaries)
    indicator = (
        target.indicator
        if target is not None and target.indicator.code == indicator_code
        else Indicator.objects.filter(code=indicator_code).first()
    )
    if indicator is None:
        raise Http404("unknown indicator")
    year = int(year) if year else (selectors.survey_years(unit, boundaries) or [None])[-1]
    if children is None:  # today's units in today's boundaries; as recorded, the units in force that year
        children = selectors.children_of(unit, None if boundaries == CURRENT else year)
    if boundaries == CURRENT:
        children = [child for child in children if child.valid_to is None]  # today's units only
    values = selectors.indicator_values([indicator.code], children, [year], scope, boundaries)
    percent = indicator.unit == Indicator.Unit.PERCENT
    bars = []
    for child in children:
        pair = values.get((indicator.code, child.pk, year))
        if pair is not None:
            value = _value(pair, indicator.unit)
            bars.append((child.code, child.name, value, _int(pair[0]), _int(pair[1])))
    drill = any(c.level != "village" for c in children)
    goal = (
        float(target.value)
        if target is not None
        and target.shape != Target.Shape.CHANGE
        and target.value is not None
        and target.value_unit == Target.ValueUnit.PERCENT
        else None
    )
    name = indicator.display_name
    figure = charts.unit_bars(
        bars, "", name, goal, _("Goal"), percent=percent or indicator.unit == "index", drill=drill
    )
    bars.sort(key=lambda r: -(r[2] or 0))
    params = {"unit": unit.code, "indicator": indicator.code, "year": year, "scope": scope}
    if target is not None:
        params["target"] = target.pk
    title = _("%(indicator)s by unit under %(unit)s — %(year)s") % {
        "indicator": _scoped(name, scope),
        "unit": unit.name,
        "year": year,
    }
    estimated = {uid for uid, _y in selectors.estimated_figures(children, boundaries, scope, [year], [indicator.code])}
    chart = Chart(
        "breakdown",
        title,
        figure,
        [
            Column(_("Unit code")),
            Column(_("Unit")),
            Column(name, PERCENT if percent else INTEGER),
            Column(_("Numerator"), INTEGER),
            Column(_("Denominator"), INTEGER),
        ],
        [list(r) for r in bars],
        params=params,
        drill=drill,
        hint=_("Click a bar to see the level below.") if drill else "",
    )
    if not bars and boundaries == CURRENT and indicator.kind == Indicator.Kind.REPORTED:
        chart.note = _(
            "No unit below has a reported value of its own in the 2025 boundaries: a value reported for a former "
            "district counts whole in the total above, not split between communes."
        )
    return _drawn(chart, boundaries, _estimated(estimated, {c.pk: c.name for c in children}))


def ethnic_chart(user, unit_code, year=None, boundaries=None) -> Chart:
    unit = _unit(user, unit_code)
    boundaries = boundaries_of(unit, boundaries)
    year = int(year) if year else (selectors.survey_years(unit, boundaries) or [None])[-1]
    codes = [ethnic_code(e, c) for e in ETHNIC_GROUPS for c in ("poor", "near_poor")]
    values = selectors.indicator_values(codes, [unit], [year], boundaries=boundaries)
    rows = []
    for ethnicity in ETHNIC_GROUPS:
        poor = values.get((ethnic_code(ethnicity, "poor"), unit.pk, year))
        near = values.get((ethnic_code(ethnicity, "near_poor"), unit.pk, year))
        if poor is not None:
            name = _("Other ethnic groups") if ethnicity == Ethnicity.OTHER else Ethnicity(ethnicity).label
            rows.append([name, _int(poor[1]), _value(poor), _value(near), _int(poor[0]), _int(near[0]) if near else 0])
    rows.sort(key=lambda r: -(r[2] or 0))
    figure = charts.ethnic_bars([tuple(r[:4]) for r in rows], "")
    title = _("Poor and near-poor household rates by ethnic group — %(unit)s, %(year)s") % {
        "unit": unit.name,
        "year": year,
    }
    chart = Chart(
        "ethnic",
        title,
        figure,
        [
            Column(_("Ethnic group")),
            Column(_("Number of households"), INTEGER),
            Column(_("Poor-household rate"), PERCENT),
            Column(_("Near-poor household rate"), PERCENT),
            Column(_("Poor households"), INTEGER),
            Column(_("Near-poor households"), INTEGER),
        ],
        rows,
        note=_("Denominator: the households of that ethnic group."),
        params={"unit": unit.code, "year": year},
    )
    return _drawn(chart, boundaries, _year_estimated(unit, boundaries, year))


def _year_estimated(unit, boundaries, year) -> str:
    return _estimated({year for _u, year in selectors.estimated_figures([unit], boundaries, years=[year])}, {})


def _profile(user, unit_code, year, standards=None, boundaries=None):
    unit = _unit(user, unit_code)
    boundaries = boundaries_of(unit, boundaries)
    year = int(year) if year else (selectors.survey_years(unit, boundaries) or [None])[-1]
    standard = standard_of_year(standards or selectors.standards_by_year(), year) if year else None
    if standard is None:
        return unit, year, None, {}, {}, boundaries
    dimensions = DIMENSIONS.get(standard.code, {})
    names = [n for names in dimensions.values() for n in names]
    codes = [f"censored_{n}" for n in names] + ["mpi_headcount", "mpi_intensity", "mpi_m0"]
    values = selectors.indicator_values(codes, [unit], [year], boundaries=boundaries)
    return unit, year, standard, dimensions, {code: values.get((code, unit.pk, year)) for code in codes}, boundaries


def censored_chart(user, unit_code, year=None, standards=None, boundaries=None) -> Chart:
    unit, year, standard, dimensions, values, boundaries = _profile(user, unit_code, year, standards, boundaries)
    rows = []
    for dimension, names in dimensions.items():
        label = _dimension(dimension)
        for name in names:
            pair = values.get(f"censored_{name}")
            rows.append([indicator_name(name), label, _value(pair), _int(pair[0]) if pair else None])
    h, a, m0 = (_value(values.get(c), Indicator.Unit.INDEX) for c in ("mpi_headcount", "mpi_intensity", "mpi_m0"))
    note = (
        _(
            "Standard %(standard)s, cut-off k = %(k)s of %(n)s indicators, equal weights. H = %(h)s, A = %(a)s, "
            "M0 = %(m0)s. For analysis only: the official poor are also judged by income."
        )
        % {
            "standard": _short(standard),
            "k": standard.min_deprivations,
            "n": sum(len(v) for v in dimensions.values()),
            "h": display.number(h, 4),
            "a": display.number(a, 4),
            "m0": display.number(m0, 4),
        }
        if standard
        else _("No figures yet.")
    )
    figure = charts.censored_headcounts([tuple(r[:3]) for r in rows if r[2] is not None], _dimension_colours(), "")
    title = _("Censored headcount by indicator — %(unit)s, %(year)s") % {"unit": unit.name, "year": year}
    chart = Chart(
        "censored",
        title,
        figure,
        [
            Column(_("Indicator")),
            Column(_("Dimension")),
            Column("h_j(k)", PERCENT),
            Column(_("Number of households"), INTEGER),
        ],
        rows,
        note=note,
        params={"unit": unit.code, "year": year},
    )
    return _drawn(chart, boundaries, _year_estimated(unit, boundaries, year))


def dimensions_chart(user, unit_code, year=None, standards=None, boundaries=None) -> Chart:
    unit, year, standard, dimensions, values, boundaries = _profile(user, unit_code, year, standards, boundaries)
    c_sum = values.get("mpi_m0")[0] if values.get("mpi_m0") else 0
    rows = []
    for dimension, names in dimensions.items():
        count = sum(values[f"censored_{n}"][0] for n in names if values.get(f"censored_{n}"))
        share = _value((count, c_sum))
        rows.append([_dimension(dimension), share, _int(count)])
    figure = charts.dimension_shares([(r[0], r[1]) for r in rows if r[1] is not None], _dimension_colours(), "")
    title = _("Contribution of each dimension to M0 — %(unit)s, %(year)s") % {"unit": unit.name, "year": year}
    chart = Chart(
        "dimensions",
        title,
        figure,
        [Column(_("Dimension")), Column(_("Share of M0"), PERCENT), Column(_("Censored deprivations"), INTEGER)],
        rows,
        note=_("Equal weights: a dimension's share = the censored deprivations of its indicators / all of them."),
        params={"unit": unit.code, "year": year},
    )
    return _drawn(chart, boundaries, _year_estimated(unit, boundaries, year))


def transition_flows(values: dict, unit, year: int) -> list[tuple]:
    """(class before, class now, households, movement) of each stored movement into `year`: the re-poor households
    (out of both lists the year before, poor in some year before that) split off their class's flow into poor."""
    flows = []
    for b in BEFORE:
        for a in CLASSES:
            stored = values.get((transition_code(b, a), unit.pk, year))
            if stored is None:
                continue
            count, movement = _int(stored[0]), charts.movement_code(b, a)
            re_poor = values.get((re_poor_code(b), unit.pk, year)) if a == "poor" and b in RE_POOR_FROM else None
            if re_poor and re_poor[0]:
                flows.append((b, a, _int(re_poor[0]), "re_poor"))
                count -= _int(re_poor[0])
            if count:
                flows.append((b, a, count, movement))
    return flows


def latest_followed_year(years):
    """The latest survey year whose households can be followed from the year before (a review after a gap, such as
    2026 after 2022, has no movements to show); the latest year when none can."""
    followed = [year for year in years if year - 1 in years]
    return (followed or years or [None])[-1]


def transitions_chart(user, unit_code, year=None, standards=None, boundaries=None) -> Chart:
    unit = _unit(user, unit_code)
    boundaries = boundaries_of(unit, boundaries)
    year = int(year) if year else latest_followed_year(selectors.survey_years(unit, boundaries))
    codes = [transition_code(b, a) for b in BEFORE for a in CLASSES] + [re_poor_code(b) for b in RE_POOR_FROM]
    values = selectors.indicator_values(codes, [unit], [year], boundaries=boundaries)
    flows = transition_flows(values, unit, year)
    standards = standards or selectors.standards_by_year()
    crossing = year and standard_of_year(standards, year) != standard_of_year(standards, year - 1)
    note = (
        _("Re-poor: poor again after a year out of both lists, having been poor before %(year)s (%(n)s households).")
        % {"n": display.number(sum(f[2] for f in flows if f[3] == "re_poor")), "year": year - 1}
        if year
        else ""
    )
    if crossing:
        note += " " + _(
            "The two years fall under two different poverty standards: part of the movement comes from "
            "the change of standard."
        )
    rows = [[_class_name(b), _class_name(a), charts.movement(m), n] for b, a, n, m in flows]
    before = (year or 1) - 1
    figure = charts.sankey(flows, before, year or 0, "")
    title = _("Movements between %(before)s and %(year)s — %(unit)s") % {
        "before": before,
        "year": year,
        "unit": unit.name,
    }
    chart = Chart(
        "transitions",
        title,
        figure,
        [
            Column(_("Year %(year)s") % {"year": before}),
            Column(_("Year %(year)s") % {"year": year}),
            Column(_("Transition")),
            Column(_("Number of households"), INTEGER),
        ],
        rows,
        note=note.strip(),
        params={"unit": unit.code, "year": year},
    )
    return _drawn(chart, boundaries, _year_estimated(unit, boundaries, year))


def trend_chart(user, target_pk, unit_code=None, standards=None, boundaries=None) -> Chart:
    target = _target(user, target_pk)
    unit = _unit(user, unit_code) if unit_code else selectors.home_unit_for_user(user, target.plan.province)
    boundaries = boundaries_of(unit, boundaries)
    standards = standards or selectors.standards_by_year()
    indicator = target.indicator
    percent = indicator.unit == Indicator.Unit.PERCENT
    values = selectors.indicator_values([indicator.code], [unit], scope=target.scope, boundaries=boundaries)
    scope = target.scope
    if not values and indicator.kind == Indicator.Kind.REPORTED:
        values, scope = selectors.indicator_values([indicator.code], [unit]), Scope.PROVINCE
    points = []
    for (_code, _unit_pk, year), pair in sorted(values.items(), key=lambda kv: kv[0][2]):
        standard = standard_of_year(standards, year)
        value = _value(pair, indicator.unit)
        code = _short(standard) if standard else "—"
        points.append((year, value, code, pair))
    remeasured = target.baseline_value is not None and unit.parent_id is None
    of_baseline_year = standard_of_year(standards, target.baseline_year) if target.baseline_year else None
    if remeasured and of_baseline_year and of_baseline_year.pk != target.plan.standard_id:
        # The target is measured under the plan's standard: its baseline year is shown as re-measured under it,
        # not as it was measured under the standard of that year (never two standards on one target's chart).
        own = next(s for s in standards if s.pk == target.plan.standard_id)
        point = (target.baseline_year, float(target.baseline_value), _short(own), (None, None))
        points = sorted([p for p in points if p[0] != target.baseline_year] + [point], key=lambda p: p[0])
    baseline = next((v for y, v, _, _ in points if y == target.baseline_year), None)
    if getattr(standard_of_year(standards, target.baseline_year or 0), "pk", None) != target.plan.standard_id:
        baseline = None  # never chained across two standards
    goal = _goal_path(target, [p[0] for p in points], baseline, province=unit.parent_id is None)
    series = {indicator.display_name: [(y, v, c) for y, v, c, _pair in points]}
    marks = [(s.code, _short(s), s.first_year) for s in standards]
    figure = charts.rates_by_year(series, marks, "", [(_("Goal"), goal)] if goal else ())
    if not percent:
        figure["layout"]["yaxis"].update(ticksuffix="", tickformat=",d")
    rows = [[y, c, v, _int(pair[0]), _int(pair[1])] for y, v, c, pair in points]
    goal_by_year = dict(goal)
    for row in rows:
        row.append(goal_by_year.get(row[0]))
    kind = PERCENT if percent else INTEGER
    name = _scoped(indicator.display_name, scope)
    title = _("%(indicator)s over the years — %(unit)s") % {"indicator": name, "unit": unit.name}
    unit_name = "%" if percent else indicator.get_unit_display()
    estimated = {year for _u, year in selectors.estimated_figures([unit], boundaries, scope, codes=[indicator.code])}
    chart = Chart(
        "trend",
        title,
        figure,
        [
            Column(_("Year")),
            Column(_("Poverty standard")),
            Column(indicator.display_name, kind, unit_name),
            Column(_("Numerator"), INTEGER),
            Column(_("Denominator"), INTEGER),
            Column(_("Goal"), kind, unit_name),
        ],
        rows,
        note=_("Dotted line: the plan's goal (from the baseline year, for a target of change per year).")
        if goal
        else "",
        params={"target": target.pk, "unit": unit.code},
    )
    return _drawn(chart, boundaries, _estimated(estimated, {}))


def reported_chart(user, target_pk, unit_code=None, boundaries=None) -> Chart:
    target = _target(user, target_pk)
    unit = _unit(user, unit_code) if unit_code else selectors.home_unit_for_user(user, target.plan.province)
    year = target.plan.year_end
    boundaries = boundaries_of(unit, boundaries or RECORDED)
    estimated = False
    if selectors.redrawn_units([unit], boundaries):
        points, estimated = reported_points_today(target.indicator_id, unit, year)
    else:
        points = selectors.reported_points(target.indicator_id, unit, year)
    goal = float(target.value) if target.value is not None and unit.parent_id is None else None
    name = target.indicator.display_name
    figure = charts.cumulative_by_month(points, goal, "", name)
    monthly = [0.0] * 12
    for month, value in points:
        monthly[(month or 12) - 1] += float(value)
    rows, running = [], 0.0
    for m, value in enumerate(monthly, start=1):
        running += value
        rows.append([_("Month %(month)s/%(year)s") % {"month": m, "year": year}, value, running])
    title = _("%(indicator)s: reports cumulated by month, %(year)s — %(unit)s") % {
        "indicator": name,
        "year": year,
        "unit": unit.name,
    }
    chart = Chart(
        "reported",
        title,
        figure,
        [
            Column(_("Month")),
            Column(_("In the month"), INTEGER, target.indicator.get_unit_display()),
            Column(_("Cumulated"), INTEGER, target.indicator.get_unit_display()),
        ],
        rows,
        note=_("A whole-year report (no month given) counts in December."),
        params={"target": target.pk, "unit": unit.code},
    )
    return _drawn(chart, boundaries, _estimated({year} if estimated else set(), {}))


COMPARE_CODES = [
    "poor_rate",
    "near_poor_rate",
    "poor_health_insurance",
    "poor_hygienic_water",
    "poor_hygienic_latrine",
    "trained_labour_share",
    "dimension_health",
    "dimension_education",
    "dimension_housing",
    "dimension_water_sanitation",
    "dimension_information",
]


def compare_chart(user, unit_codes: list[str]) -> Chart:
    units = [selectors.get_unit_for_user(user, code) for code in dict.fromkeys(unit_codes)]
    if len(units) < 2:
        raise Http404("choose two units or more")
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=COMPARE_CODES)}
    drawn = {u.pk: boundaries_of(u) for u in units}  # each unit in its own: today's, or as recorded if it ceased
    values = {}
    for boundaries in set(drawn.values()):
        values.update(
            selectors.indicator_values(
                COMPARE_CODES, [u for u in units if drawn[u.pk] == boundaries], boundaries=boundaries
            )
        )
    latest = {u.pk: max((y for (_, uid, y) in values if uid == u.pk), default=None) for u in units}
    shared = [c for c in COMPARE_CODES if c in indicators and all((c, u.pk, latest[u.pk]) in values for u in units)]
    bars = [(f"{u.name} ({latest[u.pk]})", [_value(values[(c, u.pk, latest[u.pk])]) for c in shared]) for u in units]
    figure = charts.compare_bars([indicators[c].display_name for c in shared], bars, "")
    rows = [[indicators[c].display_name, *[_value(values[(c, u.pk, latest[u.pk])]) for u in units]] for c in shared]
    chart = Chart(
        "compare",
        _("Units compared on the indicators they share"),
        figure,
        [Column(_("Indicator")), *[Column(f"{u.name} ({latest[u.pk]})", PERCENT) for u in units]],
        rows,
        note=_("Each unit at its latest review year with figures; only the indicators every unit has."),
        params={"units": ",".join(u.code for u in units)},
    )
    chart.boundaries = "; ".join(
        sorted({f"{boundaries_label(drawn[u.pk])}: {u.name}" for u in units})
        if len(set(drawn.values())) > 1
        else {boundaries_label(next(iter(drawn.values())))}
    )
    estimated = {u.name for u in units if selectors.estimated_figures([u], drawn[u.pk], years=[latest[u.pk]])}
    chart.note = " ".join(part for part in (_estimated(estimated, {}), chart.note) if part)
    return chart


BUILDERS = {
    "rates": lambda user, p: rates_chart(user, p["unit"], boundaries=p.get("boundaries")),
    "breakdown": lambda user, p: breakdown_chart(
        user,
        p["unit"],
        p.get("indicator", "poor_rate"),
        p.get("year"),
        p.get("scope", Scope.PROVINCE),
        selectors.get_target_for_user(user, p["target"]) if p.get("target") else None,
        boundaries=p.get("boundaries"),
    ),
    "ethnic": lambda user, p: ethnic_chart(user, p["unit"], p.get("year"), p.get("boundaries")),
    "censored": lambda user, p: censored_chart(user, p["unit"], p.get("year"), boundaries=p.get("boundaries")),
    "dimensions": lambda user, p: dimensions_chart(user, p["unit"], p.get("year"), boundaries=p.get("boundaries")),
    "transitions": lambda user, p: transitions_chart(user, p["unit"], p.get("year"), boundaries=p.get("boundaries")),
    "trend": lambda user, p: trend_chart(user, p["target"], p.get("unit"), boundaries=p.get("boundaries")),
    "reported": lambda user, p: reported_chart(user, p["target"], p.get("unit"), boundaries=p.get("boundaries")),
    "compare": lambda user, p: compare_chart(user, p["units"].split(",")),
}


def build(key: str, user, params) -> Chart:
    """The chart `key` from query parameters (the download view rebuilds what the page showed)."""
    if key not in BUILDERS:
        raise Http404("unknown chart")
    try:
        return BUILDERS[key](user, params)
    except (KeyError, ValueError) as error:
        raise Http404(f"missing or wrong parameter: {error}") from error
