from dataclasses import dataclass

from django.utils.translation import gettext as _

from areas.models import Unit
from areas.selectors import (
    ceased_area_notice,
    filter_by_user_area,
    path_prefixes,
    unit_by_code_or_404,
    units_for_user,
)

from .models import Approval, DataKind, State
from .rules import can_decide, can_submit
from .services import TRANSITIONS, lock_notice, locked_units

# The permissions a write of each kind of data needs (the entry pages and the admin ask the same).
WRITE_PERMISSIONS = {
    DataKind.HOUSEHOLDS: ("households.add_household", "households.change_household"),
    DataKind.REPORTED: ("targets.add_reportedvalue", "targets.change_reportedvalue"),
}


def write_refusal(user, unit: Unit, year: int, kind: str) -> str:
    """Why a write of `kind` data of `unit` for review `year` by `user` would be refused — the reason the services
    give — or "": a page shows a write link or button only when this is empty."""
    if notice := ceased_area_notice(user):
        return notice
    if not all(user.has_perm(permission) for permission in WRITE_PERMISSIONS[kind]):
        return _("Your role may look at this data but not change it.")
    return unit.entry_refusal(year) or lock_notice(unit, year, kind)


@dataclass
class UnitApproval:
    unit: Unit
    approval: Approval | None  # the unit's own approval; None: never submitted
    locked_by: Approval | None  # the approval that locks it, its own or one above
    actions: list[str]

    @property
    def state(self) -> str:
        return self.approval.state if self.approval else State.OPEN

    @property
    def covered_above(self) -> bool:
        return self.locked_by is not None and self.locked_by.unit_id != self.unit.pk


def allowed_actions(user, unit, year: int, approval: Approval | None) -> list[str]:
    if unit.entry_refusal(year):  # no approval of a year the unit does not take data in (approval_transition)
        return []
    state = approval.state if approval else State.OPEN
    submitted_by = approval.submitted_by_id if approval else None
    actions = []
    for action, (starts, _target, _comment) in TRANSITIONS.items():
        if action == "approve" and unit.parent_id is None:
            starts = (State.OPEN, State.RETURNED, State.SUBMITTED)
        if state not in starts:
            continue
        allowed = can_submit(user, unit) if action == "submit" else can_decide(user, unit, submitted_by)
        if allowed:
            actions.append(action)
    return actions


def approval_board(user, root: Unit, year: int, kind: str) -> list[UnitApproval]:
    """Every governing unit (province, district, commune: not villages) of root's subtree that the user may see,
    with its approval state for the year and what the user may do with it."""
    units = list(units_for_user(user).subtree(root).exclude(level=Unit.Level.VILLAGE).order_by("path"))
    own = {
        a.unit_id: a
        for a in Approval.objects.filter(unit__in=units, year=year, kind=kind).select_related(
            "submitted_by", "decided_by"
        )
    }
    locks = locked_units(units, year, kind)
    return [
        UnitApproval(u, own.get(u.pk), locks.get(u.pk), allowed_actions(user, u, year, own.get(u.pk))) for u in units
    ]


def board_counts(rows: list[UnitApproval]) -> dict[str, int]:
    counts = {state: 0 for state in State.values}
    for row in rows:
        counts[State.APPROVED if row.covered_above and row.locked_by.state == State.APPROVED else row.state] += 1
    return counts


def get_approval_for_user(user, unit_code: str, year: int, kind: str):
    """The unit (inside the user's area) and its approval, or None when never submitted."""
    unit = unit_by_code_or_404(units_for_user(user), unit_code, year)
    if kind not in DataKind.values:
        from django.http import Http404

        raise Http404
    approval = (
        Approval.objects.filter(unit=unit, year=year, kind=kind).select_related("submitted_by", "decided_by").first()
    )
    return unit, approval


@dataclass
class ApprovalCoverage:
    """How far the data under a unit for a year is approved: the bottom governing units (communes, or whatever
    level has no governing unit below it) and those of them not approved yet."""

    areas: int
    unapproved: list[Unit]

    @property
    def complete(self) -> bool:
        return not self.unapproved

    def marks(self, paths: dict[str, str]) -> set[str]:
        """Of {code: path}, the codes whose figures include unapproved data (a unit above, on or below one)."""
        bad = [u.path for u in self.unapproved]
        return {code for code, path in paths.items() if any(b.startswith(path) or path.startswith(b) for b in bad)}


