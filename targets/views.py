import csv
import io
from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from approvals.selectors import home_periods
from areas.models import Unit
from areas.selectors import (
    ceased_area_notice,
    predecessors_of,
    successors_today,
    unit_by_code_or_404,
    user_area_path,
)
from povertyplan.cells import safe

from . import dashboards, selectors
from .models import Attainment, FiguresVersion, RecomputeRun, Scope, Target
from .selectors import plans_for_user
from .services import start_recompute, sweep_runs


@login_required
def home(request):
    plans = list(
        plans_for_user(request.user).annotate(target_count=Count("targets")).order_by("-year_start", "province__name")
    )
    for plan in plans:  # each plan's figures for the user's own area: the province, or the officer's unit
        plan.area = selectors.home_unit_for_user(request.user, plan.province)
        plan.target_list = selectors.plan_targets(plan, unit=plan.area)
    return render(
        request,
        "targets/home.html",
        {
            "plans": plans,
            "periods": home_periods(request.user),
            "here": request.get_full_path(),
            "ceased_notice": ceased_area_notice(request.user),
        },
    )


FIGURES_CACHE_SECONDS = 24 * 3600
# The dashboards read and never write: no request transaction (ATOMIC_REQUESTS), whose BEGIN and COMMIT were a
# round trip and more CPU than one of their queries; each statement reads committed data either way.
read_only = transaction.non_atomic_requests


class Figures:
    """What a page draws from the figures (scorecard, charts, approval coverage, breadcrumb), built once per
    figures version, language and area seen, then read from the cache: access is checked by the view before,
    freshness read after. The version rises with every write of figures and every approval decision.

    The template caches its sections (all but the freshness line) as HTML under the same key ("figures_key"), so a
    page served from them reads none of the built values: the view reads only the few it needs itself (`own`,
    kept apart under the key), and the template gets the rest as callables, read from the cache (and unpickled)
    only when a section has to be drawn again."""

    def __init__(self, request, page: str, build, params, version: int, own=("computed_at",)):
        parts = ("figures", page, *params, version, get_language(), user_area_path(request.user))
        self.key = ":".join(str(part) for part in parts)
        self.build, self.own = build, own
        self._all = self._own = None

    def all(self) -> dict:
        if self._all is None:
            self._all = cache.get_or_set(self.key, self.build, timeout=FIGURES_CACHE_SECONDS)
        return self._all

    def __getitem__(self, name):
        if name not in self.own:
            return self.all()[name]
        if self._own is None:
            self._own = cache.get(self.key + ":own")
            if self._own is None:
                self._own = {n: self.all()[n] for n in self.own}
                cache.set(self.key + ":own", self._own, timeout=FIGURES_CACHE_SECONDS)
        return self._own[name]

    def context(self, *names) -> dict:
        return {"figures_key": self.key, **{name: partial(self.__getitem__, name) for name in names}}


@read_only
@login_required
def plan_dashboard(request, pk):
    version = FiguresVersion.current()
    plan = selectors.get_plan_for_user(request.user, pk, version)
    scope, status = request.GET.get("scope", ""), request.GET.get("status", "")
    area = selectors.home_unit_for_user(request.user, plan.province)
    statuses = _statuses(area)
    scope, status = scope if scope in Scope.values else "", status if status in dict(statuses) else ""

    def build():
        latest = Attainment.objects.filter(target__plan=plan).aggregate(year=Max("year"))["year"]
        return {
            "targets": selectors.plan_targets(plan, scope, status, unit=area),
            "scopes": selectors.plan_scopes(plan),  # the filter offers the scopes of this plan only
            "total": plan.targets.count(),
            "latest": latest,
            "coverage": _coverage(area, latest),
            "computed_at": selectors.computed_at(plan.province),
            # statuses are judged in the boundaries the plan was filed in (the stored attainment); a unit the reform
            # redrew also has today's, on each target's page
            "redrawn": bool(selectors.redrawn_units([area], dashboards.CURRENT)),
        }

    figures = Figures(request, "plan", build, (plan.pk, scope, status), version)
    return render(
        request,
        "targets/plan_dashboard.html",
        {
            "plan": plan,
            "scope": scope,
            "status": status,
            "area": area,
            "statuses": statuses,
            "freshness": selectors.freshness(plan.province, figures["computed_at"], request.user),
            **figures.context("targets", "scopes", "total", "coverage", "redrawn"),
            "boundaries_label": dashboards.boundaries_label(dashboards.RECORDED),
            "coverage_year": partial(figures.__getitem__, "latest"),
        },
    )


