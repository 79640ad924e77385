import functools
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from areas.models import Unit
from areas.selectors import units_for_user
from povertyplan import display

from . import present, selectors, xlsx
from .review import CURRENT, RECORDED


def _unit_and_year(request, params=None, years_of=selectors.survey_years):
    """The unit (one the user may see: 404 otherwise) and survey year asked for, with defaults: the
    user's own unit or first province, and the latest survey year with households."""
    params = request.GET if params is None else params
    code = params.get("unit")
    if code:
        unit = selectors.get_unit_for_user(request.user, code)
    else:
        visible = units_for_user(request.user).order_by("depth", "code")
        unit = visible.first()
        if unit is None:
            raise Http404
    years = years_of(unit)
    year = params.get("year")
    if year:
        if not year.isdigit() or not 1900 < int(year) < 3000:
            raise Http404
        year = int(year)
    else:
        year = years[0] if years else None
    return unit, year, years


def _review_params(request):
    """The unit, year, years and boundaries of the review report asked for: `boundaries` today's (`current`) or
    as filed (`recorded`), by default the unit's own (reports.selectors.boundaries_of); the years of that view."""
    chosen = {}

    def years_of(unit):
        chosen["boundaries"] = selectors.boundaries_of(unit, request.GET.get("boundaries"))
        return selectors.survey_years(unit, chosen["boundaries"])

    unit, year, years = _unit_and_year(request, years_of=years_of)
    return unit, year, years, chosen["boundaries"]


def _review_report(request, unit, year, boundaries):
    """The report asked for: under the year's own standard, or in a boundary year under `standard` (the next
    period's code). A code that is not one of the year's (kept in the address when the year was changed) reads
    the year's own standard."""
    if not year:
        return None
    code = request.GET.get("standard", "")
    return selectors.review_report(unit, year, code, boundaries) or selectors.review_report(
        unit, year, boundaries=boundaries
    )


def _boundaries_context(request, unit, boundaries: str, report) -> dict:
    """What the page says of its boundaries (the dashboards' words, targets/_boundaries.html) and the address of
    the same report in the other ones, when they differ."""
    from targets.dashboards import boundaries_label

    query = request.GET.copy()
    query["boundaries"] = RECORDED if boundaries == CURRENT else CURRENT
    carried = {"boundaries": boundaries} if boundaries != selectors.boundaries_of(unit) else {}
    return {
        "boundaries": boundaries,
        "boundaries_label": boundaries_label(boundaries),
        "redrawn": bool(report and report.redrawn),
        "switch_url": f"?{query.urlencode()}",
        "boundaries_query": f"&{urlencode(carried)}" if carried else "",
    }


@login_required
def review_page(request):
    unit, year, years, boundaries = _review_params(request)
    report = _review_report(request, unit, year, boundaries)
    visible = units_for_user(request.user)
    coverage, unapproved_codes = selectors.approval_marks(unit, year, report)
    context = {
        **_boundaries_context(request, unit, boundaries, report),
        "unit": unit,
        "year": year,
        "years": years,
        "report": report,
        "tables": present.report_view(report) if report else [],
        "estimated_note": present.estimated_note(report) if report else "",
        "breadcrumbs": selectors.visible_ancestors(unit, visible),
        "top_units": selectors.top_units(visible),
        "coverage": coverage,
        "unapproved_codes": unapproved_codes,
        "standards": selectors.review_standards(year) if year else [],
        "standard_param": report.standard if report and report.under_next_standard else "",
    }
    return render(request, "reports/review.html", context)


