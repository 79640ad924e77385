"""Reads over household records: Alkire–Foster measures and year-over-year movements."""

from datetime import datetime
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, F, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from areas.models import Unit
from areas.selectors import filter_by_user_area, units_for_user, units_mapped_into
from povertyplan import display

from .models import Ethnicity, Household, HouseholdClassification, Member
from .names import indicator as indicator_name
from .names import rule_text
from .standards import transitions as t
from .standards.alkire_foster import measures, measures_by_group
from .standards.builtin import DIMENSIONS
from .standards.facts import DEPRIVATION_BITS
from .standards.transitions import transitions


def households_in(unit: Unit, year: int):
    return Household.objects.filter(unit__path__startswith=unit.path, survey_year=year)


def alkire_foster(unit: Unit, year: int, by: str | None = None):
    """H, A, M0 and headcounts over a unit's households in a year; `by` = "area" (child units) or
    "ethnicity" breaks it down by subgroup."""
    households = households_in(unit, year).select_related("standard")
    first = households.first()
    if first is None:
        return None
    standard = first.standard.to_engine()
    dimensions = DIMENSIONS.get(standard.code)
    k = standard.min_deprivations / len(standard.indicators)
    if by is None:
        return measures(
            (set(d) for d in households.values_list("deprivations", flat=True)), standard.indicators, dimensions, k
        )
    if by == "ethnicity":
        rows = ((e, set(d)) for e, d in households.values_list("ethnicity", "deprivations"))
    elif by == "area":
        depth = unit.depth + 1
        rows = ((path.split("/")[depth], set(d)) for path, d in households.values_list("unit__path", "deprivations"))
    else:
        raise ValueError(f"unknown breakdown {by!r}")
    return measures_by_group(rows, standard.indicators, dimensions, k)


def filter_by_movement(households, movement: str):
    """Households (of any survey year) whose report movement into their year is `movement`, one of
    transitions.POOR_MOVEMENTS or NEAR_POOR_MOVEMENTS: the database form of transitions.report_movements,
    for the household list's `?transition=` and the review report's links."""
    previous = Household.objects.filter(code=OuterRef("code"), survey_year=OuterRef("survey_year") - 1)

    def was(classification):
        return Exists(previous.filter(classification=classification))

    def earlier(classification):
        return Exists(
            Household.objects.filter(
                code=OuterRef("code"), survey_year__lt=OuterRef("survey_year") - 1, classification=classification
            )
        )

    out_of_both = Exists(previous) & ~was(t.POOR) & ~was(t.NEAR_POOR)
    poor, near = Q(classification=t.POOR), Q(classification=t.NEAR_POOR)
    returned_poor, returned_near = out_of_both & earlier(t.POOR), out_of_both & earlier(t.NEAR_POOR)
    conditions = {
        t.ESCAPED: ~poor & was(t.POOR),
        t.STILL_POOR: poor & was(t.POOR),
        t.RE_POOR_MOVEMENT: poor & returned_poor,
        t.NEWLY_POOR_MOVEMENT: poor & ~was(t.POOR) & ~returned_poor,
        t.ESCAPED_NEAR: ~near & ~poor & was(t.NEAR_POOR),
        t.STILL_NEAR_POOR: near & was(t.NEAR_POOR),
        t.RE_NEAR_POOR: near & returned_near,
        t.NEWLY_NEAR_POOR_MOVEMENT: near & ~was(t.NEAR_POOR) & ~returned_near,
    }
    if movement not in conditions:
        raise ValueError(f"unknown movement {movement!r}")
    return households.filter(conditions[movement])


# --- Pages and API: every read of household records goes through the user's area --------------------


def households_for_user(user):
    return filter_by_user_area(Household.objects.select_related("unit"), user)


def get_household_for_user(user, pk) -> Household:
    return get_object_or_404(households_for_user(user), pk=pk)


UNIT_GROUP_FLAGS = {
    "poor_districts": Q(poor_district=True),
    "poor_communes": Q(poor_commune=True),
    "difficult_communes": Q(extremely_difficult=True) | Q(coastal_or_island=True),
}


