"""Who may move an approval, from the roles and the tree (no fixed levels).

- Submit: a user allowed to submit, for their own unit, to the level above it (administrators, who have no
  unit, for any unit). A unit with no parent has no one to submit to: its managers approve it directly.
- Approve, return, reopen: a user allowed to decide, for a unit strictly below their own unit — the level
  above decides, so an officer never approves their own commune, and a district's officer sees only the
  communes of that district. A unit with no parent (the province) is decided by its own managers, since no
  one is above it. Nobody decides what they submitted themselves.
"""

from areas.selectors import EVERYWHERE, area_ceased, user_area_path

SUBMIT = "submit_approval"
DECIDE = "decide_approval"

# The role groups carry these permissions (areas/roles.py); the profile role grants the same, so a user whose
# groups are out of step with their role still gets what the role says.
_ROLE_GRANTS = {
    "officer": {SUBMIT},
    "district_officer": {SUBMIT, DECIDE},
    "manager": {DECIDE},
    "admin": {SUBMIT, DECIDE},
}


def has_right(user, codename: str) -> bool:
    if not user.is_authenticated or area_ceased(user):
        return False
    if user.has_perm(f"approvals.{codename}"):
        return True
    role = getattr(getattr(user, "profile", None), "role", None)
    return codename in _ROLE_GRANTS.get(role, ())


def can_submit(user, unit) -> bool:
    area = user_area_path(user)
    if area is None or unit.parent_id is None or not has_right(user, SUBMIT):
        return False
    return area == EVERYWHERE or unit.path == area


def can_decide(user, unit, submitted_by_id=None) -> bool:
    area = user_area_path(user)
    if area is None or not has_right(user, DECIDE) or (submitted_by_id and submitted_by_id == user.pk):
        return False
    if unit.parent_id is None:
        return unit.path.startswith(area)
    return unit.path.startswith(area) and (area == EVERYWHERE or unit.path != area)
