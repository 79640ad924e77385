"""Province-wide re-classification: every household a standard governs, after the standard was edited
(reclassify_standard), and households classified under a standard other than their year's own (classify_under).
Bulk reads in plain SQL and bulk writes; the rules of a single household are those of households.services."""

import json

from django.db import connection, transaction
from django.db.models import Q

from approvals.models import DataKind
from approvals.services import hold_for_write, locked_households_filter
from areas.models import Unit
from povertyplan.bulk import update_rows

from .models import Household, HouseholdClassification, Member, PovertyStandard
from .services import (
    DERIVED_FIELDS,
    ENGINE_MEMBER_FIELDS,
    INPUT_FIELDS,
    OTHER_COLUMNS,
    apply_classification,
    dwelling_of,
    household_record,
    other_values,
)
from .signals import announce_change
from .standards import HouseholdRecord, classify, classify_deprived
from .standards import Member as MemberRecord
from .standards.indicators import DWELLING_RULES, RULES
from .standards.records import DEFAULT_PARAMETERS

_STORED_FIELDS = [f"{name}_id" if name == "standard" else name for name in DERIVED_FIELDS]
_JSON_FIELDS = ("reported_deprivations", "deprivations", "not_surveyed")
RECLASSIFY_FORK_FROM = 20_000  # households: below this a second process costs more than it saves
CHILD_SHARE = 0.6  # of the households, for the forked child: this process also reads the rest meanwhile
# The fields of a standard that decide only where an income falls: after an edit of these alone every household
# keeps its deprivations and member facts, and re-classifying it needs neither its members nor the rules.
INCOME_STEP_FIELDS = frozenset(
    {
        "income_only_poor_line_rural",
        "income_only_poor_line_urban",
        "deprivation_line_rural",
        "deprivation_line_urban",
        "middle_line_rural",
        "middle_line_urban",
        "low_income_worker_line_rural",
        "low_income_worker_line_urban",
        "min_deprivations",
        "name",
        "legal_basis",
        "provenance",
    }
)


_READ_FIELDS = [*INPUT_FIELDS, *_STORED_FIELDS]


def _governed_batches(governed, batch_size: int, with_members: bool = True):
    """The rows of the households (_READ_FIELDS) and of their members (household id, *engine member fields) in
    batches of consecutive ids, as the database gives them: whichever process classifies a batch converts it.
    Plain SQL: the ORM's per-row work, its IN lists of ids and a LIMIT the planner may sort for cost more than
    classifying does at province scale."""
    from django.db import connection
    from django.db.models import Max, Min

    bounds = governed.aggregate(first=Min("id"), last=Max("id"))
    if bounds["first"] is None:
        return
    member_columns = ", ".join(Member._meta.get_field(name).column for name in ENGINE_MEMBER_FIELDS)
    members_sql = (
        f"SELECT household_id, {member_columns} FROM {Member._meta.db_table} "
        "WHERE household_id BETWEEN %s AND %s ORDER BY household_id, id"
    )
    with connection.cursor() as cursor:
        for low in range(bounds["first"], bounds["last"] + 1, batch_size):
            high = low + batch_size - 1
            query = governed.filter(id__gte=low, id__lte=high).order_by("id").values_list(*_READ_FIELDS).query
            cursor.execute(*query.sql_with_params())
            households = cursor.fetchall()
            if not households:
                continue
            members = []
            if with_members:
                cursor.execute(members_sql, [low, high])
                members = cursor.fetchall()
            yield households, members


def _records(households: list[tuple], members: list[tuple], known: dict) -> tuple[list[dict], dict]:
    """A batch as read: households as dicts, members as engine records by household id — one record per
    distinct row in `known` (they are immutable values, and a province has far fewer than members)."""
    households = [dict(zip(_READ_FIELDS, row)) for row in households]
    for household in households:
        for name in _JSON_FIELDS:
            value = household[name]
            if isinstance(value, str):  # most lists are empty: "[]" needs no parser
                household[name] = [] if value == "[]" else json.loads(value)
    by_household = {}
    for household_id, *values in members:
        values = tuple(values)
        member = known.get(values)
        if member is None:
            member = known[values] = MemberRecord(*values)
        by_household.setdefault(household_id, []).append(member)
    return households, by_household


