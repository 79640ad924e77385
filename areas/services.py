"""Writes to users' roles and areas."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import Profile
from .roles import ROLE_GROUPS


@transaction.atomic
def profile_save(user, role: str, unit=None) -> Profile:
    """Give a user a role (its group and permissions) and the unit whose subtree they work in."""
    profile, _ = Profile.objects.update_or_create(user=user, defaults={"role": role, "unit": unit})
    role_groups = Group.objects.filter(name__in=ROLE_GROUPS.values())
    user.groups.remove(*role_groups.exclude(name=ROLE_GROUPS[role]))
    user.groups.add(role_groups.get(name=ROLE_GROUPS[role]))
    return profile
