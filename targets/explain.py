"""An attainment told in sentences (admin, home page): what was measured, against what, and why its status."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from households.names import short_standard
from povertyplan import display

from .models import Attainment, Scope, Target


def _decimal(value) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except InvalidOperation:
        return None


def value_text(target: Target, value) -> str:
    if target.value_unit == Target.ValueUnit.COUNT or target.indicator.unit not in ("percent",):
        return display.number(value)
    return display.percent(value)


def goal_text(target: Target) -> str:
    """The goal as a person reads it: "≤ 18,66%", "giảm 2–3 điểm %/năm", "≥ 13.000"."""
    number = display.number
    if target.operator == Target.Operator.BETWEEN and target.value is not None:
        amount = f"{number(target.value)}–{number(target.value_max)}"
    elif target.value is not None:
        amount = f"{target.get_operator_display()} {number(target.value)}"
    else:
        amount = ""
    if target.value_unit == Target.ValueUnit.PERCENT:
        amount += "%"
    elif target.value_unit == Target.ValueUnit.POINTS:
        amount = f"{amount} {_('points/year')}"
    text = f"{target.get_direction_display()} {amount}" if target.shape == Target.Shape.CHANGE else amount
    if target.share_value is not None:
        text += ", " + _("of which %(operator)s %(value)s %(indicator)s") % {
            "operator": target.get_share_operator_display(),
            "value": display.percent(target.share_value),
            "indicator": str(target.share_indicator).lower() if target.share_indicator_id else "",
        }
    return text.strip()


def progress_text(attainment: Attainment | None) -> str:
    """The progress towards the goal, or why there is none: a missing figure always says why."""
    if attainment is None:
        return _("not computed yet")
    if attainment.progress is not None:
        return display.percent(attainment.progress, 0)
    if attainment.actual is None:
        return _("no figure yet")
    if _decimal((attainment.explanation or {}).get("baseline")) is None:
        return _("not measured: the target has no baseline to measure progress from")
    return _("not measured")


def movement(target: Target, measured) -> str:
    """A change target's pace as what happened: "tăng 0,50 điểm %/năm", never "giảm -0,50"."""
    measured = _decimal(measured)
    if measured is None:
        return ""
    rise = -measured if target.direction == Target.Direction.DECREASE else measured
    amount = display.number(abs(rise), 2, fixed=True)
    if rise > 0:
        return _("up %(amount)s points/year") % {"amount": amount}
    if rise < 0:
        return _("down %(amount)s points/year") % {"amount": amount}
    return _("no change")


def status_label(attainment: Attainment | None) -> str:
    """The status the engine decided, in words ("not achieved" is its own status once the year is over)."""
    if attainment is None:
        return _("no data")
    return attainment.get_status_display()


def scope_text(scope: str, below: str | None = None) -> str:
    """A population scope in words; below the province (`below`: the unit's name) the whole population is the
    unit's, not the province's."""
    if scope == Scope.PROVINCE and below:
        return _("whole area of %(unit)s") % {"unit": below}
    return dict(Scope.choices).get(scope, scope or "")


def contribution(attainment: Attainment) -> str:
    """For a unit below the province, of a count goal set for the whole province: what the unit contributes."""
    target = attainment.target
    if attainment.status != Attainment.Status.NO_GOAL or attainment.actual is None:
        return ""
    text = _(
        "A total set for the whole province (%(goal)s), not divided among its units: %(unit)s contributes %(actual)s"
    ) % {
        "goal": goal_text(target),
        "unit": (attainment.explanation or {}).get("unit_name") or _("this unit"),
        "actual": display.number(attainment.actual),
    }
    if target.value:
        text += " " + _("(%(share)s of the province's goal)") % {
            "share": display.percent(attainment.actual / target.value * 100)
        }
    return text + "."


def sentences(attainment: Attainment) -> list[str]:
    target, data = attainment.target, attainment.explanation or {}
    out = []
    scope = scope_text(data.get("scope"), data.get("unit_name"))
    if attainment.actual is None:
        out.append(_("No figure yet for %(year)s (%(scope)s).") % {"year": attainment.year, "scope": scope})
    else:
        out.append(
            _("In %(year)s the figure is %(value)s (%(scope)s).")
            % {"year": attainment.year, "value": value_text(target, attainment.actual), "scope": scope}
        )
    numerator, denominator = _decimal(data.get("numerator")), _decimal(data.get("denominator"))
    if numerator is not None and denominator:
        out.append(
            _("Computed as %(numerator)s out of %(denominator)s.")
            % {"numerator": display.number(numerator), "denominator": display.number(denominator)}
        )
    baseline = _decimal(data.get("baseline"))
    if baseline is not None:
        out.append(
            _("Baseline%(year)s: %(value)s.")
            % {
                "year": f" {data['baseline_year']}" if data.get("baseline_year") else "",
                "value": value_text(target, baseline),
            }
        )
        if code := data.get("baseline_standard"):
            out.append(
                _(
                    "The baseline is measured under %(standard)s, the plan's standard: rates are never chained across "
                    "standards."
                )
                % {"standard": short_standard(code)}
            )
    if target.shape == Target.Shape.CHANGE and data.get("measured") is not None:
        out.append(_("Change since the baseline: %(movement)s.") % {"movement": movement(target, data["measured"])})
    share = _decimal(data.get("share"))
    if target.share_value is not None:
        out.append(
            _("Share condition: %(share)s, required %(operator)s %(value)s.")
            % {
                "share": display.percent(share) if share is not None else _("no figure yet"),
                "operator": target.get_share_operator_display(),
                "value": display.percent(target.share_value),
            }
        )
    elapsed = _decimal(data.get("elapsed"))
    if elapsed is not None:
        out.append(
            _("The plan's year is over.")
            if elapsed >= 1
            else _("%(share)s of the plan's time has passed.") % {"share": display.percent(elapsed * 100, 0)}
        )
    if attainment.status != Attainment.Status.NO_GOAL:
        out.append(_("Progress towards the goal: %(progress)s.") % {"progress": progress_text(attainment)})
    if part := contribution(attainment):
        out.append(part)
    out.append(_("Status: %(status)s.") % {"status": status_label(attainment)})
    return out