def household_list(
    user,
    *,
    unit: str = "",
    year=None,
    classification="",
    deprivation="",
    ethnicity="",
    ethnic_minority=False,
    unit_group="",
    area_type="",
    transition="",
    to_finish=False,
    q="",
    roster_import=None,
    incomplete="",
    compare_standard="",
    compare_class="",
    compare_deprivation="",
    boundaries="",
):
    """The household list's filters (the URL contract of /households/), within the user's area. `boundaries=
    "current"` with a unit and a year: the households behind its figure in today's boundaries — its subtree's and
    those of the old units the succession table maps into it (areas.selectors.units_mapped_into), which a user who
    may see the unit today may see there."""
    households = households_for_user(user)
    if roster_import:
        households = households.filter(pk__in=written_by_import(roster_import))
    if unit:
        place = units_for_user(user).by_code(unit, year if isinstance(year, int) else None)
        if place is not None and boundaries == "current" and isinstance(year, int) and place.valid_to is None:
            mapped = units_mapped_into(place, year)
            households = Household.objects.select_related("unit").filter(
                Q(unit__path__startswith=place.path) | Q(unit_id__in=mapped)
            )
            if roster_import:
                households = households.filter(pk__in=written_by_import(roster_import))
        else:
            households = households.filter(unit__path__startswith=place.path) if place else households.none()
    if year:
        households = households.filter(survey_year=year)
    if classification:
        households = households.filter(classification=classification)
    if deprivation:
        bit = DEPRIVATION_BITS.get(deprivation)
        households = (
            households.alias(_dep=F("deprivation_mask").bitand(bit)).filter(_dep__gt=0) if bit else households.none()
        )
    if ethnicity:
        households = households.filter(ethnicity=ethnicity)
    if ethnic_minority:
        households = households.exclude(ethnicity=Ethnicity.KINH)
    if unit_group:
        paths = Unit.objects.filter(UNIT_GROUP_FLAGS[unit_group]).values_list("path", flat=True)
        households = households.filter(reduce(or_, (Q(unit__path__startswith=p) for p in paths), Q(pk__in=[])))
    if area_type:
        households = households.filter(area_type=area_type)
    if transition:
        households = filter_by_movement(households, transition)
    if to_finish:  # incomplete under any standard of the review year: the officer has answers to collect
        households = households.filter(Q(incomplete=True) | Exists(incomplete_elsewhere(OuterRef("pk"))))
    if q:
        households = households.filter(Q(code__icontains=q) | Q(head_name__icontains=q))
    if incomplete:
        households = households.filter(incomplete=incomplete == "yes")
    if compare_standard:
        households = filter_by_other_class(households, compare_standard, compare_class, compare_deprivation)
    return households.order_by("-survey_year", "code")


def incomplete_elsewhere(household):
    """The classifications of `household` under another standard of its review year that lack answers."""
    from .models import HouseholdClassification

    return HouseholdClassification.objects.filter(household=household, incomplete=True)


def written_by_import(job_id: int):
    """Ids of the households a roster import wrote (new or changed): their history rows carry its time stamp."""
    from .models import RosterImport

    summary = RosterImport.objects.filter(pk=job_id).values_list("summary", flat=True).first() or {}
    if not summary.get("written_at"):
        return Household.objects.none().values("pk")
    stamp = datetime.fromisoformat(summary["written_at"])
    return Household.history.filter(history_date=stamp).values("id")


def filter_by_other_class(households, standard_code: str, group: str, deprivation: str = ""):
    """Households by their stored classification under another standard (HouseholdClassification): a class
    (complete), "incomplete", or "missing" (not re-scored under it); any group when `group` is empty; deprived
    in `deprivation` under that standard when given."""
    rows = HouseholdClassification.objects.filter(household=OuterRef("pk"), standard__code=standard_code)
    if deprivation:
        bit = DEPRIVATION_BITS.get(deprivation)
        if not bit:
            return households.none()
        rows = rows.alias(_dep=F("deprivation_mask").bitand(bit)).filter(_dep__gt=0)
    if group == "missing":
        return households.filter(~Exists(rows))
    if group == "incomplete":
        rows = rows.filter(incomplete=True)
    elif group:
        rows = rows.filter(classification=group, incomplete=False)
    return households.filter(Exists(rows))


