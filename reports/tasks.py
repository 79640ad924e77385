from celery import shared_task
from django.db import OperationalError

from povertyplan.background import reconnect


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def rescore_task(self, job_id: int) -> None:
    """Re-score a province's households of a year under another standard (reports.rescoring.run)."""
    from reports.rescoring import run

    try:
        run(job_id)
    except OperationalError as exc:
        reconnect()
        if self.request.retries < self.max_retries:
            from reports.models import Rescoring

            Rescoring.objects.filter(pk=job_id).update(status=Rescoring.Status.QUEUED, error="")
        raise self.retry(exc=exc, countdown=10 * 2**self.request.retries) from exc
    except Exception:
        if not self.request.is_eager:  # in-process (no broker) the page shows the failure instead
            raise
