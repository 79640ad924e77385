from dataclasses import dataclass

from areas.models import Unit
from areas.selectors import units_for_user

from .models import Approval, DataKind, State
from .rules import can_decide, can_submit
from .services import TRANSITIONS, locked_units


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


def allowed_actions(user, unit, approval: Approval | None) -> list[str]:
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
    return [UnitApproval(u, own.get(u.pk), locks.get(u.pk), allowed_actions(user, u, own.get(u.pk))) for u in units]


def board_counts(rows: list[UnitApproval]) -> dict[str, int]:
    counts = {state: 0 for state in State.values}
    for row in rows:
        counts[State.APPROVED if row.covered_above and row.locked_by.state == State.APPROVED else row.state] += 1
    return counts


def get_approval_for_user(user, unit_code: str, year: int, kind: str):
    """The unit (inside the user's area) and its approval, or None when never submitted."""
    from django.shortcuts import get_object_or_404

    unit = get_object_or_404(units_for_user(user), code=unit_code)
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
        .exclude(level=Unit.Level.VILLAGE)
        .only("id", "path", "name", "code", "parent_id")
        .order_by("path")
    )
    if not governing:  # a village: its commune's approval covers it
        governing = [
            u
            for u in Unit.objects.filter(path__in=_prefixes_of(unit.path))
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


def _prefixes_of(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
