from datetime import timedelta

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from areas.models import Unit
from areas.selectors import EVERYWHERE, ancestor_codes, unit_by_code_or_404, units_for_user, user_area_path
from households.models import PovertyStandard
from povertyplan.background import LEASE_SECONDS, expired, in_worker

from .boundaries import CURRENT, RECORDED
from .figures import attainments_for
from .models import Attainment, ComputedValue, CurrentBoundaryValue, Plan, RecomputeRun, ReportedValue, Scope, Target


def plans_for_user(user):
    """Plans of provinces in the user's subtree, and the plan of the province an officer works in."""
    prefix = user_area_path(user)
    plans = Plan.objects.select_related("province", "standard")
    if prefix is None:
        return plans.none()
    if prefix == EVERYWHERE:
        return plans
    return plans.filter(Q(province__path__startswith=prefix) | Q(province__code__in=ancestor_codes(prefix)))


def may_see_province_plans(user, province: Unit) -> bool:
    """plans_for_user's rule for one province already read: no query."""
    prefix = user_area_path(user)
    return prefix is not None and (
        prefix == EVERYWHERE or province.path.startswith(prefix) or province.code in ancestor_codes(prefix)
    )


def _kept(key: tuple, version, read):
    """What `read` returns, read once per figures version (which every edit of plans, targets, indicators and
    standards raises) and process: the dashboards' own lookups, cheaper from the cache than from the ORM. None as
    `version`: read now."""
    if version is None:
        return read()
    from django.core.cache import cache

    return cache.get_or_set(":".join(str(part) for part in ("kept", *key, version)), read, 24 * 3600)


def get_plan_for_user(user, pk, version=None) -> Plan:
    plan = _kept(
        ("plan", int(pk)),
        version,
        lambda: get_object_or_404(Plan.objects.select_related("province", "standard"), pk=pk),
    )
    if not may_see_province_plans(user, plan.province):
        raise Http404("no such plan")
    return plan


# -- dashboards: reads of precomputed figures only (ComputedValue, Attainment, RecomputeRun) ----------


def get_unit_for_user(user, code) -> Unit:
    """A unit the user may see (their subtree), or 404."""
    return unit_by_code_or_404(units_for_user(user), code)


def home_unit_for_user(user, province: Unit) -> Unit:
    """Where the user's dashboards of a province start: the province, or the officer's own unit in it."""
    prefix = user_area_path(user)
    if prefix and prefix.startswith(province.path):
        return user.profile.unit  # the prefix is its path (read with the user)
    return province


def provinces_held(user):
    """The provinces whose whole area the user holds (their area is the province, or everywhere)."""
    prefix = user_area_path(user)
    provinces = Unit.objects.filter(parent__isnull=True).order_by("code")
    if prefix is None:
        return provinces.none()
    return provinces if prefix == EVERYWHERE else provinces.filter(path__startswith=prefix)


RECOMPUTE_PERMISSION = ("targets", "change_recomputerun")  # given to the manager and administrator roles


def _recompute_permission(user):
    """The user's grant of RECOMPUTE_PERMISSION, themselves or through a role group: a query, so that pages can
    fold it into the one they already make (freshness)."""
    from django.contrib.auth.models import Permission

    app_label, codename = RECOMPUTE_PERMISSION
    grants = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    if not user.is_active:
        return grants.none()
    return grants if user.is_superuser else grants.filter(Q(user=user) | Q(group__user=user))


def _holds(user, province: Unit | None) -> bool:
    prefix = user_area_path(user)
    if province is None:
        return provinces_held(user).exists()
    return prefix is not None and (prefix == EVERYWHERE or province.path.startswith(prefix))


def may_start_recompute(user, province: Unit | None = None) -> bool:
    """Who may recompute a province's figures (areas/roles.py): a role with targets.change_recomputerun
    (administrator, provincial manager) whose area holds the province — `province`, or any (None)."""
    return user.is_authenticated and _holds(user, province) and _recompute_permission(user).exists()


def province_of(unit: Unit) -> Unit:
    return unit if unit.parent_id is None else Unit.objects.get(path=unit.path.split("/", 1)[0] + "/")


def attainments_at(plan: Plan, unit: Unit | None = None, targets=None, boundaries=RECORDED) -> dict:
    """{target id: Attainment} of the plan (or of `targets`) for `unit`: the stored attainment for the province,
    computed on read from the unit's stored figures for a unit below it (one query, no recompute), marked with
    the run that computed the province's (the same run wrote the unit's figures). In today's boundaries, a unit the
    reform redrew (the province too) is judged on read from its re-aggregated figures."""
    redrawn = unit is not None and bool(redrawn_units([unit], boundaries))
    stored = Attainment.objects.filter(target__plan=plan).select_related("run").order_by("year")
    if targets is not None:
        stored = stored.filter(target__in=targets)
    stored = {a.target_id: a for a in stored}
    if not redrawn and (unit is None or unit.pk == plan.province_id):
        for target in targets or ():
            if target.pk in stored:
                stored[target.pk].target = target  # read with the targets: no query per attainment
        return stored
    result = {}
    model = CurrentBoundaryValue if redrawn else ComputedValue
    for attainment in attainments_for(plan, timezone.localdate(), None, unit=unit, targets=targets, values_model=model):
        province_attainment = stored.get(attainment.target_id)
        attainment.run = province_attainment.run if province_attainment else None
        result[attainment.target_id] = attainment
    return result


def plan_scopes(plan: Plan) -> list[tuple[str, str]]:
    """The population scopes the plan's targets are set for (Scope order): the choices of its scope filter."""
    used = set(plan.targets.values_list("scope", flat=True))
    return [(value, label) for value, label in Scope.choices if value in used]


def plan_targets(plan: Plan, scope: str = "", status: str = "", unit: Unit | None = None) -> list[Target]:
    """The plan's targets with their latest attainment for `unit` (default the province) as `.attainment`,
    filtered by scope and status."""
    targets = list(plan.targets.select_related("indicator", "share_indicator"))
    attainments = attainments_at(plan, unit, targets)
    result = []
    for target in targets:
        target.attainment = attainments.get(target.pk)
        if target.attainment:
            target.attainment.target = target  # the card's words read it: no query per card
        target_status = target.attainment.status if target.attainment else Attainment.Status.NO_DATA
        if (not scope or target.scope == scope) and (not status or target_status == status):
            result.append(target)
    return result


def get_target_for_user(user, pk, version=None) -> Target:
    """One query by primary key (none under a figures `version` already read: _kept); the area rule checked on the
    province read with it (the standard, with its large rule columns, is read only if a page asks for it)."""
    related = ("plan__province", "indicator", "share_indicator")
    target = _kept(
        ("target", int(pk)), version, lambda: get_object_or_404(Target.objects.select_related(*related), pk=pk)
    )
    if not may_see_province_plans(user, target.plan.province):
        raise Http404("no such target")
    return target


def redrawn_units(units, boundaries: str) -> set[int]:
    """The ids of those units whose figures in these boundaries are re-aggregated ones (CurrentBoundaryValue): in
    today's boundaries, the units in force today of the provinces the reform redrew. One query."""
    if boundaries != CURRENT:
        return set()
    ids = [u.pk for u in units if u.valid_to is None]
    return set(CurrentBoundaryValue.objects.filter(unit__in=ids).values_list("unit_id", flat=True).distinct())


def indicator_values(codes, units, years=None, scope=Scope.PROVINCE, boundaries=RECORDED) -> dict:
    """{(code, unit_id, year): (numerator, denominator)} for the given indicators and units, in these boundaries
    (today's: re-aggregated for a unit the reform redrew, recorded otherwise)."""
    units = list(units)
    redrawn = redrawn_units(units, boundaries)
    result = {}
    for model, chosen in (
        (ComputedValue, [u for u in units if u.pk not in redrawn]),
        (CurrentBoundaryValue, [u for u in units if u.pk in redrawn]),
    ):
        if not chosen:
            continue
        rows = model.objects.filter(indicator__code__in=list(codes), unit__in=chosen, scope=scope)
        if years is not None:
            rows = rows.filter(year__in=list(years))
        result.update(
            ((code, unit_id, year), (num, den))
            for code, unit_id, year, num, den in rows.values_list(
                "indicator__code", "unit_id", "year", "numerator", "denominator"
            )
        )
    return result


