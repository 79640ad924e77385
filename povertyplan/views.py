from django.conf import settings
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.i18n import set_language as django_set_language

from areas.models import Profile


def set_language(request):
    """Django's set_language (cookie and redirect), and the choice kept in the user's profile."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        # Only an existing profile: a new one without a unit would open every area (the cookie still remembers).
        Profile.objects.filter(user=request.user).update(language=language)
    return response


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links."""
    return redirect(static("favicon.svg"))
