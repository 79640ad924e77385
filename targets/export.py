"""Excel out of the figures: indicator values and a plan's attainment, written as the households export is
(every text cell through safe(), so no exported file can carry a formula)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from households.roster.export import number_cell, save_book
from povertyplan.cells import safe

from .engine import indicator_value
from .models import Attainment


def indicator_values_xlsx(values) -> bytes:
    """ComputedValue rows (a queryset): indicator, unit, year, scope, numerator, denominator, value."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Indicator values"))
    sheet.append(
        [
            _("Indicator code"),
            _("Indicator"),
            _("Unit code"),
            _("Unit"),
            _("Year"),
            _("Population scope"),
            _("Numerator"),
            _("Denominator"),
            _("Value"),
        ]
    )
    for v in values.select_related("indicator", "unit").order_by("indicator__code", "unit__path", "year", "scope"):
        value = indicator_value(v.numerator, v.denominator, v.indicator.unit)
        sheet.append(
            [
                safe(x)
                for x in (
                    v.indicator.code,
                    v.indicator.name_vi,
                    v.unit.code,
                    v.unit.name,
                    v.year,
                    v.get_scope_display(),
                    number_cell(v.numerator),
                    number_cell(v.denominator),
                    None if value is None else float(value),
                )
            ]
        )
    return save_book(book)


def attainment_xlsx(plan) -> bytes:
    """A plan's targets with their goal and, for each year computed, actual value, progress and status."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Attainment"))
    sheet.append([safe(str(plan))])
    sheet.append(
        [
            _("Target"),
            _("Indicator"),
            _("Population scope"),
            _("Goal"),
            _("Year"),
            _("Actual value"),
            _("Progress (%)"),
            _("Status"),
            _("Sentence of the plan"),
        ]
    )
    rows = (
        Attainment.objects.filter(target__plan=plan)
        .select_related("target__indicator")
        .order_by("target__order", "target_id", "year")
    )
    for a in rows:
        t = a.target
        goal = f"{t.get_operator_display()} {t.value if t.value is not None else ''}"
        if t.value_max is not None:
            goal += f"–{t.value_max}"
        sheet.append(
            [
                safe(x)
                for x in (
                    t.pk,
                    t.indicator.name_vi,
                    t.get_scope_display(),
                    goal.strip(),
                    a.year,
                    number_cell(a.actual),
                    number_cell(a.progress),
                    a.get_status_display(),
                    t.source_sentence,
                )
            ]
        )
    return save_book(book)
