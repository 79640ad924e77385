"""Dashboards under load on PostgreSQL: 1.000.000 households across the two demo provinces (each
followed over two survey years), 20 concurrent users in a second process over the plan dashboard, a
target page and a breakdown (area) page, served by gunicorn with DEBUG off. Budget: server time p95
≤ 150 ms; a page's own HTML and data ≤ 300 KB; plotly.js hashed, cached far into the future, compressed.

The data set is generated once (a pool of demo households classified by the engine, copied with COPY
under new codes across every village) and kept between runs; BENCH_HOUSEHOLDS changes its size."""

import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOUSEHOLDS = int(os.environ.get("BENCH_HOUSEHOLDS", 1_000_000))  # in the latest survey year, both provinces
DATABASE = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/povertyplan_bench_dashboard")
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
PORT = int(os.environ.get("BENCH_PORT", 8906))
USERS = int(os.environ.get("BENCH_USERS", 20))
SECONDS = int(os.environ.get("BENCH_SECONDS", 60))
SECRET_KEY = "bench-only-not-secret"
POOL = 3000  # distinct generated households per province and area type, copied to reach HOUSEHOLDS


def _setup_django(database=DATABASE):
    import psycopg2

    name = database.rsplit("/", 1)[1]
    admin = psycopg2.connect(database.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    # the server's SECRET_KEY, so the sessions made here are valid there
    os.environ.update(
        DATABASE_URL=database,
        CELERY_BROKER_URL=BROKER,
        DJANGO_SETTINGS_MODULE="povertyplan.settings",
        SECRET_KEY=SECRET_KEY,
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _pool(province, villages, first_year):
    """Households of both survey years generated and classified like the demo, by area type."""
    from households.demo import PROVINCE_ECONOMY, generate_households, next_year
    from households.models import Household, Member, PovertyStandard
    from households.services import apply_classification

    standards = {y: PovertyStandard.objects.of_year(y) for y in (first_year, first_year + 1)}
    engines = {y: s.to_engine() for y, s in standards.items()}
    growth = PROVINCE_ECONOMY[province["code"]]["growth"]
    pool = {"rural": [], "urban": []}
    mix = province["ethnic_mix"]
    for first, members in generate_households(
        villages,
        lambda d: mix[d.ethnic_minority_area or d.poor_district],
        first_year,
        POOL * 2,
        seed=f"bench-{province['code']}",
    ):
        second, second_members = next_year(first, members, province["code"], growth)
        pair = []
        for fields, member_fields in ((first, members), (second, second_members)):
            household = Household(**{k: v for k, v in fields.items() if not k.startswith("_")})
            people = [Member(**m) for m in member_fields]
            apply_classification(household, people, standards[household.survey_year], engines[household.survey_year])
            pair.append(household)
        pool[first["area_type"]].append(pair)
    return pool


def _copy_households(province, villages, first_year, count) -> int:
    """`count` households per survey year under the province's villages, copied from the pool (COPY through the
    product's bulk writer, povertyplan.bulk)."""
    from django.utils import timezone

    from households.models import Household
    from povertyplan.bulk import copy_rows

    pool = _pool(province, villages, first_year)
    fields = [f for f in Household._meta.concrete_fields if f.name != "id"]
    now = timezone.now()

    def values(household):
        return [now if f.attname == "updated_at" else getattr(household, f.attname) for f in fields]

    templates = {area: [[values(h) for h in pair] for pair in pairs] for area, pairs in pool.items()}
    index = {f.attname: i for i, f in enumerate(fields)}
    rng = random.Random(province["code"])

    def rows():
        for n in range(count):
            village = villages[n % len(villages)][0]
            for template in rng.choice(templates[village.area_type] or templates["rural"]):
                row = list(template)
                row[index["unit_id"]] = village.pk
                row[index["code"]] = f"B{village.code}-{n:07d}"
                yield row

    copy_rows(Household, [f.column for f in fields], rows())
    return count * 2


def _load():
    """The data set: both demo provinces, both seed plans, HOUSEHOLDS households in the latest survey year."""
    from django.apps import apps
    from django.db import connection, transaction

    from areas.demo_units import DEMO_PROVINCES
    from areas.models import Unit, UnitSuccession
    from households.models import Household
    from targets.management.commands.load_demo import load_plan, load_reform, load_reported_values, load_units
    from targets.models import Plan
    from targets.reference_data import load_catalogue, load_standards
    from targets.seed_plans import SEED_PLANS
    from targets.services import recompute

    load_standards(apps)
    load_catalogue(apps)
    per_province = HOUSEHOLDS // len(DEMO_PROVINCES)
    existing = Household.objects.count()
    if existing == per_province * len(DEMO_PROVINCES) * 2 and UnitSuccession.objects.exists():
        return existing, None
    Household.objects.all().delete()
    started = time.monotonic()
    with transaction.atomic():
        for province in DEMO_PROVINCES:
            villages = load_units(province)
            seed = next(s for s in SEED_PLANS if s["province"] == province["code"])
            load_plan(seed)
            _copy_households(province, villages, seed["year_start"] - 1, per_province)
        load_reform()  # the demo's 2025 reform: Cần Thơ succeeds Sóc Trăng, Sơn La's communes redrawn
        for plan in Plan.objects.all():
            load_reported_values(plan)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    loaded = time.monotonic() - started
    run = recompute(province_ids=list(Unit.objects.filter(parent__isnull=True).values_list("pk", flat=True)))
    return Household.objects.count(), (loaded, run.duration_ms / 1000)


def _sessions(n):
    """n logged-in manager sessions (cookies), one per simulated user."""
    from django.contrib.auth.models import User
    from django.test import Client

    from areas.models import Profile

    user, _ = User.objects.get_or_create(username="bench_manager")
    Profile.objects.update_or_create(user=user, defaults={"role": "manager", "unit": None})
    cookies = []
    for _ in range(n):
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies["sessionid"].value)
    return cookies


def _pages():
    from targets.models import Plan

    plan = Plan.objects.get(province__code="14")
    target = plan.targets.get(order=1)
    return {
        "plan dashboard": f"/dashboards/plans/{plan.pk}/",
        "target page": f"/dashboards/targets/{target.pk}/",
        "breakdown page": "/dashboards/areas/14/?boundaries=recorded",
        # the same figures re-aggregated into the units of the 2025 reform (targets.boundaries)
        "target page, today's boundaries": f"/dashboards/targets/{target.pk}/?boundaries=current",
        "breakdown page, today's boundaries": "/dashboards/areas/14/?boundaries=current",
        "Cần Thơ (Sóc Trăng's history), today's boundaries": "/dashboards/areas/92/",
    }


def _freshness(edits=int(os.environ.get("BENCH_FRESHNESS_EDITS", 7)), pause=0.3) -> list[float]:
    """Seconds from saving a 2020 Sóc Trăng household (through the household service, its income moved across the
    poverty line) until a real worker's run has moved both views of it: Sóc Trăng's poor households as recorded
    (ComputedValue) and Cần Thơ's in today's boundaries (CurrentBoundaryValue)."""
    from areas.models import Unit
    from benchmarks.bench_recompute import _start_worker
    from households.models import Household
    from households.services import household_save
    from targets.models import ComputedValue, CurrentBoundaryValue

    old, new = Unit.objects.get(code="94", parent=None), Unit.objects.get(code="92", parent=None)
    figure = {"indicator__code": "poor_rate", "year": 2020, "scope": "province"}

    def numerators():
        recorded = ComputedValue.objects.filter(unit=old, **figure).values_list("numerator", flat=True)
        current = CurrentBoundaryValue.objects.filter(unit=new, **figure).values_list("numerator", flat=True)
        return recorded.get(), current.get()

    households = Household.objects.filter(unit__path__startswith=old.path, survey_year=2020).order_by("pk")[:edits]
    worker = _start_worker()
    seconds = []
    try:
        for household in households:
            before = numerators()
            household.income_per_capita = 100_000 if household.classification != "poor" else 5_000_000
            household.reported_deprivations = household.deprivations  # the data set copies no members
            started = time.monotonic()
            household_save(household)
            while any(now == then for now, then in zip(numerators(), before, strict=True)):
                if time.monotonic() - started > 60:
                    raise RuntimeError(f"figures not moved 60 s after editing household {household.pk}")
                time.sleep(0.01)
            seconds.append(time.monotonic() - started)
            time.sleep(pause)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    return seconds


def _serve(log, root=ROOT, options=("-w", "4")):
    """gunicorn (4 sync workers unless `options` say otherwise), DEBUG off, on the database _setup_django chose,
    serving the code in `root` (this checkout, or another version of it to compare with)."""
    env = dict(
        os.environ,
        DEBUG="false",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        CELERY_BROKER_URL=BROKER,
    )
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=root, env=env, check=True)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "povertyplan.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            *options,
            "--access-logfile",
            str(log),
            "--access-logformat",
            "%(U)s?%(q)s %(s)s %(D)s %(B)s",  # the query too: pages differ by theirs
        ],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not start")


