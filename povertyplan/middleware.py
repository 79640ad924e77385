import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from . import display


class LanguageMiddleware:
    """Vietnamese first, whatever the browser says: the user's own choice (VI / EN, kept in their profile),
    else the language cookie set by that choice before logging in, else settings.LANGUAGE_CODE.

    Replaces Django's LocaleMiddleware, which would follow Accept-Language (often English on officers'
    machines). The API is the exception: a program asks for its answers' language with Accept-Language, and
    a header naming VI or EN comes first there. Sits after AuthenticationMiddleware to read the profile.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = self.chosen(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language") if self.is_api(request) else ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response

    @staticmethod
    def is_api(request) -> bool:
        return request.path_info.startswith("/api/")

    def asked(self, request) -> str | None:
        """The first language of Accept-Language (by preference) that the site speaks, or None."""
        header = request.headers.get("Accept-Language", "")
        for code, _quality in parse_accept_lang_header(header):
            base = code.split("-")[0].lower()
            if base in self.available:
                return base
        return None

    def chosen(self, request) -> str:
        if self.is_api(request) and (asked := self.asked(request)):
            return asked
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "profile", None)
            if profile is not None and profile.language in self.available:
                return profile.language
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        return cookie if cookie in self.available else settings.LANGUAGE_CODE


class RequestTooBigMiddleware:
    """A form posted with more data than the server accepts gets a Vietnamese page with 413, not Django's bare 400.

    Django refuses such a body (RequestDataTooBig, TooManyFieldsSent) when request.POST is first read, usually
    by the CSRF check before any view runs; so the form is read here, in process_view, just before that check.
    The API answers the same in JSON (povertyplan/api.py); JSON bodies are left to it.
    """

    FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if request.method != "POST" or request.content_type not in self.FORMS:
            return None
        try:
            request.POST  # noqa: B018 (reading it is the check)
        except RequestDataTooBig:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
            message = _("The form sent is larger than %(limit)s MB, the most this server accepts.") % {
                "limit": display.number(limit)
            }
        except TooManyFieldsSent:
            message = _("The form sent has more than %(limit)s fields, the most this server accepts.") % {
                "limit": display.number(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)
            }
        else:
            return None
        return render(request, "413.html", {"message": message}, status=413)


class IdleSessionMiddleware:
    """Sessions end after SESSION_COOKIE_AGE without a request. Django's SESSION_SAVE_EVERY_REQUEST would
    write the session row on every page; here the expiry moves forward at most once a minute, so a
    dashboard read is a read. Sits after AuthenticationMiddleware."""

    RENEW_AFTER_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get("renewed_at", 0) >= self.RENEW_AFTER_SECONDS:
                request.session["renewed_at"] = now  # marks the session modified: saved with a new expiry
        return response


class DeferredWorkMiddleware:
    """A request that saved its data but could not queue the work that follows (the broker unreachable: the
    figures' recompute) answers as saved, with a notice that the figures will refresh later, when the sweeper
    queues their recompute (povertyplan/background.py). Sits after MessageMiddleware, which stores the notice
    for the next page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.contrib import messages

        from .background import collecting_deferred

        with collecting_deferred() as deferred:
            response = self.get_response(request)
        if deferred and hasattr(request, "_messages"):
            messages.warning(
                request,
                _(
                    "The figures could not be refreshed now (the background queue is unreachable); they will be "
                    "refreshed automatically once it is back."
                ),
            )
        return response


class NotFoundPageMiddleware:
    """The product's own page for "not found, or not in your area" in every mode: with DEBUG on (`make run`),
    Django would answer a 404 with its English technical page, which lists every URL pattern to anyone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404 and response.get("Content-Type", "").startswith("text/html"):
            return render(request, "404.html", status=404)
        return response
