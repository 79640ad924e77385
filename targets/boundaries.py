"""Figures in today's boundaries (issue 24, point 3): the stored household counts of the units a review recorded,
mapped into the units in force today by the succession table (areas.selectors.weights_today), summed up today's
tree, and turned into indicator values after summing — never an average of rates. A count shared out by the
table's shares of households (not a village that moved whole) makes every figure it reaches an estimate.

Stored like every figure (CurrentBoundaryValue), for the provinces in force today that the reform redrew, and
refreshed in the same transaction as the recorded figures they come from: a run over a province also refreshes,
for the same years, every province in force today that its units went into. Read from the stored GroupSum rows
only, never households. Elsewhere the recorded figures are today's (readers fall back to ComputedValue).
"""

import os
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Q

from areas.models import Unit, UnitSuccession
from areas.selectors import weights_today
from households.standards.records import standard_of_year
from povertyplan.bulk import copy_rows

from .figures import UnitTree, household_scopes
from .models import CurrentBoundaryValue, GroupSum, Indicator, ReportedValue

CURRENT, RECORDED = "current", "recorded"
ONE = Decimal(1)


def _province_path(path: str) -> str:
    return path.split("/", 1)[0] + "/"


def provinces_drawn_from(province: Unit) -> list[Unit]:
    """The provinces in force today whose figures in today's boundaries take counts from `province`'s units: those
    its units went into, and itself when it is in force and the reform redrew it (gave or took units)."""
    under = Q(old__path__startswith=province.path) | Q(new__path__startswith=province.path)
    rows = UnitSuccession.objects.filter(under).values_list("old__path", "new__path")
    paths = {_province_path(new) for old, new in rows if old.startswith(province.path)}
    if rows and province.valid_to is None:
        paths.add(province.path)
    return list(Unit.objects.filter(path__in=paths, parent__isnull=True, valid_to__isnull=True).order_by("path"))


def _source_paths(province: Unit) -> set[str]:
    """The province and every province whose units went into it, along chains of successions."""
    paths, todo = {province.path}, [province.path]
    while todo:
        path = todo.pop()
        olds = UnitSuccession.objects.filter(new__path__startswith=path).values_list("old__path", flat=True)
        for found in {_province_path(old) for old in olds} - paths:
            paths.add(found)
            todo.append(found)
    return paths


def map_groups(groups: list[dict], weights: dict, in_force: set) -> list[tuple[dict, Decimal]]:
    """Each stored group's row moved to the unit in force today it counts in, with its weight (a group whose unit
    was shared out goes to each new unit with its share); groups counting in no unit of `in_force` are left out."""
    moved = []
    for group in groups:
        for new_id, weight in weights.get(group["unit_id"], [(group["unit_id"], ONE)]):
            if new_id in in_force and weight:
                moved.append(({**group, "unit_id": new_id}, weight))
    return moved


def current_totals(tree: UnitTree, moved) -> tuple[dict, set]:
    """{unit: {scope: Counter}} of today's units (the mapped groups summed per today's leaf group, then added to its
    unit and every unit above, in the scopes of its unit today), and the (unit, scope) pairs an estimated count
    reached. Counters hold Decimals where a share multiplied them: rates are computed from these sums."""
    leaves, shared = defaultdict(Counter), set()
    for row, weight in moved:
        key = (row["unit_id"], row["ethnicity"], row["area_type"])
        numbers = {k: v for k, v in row.items() if k not in ("unit_id", "ethnicity", "area_type")}
        if weight != ONE:
            numbers = {k: v * weight for k, v in numbers.items()}
            shared.add(key)
        leaves[key].update(numbers)
    totals = defaultdict(lambda: defaultdict(Counter))
    estimated = set()
    for key, numbers in leaves.items():
        unit_id, ethnicity, area_type = key
        scopes = household_scopes(tree, {"unit_id": unit_id, "ethnicity": ethnicity, "area_type": area_type})
        for ancestor in tree.lineage[unit_id]:
            for scope in scopes:
                totals[ancestor][scope].update(numbers)
                if key in shared:
                    estimated.add((ancestor, scope))
    return totals, estimated


def _groups(paths, year: int) -> list[dict]:
    under = Q()
    for path in paths:
        under |= Q(unit__path__startswith=path)
    return [
        {**sums, "unit_id": unit_id, "ethnicity": ethnicity, "area_type": area_type}
        for unit_id, ethnicity, area_type, sums in GroupSum.objects.filter(under, year=year).values_list(
            "unit_id", "ethnicity", "area_type", "sums"
        )
    ]


def refresh_province(province: Unit, years, ctx, run_id, changed: dict | None = None) -> int:
    """Replace the figures in today's boundaries of a province in force today for `years`, from the stored sums of
    it and of the provinces whose units went into it: every unit's, or for a year in `changed` ({year: ids of the
    recorded units whose households changed}) only those of the units in force those units count in and every
    unit above them (the rest cannot have moved). Takes the province's row lock (runs of two old provinces merged
    into it follow each other). Returns the rows written."""
    from .sums import figure_rows

    Unit.objects.select_for_update().get(pk=province.pk)
    years = sorted(set(years))
    tree = UnitTree(province)
    in_force = {pk for pk, unit in tree.by_id.items() if unit.valid_to is None}
    reached = {year: _reached(tree, in_force, ids, year) for year, ids in (changed or {}).items() if year in years}
    stored = CurrentBoundaryValue.objects.filter(unit__path__startswith=province.path)
    stored.filter(year__in=[year for year in years if year not in reached]).delete()
    for year, unit_ids in reached.items():
        stored.filter(year=year, unit_id__in=unit_ids).delete()
    sources = _source_paths(province)
    rows = []
    for year in years:
        reported = reported_current_rows(tree, in_force, sources, year)
        rows += [(*row, run_id) for row in reported if year not in reached or row[1] in reached[year]]
        standard = standard_of_year(ctx.standards, year)
        if standard is None:
            continue
        groups = _groups(sources, year)
        weights = weights_today({g["unit_id"] for g in groups}, year)
        totals, estimated = current_totals(tree, map_groups(groups, weights, in_force))
        if year in reached:
            totals = {unit_id: scopes for unit_id, scopes in totals.items() if unit_id in reached[year]}
        rows += [
            (*row, (row[1], row[3]) in estimated, run_id) for row in figure_rows(totals, year, standard, ctx.indicators)
        ]
    copy_rows(
        CurrentBoundaryValue,
        ["indicator_id", "unit_id", "year", "scope", "numerator", "denominator", "estimated", "run_id"],
        [(*row[:4], _cents(row[4]), _cents(row[5]), *row[6:]) for row in rows],
    )
    return len(rows)


def _reached(tree: UnitTree, in_force: set, unit_ids, year: int) -> set:
    """The units of the tree whose figures in today's boundaries count the recorded units `unit_ids` of `year`
    (their households or their reports): the units in force each goes into (reported_weights: a ceased district
    counts in the unit holding its communes) and every unit above them."""
    reached = set()
    for goes_to in reported_weights(unit_ids, year, in_force).values():
        for new_id, _weight in goes_to:
            reached.update(tree.lineage[new_id])
    return reached


def reported_current_rows(tree: UnitTree, in_force: set, sources, year: int) -> list[tuple]:
    """The reported values of `year` of the units under `sources` in today's boundaries of the tree: each value
    moved to the units in force today it counts in (reported_weights), times the weight, then summed up today's tree
    in the scopes of today's units as targets.figures.reported_rows sums the recorded ones — numerators and
    denominators apart, the rate after summing. Rows (indicator, unit, year, scope, numerator, denominator,
    estimated): estimated where a share of households moved a value."""
    under = Q()
    for path in sources:
        under |= Q(unit__path__startswith=path)
    values = list(
        ReportedValue.objects.filter(under, year=year).values_list(
            "indicator_id", "indicator__unit", "unit_id", "value", "numerator", "denominator"
        )
    )
    if not values:
        return []
    weights = reported_weights({unit_id for _i, _u, unit_id, *_rest in values}, year, in_force)
    totals = defaultdict(lambda: [Decimal(0), None, False])
    for indicator_id, indicator_unit, unit_id, value, numerator, denominator in values:
        percent = indicator_unit == Indicator.Unit.PERCENT
        if percent and denominator:
            num, den = numerator, denominator
        elif percent:
            num, den = value, Decimal(100)  # a rate given without its parts: several such reports average
        else:
            num, den = value, None
        for new_id, weight in weights.get(unit_id, ()):
            for ancestor in tree.lineage[new_id]:
                for scope in tree.unit_scopes[new_id]:
                    total = totals[(indicator_id, ancestor, scope)]
                    total[0] += num * weight
                    if den is not None:
                        total[1] = (total[1] or 0) + den * weight
                    total[2] = total[2] or weight != ONE
    return [
        (indicator_id, unit_id, year, scope, num, den, estimated)
        for (indicator_id, unit_id, scope), (num, den, estimated) in totals.items()
    ]


def reported_weights(unit_ids, year: int, in_force: set) -> dict[int, list[tuple[int, Decimal]]]:
    """Where a value a unit reported for `year` counts today: {unit id: [(unit in force today, weight)]}. The
    succession table's weights (weights_today) when the unit or one above it was redrawn; the unit itself while in
    force; else — a unit that ceased with no successor of its own, a district whose communes were shared out — the
    lowest unit in force today that holds every unit its own units went into (the province), whole: a district's
    figure cannot be split between communes."""
    weights = weights_today(unit_ids, year)
    result = {}
    for unit in Unit.objects.filter(pk__in=list(unit_ids)):
        if unit.pk in weights:  # shares going to another province count in that province's refresh
            result[unit.pk] = [(new, weight) for new, weight in weights[unit.pk] if weight and new in in_force]
        elif unit.pk in in_force:
            result[unit.pk] = [(unit.pk, ONE)]
        elif (holder := _holder_today(unit, in_force)) is not None:
            result[unit.pk] = [(holder, ONE)]
    return result


