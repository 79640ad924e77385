from celery import shared_task
from django.db import OperationalError


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def recompute_task(self, province_ids=None, years=None, run_id=None) -> int:
    """A full recompute (nightly, admin)."""
    from targets.services import recompute

    try:
        return recompute(province_ids=province_ids, years=years, run_id=run_id).pk
    except OperationalError as exc:  # a lost connection or a lock timeout: try again, later each time
        raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc


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
        raise self.retry(exc=exc, countdown=2 * 2**self.request.retries) from exc
    return run.pk if run else None
