"""The one catalogue of names (issue 22 point 7): indicators, dimensions, standards, classes, movements and area
types, in Vietnamese and English. Every page, export, API label and explanation reads its names here.

Indicators and dimensions are the decrees' names, kept as pure data beside the engine (standards/names.py,
Vietnamese first); the other names are English msgids with their Vietnamese in locale/vi. The engine keeps codes
and numbers (a classification's `Rule`); `rule_text` words a rule in the active language.
"""

from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import npgettext, override, pgettext, pgettext_lazy

from povertyplan import display

from .standards import records as r
from .standards import transitions as t
from .standards.names import DEPRIVATION_NAMES, DIMENSION_NAMES

# The standards by the short name of their instrument, as charts and explanations name them.
SHORT_STANDARD = {
    "QD59-2015": _("Decision 59/2015"),
    "ND07-2021": _("Decree 07/2021"),
    "ND351-2025": _("Decree 351/2025"),
}
# Their official names, for a standard whose stored name says nothing better (PovertyStandard.legal_name).
OFFICIAL_STANDARD = {
    "QD59-2015": ("Quyết định 59/2015/QĐ-TTg", "Decision 59/2015/QĐ-TTg"),
    "ND07-2021": ("Nghị định 07/2021/NĐ-CP", "Decree 07/2021/NĐ-CP"),
    "ND351-2025": ("Nghị định 351/2025/NĐ-CP", "Decree 351/2025/NĐ-CP"),
}
# A legal instrument's kind, for the names of standards an administrator adds ("Nghị định …" → "Decree …").
INSTRUMENTS = (("Nghị định ", "Decree "), ("Quyết định ", "Decision "), ("Thông tư ", "Circular "))

# The classes of a household (households.models.Classification takes its labels from here) and its survey state.
CLASSES = {
    r.POOR: _("poor"),
    r.NEAR_POOR: _("near-poor"),
    r.MIDDLE: _("middle living standard"),
    r.NOT_POOR: _("not poor"),
}
# Short forms, where a table's rows or a chart's nodes are the classes ("Nghèo", "Cận nghèo")
SHORT_CLASSES = {
    r.POOR: pgettext_lazy("standards comparison", "Poor"),
    r.NEAR_POOR: pgettext_lazy("standards comparison", "Near-poor"),
    r.MIDDLE: pgettext_lazy("standards comparison", "Middle living standard"),
    r.NOT_POOR: pgettext_lazy("standards comparison", "Not poor"),
}
# A flow chart's nodes sit side by side on a phone: there the middle class is "Trung bình"
NODE_CLASSES = {**SHORT_CLASSES, r.MIDDLE: pgettext_lazy("movement", "Middle")}
SHORT_INCOMPLETE = pgettext_lazy("standards comparison", "Not enough information")
INCOMPLETE = _("incomplete")
NOT_SURVEYED = _("not surveyed")

# The year-over-year movements on the poor and near-poor lists (transitions.report_movements' codes).
MOVEMENTS = {
    t.ESCAPED: _("escaped poverty"),
    t.NEWLY_POOR_MOVEMENT: _("newly poor"),
    t.RE_POOR_MOVEMENT: _("fell back into poverty"),
    t.STILL_POOR: _("still poor"),
    t.ESCAPED_NEAR: _("no longer near-poor"),
    t.NEWLY_NEAR_POOR_MOVEMENT: _("newly near-poor"),
    t.RE_NEAR_POOR: _("near-poor again"),
    t.STILL_NEAR_POOR: _("still near-poor"),
}
# A household's transition from last year's class to this year's (transitions.transition), on its page.
TRANSITIONS = {
    t.STAYED_POOR: MOVEMENTS[t.STILL_POOR],
    t.ESCAPED_TO_NEAR_POOR: _("escaped poverty, now near-poor"),
    t.ESCAPED_TO_NOT_POOR: MOVEMENTS[t.ESCAPED],
    t.NEWLY_POOR: MOVEMENTS[t.NEWLY_POOR_MOVEMENT],
    t.NEAR_POOR_TO_POOR: _("from near-poor into poverty"),
    t.RE_POOR: MOVEMENTS[t.RE_POOR_MOVEMENT],
    t.STAYED_NEAR_POOR: MOVEMENTS[t.STILL_NEAR_POOR],
    t.NEWLY_NEAR_POOR: MOVEMENTS[t.NEWLY_NEAR_POOR_MOVEMENT],
    t.ESCAPED_NEAR_POOR: MOVEMENTS[t.ESCAPED_NEAR],
    t.STAYED_NOT_POOR: _("not poor both years"),
    t.NEW_HOUSEHOLD: _("first record"),
}

