"""The admin's defaults for every model: numbers read and shown the Vietnamese way, Celery beat hidden.

Every ModelAdmin and inline of the project derives from the classes here, so a new numeric field needs
nothing of its own to read "1.500.000" and to show as 1.472.000 in its list.
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats
from import_export.forms import SelectableFieldsExportForm

from . import display
from .cells import safe
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
    """The export page names fields by their headers, else their labels ("Chủ hộ"), not their attributes ("Head Name")."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        if field is not None and field.column_name and field.column_name != field_name:
            return str(field.column_name)  # the header the file will have
        model = getattr(resource._meta, "model", None)
        try:
            label = model._meta.get_field(field_name).verbose_name
        except (AttributeError, FieldDoesNotExist):
            return super()._get_field_label(resource, field_name)
        return str(label)[:1].upper() + str(label)[1:]


class _Escaped:
    """django-import-export's own escape (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT) drops a leading "=" — changing the
    data — leaves "+", "-" and "@" as they are, and turns every cell into text: each cell goes through the project's
    escape instead, whatever the setting, numbers staying numbers."""

    def export_data(self, dataset, **kwargs):
        self._escape_formulae(dataset)
        return super().export_data(dataset, **kwargs)

    def _escape_formulae(self, dataset):
        dataset.headers = [safe(header) for header in dataset.headers or []] or None
        for _row in range(len(dataset)):
            dataset.append([safe(cell) for cell in dataset.lpop()])


class XLSX(_Escaped, base_formats.XLSX):
    pass


class CSV(_Escaped, base_formats.CSV):
    pass


# Django stores a permission's name once, in English ("Can add household"): the label is made in the user's language.
PERMISSION_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}
HIDDEN_APPS = ["django_celery_beat"]  # hidden from the admin (hide_celery_beat): its permissions mean nothing


def permission_label(permission) -> str:
    """ "Hộ gia đình và chuẩn nghèo | hộ gia đình | Có thể thêm hộ gia đình"."""
    content_type = permission.content_type
    model = content_type.model_class()
    if model is None:
        return str(permission)
    action = permission.codename.split("_", 1)[0]
    if action in PERMISSION_ACTIONS and permission.codename == f"{action}_{model._meta.model_name}":
        name = PERMISSION_ACTIONS[action] % {"model": model._meta.verbose_name}
    else:  # a model's own permission, from its Meta (the stored name is in the language it was created in)
        name = str(dict(model._meta.permissions).get(permission.codename) or gettext(permission.name))
    return f"{apps.get_app_config(content_type.app_label).verbose_name} | {model._meta.verbose_name} | {name}"


class PermissionsInLanguageMixin:
    """Users' and groups' permission pickers: labels in the user's language, none of the hidden apps."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.related_model is Permission:
            field.queryset = field.queryset.exclude(content_type__app_label__in=HIDDEN_APPS)
            field.label_from_instance = permission_label
        return field


def hide_celery_beat():
    """Scheduling is configuration (settings.CELERY_BEAT_SCHEDULE): no English "Periodic tasks" in the admin.
    Nor django-axes' log of each failure: it is off (AXES_ENABLE_ACCESS_FAILURE_LOG), so its list would stay
    empty beside "Lượt đăng nhập sai" (AccessAttempt), the one list of wrong passwords and lockouts."""
    from axes.models import AccessFailureLog
    from django_celery_beat import models as beat

    for model in (
        AccessFailureLog,
        beat.PeriodicTask,
        beat.IntervalSchedule,
        beat.CrontabSchedule,
        beat.SolarSchedule,
        beat.ClockedSchedule,
    ):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
