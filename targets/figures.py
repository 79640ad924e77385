"""What a recompute computes from the records, for both of its paths (targets.sums: the full rebuild and the
incremental run): the household sums of one grouped query, the province's unit tree and the scopes a household
falls in, the formulas that turn rolled-up sums into indicator values, the reported values summed up the tree,
and the plans' attainment. Reads only: the runs in targets.sums write what these return."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from areas.models import Unit
from households.models import Household, PovertyStandard
from households.standards.builtin import DIMENSIONS
from households.standards.facts import DEPRIVATION_BITS
from households.standards.records import standard_of_year

from .engine import Goal, Observation, assess, indicator_value
from .models import Attainment, ComputedValue, Indicator, Plan, ReportedValue, Scope, Target

# An incomplete classification (answers missing that could make a near-poor household poor) is counted apart,
# in neither class: the officer is asked to finish the survey.
INCOMPLETE = Q(incomplete=True)
POOR, NEAR = Q(classification="poor"), Q(classification="near_poor", incomplete=False)
DETAIL = Q(insured_members__isnull=False)
POOR_SERVICE_DEPRIVATIONS = {  # indicator: deprivations whose absence it counts among poor households
    "poor_hygienic_water": ("water",),
    "poor_hygienic_latrine": ("latrine",),
    "poor_telecom": ("telecom",),
    "poor_information_assets": ("information_assets", "information_means"),
}
# indicator: (numerator key, denominator key) in the rolled-up sums
FORMULAS = {
    "poor_rate": ("poor", "n"),
    "near_poor_rate": ("near", "n"),
    "poor_health_insurance": ("poor_insured", "poor_people"),
    "near_poor_health_insurance": ("near_insured", "near_people"),
    "poor_temporary_housing": ("poor_dep_housing_quality", "poor"),
    **{code: (f"{code}_ok", "poor") for code in POOR_SERVICE_DEPRIVATIONS},
    "trained_labour_share": ("trained", "working"),
    "vocational_labour_share": ("vocational", "working"),
    "poor_near_poor_steady_work": ("pn_steady", "pn_known"),
    "mpi_headcount": ("q", "n"),
    "mpi_intensity": ("c_sum", "q_d"),
    "mpi_m0": ("c_sum", "n_d"),
}


def formulas_for(standard: PovertyStandard) -> dict:
    """FORMULAS with the standard's own indicators: the censored headcount of each, the deprivation rate of
    each dimension."""
    formulas = dict(FORMULAS)
    for name in standard.indicator_rules:
        formulas[f"censored_{name}"] = (f"censored_{name}", "n")
    for dim in DIMENSIONS.get(standard.code, {}):
        formulas[f"dimension_{dim}"] = (f"dimension_{dim}", "n")
    return formulas


def _mask(names) -> int:
    mask = 0
    for name in names:
        mask |= DEPRIVATION_BITS[name]
    return mask


def _deprived(alias: str) -> Q:
    return Q(**{f"{alias}__gt": 0})


def household_sums(unit: Unit, year: int, standard: PovertyStandard, unit_ids=None) -> list[dict]:
    """One grouped query: sums per (unit, ethnicity, area type) over the households of the subtree, or of
    the units `unit_ids` only (their own households, not their subtrees)."""
    k = standard.min_deprivations
    indicators = sorted(standard.indicator_rules)
    dimensions = DIMENSIONS.get(standard.code, {})
    masks = {f"m_{name}": _mask([name]) for name in indicators}
    masks.update({f"md_{dim}": _mask(names) for dim, names in dimensions.items()})
    af_poor = Q(deprivation_count__gte=k)
    aggregates = {
        "n": Count("id"),
        "poor": Count("id", filter=POOR),
        "near": Count("id", filter=NEAR),
        "incomplete_count": Count("id", filter=INCOMPLETE),  # not "incomplete": the filters read that field
        "poor_people": Sum("member_count", filter=POOR & DETAIL),
        "poor_insured": Sum("insured_members", filter=POOR & DETAIL),
        "near_people": Sum("member_count", filter=NEAR & DETAIL),
        "near_insured": Sum("insured_members", filter=NEAR & DETAIL),
        "working": Sum("working_age_members"),
        "trained": Sum("trained_workers"),
        "vocational": Sum("vocational_workers"),
        "pn_known": Count("id", filter=(POOR | NEAR) & Q(has_steady_worker__isnull=False)),
        "pn_steady": Count("id", filter=(POOR | NEAR) & Q(has_steady_worker=True)),
        "q": Count("id", filter=af_poor),
        "c_sum": Sum("deprivation_count", filter=af_poor),
    }
    for name in indicators:
        aggregates[f"poor_dep_{name}"] = Count("id", filter=POOR & _deprived(f"m_{name}"))
        aggregates[f"censored_{name}"] = Count("id", filter=af_poor & _deprived(f"m_{name}"))
    for dim in dimensions:
        aggregates[f"dimension_{dim}"] = Count("id", filter=_deprived(f"md_{dim}"))
    households = Household.objects.filter(survey_year=year)
    if unit_ids is None:
        households = households.filter(unit__path__startswith=unit.path)
    else:
        households = households.filter(unit_id__in=list(unit_ids))
    rows = (
        households.alias(**{alias: F("deprivation_mask").bitand(mask) for alias, mask in masks.items()})
        .values("unit_id", "ethnicity", "area_type")
        .annotate(**aggregates)
        .order_by()
    )
    result = []
    for row in rows:
        row = {key: value or 0 for key, value in row.items()}
        row["q_d"] = row["q"] * len(indicators)
        row["n_d"] = row["n"] * len(indicators)
        for code, names in POOR_SERVICE_DEPRIVATIONS.items():
            deprived = max((row.get(f"poor_dep_{name}", 0) for name in names), default=0)
            row[f"{code}_ok"] = row["poor"] - deprived
        result.append(row)
    return result


class UnitTree:
    """The province's units by id, with each unit's ancestors and the unit-based scopes it falls in."""

    def __init__(self, province: Unit):
        units = list(Unit.objects.subtree(province).order_by("depth"))
        self.by_code = {u.code: u for u in units}
        self.by_id = {u.id: u for u in units}
        self.lineage, self.unit_scopes, self.children = {}, {}, defaultdict(list)
        for u in units:
            if u.parent_id in self.by_id:
                self.children[u.parent_id].append(u.id)
            chain = [self.by_code[code] for code in u.path.strip("/").split("/") if code in self.by_code]
            self.lineage[u.id] = [a.id for a in chain]
            scopes = {Scope.PROVINCE}
            if any(a.poor_district for a in chain):
                scopes.add(Scope.POOR_DISTRICTS)
            if any(a.poor_commune for a in chain):
                scopes.add(Scope.POOR_COMMUNES)
            if any(a.extremely_difficult or a.coastal_or_island for a in chain):
                scopes.add(Scope.DIFFICULT_COMMUNES)
            self.unit_scopes[u.id] = scopes


def household_scopes(tree: UnitTree, row) -> set:
    scopes = set(tree.unit_scopes[row["unit_id"]]) | {row["area_type"]}
    if row["ethnicity"] != "kinh":
        scopes.add(Scope.ETHNIC_MINORITY)
    if row["ethnicity"] == "khmer":
        scopes.add(Scope.KHMER)
    return scopes


def reported_rows(tree: UnitTree, year: int, indicators) -> list[tuple]:
    """Reported values summed up the tree. Shares add numerators and denominators; a rate reported
    without them counts as value/100, so several such reports average."""
    totals = defaultdict(lambda: [Decimal(0), None])
    values = ReportedValue.objects.filter(unit_id__in=tree.by_id, year=year).select_related("indicator")
    for rv in values:
        percent = rv.indicator.unit == Indicator.Unit.PERCENT
        if percent and rv.denominator:
            num, den = rv.numerator, rv.denominator
        elif percent:
            num, den = rv.value, Decimal(100)
        else:
            num, den = rv.value, None
        for unit_id in tree.lineage[rv.unit_id]:
            for scope in tree.unit_scopes[rv.unit_id]:
                total = totals[(rv.indicator_id, unit_id, scope)]
                total[0] += num
                if den is not None:
                    total[1] = (total[1] or 0) + den
    return [(ind, unit_id, year, scope, num, den) for (ind, unit_id, scope), (num, den) in totals.items()]


def plan_elapsed(plan: Plan, today: date) -> Decimal:
    start, end = date(plan.year_start, 1, 1), date(plan.year_end, 12, 31)
    if today >= end:
        return Decimal(1)
    if today <= start:
        return Decimal(0)
    return Decimal((today - start).days) / Decimal((end - start).days + 1)


def _observed(values, indicator_id, year, scope):
    """(value, numerator, denominator) of the indicator in the province's stored rows, or three Nones."""
    found = values.get((indicator_id, year, scope))
    if found is None:
        return None, None, None
    num, den, unit = found
    return indicator_value(num, den, unit), num, den


