"""Writes to household records. Every path — admin, form, import, API, demo — comes through here,
so a record's classification is always derived by the standard of its year."""

import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import DataKind
from approvals.services import assert_households_open, hold_for_write, locked_households_filter
from areas.models import Unit
from povertyplan.bulk import update_rows

from .models import Household, HouseholdClassification, Member, PovertyStandard
from .names import rule_text
from .signals import announce_change
from .standards import Dwelling, HouseholdRecord, classify, classify_deprived
from .standards import Member as MemberRecord
from .standards.facts import DEPRIVATION_BITS, MemberFacts, deprivation_mask, member_facts
from .standards.indicators import DWELLING_RULES, RULES
from .standards.records import ASSETS, DEFAULT_PARAMETERS
from .standards.validate import StoredHousehold

_MEMBER_FIELDS = [f for f in MemberRecord.__dataclass_fields__]
MEMBER_FACT_FIELDS = list(MemberFacts.__dataclass_fields__)
DERIVED_FIELDS = [
    "standard",
    "classification",
    "deprivations",
    "deprivation_count",
    "low_income_worker",
    "classification_rule",
    "not_surveyed",
    "incomplete",
    "deprivation_mask",
    *MEMBER_FACT_FIELDS,
]


def standard_for_year(year: int) -> PovertyStandard:
    """The standard of review `year` (PovertyStandard.objects.of_year), or a ValidationError on survey_year."""
    if standard := PovertyStandard.objects.of_year(year):
        return standard
    raise ValidationError({"survey_year": _("No poverty standard covers the survey year %(year)s.") % {"year": year}})


def household_record(household: Household, members, asked: frozenset | None = None) -> HouseholdRecord:
    """The engine's view of a stored household: member detail when it has members and a dwelling. `asked`: the
    indicators its roster answers were given for (its year's standard's); under another standard, the others
    count as not surveyed."""
    has_detail = bool(members) and bool(household.house_class)
    dwelling = dwelling_of(household) if has_detail else None
    answers = household.reported_deprivations
    return HouseholdRecord(
        code=household.code,
        area_type=household.area_type,
        income_per_capita=household.income_per_capita,
        reference_year=household.survey_year,
        member_count=household.member_count,
        members=tuple(
            m if isinstance(m, MemberRecord) else MemberRecord(**{f: getattr(m, f) for f in _MEMBER_FIELDS})
            for m in members
        )
        if has_detail
        else None,
        dwelling=dwelling,
        answers=frozenset(answers) if answers is not None else None,
        not_surveyed=frozenset(DEPRIVATION_BITS) - asked if asked is not None else frozenset(),
    )


def dwelling_of(household) -> Dwelling | None:
    """The engine's dwelling of a stored household (None when the record has none)."""
    if not household.house_class:
        return None
    return Dwelling(
        house_class=household.house_class,
        nondurable_structures=household.nondurable_structures or 0,
        floor_area_m2=float(household.floor_area_m2 or 0),
        water_source=household.water_source,
        latrine=household.latrine,
        assets=frozenset(name for name in ASSETS if getattr(household, f"has_{name}")),
        loudspeaker_audible=household.loudspeaker_audible,
        waste_disposal=household.waste_disposal or None,
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
            'Household %(code)s: the roster answers must be a list of indicator names, such as ["water", "latrine"].'
        ) % {"code": code}
    elif answers is not None and standard is not None:
        unknown = set(answers) - set(standard.indicator_rules)
        if unknown:
            problems["reported_deprivations"] = _(
                "Household %(code)s: indicators not in standard %(standard)s: %(names)s"
            ) % {"code": code, "standard": standard.code, "names": ", ".join(sorted(unknown))}
    if not members and answers is None:
        problems["reported_deprivations"] = _(
            "Household %(code)s: give either its members and dwelling, or its deprivations."
        ) % {"code": code}
    elif members and answers is None and not household.house_class:
        problems["house_class"] = _(
            "Household %(code)s: with members listed, give the dwelling too (house class, floor area, water, "
            "latrine), or the roster answers."
        ) % {"code": code}
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
        "classification_rule": result.rule.encode(),
        "not_surveyed": list(result.not_surveyed),
        "incomplete": result.incomplete,
        "deprivation_mask": deprivation_mask(result.deprivations),
        **{field: getattr(facts, field) if facts else None for field in MEMBER_FACT_FIELDS},
    }


def other_classification(household, members, standard: PovertyStandard, engine=None, asked=None):
    """The household's classification under a standard other than its year's own (not saved). Its roster
    answers were given for `asked` (the indicators of its own standard): any other indicator is not surveyed."""
    engine = engine or standard.to_engine()
    if asked is None and household.reported_deprivations is not None:
        asked = frozenset(household.standard.indicator_rules)
    result = classify(household_record(household, members, asked), engine)
    return HouseholdClassification(household_id=household.pk, standard=standard, **_other_values(result))


# What a HouseholdClassification stores of the engine's result.
OTHER_COLUMNS = (
    "classification",
    "deprivations",
    "deprivation_count",
    "deprivation_mask",
    "not_surveyed",
    "incomplete",
    "classification_rule",
)


def _other_values(result) -> dict:
    values = (
        result.classification,
        list(result.deprivations),
        result.deprivation_count,
        deprivation_mask(result.deprivations),
        list(result.not_surveyed),
        result.incomplete,
        result.rule.encode(),
    )
    return dict(zip(OTHER_COLUMNS, values, strict=True))


def store_other_classifications(household: Household, members) -> None:
    """Classify the household under every other standard of its review year (the next period's, in a period's
    last year) and under those it was already compared with; replace what was stored."""
    own = household.standard_id
    standards = {s.pk: s for s in PovertyStandard.objects.of_review_year(household.survey_year) if s.pk != own}
    compared = household.other_classifications.exclude(standard_id__in=[own, *standards]).select_related("standard")
    standards.update({c.standard_id: c.standard for c in compared})
    household.other_classifications.all().delete()
    HouseholdClassification.objects.bulk_create(
        other_classification(household, members, standard) for standard in standards.values()
    )


def _assert_open(household: Household, before: Household | None) -> None:
    """Refuse a write into a submitted or approved unit and year — where the record is (`before`, as stored) and
    where it goes."""
    if before is not None:
        assert_households_open(before.unit, before.survey_year)
    place = (household.unit_id, household.survey_year)
    if household.unit_id and (before is None or (before.unit_id, before.survey_year) != place):
        assert_households_open(household.unit, household.survey_year)


def _assert_in_force(unit: Unit, survey_year: int) -> None:
    """A household is recorded in a unit that exists in its review year (a commune merged in 2025 takes no 2026
    household; a commune made in 2025 no 2024 one), at a level that takes data that year."""
    if survey_year and (refusal := unit.entry_refusal(survey_year)):
        raise ValidationError({"unit": refusal})


def _stored(household: Household) -> Household | None:
    """The household as stored, locked until the end of the transaction (None when it is new)."""
    if household.pk is None:
        return None
    return Household.objects.select_for_update(of=("self",)).select_related("unit").filter(pk=household.pk).first()


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
    _assert_open(household, _stored(household))
    unit_id, year = household.unit_id, household.survey_year
    household.delete()
    announce_change([unit_id], [year])


class EditConflict(Exception):
    """Someone else saved the record after the editor loaded it: their save is refused, nothing is written."""

    def __init__(self, who, when):
        self.who, self.when = who, when
        name = (who.get_full_name() or who.username) if who else _("another user")
        stamp = timezone.localtime(when).strftime("%H:%M:%S %d/%m/%Y") if when else ""
        super().__init__(
            _(
                "%(who)s saved this record at %(when)s, after you opened it. Your changes were not saved: "
                "reload the page to see theirs, then make your changes again."
            )
            % {"who": name, "when": stamp}
        )


