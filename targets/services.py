"""Writes of computed figures: indicator values for every unit × year × scope, and attainment.

Recompute, never increment: each run replaces a province's figures for the years it covers, in one
transaction, so readers see the previous figures until the new set is complete and a run killed midway
leaves them intact. Households are aggregated once in the database (grouped conditional aggregates),
then rolled up the tree in Python over a few thousand group rows.
"""

import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from areas.models import Unit
from households.models import Household, PovertyStandard
from households.standards.builtin import DIMENSIONS
from households.standards.facts import DEPRIVATION_BITS
from povertyplan.background import (
    BROKER_ERRORS,
    broker_unreachable,
    enqueue,
    expired,
    heartbeat,
    note_deferred,
    reconnect,
)
from povertyplan.bulk import copy_rows

from .dashboard_sums import dashboard_sums, dashboard_values
from .engine import Goal, Observation, assess
from .models import Attainment, ComputedValue, FiguresVersion, Indicator, Plan, RecomputeRun, ReportedValue, Scope

POOR, NEAR = Q(classification="poor"), Q(classification="near_poor")
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


class _Tree:
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
            if any(a.extremely_difficult or a.coastal_or_island for a in chain):
                scopes.add(Scope.DIFFICULT_COMMUNES)
            self.unit_scopes[u.id] = scopes


def _household_scopes(tree: _Tree, row) -> set:
    scopes = set(tree.unit_scopes[row["unit_id"]]) | {row["area_type"]}
    if row["ethnicity"] != "kinh":
        scopes.add(Scope.ETHNIC_MINORITY)
    if row["ethnicity"] == "khmer":
        scopes.add(Scope.KHMER)
    return scopes


def computed_rows(tree: _Tree, year: int, standard: PovertyStandard, sums: list[dict], indicators) -> list[tuple]:
    totals = defaultdict(Counter)
    for row in sums:
        scopes = _household_scopes(tree, row)
        numbers = {k: v for k, v in row.items() if k not in ("unit_id", "ethnicity", "area_type")}
        for unit_id in tree.lineage[row["unit_id"]]:
            for scope in scopes:
                totals[(unit_id, scope)].update(numbers)
    formulas = dict(FORMULAS)
    for name in standard.indicator_rules:
        formulas[f"censored_{name}"] = (f"censored_{name}", "n")
    for dim in DIMENSIONS.get(standard.code, {}):
        formulas[f"dimension_{dim}"] = (f"dimension_{dim}", "n")
    rows = []
    for (unit_id, scope), total in totals.items():
        for code, (num, den) in formulas.items():
            if total[den] > 0:
                rows.append((indicators[code], unit_id, year, scope, total[num], total[den]))
        if scope == Scope.PROVINCE:
            rows += [
                (indicators[code], unit_id, year, scope, num, den)
                for code, num, den in dashboard_values(total)
                if code in indicators
            ]
    return rows


def reported_rows(tree: _Tree, year: int, indicators) -> list[tuple]:
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


def _write_computed(rows, run_id):
    copy_rows(
        ComputedValue,
        ["indicator_id", "unit_id", "year", "scope", "numerator", "denominator", "run_id"],
        [(*row, run_id) for row in rows],
    )


def plan_elapsed(plan: Plan, today: date) -> Decimal:
    start, end = date(plan.year_start, 1, 1), date(plan.year_end, 12, 31)
    if today >= end:
        return Decimal(1)
    if today <= start:
        return Decimal(0)
    return Decimal((today - start).days) / Decimal((end - start).days + 1)


def _value(values, indicator_id, year, scope):
    """The indicator's value from the province's rows: a percent, an index or a count."""
    found = values.get((indicator_id, year, scope))
    if found is None:
        return None, None, None
    num, den, unit = found
    if den is None:
        return num, num, den
    factor = 100 if unit == Indicator.Unit.PERCENT else 1
    return Decimal(num) / Decimal(den) * factor, num, den


