from celery import shared_task
from django.db import OperationalError


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def reclassify_standard_task(self, standard_id: int) -> int:
    from households.services import reclassify_standard

    try:
        return reclassify_standard(standard_id)
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=30) from exc
