"""Plans, their targets and attainment, and the computed indicator values, under /api/v1/ (mounted by
povertyplan/api.py, whose handlers answer every error). The operation ids are those the endpoints had in
povertyplan/api.py: the published schema does not change with where the code lives."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.http import Http404
from ninja import Field, Path, Router, Schema
from ninja.pagination import paginate

from areas.selectors import filter_by_user_area

from .boundaries import value_rows
from .engine import indicator_value
from .models import Attainment
from .selectors import attainments_at, get_plan_for_user, get_unit_for_user, home_unit_for_user, plans_for_user

router = Router()
MAX_ID = 2**31 - 1  # ids are 32-bit on SQLite and PostgreSQL alike


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


def _plan_out(plan) -> dict:
    return {
        "id": plan.id,
        "province_code": plan.province.code,
        "province": plan.province.name,
        "title": plan.title,
        "document_number": plan.document_number,
        "signed_on": plan.signed_on,
        "signer": plan.signer,
        "year_start": plan.year_start,
        "year_end": plan.year_end,
        "standard": plan.standard.code,
        "target_count": plan.targets.count(),
    }


@router.get(
    "/plans/",
    response=list[PlanOut],
    tags=["plans"],
    summary="Plans the user may see",
    operation_id="povertyplan_api_list_plans",
)
def list_plans(request):
    return [_plan_out(plan) for plan in plans_for_user(request.user).prefetch_related("targets")]


@router.get(
    "/plans/{plan_id}/targets/",
    response=list[TargetOut],
    tags=["plans"],
    summary="Targets of a plan",
    operation_id="povertyplan_api_list_targets",
)
def list_targets(request, plan_id: int = Path(..., ge=1, le=MAX_ID)):
    plan = get_plan_for_user(request.user, plan_id)
    return [
        {
            **{
                f: getattr(t, f)
                for f in (
                    "id",
                    "scope",
                    "shape",
                    "direction",
                    "operator",
                    "baseline_value",
                    "baseline_year",
                    "value",
                    "value_max",
                    "value_unit",
                    "share_operator",
                    "share_value",
                    "source_sentence",
                )
            },
            "indicator_code": t.indicator.code,
            "indicator": t.indicator.name_vi,
            "share_indicator_code": t.share_indicator.code if t.share_indicator else None,
        }
        for t in plan.targets.select_related("indicator", "share_indicator")
    ]


class AttainmentOut(Schema):
    target_id: int
    unit_code: str = Field(description="the unit whose figure this is: the province, or a unit below it")
    indicator_code: str
    scope: str
    shape: str
    year: int
    actual: Decimal | None = Field(description="the indicator's level in the year (a rate or a total)")
    baseline: Decimal | None = Field(description="the level in the baseline year, when known")
    baseline_year: int | None
    baseline_standard: str | None = Field(
        description="code of the standard the baseline is measured under: always the plan's own (a rate is never "
        "chained across standards: a baseline year of an earlier standard is re-measured under the plan's)"
    )
    change_per_year: Decimal | None = Field(
        description="change targets: the change against the baseline in percentage points a year, in the goal's "
        "direction (positive = toward the goal); what the goal is compared with"
    )
    progress: Decimal | None
    status: str = Field(json_schema_extra={"enum": Attainment.Status.values})
    explanation: dict
    computed_at: datetime | None


@router.get(
    "/plans/{plan_id}/attainment/",
    response=list[AttainmentOut],
    tags=["plans"],
    summary="Attainment of each target of a plan",
    description="Level (`actual`), baseline and, for change targets, the change in percentage points a year "
    "against the baseline (`change_per_year`, what the goal measures); progress (percent of the "
    "goal), status (achieved, on_track, at_risk, off_track, missed, no_data: with the plan's year over only "
    "achieved, missed or no_data) and how it was computed: "
    "numerator, denominator, baseline, rule (Vietnamese number formats) and run. For the user's own area (the "
    "province, or an officer's district or commune, computed from its figures), or `unit`, a unit in that area "
    "(404 above it). Below the province a count goal set for the whole province is the status `no_goal`: the "
    "unit's figure is its contribution.",
    operation_id="povertyplan_api_plan_attainment",
)
def plan_attainment(request, plan_id: int = Path(..., ge=1, le=MAX_ID), unit: str | None = None):
    plan = get_plan_for_user(request.user, plan_id)
    area = get_unit_for_user(request.user, unit) if unit else home_unit_for_user(request.user, plan.province)
    if not area.path.startswith(plan.province.path):
        raise Http404("not a unit of the plan's province")
    targets = list(plan.targets.select_related("indicator").order_by("order", "id"))
    attainments = attainments_at(plan, area, targets)
    rows = [attainments[t.pk] for t in targets if t.pk in attainments]
    return [
        {
            "target_id": a.target_id,
            "unit_code": area.code,
            "indicator_code": a.target.indicator.code,
            "scope": a.target.scope,
            "shape": a.target.shape,
            "year": a.year,
            "actual": a.actual,
            "baseline": a.explanation.get("baseline"),
            "baseline_year": a.explanation.get("baseline_year"),
            "baseline_standard": a.explanation.get("baseline_standard"),
            "change_per_year": a.explanation.get("measured") if a.target.shape == "change" else None,
            "progress": a.progress,
            "status": a.status,
            "explanation": a.explanation,
            "computed_at": a.run.finished_at if a.run else None,
        }
        for a in rows
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
    boundaries: Literal["current", "recorded"] = Field(
        description="current: in today's boundaries (theo địa giới 2025); recorded: as the review recorded it "
        "(theo địa giới khi rà soát)"
    )
    estimated: bool = Field(
        description="some old unit's counts were shared out by the succession table's shares (ước tính)"
    )

    @staticmethod
    def resolve_unit(row):
        return row["unit_name"]

    @staticmethod
    def resolve_estimated(row):
        return row["is_estimated"]

    @staticmethod
    def resolve_value(row):
        value = indicator_value(row["numerator"], row["denominator"], row["indicator_unit"])
        return value if value is None or row["denominator"] is None else round(value, 4)


@router.get(
    "/indicators/values/",
    response=list[IndicatorValueOut],
    tags=["indicators"],
    summary="Computed and rolled-up indicator values",
    description="Filtered by unit code, year, population scope and indicator code. Percent indicators give "
    "value = numerator / denominator × 100; counts give the total. `boundaries=current` (the default) gives a unit "
    "in force today in today's boundaries — its history re-aggregated from the counts of the old units mapped into "
    "it, `estimated` where a count was shared out — and a unit that ceased as recorded; `boundaries=recorded` gives "
    "every value as its review recorded it. Each row says which.",
    operation_id="povertyplan_api_indicator_values",
)
@paginate
def indicator_values(
    request,
    unit: str | None = None,
    year: int | None = None,
    scope: str | None = None,
    indicator: str | None = None,
    boundaries: Literal["current", "recorded"] = "current",
):
    chosen = get_unit_for_user(request.user, unit) if unit else None  # 404 outside the user's area

    def narrow(values):
        values = filter_by_user_area(values, request.user)
        if chosen:
            values = values.filter(unit=chosen)
        if year:
            values = values.filter(year=year)
        if scope:
            values = values.filter(scope=scope)
        if indicator:
            values = values.filter(indicator__code=indicator)
        return values

    return value_rows(narrow, boundaries)