def standard_of(year: int) -> int | None:
    standard = next((s for s in PovertyStandard.objects.all() if s.first_year <= year <= s.last_year), None)
    return standard.pk if standard else None


def attainments_for(plan: Plan, today: date, run_id) -> list[Attainment]:
    year = plan.year_end
    years = set(range(year - 4, year + 1)) | {t.baseline_year for t in plan.targets.all() if t.baseline_year}
    values = {
        (cv.indicator_id, cv.year, cv.scope): (cv.numerator, cv.denominator, cv.indicator.unit)
        for cv in ComputedValue.objects.filter(unit=plan.province, year__in=years).select_related("indicator")
    }
    elapsed = plan_elapsed(plan, today)
    same_standard = {y for y in years if standard_of(y) == plan.standard_id}
    result = []
    for target in plan.targets.select_related("indicator", "share_indicator"):
        scope = target.scope
        if target.indicator.kind == Indicator.Kind.REPORTED and (target.indicator_id, year, scope) not in values:
            scope = Scope.PROVINCE  # a province-wide report already describes its population
        actual, num, den = _value(values, target.indicator_id, year, scope)
        baseline = target.baseline_value
        if baseline is None and target.baseline_year in same_standard:
            baseline = _value(values, target.indicator_id, target.baseline_year, scope)[0]
        share = None
        if target.share_indicator_id:
            share = _value(values, target.share_indicator_id, year, Scope.PROVINCE)[0]
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
            (y, _value(values, target.indicator_id, y, scope)[0])
            for y in range(year - 4, year + 1)
            if (target.indicator_id, y, scope) in values and y in same_standard
        )
        outcome = assess(goal, Observation(actual, elapsed, baseline, years, share, history, year))
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
                    "share": None if share is None else str(round(share, 2)),
                    "elapsed": str(round(elapsed, 3)),
                    "measured": None if outcome.measured is None else str(round(outcome.measured, 4)),
                    "rule": outcome.rule,
                    "run": run_id,
                },
            )
        )
    return result


def recompute_province(province: Unit, years=None, run: RecomputeRun | None = None, today: date | None = None) -> int:
    """Replace the province's stored sums, computed values for `years` (default: every year with data, a
    plan or figures) and its plans' attainment. All or nothing. Returns the rows written."""
    from .sums import rebuild_province

    return rebuild_province(province, years, run, today)


def recompute_province_legacy(
    province: Unit, years=None, run: RecomputeRun | None = None, today: date | None = None
) -> int:
    """The province-wide path before the stored sums (issue 8), kept callable for the benchmark's side by
    side: aggregates every household of the province, writes no stored sums."""
    today = today or timezone.localdate()
    plans = list(Plan.objects.filter(province=province))
    if years is None:
        years = set(
            Household.objects.filter(unit__path__startswith=province.path)
            .values_list("survey_year", flat=True)
            .distinct()
            .order_by()
        )
        years |= {y for p in plans for y in range(p.year_start - 1, p.year_end + 1)}
    indicators = dict(Indicator.objects.values_list("code", "id"))
    standards = list(PovertyStandard.objects.all())
    tree = _Tree(province)
    rows = []
    for year in sorted(years):
        standard = next((s for s in standards if s.first_year <= year <= s.last_year), None)
        if standard is not None:
            sums = household_sums(province, year, standard)
            rows += computed_rows(tree, year, standard, sums + dashboard_sums(province, year, sums), indicators)
        rows += reported_rows(tree, year, indicators)
    with transaction.atomic():
        Unit.objects.select_for_update().get(pk=province.pk)  # one run per province at a time
        ComputedValue.objects.filter(unit__path__startswith=province.path, year__in=years).delete()
        _write_computed(rows, run.pk if run else None)
        attainments = [a for plan in plans for a in attainments_for(plan, today, run.pk if run else None)]
        Attainment.objects.filter(target__plan__in=plans).delete()
        Attainment.objects.bulk_create(attainments)
        FiguresVersion.bump()
    return len(rows) + len(attainments)


