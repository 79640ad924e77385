"""Roles as groups of permissions, each user in one unit's subtree."""

import pytest
from django.contrib.auth.models import Group, User

from areas.roles import ROLE_GROUPS
from areas.services import profile_save


@pytest.mark.parametrize(
    "role, may, may_not",
    [
        ("admin", ["households.change_household", "auth.change_user", "targets.change_plan"], []),
        (
            "manager",
            ["targets.change_plan", "targets.change_target", "households.view_household"],
            ["households.change_household", "targets.change_reportedvalue"],
        ),
        ("district_officer", ["households.add_household", "targets.change_reportedvalue"], ["targets.change_plan"]),
        (
            "officer",
            ["households.change_household", "households.delete_member"],
            ["targets.change_target", "auth.view_user"],
        ),
        (
            "viewer",
            ["households.view_household", "targets.view_reportedvalue"],
            ["households.change_household", "targets.change_reportedvalue", "targets.change_plan"],
        ),
    ],
)
def test_each_role_is_a_group_with_its_permissions(tree, role, may, may_not):
    user = User.objects.create_user(f"u-{role}", password="pw")
    profile_save(user, role, tree["C1"])
    user = User.objects.get(pk=user.pk)  # fresh permission cache
    assert list(user.groups.values_list("name", flat=True)) == [ROLE_GROUPS[role]]
    assert all(user.has_perm(p) for p in may), [p for p in may if not user.has_perm(p)]
    assert not any(user.has_perm(p) for p in may_not), [p for p in may_not if user.has_perm(p)]


def test_changing_a_role_moves_the_user_to_the_new_group_only(tree):
    user = User.objects.create_user("u", password="pw")
    profile_save(user, "officer", tree["C1"])
    profile_save(user, "viewer", tree["P"])
    assert list(user.groups.values_list("name", flat=True)) == [ROLE_GROUPS["viewer"]]
    assert User.objects.get(pk=user.pk).profile.unit == tree["P"]
    assert Group.objects.filter(name__in=ROLE_GROUPS.values()).count() == 5


def test_the_admin_users_page_lists_roles_and_areas_in_vietnamese(tree, client):
    user = User.objects.create_user("u", password="pw")
    profile_save(user, "district_officer", tree["D1"])
    client.force_login(User.objects.create_superuser("root", password="pw"))
    html = client.get("/admin/auth/user/").content.decode()
    assert "cán bộ huyện" in html and "District 1" in html
    assert client.get(f"/admin/auth/user/{user.pk}/change/").status_code == 200


def test_an_administrator_changing_a_profile_in_the_admin_updates_the_groups(tree, client):
    user = User.objects.create_user("u", password="pw")
    profile = profile_save(user, "officer", tree["C1"])
    client.force_login(User.objects.create_superuser("root", password="pw"))
    response = client.post(
        f"/admin/areas/profile/{profile.pk}/change/", {"user": user.pk, "role": "viewer", "unit": tree["D2"].pk}
    )
    assert response.status_code == 302
    assert list(user.groups.values_list("name", flat=True)) == [ROLE_GROUPS["viewer"]]
