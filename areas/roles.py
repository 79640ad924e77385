"""Roles as Django groups: each role is a group holding its permissions; a user's Profile names the
role and the unit whose subtree they work in. The groups are created by a migration (areas 0002)."""

ROLE_GROUPS = {  # role: name of its group (shown in the admin)
    "admin": "Quản trị viên",
    "manager": "Lãnh đạo tỉnh",
    "district_officer": "Cán bộ huyện",
    "officer": "Cán bộ xã",
    "viewer": "Người xem",
}

_VIEW_ALL = [
    ("areas", "unit"),
    ("households", "household"),
    ("households", "member"),
    ("households", "povertystandard"),
    ("targets", "plan"),
    ("targets", "target"),
    ("targets", "indicator"),
    ("targets", "reportedvalue"),
    ("targets", "computedvalue"),
    ("targets", "attainment"),
]
_DATA_ENTRY = [("households", "household"), ("households", "member"), ("targets", "reportedvalue")]
_ALL = ["view", "add", "change", "delete"]


def role_permissions() -> dict[str, list[tuple[str, str]]]:
    """(app_label, codename) of each role's permissions."""
    view = [(app, f"view_{model}") for app, model in _VIEW_ALL]
    entry = [(app, f"{action}_{model}") for app, model in _DATA_ENTRY for action in _ALL]
    everything = (
        view
        + entry
        + [
            (app, f"{action}_{model}")
            for app, model in [
                *_VIEW_ALL,
                ("areas", "profile"),
                ("auth", "user"),
                ("targets", "recomputerun"),
                ("households", "rosterimport"),
            ]
            for action in _ALL
        ]
    )
    plans = [("targets", f"{action}_{model}") for model in ("plan", "target") for action in ("add", "change")]
    rosters = [("households", "add_rosterimport"), ("households", "view_rosterimport")]
    # approvals (docs/approval.md): a unit submits its own data; the level above decides
    submit, decide = [("approvals", "submit_approval")], [("approvals", "decide_approval")]
    approval_view = [("approvals", "view_approval")]
    # starting a recompute (targets.services.start_recompute) also needs an area holding the province
    recompute = [("targets", "view_recomputerun"), ("targets", "change_recomputerun")]
    rescore = [("reports", "add_rescoring")]  # re-score a province under another standard (reports/standards/)
    return {
        "admin": sorted(set(everything + submit + decide + approval_view + rescore)),
        "manager": sorted(set(view + plans + decide + approval_view + recompute + rescore)),
        "district_officer": sorted(set(view + entry + rosters + submit + decide + approval_view)),
        "officer": sorted(set(view + entry + rosters + submit + approval_view)),
        "viewer": sorted(set(view + approval_view)),
    }


def sync_groups(group_model, permission_model) -> None:
    """Create or update the role groups (used by the migration and by tests on a fresh database)."""
    for role, perms in role_permissions().items():
        group, _ = group_model.objects.get_or_create(name=ROLE_GROUPS[role])
        wanted = [
            permission_model.objects.filter(content_type__app_label=app, codename=code).first() for app, code in perms
        ]
        group.permissions.set([p for p in wanted if p is not None])
