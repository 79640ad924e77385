"""Read-only JSON API under /api/v1/, described at /api/v1/openapi.json."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import authenticate
from ninja import Body, NinjaAPI, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBasicAuth, django_auth

from areas.selectors import filter_by_user_area, units_for_user
from households.api import router as households_router
from households.services import classify_json
from reports.api import router as reports_router
from targets.models import Attainment, ComputedValue
from targets.selectors import get_plan_for_user, plans_for_user


class BasicAuth(HttpBasicAuth):
    def authenticate(self, request, username, password):
        user = authenticate(request, username=username, password=password)
        if user is not None:
            request.user = user
            return user
        return None


api = NinjaAPI(
    title="PovertyPlan API",
    version="1",
    description="Kế hoạch giảm nghèo: kế hoạch, chỉ tiêu, đơn vị hành chính. Chỉ đọc; cần đăng nhập.",
    auth=[BasicAuth(), django_auth],
    urls_namespace="api",
)
api.add_router("/reports/", reports_router)


api.add_router("/households/", households_router)


class PlanOut(Schema):
    id: int
    province_code: str
    province: str
    title: str
    document_number: str
    signed_on: date | None
    signer: str
    year_start: int
    year_end: int
    standard: str
    target_count: int


class TargetOut(Schema):
    id: int
    indicator_code: str
    indicator: str
    scope: str
    shape: str
    direction: str
    operator: str
    baseline_value: Decimal | None
    baseline_year: int | None
    value: Decimal | None
    value_max: Decimal | None
    value_unit: str
    share_indicator_code: str | None
    share_operator: str
    share_value: Decimal | None
    source_sentence: str


class UnitOut(Schema):
    id: int
    code: str
    name: str
    level: str
    parent_id: int | None
    parent_code: str | None
    depth: int
    path: str
    area_type: str
    extremely_difficult: bool
    coastal_or_island: bool
    poor_district: bool
    ethnic_minority_area: bool

    @staticmethod
    def resolve_parent_code(unit):
        return unit.parent.code if unit.parent else None


def _plan_out(plan) -> dict:
    return {
        "id": plan.id, "province_code": plan.province.code, "province": plan.province.name, "title": plan.title,
        "document_number": plan.document_number, "signed_on": plan.signed_on, "signer": plan.signer,
        "year_start": plan.year_start, "year_end": plan.year_end, "standard": plan.standard.code,
        "target_count": plan.targets.count(),
    }


@api.get("/plans/", response=list[PlanOut], tags=["plans"], summary="Plans the user may see")
def list_plans(request):
    return [_plan_out(plan) for plan in plans_for_user(request.user).prefetch_related("targets")]


@api.get("/plans/{plan_id}/targets/", response=list[TargetOut], tags=["plans"], summary="Targets of a plan")
def list_targets(request, plan_id: int):
    plan = get_plan_for_user(request.user, plan_id)
    return [
        {
            **{f: getattr(t, f) for f in ("id", "scope", "shape", "direction", "operator", "baseline_value",
                                          "baseline_year", "value", "value_max", "value_unit", "share_operator",
                                          "share_value", "source_sentence")},
            "indicator_code": t.indicator.code, "indicator": t.indicator.name_vi,
            "share_indicator_code": t.share_indicator.code if t.share_indicator else None,
        }
        for t in plan.targets.select_related("indicator", "share_indicator")
    ]


@api.get("/units/", response=list[UnitOut], tags=["units"], summary="The administrative tree the user may see")
@paginate(LimitOffsetPagination, page_size=500)
def list_units(request, parent_code: str | None = None):
    units = units_for_user(request.user).select_related("parent")
    if parent_code:
        units = units.filter(parent__code=parent_code)
    return units


class ErrorOut(Schema):
    field: str
    message: str


class ConflictOut(Schema):
    indicator: str
    given: bool
    derived: bool
    message: str


class ClassificationOut(Schema):
    code: str | None
    standard: str | None = None
    classification: str | None = None
    deprivations: list[str] | None = None
    deprivation_count: int | None = None
    income_line: int | None = None
    low_income_worker_household: bool | None = None
    rule: str | None = None
    conflicts: list[ConflictOut] | None = None
    errors: list[ErrorOut] | None = None


@api.post("/classify/", response=list[ClassificationOut], tags=["households"],
          summary="Classify households without storing them",
          description="Body: one household or a list, in the JSON form of household-json.md. Each answer carries "
                      "the classification, or `errors` naming the field and the household.",
          exclude_none=True)
def classify(request, payload: Any = Body(...)):
    return classify_json(payload)


class AttainmentOut(Schema):
    target_id: int
    indicator_code: str
    scope: str
    shape: str
    year: int
    actual: Decimal | None
    progress: Decimal | None
    status: str
    explanation: dict
    computed_at: datetime | None


@api.get("/plans/{plan_id}/attainment/", response=list[AttainmentOut], tags=["plans"],
         summary="Attainment of each target of a plan",
         description="Actual value, progress (percent of the goal), status (achieved, on_track, at_risk, off_track, "
                     "no_data) and how it was computed: numerator, denominator, baseline, rule and run.")
def plan_attainment(request, plan_id: int):
    plan = get_plan_for_user(request.user, plan_id)
    rows = Attainment.objects.filter(target__plan=plan).select_related("target__indicator", "run")
    return [
        {"target_id": a.target_id, "indicator_code": a.target.indicator.code, "scope": a.target.scope,
         "shape": a.target.shape, "year": a.year, "actual": a.actual, "progress": a.progress, "status": a.status,
         "explanation": a.explanation, "computed_at": a.run.finished_at if a.run else None}
        for a in rows.order_by("target__order")
    ]


class IndicatorValueOut(Schema):
    indicator_code: str
    unit_code: str
    unit: str
    year: int
    scope: str
    numerator: Decimal
    denominator: Decimal | None
    value: Decimal | None

    @staticmethod
    def resolve_indicator_code(cv):
        return cv.indicator.code

    @staticmethod
    def resolve_unit_code(cv):
        return cv.unit.code

    @staticmethod
    def resolve_unit(cv):
        return cv.unit.name

    @staticmethod
    def resolve_value(cv):
        if cv.denominator is None:
            return cv.numerator
        if not cv.denominator:
            return None
        factor = 100 if cv.indicator.unit == "percent" else 1
        return round(cv.numerator / cv.denominator * factor, 4)


@api.get("/indicators/values/", response=list[IndicatorValueOut], tags=["indicators"],
         summary="Computed and rolled-up indicator values",
         description="Filtered by unit code, year, population scope and indicator code. Percent indicators give "
                     "value = numerator / denominator × 100; counts give the total.")
@paginate(LimitOffsetPagination, page_size=500)
def indicator_values(request, unit: str | None = None, year: int | None = None, scope: str | None = None,
                     indicator: str | None = None):
    values = filter_by_user_area(ComputedValue.objects.select_related("indicator", "unit"), request.user)
    if unit:
        values = values.filter(unit__code=unit)
    if year:
        values = values.filter(year=year)
    if scope:
        values = values.filter(scope=scope)
    if indicator:
        values = values.filter(indicator__code=indicator)
    return values.order_by("unit__path", "year", "scope", "indicator__code")
