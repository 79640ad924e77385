"""The reported-values grid page: one area and year, indicators as rows, months as columns."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import DataKind
from approvals.selectors import latest_year, period_of
from approvals.services import lock_notice
from areas.selectors import ceased_area_notice, units_for_user
from households.services import EditConflict
from povertyplan import formfields

from .engine import indicator_value
from .reported import grid_columns, grid_indicators, grid_rows, grid_version, reported_grid_save, reported_history

_CENT = Decimal("0.01")


class GridForm(forms.Form):
    """The grid's inputs: a box (numerator and denominator for a share) per indicator and column, but none for
    a quarter whose months were entered one by one (it is corrected in the monthly view)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.editable = [
            (row["indicator"], column)
            for row in rows
            for column, cell in row["cells"]
            if not getattr(cell, "split", False)
        ]
        for indicator, column in self.editable:
            for part, key in zip(_parts(indicator), _keys(indicator, column)):
                self.fields[key] = _cell_field(indicator, _cell_label(indicator, column, part))

    def clean(self):
        data = super().clean()
        self.cells = {}
        for indicator, column in self.editable:
            where = (indicator, column.stored_month)
            if indicator.unit == "percent":
                n_key, d_key = _keys(indicator, column)
                num, den = data.get(n_key), data.get(d_key)
                if n_key in self.errors or d_key in self.errors:
                    continue
                if (num is None) != (den is None):
                    self.add_error(n_key if num is None else d_key, _("Give both the numerator and the denominator."))
                elif num is None:
                    self.cells[where] = None
                elif num > den:
                    self.add_error(n_key, _("The numerator cannot exceed the denominator."))
                elif den == 0:
                    self.add_error(d_key, _("The denominator must be above zero."))
                else:
                    self.cells[where] = (indicator_value(num, den, indicator.unit).quantize(_CENT), num, den)
            else:
                value = data.get(_keys(indicator, column)[0])
                self.cells[where] = None if value is None else (value, None, None)
        return data


def _cell_field(indicator, label):
    widget_attrs = {"size": 7, "aria-label": label}
    if indicator.counts_whole:
        return formfields.IntegerField(
            required=False,
            min_value=0,
            max_value=10**12,
            widget=formfields.NumberInput(integer=True, attrs=widget_attrs),
        )
    return formfields.DecimalField(
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=formfields.NumberInput(integer=False, attrs=widget_attrs),
    )


def _parts(indicator):
    return ("n", "d") if indicator.unit == "percent" else ("v",)


def _keys(indicator, column) -> list[str]:
    """The names of a cell's inputs: v_<indicator>_<column> for a count, n_… and d_… for a share."""
    return [f"{part}_{indicator.id}_{column.key}" for part in _parts(indicator)]


def _cell_label(indicator, column, part):
    what = {"n": _("numerator"), "d": _("denominator"), "v": _("value")}[part]
    return f"{indicator.display_name}, {column.label.lower()}, {what}"


@login_required
def reported_grid(request):
    units = units_for_user(request.user).exclude(level="village")
    code = request.GET.get("unit") or (
        request.user.profile.unit.code
        if getattr(request.user, "profile", None) and request.user.profile.unit_id
        else ""
    )
    unit = units.by_code(code) if code else units.order_by("depth", "path").first()
    if unit is None:
        raise Http404
    default_year = latest_year(request.user) or timezone.localdate().year
    try:
        year = int(request.GET.get("year") or default_year)
    except ValueError:
        year = default_year
    by_quarter = request.GET.get("period") == "quarter"
    indicators = grid_indicators(unit, year)
    rows = grid_rows(unit, year, indicators, grid_columns(by_quarter))
    can_edit = request.user.has_perm("targets.change_reportedvalue") and request.user.has_perm(
        "targets.add_reportedvalue"
    )
    initial = {"version": grid_version(unit, year)}
    for row in rows:
        for column, cell in row["cells"]:
            if cell is not None:
                figures = (cell.numerator, cell.denominator) if row["share"] else (cell.value,)
                initial.update(zip(_keys(row["indicator"], column), figures))
    form = GridForm(request.POST or None, rows=rows, initial=initial)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(
                ceased_area_notice(request.user) or _("Your role may look at reported values but not change them.")
            )
        if form.is_valid():
            try:
                changed = reported_grid_save(unit, year, form.cells, form.cleaned_data["version"] or None)
            except EditConflict as conflict:
                form.add_error(None, str(conflict))
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request, _("%(count)s figures saved; the totals above are being recomputed.") % {"count": changed}
                )
                period = "&period=quarter" if by_quarter else ""
                return redirect(f"{reverse('reported_grid')}?unit={unit.code}&year={year}{period}")
    rows = grid_rows(unit, year, indicators, grid_columns(by_quarter))
    for row in rows:
        row["inputs"] = [
            (column, [form[k] for k in _keys(row["indicator"], column) if k in form.fields], cell)
            for column, cell in row["cells"]
        ]
    locked_by = unit.entry_refusal(year) or lock_notice(unit, year, DataKind.REPORTED)
    history, history_total = reported_history(unit, year)
    return render(
        request,
        "targets/reported_grid.html",
        {
            "unit": unit,
            "year": year,
            "rows": rows,
            "form": form,
            "cell_errors": [
                (form.fields[key].widget.attrs["aria-label"], error)
                for key, errors in form.errors.items()
                if key in form.fields and key != "version"
                for error in errors
            ],
            "can_edit": can_edit and not locked_by,
            "lock_notice": locked_by,
            "period": period_of(request.user, unit, year, DataKind.REPORTED),
            "here": request.get_full_path(),
            "history": history,
            "history_total": history_total,
            "columns": grid_columns(by_quarter),
            "by_quarter": by_quarter,
            "units": units.filter(depth__lte=unit.depth + 1).order_by("path")[:400],
            "children": units.filter(parent=unit).order_by("path"),
        },
    )
