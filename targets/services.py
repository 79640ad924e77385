"""Writes of computed figures: the recorded full runs, the queueing of incremental runs after a change, and the
re-measured baselines of change targets.

Recompute, never increment: each run replaces a province's figures for the years it covers, in one transaction,
so readers see the previous figures until the new set is complete and a run killed midway leaves them intact.
What a run computes is in targets.figures; how it stores and refreshes the sums, in targets.sums.
"""

import threading
import time
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from areas.models import Unit
from areas.selectors import EVERYWHERE, user_area_path
from households.models import Household
from households.standards.builtin import DIMENSIONS
from povertyplan.background import (
    BROKER_ERRORS,
    broker_unreachable,
    enqueue,
    expired,
    heartbeat,
    note_deferred,
    reconnect,
)

from .engine import indicator_value
from .figures import UnitTree, household_scopes, standard_ids_by_year
from .models import FiguresVersion, Plan, RecomputeRun
from .selectors import active_run, may_start_recompute, provinces_held
from .sums import note_changes, rebuild_province


def recompute_province(province: Unit, years=None, run: RecomputeRun | None = None, today: date | None = None) -> int:
    """Replace the province's stored sums, computed values for `years` (default: every year with data, a
    plan or figures) and its plans' attainment. All or nothing. Returns the rows written."""
    return rebuild_province(province, years, run, today)


def recompute(province_ids=None, years=None, run_id=None, today: date | None = None) -> RecomputeRun | None:
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
                rows += recompute_province(province, years, run, today)
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


RECOMPUTE_REFUSED = gettext_lazy(
    "You may not recompute these figures: only a provincial manager or an administrator of the whole province can."
)


def start_recompute(user, province: Unit | None = None) -> tuple[RecomputeRun, bool]:
    """Start a recorded full run of `province` (None: every province the user holds), or join the run already
    queued or running: the run and whether it is new. The one way a person starts a recompute (a page's
    "Refresh the figures", the admin's "Recompute everything now"). PermissionDenied, with the reason, for a user
    whose role or area does not allow it (selectors.may_start_recompute): no run is created."""
    if not may_start_recompute(user, province):
        raise PermissionDenied(str(RECOMPUTE_REFUSED))
    run = active_run()
    if run is not None:
        return run, False
    if province is not None:
        province_ids, scope = [province.pk], province.name
    elif user_area_path(user) == EVERYWHERE:
        province_ids, scope = None, gettext("full recompute")
    else:
        held = list(provinces_held(user))
        province_ids, scope = [p.pk for p in held], ", ".join(p.name for p in held)
    run = RecomputeRun.objects.create(scope=scope[:200])
    run_id = run.pk
    transaction.on_commit(lambda: launch_run(run_id, province_ids))
    return run, True


def launch_run(run_id: int, province_ids=None) -> None:
    """Queue the run on the worker. Without one (the embedded default, tasks run in-process) the run goes to a
    thread once its row is committed, so the page answers at once and shows the progress bar as with a worker;
    inside an enclosing transaction (a test), which a thread could not see, it runs here."""
    from .tasks import recompute_task

    if not recompute_task.app.conf.task_always_eager or connection.in_atomic_block:
        queue_run(run_id, province_ids=province_ids)
        return

    def run_here():
        try:
            recompute_task.apply(kwargs={"run_id": run_id, "province_ids": province_ids}, throw=False)
        finally:
            connection.close()

    threading.Thread(target=run_here, name=f"recompute-{run_id}", daemon=True).start()


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
    baseline year fell under another standard, take that year's households as classified under the plan's
    standard (HouseholdClassification: stored for a boundary year, classified now for any other) and store the
    result as the target's baseline value."""
    from households.models import HouseholdClassification
    from households.reclassify import classify_under

    dimensions = DIMENSIONS.get(plan.standard.code, {})
    tree = UnitTree(plan.province)
    reclassified = {}  # year: [(scopes, classification, deprivations)]

    def households_of(year):
        if year not in reclassified:
            households = Household.objects.filter(unit__path__startswith=plan.province.path, survey_year=year)
            stored = HouseholdClassification.objects.filter(standard=plan.standard, household__in=households)
            if stored.count() != households.count():
                classify_under(plan.standard, households)
            reclassified[year] = [
                (household_scopes(tree, {"unit_id": u, "ethnicity": e, "area_type": a}), classification, deprived)
                for u, e, a, classification, deprived in stored.values_list(
                    "household__unit_id",
                    "household__ethnicity",
                    "household__area_type",
                    "classification",
                    "deprivations",
                )
            ]
        return reclassified[year]

    def counts(code, classification, deprived) -> bool:
        if code == "poor_rate":
            return classification == "poor"
        if code == "near_poor_rate":
            return classification == "near_poor"
        return bool(set(dimensions.get(code.removeprefix("dimension_"), ())) & set(deprived))

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
            counts(target.indicator.code, classification, deprived)
            for scopes, classification, deprived in households_of(target.baseline_year)
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
    schedule_recompute). Never raises for an unreachable broker: the pending changes wait for the sweeper
    (sweep_pending)."""
    units = dict(Unit.objects.filter(pk__in=list(unit_ids)).values_list("pk", "path"))
    codes = {path.split("/", 1)[0] for path in units.values()}
    provinces = list(Unit.objects.filter(code__in=codes, parent__isnull=True).order_by("code"))
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


def schedule_recompute(unit: Unit | int, year: int) -> None:
    """After the current transaction commits, note the unit's (or unit id's) year as changed and queue the
    province's incremental run, unless one is already waiting."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    transaction.on_commit(lambda: request_recompute([unit_id], [year]))
