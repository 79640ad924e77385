"""django-import-export resources for the admin's import pages of administrative units (the General
Statistics Office list form) and reported values. Resources map columns; area checks and the recompute
announcement are the only logic here (the households roster goes through roster_import instead)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from areas.models import AreaType, Unit
from areas.selectors import units_for_user
from povertyplan.numbers import NumberFormatError, parse_number
from targets.models import Indicator, ReportedValue

from .columns import normalise


def _canonical_headers(dataset, aliases: dict[str, str]):
    """Rename the dataset's headers to our keys, matched as roster headers are (any case, no diacritics)."""
    index = {normalise(alias): key for key, names in aliases.items() for alias in (key, *names)}
    dataset.headers = [index.get(normalise(h or ""), h) for h in dataset.headers]


class VietnameseDecimalWidget(widgets.DecimalWidget):
    """"1.500.000" and "56,7" read the Vietnamese way, ambiguous text refused (povertyplan.numbers)."""

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None
        if isinstance(value, float):
            value = repr(value).replace(".", ",") if not value.is_integer() else int(value)
        try:
            return parse_number(value)
        except NumberFormatError as error:
            raise ValueError(str(error)) from error


GSO_HEADERS = {
    "province_code": ("Mã tỉnh", "Mã TP", "Province code"),
    "province_name": ("Tỉnh", "Tỉnh Thành Phố", "Tên tỉnh", "Province"),
    "district_code": ("Mã huyện", "Mã QH", "District code"),
    "district_name": ("Huyện", "Quận Huyện", "Tên huyện", "District"),
    "commune_code": ("Mã xã", "Mã PX", "Commune code"),
    "commune_name": ("Xã", "Phường Xã", "Tên xã", "Commune"),
    "kind": ("Cấp", "Level"),
}
_URBAN_KINDS = {normalise(k) for k in ("Phường", "Thị trấn", "Quận", "Thành phố", "Thị xã")}


class UnitResource(resources.ModelResource):
    """One row of the GSO list = one commune with its province and district (or, since 2025, none)."""

    code = fields.Field(attribute="code", column_name="code")
    name = fields.Field(attribute="name", column_name="name")
    level = fields.Field(attribute="level", column_name="level")
    area_type = fields.Field(attribute="area_type", column_name="area_type")
    parent = fields.Field(attribute="parent", column_name="parent", widget=widgets.ForeignKeyWidget(Unit, "code"))

    class Meta:
        model = Unit
        fields = ["code", "name", "level", "area_type", "parent"]
        import_id_fields = ["code"]
        skip_unchanged = True

    def before_import(self, dataset, **kwargs):
        _canonical_headers(dataset, GSO_HEADERS)
        missing = [GSO_HEADERS[k][0] for k in ("province_code", "province_name") if k not in dataset.headers]
        if missing:
            raise ValidationError(_("Missing columns: %(names)s") % {"names": ", ".join(missing)})
        for key in ("code", "name", "level", "area_type", "parent"):
            if key not in dataset.headers:
                dataset.append_col([""] * len(dataset), header=key)

    def before_import_row(self, row, **kwargs):
        def text(key):
            value = row.get(key)
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            return str(value).strip() if value not in (None, "") else ""

        chain = [(text("province_code"), text("province_name"), Unit.Level.PROVINCE)]
        if text("district_code"):
            chain.append((text("district_code"), text("district_name"), Unit.Level.DISTRICT))
        if text("commune_code"):
            chain.append((text("commune_code"), text("commune_name"), Unit.Level.COMMUNE))
        if not chain[0][0]:
            raise ValueError(_("the province code is required"))
        parent = None
        for code, name, level in chain[:-1]:  # ancestors: created when missing, never renamed by a child's row
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                unit = Unit(code=code, name=name or code, level=level, parent=parent)
                unit.save()
            parent = unit
        code, name, level = chain[-1]
        row.update(code=code, name=name or code, level=level, parent=parent.code if parent else "",
                   area_type=AreaType.URBAN if normalise(text("kind")) in _URBAN_KINDS else AreaType.RURAL)


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
    """A row of a unit and year whose reported values are submitted or approved is refused (docs/approval.md)."""
    from approvals.models import DataKind
    from approvals.services import lock_message, locked_units

    unit = Unit.objects.filter(code=unit_code).first()
    try:
        year = int(year)
    except (TypeError, ValueError):
        return  # the year's own widget reports it
    lock = locked_units([unit], year, DataKind.REPORTED).get(unit.pk) if unit else None
    if lock is not None:
        raise ValueError(lock_message(lock))


class ReportedValueResource(resources.ModelResource):
    """Reported figures per indicator, unit, year (and month); an officer's rows only in their own area."""

    indicator = fields.Field(attribute="indicator", column_name="indicator",
                             widget=widgets.ForeignKeyWidget(Indicator, "code"))
    unit = fields.Field(attribute="unit", column_name="unit", widget=widgets.ForeignKeyWidget(Unit, "code"))
    value = fields.Field(attribute="value", column_name="value", widget=VietnameseDecimalWidget())
    numerator = fields.Field(attribute="numerator", column_name="numerator", widget=VietnameseDecimalWidget())
    denominator = fields.Field(attribute="denominator", column_name="denominator", widget=VietnameseDecimalWidget())

    class Meta:
        model = ReportedValue
        fields = ["indicator", "unit", "year", "month", "value", "numerator", "denominator", "note"]
        import_id_fields = ["indicator", "unit", "year", "month"]
        skip_unchanged = True

    def before_import(self, dataset, **kwargs):
        _canonical_headers(dataset, REPORTED_HEADERS)
        if "month" not in dataset.headers:
            dataset.append_col([None] * len(dataset), header="month")
        for key in ("note", "numerator", "denominator"):
            if key not in dataset.headers:
                dataset.append_col([""] * len(dataset), header=key)
        self._touched = {}

    def before_import_row(self, row, **kwargs):
        if row.get("month") == "":
            row["month"] = None
        user = kwargs.get("user")
        code = str(row.get("unit") or "").strip()
        if user is not None and not units_for_user(user).filter(code=code).exists():
            # the one place where a row's unit is checked against the importing user's area
            raise ValueError(_("unit %(code)s is outside your area or does not exist") % {"code": code})
        _refuse_locked_period(code, row.get("year"))

    def after_save_instance(self, instance, row, **kwargs):
        if not kwargs.get("dry_run"):
            self._touched[(instance.unit.path.split("/", 1)[0], instance.year)] = instance.unit

    def after_import(self, dataset, result, **kwargs):
        """One recompute per province and year touched (as an edit in the admin does), after the commit."""
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        from targets.services import schedule_recompute

        for (_province, year), unit in sorted(self._touched.items()):
            schedule_recompute(unit, year)
