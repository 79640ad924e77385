"""The job row behind the admin's import page: check (preview), then import on confirmation, in Celery."""

import io

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from povertyplan.background import enqueue, expired, heartbeat

from ..models import RosterImport
from .reader import UnreadableFile
from .service import roster_import

PROBLEMS_SHOWN = 2000


QUEUE_UNREACHABLE = _lazy(
    "The queue of the background worker could not be reached, so nothing was done. Try again in a few minutes."
)
WORKER_LOST_RETRY = _lazy("The worker stopped during attempt %(attempt)s; the job is queued again.")
WORKER_LOST = _lazy(
    "The worker stopped during attempt %(attempt)s, the last one allowed; nothing of the file was written."
)
MAX_ATTEMPTS = 4  # claims of a job by a worker, its checks and its import together
RUNNING = (RosterImport.Status.CHECKING, RosterImport.Status.IMPORTING)


class JobCancelled(Exception):
    """The job was cancelled (or handed to another attempt) while this attempt ran."""


def start_job(upload, user, survey_year=None) -> RosterImport:
    job = RosterImport.objects.create(user=user, file=upload, original_name=upload.name[:200], survey_year=survey_year)
    language = translation.get_language()
    transaction.on_commit(lambda: _send(job.pk, False, 0, language))
    return job


def confirm_job(job: RosterImport) -> bool:
    job.refresh_from_db(fields=["attempt"])
    updated = RosterImport.objects.filter(pk=job.pk, status=RosterImport.Status.CHECKED, attempt=job.attempt).update(
        status=RosterImport.Status.QUEUED, progress=0, stage="", error=""
    )
    if updated:
        language, attempt = translation.get_language(), job.attempt
        transaction.on_commit(lambda: _send(job.pk, True, attempt, language))
    return bool(updated)


def _send(job_id: int, confirm: bool, attempt: int, language: str | None) -> None:
    """Queue the attempt after `attempt`; should the broker be unreachable, no job is left queued: a new upload
    fails and a confirmation goes back to waiting for confirmation, each with the reason."""
    from ..tasks import roster_import_task

    if enqueue(roster_import_task, job_id, confirm=confirm, language=language, attempt=attempt):
        return
    RosterImport.objects.filter(pk=job_id, status=RosterImport.Status.QUEUED, attempt=attempt).update(
        status=RosterImport.Status.CHECKED if confirm else RosterImport.Status.FAILED,
        error=str(QUEUE_UNREACHABLE),
        finished_at=None if confirm else timezone.now(),
    )


def job_language(job: RosterImport, language: str | None) -> str:
    """The language its problems and summary are written in: the one of the page that started or confirmed the
    job; for a task queued without it, the user's own choice; else the default."""
    available = {code for code, _name in settings.LANGUAGES}
    profile = getattr(job.user, "profile", None) if job.user else None
    for candidate in (language, getattr(profile, "language", None)):
        if candidate in available:
            return candidate
    return settings.LANGUAGE_CODE


def run_job(job_id: int, confirm: bool, language: str | None = None, attempt: int | None = None) -> None:
    """Idempotent: a job run twice (a worker killed, the task delivered again) checks or imports again, and
    an import of an unchanged file writes nothing. Runs only as the attempt it was queued for (any queued one
    for a task queued without it): a task delivered again after a later attempt was queued does nothing. Runs
    in the language of the user who started it."""
    job = RosterImport.objects.select_related("user__profile").get(pk=job_id)
    with translation.override(job_language(job, language)):
        status = RosterImport.Status.IMPORTING if confirm else RosterImport.Status.CHECKING
        attempt = _claim(job_id, status, attempt)
        if attempt is None:
            return
        mine = RosterImport.objects.filter(pk=job_id, status=status, attempt=attempt)
        try:
            with heartbeat(mine):
                _run(job, confirm, mine)
        except JobCancelled:
            return


def _claim(job_id: int, status: str, attempt: int | None) -> int | None:
    """The queued job becomes this worker's next attempt, its progress and failure cleared; None if it is not
    queued (for that attempt)."""
    now = timezone.now()
    queued = RosterImport.objects.filter(pk=job_id, status=RosterImport.Status.QUEUED)
    if attempt is not None:
        queued = queued.filter(attempt=attempt)
    with transaction.atomic():
        claimed = queued.update(
            status=status,
            attempt=F("attempt") + 1,
            started_at=now,
            finished_at=None,
            heartbeat_at=now,
            progress=1,
            stage="",
            error="",
        )
        return RosterImport.objects.values_list("attempt", flat=True).get(pk=job_id) if claimed else None


