import pytest

from tests.conftest import make_user


@pytest.fixture
def officer(tree):
    """A district officer of D1, staff, who may view households and import rosters."""
    from django.contrib.auth.models import Permission

    user = make_user("officer1", "officer", tree["D1"], is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_household", "add_rosterimport", "view_rosterimport"])
    )
    return user
