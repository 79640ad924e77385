from django.db.models import Q
from django.shortcuts import get_object_or_404

from areas.selectors import EVERYWHERE, ancestor_codes, user_area_path

from .models import Plan


def plans_for_user(user):
    """Plans of provinces in the user's subtree, and the plan of the province an officer works in."""
    prefix = user_area_path(user)
    plans = Plan.objects.select_related("province", "standard")
    if prefix is None:
        return plans.none()
    if prefix == EVERYWHERE:
        return plans
    return plans.filter(Q(province__path__startswith=prefix) | Q(province__code__in=ancestor_codes(prefix)))


def get_plan_for_user(user, pk) -> Plan:
    return get_object_or_404(plans_for_user(user), pk=pk)
