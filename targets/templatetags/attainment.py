"""{% load attainment %}: an attainment's status and explanation as words (targets/explain.py)."""

from django import template

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
    if not attainment or attainment.actual is None:
        return "—"
    return explain.value_text(attainment.target, attainment.actual)
