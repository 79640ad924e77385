"""The admin's defaults for every model: numbers read and shown the Vietnamese way, Celery beat hidden.

Every ModelAdmin and inline of the project derives from the classes here, so a new numeric field needs
nothing of its own to read "1.500.000" and to show as 1.472.000 in its list.
"""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from import_export.forms import SelectableFieldsExportForm

from . import display
from .formfields import DecimalField, IntegerField, NumberInput

NUMBER_OVERRIDES = {
    # BigIntegerField has its own admin widget, so it is named as well as IntegerField.
    models.IntegerField: {"form_class": IntegerField, "widget": NumberInput(integer=True)},
    models.BigIntegerField: {"form_class": IntegerField, "widget": NumberInput(integer=True)},
    # ages, years, counts: a narrower box keeps a household's members table within the page
    models.SmallIntegerField: {"form_class": IntegerField, "widget": NumberInput({"size": 6}, integer=True)},
    models.DecimalField: {"form_class": DecimalField, "widget": NumberInput(integer=False)},
}


def is_plain_number(name: str) -> bool:
    """Years, months, ids and orders read 2021, never 2.021."""
    return name in ("id", "pk", "month", "order", "depth") or "year" in name


def number_column(model, name):
    """A list_display entry for a numeric field, shown grouped (1.472.000, 25.000, 16,5); other names unchanged."""
    if not isinstance(name, str):
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    numeric = isinstance(field, models.IntegerField | models.DecimalField | models.FloatField)
    if not numeric or field.choices or field.primary_key or is_plain_number(name):
        return name

    def column(obj):
        return display.number(getattr(obj, name))

    column.__name__ = name
    column.short_description = field.verbose_name
    column.admin_order_field = name
    return column


class NumberFormMixin:
    formfield_overrides = NUMBER_OVERRIDES


class ModelAdmin(NumberFormMixin, admin.ModelAdmin):
    empty_value_display = display.EMPTY

    def get_list_display(self, request):
        return [number_column(self.model, name) for name in super().get_list_display(request)]


class TabularInline(NumberFormMixin, admin.TabularInline):
    pass


class StackedInline(NumberFormMixin, admin.StackedInline):
    pass


class ReadOnlyAdmin(ModelAdmin):
    """Derived rows (computed values, attainments, runs): written by a recompute only, never by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ExportForm(SelectableFieldsExportForm):
    """The export page names fields by their labels ("Chủ hộ"), not their attributes ("Head Name")."""

    def _get_field_label(self, resource, field_name):
        model = getattr(resource._meta, "model", None)
        try:
            label = model._meta.get_field(field_name).verbose_name
        except (AttributeError, FieldDoesNotExist):
            return super()._get_field_label(resource, field_name)
        return str(label)[:1].upper() + str(label)[1:]


def hide_celery_beat():
    """Scheduling is configuration (settings.CELERY_BEAT_SCHEDULE): no English "Periodic tasks" in the admin."""
    from django_celery_beat import models as beat

    for model in (beat.PeriodicTask, beat.IntervalSchedule, beat.CrontabSchedule, beat.SolarSchedule,
                  beat.ClockedSchedule):
        if admin.site.is_registered(model):
            admin.site.unregister(model)