def _run(job: RosterImport, confirm: bool, mine) -> None:
    def progress(percent, stage):
        if not mine.update(progress=percent, stage=stage, heartbeat_at=timezone.now()) and percent < 100:
            raise JobCancelled

    with job.file.open("rb") as handle:
        data = handle.read()
    try:
        result = roster_import(
            data,
            job.original_name,
            user=job.user,
            year=job.survey_year,
            dry_run=not confirm,
            progress=progress,
            reason=_("roster import #%(id)s: %(file)s") % {"id": job.pk, "file": job.original_name},
        )
    except UnreadableFile as error:
        mine.update(
            status=RosterImport.Status.REJECTED,
            progress=100,
            problem_count=1,
            finished_at=timezone.now(),
            problems=[["", None, "", str(error)]],
            summary={"summary": [str(error)]},
        )
        return
    if result.problem_count:
        final = RosterImport.Status.REJECTED
    elif confirm or not (result.new or result.changed):  # nothing to confirm: the records are as in the file
        final = RosterImport.Status.DONE
    else:
        final = RosterImport.Status.CHECKED
    mine.update(
        status=final,
        progress=100,
        summary=result.as_dict(),
        problem_count=result.problem_count,
        problems=[[p.sheet, p.row, p.column, p.message] for p in result.problems[: PROBLEMS_SHOWN * 5]],
        finished_at=timezone.now(),
    )


def fail_job(job_id: int, message: str) -> None:
    RosterImport.objects.filter(pk=job_id, status__in=RUNNING).update(
        status=RosterImport.Status.FAILED, error=message[:2000], finished_at=timezone.now()
    )


def requeue_job(job_id: int, message: str) -> int | None:
    """A running attempt that will be retried (a lost connection): queued again; the attempt to retry after."""
    with transaction.atomic():
        if RosterImport.objects.filter(pk=job_id, status__in=RUNNING).update(
            status=RosterImport.Status.QUEUED, error=message[:2000]
        ):
            return RosterImport.objects.values_list("attempt", flat=True).get(pk=job_id)
    return None


def sweep_jobs(now=None, jobs=None) -> int:
    """Jobs (of `jobs`, default all) whose worker is gone (its lease expired): queued again for another attempt,
    or failed after MAX_ATTEMPTS. Celery beat runs it, and the job's page as it polls (no worker may be left to
    run the beat's task). Returns how many were found."""
    jobs = RosterImport.objects.all() if jobs is None else jobs
    lost = list(jobs.filter(expired(now), status__in=RUNNING).select_related("user__profile"))
    for job in lost:
        with translation.override(job_language(job, None)):
            confirm = job.status == RosterImport.Status.IMPORTING
            same = RosterImport.objects.filter(pk=job.pk, status=job.status, attempt=job.attempt)
            if job.attempt >= MAX_ATTEMPTS:
                same.update(
                    status=RosterImport.Status.FAILED,
                    error=str(WORKER_LOST % {"attempt": job.attempt}),
                    finished_at=timezone.now(),
                )
            elif same.update(
                status=RosterImport.Status.QUEUED,
                progress=0,
                stage="",
                error=str(WORKER_LOST_RETRY % {"attempt": job.attempt}),
            ):
                _send(job.pk, confirm, job.attempt, translation.get_language())
    return len(lost)


def cancel_jobs(queryset, user) -> int:
    """Stop the jobs that have not ended: marked failed with who cancelled them; an attempt still running stops
    at its next step, before it writes (one past its write keeps what it wrote)."""
    return queryset.filter(status__in=[RosterImport.Status.QUEUED, RosterImport.Status.CHECKED, *RUNNING]).update(
        status=RosterImport.Status.FAILED,
        error=_("Cancelled by %(user)s.") % {"user": user.get_username()},
        finished_at=timezone.now(),
    )


def problems_xlsx(job: RosterImport) -> bytes:
    """The job's errors as a workbook: sheet, row, column, message (text cells only: no formula can slip in)."""
    from openpyxl import Workbook

    from povertyplan.cells import safe

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Errors"))
    sheet.append([_("Sheet"), _("Row"), _("Column"), _("Error")])
    for sheet_name, row, column, message in job.problems:
        sheet.append([safe(sheet_name), row, safe(column), safe(message)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
