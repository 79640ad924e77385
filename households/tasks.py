from celery import shared_task
from django.db import OperationalError

from povertyplan.background import reconnect


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def reclassify_standard_task(self, standard_id: int, edited_fields: list[str] | None = None) -> int:
    from households.reclassify import reclassify_standard

    try:
        return reclassify_standard(standard_id, edited_fields=edited_fields)
    except OperationalError as exc:
        reconnect()
        raise self.retry(exc=exc, countdown=30) from exc


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def roster_import_task(
    self, job_id: int, confirm: bool = False, language: str | None = None, attempt: int | None = None
) -> None:
    from households.roster.jobs import fail_job, requeue_job, run_job

    try:
        run_job(job_id, confirm, language, attempt)
    except OperationalError as exc:
        reconnect()
        if self.request.retries >= self.max_retries:
            fail_job(job_id, str(exc))
            raise
        attempt = requeue_job(job_id, str(exc))
        if attempt is None:  # cancelled meanwhile
            return
        kwargs = {"confirm": confirm, "language": language, "attempt": attempt}
        raise self.retry(exc=exc, args=[job_id], kwargs=kwargs, countdown=10 * 2**self.request.retries) from exc
    except Exception as exc:
        fail_job(job_id, repr(exc))
        if not self.request.is_eager:  # in-process (no broker) the page shows the failure instead
            raise


@shared_task
def sweep_roster_imports_task() -> int:
    """Celery beat, every 30 s: import jobs whose worker is gone are queued again or failed."""
    from households.roster.jobs import sweep_jobs

    return sweep_jobs()


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def roster_export_task(self, job_id: int, language: str | None = None) -> None:
    from households.roster.export_jobs import fail_export, run_export

    try:
        run_export(job_id, language)
    except OperationalError as exc:
        if self.request.retries >= self.max_retries:
            fail_export(job_id, str(exc))
            raise
        raise self.retry(exc=exc, countdown=10 * 2**self.request.retries) from exc
    except Exception as exc:
        fail_export(job_id, repr(exc))
        if not self.request.is_eager:  # in-process (no broker) the page shows the failure instead
            raise
