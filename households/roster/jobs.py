"""The job row behind the admin's import page: check (preview), then import on confirmation, in Celery."""

import io

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import RosterImport
from .reader import UnreadableFile
from .service import roster_import

PROBLEMS_SHOWN = 2000


def start_job(upload, user, survey_year=None) -> RosterImport:
    from ..tasks import roster_import_task

    job = RosterImport.objects.create(user=user, file=upload, original_name=upload.name[:200], survey_year=survey_year)
    language = translation.get_language()
    transaction.on_commit(lambda: roster_import_task.delay(job.pk, confirm=False, language=language))
    return job


def confirm_job(job: RosterImport) -> bool:
    from ..tasks import roster_import_task

    updated = RosterImport.objects.filter(pk=job.pk, status=RosterImport.Status.CHECKED).update(
        status=RosterImport.Status.QUEUED, progress=0, stage=""
    )
    if updated:
        language = translation.get_language()
        transaction.on_commit(lambda: roster_import_task.delay(job.pk, confirm=True, language=language))
    return bool(updated)


def job_language(job: RosterImport, language: str | None) -> str:
    """The language its problems and summary are written in: the one of the page that started or confirmed the
    job; for a task queued without it, the user's own choice; else the default."""
    available = {code for code, _name in settings.LANGUAGES}
    profile = getattr(job.user, "profile", None) if job.user else None
    for candidate in (language, getattr(profile, "language", None)):
        if candidate in available:
            return candidate
    return settings.LANGUAGE_CODE


def run_job(job_id: int, confirm: bool, language: str | None = None) -> None:
    """Idempotent: a job run twice (a worker killed, the task delivered again) checks or imports again, and
    an import of an unchanged file writes nothing. Runs in the language of the user who started it."""
    job = RosterImport.objects.select_related("user__profile").get(pk=job_id)
    with translation.override(job_language(job, language)):
        _run(job, confirm)


def _run(job: RosterImport, confirm: bool) -> None:
    job_id = job.pk
    if job.status in (RosterImport.Status.DONE, RosterImport.Status.REJECTED):
        return
    status = RosterImport.Status.IMPORTING if confirm else RosterImport.Status.CHECKING
    RosterImport.objects.filter(pk=job_id).update(status=status, started_at=timezone.now(), progress=1, error="")

    def progress(percent, stage):
        RosterImport.objects.filter(pk=job_id).update(progress=percent, stage=stage)

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
        RosterImport.objects.filter(pk=job_id).update(
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
    RosterImport.objects.filter(pk=job_id).update(
        status=final,
        progress=100,
        summary=result.as_dict(),
        problem_count=result.problem_count,
        problems=[[p.sheet, p.row, p.column, p.message] for p in result.problems[: PROBLEMS_SHOWN * 5]],
        finished_at=timezone.now(),
    )


def fail_job(job_id: int, message: str) -> None:
    RosterImport.objects.filter(pk=job_id).update(
        status=RosterImport.Status.FAILED, error=message[:2000], finished_at=timezone.now()
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
