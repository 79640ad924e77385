from celery import shared_task
from django.db import OperationalError


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def recompute_task(self, province_ids=None, years=None, run_id=None) -> int:
    from targets.services import recompute

    try:
        return recompute(province_ids=province_ids, years=years, run_id=run_id).pk
    except OperationalError as exc:  # a lost connection or a lock timeout: try again, later each time
        raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc
