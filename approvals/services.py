"""Approval transitions and the lock they put on data. Every writer of household records and reported values
asks `assert_open` (or `locked_units` for a batch) before it writes."""

import zlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.selectors import ceased_area_notice, path_prefixes

from .models import LOCKED_STATES, Action, Approval, ApprovalEvent, DataKind, State
from .rules import can_decide, can_submit

# action: (states it starts from, state it leads to, a comment is required)
TRANSITIONS = {
    Action.SUBMIT: ((State.OPEN, State.RETURNED), State.SUBMITTED, False),
    Action.APPROVE: ((State.SUBMITTED,), State.APPROVED, False),
    Action.RETURN: ((State.SUBMITTED,), State.RETURNED, True),
    Action.REOPEN: ((State.APPROVED,), State.OPEN, True),
}


class DataLocked(ValidationError):
    """A write into data that is submitted or approved. The message says who and when."""

    def __init__(self, approval: Approval):
        self.approval = approval
        super().__init__(lock_message(approval), code="locked")


def person_name(user) -> str:
    """Family name first, as Vietnamese names are written; the username when no name is recorded."""
    return f"{user.last_name} {user.first_name}".strip() or user.get_username()


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def lock_message(approval: Approval) -> str:
    values = {"data": approval.get_kind_display(), "unit": approval.unit.name, "year": approval.year}
    if approval.state == State.APPROVED:
        return _(
            "The %(data)s of %(unit)s for %(year)s were approved by %(user)s at %(when)s and cannot be "
            "changed. A manager above can reopen them."
        ) % {**values, "user": person_name(approval.decided_by), "when": _when(approval.decided_at)}
    return _(
        "The %(data)s of %(unit)s for %(year)s were submitted for approval by %(user)s at %(when)s and cannot "
        "be changed until the level above approves or returns them."
    ) % {**values, "user": person_name(approval.submitted_by), "when": _when(approval.submitted_at)}


def locked_paths(paths, year: int, kind: str) -> dict[str, Approval]:
    """For each unit path whose data of that year is locked — by its own approval or one above it — the
    approval that locks it (an approved one before a submitted one). One query for any number of units."""
    paths = set(paths)
    wanted = {prefix for path in paths for prefix in path_prefixes(path)}
    if not wanted:
        return {}
    approvals = {
        a.unit.path: a
        for a in Approval.objects.filter(
            kind=kind, year=year, state__in=LOCKED_STATES, unit__path__in=wanted
        ).select_related("unit", "submitted_by", "decided_by")
    }
    if not approvals:
        return {}
    found = {}
    for path in paths:
        covering = [approvals[p] for p in path_prefixes(path) if p in approvals]
        if covering:
            found[path] = next((a for a in covering if a.state == State.APPROVED), covering[0])
    return found


def locked_units(units, year: int, kind: str) -> dict[int, Approval]:
    """locked_paths, keyed by unit id."""
    units = list(units)
    by_path = locked_paths([u.path for u in units], year, kind)
    return {u.pk: by_path[u.path] for u in units if u.path in by_path}


def lock_of(unit, year: int, kind: str) -> Approval | None:
    """The approval that locks the unit's data of that year, or None when it may be written."""
    return locked_units([unit], year, kind).get(unit.pk)


def lock_notice(unit, year: int, kind: str) -> str:
    """What an entry page says up front when its data is locked (who and when), or ""."""
    approval = lock_of(unit, year, kind)
    return lock_message(approval) if approval is not None else ""


def _advisory_keys(paths, year: int, kind: str) -> list[int]:
    """One lock key per province of `paths`, kind and year: approval steps and writes of the same data meet on it."""
    provinces = {path.split("/", 1)[0] for path in paths}
    return sorted(zlib.crc32(f"approval:{kind}:{year}:{province}".encode()) for province in provinces)


