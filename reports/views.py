from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from areas.selectors import units_for_user

from . import present, selectors, xlsx


def _unit_and_year(request):
    """The unit (one the user may see: 404 otherwise) and survey year asked for, with defaults: the
    user's own unit or first province, and the latest survey year with households."""
    code = request.GET.get("unit")
    if code:
        unit = selectors.get_unit_for_user(request.user, code)
    else:
        visible = units_for_user(request.user).order_by("depth", "code")
        unit = visible.first()
        if unit is None:
            raise Http404
    years = selectors.survey_years(unit)
    year = request.GET.get("year")
    if year:
        if not year.isdigit() or not 1900 < int(year) < 3000:
            raise Http404
        year = int(year)
    else:
        year = years[0] if years else None
    return unit, year, years


@login_required
def review_page(request):
    unit, year, years = _unit_and_year(request)
    report = selectors.review_report(unit, year) if year else None
    visible = units_for_user(request.user)
    coverage, unapproved_codes = selectors.approval_marks(unit, year, report)
    context = {
        "unit": unit,
        "year": year,
        "years": years,
        "report": report,
        "tables": present.report_view(report) if report else [],
        "breadcrumbs": selectors.visible_ancestors(unit, visible),
        "top_units": selectors.top_units(visible),
        "coverage": coverage,
        "unapproved_codes": unapproved_codes,
    }
    return render(request, "reports/review.html", context)


@login_required
def review_xlsx(request):
    unit, year, _years = _unit_and_year(request)
    report = selectors.review_report(unit, year) if year else None
    if report is None:
        raise Http404
    response = HttpResponse(
        xlsx.workbook_bytes(report, unapproved=selectors.approval_marks(unit, year, report)[1]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{xlsx.filename(report)}"'
    return response