@read_only
@login_required
def target_detail(request, pk):
    version = FiguresVersion.current()
    target = selectors.get_target_for_user(request.user, pk, version)
    plan = target.plan
    unit_code = request.GET.get("unit")
    unit = (
        selectors.get_unit_for_user(request.user, unit_code)
        if unit_code
        else selectors.home_unit_for_user(request.user, plan.province)
    )
    # as the plan's attainment was stored (the scorecard, the API, the export): a plan's figures are those of the
    # boundaries it was filed in — districts, reported values — and today's are one click away
    boundaries = dashboards.boundaries_of(unit, request.GET.get("boundaries") or dashboards.RECORDED)

    def build():
        # the figure of the unit shown: the province's stored one, or the unit's computed from its stored figures
        attainment = selectors.attainments_at(plan, unit, [target], boundaries).get(target.pk)
        if attainment:
            attainment.target = target  # the page's words read it: no query once cached
        year = attainment.year if attainment else plan.year_end
        charts = [dashboards.trend_chart(request.user, target, unit, boundaries=boundaries)]
        if target.indicator.kind == "reported" and target.shape == Target.Shape.COUNT:
            charts.append(dashboards.reported_chart(request.user, target, unit, boundaries))
        children = selectors.children_of(unit, None if boundaries == dashboards.CURRENT else year)
        if children:
            scope = target.scope if target.indicator.kind == "computed" else Scope.PROVINCE
            charts.append(
                dashboards.breakdown_chart(
                    request.user, unit, target.indicator.code, year, scope, target, children, boundaries
                )
            )
        _number(charts)
        kind = "reported" if target.indicator.kind == "reported" else "households"
        return {
            "attainment": attainment,
            "year": year,
            "charts": charts,
            "households_url": dashboards.numerator_households_url(target, unit, year, boundaries),
            "lineage": _lineage(request.user, unit),
            "redrawn": bool(selectors.redrawn_units([unit], dashboards.CURRENT)),
            "estimated": bool(
                selectors.estimated_figures(
                    [unit],
                    boundaries,
                    target.scope,
                    [year],
                    [i.code for i in (target.indicator, target.share_indicator) if i],
                )
            ),
            # the approval note speaks of the figure shown: none without one
            "coverage": _coverage(unit, year, kind)
            if attainment and attainment.actual is not None and _reviewed_there(unit, year)
            else None,
            "computed_at": selectors.computed_at(plan.province),
        }

    figures = Figures(
        request, "target", build, (target.pk, unit.pk, boundaries), version, own=("computed_at", "redrawn")
    )
    return render(
        request,
        "targets/target_detail.html",
        {
            "plan": plan,
            "target": target,
            "unit": unit,
            **figures.context("attainment", "year", "charts", "households_url", "lineage", "coverage", "estimated"),
            **_boundaries(request, boundaries, figures["redrawn"]),
            "freshness": selectors.freshness(plan.province, figures["computed_at"], request.user),
        },
    )


