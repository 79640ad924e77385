"""How far a target is reached, and its status. The rules are written out in docs/attainment.md."""

from dataclasses import dataclass
from decimal import Decimal

ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA = "achieved", "on_track", "at_risk", "off_track", "no_data"
MISSED = "missed"  # the plan's year is over and the goal was not reached
NO_GOAL = "no_goal"  # a count goal set for the whole population, read for a part of it (a district, a commune)
AT_RISK_FRACTION = Decimal("0.75")  # progress at 75 % or more of the time elapsed is "at risk", below "off track"

_COMPARE = {
    "lt": lambda a, v: a < v,
    "lte": lambda a, v: a <= v,
    "gt": lambda a, v: a > v,
    "gte": lambda a, v: a >= v,
}


_SYMBOL = {"lt": "<", "lte": "≤", "gt": ">", "gte": "≥", "between": "≥"}


def vn(value, places: int = 2) -> str:
    """A number the Vietnamese way, for the rule sentences: 0,95 · 13.000 · 1.234,5 (trailing zeros dropped)."""
    text = f"{Decimal(value):,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _goal(goal: "Goal") -> str:
    if goal.operator == "between" and goal.value_max is not None:
        return f"{vn(goal.value)}–{vn(goal.value_max)}"
    return f"{_SYMBOL.get(goal.operator, goal.operator)} {vn(goal.value)}"


@dataclass(frozen=True)
class Goal:
    shape: str  # level, change, count, coverage
    operator: str  # lt, lte, gt, gte, between
    value: Decimal
    value_max: Decimal | None = None
    direction: str = ""  # decrease / increase, for change targets
    share_operator: str = ""
    share_value: Decimal | None = None


@dataclass(frozen=True)
class Observation:
    actual: Decimal | None  # the indicator now (a rate, or a cumulative count)
    elapsed: Decimal  # share of the plan year that has passed, 0..1
    baseline: Decimal | None = None
    years: int = 1  # years between the baseline and now, for change targets
    share: Decimal | None = None  # the share condition's indicator, when the target has one
    history: tuple[tuple[int, Decimal], ...] = ()  # (year, value) points, the latest being the actual's
    year: int | None = None  # the plan year, for projecting the trend to its end
    part_of_total: bool = False  # one unit's part of a total the goal sets for the whole (a province's count)


def projected(history, year) -> Decimal | None:
    """The least-squares line through the history, read at the plan year: None with fewer than 2 points."""
    if len(history) < 2 or year is None:
        return None
    n = len(history)
    mean_x = Decimal(sum(x for x, _ in history)) / n
    mean_y = sum(y for _, y in history) / n
    spread = sum((x - mean_x) ** 2 for x, _ in history)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in history) / spread
    return mean_y + slope * (year - mean_x)


@dataclass(frozen=True)
class Assessment:
    status: str
    progress: Decimal | None  # percent of the goal reached
    measured: Decimal | None  # what was compared with the goal (the actual, or the change per year)
    rule: str


def _meets(measured: Decimal, goal: Goal) -> bool:
    if goal.operator == "between":
        return measured >= goal.value  # reaching the lower end of a range meets it; beyond is better still
    return _COMPARE[goal.operator](measured, goal.value)


def _status_by_pace(progress: Decimal | None, elapsed: Decimal, met: bool) -> str:
    if elapsed >= 1:  # the plan's year is over: no pace left to judge, the goal was reached or it was missed
        return ACHIEVED if met else MISSED
    if met:
        return ON_TRACK
    pace = progress / 100
    if pace >= elapsed:
        return ON_TRACK
    return AT_RISK if pace >= elapsed * AT_RISK_FRACTION else OFF_TRACK


def _progress(start: Decimal | None, now: Decimal, goal: Decimal) -> Decimal | None:
    """Percent of the way from start to goal, in whichever direction the goal lies."""
    if start is None or start == goal:
        return None
    return max(Decimal(0), (start - now) / (start - goal) * 100)


def assess(goal: Goal, obs: Observation) -> Assessment:
    if obs.actual is None or (goal.shape == "change" and obs.baseline is None):
        return Assessment(NO_DATA, None, None, "chưa có số liệu" if obs.actual is None else "chưa có số liệu năm gốc")

    if goal.shape == "change":
        change = obs.baseline - obs.actual if goal.direction == "decrease" else obs.actual - obs.baseline
        per_year = change / max(obs.years, 1)
        met = _meets(per_year, goal)
        progress = per_year / goal.value * 100 if goal.value else (Decimal(100) if met else Decimal(0))
        rule = (
            f"thay đổi {vn(per_year)} điểm/năm so với năm gốc ({vn(obs.baseline)} → {vn(obs.actual)}), "
            f"mục tiêu {_goal(goal)} điểm/năm"
        )
        return Assessment(_status_by_pace(max(progress, Decimal(0)), obs.elapsed, met), progress, per_year, rule)

    if obs.part_of_total:
        # A total to reach is set for the whole (train 13.000 workers in the province) and not divided among its
        # units: a part's figure is its contribution to that total, with no goal of its own to meet.
        share = obs.actual / goal.value * 100 if goal.value else None
        rule = f"đóng góp {vn(obs.actual, 0)} vào chỉ tiêu {vn(goal.value, 0)} của cấp trên"
        if share is not None:
            rule += f" ({vn(share)}%)"
        return Assessment(NO_GOAL, None, obs.actual, rule)

    met = _meets(obs.actual, goal)
    if goal.shape == "count":
        progress = obs.actual / goal.value * 100 if goal.value else Decimal(100)
        rule = f"đạt {vn(obs.actual, 0)} / {vn(goal.value, 0)}"
        share_met = True
        if goal.share_value is not None:
            share_met = obs.share is not None and _COMPARE[goal.share_operator](obs.share, goal.share_value)
            shown = f"{vn(obs.share)}%" if obs.share is not None else "chưa có"
            symbol = _SYMBOL.get(goal.share_operator, goal.share_operator)
            rule += f"; tỷ lệ điều kiện {shown} so với {symbol} {vn(goal.share_value)}%"
        status = _status_by_pace(progress, obs.elapsed, met and share_met)
        if not share_met and status == ON_TRACK:
            status = AT_RISK  # the total keeps pace, the share condition does not
        return Assessment(status, progress, obs.actual, rule)

    # level and coverage: the actual against a threshold, progress measured from the baseline
    progress = Decimal(100) if met else _progress(obs.baseline, obs.actual, goal.value)
    if progress is None and obs.elapsed < 1:  # no baseline to measure progress from
        status = ON_TRACK if met else AT_RISK
    else:
        status = _status_by_pace(progress, obs.elapsed, met)
    rule = f"giá trị {vn(obs.actual)} so với mục tiêu {_goal(goal)}"
    trend = projected(obs.history, obs.year)
    if not met and obs.elapsed < 1 and trend is not None:
        # several data points: the trend decides whether the year's end will meet the goal
        status = ON_TRACK if _meets(trend, goal) else (AT_RISK if status == ON_TRACK else status)
        rule += f"; xu hướng đến cuối năm {obs.year}: {vn(trend)}"
    return Assessment(status, progress, obs.actual, rule)