def _get(path, cookie, encoding=None):
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}{path}",
        headers={
            "Cookie": f"sessionid={cookie}",
            "Accept-Language": "vi",
            **({"Accept-Encoding": encoding} if encoding else {}),
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, dict(response.headers), response.read()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _workers(server_pid: int) -> list[int]:
    """gunicorn's worker processes (children of the master)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError):
            continue
        if ppid == server_pid:
            children.append(int(stat.parent.name))
    return children


def _backends(own: set) -> list[int]:
    """The PostgreSQL server processes serving the benchmark's database, less the measuring side's own
    connections (`own`, to which this thread's is added): the workers' connections (the database server runs on
    this machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_backend_pid(), array_agg(pid) FROM pg_stat_activity WHERE datname = current_database()"
        )
        mine, pids = cursor.fetchone()
    own.add(mine)
    return [pid for pid in pids if pid not in own]


class CpuMeter:
    """CPU seconds spent by gunicorn (master and workers) and by the PostgreSQL processes serving its
    connections between start() and stop(): with the request count, the CPU a page costs the machine, which
    unlike pages/s does not depend on what else the shared cores are doing. Sampled every half second, so a
    process that ends during the load (a connection past CONN_MAX_AGE) counts up to its last sample."""

    def __init__(self, server_pid: int):
        import threading

        self.server_pid = server_pid
        self.first, self.last, self.own = {}, {}, set()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self):
        processes = {("gunicorn", pid) for pid in [self.server_pid, *_workers(self.server_pid)]}
        processes |= {("postgres", pid) for pid in _backends(self.own)}
        for key in processes:
            seconds = _cpu_seconds(key[1])
            self.last[key] = max(seconds, self.last.get(key, 0.0))

    def _run(self):
        from django.db import connection

        while not self.done.wait(0.5):
            self._sample()
        connection.close()

    def start(self):
        self._sample()
        self.first = dict(self.last)
        self.thread.start()

    def stop(self) -> dict:
        self.done.set()
        self.thread.join()
        self._sample()
        spent = {"gunicorn": 0.0, "postgres": 0.0}
        for (kind, pid), seconds in self.last.items():
            spent[kind] += seconds - self.first.get((kind, pid), 0.0)
        return spent


def _p95(values):
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def measure(pages: dict, cookies: list, root=ROOT, options=("-w", "4")) -> dict:
    """USERS logged-in users (cookies) cycling over the pages (name → path) for SECONDS against gunicorn: the load
    tool's client-side figures, gunicorn's own request times (ms) by path, each page's size and how plotly.js is
    served, and the load average before and after."""
    log = ROOT / "var" / f"bench_access_{os.getpid()}.log"
    log.unlink(missing_ok=True)
    load_before = os.getloadavg()
    server = _serve(log, root, options)
    try:
        sizes, static = {}, {}
        for name, path in pages.items():
            status, headers, body = _get(path, cookies[0])
            assert status == 200 and b'id="freshness"' in body, (name, status)  # not the login page
            sizes[name] = len(body)
            script = re.search(rb'src="(/static/vendor/plotly\.min\.[0-9a-f]+\.js)"', body)
            if script:
                static["url"] = script.group(1).decode()
        _, headers, body = _get(static["url"], cookies[0], encoding="gzip, br")
        static.update(
            cache=headers.get("Cache-Control", ""), encoding=headers.get("Content-Encoding", "none"), size=len(body)
        )
        log.write_text("")  # measure the load only
        meter = CpuMeter(server.pid)
        meter.start()
        load_tool = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.load_tool",
                f"http://127.0.0.1:{PORT}",
                str(SECONDS),
                json.dumps(list(pages.values())),
                json.dumps(cookies),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        cpu = meter.stop()
        client = json.loads(load_tool.stdout)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    server_ms = {path: [] for path in pages.values()}
    for line in log.read_text().splitlines():
        path, status, micros, _ = line.split(" ")
        path = path.removesuffix("?")
        if path in server_ms and status == "200":
            server_ms[path].append(int(micros) / 1000)
    log.unlink()
    return {
        "client": client,
        "server_ms": server_ms,
        "sizes": sizes,
        "static": static,
        "cpu_seconds": {**cpu, "load tool": client["cpu_seconds"]},
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }


def main() -> list[str]:
    _setup_django()
    count, timings = _load()
    pages = _pages()
    fresh = _freshness()
    measured = measure(pages, _sessions(USERS))
    client, server_ms, sizes, static = (measured[k] for k in ("client", "server_ms", "sizes", "static"))
    load_before, load_after = measured["load_before"][0], measured["load_after"][0]
    lines = ["## Dashboards at a million households (PostgreSQL, gunicorn, 20 users in a second process)", ""]
    if timings:
        lines.append(
            f"Data set: {count:,} household records generated and copied in {timings[0]:.0f} s; "
            f"full recompute {timings[1]:.1f} s.".replace(",", ".")
        )
    else:
        lines.append(f"Data set: {count:,} household records, kept from an earlier run.".replace(",", "."))
    lines += [
        f"{HOUSEHOLDS:,}".replace(",", ".") + " households in the latest survey year across Sóc Trăng and Sơn La "
        "(each also in the year before, for transitions); members are not generated: dashboards read precomputed "
        "values only. The demo's 2025 reform is loaded through the succession-table import (Cần Thơ 92 succeeds Sóc "
        "Trăng; Sơn La's communes redrawn), so the pages \"in today's boundaries\" read the figures re-aggregated "
        "from the old units' stored counts (targets.boundaries), beside the same pages as recorded.",
        f"{USERS} users, each logged in, cycling over the pages for {SECONDS} s (benchmarks/load_tool.py, "
        f"own process); gunicorn 4 sync workers, DEBUG off. Load average {load_before:.1f} before, "
        f"{load_after:.1f} after (the machine is shared).",
        "",
        "| page | requests | server p50 | server p95 | budget p95 | ratio | client p95 | HTML + data | budget |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, path in pages.items():
        values = server_ms[path]
        p95 = _p95(values) if values else float("nan")
        lines.append(
            f"| {name} | {len(values)} | {statistics.median(values):.0f} ms | {p95:.0f} ms | 150 ms | "
            f"{p95 / 150:.2f} | {client['p95'][path]:.0f} ms | {sizes[name] / 1024:.0f} KB | 300 KB "
            f"({sizes[name] / 1024 / 300:.2f}) |"
        )
    lines += [
        "",
        "Freshness in both boundaries (issue 24.6): a 2020 Sóc Trăng household saved through the household service "
        "with its income moved across the poverty line, a real Celery worker on Redis; seconds until Sóc Trăng's "
        "poor households as recorded and Cần Thơ's in today's boundaries have both moved, median of "
        f"{len(fresh)} ({', '.join(f'{v:.2f}' for v in fresh)}): **{statistics.median(fresh):.2f} s**, budget 0,5 s, "
        f"ratio {statistics.median(fresh) / 0.5:.2f}.",
        "",
        f"Errors seen by the load tool: {client['errors']}. Throughput {client['rps']:.1f} pages/s.",
        f"plotly.js: `{static['url']}`, Cache-Control `{static['cache']}`, Content-Encoding `{static['encoding']}`, "
        f"{static['size'] / 1024:.0f} KB on the wire; fetched once, then from the cache.",
        "Server time is gunicorn's request time (%(D)s); client p95 adds the wait for a free worker.",
    ]
    return lines
