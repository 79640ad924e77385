import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from areas.models import Profile, Unit


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Tasks run in-process unless a test asks for a real worker (marker `worker`)."""
    from povertyplan.celery import app

    eager = request.node.get_closest_marker("worker") is None
    before = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def demo(db, settings):
    """The demo data set at a small scale (200 households per province per year)."""
    settings.DEBUG = True
    call_command("load_demo", scale=0.1, stdout=io.StringIO())


def make_user(username, role, unit=None, **flags):
    user = User.objects.create_user(username, password="pw", **flags)
    Profile.objects.create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def tree(db):
    """A small tree: province P → districts D1, D2 → communes C1 (in D1), C2 (in D2)."""
    p = Unit.objects.create(code="P", name="Province", level="province")
    d1 = Unit.objects.create(code="D1", name="District 1", level="district", parent=p)
    d2 = Unit.objects.create(code="D2", name="District 2", level="district", parent=p)
    c1 = Unit.objects.create(code="C1", name="Commune 1", level="commune", parent=d1)
    c2 = Unit.objects.create(code="C2", name="Commune 2", level="commune", parent=d2, area_type="urban")
    return {"P": p, "D1": d1, "D2": d2, "C1": c1, "C2": c2}
