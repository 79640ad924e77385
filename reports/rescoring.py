"""Re-scoring a province's households of a review year under another standard, as a job the comparison page starts
and follows (the work itself is households.reclassify.classify_under), and whether the stored classifications are
whole and current."""

import dataclasses
import hashlib
import json
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from areas.models import Unit
from households.models import Household, HouseholdClassification, PovertyStandard
from povertyplan.background import LEASE_SECONDS, enqueue, heartbeat, in_worker
from povertyplan.bulk import analyze

from .models import ComparisonCount, Rescoring

QUEUED_FOR = timedelta(hours=1)  # a queued job no worker has taken by then is taken as lost

# How the stored classifications of (standard, year, province) stand, for the page's notice and its button.
NONE, PARTIAL, STALE, UNVERIFIED, FRESH = "none", "partial", "stale", "unverified", "fresh"
STATE_TEXTS = {
    NONE: pgettext_lazy("standards comparison", "No household of this area has been re-scored under this standard."),
    PARTIAL: pgettext_lazy(
        "standards comparison",
        "Some households have not been re-scored under this standard yet: they are counted apart as not re-scored.",
    ),
    STALE: pgettext_lazy(
        "standards comparison",
        "Households were imported from a roster or a standard's rules were edited since the last re-scoring: the "
        "figures under this standard may be out of date.",
    ),
    UNVERIFIED: pgettext_lazy(
        "standards comparison",
        "These classifications were stored as each household was saved; the province has not been re-scored as a "
        "whole under this standard.",
    ),
    FRESH: "",
}


def may_rescore(user) -> bool:
    return user.has_perm("reports.add_rescoring")


def standards_fingerprint() -> str:
    """Every standard's rules and lines as the engine reads them (not names, sources or confirmations)."""
    engines = [dataclasses.asdict(s.to_engine()) for s in PovertyStandard.objects.order_by("code")]
    return hashlib.sha1(json.dumps(engines, sort_keys=True, default=str).encode()).hexdigest()


def province_of(unit: Unit) -> Unit:
    return unit if unit.parent_id is None else Unit.objects.get(code=unit.path.split("/", 1)[0])


def latest(standard: PovertyStandard, year: int, province: Unit) -> Rescoring | None:
    return Rescoring.objects.filter(standard=standard, survey_year=year, province=province).first()


def is_active(job: Rescoring | None, now=None) -> bool:
    """Queued or running, and not lost: a running job's worker beats every few seconds; in-process nothing beats
    and the job ends with the request that runs it."""
    if job is None or job.status not in (Rescoring.Status.QUEUED, Rescoring.Status.RUNNING):
        return False
    now = now or timezone.now()
    if job.status == Rescoring.Status.QUEUED:
        return job.created_at > now - QUEUED_FOR
    seen = job.heartbeat_at or job.started_at or job.created_at
    return not in_worker() or seen > now - timedelta(seconds=LEASE_SECONDS * 2)


def last_done(standard: PovertyStandard, year: int, province: Unit) -> Rescoring | None:
    return Rescoring.objects.filter(
        standard=standard, survey_year=year, province=province, status=Rescoring.Status.DONE
    ).first()


def state(done: Rescoring | None, total: int, missing: int, imported_at) -> str:
    """NONE / PARTIAL when households have no stored row; STALE when a roster import wrote households after the
    last re-scoring (`done`) began (the import does not re-score; a save through the forms or the API does) or a
    standard's rules changed since; UNVERIFIED when the rows are whole but no re-scoring of the province is
    recorded."""
    if total and missing == total:
        return NONE
    if missing:
        return PARTIAL
    if done is None:
        return UNVERIFIED
    if (imported_at and imported_at > done.started_at) or done.standards_fingerprint != standards_fingerprint():
        return STALE
    return FRESH


def start(user, standard: PovertyStandard, year: int, province: Unit) -> Rescoring:
    """Queue a re-scoring of the province's households of the year under the standard, or join the one under way.
    Without a broker it runs now, in this request."""
    from .tasks import rescore_task

    job = latest(standard, year, province)
    if is_active(job):
        return job
    if job is not None and job.status in (Rescoring.Status.QUEUED, Rescoring.Status.RUNNING):
        _finish(job.pk, Rescoring.Status.FAILED, error="lost: no worker finished it")
    try:
        with transaction.atomic():
            job = Rescoring.objects.create(user=user, standard=standard, survey_year=year, province=province)
    except IntegrityError:  # another request queued it meanwhile
        return latest(standard, year, province)
    job_id = job.pk
    transaction.on_commit(lambda: enqueue(rescore_task, job_id) or _finish(job_id, "failed", error="broker down"))
    return job


def run(job_id: int) -> None:
    """The task's work. Idempotent: run twice, it re-scores again (classify_under replaces the rows)."""
    from households.reclassify import classify_under

    from . import comparison_counts

    job = Rescoring.objects.select_related("standard", "province").get(pk=job_id)
    if job.status in (Rescoring.Status.DONE, Rescoring.Status.FAILED):
        return
    fingerprint = standards_fingerprint()
    Rescoring.objects.filter(pk=job_id).update(
        status=Rescoring.Status.RUNNING, started_at=timezone.now(), standards_fingerprint=fingerprint
    )
    units = list(Unit.objects.filter(path__startswith=job.province.path).values_list("id", flat=True))
    households = Household.objects.filter(survey_year=job.survey_year, unit_id__in=units)  # the planner counts them
    try:
        with heartbeat(Rescoring.objects.filter(pk=job_id)), transaction.atomic():
            count = classify_under(job.standard, households)
            comparison_counts.rebuild(job.standard, job.survey_year, job.province, fingerprint)
    except Exception as error:
        _finish(job_id, Rescoring.Status.FAILED, error=repr(error))
        raise
    _finish(job_id, Rescoring.Status.DONE, household_count=count)
    analyze(HouseholdClassification, ComparisonCount)  # a province's rows replaced: fresh statistics for the planner


def rescore_now(standard: PovertyStandard, year: int, province: Unit, user=None) -> Rescoring:
    """Re-score in this process and record it, as the page's button does (for load_demo and the benchmarks)."""
    job = Rescoring.objects.create(user=user, standard=standard, survey_year=year, province=province)
    run(job.pk)
    job.refresh_from_db()
    return job


def _finish(job_id: int, status: str, **values) -> None:
    Rescoring.objects.filter(pk=job_id).update(status=status, finished_at=timezone.now(), **values)
