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
from django.utils.translation import gettext_lazy

from approvals.models import DataKind
from approvals.services import lock_notice
from areas.selectors import units_for_user
from households.services import EditConflict
from povertyplan import formfields

from .reported import MONTHS, YEAR, grid_indicators, grid_rows, grid_version, reported_grid_save, reported_history

_CENT = Decimal("0.01")


class GridForm(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            for column in [*MONTHS, YEAR]:
                for part in ("n", "d") if indicator.unit == "percent" else ("v",):
                    self.fields[f"{part}_{indicator.id}_{column}"] = formfields.DecimalField(
                        required=False, min_value=0, max_digits=14, decimal_places=2,
                        widget=formfields.NumberInput(integer=False, attrs={"size": 7, "aria-label": _cell_label(
                            indicator, column, part)}))

    def clean(self):
        data = super().clean()
        self.cells = {}
        for indicator in self.indicators:
            for column in [*MONTHS, YEAR]:
                if indicator.unit == "percent":
                    n_key, d_key = f"n_{indicator.id}_{column}", f"d_{indicator.id}_{column}"
                    num, den = data.get(n_key), data.get(d_key)
                    if n_key in self.errors or d_key in self.errors:
                        continue
                    if (num is None) != (den is None):
                        self.add_error(n_key if num is None else d_key, _("Give both the numerator and the denominator."))
                    elif num is not None and num > den:
                        self.add_error(n_key, _("The numerator cannot exceed the denominator."))
                    elif num is not None and den == 0:
                        self.add_error(d_key, _("The denominator must be above zero."))
                    else:
                        self.cells[(indicator, column)] = None if num is None else (
                            (num / den * 100).quantize(_CENT), num, den)
                else:
                    value = data.get(f"v_{indicator.id}_{column}")
                    self.cells[(indicator, column)] = None if value is None else (value, None, None)
        return data


COLUMN_NAMES = {YEAR: gettext_lazy("Whole year")}


def _cell_label(indicator, column, part):
    where = _("month %(m)s") % {"m": column} if column else _("whole year")
    what = {"n": _("numerator"), "d": _("denominator"), "v": _("value")}[part]
    return f"{indicator.name_vi}, {where}, {what}"


@login_required
def reported_grid(request):
    units = units_for_user(request.user).exclude(level="village")
    code = request.GET.get("unit") or (request.user.profile.unit.code if getattr(request.user, "profile", None)
                                       and request.user.profile.unit_id else "")
    unit = units.filter(code=code).first() if code else units.order_by("depth", "path").first()
    if unit is None:
        raise Http404
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    indicators = grid_indicators(unit, year)
    can_edit = request.user.has_perm("targets.change_reportedvalue") and request.user.has_perm("targets.add_reportedvalue")
    initial = {"version": grid_version(unit, year)}
    for row in grid_rows(unit, year, indicators):
        for column, cell in row["cells"]:
            if cell is not None:
                if row["share"]:
                    initial[f"n_{row['indicator'].id}_{column}"] = cell.numerator
                    initial[f"d_{row['indicator'].id}_{column}"] = cell.denominator
                else:
                    initial[f"v_{row['indicator'].id}_{column}"] = cell.value
    form = GridForm(request.POST or None, indicators=indicators, initial=initial)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Your role may look at reported values but not change them."))
        if form.is_valid():
            try:
                changed = reported_grid_save(unit, year, form.cells, form.cleaned_data["version"] or None)
            except EditConflict as conflict:
                form.add_error(None, str(conflict))
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("%(count)s figures saved; the totals above are being recomputed.")
                                 % {"count": changed})
                return redirect(f"{reverse('reported_grid')}?unit={unit.code}&year={year}")
    rows = grid_rows(unit, year, indicators)
    for row in rows:
        parts = ("n", "d") if row["share"] else ("v",)
        row["inputs"] = [(column, [form[f"{p}_{row['indicator'].id}_{column}"] for p in parts], cell)
                         for column, cell in row["cells"]]
    locked_by = lock_notice(unit, year, DataKind.REPORTED)
    history, history_total = reported_history(unit, year)
    return render(request, "targets/reported_grid.html", {
        "unit": unit, "year": year, "rows": rows, "form": form, "can_edit": can_edit and not locked_by,
        "lock_notice": locked_by, "history": history, "history_total": history_total,
        "columns": [str(m) for m in MONTHS] + [COLUMN_NAMES[YEAR]],
        "units": units.filter(depth__lte=unit.depth + 1).order_by("path")[:400],
        "children": units.filter(parent=unit).order_by("path"),
    })