@read_only
@login_required
def area_dashboard(request, code):
    version = FiguresVersion.current()
    unit = selectors.get_unit_for_user(request.user, code)
    user = request.user
    requested = request.GET.get("year", "")[:4]
    requested = requested if requested.isdigit() else ""
    boundaries = dashboards.boundaries_of(unit, request.GET.get("boundaries"))

    def build():
        years = selectors.survey_years(unit, boundaries)
        year = int(requested) if requested and int(requested) in years else (years[-1] if years else None)
        standards = selectors.standards_by_year()
        charts = [dashboards.rates_chart(user, unit, standards, boundaries)]
        children = selectors.children_of(unit, None if boundaries == dashboards.CURRENT else year)
        if children:
            charts += [
                dashboards.breakdown_chart(user, unit, indicator, year, children=children, boundaries=boundaries)
                for indicator in ("poor_rate", "near_poor_rate")
            ]
        charts += [
            dashboards.ethnic_chart(user, unit, year, boundaries),
            dashboards.censored_chart(user, unit, year, standards, boundaries),
            dashboards.dimensions_chart(user, unit, year, standards, boundaries),
        ]
        # the movements of the year shown, or by default of the latest year that follows the one before it
        moved = year if year and year - 1 in years else None if requested else dashboards.latest_followed_year(years)
        if moved and moved - 1 in years:
            charts.append(dashboards.transitions_chart(user, unit, moved, standards, boundaries))
        plans = list(plans_for_user(user).filter(province=selectors.province_of(unit)))
        for target in Target.objects.filter(
            plan__in=plans, shape=Target.Shape.COUNT, indicator__kind="reported"
        ).select_related("plan", "indicator"):
            charts.append(dashboards.reported_chart(user, target, unit, boundaries))
        _number(charts)
        province = selectors.province_of(unit)
        return {
            "years": years,
            "year": year,
            "charts": charts,
            "plans": plans,
            "province": province,
            "lineage": _lineage(user, unit),
            "succession": _succession(user, unit),
            "coverage": _coverage(unit, year) if _reviewed_there(unit, year) else None,
            "computed_at": selectors.computed_at(province),
            "redrawn": bool(selectors.redrawn_units([unit], dashboards.CURRENT)),
        }

    own = ("computed_at", "province", "year", "redrawn")
    figures = Figures(request, "area", build, (unit.pk, requested, boundaries), version, own=own)
    year = figures["year"]
    carried = boundaries if boundaries != dashboards.default_boundaries(unit) else None
    drill_query = urlencode({k: v for k, v in (("year", year), ("boundaries", carried)) if v})
    return render(
        request,
        "targets/area_dashboard.html",
        {
            "unit": unit,
            **figures.context("years", "year", "charts", "plans", "lineage", "coverage", "succession"),
            "freshness": selectors.freshness(figures["province"], figures["computed_at"], request.user),
            "drill_base": reverse("dashboards:area", args=["CODE"]) + (f"?{drill_query}" if drill_query else ""),
            "households_url": dashboards.household_list_url(
                unit.code, year, classification="poor", **_households_boundaries(boundaries, figures["redrawn"])
            )
            if year
            else None,
            **_boundaries(request, boundaries, figures["redrawn"]),
        },
    )


def _succession(user, unit) -> dict:
    """Where a ceased unit went (its units in force today, with the shares of its households) and what a unit was
    made from, linked where the user may see the unit: kept with the page's figures (a row written to the succession
    table raises their version, targets.receivers)."""
    successors = successors_today(unit) if unit.valid_to else []
    predecessors = predecessors_of(unit)
    units = [u for u, *_rest in successors + predecessors]
    visible = set(selectors.units_for_user(user).filter(pk__in=[u.pk for u in units]).values_list("pk", flat=True))
    shares = [share for _u, share in successors]
    return {
        "successors": [{"unit": u, "share": share, "linked": u.pk in visible} for u, share in successors],
        "successors_split": any(shares),
        "successors_below": bool(successors) and not unit.successions.exists() and len(successors) > 1,
        "predecessors": [{"unit": u, "share": share, "linked": u.pk in visible} for u, share, _day in predecessors],
        "predecessors_from": predecessors[0][2] if predecessors else None,
    }


@login_required
def compare(request):
    codes = [c for c in request.GET.getlist("units") if c]
    if len(codes) == 1 and "," in codes[0]:
        codes = codes[0].split(",")
    units = selectors.compare_choices(request.user)
    chart = dashboards.compare_chart(request.user, codes) if len(set(codes)) >= 2 else None
    if chart:
        _number([chart])
    return render(request, "targets/compare.html", {"chart": chart, "choices": units, "selected": set(codes)})