def recompute(
    province_ids=None, years=None, run_id=None, today: date | None = None, legacy=False
) -> RecomputeRun | None:
    """A recorded full run over the given provinces (default: all): the queued run `run_id`, or a new one.
    Progress is saved after each province. A run that is no longer queued (a task delivered again after its run
    ended, failed or was cancelled) is left alone: None. Each attempt starts its counts afresh."""
    run = _claim_run(run_id) if run_id else _new_run()
    if run is None:
        return None
    provinces = Unit.objects.filter(parent__isnull=True).order_by("code")
    if province_ids:
        provinces = provinces.filter(pk__in=province_ids)
    provinces = list(provinces)
    mine = RecomputeRun.objects.filter(pk=run.pk, status=RecomputeRun.Status.RUNNING, attempt=run.attempt)
    mine.update(scope=(", ".join(p.name for p in provinces) + (f" · {sorted(years)}" if years else ""))[:200])
    started, rows = time.monotonic(), 0

    def ended(**fields):
        mine.update(
            finished_at=timezone.now(), duration_ms=round((time.monotonic() - started) * 1000), rows=rows, **fields
        )
        FiguresVersion.bump()  # the figures' time (computed_at) is kept with them under the version

    try:
        with heartbeat(mine):
            for i, province in enumerate(provinces, start=1):
                rows += (recompute_province_legacy if legacy else recompute_province)(province, years, run, today)
                if not mine.update(rows=rows, progress=round(100 * i / len(provinces)), heartbeat_at=timezone.now()):
                    return None  # cancelled meanwhile: the provinces done so far keep their new figures
    except Exception as error:
        reconnect()  # the failure may be the lost connection itself
        ended(status=RecomputeRun.Status.FAILED, error=f"{type(error).__name__}: {error}")
        raise
    ended(status=RecomputeRun.Status.SUCCEEDED, progress=100)
    run.refresh_from_db()
    return run


def _new_run() -> RecomputeRun:
    now = timezone.now()
    return RecomputeRun.objects.create(status=RecomputeRun.Status.RUNNING, attempt=1, started_at=now, heartbeat_at=now)


def _claim_run(run_id: int) -> RecomputeRun | None:
    now = timezone.now()
    claimed = RecomputeRun.objects.filter(pk=run_id, status=RecomputeRun.Status.QUEUED).update(
        status=RecomputeRun.Status.RUNNING,
        attempt=F("attempt") + 1,
        rows=0,
        progress=0,
        error="",
        started_at=now,
        finished_at=None,
        duration_ms=None,
        heartbeat_at=now,
    )
    return RecomputeRun.objects.get(pk=run_id) if claimed else None


def requeue_run(run_id: int) -> None:
    """A run that failed on a transient error and will be retried waits as queued (with the error until then)."""
    RecomputeRun.objects.filter(pk=run_id, status=RecomputeRun.Status.FAILED).update(
        status=RecomputeRun.Status.QUEUED, finished_at=None
    )


QUEUE_UNREACHABLE = gettext_lazy(
    "The queue of the background worker could not be reached, so the recompute did not start. Try again in a few "
    "minutes."
)
WORKER_LOST = gettext_lazy("The worker stopped during this recompute. Start it again if its figures are needed now.")


def queue_run(run_id: int, **kwargs) -> None:
    """Queue a recorded full run; should the broker be unreachable, the run fails with the reason rather than
    stay queued (and hold up every later recompute a page asks for)."""
    from .tasks import recompute_task

    if not enqueue(recompute_task, run_id=run_id, **kwargs):
        RecomputeRun.objects.filter(pk=run_id, status=RecomputeRun.Status.QUEUED).update(
            status=RecomputeRun.Status.FAILED, error=str(QUEUE_UNREACHABLE), finished_at=timezone.now()
        )


