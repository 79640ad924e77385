"""Login throttling: django-axes, locking one username from one client address after repeated failures."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError

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
        user = user_with_profile(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class _Row:
    """The columns of one model in a row read by SQL, turned into an instance as the ORM would (its converters)."""

    def __init__(self, model, alias: str):
        from django.db import connection

        self.model, self.fields = model, model._meta.concrete_fields
        self.columns = [f'{alias}."{field.column}"' for field in self.fields]
        self.converters = []
        for i, field in enumerate(self.fields):
            column = field.get_col(alias)
            converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if converters:
                self.converters.append((i, column, converters))

    def instance(self, values: list):
        from django.db import connection

        if values[self.fields.index(self.model._meta.pk)] is None:
            return None  # the LEFT JOIN found no row
        for i, column, converters in self.converters:
            for converter in converters:
                values[i] = converter(values[i], column, connection)
        return self.model.from_db(connection.alias, [field.attname for field in self.fields], values)


_USER_WITH_PROFILE = {}


def user_with_profile(user_id):
    """The user with their profile and its unit, as select_related("profile__unit") reads them, in SQL built once
    per process: every page reads it, and the ORM's building of that query cost more CPU than the rest of a cached
    dashboard's lookups."""
    from django.db import connection

    from areas.models import Profile, Unit

    if "sql" not in _USER_WITH_PROFILE:
        user, profile, unit = _Row(get_user_model(), "u"), _Row(Profile, "p"), _Row(Unit, "a")
        _USER_WITH_PROFILE.update(
            rows=(user, profile, unit),
            sql=f"SELECT {', '.join(user.columns + profile.columns + unit.columns)}"
            f" FROM {user.model._meta.db_table} u"
            f' LEFT JOIN {Profile._meta.db_table} p ON p."{Profile.user.field.column}" = u."{user.model._meta.pk.column}"'
            f' LEFT JOIN {Unit._meta.db_table} a ON a."{Unit._meta.pk.column}" = p."{Profile.unit.field.column}"'
            f' WHERE u."{user.model._meta.pk.column}" = %s',
        )
    user_row, profile_row, unit_row = _USER_WITH_PROFILE["rows"]
    try:
        user_id = user_row.model._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_USER_WITH_PROFILE["sql"], [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    row, ends = list(row), [len(user_row.fields), len(user_row.fields) + len(profile_row.fields)]
    user = user_row.instance(row[: ends[0]])
    profile = profile_row.instance(row[ends[0] : ends[1]])
    if profile is not None:
        profile.unit = unit_row.instance(row[ends[1] :])  # None for a user of everywhere
        profile.user = user
    Profile.user.field.remote_field.set_cached_value(user, profile)  # None: no profile, as select_related says
    return user


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