def version_of(household: Household) -> str:
    """The token an editor carries back to prove they saw the latest save (optimistic locking)."""
    return household.updated_at.isoformat() if household.updated_at else ""


def _check_version(before: Household | None, expected_version: str | None) -> None:
    if expected_version is not None and before is not None and version_of(before) != expected_version:
        last = before.history.select_related("history_user").order_by("-history_date", "-history_id").first()
        raise EditConflict(last.history_user if last else None, before.updated_at)


def _count_members(household: Household, members) -> None:
    """A member list sets the member count, whatever the path (entry form, API, script)."""
    if members:
        household.member_count = len(members)


def household_preview(household: Household, members):
    """The classification saving the household would give (the engine's result); nothing is written."""
    _count_members(household, members)
    return apply_classification(household, members, standard_for_year(household.survey_year))


@transaction.atomic
def household_save(
    household: Household, members: list[Member] | None = None, expected_version: str | None = None
) -> Household:
    """Validate, classify and store a household with its members. Members with the id of one of the
    household's members update it (so its history shows the fields that changed); the others are added,
    and members not given are removed. With `expected_version` (version_of when the editor loaded the
    record), a save made meanwhile by someone else raises EditConflict."""
    before = _stored(household)
    _check_version(before, expected_version)
    _assert_open(household, before)
    if household.unit_id:
        _assert_in_force(household.unit, household.survey_year)
    if not household.area_type and household.unit_id:
        household.area_type = household.unit.area_type_in(household.survey_year)
    members = members or []
    _count_members(household, members)
    standard = standard_for_year(household.survey_year)
    apply_classification(household, members, standard)
    household.full_clean()
    for member in members:
        member.full_clean(exclude=["household"])
    household.save()
    store_other_classifications(household, members)
    existing = set(household.members.values_list("pk", flat=True))
    kept = {m.pk for m in members if m.pk in existing}
    for stale in household.members.exclude(pk__in=kept):
        stale.delete()
    for member in members:
        if member.pk not in existing:
            member.pk = None
        member.household = household
        member.save()
    if before and (before.unit_id, before.survey_year) != (household.unit_id, household.survey_year):
        announce_change([before.unit_id, household.unit_id], [before.survey_year, household.survey_year])  # moved
    else:
        announce_change([household.unit_id], [household.survey_year])
    return household


def household_replace(
    household: Household, parsed: StoredHousehold, unit, expected_version: str | None = None
) -> Household:
    """Store a household from its JSON form (households.standards.validate.parse_stored_household), replacing
    every input of the record: its fields, its dwelling (cleared when the form has none), its roster answers and
    its members (one carrying the id of one of the household's members updates it). Saved by household_save;
    a form that changes nothing writes nothing (no history, nothing to recompute), whatever version it carries."""
    record, dwelling = parsed.record, parsed.record.dwelling
    stored = {m.pk: m for m in household.members.order_by("id")} if household.pk else {}
    before = _as_stored(household, stored.values()) if household.pk else None
    household.unit = unit
    household.survey_year = record.reference_year
    household.code = record.code
    household.head_name = parsed.head_name
    household.ethnicity = parsed.ethnicity
    household.area_type = record.area_type
    household.income_per_capita = record.income_per_capita
    household.member_count = record.member_count
    household.house_class = dwelling.house_class if dwelling else ""
    household.nondurable_structures = dwelling.nondurable_structures if dwelling else None
    household.floor_area_m2 = Decimal(str(dwelling.floor_area_m2)) if dwelling else None
    household.water_source = dwelling.water_source if dwelling else ""
    household.latrine = dwelling.latrine if dwelling else ""
    for asset in ASSETS:
        setattr(household, f"has_{asset}", dwelling is not None and asset in dwelling.assets)
    household.loudspeaker_audible = dwelling.loudspeaker_audible if dwelling else False
    household.waste_disposal = (dwelling.waste_disposal or "") if dwelling else ""
    household.reported_deprivations = sorted(record.answers) if record.answers is not None else None
    members = []
    for member, name, member_id in zip(record.members or (), parsed.member_names, parsed.member_ids, strict=True):
        row = stored.pop(member_id, None) or Member()  # an id given twice: the second is another person
        row.full_name = name
        for field in _MEMBER_FIELDS:
            setattr(row, field, getattr(member, field))
        members.append(row)
    if before is not None and _as_stored(household, members) == before:
        return household
    return household_save(household, members, expected_version)


