"""Names of the deprivation indicators and of the year-over-year movements, for pages and messages."""

from django.utils.translation import gettext_lazy as _

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
