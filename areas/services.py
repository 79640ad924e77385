"""Writes to users' roles and areas, and to their API tokens."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiToken, Profile
from .roles import ROLE_GROUPS

TOKEN_START = "pp_"  # tells a PovertyPlan token at a glance, in a script or a leaked file
MAX_TOKENS_IN_USE = 20
LAST_USED_EVERY = timedelta(minutes=1)  # a token's last use is written at most this often, not on every request


@transaction.atomic
def profile_save(user, role: str, unit=None) -> Profile:
    """Give a user a role (its group and permissions) and the unit whose subtree they work in."""
    profile, _ = Profile.objects.update_or_create(user=user, defaults={"role": role, "unit": unit})
    role_groups = Group.objects.filter(name__in=ROLE_GROUPS.values())
    user.groups.remove(*role_groups.exclude(name=ROLE_GROUPS[role]))
    user.groups.add(role_groups.get(name=ROLE_GROUPS[role]))
    return profile


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(user, name: str) -> tuple[ApiToken, str]:
    """A new API token of the user, and its key: the only time the key is known (only its SHA-256 is stored)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, such as the program that will use it.")})
    if ApiToken.objects.select_for_update().filter(user=user, revoked_at=None).count() >= MAX_TOKENS_IN_USE:
        raise ValidationError(
            {
                "name": _("You already have %(count)s tokens in use, the most allowed: revoke one first.")
                % {"count": MAX_TOKENS_IN_USE}
            }
        )
    secret = TOKEN_START + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[: ApiToken._meta.get_field("name").max_length], prefix=secret[:11], digest=_digest(secret)
    )
    return token, secret


def api_token_revoke(user, token_id: int, now=None) -> ApiToken:
    """Revoke one of the user's tokens in use: from now on it is refused. Raises ApiToken.DoesNotExist for a token
    that is not theirs or no longer in use."""
    token = ApiToken.objects.get(user=user, pk=token_id, revoked_at=None)
    token.revoked_at = now or timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def api_token_user(secret: str, now=None):
    """The active user whose token in use this is, or None. Notes when the token was used, at most once a
    minute (LAST_USED_EVERY)."""
    if not secret.startswith(TOKEN_START) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user__profile__unit")
        .filter(digest=_digest(secret), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