def estimated_figures(units, boundaries: str, scope=Scope.PROVINCE, years=None, codes=None) -> set[tuple[int, int]]:
    """(unit id, year) of the figures in these boundaries that rest on counts shared out by the succession table's
    shares ("ước tính"); of the indicators `codes` only when given (a reported value may be exact where the
    household figures of the same unit and year are estimated)."""
    redrawn = redrawn_units(list(units), boundaries)
    if not redrawn:
        return set()
    rows = CurrentBoundaryValue.objects.filter(unit__in=redrawn, scope=scope, estimated=True)
    if years is not None:
        rows = rows.filter(year__in=list(years))
    if codes is not None:
        rows = rows.filter(indicator__code__in=list(codes))
    return set(rows.values_list("unit_id", "year").distinct())


def survey_years(unit: Unit, boundaries=RECORDED) -> list[int]:
    """Years with computed household figures for the unit, oldest first."""
    model = CurrentBoundaryValue if redrawn_units([unit], boundaries) else ComputedValue
    return sorted(
        set(
            model.objects.filter(unit=unit, indicator__code="poor_rate", scope=Scope.PROVINCE).values_list(
                "year", flat=True
            )
        )
    )


def standards_by_year():
    return list(PovertyStandard.objects.order_by("first_year"))


def compare_choices(user):
    """The units the comparison page offers: provinces and districts for those who see a province or more; an
    officer's own unit and the level below it (a district officer's communes, a commune officer's villages)."""
    prefix = user_area_path(user)
    units = units_for_user(user)
    if prefix:
        depth = prefix.count("/") - 1
        return units.filter(depth__lte=depth + 1).order_by("path")
    return units.filter(level__in=[Unit.Level.PROVINCE, Unit.Level.DISTRICT]).order_by("path")


def children_of(unit: Unit, year: int | None = None):
    """The units under `unit`; with a review year, those in force that year (a breakdown of 2022 lists the old
    districts, one of 2026 the new communes)."""
    units = Unit.objects.filter(parent=unit)
    return list((units.in_year(year) if year else units).order_by("code"))


def _runs_of(province: Unit):
    """Runs that wrote the province's figures: its plans' attainment or its own poor rate (as recorded, or in today's
    boundaries: a province the reform made may have only those)."""
    return (
        Attainment.objects.filter(target__plan__province=province)
        .values("run_id")
        .union(ComputedValue.objects.filter(unit=province, indicator__code="poor_rate").values("run_id"))
        .union(CurrentBoundaryValue.objects.filter(unit=province, indicator__code="poor_rate").values("run_id"))
    )


def computed_at(province: Unit):
    """When the province's figures were computed (the latest finished run that wrote them), or None."""
    return (
        RecomputeRun.objects.filter(pk__in=_runs_of(province), finished_at__isnull=False)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )


def _active_runs():
    """Queued or running runs, less those whose worker is gone (the sweeper fails them soon after)."""
    return (
        RecomputeRun.objects.filter(
            status__in=[RecomputeRun.Status.QUEUED, RecomputeRun.Status.RUNNING], finished_at__isnull=True
        )
        .exclude(Q(status=RecomputeRun.Status.RUNNING) & expired())
        .order_by("-created_at")
    )


def active_run():
    return _active_runs().first()


