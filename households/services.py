"""Writes to household records. Every path — admin, form, import, API, demo — comes through here,
so a record's classification is always derived by the standard of its year."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.services import assert_households_open, locked_households_filter

from .models import Household, Member, PovertyStandard
from .signals import announce_change
from .standards import Dwelling, HouseholdRecord, classify
from .standards import Member as MemberRecord
from .standards.facts import MemberFacts, deprivation_mask, member_facts

_MEMBER_FIELDS = [f for f in MemberRecord.__dataclass_fields__]
MEMBER_FACT_FIELDS = list(MemberFacts.__dataclass_fields__)
DERIVED_FIELDS = ["standard", "classification", "deprivations", "deprivation_count", "low_income_worker",
                  "classification_rule", "deprivation_mask", *MEMBER_FACT_FIELDS]


def standard_for_year(year: int, standards=None) -> PovertyStandard:
    for standard in standards if standards is not None else PovertyStandard.objects.all():
        if standard.first_year <= year <= standard.last_year:
            return standard
    raise ValidationError({"survey_year": _("No poverty standard covers the survey year %(year)s.") % {"year": year}})


def household_record(household: Household, members) -> HouseholdRecord:
    """The engine's view of a stored household: member detail when it has members and a dwelling."""
    has_detail = bool(members) and bool(household.house_class)
    dwelling = None
    if has_detail:
        assets = {name for name in ("tv", "radio", "computer", "smartphone") if getattr(household, f"has_{name}")}
        dwelling = Dwelling(
            house_class=household.house_class,
            nondurable_structures=household.nondurable_structures or 0,
            floor_area_m2=float(household.floor_area_m2 or 0),
            water_source=household.water_source,
            latrine=household.latrine,
            assets=frozenset(assets),
            loudspeaker_audible=household.loudspeaker_audible,
        )
    answers = household.reported_deprivations
    return HouseholdRecord(
        code=household.code,
        area_type=household.area_type,
        income_per_capita=household.income_per_capita,
        reference_year=household.survey_year,
        member_count=household.member_count,
        members=tuple(MemberRecord(**{f: getattr(m, f) for f in _MEMBER_FIELDS}) for m in members) if has_detail else None,
        dwelling=dwelling,
        answers=frozenset(answers) if answers is not None else None,
    )


def household_problems(household: Household, members, standard: PovertyStandard | None) -> dict[str, str]:
    """What keeps a household from being classified, by field (Vietnamese through gettext), or {}.
    The admin shows these beside the fields before anything is saved; apply_classification raises them."""
    problems = {}
    code = household.code
    answers = household.reported_deprivations
    if members and len(members) != household.member_count:
        problems["member_count"] = _(
            "Household %(code)s: %(count)s members recorded but %(listed)s listed: correct the number or the list."
        ) % {"code": code, "count": household.member_count, "listed": len(members)}
    if answers is not None and (not isinstance(answers, list) or any(not isinstance(a, str) for a in answers)):
        problems["reported_deprivations"] = _(
            "Household %(code)s: the roster answers must be a list of indicator names, such as [\"water\", "
            "\"latrine\"].") % {"code": code}
    elif answers is not None and standard is not None:
        unknown = set(answers) - set(standard.indicator_rules)
        if unknown:
            problems["reported_deprivations"] = _(
                "Household %(code)s: indicators not in standard %(standard)s: %(names)s"
            ) % {"code": code, "standard": standard.code, "names": ", ".join(sorted(unknown))}
    if not members and answers is None:
        problems["reported_deprivations"] = _(
            "Household %(code)s: give either its members and dwelling, or its deprivations.") % {"code": code}
    elif members and answers is None and not household.house_class:
        problems["house_class"] = _(
            "Household %(code)s: with members listed, give the dwelling too (house class, floor area, water, "
            "latrine), or the roster answers.") % {"code": code}
    return problems


def apply_classification(household: Household, members, standard: PovertyStandard, engine_standard=None):
    """Set the derived fields of a household (does not save). Returns the engine's result."""
    problems = household_problems(household, members, standard)
    if problems:
        raise ValidationError(problems)
    engine_standard = engine_standard or standard.to_engine()
    result = classify(household_record(household, members), engine_standard)
    household.standard = standard
    for field, value in derived_values(result, members, engine_standard, household.survey_year).items():
        setattr(household, field, value)
    return result


def derived_values(result, members, standard, year: int) -> dict:
    """The stored fields derived from the engine's result (all but `standard`): the one place that maps a
    classification onto a record, for single saves and for the roster import alike. `standard` (the engine's)
    and the survey `year` decide who is of working age."""
    facts = member_facts(members, standard, year) if members else None
    return {
        "classification": result.classification,
        "deprivations": list(result.deprivations),
        "deprivation_count": result.deprivation_count,
        "low_income_worker": result.low_income_worker_household,
        "classification_rule": result.rule[:200],
        "deprivation_mask": deprivation_mask(result.deprivations),
        **{field: getattr(facts, field) if facts else None for field in MEMBER_FACT_FIELDS},
    }