@login_required
def review_xlsx(request):
    unit, year, _years, boundaries = _review_params(request)
    report = _review_report(request, unit, year, boundaries)
    if report is None:
        raise Http404
    response = HttpResponse(
        xlsx.workbook_bytes(report, unapproved=selectors.approval_marks(unit, year, report)[1]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{xlsx.filename(report)}"'
    return response


# -- what another standard changes, side by side (reports.comparison) -----------------------------------------


def _comparison(request, params):
    """The unit and year as the review report reads them, the boundaries (`boundaries`: today's or as filed, by
    default the unit's own, as the report's), the standard of the year, the standard compared with (`standard`: a
    code among the others; the next period's by default), and the comparison: None when there is nothing to
    compare. The province re-scored is the one whose households the comparison counts (in today's boundaries of
    Cần Thơ, 2020: Sóc Trăng's), the one re-scored longest ago when they are several."""
    from targets.models import FiguresVersion

    from . import rescoring

    chosen, version = {}, FiguresVersion.current()

    def years_of(unit):
        chosen["boundaries"] = selectors.boundaries_of(unit, params.get("boundaries"))
        return _cached_years(version, unit, chosen["boundaries"])

    unit, year, years = _unit_and_year(request, params, years_of)
    boundaries = chosen["boundaries"]
    own, others = selectors.standards_to_compare(year) if year else (None, [])
    code = params.get("standard")
    other = next((s for s in others if s.code == code), None) if code else (others[0] if others else None)
    if code and other is None:
        raise Http404("no such standard to compare with")
    found = {
        "unit": unit,
        "year": year,
        "years": years,
        "own": own,
        "others": others,
        "other": other,
        "boundaries": boundaries,
    }
    if own is None or other is None:
        return {**found, "report": None}
    key = comparison_key(version, unit, year, own, other, boundaries)
    report, imported_at = _cached(key, lambda: selectors.comparison_report(unit, year, own, other, boundaries))
    provinces = list(Unit.objects.filter(parent=None, path__in=report.sources)) or [rescoring.province_of(unit)]
    done_of = {p: rescoring.last_done(other, year, p) for p in provinces}
    province = min(provinces, key=lambda p: (done_of[p] is not None, done_of[p] and done_of[p].started_at, p.path))
    job = rescoring.latest(other, year, province)
    done = job if job is not None and job.status == job.Status.DONE else done_of[province]
    return {
        **found,
        "report": report,
        "key": key,  # also the key of the template's drawn tables
        "province": province,
        "job": job,
        "done": done,
        "state": rescoring.state(done, report.counts.total, report.missing, imported_at),
    }


TABLES = ("summary", "total", "movement", "unit_rows", "unit_columns", "figure", "estimated_note")


def _figures_key(version: int, *parts) -> str:
    from django.utils.translation import get_language

    return ":".join(str(p) for p in ("standards", *parts, version, get_language()))


def comparison_key(version: int, unit, year, own, other, boundaries) -> str:
    """The comparison's cache key: every change of the kept counts (a household write, a re-scoring, a standard's
    edit) raises the figures version (reports.comparison_counts)."""
    return _figures_key(version, "comparison", unit.pk, year, own.code, other.code, boundaries)


def _cached(key, build):
    from django.core.cache import cache

    return cache.get_or_set(key, build, 24 * 3600)


def _cached_years(version: int, unit, boundaries) -> list[int]:
    """The review years with households under the unit (in today's boundaries: and the old units mapped into it),
    per figures version."""
    return _cached(
        _figures_key(version, "years", unit.pk, boundaries), lambda: selectors.survey_years(unit, boundaries)
    )


@login_required
def standards_page(request):
    from . import comparison_present as present_comparison
    from . import rescoring

    found = _comparison(request, request.GET)
    report = found["report"]
    visible = units_for_user(request.user)
    context = {
        **found,
        **_boundaries_context(request, found["unit"], found["boundaries"], report),
        "breadcrumbs": selectors.visible_ancestors(found["unit"], visible),
        "top_units": selectors.top_units(visible),
    }
    if report is not None:
        job = found["job"]

        @functools.cache
        def tables():  # drawn only when the template's cached tables are missing
            return {
                "summary": present_comparison.summary(report),
                "total": present_comparison.count(report.counts.total),
                "movement": present_comparison.movement_table(report),
                "unit_rows": present_comparison.unit_rows(report),
                "unit_columns": [present_comparison.label(g) for g in present_comparison.UNIT_COLUMNS],
                "figure": present_comparison.sankey(report),
                "estimated_note": present_comparison.estimated_note(report),
            }

        context.update(
            {name: functools.partial(lambda n: tables()[n], name) for name in TABLES},
            tables_key=found["key"],
            state_text=rescoring.STATE_TEXTS[found["state"]],
            may_rescore=rescoring.may_rescore(request.user),
            active=rescoring.is_active(job),
            failed=job is not None and job.status == job.Status.FAILED,
        )
    return render(request, "reports/standards.html", context)


@login_required
def standards_xlsx(request):
    from . import comparison_present as present_comparison

    report = _comparison(request, request.GET)["report"]
    if report is None:
        raise Http404
    response = HttpResponse(
        present_comparison.workbook_bytes(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{present_comparison.filename(report)}"'
    return response


@login_required
@require_POST
def rescore(request):
    """Start re-scoring the province of the unit under the compared standard (or join the one under way)."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import pgettext

    from . import rescoring

    found = _comparison(request, request.POST)
    if not rescoring.may_rescore(request.user):
        raise PermissionDenied(pgettext("standards comparison", "Your role may not start a re-scoring."))
    if found["report"] is None:
        raise Http404
    job = rescoring.start(request.user, found["other"], found["year"], found["province"])
    job.refresh_from_db()
    if job.status == job.Status.DONE:
        messages.success(
            request,
            pgettext("standards comparison", "%(count)s households re-scored under %(standard)s.")
            % {"count": display.number(job.household_count or 0, 0), "standard": found["other"].legal_name},
        )
    query = {"unit": found["unit"].code, "year": found["year"], "standard": found["other"].code}
    if found["boundaries"] != selectors.boundaries_of(found["unit"]):
        query["boundaries"] = found["boundaries"]
    query = urlencode(query)
    return redirect(f"{reverse('reports:standards')}?{query}")


@login_required
def rescoring_status(request, pk):
    from .models import Rescoring

    job = get_object_or_404(Rescoring.objects.select_related("province"), pk=pk)
    if not units_for_user(request.user).filter(path__startswith=job.province.path).exists():
        raise Http404
    return JsonResponse({"status": job.status, "status_display": job.get_status_display()})
