"""The comparison page's counts, kept: households by unit × group under their year's standard × group under another
(reports.models.ComparisonCount), so the page sums a few hundred rows instead of reading every household of a
province (seconds at 300.000, docs/benchmarks.md).

Kept current by what writes what they count: the re-scoring job rebuilds its province; every household write
announces its units (households.signals), whose counts are rebuilt at once for every standard counted in that
year; a standard's edit (the classifications the re-scoring stored are re-made by households.reclassify.
reclassify_standard, which announces only the households whose own class moved) changes the standards'
fingerprint, and counts built under another fingerprint are rebuilt when next read."""

import logging

from django.db import DatabaseError, connection, transaction
from django.db.models import Max, Sum

from areas.models import Unit
from households.models import Household, HouseholdClassification, PovertyStandard
from targets.models import FiguresVersion

from .models import ComparisonCount, ComparisonCountsBuilt

logger = logging.getLogger(__name__)


def _grouped_sql(where: str) -> str:
    """One grouped pass over households ⟕ their classification under %(standard)s: what the page counts."""
    return f"""
INSERT INTO {ComparisonCount._meta.db_table} (standard_id, survey_year, unit_id, own, other, households, imported_at)
SELECT %(standard)s, h.survey_year, h.unit_id,
  CASE WHEN h.incomplete THEN 'incomplete' ELSE h.classification END,
  CASE WHEN c.id IS NULL THEN 'missing' WHEN c.incomplete THEN 'incomplete' ELSE c.classification END,
  COUNT(*),
  MAX(CASE WHEN h.roster_fingerprint <> '' THEN h.updated_at END)
FROM {Household._meta.db_table} h
LEFT JOIN {HouseholdClassification._meta.db_table} c ON c.household_id = h.id AND c.standard_id = %(standard)s
WHERE h.survey_year = %(year)s AND {where}
GROUP BY h.survey_year, h.unit_id, 4, 5
"""


@transaction.atomic
def rebuild(standard: PovertyStandard, year: int, province: Unit, fingerprint: str) -> None:
    """The counts of the province's households of the year under `standard`, all of them anew."""
    units = list(Unit.objects.filter(path__startswith=province.path).values_list("id", flat=True))
    _serialize(standard.pk, year)
    ComparisonCount.objects.filter(standard=standard, survey_year=year, unit_id__in=units).delete()
    _count(standard.pk, year, units)
    ComparisonCountsBuilt.objects.update_or_create(
        standard=standard, survey_year=year, province=province, defaults={"standards_fingerprint": fingerprint}
    )
    FiguresVersion.bump()  # the comparison pages cached under the last version are out of date


@transaction.atomic
def rebuild_units(unit_ids, years) -> None:
    """After a write of the households of `unit_ids` for `years`: their counts anew, under every standard counted
    in those years."""
    unit_ids = list(unit_ids)
    built = ComparisonCountsBuilt.objects.filter(survey_year__in=years).values_list("standard_id", "survey_year")
    pairs = sorted(set(built))
    for standard_id, year in pairs:
        _serialize(standard_id, year)
        ComparisonCount.objects.filter(standard_id=standard_id, survey_year=year, unit_id__in=unit_ids).delete()
        _count(standard_id, year, unit_ids)
    if pairs:
        FiguresVersion.bump()


def _serialize(standard_id: int, year: int) -> None:
    """One rebuild at a time per standard and year, until the transaction ends: two deleting the same rows before
    either inserts would both insert (READ COMMITTED), counting the households twice."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext('comparison_counts'), %s)", [standard_id * 10_000 + year]
            )


def _count(standard_id: int, year: int, unit_ids: list[int]) -> None:
    """The ids listed, not a subquery over the units' paths: the planner then knows how many households it reads
    (13,5 s with a nested loop per unit against 1,6 s with hash joins at 300.000, on a loaded machine)."""
    if not unit_ids:
        return
    placeholders = ", ".join(f"%(unit{i})s" for i in range(len(unit_ids)))
    with connection.cursor() as cursor:
        cursor.execute(
            _grouped_sql(f"h.unit_id IN ({placeholders})"),
            {"standard": standard_id, "year": year, **{f"unit{i}": u for i, u in enumerate(unit_ids)}},
        )


def households_changed(sender, unit_ids, years, **kwargs):
    """The receiver: never fails the write that announced (it has committed); counts it could not rebuild are
    marked unbuilt, so the next read rebuilds its province."""
    try:
        rebuild_units(unit_ids, years)
    except DatabaseError:
        logger.exception("comparison counts not rebuilt for units %s, years %s", unit_ids, years)
        ComparisonCountsBuilt.objects.filter(survey_year__in=years).delete()


def groups(unit_ids, year: int, standard: PovertyStandard, provinces, fingerprint: str) -> list[tuple]:
    """(unit id, own group, other group, households, last roster import) of the units listed, from the kept counts
    of their `provinces` (each rebuilt first when it has none or they predate a standard's edit)."""
    for province in provinces:
        built = ComparisonCountsBuilt.objects.filter(standard=standard, survey_year=year, province=province).first()
        if built is None or built.standards_fingerprint != fingerprint:
            rebuild(standard, year, province, fingerprint)
    # by the units' ids, not a join on their paths: with fresh rows the planner expected one of each (520 ms)
    counted = (
        ComparisonCount.objects.filter(standard=standard, survey_year=year, unit_id__in=list(unit_ids))
        .values_list("unit_id", "own", "other")
        .annotate(Sum("households"), Max("imported_at"))
        .order_by()
    )
    return list(counted)
