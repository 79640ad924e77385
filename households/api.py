"""/api/v1/households/: list, detail, create and update household records, within the user's area.
Create and update bind the same forms as the entry pages and save through households.services, so an
invalid household gets the same messages, located in the JSON form of docs/domain/household-json.md."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Body, Router, Schema, Status
from ninja.pagination import paginate

from approvals.services import DataLocked
from areas.selectors import units_for_user

from . import selectors
from .forms import DWELLING_FIELDS, MEMBER_FIELDS, AnswersForm, HouseholdForm, MemberFormSet
from .labels import rule_text
from .models import Household
from .services import EditConflict, household_save, version_of

router = Router(tags=["households"])

ASSETS = ("tv", "radio", "computer", "smartphone")
_MEMBER_TRUE_BY_DEFAULT = ("able_to_work", "on_track")


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
        }
    return data


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


def _form_data(payload: dict, household: Household, unit_pk) -> dict:
    """The JSON form of a household as the entry form's POST data."""
    data = {
        k: payload.get(k)
        for k in ("survey_year", "code", "head_name", "ethnicity", "area_type", "income_per_capita", "member_count")
    }
    data.update(
        unit=unit_pk,
        head_name=payload.get("head_name") or "",
        ethnicity=payload.get("ethnicity") or "kinh",
        area_type=payload.get("area_type") or "",
    )
    data = {k: ("" if v is None else v) for k, v in data.items()}
    dwelling = payload.get("dwelling") if isinstance(payload.get("dwelling"), dict) else {}
    for name in DWELLING_FIELDS:
        if not name.startswith("has_"):
            data[name] = "" if dwelling.get(name) is None else dwelling[name]
    assets = dwelling.get("assets") if isinstance(dwelling.get("assets"), list) else []
    data.update({f"has_{a}": a in assets for a in ASSETS})
    data["loudspeaker_audible"] = bool(dwelling.get("loudspeaker_audible"))
    members = payload.get("members") if isinstance(payload.get("members"), list) else []
    existing = set(household.members.values_list("pk", flat=True)) if household.pk else set()
    data.update(
        {
            "members-TOTAL_FORMS": len(members),
            "members-INITIAL_FORMS": 0,
            "members-MIN_NUM_FORMS": 1,
            "members-MAX_NUM_FORMS": 40,
        }
    )
    rows = [m for m in members if isinstance(m, dict)]
    initial = [m for m in rows if m.get("id") in existing]
    ordered = initial + [m for m in rows if m.get("id") not in existing]
    data["members-INITIAL_FORMS"] = len(initial)
    for i, member in enumerate(ordered):
        for field in MEMBER_FIELDS:
            value = member.get(
                field,
                field in _MEMBER_TRUE_BY_DEFAULT
                if field not in ("full_name", "age", "sex", "education", "employment")
                else "",
            )
            data[f"members-{i}-{field}"] = "" if value is None else value
        if member.get("id") in existing:
            data[f"members-{i}-id"] = member["id"]
            data[f"members-{i}-household"] = household.pk
    return data


def _not_single_values(payload: dict) -> list[dict]:
    """Lists or objects where the form wants one value: a text field would store their Python text."""
    located = [
        (key, payload.get(key))
        for key in ("code", "head_name", "ethnicity", "area_type", "survey_year", "income_per_capita", "member_count")
    ]
    if isinstance(payload.get("dwelling"), dict):
        located += [(f"dwelling.{key}", value) for key, value in payload["dwelling"].items() if key != "assets"]
    if isinstance(payload.get("members"), list):
        located += [
            (f"members[{i}].{key}", value)
            for i, member in enumerate(payload["members"])
            if isinstance(member, dict)
            for key, value in member.items()
        ]
    return [
        {"field": field, "message": _("must be a single value (text or a number), not a list or an object")}
        for field, value in located
        if isinstance(value, list | dict)
    ]


def _located(field: str) -> str:
    if field in DWELLING_FIELDS:
        return "dwelling.assets" if field.startswith("has_") else f"dwelling.{field}"
    return {"deprivations": "deprivations", "__all__": ""}.get(field, field)


def _errors(form, formset=None) -> list[dict]:
    errors = [{"field": _located(f), "message": str(m)} for f, ms in form.errors.items() for m in ms]
    if formset is not None:
        for i, member_form in enumerate(formset.forms):
            errors += [
                {"field": f"members[{i}]" + ("" if f == "__all__" else f".{f}"), "message": str(m)}
                for f, ms in member_form.errors.items()
                for m in ms
            ]
        errors += [{"field": "members", "message": str(m)} for m in formset.non_form_errors()]
    return errors


def _submit(request, payload: Any, household: Household):
    if not request.user.has_perm("households.change_household"):
        return Status(403, {"detail": _("Your role may look at household records but not change them.")})
    created = household.pk is None
    if not isinstance(payload, dict):
        return Status(422, {"errors": [{"field": "", "message": _("Each household must be a JSON object.")}]})
    if errors := _not_single_values(payload):
        return Status(422, {"errors": errors})
    unit = units_for_user(request.user).filter(code=payload.get("unit")).first() if payload.get("unit") else None
    if unit is None:
        return Status(
            422, {"errors": [{"field": "unit", "message": _("There is no unit with this code in your area.")}]}
        )
    data = _form_data(payload, household, unit.pk)
    answers = "members" not in payload
    if answers:
        data["deprivations"] = payload.get("deprivations") or []
        form, formset = AnswersForm(data, instance=household, user=request.user), None
        valid = form.is_valid()
    else:
        form = HouseholdForm(data, instance=household, user=request.user)
        formset = MemberFormSet(data, instance=household, prefix="members")
        valid = form.is_valid() & formset.is_valid()
    if not valid:
        return Status(422, {"errors": _errors(form, formset)})
    record = form.save(commit=False)
    members = (
        [] if answers else [f.instance for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    )
    if members:
        record.member_count = len(members)
        record.reported_deprivations = None
    try:
        with transaction.atomic():
            household_save(record, members, expected_version=payload.get("version") if household.pk else None)
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
    return Status(201 if created else 200, _detail(record))


@router.post(
    "/",
    response={201: HouseholdDetailOut, 403: dict, 409: ErrorsOut, 422: ErrorsOut},
    summary="Create a household",
    description="Body: the JSON form of docs/domain/household-json.md with `unit` (official code) and `survey_year`; "
    "members and dwelling, or `member_count` and `deprivations`. Invalid: 422 with "
    "`errors` located as `members[2].age`, `dwelling.latrine`, `income_per_capita`. "
    "A unit × year submitted or approved: 409, saying who and when.",
)
def create_household(request, payload: Any = Body(...)):
    return _submit(request, payload, Household())


@router.put(
    "/{household_id}/",
    response={200: HouseholdDetailOut, 403: dict, 409: ErrorsOut, 422: ErrorsOut},
    summary="Replace a household's record",
    description="Same body as create. Members carrying the `id` of one of the household's members update "
    "it; others are added; members left out are removed. With `version` (from a read), a save "
    "made meanwhile by someone else gets 409; so does a change to a submitted or approved unit × "
    "year, with who submitted or approved it and when.",
)
def update_household(request, household_id: int, payload: Any = Body(...)):
    household = get_object_or_404(selectors.households_for_user(request.user), pk=household_id)
    return _submit(request, payload, household)
