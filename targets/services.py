"""Writes of computed figures: the recorded full runs, the queueing of incremental runs after a change, and the
re-measured baselines of change targets.

Recompute, never increment: each run replaces a province's figures for the years it covers, in one transaction,
so readers see the previous figures until the new set is complete and a run killed midway leaves them intact.
What a run computes is in targets.figures; how it stores and refreshes the sums, in targets.sums.
"""

import time
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from areas.models import Unit
from households.models import Household
from households.standards.builtin import DIMENSIONS

from .engine import indicator_value
from .figures import UnitTree, household_scopes, standard_ids_by_year
from .models import FiguresVersion, Plan, RecomputeRun
from .sums import note_changes, rebuild_province


def recompute_province(province: Unit, years=None, run: RecomputeRun | None = None, today: date | None = None) -> int:
    """Replace the province's stored sums, computed values for `years` (default: every year with data, a
    plan or figures) and its plans' attainment. All or nothing. Returns the rows written."""
    return rebuild_province(province, years, run, today)


def recompute(province_ids=None, years=None, run_id=None, today: date | None = None) -> RecomputeRun:
    """A recorded full run over the given provinces (default: all). Progress is saved after each province."""
    run = RecomputeRun.objects.get(pk=run_id) if run_id else RecomputeRun.objects.create()
    provinces = Unit.objects.filter(parent__isnull=True).order_by("code")
    if province_ids:
        provinces = provinces.filter(pk__in=province_ids)
    run.status, run.started_at = RecomputeRun.Status.RUNNING, timezone.now()
    run.scope = ", ".join(p.name for p in provinces) + (f" · {sorted(years)}" if years else "")
    run.save()
    started = time.monotonic()
    try:
        provinces = list(provinces)
        for i, province in enumerate(provinces, start=1):
            run.rows += recompute_province(province, years, run, today)
            run.progress = round(100 * i / len(provinces))
            run.save(update_fields=["rows", "progress"])
    except Exception as error:
        run.status, run.error = RecomputeRun.Status.FAILED, f"{type(error).__name__}: {error}"
        raise
    else:
        run.status = RecomputeRun.Status.SUCCEEDED
    finally:
        run.finished_at = timezone.now()
        run.duration_ms = round((time.monotonic() - started) * 1000)
        run.save()
        FiguresVersion.bump()  # the figures' time (computed_at) is kept with them under the version
    return run


def recompute_all(today: date | None = None) -> RecomputeRun:
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
    tree = UnitTree(plan.province)
    reclassified = {}  # year: [(scopes, result)], each household classified once

    def households_of(year):
        if year not in reclassified:
            households = Household.objects.filter(
                unit__path__startswith=plan.province.path, survey_year=year
            ).prefetch_related("members")
            reclassified[year] = [
                (
                    household_scopes(tree, {"unit_id": h.unit_id, "ethnicity": h.ethnicity, "area_type": h.area_type}),
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

    changes = list(plan.targets.filter(shape="change", baseline_year__isnull=False).select_related("indicator"))
    standard_ids = standard_ids_by_year({target.baseline_year for target in changes})
    stored = {}
    for target in changes:
        remeasurable = target.indicator.code in ("poor_rate", "near_poor_rate") or target.indicator.code.startswith(
            "dimension_"
        )
        if not remeasurable or standard_ids[target.baseline_year] == plan.standard_id:
            continue
        flags = [
            counts(target.indicator.code, result)
            for scopes, result in households_of(target.baseline_year)
            if target.scope in scopes
        ]
        if flags:
            target.baseline_value = round(indicator_value(sum(flags), len(flags), target.indicator.unit), 2)
            target.save(update_fields=["baseline_value"])
            stored[target.pk] = target.baseline_value
    return stored


def request_recompute(unit_ids, years) -> None:
    """Queue what a committed change to the households or reported values of `unit_ids` in `years` needs:
    the unit-years are noted as pending and one incremental run per province is queued, unless one is
    already waiting (it will see these changes too). Called after the commit (households.signals,
    schedule_recompute)."""
    from .tasks import recompute_changes_task

    units = dict(Unit.objects.filter(pk__in=list(unit_ids)).values_list("pk", "path"))
    codes = {path.split("/", 1)[0] for path in units.values()}
    provinces = list(Unit.objects.filter(code__in=codes, parent__isnull=True).order_by("code"))
    note_changes(units, sorted(set(years)))
    for province in provinces:
        if recompute_changes_task.app.conf.task_always_eager:
            recompute_changes_task.apply(args=[province.pk])
        elif _claim_queue_slot(province.pk):
            recompute_changes_task.apply_async(args=[province.pk])


QUEUE_SLOT_SECONDS = 10


def _queue_key(province_id: int) -> str:
    return f"povertyplan:recompute-queued:{province_id}"


def _redis():
    import redis
    from django.conf import settings

    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


def _claim_queue_slot(province_id: int) -> bool:
    """True when no incremental run of the province is waiting in the queue. The key expires by itself
    should a queued task be lost."""
    return bool(_redis().set(_queue_key(province_id), 1, nx=True, ex=QUEUE_SLOT_SECONDS))


def release_queue_slot(province_id: int) -> None:
    """Called by the run as it starts, before it reads the pending changes: later changes queue another."""
    _redis().delete(_queue_key(province_id))


def schedule_recompute(unit: Unit, year: int) -> None:
    """After the current transaction commits, note the unit's year as changed and queue the province's
    incremental run, unless one is already waiting."""
    unit_id = unit.pk
    transaction.on_commit(lambda: request_recompute([unit_id], [year]))
