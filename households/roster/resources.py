"""django-import-export resources for the admin's import page of administrative units (the General Statistics
Office list form), what the other apps' resources share (headers matched as roster headers are, numbers read the
Vietnamese way), and the admin's Export of households. The households roster comes in through roster_import."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from areas.models import AreaType, Unit
from povertyplan.numbers import NumberFormatError, parse_number

from ..models import Household
from .columns import HOUSEHOLD_COLUMNS, INDICATOR_COLUMNS, normalise
from .export import ANSWER_KEYS, DERIVED_HEADERS, answers_of, derived_cells, household_row, stored, ticked_cells


def canonical_headers(dataset, aliases: dict[str, str]):
    """Rename the dataset's headers to our keys, matched as roster headers are (any case, no diacritics)."""
    index = {normalise(alias): key for key, names in aliases.items() for alias in (key, *names)}
    dataset.headers = [index.get(normalise(h or ""), h) for h in dataset.headers]


class VietnameseDecimalWidget(widgets.DecimalWidget):
    """ "1.500.000" and "56,7" read the Vietnamese way, ambiguous text refused (povertyplan.numbers)."""

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
URBAN_KINDS = {normalise(k) for k in ("Phường", "Thị trấn", "Quận", "Thành phố", "Thị xã")}


class _UnitInForce(widgets.ForeignKeyWidget):
    def get_queryset(self, value, row, *args, **kwargs):
        return Unit.objects.current()


class UnitResource(resources.ModelResource):
    """One row of the GSO list = one commune with its province and district (or, since 2025, none)."""

    code = fields.Field(attribute="code", column_name="code")
    name = fields.Field(attribute="name", column_name="name")
    level = fields.Field(attribute="level", column_name="level")
    area_type = fields.Field(attribute="area_type", column_name="area_type")
    parent = fields.Field(attribute="parent", column_name="parent", widget=_UnitInForce(Unit, "code"))

    class Meta:
        model = Unit
        fields = ["code", "name", "level", "area_type", "parent"]
        import_id_fields = ["code"]
        skip_unchanged = True

    def get_queryset(self):
        return Unit.objects.current()  # a code names one unit in force (codes are reused across the 2025 reform)

    def before_import(self, dataset, **kwargs):
        canonical_headers(dataset, GSO_HEADERS)
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
            unit = Unit.objects.current().filter(code=code).first()
            if unit is None:
                unit = Unit(code=code, name=name or code, level=level, parent=parent)
                unit.save()
            parent = unit
        code, name, level = chain[-1]
        row.update(
            code=code,
            name=name or code,
            level=level,
            parent=parent.code if parent else "",
            area_type=AreaType.URBAN if normalise(text("kind")) in URBAN_KINDS else AreaType.RURAL,
        )


class _HouseholdRows(resources.ModelResource):
    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("unit", "standard").order_by("survey_year", "code")

    def export_field(self, field, instance, **kwargs):
        if getattr(self, "_row_of", None) != instance.pk:  # a household's row is made once, for its first field
            self._row_of, self._row = instance.pk, dict(zip(_ROW_NAMES, answers_row(instance), strict=True))
        return self._row[self.get_field_name(field)]


_ANSWER_COLUMNS = [c for c in HOUSEHOLD_COLUMNS if c.key in ANSWER_KEYS]
_ROW_NAMES = [
    *(c.key for c in _ANSWER_COLUMNS),
    *(c.key.replace(":", "_") for c in INDICATOR_COLUMNS),
    "classification",
    "deprivations",
    "standard",
]


def answers_row(household) -> list:
    h = stored(household)
    return household_row(h, _ANSWER_COLUMNS) + ticked_cells(answers_of(h)) + derived_cells(h)


def _answer_headers():
    return [c.vi for c in _ANSWER_COLUMNS] + [c.vi for c in INDICATOR_COLUMNS] + list(DERIVED_HEADERS)


# django-import-export's Export of households (.csv or .xlsx): the answers layout of docs/domain/roster-columns.md, a
# row per household with its deprivations ticked (as the roster reported them, else as its members give them), which
# the roster import takes back with nothing changed. The columns are the roster's headers.
HouseholdRosterResource = type(
    "HouseholdRosterResource",
    (_HouseholdRows,),
    {
        "__module__": __name__,
        **{name: fields.Field(column_name=header) for name, header in zip(_ROW_NAMES, _answer_headers(), strict=True)},
        "Meta": type("Meta", (), {"model": Household, "fields": _ROW_NAMES, "export_order": _ROW_NAMES}),
    },
)