AREAS = {r.URBAN: _("urban"), r.RURAL: _("rural")}


def indicator(code: str) -> str:
    """An indicator of deprivation by its name in the decrees ("Bảo hiểm y tế"; "Health insurance" in English)."""
    names = DEPRIVATION_NAMES.get(code)
    return display.in_language(*names) if names else code


indicator_lazy = lazy(indicator, str)


def indicators(codes) -> list[str]:
    return [indicator(code) for code in codes or ()]


def dimension(code: str) -> str:
    names = DIMENSION_NAMES.get(code)
    return display.in_language(*names) if names else code


def short_standard(code: str | None) -> str:
    return str(SHORT_STANDARD.get(code, code or ""))


def official_standard(code: str | None, stored_name: str = "") -> str:
    """A standard by its legal instrument in the active language: the official name of a built-in standard, else
    the first part of its stored name ("Nghị định 12/2030/NĐ-CP — …"), its instrument's kind in English."""
    if code in OFFICIAL_STANDARD:
        return display.in_language(*OFFICIAL_STANDARD[code])
    name = (stored_name or "").split(" — ")[0].strip() or code or ""
    for vi, en in INSTRUMENTS:
        if name.startswith(vi):
            return display.in_language(name, en + name[len(vi) :])
    return name


def classification(code: str | None) -> str:
    return str(CLASSES.get(code, code or ""))


def movement(code: str) -> str:
    return str(MOVEMENTS.get(code, code))


def transition(code: str) -> str:
    return str(TRANSITIONS.get(code, code))


def area(code: str) -> str:
    return str(AREAS.get(code, code or ""))


def in_both(name) -> tuple[str, str]:
    """(Vietnamese, English) of a catalogue function's answer, e.g. in_both(lambda: indicator("water"))."""
    with override("vi"):
        vi = str(name())
    with override("en"):
        return vi, str(name())


def title(name) -> str:
    """A name at the head of a column or a legend: its first letter capital ("Thoát nghèo")."""
    return capfirst(str(name))


# -- a classification's rule, in words


def rule_text(rule) -> str:
    """Why a household is in its class, in the current language, from the engine's `Rule` or its stored form:
    "thu nhập 1.235.000 ≤ 2.000.000 (thành thị) và 6 chỉ số thiếu hụt ≥ 3"; in English "income 1,235,000 ≤
    2,000,000 (urban) and 6 deprivations ≥ 3". A stored text that is not a rule is shown as it is."""
    if not isinstance(rule, r.Rule):
        rule = r.Rule.decode(rule) or rule
        if not isinstance(rule, r.Rule):
            return rule or ""
    n = display.number
    values = {"income": n(rule.income), "line": n(rule.line), "area": area(rule.area)}
    if rule.test == r.INCOME_ONLY:
        return pgettext("classification rule", "income %(income)s ≤ %(line)s (%(area)s)") % values
    if rule.test == r.MIDDLE_BAND:
        return pgettext("classification rule", "%(lower)s < income %(income)s ≤ %(line)s (%(area)s)") % {
            **values,
            "lower": n(rule.lower),
        }
    if rule.test == r.ABOVE:
        return pgettext("classification rule", "income %(income)s > %(line)s (%(area)s)") % values
    values.update(count=rule.count, threshold=rule.threshold, unknown=rule.not_surveyed)
    if rule.count >= rule.threshold:
        text = npgettext(
            "classification rule",
            "income %(income)s ≤ %(line)s (%(area)s) and %(count)s deprivation ≥ %(threshold)s",
            "income %(income)s ≤ %(line)s (%(area)s) and %(count)s deprivations ≥ %(threshold)s",
            rule.count,
        )
    else:
        text = npgettext(
            "classification rule",
            "income %(income)s ≤ %(line)s (%(area)s) and %(count)s deprivation < %(threshold)s",
            "income %(income)s ≤ %(line)s (%(area)s) and %(count)s deprivations < %(threshold)s",
            rule.count,
        )
    text = text % values
    if rule.not_surveyed:
        text += (
            npgettext(
                "classification rule",
                ", %(unknown)s indicator not surveyed",
                ", %(unknown)s indicators not surveyed",
                rule.not_surveyed,
            )
            % values
        )
    return text
