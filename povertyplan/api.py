"""The JSON API under /api/v1/, described at /api/v1/openapi.json.

Every answer is JSON, errors included, whatever DEBUG is: 401 (with WWW-Authenticate), 404, 413, 422 with the
field and a Vietnamese message, and never a server error page. The handlers and the pagination caps below
apply to every router added to `api`; the schema lists each of these answers (see `ErrorAPI`)."""

import logging
from functools import wraps

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBasicAuth, HttpBearer, SessionAuth

from areas.api import router as units_router
from areas.services import api_token_user
from households.api import classify_router
from households.api import router as households_router
from households.standards.wording import number as engine_number
from reports.api import router as reports_router
from targets.api import router as targets_router

logger = logging.getLogger(__name__)
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
# The domain endpoints live in their apps; mounted in the order the schema lists them.
api.add_router("", targets_router)
api.add_router("", units_router)
api.add_router("", classify_router)
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