def _assert_open(household: Household) -> None:
    """Refuse a write into a submitted or approved unit and year — where the record is and where it was."""
    if household.pk:
        before = Household.objects.filter(pk=household.pk).select_related("unit").first()
        if before is not None:
            assert_households_open(before.unit, before.survey_year)
    if household.unit_id:
        assert_households_open(household.unit, household.survey_year)


@transaction.atomic
def household_reclassify(household: Household) -> Household:
    assert_households_open(household.unit, household.survey_year)
    members = list(household.members.all())
    apply_classification(household, members, standard_for_year(household.survey_year))
    household.save()
    announce_change([household.unit_id], [household.survey_year])
    return household


@transaction.atomic
def household_delete(household: Household) -> None:
    _assert_open(household)
    unit_id, year = household.unit_id, household.survey_year
    household.delete()
    announce_change([unit_id], [year])


class EditConflict(Exception):
    """Someone else saved the record after the editor loaded it: their save is refused, nothing is written."""

    def __init__(self, who, when):
        self.who, self.when = who, when
        name = (who.get_full_name() or who.username) if who else _("another user")
        stamp = timezone.localtime(when).strftime("%H:%M:%S %d/%m/%Y") if when else ""
        super().__init__(_(
            "%(who)s saved this record at %(when)s, after you opened it. Your changes were not saved: "
            "reload the page to see theirs, then make your changes again."
        ) % {"who": name, "when": stamp})


def version_of(household: Household) -> str:
    """The token an editor carries back to prove they saw the latest save (optimistic locking)."""
    return household.updated_at.isoformat() if household.updated_at else ""


def _check_version(household: Household, expected_version: str | None) -> None:
    if expected_version is None or household.pk is None:
        return
    current = Household.objects.select_for_update().filter(pk=household.pk).first()
    if current is not None and version_of(current) != expected_version:
        last = current.history.select_related("history_user").order_by("-history_date", "-history_id").first()
        raise EditConflict(last.history_user if last else None, current.updated_at)


@transaction.atomic
def household_save(household: Household, members: list[Member] | None = None,
                   expected_version: str | None = None) -> Household:
    """Validate, classify and store a household with its members. Members with the id of one of the
    household's members update it (so its history shows the fields that changed); the others are added,
    and members not given are removed. With `expected_version` (version_of when the editor loaded the
    record), a save made meanwhile by someone else raises EditConflict."""
    _check_version(household, expected_version)
    _assert_open(household)
    if not household.area_type and household.unit_id:
        household.area_type = household.unit.area_type
    members = members or []
    if members and not household.member_count:
        household.member_count = len(members)
    standard = standard_for_year(household.survey_year)
    before = Household.objects.filter(pk=household.pk).values_list("unit_id", "survey_year").first() \
        if household.pk else None
    apply_classification(household, members, standard)
    household.full_clean()
    for member in members:
        member.full_clean(exclude=["household"])
    household.save()
    existing = set(household.members.values_list("pk", flat=True))
    kept = {m.pk for m in members if m.pk in existing}
    for stale in household.members.exclude(pk__in=kept):
        stale.delete()
    for member in members:
        if member.pk not in existing:
            member.pk = None
        member.household = household
        member.save()
    if before and before != (household.unit_id, household.survey_year):  # moved: the old place changed too
        announce_change([before[0], household.unit_id], [before[1], household.survey_year])
    else:
        announce_change([household.unit_id], [household.survey_year])
    return household


# The stored inputs of the engine: what household_record reads from a household.
_INPUT_FIELDS = ["id", "unit_id", "code", "area_type", "income_per_capita", "survey_year", "member_count",
                 "house_class", "nondurable_structures", "floor_area_m2", "water_source", "latrine", "has_tv",
                 "has_radio", "has_computer", "has_smartphone", "loudspeaker_audible", "reported_deprivations"]


def _derived_rows(batch: list[dict], members: dict, standard: PovertyStandard, engine) -> list[tuple]:
    """(id, *DERIVED_FIELDS) of each household of the batch, classified from its stored inputs."""
    from types import SimpleNamespace

    rows = []
    for values in batch:
        household = SimpleNamespace(**values)
        apply_classification(household, members.get(values["id"], []), standard, engine)
        rows.append((values["id"], standard.pk, *(getattr(household, f) for f in DERIVED_FIELDS[1:])))
    return rows