def _moved_rows(batches, standard: PovertyStandard, engine, income_step_only: bool) -> tuple[list[tuple], int]:
    """Classify each household of the batches from its stored inputs (or only its income step, from its stored
    deprivations): ((id, *DERIVED_FIELDS) of those whose derived fields differ from what is stored, (unit, year)
    appended), and how many were classified."""
    from types import SimpleNamespace

    moved, count, known = [], 0, {}
    for batch in batches:
        households, members = _records(*batch, known)
        for values in households:
            if income_step_only:
                result = classify_deprived(
                    values["code"], values["area_type"], values["income_per_capita"], values["deprivations"], engine
                )
                derived = {
                    **values,
                    "classification": result.classification,
                    "low_income_worker": result.low_income_worker_household,
                    "classification_rule": result.rule.encode(),
                }
            else:
                derived = SimpleNamespace(**values)
                apply_classification(derived, members.get(values["id"], []), standard, engine)
                derived = vars(derived)
            derived = (standard.pk, *(derived[name] for name in DERIVED_FIELDS[1:]))
            if derived != tuple(values[name] for name in _STORED_FIELDS):
                moved.append((values["id"], *derived, values["unit_id"], values["survey_year"]))
        count += len(households)
    return moved, count


def _write_moved(rows: list[tuple]) -> None:
    """Store the derived fields of the moved households."""
    columns = [Household._meta.get_field(name).column for name in DERIVED_FIELDS]
    update_rows(Household, columns, [row[:-2] for row in rows])


@transaction.atomic
def reclassify_standard(standard_id: int, batch_size: int = 5000, edited_fields=None) -> int:
    """Reclassify every household the standard governs, all or nothing; store and announce only those whose
    derived fields moved (an edited line moves a few thousand households, not all of them), so only their
    units' figures are recomputed. Returns how many were classified. When the standard's `edited_fields` are
    all INCOME_STEP_FIELDS, only the income step runs, on the stored deprivations. At province scale a forked
    child classifies the first part of the households while this process reads and classifies the rest.
    Households of a submitted or approved unit and year keep the classification that was approved
    (docs/approval.md): reopen them to reclassify."""
    from django.db import connection

    from .roster.forked import Later

    standard = PovertyStandard.objects.select_for_update().get(pk=standard_id)
    provinces = Unit.objects.filter(parent=None).values_list("path", flat=True)
    for year in range(standard.first_year, standard.last_year + 1):
        hold_for_write(provinces, year, DataKind.HOUSEHOLDS)  # an approval waits for the new classifications
    engine = standard.to_engine()
    governed = Household.objects.filter(
        survey_year__gte=standard.first_year, survey_year__lte=standard.last_year
    ).exclude(locked_households_filter(standard.first_year, standard.last_year))
    income_step_only = (
        edited_fields is not None
        and set(edited_fields) <= INCOME_STEP_FIELDS
        and not governed.exclude(standard=standard).exists()
    )  # all classified by this standard already
    batches = _governed_batches(governed, batch_size, with_members=not income_step_only)
    total = governed.count()
    first_part, read = [], 0
    if connection.vendor == "postgresql" and total >= RECLASSIFY_FORK_FROM:
        for batch in batches:
            first_part.append(batch)
            read += len(batch[0])
            if read >= total * CHILD_SHARE:
                break
    with Later(lambda: _moved_rows(first_part, standard, engine, income_step_only), fork=bool(first_part)) as child:
        del first_part[:]  # the child has its own copy
        moved, count = _moved_rows(batches, standard, engine, income_step_only)
        child_moved, child_count = child.result()
    moved, count = child_moved + moved, child_count + count
    if moved:
        _write_moved(moved)
    announce_change({row[-2] for row in moved}, {row[-1] for row in moved})
    # The households it classifies beside their own standard: the review before its first year, and any compared.
    compared = HouseholdClassification.objects.filter(standard=standard).values("household_id")
    classify_under(standard, Household.objects.filter(Q(survey_year=standard.first_year - 1) | Q(pk__in=compared)))
    return count


