"""The JSON API under /api/v1/, described at /api/v1/openapi.json.

Every answer is JSON, errors included, whatever DEBUG is: 401 (with WWW-Authenticate), 404, 413, 422 with the
field and a Vietnamese message, and never a server error page. The handlers and the pagination caps below
apply to every router added to `api`; the schema lists each of these answers (see `ErrorAPI`)."""

import logging
from datetime import date, datetime
from decimal import Decimal
from functools import wraps
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Body, Field, NinjaAPI, Path, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import paginate
from ninja.responses import Status
from ninja.security import HttpBasicAuth, HttpBearer, SessionAuth

from areas.models import Unit
from areas.selectors import filter_by_user_area, units_for_user
from areas.services import api_token_user
from households.api import router as households_router
from households.services import classify_json
from households.standards.validate import MAX_HOUSEHOLDS_PER_REQUEST
from households.standards.wording import number as engine_number
from reports.api import router as reports_router
from targets.boundaries import value_rows
from targets.engine import indicator_value
from targets.models import Attainment
from targets.selectors import attainments_at, get_plan_for_user, get_unit_for_user, home_unit_for_user, plans_for_user

logger = logging.getLogger(__name__)
MAX_ID = 2**31 - 1  # ids are 32-bit on SQLite and PostgreSQL alike
WWW_AUTHENTICATE = 'Basic realm="PovertyPlan", charset="UTF-8"'
TOKEN_REFUSED = 'Bearer realm="PovertyPlan", error="invalid_token"'  # RFC 6750


class TokenAuth(HttpBearer):
    """`Authorization: Bearer TOKEN`, a token made on the user's account page or by `manage.py api_token`: acts as
    its user, with the same role and area. What integrators should use: it costs a SHA-256 and one indexed read,
    where a password costs a deliberately slow hash on every request."""

    def __call__(self, request):
        scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
        return self.authenticate(request, token.strip()) if scheme.lower() == "bearer" else None

    def authenticate(self, request, token):
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class BasicAuth(HttpBasicAuth):
    def authenticate(self, request, username, password):
        user = authenticate(request, username=username, password=password)
        if user is not None:
            request.user = user
            return user
        return None


class LoggedInSession(SessionAuth):
    """The browser session. A request without one is anonymous: 401, not a CSRF 403 (the CSRF check is for
    logged-in sessions only, where a forged request could ride the cookie)."""

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


def docs_login_required(view):
    """The docs and the schema need a login as the rest of the API does: a session, an API token or HTTP Basic
    (what API clients and schemathesis send); a browser without any goes to the login page."""
    browser_login = login_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            TokenAuth()(request) or BasicAuth()(request)
        return browser_login(request, *args, **kwargs)

    return wrapper


class Detail(Schema):
    detail: str


class FieldError(Schema):
    field: str
    message: str


class ValidationErrors(Schema):
    detail: str
    errors: list[FieldError]


ERROR_RESPONSES = {
    "400": ("Detail", "The request body is not valid JSON"),
    "401": (
        "Detail",
        "Not logged in: send an API token (`Authorization: Bearer …`), HTTP Basic credentials or a session cookie",
    ),
    "404": ("Detail", "No such object (or unit) in the areas the user may see"),
    "413": ("Detail", "Request body over the upload limit"),
    "422": ("ValidationErrors", "Invalid parameters or body: each error names the field"),
}


class ErrorAPI(NinjaAPI):
    """NinjaAPI whose schema lists the error answers every operation can give, with their bodies."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (Detail, FieldError, ValidationErrors):
            components.setdefault(model.__name__, model.model_json_schema(ref_template="#/components/schemas/{model}"))
            components[model.__name__].pop("$defs", None)
        for item in schema["paths"].values():
            for method, operation in item.items():
                if method not in ("get", "post", "put", "patch", "delete"):
                    continue
                codes = ["404", "422"]  # 404: an unknown object, or one outside the user's areas
                if operation.get("security"):
                    codes.append("401")
                if "requestBody" in operation:
                    codes += ["400", "413"]
                operation["responses"] = {str(code): answer for code, answer in operation["responses"].items()}
                for code in codes:
                    name, description = ERROR_RESPONSES[code]
                    answer = operation["responses"].setdefault(
                        code,
                        {
                            "description": description,
                            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
                        },
                    )
                    if code == "401":
                        answer["headers"] = {
                            "WWW-Authenticate": {
                                "description": "the authentication scheme",
                                "schema": {"type": "string"},
                            }
                        }
        return schema


api = ErrorAPI(
    title="PovertyPlan API",
    version="1",
    description="Kế hoạch giảm nghèo: kế hoạch, chỉ tiêu, đơn vị hành chính, phân loại hộ. Cần đăng nhập: "
    "khóa API (`Authorization: Bearer …`, tạo ở trang Tài khoản hoặc bằng `manage.py api_token TÊN`) — cách nên "
    "dùng cho chương trình; HTTP Basic hoặc phiên đăng nhập vẫn được nhận. Lỗi luôn trả JSON: 401, 404, 413 (quá "
    "giới hạn tải lên), 422 (trường sai và lý do).",
    auth=[TokenAuth(), BasicAuth(), LoggedInSession()],
    urls_namespace="api",
    # Swagger's assets come from the installed package ("ninja" in INSTALLED_APPS), never a CDN; docs need a login.
    docs_decorator=docs_login_required,
)
api.add_router("/reports/", reports_router)


api.add_router("/households/", households_router)


def _error(request, status, detail, **extra):
    response = api.create_response(request, {"detail": detail, **extra}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = WWW_AUTHENTICATE
    return response


def not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404, like the API's own (povertyplan/urls.py routes it)."""
    return _error(request, 404, _("Not found, or not in the areas you may see."))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    if request.headers.get("Authorization", "").lower().startswith("bearer"):
        response = _error(
            request, 401, _("This API token is not valid, or was revoked: make a new one on your account page.")
        )
        response["WWW-Authenticate"] = TOKEN_REFUSED
        return response
    return _error(
        request,
        401,
        _("Log in first: send an API token (Authorization: Bearer …), HTTP Basic credentials or a session cookie."),
    )


