"""django-import-export resource for the admin's import page of reported values. It maps columns and checks a
row's unit against the importing user's area; every row is written through the reported-values service
(targets.reported.ReportedWrites: lock check, validation, recompute)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from areas.models import Unit
from areas.selectors import units_for_user
from households.roster.resources import VietnameseDecimalWidget, canonical_headers

from .models import Indicator, ReportedValue
from .reported import ReportedWrites, assert_reported_writable

REPORTED_HEADERS = {
    "indicator": ("Mã chỉ số", "Indicator code", "Chỉ số"),
    "unit": ("Mã đơn vị", "Unit code", "Đơn vị"),
    "year": ("Năm", "Year"),
    "month": ("Tháng", "Month"),
    "value": ("Giá trị", "Value"),
    "numerator": ("Tử số", "Numerator"),
    "denominator": ("Mẫu số", "Denominator"),
    "note": ("Ghi chú", "Note"),
}


def _refuse_locked_period(unit_code: str, year) -> None:
    """A row of a unit and year the service would refuse (submitted or approved, docs/approval.md; a unit that
    takes no data that year) is refused as a row error, even when it changes nothing."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        return  # the year's own widget reports it
    unit = Unit.objects.by_code(unit_code, year)
    if unit is not None:
        try:
            assert_reported_writable(unit, year)
        except ValidationError as refused:
            raise ValueError(refused.messages[0]) from refused


class _UnitOfTheYear(widgets.ForeignKeyWidget):
    """The unit a code names in the row's year (codes are reused across the 2025 reform)."""

    def get_queryset(self, value, row, *args, **kwargs):
        try:
            return Unit.objects.in_year(int(row.get("year")))
        except (TypeError, ValueError):
            return Unit.objects.current()


class ReportedValueResource(resources.ModelResource):
    """Reported figures per indicator, unit, year (and month); an officer's rows only in their own area."""

    indicator = fields.Field(
        attribute="indicator", column_name="indicator", widget=widgets.ForeignKeyWidget(Indicator, "code")
    )
    unit = fields.Field(attribute="unit", column_name="unit", widget=_UnitOfTheYear(Unit, "code"))
    value = fields.Field(attribute="value", column_name="value", widget=VietnameseDecimalWidget())
    numerator = fields.Field(attribute="numerator", column_name="numerator", widget=VietnameseDecimalWidget())
    denominator = fields.Field(attribute="denominator", column_name="denominator", widget=VietnameseDecimalWidget())

    class Meta:
        model = ReportedValue
        fields = ["indicator", "unit", "year", "month", "value", "numerator", "denominator", "note"]
        import_id_fields = ["indicator", "unit", "year", "month"]
        skip_unchanged = True
        # The model's rules (a count is a whole number) are checked when the service saves the row, not twice.
        clean_model_instances = False

    def before_import(self, dataset, **kwargs):
        canonical_headers(dataset, REPORTED_HEADERS)
        if "month" not in dataset.headers:
            dataset.append_col([None] * len(dataset), header="month")
        for key in ("note", "numerator", "denominator"):
            if key not in dataset.headers:
                dataset.append_col([""] * len(dataset), header=key)
        self._writes = ReportedWrites()

    def before_import_row(self, row, **kwargs):
        if row.get("month") == "":
            row["month"] = None
        user = kwargs.get("user")
        code = str(row.get("unit") or "").strip()
        if user is not None and not units_for_user(user).filter(code=code).exists():
            # the one place where a row's unit is checked against the importing user's area
            raise ValueError(_("unit %(code)s is outside your area or does not exist") % {"code": code})
        _refuse_locked_period(code, row.get("year"))

    def do_instance_save(self, instance, is_create):
        self._writes.save(instance, force_insert=is_create)
