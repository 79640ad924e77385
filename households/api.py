"""/api/v1/households/: list, detail, create and update household records, within the user's area.
Create and update read the body with the validator of the JSON form (docs/domain/household-json.md), as
`POST /api/v1/classify/` and the roster import do, and save through households.services; a household read
here can be sent back as it is."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Body, Field, Router, Schema, Status
from ninja.pagination import paginate

from approvals.services import DataLocked
from areas.selectors import units_for_user

from . import selectors
from .forms import DWELLING_FIELDS, MEMBER_FIELDS
from .models import Ethnicity, Household, PovertyStandard
from .names import rule_text
from .selectors import classifications_of
from .services import EditConflict, classify_json, household_replace, version_of
from .standards import RecordError
from .standards.records import ASSETS
from .standards.validate import MAX_HOUSEHOLDS_PER_REQUEST, parse_stored_household

router = Router(tags=["households"])


class MemberOut(Schema):
    id: int
    full_name: str
    age: int
    sex: str
    education: str
    employment: str
    in_school: bool
    on_track: bool
    health_insurance: bool
    able_to_work: bool
    disabled: bool
    social_allowance: bool
    malnourished: bool
    sick_untreated: bool
    uses_phone: bool
    uses_internet: bool
    job_training_certificate: bool


class DwellingOut(Schema):
    house_class: str
    nondurable_structures: int
    floor_area_m2: float
    water_source: str
    latrine: str
    assets: list[str]
    loudspeaker_audible: bool
    waste_disposal: str | None = Field(None, description="collected, treated_on_site, untreated; null: not surveyed")


class ClassificationUnderStandardOut(Schema):
    standard: str
    classification: str
    deprivations: list[str]
    deprivation_count: int
    not_surveyed: list[str] = Field(description="indicators of the standard the record does not answer")
    incomplete: bool = Field(description="true when the unanswered indicators could change the classification")
    rule: str


class HouseholdOut(Schema):
    id: int
    code: str
    unit: str
    survey_year: int
    head_name: str
    ethnicity: str
    area_type: str
    income_per_capita: int
    member_count: int
    standard: str | None
    classification: str
    deprivations: list[str]
    deprivation_count: int
    rule: str
    version: str


class HouseholdDetailOut(HouseholdOut):
    dwelling: DwellingOut | None = None
    members: list[MemberOut] = []
    reported_deprivations: list[str] | None = None
    classifications: dict[str, ClassificationUnderStandardOut] = Field(
        {},
        description="the household under every standard of its review year, keyed by standard code: its year's "
        "own (the fields above) and, in a period's last year (2021, 2026), the next period's",
    )


class ErrorOut(Schema):
    field: str
    message: str


class ErrorsOut(Schema):
    errors: list[ErrorOut]


def _summary(h: Household) -> dict:
    return {
        "id": h.pk,
        "code": h.code,
        "unit": h.unit.code,
        "survey_year": h.survey_year,
        "head_name": h.head_name,
        "ethnicity": h.ethnicity,
        "area_type": h.area_type,
        "income_per_capita": h.income_per_capita,
        "member_count": h.member_count,
        "standard": h.standard.code if h.standard_id else None,
        "classification": h.classification,
        "deprivations": h.deprivations,
        "deprivation_count": h.deprivation_count,
        "rule": rule_text(h.classification_rule),
        "version": version_of(h),
    }


def _detail(h: Household) -> dict:
    data = _summary(h)
    data["members"] = [{"id": m.pk, **{f: getattr(m, f) for f in MEMBER_FIELDS}} for m in h.members.order_by("id")]
    data["reported_deprivations"] = h.reported_deprivations
    if h.house_class:
        data["dwelling"] = {
            "house_class": h.house_class,
            "nondurable_structures": h.nondurable_structures or 0,
            "floor_area_m2": float(h.floor_area_m2 or 0),
            "water_source": h.water_source,
            "latrine": h.latrine,
            "assets": [a for a in ASSETS if getattr(h, f"has_{a}")],
            "loudspeaker_audible": h.loudspeaker_audible,
            "waste_disposal": h.waste_disposal or None,
        }
    data["classifications"] = {c.standard.code: _classification(c) for c in classifications_of(h)}
    return data


def _classification(c) -> dict:
    return {
        "standard": c.standard.code,
        "classification": c.classification,
        "deprivations": c.deprivations,
        "deprivation_count": c.deprivation_count,
        "not_surveyed": c.not_surveyed,
        "incomplete": c.incomplete,
        "rule": rule_text(c.classification_rule),
    }


class _Summaries:
    """The households as summaries, made for the page asked for only: the paginator counts and slices."""

    def __init__(self, households):
        self.households = households

    def __len__(self):
        return self.households.count()

    def __getitem__(self, page: slice):
        return [_summary(h) for h in self.households[page]]


@router.get(
    "/",
    response=list[HouseholdOut],
    summary="Households the user may see",
    description="Filter by unit code (its whole subtree), survey year and classification.",
)
@paginate  # the API's pagination (povertyplan.pagination): limit and offset capped
def list_households(request, unit: str | None = None, year: int | None = None, classification: str | None = None):
    households = selectors.household_list(request.user, unit=unit or "", year=year, classification=classification or "")
    return _Summaries(households.select_related("standard", "unit"))


@router.get("/{household_id}/", response=HouseholdDetailOut, summary="A household with its members")
def get_household(request, household_id: int):
    return _detail(selectors.get_household_for_user(request.user, household_id))


def _located(field: str) -> str:
    if field in DWELLING_FIELDS:
        return "dwelling.assets" if field.startswith("has_") else f"dwelling.{field}"
    return "" if field == "__all__" else field


def _unit(request, code: str, year: int):
    """The commune or village of the user's area with that code in the review year (codes are reused across the
    2025 reform; else the unit of that code in force today), or the error on `unit`."""
    unit = units_for_user(request.user).by_code(code, year)
    if unit is None:
        return None, _("There is no unit with this code in your area.")
    if unit.level not in ("commune", "village"):
        return None, _("%(code)s is not a commune or a village: a household is recorded in one.") % {"code": code}
    return unit, None


def _submit(request, payload: Any, household: Household):
    if not request.user.has_perm("households.change_household"):
        return Status(403, {"detail": _("Your role may look at household records but not change them.")})
    created = household.pk is None
    standards = {s.code: s.to_engine() for s in PovertyStandard.objects.all()}
    try:
        parsed = parse_stored_household(payload, standards, Ethnicity.values)
    except RecordError as error:
        return Status(422, {"errors": error.errors})
    unit, message = _unit(request, parsed.unit, parsed.record.reference_year)
    if unit is None:
        return Status(422, {"errors": [{"field": "unit", "message": message}]})
    try:
        with transaction.atomic():
            household_replace(household, parsed, unit, expected_version=None if created else parsed.version)
    except EditConflict as conflict:
        return Status(409, {"errors": [{"field": "version", "message": str(conflict)}]})
    except DataLocked as locked:
        return Status(409, {"errors": [{"field": "", "message": m} for m in locked.messages]})
    except ValidationError as error:
        located = error.message_dict.items() if hasattr(error, "error_dict") else [("", error.messages)]
        return Status(422, {"errors": [{"field": _located(f), "message": m} for f, ms in located for m in ms]})
    except IntegrityError:
        return Status(
            422,
            {
                "errors": [
                    {"field": "code", "message": _("This household code is already recorded in the survey year.")}
                ]
            },
        )
    return Status(201 if created else 200, _detail(household))


@router.post(
    "/",
    response={201: HouseholdDetailOut, 403: dict, 409: ErrorsOut, 422: ErrorsOut},
    summary="Create a household",
    description="Body: the JSON form of docs/domain/household-json.md with `unit` (official code) and `survey_year`; "
    "members and dwelling, or `member_count` and `deprivations` (or `reported_deprivations`). A household read from "
    "this API may be sent back as it is: `id`, `standard`, `classification`, `deprivations` (beside members), "
    "`deprivation_count` and `rule` are derived and recomputed, never taken from the body. Numbers are JSON "
    'numbers; a number sent as a string is read as JSON reads it ("16.5"). Invalid: 422 with `errors` located as '
    "`members[2].age`, `dwelling.latrine`, `income_per_capita`. A unit × year submitted or approved: 409, saying "
    "who and when.",
)
def create_household(request, payload: Any = Body(...)):
    return _submit(request, payload, Household())


@router.put(
    "/{household_id}/",
    response={200: HouseholdDetailOut, 403: dict, 409: ErrorsOut, 422: ErrorsOut},
    summary="Replace a household's record",
    description="Same body as create: what a read answers, sent back unchanged, changes nothing and writes "
    "nothing. Members carrying the `id` of one of the household's members update "
    "it; others are added; members left out are removed. With `version` (from a read), a save "
    "made meanwhile by someone else gets 409; so does a change to a submitted or approved unit × "
    "year, with who submitted or approved it and when.",
)
def update_household(request, household_id: int, payload: Any = Body(...)):
    household = get_object_or_404(selectors.households_for_user(request.user), pk=household_id)
    return _submit(request, payload, household)


# POST /api/v1/classify/: at the API's root, not under /households/ (its operation id is the one it had in
# povertyplan/api.py).
classify_router = Router(tags=["households"])


class ErrorOut(Schema):
    field: str
    message: str


class ConflictOut(Schema):
    indicator: str
    given: bool
    derived: bool
    message: str


class ClassificationOut(Schema):
    code: str | None = None
    standard: str | None = None
    classification: str | None = None
    deprivations: list[str] | None = None
    deprivation_count: int | None = None
    income_line: int | None = None
    low_income_worker_household: bool | None = None
    rule: str | None = None
    conflicts: list[ConflictOut] | None = None
    errors: list[ErrorOut] | None = None


CLASSIFY_BODY = {
    "description": f"One household, or a list of at most {MAX_HOUSEHOLDS_PER_REQUEST} households, in the JSON "
    "form of docs/domain/household-json.md.",
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "oneOf": [
                    {"type": "object"},
                    {"type": "array", "maxItems": MAX_HOUSEHOLDS_PER_REQUEST, "items": {}},
                ]
            }
        }
    },
}


@classify_router.post(
    "/classify/",
    response={200: list[ClassificationOut], 422: list[ClassificationOut]},
    tags=["households"],
    summary="Classify households without storing them",
    description="Body: one household or a list of at most "
    f"{MAX_HOUSEHOLDS_PER_REQUEST} (and at most 5 MB), in the JSON form of docs/domain/household-json.md. "
    "200: every household classified. 422: at least one is invalid; its answer carries `errors`, "
    "each naming the field, with a Vietnamese message (the others are classified all the same).",
    exclude_none=True,
    openapi_extra={"requestBody": CLASSIFY_BODY},
    operation_id="povertyplan_api_classify",
)
def classify(request, payload: Any = Body(...)):
    results = classify_json(payload)
    return Status(422 if any("errors" in r for r in results) else 200, results)