def classification_counts(households) -> dict[str, int]:
    return dict(households.order_by().values_list("classification").annotate(n=Count("id")))


def household_years(user, household: Household) -> list[dict]:
    """The same household code in every survey year the user may see, with its movement into each year."""
    records = list(households_for_user(user).filter(code=household.code).order_by("survey_year"))
    history = {h.survey_year: h.classification for h in records}
    return [{"household": h, "transition": transitions(history, h.survey_year)} for h in records]


def _display(field, value):
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):  # deprivations, as computed or as the roster reported them: indicator codes
        return ", ".join(indicator_name(v) for v in value) or "—"
    if isinstance(value, int | float | Decimal):
        return display.number(value)
    if field.name == "classification_rule":
        return rule_text(value)
    return str(value)


def _changes(new, old, model, skip=()) -> list[dict]:
    """The fields whose value a reader sees change (1.0 → 1 is no change), each written as the pages write it; the
    derived ones too (simple-history's diff_against leaves out fields not editable, the classification among them)."""
    changes = []
    for tracked in new.tracked_fields:
        if tracked.name in ("updated_at", *skip) or getattr(new, tracked.attname) == getattr(old, tracked.attname):
            continue
        field = model._meta.get_field(tracked.name)
        values = [getattr(record, field.name if field.is_relation else field.attname) for record in (old, new)]
        before, after = (_display(field, value) for value in values)
        if before != after:
            changes.append({"field": str(field.verbose_name), "old": before, "new": after})
    return changes


HIDDEN_HISTORY_FIELDS = [
    "classification_rule",
    "deprivation_mask",
    "standard",
    "insured_members",
    "working_age_members",
    "trained_workers",
    "vocational_workers",
    "has_steady_worker",
    "deprivation_count",
]


def _who(user) -> str:
    return (user.get_full_name() or user.username) if user else _("system")


def change_history(household: Household, limit: int = 50) -> list[dict]:
    """Who changed what and when, field by field: the household's record and its members', newest first."""
    entries = []
    records = list(household.history.select_related("history_user").order_by("history_date", "history_id"))
    for before, after in zip([None, *records], records):
        entries.append(
            {
                "when": after.history_date,
                "who": _who(after.history_user),
                "type": after.history_type,
                "subject": _("household record"),
                "reason": after.history_change_reason or "",
                "changes": _changes(after, before, Household, HIDDEN_HISTORY_FIELDS) if before else [],
            }
        )
    members = Member.history.filter(household_id=household.pk).select_related("history_user")
    last = {}
    for record in members.order_by("history_date", "history_id"):
        before = last.get(record.id)
        name = record.full_name or _("member #%(id)s") % {"id": record.id}
        entries.append(
            {
                "when": record.history_date,
                "who": _who(record.history_user),
                "type": record.history_type,
                "subject": name,
                "reason": record.history_change_reason or "",
                "changes": _changes(record, before, Member) if before and record.history_type == "~" else [],
            }
        )
        last[record.id] = record
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]


def classifications_of(household: Household) -> list:
    """The household under every standard of its review year, its own first: its own classification (stored on
    the household) and, in a period's last year, the next period's (HouseholdClassification)."""
    from types import SimpleNamespace

    from .models import HouseholdClassification, PovertyStandard

    others = [s.pk for s in PovertyStandard.objects.of_review_year(household.survey_year)[1:]]
    own = SimpleNamespace(
        standard=household.standard,
        classification=household.classification,
        deprivations=household.deprivations,
        deprivation_count=household.deprivation_count,
        not_surveyed=household.not_surveyed,
        incomplete=household.incomplete,
        classification_rule=household.classification_rule,
    )
    stored = HouseholdClassification.objects.filter(household=household, standard_id__in=others)
    return [own, *stored.select_related("standard").order_by("standard__first_year")]