@api.exception_handler(HttpError)
def _http_error(request, exc):
    if exc.status_code == 400:
        return _error(request, 400, _("The request body is not valid JSON."))
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, _("Not found, or not in the areas you may see."))


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
    return _error(
        request,
        413,
        _("The request body is over the upload limit of %(limit)s MB.") % {"limit": f"{limit:g}".replace(".", ",")},
    )


def _n(value) -> str:
    return engine_number(value) if isinstance(value, int | float) else str(value)


_PYDANTIC_MESSAGES = {
    "missing": lambda ctx: _("is required"),
    "int_parsing": lambda ctx: _("must be a whole number"),
    "int_type": lambda ctx: _("must be a whole number"),
    "int_from_float": lambda ctx: _("must be a whole number"),
    "bool_parsing": lambda ctx: _("must be true or false"),
    "string_type": lambda ctx: _("must be text"),
    "greater_than_equal": lambda ctx: _("must be at least %(limit)s") % {"limit": _n(ctx.get("ge"))},
    "less_than_equal": lambda ctx: _("must be at most %(limit)s") % {"limit": _n(ctx.get("le"))},
    "greater_than": lambda ctx: _("must be more than %(limit)s") % {"limit": _n(ctx.get("gt"))},
    "less_than": lambda ctx: _("must be less than %(limit)s") % {"limit": _n(ctx.get("lt"))},
}


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())[1:] if part not in ("payload",)]
        message = _PYDANTIC_MESSAGES.get(error.get("type"))
        errors.append(
            {"field": ".".join(location), "message": message(error.get("ctx") or {}) if message else _("is not valid")}
        )
    return _error(request, 422, _("Invalid request."), errors=errors)


@api.exception_handler(Exception)
def _server_error(request, exc):
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return _error(request, 500, _("Server error: the request was not completed. Please try again later."))


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
    poor_commune: bool
    ethnic_minority_area: bool
    valid_from: date | None
    valid_to: date | None
    successors: list[str]

    @staticmethod
    def resolve_parent_code(unit):
        return unit.parent.code if unit.parent else None

    @staticmethod
    def resolve_successors(unit):
        """Codes of the units its households went to (a unit that continued and gave part away is not its own)."""
        return sorted({s.new.code for s in unit.successions.all() if s.new_id != unit.pk})


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


@api.get("/plans/", response=list[PlanOut], tags=["plans"], summary="Plans the user may see")
def list_plans(request):
    return [_plan_out(plan) for plan in plans_for_user(request.user).prefetch_related("targets")]


@api.get("/plans/{plan_id}/targets/", response=list[TargetOut], tags=["plans"], summary="Targets of a plan")
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


@api.get("/units/", response=list[UnitOut], tags=["units"], summary="The administrative tree the user may see")
@paginate
def list_units(request, parent_code: str | None = None):
    units = units_for_user(request.user).select_related("parent").prefetch_related("successions__new")
    if parent_code:  # the unit in force today with that code, else the one that ceased last (codes are reused)
        parent = Unit.objects.by_code(parent_code)
        units = units.filter(parent=parent) if parent else units.none()
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


@api.post(
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
)
def classify(request, payload: Any = Body(...)):
    results = classify_json(payload)
    return Status(422 if any("errors" in r for r in results) else 200, results)


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


@api.get(
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


@api.get(
    "/indicators/values/",
    response=list[IndicatorValueOut],
    tags=["indicators"],
    summary="Computed and rolled-up indicator values",
    description="Filtered by unit code, year, population scope and indicator code. Percent indicators give "
    "value = numerator / denominator × 100; counts give the total. `boundaries=current` (the default) gives a unit "
    "in force today in today's boundaries — its history re-aggregated from the counts of the old units mapped into "
    "it, `estimated` where a count was shared out — and a unit that ceased as recorded; `boundaries=recorded` gives "
    "every value as its review recorded it. Each row says which.",
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
