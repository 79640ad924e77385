from datetime import date

from .models import ApiToken, Unit

EVERYWHERE = ""


def user_area_path(user) -> str | None:
    """Path prefix of the subtree the user may see; EVERYWHERE for all, None for nothing."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return EVERYWHERE
    profile = getattr(user, "profile", None)
    if profile is None:
        return None
    return profile.unit.path if profile.unit_id else EVERYWHERE


def area_ceased(user, today: date | None = None) -> bool:
    """Whether the user's unit no longer exists (a district after the 2025 reform): they keep reading its history
    and write nothing."""
    profile = getattr(user, "profile", None)
    unit = profile.unit if profile is not None and profile.unit_id else None
    return unit is not None and unit.valid_to is not None and unit.valid_to <= (today or date.today())


def filter_by_user_area(queryset, user, path_field="unit__path"):
    """Limit a queryset to the user's subtree (path_field is the lookup to a unit path)."""
    prefix = user_area_path(user)
    if prefix is None:
        return queryset.none()
    if prefix == EVERYWHERE:
        return queryset
    return queryset.filter(**{f"{path_field}__startswith": prefix})


def units_for_user(user):
    return filter_by_user_area(Unit.objects.all(), user, path_field="path")


def unit_by_code_or_404(units, code: str, year: int | None = None) -> Unit:
    """The unit of the queryset a code names (UnitQuerySet.by_code: codes are reused across the 2025 reform), or
    404."""
    from django.http import Http404

    unit = units.by_code(code, year)
    if unit is None:
        raise Http404
    return unit


def ancestor_codes(path: str) -> list[str]:
    return path.strip("/").split("/")[:-1]


def api_tokens_in_use(user):
    """The user's API tokens that are not revoked, newest first."""
    return ApiToken.objects.filter(user=user, revoked_at=None).order_by("-created_at")