def standard_ids_by_year(years) -> dict[int, int | None]:
    """The id of the standard of each review year (None where none applies), in one query."""
    standards = list(PovertyStandard.objects.all())
    return {year: getattr(standard_of_year(standards, year), "pk", None) for year in years}


def attainments_for(
    plan: Plan, today: date, run_id, unit: Unit | None = None, targets=None, values_model=ComputedValue
) -> list[Attainment]:
    """The attainment of the plan's targets (or of `targets`, some of them) in its last year, for the province
    (what a run stores) or for a unit below it (what an officer of that unit reads, from its stored figures). A
    unit below the province is judged by the same goals, from its own figures: its own baseline, where the
    baseline year falls under the plan's standard (the target's stored baseline is the province's); a count goal,
    set for the province and not divided among its units, is no goal of the unit's (docs/attainment.md).
    `values_model`: the stored figures read (CurrentBoundaryValue: in today's boundaries)."""
    unit = unit or plan.province
    part = unit.pk != plan.province_id
    targets = list(targets if targets is not None else plan.targets.select_related("indicator", "share_indicator"))
    year = plan.year_end
    years = set(range(year - 4, year + 1)) | {t.baseline_year for t in targets if t.baseline_year}
    indicator_ids = {t.indicator_id for t in targets} | {t.share_indicator_id for t in targets if t.share_indicator_id}
    values = {
        (cv.indicator_id, cv.year, cv.scope): (cv.numerator, cv.denominator, cv.indicator.unit)
        for cv in values_model.objects.filter(unit=unit, year__in=years, indicator_id__in=indicator_ids).select_related(
            "indicator"
        )
    }
    elapsed = plan_elapsed(plan, today)
    same_standard = {y for y, standard_id in standard_ids_by_year(years).items() if standard_id == plan.standard_id}
    result = []
    for target in targets:
        scope = target.scope
        if target.indicator.kind == Indicator.Kind.REPORTED and (target.indicator_id, year, scope) not in values:
            scope = Scope.PROVINCE  # a province-wide report already describes its population
        actual, num, den = _observed(values, target.indicator_id, year, scope)
        baseline = None if part else target.baseline_value
        if baseline is None and target.baseline_year in same_standard:
            baseline = _observed(values, target.indicator_id, target.baseline_year, scope)[0]
        share = None
        if target.share_indicator_id:
            share = _observed(values, target.share_indicator_id, year, Scope.PROVINCE)[0]
        goal = Goal(
            target.shape,
            target.operator,
            target.value if target.value is not None else Decimal(0),
            target.value_max,
            target.direction,
            target.share_operator,
            target.share_value,
        )
        years = year - target.baseline_year if target.baseline_year else 1
        history = tuple(
            (y, _observed(values, target.indicator_id, y, scope)[0])
            for y in range(year - 4, year + 1)
            if (target.indicator_id, y, scope) in values and y in same_standard
        )
        of_total = part and target.value_unit == Target.ValueUnit.COUNT
        outcome = assess(goal, Observation(actual, elapsed, baseline, years, share, history, year, of_total))
        result.append(
            Attainment(
                target=target,
                year=year,
                status=outcome.status,
                run_id=run_id,
                actual=None if actual is None else round(actual, 4),
                progress=None if outcome.progress is None else min(round(outcome.progress, 2), Decimal("99999")),
                explanation={
                    "numerator": None if num is None else str(num),
                    "denominator": None if den is None else str(den),
                    "scope": scope,
                    "year": year,
                    "baseline": None if baseline is None else str(round(baseline, 4)),
                    "baseline_year": target.baseline_year,
                    "baseline_standard": None if baseline is None else plan.standard.code,
                    "share": None if share is None else str(round(share, 2)),
                    "elapsed": str(round(elapsed, 3)),
                    "measured": None if outcome.measured is None else str(round(outcome.measured, 4)),
                    "rule": outcome.rule,
                    "run": run_id,
                    "unit": unit.code,
                    **({"unit_name": unit.name} if part else {}),
                },
            )
        )
    return result