@transaction.atomic
def classify_under(standard: PovertyStandard, households, batch_size: int = 5000, in_sql: bool | None = None) -> int:
    """Classify `households` (a queryset) under `standard`, another than their year's own, from their stored
    inputs, and replace their stored classification under it: all or nothing. Returns how many were classified.
    Roster answers count as given for the indicators of each household's own standard. On PostgreSQL one
    statement does it (households.classify_sql) when every indicator is decided alike by the households' own
    standards or reads only the dwelling; otherwise, or with `in_sql=False`, the households are classified here."""
    from . import classify_sql

    engine = standard.to_engine()
    households = households.exclude(standard=standard)
    owners_pks = set(households.order_by().values_list("standard_id", flat=True).distinct())
    if not owners_pks:
        return 0
    owners = {s.pk: s.to_engine() for s in PovertyStandard.objects.filter(pk__in=owners_pks)}
    plan = classify_sql.sql_plan(engine, owners)
    if in_sql is None:
        in_sql = connection.vendor == "postgresql" and plan is not None
    if not in_sql or plan is None:
        return _classify_under_here(standard, engine, households, owners, batch_size)
    source = households.order_by().values(*classify_sql.INPUTS).query.sql_with_params()
    sql, params = classify_sql.rescore_sql(engine, plan, owners, *source)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")  # compiling the long expressions costs more than it saves
        return classify_sql.write(cursor, standard.pk, sql, params)


def _classify_under_here(standard, engine, households, owners: dict, batch_size: int) -> int:
    """classify_under in Python (SQLite, or a standard whose member rules differ from the households' own)."""
    from types import SimpleNamespace

    from povertyplan.bulk import copy_rows

    HouseholdClassification.objects.filter(standard=standard, household__in=households).delete()
    # Indicators the household's own standard already decided the same way are read from its stored
    # deprivations; only the others are decided here — from the dwelling alone when they need nothing else.
    reused = {pk: decided_alike(own, engine) for pk, own in owners.items()}
    with_members = any(set(engine.indicator_rules) - reused[pk] - dwelling_only(engine) for pk in owners) or (
        households.filter(reported_deprivations__isnull=False).exclude(house_class="").exists()
    )  # a household with roster answers and a dwelling is classified from its members when it has some
    rows, known = [], {}
    for batch in _governed_batches(households, batch_size, with_members=with_members):
        records, members = _records(*batch, known)
        for values in records:
            own = values["standard_id"]
            household = SimpleNamespace(**values)
            people = members.get(values["id"], [])
            detail = bool(household.house_class) and (bool(people) or not with_members)
            if values["reported_deprivations"] is not None and not detail:
                record = household_record(household, [], frozenset(owners[own].indicator_rules))
                result = classify(record, engine)
            elif with_members:
                result = classify(household_record(household, people), engine)
            else:
                result = _classify_reusing(household, reused[own], engine)
            rows.append((values["id"], standard.pk, *other_values(result).values()))
    copy_rows(HouseholdClassification, ["household_id", "standard_id", *OTHER_COLUMNS], rows)
    return len(rows)


def decided_alike(own, other) -> frozenset[str]:
    """The indicators `other` decides exactly as `own` (engine standards): the same rule with the same parameters."""
    if any(own.param(name) != other.param(name) for name in DEFAULT_PARAMETERS):
        return frozenset()
    return frozenset(name for name, rule in other.indicator_rules.items() if own.indicator_rules.get(name) == rule)


def dwelling_only(standard) -> frozenset[str]:
    return frozenset(name for name, rule in standard.indicator_rules.items() if rule in DWELLING_RULES)


def _classify_reusing(household, reused: frozenset, engine):
    """A household with member detail under `engine`, its `reused` indicators taken from its stored deprivations and
    not-surveyed list, the others (all dwelling rules) decided from its dwelling."""
    deprived = set(household.deprivations) & reused
    not_surveyed = set(household.not_surveyed) & reused
    record = HouseholdRecord(
        household.code,
        household.area_type,
        household.income_per_capita,
        household.survey_year,
        household.member_count,
        members=(),
        dwelling=dwelling_of(household),
    )
    for name, rule in engine.indicator_rules.items():
        if name not in reused:
            answer = RULES[rule](record, engine)
            if answer is None:
                not_surveyed.add(name)
            elif answer:
                deprived.add(name)
    return classify_deprived(
        household.code, household.area_type, household.income_per_capita, deprived, engine, (), not_surveyed
    )
