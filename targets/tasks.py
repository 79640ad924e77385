from celery import shared_task
from django.db import OperationalError

from povertyplan.background import reconnect


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def recompute_task(self, province_ids=None, years=None, run_id=None) -> int | None:
    """A full recompute (nightly, admin)."""
    from targets.services import recompute, requeue_run

    try:
        run = recompute(province_ids=province_ids, years=years, run_id=run_id)
    except OperationalError as exc:  # a lost connection or a lock timeout: try again, later each time
        reconnect()
        if run_id and self.request.retries < self.max_retries:
            requeue_run(run_id)
        raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc
    return run.pk if run else None


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def recompute_changes_task(self, province_id: int) -> int | None:
    """Recompute the province's pending changes from the stored sums. Idempotent: a run delivered twice
    finds nothing left to do."""
    from targets.services import release_queue_slot
    from targets.sums import recompute_changes

    if not self.app.conf.task_always_eager:
        release_queue_slot(province_id)
    try:
        run = recompute_changes(province_id)
    except OperationalError as exc:
        reconnect()
        raise self.retry(exc=exc, countdown=2 * 2**self.request.retries) from exc
    return run.pk if run else None


@shared_task
def sweep_recompute_task() -> dict:
    """Celery beat, every 30 s: runs whose worker is gone fail; changes left pending (their run was never queued,
    or died) are queued."""
    from targets.services import sweep_pending, sweep_runs

    return {"failed_runs": sweep_runs(), "queued_provinces": sweep_pending()}