def hold_for_write(paths, year: int, kind: str) -> None:
    """Call inside the writer's transaction, before it checks the locks: waits for an approval step of this data
    that is under way, and keeps approval steps waiting until the write commits, so a write and an approval
    never cross. On PostgreSQL a shared advisory lock per province (writers do not wait for each other); SQLite
    runs every transaction IMMEDIATE (settings), which already puts one writer at a time."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for key in _advisory_keys(paths, year, kind):
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [key])


def _hold_for_approval(unit, year: int, kind: str) -> None:
    """An approval step waits for the writes of its province's data under way, and holds new ones off."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for key in _advisory_keys([unit.path], year, kind):
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def assert_open(unit, year: int, kind: str) -> None:
    """Raise DataLocked when the unit's data of that year may not be written. In a writer's transaction, it
    first holds approval steps off (hold_for_write), so the answer stays true until the write commits."""
    hold_for_write([unit.path], year, kind)
    approval = lock_of(unit, year, kind)
    if approval is not None:
        raise DataLocked(approval)


def assert_households_open(unit, survey_year: int) -> None:
    assert_open(unit, survey_year, DataKind.HOUSEHOLDS)


def assert_reported_open(unit, year: int) -> None:
    assert_open(unit, year, DataKind.REPORTED)


@transaction.atomic
def approval_transition(*, user, unit, year: int, kind: str, action: str, comment: str = "", now=None) -> Approval:
    """Move the approval of a unit's data one step, checking who may, and record the step in its history."""
    if action not in TRANSITIONS:
        raise ValidationError(_("Unknown action."))
    starts, target, needs_comment = TRANSITIONS[action]
    if action == Action.APPROVE and unit.parent_id is None:  # nobody above to submit to: approved directly
        starts = (State.OPEN, State.RETURNED, State.SUBMITTED)
    _hold_for_approval(unit, year, kind)
    approval, _created = Approval.objects.get_or_create(unit=unit, kind=kind, year=year)
    approval = Approval.objects.select_for_update().select_related("unit").get(pk=approval.pk)
    comment = (comment or "").strip()
    if action == Action.SUBMIT:
        allowed = can_submit(user, unit)
    else:
        allowed = can_decide(user, unit, submitted_by_id=approval.submitted_by_id)
    if refusal := unit.entry_refusal(year):
        raise ValidationError(refusal)
    if not allowed:
        raise PermissionDenied(
            ceased_area_notice(user)
            or _("You may not %(action)s the data of %(unit)s.") % {"action": Action(action).label, "unit": unit.name}
        )
    if approval.state not in starts:
        raise ValidationError(
            _("The %(data)s of %(unit)s for %(year)s are %(state)s: they cannot be %(action)s now.")
            % {
                "data": approval.get_kind_display(),
                "unit": unit.name,
                "year": year,
                "state": approval.get_state_display(),
                "action": Action(action).label,
            }
        )
    if needs_comment and not comment:
        raise ValidationError({"comment": _("Say why: the comment is required to return or reopen.")})
    if action == Action.SUBMIT:
        above = locked_units([unit.parent], year, kind).get(unit.parent_id) if unit.parent_id else None
        if above is not None and above.state == State.APPROVED:
            raise DataLocked(above)
    now = now or timezone.now()
    before = approval.state
    approval.state = target
    if action == Action.SUBMIT:
        approval.submitted_by, approval.submitted_at = user, now
        approval.decided_by, approval.decided_at = None, None
    elif action in (Action.APPROVE, Action.RETURN):
        approval.decided_by, approval.decided_at = user, now
    else:  # reopen
        approval.decided_by, approval.decided_at = user, now
    approval.comment = comment
    approval.save()
    ApprovalEvent.objects.create(
        approval=approval, action=action, from_state=before, to_state=target, user=user, at=now, comment=comment
    )
    return approval


def locked_households_filter(first_year: int, last_year: int, path_field: str = "unit__path"):
    """A Q matching the households of those survey years that lie in a submitted or approved unit."""
    from django.db.models import Q

    condition = Q(pk__in=[])
    for unit_path, year in Approval.objects.filter(
        kind=DataKind.HOUSEHOLDS, state__in=LOCKED_STATES, year__gte=first_year, year__lte=last_year
    ).values_list("unit__path", "year"):
        condition |= Q(survey_year=year, **{f"{path_field}__startswith": unit_path})
    return condition
