"""Writes to household records. Every path — admin, form, import, API, demo — comes through here,
so a record's classification is always derived by the standard of its year."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.services import assert_households_open
from areas.models import Unit

from .models import Household, HouseholdClassification, Member, PovertyStandard
from .names import rule_text
from .signals import announce_change
from .standards import Dwelling, HouseholdRecord, classify
from .standards import Member as MemberRecord
from .standards.facts import DEPRIVATION_BITS, MemberFacts, deprivation_mask, member_facts
from .standards.records import ASSETS, counted_members
from .standards.validate import StoredHousehold

ENGINE_MEMBER_FIELDS = [f for f in MemberRecord.__dataclass_fields__]  # what the engine reads of a member
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
            m if isinstance(m, MemberRecord) else MemberRecord(**{f: getattr(m, f) for f in ENGINE_MEMBER_FIELDS})
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
    return HouseholdClassification(household_id=household.pk, standard=standard, **other_values(result))


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


def other_values(result) -> dict:
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
    household.member_count = counted_members(household.member_count, members)


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
        for field in ENGINE_MEMBER_FIELDS:
            setattr(row, field, getattr(member, field))
        members.append(row)
    if before is not None and _as_stored(household, members) == before:
        return household
    return household_save(household, members, expected_version)


def _as_stored(household: Household, members) -> tuple:
    """What household_replace writes: the household's inputs and its members', in order."""
    return (
        tuple(getattr(household, name) for name in _REPLACED_FIELDS),
        tuple((m.pk, m.full_name, *(getattr(m, name) for name in ENGINE_MEMBER_FIELDS)) for m in members),
    )


# The stored inputs of the engine: what household_record reads from a household.
INPUT_FIELDS = [
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
_REPLACED_FIELDS = [*INPUT_FIELDS[1:], "head_name", "ethnicity"]


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
