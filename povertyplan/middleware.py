from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    """Vietnamese first, whatever the browser says: the user's own choice (VI / EN, kept in their profile),
    else the language cookie set by that choice before logging in, else settings.LANGUAGE_CODE.

    Replaces Django's LocaleMiddleware, which would follow Accept-Language (often English on officers'
    machines). Sits after AuthenticationMiddleware to read the profile.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = self.chosen(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response

    def chosen(self, request) -> str:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "profile", None)
            if profile is not None and profile.language in self.available:
                return profile.language
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        return cookie if cookie in self.available else settings.LANGUAGE_CODE