@login_required
def chart_download(request, key, fmt):
    chart = dashboards.build(key, request.user, request.GET.dict())
    name = f"{key}-{'-'.join(str(v) for v in chart.params.values())}"
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 with a BOM in the right encoding
        writer = csv.writer(buffer)
        writer.writerow([safe(c.heading) for c in chart.columns])
        writer.writerows([[safe(v) for v in row] for row in chart.export_rows])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            _xlsx(chart), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        raise Http404("unknown format")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _xlsx(chart) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = chart.key[:31]
    sheet.append([safe(chart.title)])
    sheet.append([safe(c.heading) for c in chart.columns])
    formats = {"percent": "0.00", "integer": "#,##0", "decimal": "0.0000"}
    for row in chart.export_rows:
        sheet.append([safe(v) for v in row])
        for cell, column in zip(sheet[sheet.max_row], chart.columns):
            if column.kind in formats:
                cell.number_format = formats[column.kind]
    if chart.note or chart.boundaries:
        sheet.append([])
        sheet.append(
            [safe(". ".join(p for p in (chart.boundaries[:1].upper() + chart.boundaries[1:], chart.note) if p))]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@login_required
@require_POST
def refresh(request, code):
    """Start a recompute of the province's figures (or join the one already running): 202 with the run's
    progress address; 403 with the reason for a user who may not (services.start_recompute)."""
    province = unit_by_code_or_404(Unit.objects.filter(parent__isnull=True), code)
    if not selectors.may_see_province_plans(request.user, province):
        raise Http404("no such area")
    try:
        run, _created = start_recompute(request.user, province)
    except PermissionDenied as refused:
        return JsonResponse({"detail": str(refused)}, status=403)
    return JsonResponse({"run": run.pk, "url": reverse("dashboards:run", args=[run.pk])}, status=202)


@login_required
def run_status(request, pk):
    """A run's progress, polled by the pages and the admin: the one progress address, for those who may read
    the runs (the roles that may start one)."""
    if not request.user.has_perm("targets.view_recomputerun"):
        raise PermissionDenied
    sweep_runs(runs=RecomputeRun.objects.filter(pk=pk))
    run = get_object_or_404(RecomputeRun, pk=pk)
    return JsonResponse(
        {
            "status": run.status,
            "progress": run.progress,
            "status_display": run.get_status_display(),
            "rows": run.rows,
            "duration_ms": run.duration_ms,
            "error": run.error,
        }
    )


def _statuses(area) -> list[tuple[str, str]]:
    """The statuses a scorecard of `area` can show ("no goal at this level" only below the province)."""
    below = area.parent_id is not None
    return [(v, label) for v, label in Attainment.Status.choices if below or v != Attainment.Status.NO_GOAL]


def _reviewed_there(unit, year) -> bool:
    """Whether the unit itself served that year's review: the approvals of the units a year's figures come from are
    the unit's own. A unit the reform made shows older years from old units' data, approved (or not) there."""
    return year is None or unit.in_force_in(year)


def _coverage(unit, year, kind="households"):
    """Whether the figures of the unit for the year rest on approved data — household records, or the
    reported values for a reported indicator (docs/approval.md)."""
    from approvals.selectors import approval_coverage

    return approval_coverage(unit, year, kind) if unit is not None and year else None


def _lineage(user, unit):
    """The unit's ancestors the user may see, for the breadcrumb (drill back up)."""
    codes = unit.path.strip("/").split("/")
    visible = {u.code: u for u in selectors.units_for_user(user).filter(code__in=codes)}
    return [visible[c] for c in codes if c in visible]


def _households_boundaries(boundaries: str, redrawn: bool) -> dict:
    """dashboards.households_boundaries from what the page keeps cached (no query)."""
    return {"boundaries": dashboards.CURRENT} if redrawn and boundaries == dashboards.CURRENT else {}


def _boundaries(request, boundaries: str, redrawn: bool) -> dict:
    """What the page says of its boundaries, and the address of the same page in the other ones (a unit the reform
    redrew: both differ)."""
    query = request.GET.copy()
    query["boundaries"] = dashboards.RECORDED if boundaries == dashboards.CURRENT else dashboards.CURRENT
    return {
        "boundaries": boundaries,
        "boundaries_label": dashboards.boundaries_label(boundaries),
        "redrawn": redrawn,
        "switch_url": f"?{query.urlencode()}",
    }


def _number(charts):
    for i, chart in enumerate(charts):
        chart.dom_id, chart.figure_id = f"chart-{i}", f"chart-{i}-figure"