def _as_stored(household: Household, members) -> tuple:
    """What household_replace writes: the household's inputs and its members', in order."""
    return (
        tuple(getattr(household, name) for name in _REPLACED_FIELDS),
        tuple((m.pk, m.full_name, *(getattr(m, name) for name in _MEMBER_FIELDS)) for m in members),
    )


# The stored inputs of the engine: what household_record reads from a household.
_INPUT_FIELDS = [
    "id",
    "unit_id",
    "code",
    "area_type",
    "income_per_capita",
    "survey_year",
    "member_count",
    "house_class",
    "nondurable_structures",
    "floor_area_m2",
    "water_source",
    "latrine",
    "has_tv",
    "has_radio",
    "has_computer",
    "has_smartphone",
    "loudspeaker_audible",
    "waste_disposal",
    "reported_deprivations",
]
_REPLACED_FIELDS = [*_INPUT_FIELDS[1:], "head_name", "ethnicity"]
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


_READ_FIELDS = [*_INPUT_FIELDS, *_STORED_FIELDS]


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
    member_columns = ", ".join(Member._meta.get_field(name).column for name in _MEMBER_FIELDS)
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
            if isinstance(household[name], str):
                household[name] = json.loads(household[name])
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
def classify_under(standard: PovertyStandard, households, batch_size: int = 5000) -> int:
    """Classify `households` (a queryset) under `standard`, another than their year's own, from their stored
    inputs, and replace their stored classification under it: all or nothing. Returns how many were classified.
    Roster answers count as given for the indicators of each household's own standard."""
    from types import SimpleNamespace

    from povertyplan.bulk import copy_rows

    engine = standard.to_engine()
    own_engines = {s.pk: s.to_engine() for s in PovertyStandard.objects.all()}
    households = households.exclude(standard=standard)
    HouseholdClassification.objects.filter(standard=standard, household__in=households).delete()
    # Indicators the household's own standard already decided the same way are read from its stored
    # deprivations; only the others are decided here — from the dwelling alone when they need nothing else.
    reused = {pk: decided_alike(own, engine) for pk, own in own_engines.items()}
    owners = set(households.order_by().values_list("standard_id", flat=True).distinct())
    with_members = any(set(engine.indicator_rules) - reused[pk] - dwelling_only(engine) for pk in owners)
    rows, known = [], {}
    for batch in _governed_batches(households, batch_size, with_members=with_members):
        records, members = _records(*batch, known)
        for values in records:
            own = values["standard_id"]
            household = SimpleNamespace(**values)
            if values["reported_deprivations"] is not None:
                record = household_record(household, [], frozenset(own_engines[own].indicator_rules))
                result = classify(record, engine)
            elif with_members:
                result = classify(household_record(household, members.get(values["id"], [])), engine)
            else:
                result = _classify_reusing(household, reused[own], engine)
            rows.append((values["id"], standard.pk, *_other_values(result).values()))
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


def classify_json(payload) -> list[dict]:
    """Classify households in their JSON form (docs/domain/household-json.md) without storing anything: one answer per
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
        answer = classify(record, standard).as_dict()
        answer["rule"] = rule_text(answer["rule"])
        results.append(answer)
    return results
