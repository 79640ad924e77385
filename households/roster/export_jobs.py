"""The job row behind a large export of the household list: written by a Celery task as the list's filters and the
asking user's area select, stored under MEDIA_ROOT, downloaded from the job's page when done."""

import contextlib
import tempfile

from django.contrib import admin
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.http import HttpRequest, QueryDict
from django.utils import timezone, translation

from ..models import Household, RosterExport
from .export import TooManyRows, households_xlsx
from .jobs import job_language

FILE_NAMES = {
    "two_sheets": "danh-sach-ho",
    "member_rows": "danh-sach-ho-theo-thanh-vien",
    "answers": "danh-sach-ho-chi-so-thieu-hut",
}


def start_export(user, layout: str, query: str) -> RosterExport:
    from ..tasks import roster_export_task

    job = RosterExport.objects.create(user=user, layout=layout, query=query)
    language = translation.get_language()
    transaction.on_commit(lambda: roster_export_task.delay(job.pk, language=language))
    return job


def households_of(user, query: str):
    """The households the user's list shows with these filters: the admin's own filtering and the user's area,
    as they are when the job runs."""
    request = HttpRequest()
    request.method, request.GET, request.user = "GET", QueryDict(query), user
    household_admin = admin.site._registry[Household]
    return household_admin.get_changelist_instance(request).get_queryset(request)


def run_export(job_id: int, language: str | None = None) -> None:
    """Idempotent: run again (a worker lost), the file is written anew."""
    job = RosterExport.objects.select_related("user__profile").get(pk=job_id)
    if job.status == RosterExport.Status.DONE or job.user is None:
        return
    mine = RosterExport.objects.filter(pk=job_id)
    mine.update(status=RosterExport.Status.RUNNING, started_at=timezone.now(), progress=1, error="")
    with translation.override(job_language(job, language)):
        households = households_of(job.user, job.query)
        count = households.count()
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as written, _progress(job_id) as progress:
            try:
                households_xlsx(households, job.layout, target=written.name, progress=progress)
            except TooManyRows as error:
                fail_export(job_id, str(error))
                return
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            job.file.save(f"{FILE_NAMES[job.layout]}-{stamp}.xlsx", File(written), save=False)
    mine.update(
        status=RosterExport.Status.DONE,
        progress=100,
        file=job.file.name,
        household_count=count,
        finished_at=timezone.now(),
    )


@contextlib.contextmanager
def _progress(job_id: int):
    """How the export reports its progress. On PostgreSQL the export reads in a transaction of its own (one
    snapshot): the progress goes through a second connection, so the page sees it as it moves."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield lambda percent: RosterExport.objects.filter(pk=job_id).update(progress=percent)
        return
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    table = RosterExport._meta.db_table

    def write(percent):
        with side.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET progress = %s WHERE id = %s", [percent, job_id])

    try:
        yield write
    finally:
        side.close()


def fail_export(job_id: int, message: str) -> None:
    RosterExport.objects.filter(pk=job_id).update(
        status=RosterExport.Status.FAILED, error=message[:2000], finished_at=timezone.now()
    )
