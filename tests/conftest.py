import io
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from areas.models import Profile, Unit


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Before the test database is dropped, end the sessions that live-server request threads (or a
    background recompute thread) may still hold on PostgreSQL, so the drop cannot fail."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def _reference_data(request):
    """What the migrations load — standards, the indicator catalogue, the role groups — put back when a test
    that committed has flushed it: under pytest-xdist a worker no longer runs the rolled-back tests first."""
    names = set(request.fixturenames)
    if "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    elif request.node.get_closest_marker("django_db") is None:
        return
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    from areas.roles import sync_groups
    from households.models import PovertyStandard
    from households.reference_data import load_standards
    from targets.reference_data import load_catalogue

    if not PovertyStandard.objects.exists():
        load_standards(apps)
        load_catalogue(apps)
        sync_groups(Group, Permission)


@pytest.fixture(autouse=True)
def _vietnamese_first():
    """Each test starts in the default language, whatever a test before it in this process activated."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Pages keep what they drew per figures version, and a rolled-back test gives its version number again."""
    from django.core.cache import cache

    cache.clear()


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


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo at a small scale, loaded once for a module that asks for it (each test still rolls back its own writes)."""
    from django.apps import apps
    from django.core.management import call_command
    from django.test import override_settings

    from targets.reference_data import load_catalogue, load_standards

    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # the tests' hasher (_fast_passwords), set here too
    with django_db_blocker.unblock(), override_settings(DEBUG=True, PASSWORD_HASHERS=fast):
        call_command("load_demo", scale=0.1, stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        load_standards(apps)
        load_catalogue(apps)


@pytest.fixture
def demo(db, settings):
    """The demo data set at a small scale (200 households per province per year)."""
    settings.DEBUG = True
    call_command("load_demo", scale=0.1, stdout=io.StringIO())


HISTORY_OFFICER = "officer_94204"


@pytest.fixture
def history_officer(db):
    """A commune officer of the Sóc Trăng the demo's 2020 plan was made for: Xã Thuận Hòa (94204), which ceased in the
    2025 reform (the demo's `officer` works in today's Cần Thơ, which has no plan of its own). Reads that history and
    writes nothing (FormerAreaBackend). Password demo."""
    from areas.services import profile_save

    user = User.objects.create_user(HISTORY_OFFICER, password="demo", is_staff=True)
    profile_save(user, "officer", Unit.objects.by_code("94204", 2020))
    return HISTORY_OFFICER


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


SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _chromium_missing() -> str | None:
    from django.conf import settings

    path = settings.CHROMIUM_PATH
    if not os.access(path, os.X_OK):
        return f"Chromium not found at {path}: run `sudo apt-get install chromium` or set CHROMIUM_PATH"
    return None


def pytest_runtest_setup(item):
    """Browser tests are skipped, with the fix, before their fixtures load any data."""
    if item.get_closest_marker("browser") and (reason := _chromium_missing()):
        pytest.skip(reason)


@pytest.fixture
def browser(live_server, settings):
    """Headless Chromium at settings.CHROMIUM_PATH."""
    if reason := _chromium_missing():
        pytest.skip(reason)
    path = settings.CHROMIUM_PATH
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the test's thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """new_page(width=1280) opens a page in a fresh session (own cookies), in Vietnamese; 390 for a phone.
    Playwright's wait_for_function evaluates its predicate with eval, which the site's Content-Security-Policy
    forbids: pages bypass the policy unless a test asks to have it enforced (csp=True)."""

    def open_page(width=1280, height=900, csp=False):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="vi-VN",
            extra_http_headers={"Accept-Language": "vi"},
            has_touch=width < 600,
            bypass_csp=not csp,
        )
        return context.new_page()

    return open_page


@pytest.fixture
def page(new_page):
    return new_page()


def login(page, live_server, username, password="demo"):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()


def screenshot(page, name):
    """Saved as a test artefact in var/screenshots/NAME.png (look at it)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@pytest.fixture
def unreachable_broker(settings):
    """Tasks go to a broker that refuses connections (a closed local port), not run in-process."""
    import socket

    from povertyplan.celery import app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"
    before = app.conf.broker_url, app.conf.broker_write_url, app.conf.task_always_eager
    settings.CELERY_BROKER_URL = url
    app.conf.broker_url, app.conf.broker_write_url, app.conf.task_always_eager = url, url, False
    app._pool = app.amqp._producer_pool = None
    yield url
    app.conf.broker_url, app.conf.broker_write_url, app.conf.task_always_eager = before
    app._pool = app.amqp._producer_pool = None


@pytest.fixture(autouse=True)
def _one_real_worker_test_at_a_time(request):
    """Tests with a real worker share the broker's queue and purge it first: run in two pytest-xdist processes at
    once, one test's purge dropped the other's task (a timeout, seen in full runs only). A file lock takes them in
    turn."""
    if request.node.get_closest_marker("worker") is None:
        yield
        return
    import fcntl
    import tempfile

    with open(Path(tempfile.gettempdir()) / "povertyplan-worker-tests.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def skip_without_worker():
    from django.conf import settings
    from django.db import connection

    if not settings.CELERY_BROKER_URL or connection.vendor != "postgresql":
        pytest.skip("needs CELERY_BROKER_URL and PostgreSQL (the CI's first run)")


def start_worker(purge=True, **env):
    """A real Celery worker (solo pool) on the test database and the broker of CELERY_BROKER_URL; skips the test
    without them. `purge` empties the queue first (messages of earlier tests)."""
    import subprocess
    import sys
    import time

    from django.db import connection

    skip_without_worker()
    from povertyplan.celery import app
    from targets.services import _redis

    if purge:
        app.control.purge()
        for key in _redis().scan_iter("povertyplan:recompute*"):  # a slot left by a purged task of an earlier run
            _redis().delete(key)
    db = connection.settings_dict
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        **env,
    )
    command = ["celery", "-A", "povertyplan", "worker", "--pool", "solo", "-l", "warning"]
    process = subprocess.Popen(
        [sys.executable, "-m", *command, "--without-gossip", "--without-mingle", *(["--purge"] if purge else [])],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        assert time.monotonic() < deadline and process.poll() is None, "the worker did not start"
    return process


def stop_worker(process, kill=False) -> str:
    """Stops (or kills) the worker; what it wrote."""
    import signal

    process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
    process.wait(timeout=20)
    with process.stdout:
        return process.stdout.read().decode()