def approval_coverage(unit: Unit, year: int, kind: str = DataKind.HOUSEHOLDS) -> ApprovalCoverage:
    governing = list(
        Unit.objects.subtree(unit)
        .in_year(year)  # the units of that review: the old communes in 2022, the new ones in 2026
        .exclude(level=Unit.Level.VILLAGE)
        .only("id", "path", "name", "code", "parent_id")
        .order_by("path")
    )
    if not governing:  # a village: its commune's approval covers it
        governing = [
            u
            for u in Unit.objects.filter(path__in=path_prefixes(unit.path))
            .exclude(level=Unit.Level.VILLAGE)
            .order_by("-depth")
        ][:1]
    parents = {u.parent_id for u in governing}
    leaves = [u for u in governing if u.pk not in parents]
    locks = locked_units(leaves, year, kind)
    return ApprovalCoverage(
        len(leaves), [u for u in leaves if u.pk not in locks or locks[u.pk].state != State.APPROVED]
    )


def unapproved_areas(unit: Unit, year: int, kind: str = DataKind.HOUSEHOLDS) -> list[Unit]:
    """The bottom governing units under `unit` whose data of that year is not approved, by their own approval or
    one above. Empty: every figure of `unit` for that year rests on approved data."""
    return approval_coverage(unit, year, kind).unapproved


def data_years(user) -> list[int]:
    """The years the user's area has data, an approval or a plan in, newest first: every year picker lists them
    and opens on the first. A user whose area holds nothing yet is offered the years of the whole database."""
    from households.models import Household
    from targets.models import ReportedValue
    from targets.selectors import plans_for_user

    def years_of(households, reported, approvals, plans) -> set[int]:
        years = set(households.values_list("survey_year", flat=True).distinct())
        years |= set(reported.values_list("year", flat=True).distinct())
        years |= set(approvals.values_list("year", flat=True).distinct())
        for first, last in plans.values_list("year_start", "year_end"):
            years.update(range(first, (last or first) + 1))
        return years

    mine = years_of(
        filter_by_user_area(Household.objects.order_by(), user),
        filter_by_user_area(ReportedValue.objects.order_by(), user),
        filter_by_user_area(Approval.objects.order_by(), user),
        plans_for_user(user).order_by(),
    )
    if not mine:
        from targets.models import Plan

        mine = years_of(
            Household.objects.order_by(),
            ReportedValue.objects.order_by(),
            Approval.objects.order_by(),
            Plan.objects.order_by(),
        )
    return sorted(mine, reverse=True)


def latest_year(user) -> int | None:
    years = data_years(user)
    return years[0] if years else None


@dataclass
class Period:
    """One unit's data of one kind and year as its officer sees it: the state, the last comment, what they may do."""

    unit: Unit
    year: int
    kind: str
    approval: Approval | None
    actions: list[str]
    entry_refusal: str = ""  # why its officer may not correct the data (write_refusal): no "correct" link then

    @property
    def state(self) -> str:
        return self.approval.state if self.approval else State.OPEN

    @property
    def kind_label(self) -> str:
        return DataKind(self.kind).label

    @property
    def entry_url(self) -> str:
        """Where the data of the period is corrected."""
        from django.urls import reverse
        from django.utils.http import urlencode

        if self.kind == DataKind.REPORTED:
            return f"{reverse('reported_grid')}?{urlencode({'unit': self.unit.code, 'year': self.year})}"
        return f"{reverse('households:list')}?{urlencode({'unit': self.unit.code, 'year': self.year})}"


def period_of(user, unit: Unit, year: int, kind: str) -> Period:
    approval = Approval.objects.filter(unit=unit, year=year, kind=kind).select_related("decided_by").first()
    return Period(
        unit, year, kind, approval, allowed_actions(user, unit, year, approval), write_refusal(user, unit, year, kind)
    )


def home_periods(user) -> list[Period]:
    """What an officer's home page says about approval: their own unit's data of the latest year (both kinds),
    then every period of their area returned for correction. Users without a unit of their own: nothing."""
    unit = getattr(getattr(user, "profile", None), "unit", None)
    if unit is None:
        return []
    year = latest_year(user)
    own = [period_of(user, unit, year, kind) for kind in DataKind.values] if year else []
    seen = {(p.unit.pk, p.year, p.kind) for p in own}
    return own + [p for p in _returned_periods(user) if (p.unit.pk, p.year, p.kind) not in seen]


def _returned_periods(user, limit: int = 20) -> list[Period]:
    approvals = (
        filter_by_user_area(Approval.objects.filter(state=State.RETURNED), user)
        .select_related("unit", "decided_by")
        .order_by("-decided_at")[:limit]
    )
    return [
        Period(
            a.unit,
            a.year,
            a.kind,
            a,
            allowed_actions(user, a.unit, a.year, a),
            write_refusal(user, a.unit, a.year, a.kind),
        )
        for a in approvals
    ]
