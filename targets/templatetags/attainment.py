"""{% load attainment %}: an attainment's status and explanation as words (targets/explain.py)."""

from django import template
from django.utils.translation import gettext as _

from targets import explain

register = template.Library()


@register.filter
def status_label(attainment):
    return explain.status_label(attainment or None)


@register.filter
def explanation(attainment):
    return explain.sentences(attainment) if attainment else []


@register.filter
def movement(attainment):
    return explain.movement(attainment.target, (attainment.explanation or {}).get("measured")) if attainment else ""


@register.filter
def progress_text(attainment):
    return explain.progress_text(attainment or None)


@register.filter
def goal(target):
    return explain.goal_text(target)


@register.filter
def actual(attainment):
    if not attainment:
        return _("not computed yet")
    if attainment.actual is None:
        return _("no figure yet")
    return explain.value_text(attainment.target, attainment.actual)


@register.filter
def contribution(attainment):
    return explain.contribution(attainment) if attainment else ""


@register.filter
def scope_in(target, area):
    """The target's population scope as read for `area`: "whole province" is the whole area below it."""
    return explain.scope_text(target.scope, area.name if area is not None and area.parent_id else None)