def sweep_runs(now=None, runs=None) -> int:
    """Runs (of `runs`, default all) whose worker is gone (lease expired) fail with the reason: their figures are
    as the last province committed left them, and the nightly run or a page's "Refresh the figures" starts a new
    one. Celery beat runs it, and the run's page as it polls (no worker may be left to run the beat's task)."""
    runs = RecomputeRun.objects.all() if runs is None else runs
    return runs.filter(expired(now), status=RecomputeRun.Status.RUNNING).update(
        status=RecomputeRun.Status.FAILED, error=str(WORKER_LOST), finished_at=now or timezone.now()
    )


def cancel_runs(queryset, user) -> int:
    return queryset.filter(status__in=[RecomputeRun.Status.QUEUED, RecomputeRun.Status.RUNNING]).update(
        status=RecomputeRun.Status.FAILED,
        error=gettext("Cancelled by %(user)s.") % {"user": user.get_username()},
        finished_at=timezone.now(),
    )


def recompute_all(today: date | None = None) -> RecomputeRun | None:
    return recompute(today=today)


@transaction.atomic
def remeasure_baselines(plan: Plan) -> dict[int, Decimal]:
    """Rates are never chained across standards (docs/domain/poverty-standards.md §7): where a change target's
    baseline year fell under another standard, re-classify that year's households under the plan's
    standard and store the result as the target's baseline value."""
    from households.services import household_record
    from households.standards import classify

    engine = plan.standard.to_engine()
    dimensions = DIMENSIONS.get(engine.code, {})
    tree = _Tree(plan.province)
    reclassified = {}  # year: [(scopes, result)], each household classified once

    def households_of(year):
        if year not in reclassified:
            households = Household.objects.filter(
                unit__path__startswith=plan.province.path, survey_year=year
            ).prefetch_related("members")
            reclassified[year] = [
                (
                    _household_scopes(tree, {"unit_id": h.unit_id, "ethnicity": h.ethnicity, "area_type": h.area_type}),
                    classify(household_record(h, list(h.members.all())), engine),
                )
                for h in households
            ]
        return reclassified[year]

    def counts(code, result) -> bool:
        if code == "poor_rate":
            return result.classification == "poor"
        if code == "near_poor_rate":
            return result.classification == "near_poor"
        return bool(set(dimensions.get(code.removeprefix("dimension_"), ())) & set(result.deprivations))

    stored = {}
    for target in plan.targets.filter(shape="change", baseline_year__isnull=False).select_related("indicator"):
        remeasurable = target.indicator.code in ("poor_rate", "near_poor_rate") or target.indicator.code.startswith(
            "dimension_"
        )
        if not remeasurable or standard_of(target.baseline_year) == plan.standard_id:
            continue
        flags = [
            counts(target.indicator.code, result)
            for scopes, result in households_of(target.baseline_year)
            if target.scope in scopes
        ]
        if flags:
            target.baseline_value = round(Decimal(sum(flags)) / len(flags) * 100, 2)
            target.save(update_fields=["baseline_value"])
            stored[target.pk] = target.baseline_value
    return stored


DEBOUNCE_SECONDS = 0.3


def _first_request_in_window(key: str) -> bool:
    """True for the first caller in a DEBOUNCE_SECONDS window (a Redis key that expires with it).
    The run is queued with the same delay, so every change that found the key was committed before it runs."""
    return bool(_redis().set(key, 1, nx=True, px=int(DEBOUNCE_SECONDS * 1000)))


