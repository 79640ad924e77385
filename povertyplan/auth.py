"""Login throttling: django-axes, locking one username from one client address after repeated failures."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from areas.selectors import area_ceased


class FormerAreaBackend:
    """A user whose unit ceased — a district's officer after the 2025 reform — keeps reading its history and writes
    nothing: every permission to add, change, delete, submit or decide is refused, whatever their groups grant. It
    authenticates no one and has no get_user, so sessions (and the test client's force_login) never name it."""

    WRITES = ("add_", "change_", "delete_", "submit_", "decide_")

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        if perm.partition(".")[2].startswith(self.WRITES) and area_ceased(user_obj):
            raise PermissionDenied  # ends the check: no later backend may grant it
        return False


class LoginThrottleBackend(AxesStandaloneBackend):
    """Every web and API login passes its request and is throttled. A call without a request (server code,
    the test client's login) has no client address to count failures against, so it is let through to the
    password check instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class ProfileModelBackend(ModelBackend):
    """ModelBackend reading the user's profile (their area and role, asked by nearly every page) in the same
    query as the user."""

    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("profile__unit").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


def client_ip(request) -> str | None:
    """The client address: REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT proxies, the address the outermost
    trusted proxy saw (X-Forwarded-For is appended to by each proxy, so only its last entries can be trusted)."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The Vietnamese lockout page (HTTP 429), saying for how long."""
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else None
    return render(
        request,
        "registration/lockout.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )
