"""{% load vn %}: the formats of povertyplan.display in templates — {{ income|vn_number }}, {{ rate|vn_percent }}."""

from django import template

from households.names import indicators, rule_text
from povertyplan import display

register = template.Library()


@register.filter
def vn_number(value, places=2):
    return display.number(value, int(places))


@register.filter
def vn_fixed(value, places=2):
    return display.number(value, int(places), fixed=True)


@register.filter
def vn_percent(value, places=2):
    return display.percent(value, int(places))


@register.filter
def vn_signed(value, places=2):
    return display.signed(value, int(places))


@register.filter
def vn_date(value):
    return display.day(value)


@register.filter
def vn_datetime(value):
    return display.moment(value)


@register.filter
def unit_label(unit):
    return display.unit_label(unit)


@register.filter
def deprivation_names(codes):
    """Indicator codes → their names in the active language, from the catalogue (households/names.py)."""
    return ", ".join(indicators(codes))


@register.filter
def classification_rule(rule):
    """The rule the engine stored (in Vietnamese), in the current language."""
    return rule_text(rule)