def reported_points_today(indicator_id, unit: Unit, year: int) -> tuple[list[tuple], bool]:
    """(month, value) of the reports of `year` that count in `unit` (in force, of a redrawn province) in today's
    boundaries — every report of the units its province was drawn from, times its weight into the unit's subtree
    (reported_weights) — and whether a share moved any of them."""
    province = Unit.objects.get(path=_province_path(unit.path))
    today = dict(Unit.objects.filter(path__startswith=province.path, valid_to__isnull=True).values_list("pk", "path"))
    under = Q()
    for path in _source_paths(province):
        under |= Q(unit__path__startswith=path)
    reports = list(
        ReportedValue.objects.filter(under, indicator_id=indicator_id, year=year).values_list(
            "unit_id", "month", "value"
        )
    )
    weights = reported_weights({unit_id for unit_id, _m, _v in reports}, year, set(today))
    points, estimated = [], False
    for unit_id, month, value in reports:
        inside = [weight for new, weight in weights.get(unit_id, ()) if today[new].startswith(unit.path)]
        if inside:
            points.append((month, sum(value * weight for weight in inside)))
            estimated = estimated or any(weight != ONE for weight in inside)
    return points, estimated


def _holder_today(unit: Unit, in_force: set) -> int | None:
    """The deepest unit in force of `in_force` whose subtree holds every unit the units under `unit` went into."""
    paths = list(UnitSuccession.objects.filter(old__path__startswith=unit.path).values_list("new__path", flat=True))
    if not paths:
        return None
    common = os.path.commonprefix([path.strip("/").split("/") for path in paths])  # element-wise on lists
    holders = Unit.objects.filter(
        path__in=["/".join(common[: i + 1]) + "/" for i in range(len(common))], pk__in=in_force
    ).order_by("-depth")
    return holders.values_list("pk", flat=True).first()


def _cents(value):
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def refresh_drawn_from(province: Unit, years, ctx, run_id, changed: dict | None = None) -> int:
    """After a run over `province`: refresh today's boundaries of every province drawn from it, for those years
    (for a year in `changed`, only where its changed units count: refresh_province)."""
    if not years:
        return 0
    return sum(refresh_province(target, years, ctx, run_id, changed) for target in provinces_drawn_from(province))


# -- reading ----------------------------------------------------------------------------------------------------


def default_boundaries(unit: Unit) -> str:
    """A unit in force today shows its history in today's boundaries; a unit that ceased, as recorded."""
    return CURRENT if unit.valid_to is None else RECORDED


def redrawn(unit: Unit) -> bool:
    """Whether the unit has figures in today's boundaries of its own (its province was redrawn): else today's
    boundaries are the recorded ones."""
    return unit.valid_to is None and CurrentBoundaryValue.objects.filter(unit=unit).exists()


def values_model(unit: Unit, boundaries: str):
    """The stored figures a view of the unit in these boundaries reads."""
    from .models import ComputedValue

    return CurrentBoundaryValue if boundaries == CURRENT and redrawn(unit) else ComputedValue


def value_rows(narrow, boundaries: str | None = None):
    """The stored values as rows (dicts) in these boundaries, each saying which boundaries it is drawn in and whether
    it is estimated; `narrow(queryset)` applies the caller's filters (the user's area, unit, year …) to either
    table. Recorded: the figures as the reviews recorded them. Current (the default): each unit in force today in
    today's boundaries — re-aggregated where the reform redrew its province, else its recorded figures, which are
    today's — and each unit that ceased as recorded. One query (a UNION), ordered and sliced by the database."""
    from django.db.models import BooleanField, Case, CharField, Exists, F, OuterRef, Value, When

    from .models import ComputedValue

    def rows(queryset, boundaries, estimated):
        # the same annotations in the same order on both sides: a UNION matches columns by position
        return queryset.annotate(
            indicator_code=F("indicator__code"),
            indicator_unit=F("indicator__unit"),
            unit_code=F("unit__code"),
            unit_name=F("unit__name"),
            unit_path=F("unit__path"),
            boundaries=boundaries,
            is_estimated=estimated,
        ).values(
            "year",
            "scope",
            "numerator",
            "denominator",
            "indicator_code",
            "indicator_unit",
            "unit_code",
            "unit_name",
            "unit_path",
            "boundaries",
            "is_estimated",
        )

    order = ("unit_path", "year", "scope", "indicator_code")
    recorded = narrow(ComputedValue.objects.all())
    no = Value(False, BooleanField())
    if boundaries == RECORDED:
        return rows(recorded, Value(RECORDED, CharField()), no).order_by(*order)
    in_force = Case(
        When(unit__valid_to__isnull=True, then=Value(CURRENT)), default=Value(RECORDED), output_field=CharField()
    )
    kept = rows(recorded.filter(~Exists(CurrentBoundaryValue.objects.filter(unit=OuterRef("unit")))), in_force, no)
    current = rows(narrow(CurrentBoundaryValue.objects.all()), Value(CURRENT, CharField()), F("estimated"))
    return current.union(kept, all=True).order_by(*order)