def _staged_update(cursor, rows: list[tuple], first: bool) -> None:
    """PostgreSQL: COPY the derived fields into a temporary staging table (dropped at commit)."""
    import csv
    import io
    import json

    from django.db import connection

    fields = [Household._meta.get_field(name) for name in DERIVED_FIELDS]
    if first:
        columns = ", ".join(f"{f.column} {f.db_type(connection)}" for f in fields)
        cursor.execute("DROP TABLE IF EXISTS reclassified")  # a second run in the same transaction
        cursor.execute(f"CREATE TEMPORARY TABLE reclassified (id bigint PRIMARY KEY, {columns}) ON COMMIT DROP")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([r"\N" if v is None else json.dumps(v) if isinstance(v, list) else
                         ("t" if v else "f") if isinstance(v, bool) else v for v in row])
    buffer.seek(0)
    cursor.cursor.copy_expert(
        f"COPY reclassified (id, {', '.join(f.column for f in fields)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
        buffer)


def _write_staged(cursor, fields) -> tuple[set, set]:
    """UPDATE … FROM the staging table, only the rows whose derived fields differ (an edited line moves a
    few thousand households, not all of them); the units and years of those rows."""
    columns = [f.column for f in fields]
    cursor.execute(
        f"WITH moved AS (UPDATE {Household._meta.db_table} h SET "
        f"{', '.join(f'{c} = s.{c}' for c in columns)} FROM reclassified s WHERE h.id = s.id AND "
        f"({', '.join(f'h.{c}' for c in columns)}) IS DISTINCT FROM ({', '.join(f's.{c}' for c in columns)}) "
        "RETURNING h.unit_id, h.survey_year) SELECT DISTINCT unit_id, survey_year FROM moved")
    pairs = cursor.fetchall()
    return {unit for unit, _year in pairs}, {year for _unit, year in pairs}


@transaction.atomic
def reclassify_standard(standard_id: int, batch_size: int = 5000) -> int:
    """Reclassify every household the standard governs, all or nothing, then announce the change (the
    figures are recomputed). Households are read as plain values in batches; on PostgreSQL the derived fields
    are COPied into a staging table and written with one UPDATE … FROM, elsewhere with one executemany.
    Households of a submitted or approved unit and year keep the classification that was approved
    (docs/approval.md): reopen them to reclassify."""
    from django.db import connection

    standard = PovertyStandard.objects.select_for_update().get(pk=standard_id)
    engine = standard.to_engine()
    governed = Household.objects.filter(
        survey_year__gte=standard.first_year, survey_year__lte=standard.last_year
    ).exclude(locked_households_filter(standard.first_year, standard.last_year))
    fields = [Household._meta.get_field(name) for name in DERIVED_FIELDS]
    postgres = connection.vendor == "postgresql"
    changed, last_id, units, years = 0, 0, set(), set()
    with connection.cursor() as cursor:
        while True:
            batch = list(governed.filter(id__gt=last_id).order_by("id").values(*_INPUT_FIELDS)[:batch_size])
            if not batch:
                break
            last_id = batch[-1]["id"]
            members = {}
            for household_id, *values in (Member.objects.filter(household_id__in=[h["id"] for h in batch])
                                          .order_by("id").values_list("household_id", *_MEMBER_FIELDS)):
                members.setdefault(household_id, []).append(MemberRecord(*values))
            rows = _derived_rows(batch, members, standard, engine)
            units |= {h["unit_id"] for h in batch}
            years |= {h["survey_year"] for h in batch}
            if postgres:
                _staged_update(cursor, rows, first=not changed)
            else:
                assignments = ", ".join(f"{f.column} = %s" for f in fields)
                cursor.executemany(f"UPDATE {Household._meta.db_table} SET {assignments} WHERE id = %s",
                                   [(*(f.get_db_prep_save(v, connection) for f, v in zip(fields, row[1:])), row[0])
                                    for row in rows])
            changed += len(rows)
        if postgres and changed:
            units, years = _write_staged(cursor, fields)
    announce_change(units, years)
    return changed


def classify_json(payload) -> list[dict]:
    """Classify households in their JSON form (household-json.md) without storing anything: one answer per
    household, its classification or its errors; a body that is not households at all gets one answer."""
    from .standards import RecordError, parse_household
    from .standards.validate import households_of

    try:
        items = households_of(payload)
    except RecordError as error:
        return [{"code": None, "errors": error.errors}]
    standards = {s.code: s.to_engine() for s in PovertyStandard.objects.all()}
    results = []
    for item in items:
        try:
            record, standard = parse_household(item, standards)
        except RecordError as error:
            results.append({"code": error.code, "errors": error.errors})
            continue
        results.append(classify(record, standard).as_dict())
    return results