def request_recompute(unit_ids, years) -> None:
    """Queue what a committed change to the households or reported values of `unit_ids` in `years` needs:
    the unit-years are noted as pending and one incremental run per province is queued, unless one is
    already waiting (it will see these changes too). Called after the commit (households.signals,
    schedule_recompute). With settings.RECOMPUTE_INCREMENTAL off, the province-wide run of before.
    Never raises for an unreachable broker: the pending changes wait for the sweeper (sweep_pending)."""
    from django.conf import settings

    from .sums import note_changes

    units = dict(Unit.objects.filter(pk__in=list(unit_ids)).values_list("pk", "path"))
    codes = {path.split("/", 1)[0] for path in units.values()}
    provinces = list(Unit.objects.filter(code__in=codes, parent__isnull=True).order_by("code"))
    if not getattr(settings, "RECOMPUTE_INCREMENTAL", True):
        return _request_province_runs(provinces, years)
    note_changes(units, sorted(set(years)))
    for province in provinces:
        queue_changes(province.pk)


def queue_changes(province_id: int) -> bool:
    """Queue an incremental run of the province unless one is waiting. False when the broker is unreachable: the
    changes stay pending for the sweeper, and the request that made them says their figures follow later."""
    from .tasks import recompute_changes_task

    if recompute_changes_task.app.conf.task_always_eager:
        recompute_changes_task.apply(args=[province_id])
        return True
    try:
        if not _claim_queue_slot(province_id) or enqueue(recompute_changes_task, province_id):
            return True
        release_queue_slot(province_id)
    except BROKER_ERRORS as error:  # the slot's Redis is the broker: the slot expires by itself
        broker_unreachable(recompute_changes_task.name, error)
    note_deferred(recompute_changes_task.name)
    return False


PENDING_AFTER_SECONDS = 20


def sweep_pending(now=None) -> int:
    """Queue a run for each province with changes pending longer than PENDING_AFTER_SECONDS: their run was never
    queued (the broker was unreachable), or its worker died. Returns how many provinces were queued."""
    now = now or timezone.now()
    from .models import PendingChange

    paths = PendingChange.objects.filter(changed_at__lt=now - timedelta(seconds=PENDING_AFTER_SECONDS)).values_list(
        "unit__path", flat=True
    )
    codes = {path.split("/", 1)[0] for path in paths.distinct().order_by()}
    provinces = Unit.objects.filter(code__in=codes, parent__isnull=True).values_list("pk", flat=True)
    return sum(queue_changes(pk) for pk in provinces)


QUEUE_SLOT_SECONDS = 10


def _queue_key(province_id: int) -> str:
    return f"povertyplan:recompute-queued:{province_id}"


def _redis():
    import redis
    from django.conf import settings

    return redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=5)


def _claim_queue_slot(province_id: int) -> bool:
    """True when no incremental run of the province is waiting in the queue. The key expires by itself
    should a queued task be lost."""
    return bool(_redis().set(_queue_key(province_id), 1, nx=True, ex=QUEUE_SLOT_SECONDS))


def release_queue_slot(province_id: int) -> None:
    """Called by the run as it starts, before it reads the pending changes: later changes queue another."""
    _redis().delete(_queue_key(province_id))


def _request_province_runs(provinces, years) -> None:
    from .tasks import recompute_task

    for province in provinces:
        kwargs = {"province_ids": [province.pk], "years": sorted(years), "legacy": True}
        if recompute_task.app.conf.task_always_eager:
            recompute_task.apply(kwargs=kwargs)
            continue
        try:
            first = _first_request_in_window(f"povertyplan:recompute:{province.pk}:{','.join(map(str, sorted(years)))}")
            if first:
                recompute_task.apply_async(kwargs=kwargs, countdown=DEBOUNCE_SECONDS)
        except BROKER_ERRORS as error:
            broker_unreachable(recompute_task.name, error)


def schedule_recompute(unit: Unit, year: int) -> None:
    """After the current transaction commits, queue one recompute of the unit's province for the year.
    Changes arriving within DEBOUNCE_SECONDS of a queued run share it."""
    unit_id = unit.pk
    transaction.on_commit(lambda: request_recompute([unit_id], [year]))