def _freshness_sql(lease: bool, permission: bool, since: bool) -> str:
    """freshness's one statement, in SQL written once: every page reads it, and building it with the ORM cost more
    CPU than the rest of a cached page's view. The same rules as _active_runs (less `expired` when tasks run on a
    worker), _recompute_permission and the change checks; tests/targets/test_dashboards.py compares the two."""
    from django.contrib.auth.models import Group, Permission, User
    from django.contrib.contenttypes.models import ContentType

    from households.models import Household

    lease_gone = "AND NOT (r.status = %(running)s AND (r.heartbeat_at < %(lease_end)s OR r.heartbeat_at IS NULL))"
    run = (
        f"(SELECT r.id FROM {RecomputeRun._meta.db_table} r WHERE r.finished_at IS NULL"
        f" AND r.status IN (%(queued)s, %(running)s) {lease_gone if lease else ''}"
        " ORDER BY r.created_at DESC LIMIT 1)"
    )
    may_refresh = (
        f"EXISTS(SELECT 1 FROM {Permission._meta.db_table} p"
        f" JOIN {ContentType._meta.db_table} ct ON ct.id = p.content_type_id"
        " WHERE ct.app_label = %(app_label)s AND p.codename = %(codename)s AND (%(superuser)s"
        f" OR EXISTS(SELECT 1 FROM {User.user_permissions.through._meta.db_table} up"
        " WHERE up.permission_id = p.id AND up.user_id = %(user)s)"
        f" OR EXISTS(SELECT 1 FROM {Group.permissions.through._meta.db_table} gp"
        f" JOIN {User.groups.through._meta.db_table} ug ON ug.group_id = gp.group_id"
        " WHERE gp.permission_id = p.id AND ug.user_id = %(user)s)))"
    )
    units = Unit._meta.db_table
    changed = (
        f"EXISTS(SELECT 1 FROM {Household.history.model._meta.db_table} h JOIN {units} u ON u.id = h.unit_id"
        " WHERE h.history_date > %(since)s AND u.path LIKE %(prefix)s)"
        f" OR EXISTS(SELECT 1 FROM {ReportedValue._meta.db_table} v JOIN {units} u ON u.id = v.unit_id"
        " WHERE v.updated_at > %(since)s AND u.path LIKE %(prefix)s)"
    )
    return f"SELECT {run}, {may_refresh if permission else 'false'}, {changed if since else 'false'}"


_FRESHNESS_SQL = {}


def freshness(province: Unit, when, user=None) -> dict:
    """The figures' time (`when`: computed_at, which pages keep with their cached figures, as it changes only
    with the figures version), whether household records or reported values of the province changed after it
    (stale), the recompute running, and whether `user` may start one (may_start_recompute): one query. The change
    checks read the history table by its date index, so they stay cheap at a million households (bulk writes that
    skip history are caught by the run they queue)."""
    from django.db import connection

    holds = user is not None and user.is_authenticated and user.is_active and _holds(user, province)
    lease = in_worker()
    shape = (lease, holds, when is not None)
    if shape not in _FRESHNESS_SQL:
        _FRESHNESS_SQL[shape] = _freshness_sql(*shape)
    app_label, codename = RECOMPUTE_PERMISSION
    params = {
        "queued": RecomputeRun.Status.QUEUED,
        "running": RecomputeRun.Status.RUNNING,
        "lease_end": connection.ops.adapt_datetimefield_value(timezone.now() - timedelta(seconds=LEASE_SECONDS)),
        "app_label": app_label,
        "codename": codename,
        "superuser": bool(holds and user.is_superuser),
        "user": user.pk if holds else None,
        "since": connection.ops.adapt_datetimefield_value(when),
        "prefix": connection.ops.prep_for_like_query(province.path) + "%",
    }
    with connection.cursor() as cursor:
        cursor.execute(_FRESHNESS_SQL[shape], params)
        run_id, may_refresh, stale = cursor.fetchone()
    return {
        "computed_at": when,
        "stale": bool(stale),
        "run": {"pk": run_id} if run_id else None,
        "province": province,
        "can_refresh": bool(may_refresh),
    }


def reported_points(indicator_id, unit: Unit, year: int) -> list[tuple]:
    """(month, value) of the reports under the unit for the year: a handful of rows, read as they are."""
    return list(
        ReportedValue.objects.filter(
            indicator_id=indicator_id, unit__path__startswith=unit.path, year=year
        ).values_list("month", "value")
    )
