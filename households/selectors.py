"""Reads over household records: Alkire–Foster measures and year-over-year transitions."""

from collections import Counter, defaultdict

from django.db.models import Exists, OuterRef, Q

from areas.models import Unit

from .models import Household
from .standards import transitions as t
from .standards.alkire_foster import measures, measures_by_group
from .standards.builtin import DIMENSIONS
from .standards.transitions import transitions


def households_in(unit: Unit, year: int):
    return Household.objects.filter(unit__path__startswith=unit.path, survey_year=year)


def alkire_foster(unit: Unit, year: int, by: str | None = None):
    """H, A, M0 and headcounts over a unit's households in a year; `by` = "area" (child units) or
    "ethnicity" breaks it down by subgroup."""
    households = households_in(unit, year).select_related("standard")
    first = households.first()
    if first is None:
        return None
    standard = first.standard.to_engine()
    dimensions = DIMENSIONS.get(standard.code)
    k = standard.min_deprivations / len(standard.indicators)
    if by is None:
        return measures((set(d) for d in households.values_list("deprivations", flat=True)),
                        standard.indicators, dimensions, k)
    if by == "ethnicity":
        rows = ((e, set(d)) for e, d in households.values_list("ethnicity", "deprivations"))
    elif by == "area":
        depth = unit.depth + 1
        rows = ((path.split("/")[depth], set(d)) for path, d in households.values_list("unit__path", "deprivations"))
    else:
        raise ValueError(f"unknown breakdown {by!r}")
    return measures_by_group(rows, standard.indicators, dimensions, k)


def transition_counts(unit: Unit, year: int, by_area: bool = True) -> dict:
    """Counts of each movement into `year`, for the unit and (by_area) for each unit directly under it."""
    depth = unit.depth + 1
    history = defaultdict(dict)
    where = {}
    rows = Household.objects.filter(unit__path__startswith=unit.path, survey_year__lte=year).values_list(
        "code", "survey_year", "classification", "unit__path")
    for code, survey_year, classification, path in rows:
        history[code][survey_year] = classification
        if survey_year == year:
            parts = path.split("/")
            where[code] = parts[depth] if by_area and len(parts) > depth + 1 else unit.code
    total, by_child = Counter(), defaultdict(Counter)
    for code, child in where.items():
        movement = transitions(history[code], year)
        total[movement] += 1
        by_child[child][movement] += 1
    return {"total": dict(total), "by_area": {k: dict(v) for k, v in by_child.items()}}


def filter_by_movement(households, movement: str):
    """Households (of any survey year) whose report movement into their year is `movement`, one of
    transitions.POOR_MOVEMENTS or NEAR_POOR_MOVEMENTS: the database form of transitions.report_movements,
    for the household list's `?transition=` and the review report's links."""
    previous = Household.objects.filter(code=OuterRef("code"), survey_year=OuterRef("survey_year") - 1)

    def was(classification):
        return Exists(previous.filter(classification=classification))

    def earlier(classification):
        return Exists(Household.objects.filter(code=OuterRef("code"), survey_year__lt=OuterRef("survey_year") - 1,
                                               classification=classification))

    out_of_both = Exists(previous) & ~was(t.POOR) & ~was(t.NEAR_POOR)
    poor, near = Q(classification=t.POOR), Q(classification=t.NEAR_POOR)
    returned_poor, returned_near = out_of_both & earlier(t.POOR), out_of_both & earlier(t.NEAR_POOR)
    conditions = {
        t.ESCAPED: ~poor & was(t.POOR),
        t.STILL_POOR: poor & was(t.POOR),
        t.RE_POOR_MOVEMENT: poor & returned_poor,
        t.NEWLY_POOR_MOVEMENT: poor & ~was(t.POOR) & ~returned_poor,
        t.ESCAPED_NEAR: ~near & ~poor & was(t.NEAR_POOR),
        t.STILL_NEAR_POOR: near & was(t.NEAR_POOR),
        t.RE_NEAR_POOR: near & returned_near,
        t.NEWLY_NEAR_POOR_MOVEMENT: near & ~was(t.NEAR_POOR) & ~returned_near,
    }
    if movement not in conditions:
        raise ValueError(f"unknown movement {movement!r}")
    return households.filter(conditions[movement])
