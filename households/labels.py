"""Names of the deprivation indicators and of the year-over-year movements, for pages and messages."""

import re

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from povertyplan import display

INDICATOR_NAMES = {
    "health_access": _("access to health services"),
    "health_insurance": _("health insurance"),
    "adult_education": _("adult education"),
    "child_school": _("child school attendance"),
    "housing_quality": _("housing quality"),
    "housing_area": _("housing area per person"),
    "water": _("domestic water"),
    "latrine": _("hygienic latrine"),
    "telecom": _("telecommunication services"),
    "information_assets": _("assets to access information"),
    "employment": _("employment"),
    "dependents": _("dependents"),
    "nutrition": _("nutrition"),
    "information_means": _("means to access information"),
    "waste": _("household waste collection and treatment"),
}

TRANSITION_NAMES = {
    "escaped": _("escaped poverty"),
    "newly_poor": _("newly poor"),
    "re_poor": _("fell back into poverty"),
    "still_poor": _("still poor"),
    "escaped_near_poor": _("no longer near-poor"),
    "newly_near_poor": _("newly near-poor"),
    "re_near_poor": _("near-poor again"),
    "still_near_poor": _("still near-poor"),
}


def indicator_name(code: str) -> str:
    return str(INDICATOR_NAMES.get(code, code))


# The engine words its rule in Vietnamese (households/standards/classify.py, stored as classification_rule).
RULE_WORDS = {
    "thu nhập": pgettext_lazy("classification rule", "income"),
    "nông thôn": pgettext_lazy("classification rule", "rural"),
    "thành thị": pgettext_lazy("classification rule", "urban"),
    "chỉ số thiếu hụt": pgettext_lazy("classification rule", "deprivations"),
    "và": pgettext_lazy("classification rule", "and"),
}
_RULE_WORD = re.compile(r"\b(" + "|".join(RULE_WORDS) + r")\b")
_GROUPED_NUMBER = re.compile(r"\b\d{1,3}(?:\.\d{3})+\b")


def rule_text(rule: str) -> str:
    """Why a household is in its class, in the current language: "income 1,235,000 ≤ 2,000,000 (urban) and
    6 deprivations ≥ 3" in English; in Vietnamese as the engine wrote it."""
    rule = _GROUPED_NUMBER.sub(lambda m: display.number(int(m[0].replace(".", ""))), rule or "")
    return _RULE_WORD.sub(lambda m: str(RULE_WORDS[m[0]]), rule)
