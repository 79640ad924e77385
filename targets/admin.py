from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportMixin

from approvals.admin import LockedDataAdminMixin
from approvals.models import DataKind
from areas.admin import AreaListFilter, AreaScopedAdmin
from povertyplan import admin as base
from povertyplan import display

from . import explain
from .engine import PERCENT, indicator_value
from .forms import TargetForm
from .models import Attainment, ComputedValue, Indicator, Plan, RecomputeRun, ReportedValue, Target
from .reported import ReportedWrites
from .selectors import may_start_recompute, plans_for_user
from .services import cancel_runs, start_recompute


class TargetInline(base.StackedInline):
    model = Target
    form = TargetForm
    fk_name = "plan"
    extra = 0
    autocomplete_fields = ["indicator", "share_indicator"]


def _xlsx(data, filename):
    from households.admin import xlsx_response

    return xlsx_response(data, filename)


@admin.action(description=gettext_lazy("Export the attainment (.xlsx)"))
def export_attainment(modeladmin, request, queryset):
    from .export import attainment_xlsx

    plan = queryset.first()
    return _xlsx(attainment_xlsx(plan), f"ket-qua-thuc-hien-{plan.pk}.xlsx")


@admin.action(description=gettext_lazy("Export the selected values (.xlsx)"))
def export_indicator_values(modeladmin, request, queryset):
    from .export import indicator_values_xlsx

    return _xlsx(indicator_values_xlsx(queryset), "gia-tri-chi-so.xlsx")


@admin.register(Plan)
class PlanAdmin(AreaScopedAdmin):
    actions = [export_attainment]
    area_path_field = "province__path"
    list_display = ["__str__", "title", "signed_on", "year_start", "year_end", "standard"]
    list_filter = ["year_start", "standard"]
    search_fields = ["title", "document_number", "province__name"]
    inlines = [TargetInline]

    def get_queryset(self, request):
        return plans_for_user(request.user)


class PlanListFilter(admin.SimpleListFilter):
    """Only the plans the user can see (an officer's province plan, not the neighbour's)."""

    title = gettext_lazy("plan")
    parameter_name = "plan"
    plan_field = "plan"

    def lookups(self, request, model_admin):
        return [(plan.pk, str(plan)) for plan in plans_for_user(request.user)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.plan_field: plans_for_user(request.user).filter(pk=self.value()).first()})
        return queryset


class AttainmentPlanFilter(PlanListFilter):
    plan_field = "target__plan"


class PlanTargetsAdmin(AreaScopedAdmin):
    """Targets and attainments of the plans the user can see: the same rule as the plan list and home page."""

    plan_lookup = "plan__in"

    def get_queryset(self, request):
        queryset = super(AreaScopedAdmin, self).get_queryset(request)
        return queryset.filter(**{self.plan_lookup: plans_for_user(request.user)})


@admin.register(Target)
class TargetAdmin(PlanTargetsAdmin):
    form = TargetForm
    list_display = ["indicator", "scope", "goal", "plan_short", "order"]
    list_filter = [PlanListFilter, "shape", "scope"]
    list_select_related = ["indicator", "share_indicator", "plan__province"]
    search_fields = ["indicator__name_vi", "indicator__name_en", "indicator__code", "source_sentence"]
    autocomplete_fields = ["indicator", "share_indicator"]

    @admin.display(description=gettext_lazy("plan"), ordering="plan")
    def plan_short(self, target):
        return f"{target.plan.province.name} {target.plan.year_start}"

    @admin.display(description=gettext_lazy("goal"))
    def goal(self, target):
        return explain.goal_text(target)


@admin.register(Indicator)
class IndicatorAdmin(base.ModelAdmin):
    list_display = ["code", "name_vi", "name_en", "unit", "lower_is_better", "kind"]
    list_filter = ["kind", "unit"]
    search_fields = ["code", "name_vi", "name_en"]


@admin.register(ReportedValue)
class ReportedValueAdmin(LockedDataAdminMixin, ImportMixin, AreaScopedAdmin):
    approval_kind = DataKind.REPORTED
    list_display = ["indicator", "unit", "year", "month", "value", "numerator", "denominator", "updated_at"]
    list_select_related = ["indicator", "unit__parent__parent"]
    list_filter = [AreaListFilter, "year", "indicator"]
    search_fields = ["unit__name", "indicator__name_vi"]
    autocomplete_fields = ["unit"]

    def get_resource_classes(self, request=None):
        from .resources import ReportedValueResource

        return [ReportedValueResource]

    def has_import_permission(self, request):
        return request.user.has_perm("targets.add_reportedvalue")

    def save_model(self, request, obj, form, change):
        ReportedWrites().save(obj)  # its lock check's refusal is shown on the form (LockedDataAdminMixin)

    def delete_model(self, request, obj):
        ReportedWrites().delete(obj)

    def delete_queryset(self, request, queryset):
        writes = ReportedWrites()
        for value in queryset.select_related("unit"):
            writes.delete(value)


class DerivedAdmin(base.ReadOnlyAdmin, AreaScopedAdmin):
    """Only a recompute writes these rows: viewable, never added, edited or deleted by hand."""


@admin.register(ComputedValue)
class ComputedValueAdmin(DerivedAdmin):
    actions = [export_indicator_values]
    list_display = ["indicator", "unit", "year", "scope", "value", "numerator", "denominator", "run"]
    list_filter = [AreaListFilter, "year", "scope", "indicator"]
    list_select_related = ["indicator", "unit__parent__parent", "run"]

    @admin.display(description=gettext_lazy("value"))
    def value(self, cv):
        value = indicator_value(cv.numerator, cv.denominator, cv.indicator.unit)
        if cv.denominator is None:
            return display.number(value)
        return display.percent(value) if cv.indicator.unit == PERCENT else display.number(value, 4)


@admin.register(Attainment)
class AttainmentAdmin(base.ReadOnlyAdmin, PlanTargetsAdmin):
    plan_lookup = "target__plan__in"
    list_display = ["target", "year", "actual_shown", "progress", "status_shown", "run"]
    list_filter = ["status", "year", AttainmentPlanFilter]
    list_select_related = ["target__indicator", "target__plan__province", "run"]
    fields = ["target", "year", "actual_shown", "progress", "status_shown", "how_it_was_computed", "run"]

    @admin.display(description=gettext_lazy("actual value"), ordering="actual")
    def actual_shown(self, attainment):
        return explain.value_text(attainment.target, attainment.actual) if attainment.actual is not None else "—"

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_shown(self, attainment):
        return explain.status_label(attainment)

    @admin.display(description=gettext_lazy("how it was computed"))
    def how_it_was_computed(self, attainment):
        return format_html(
            '<div class="explanation">{}</div>',
            format_html_join("", "<p>{}</p>", ((s,) for s in explain.sentences(attainment))),
        )


@admin.action(description=gettext_lazy("Cancel the selected runs that are queued or running"))
def cancel_selected_runs(modeladmin, request, queryset):
    if not request.user.has_perm("targets.change_recomputerun"):
        raise PermissionDenied
    cancelled = cancel_runs(queryset, request.user)
    messages.info(request, _("%(count)s runs cancelled.") % {"count": cancelled})


@admin.register(RecomputeRun)
class RecomputeRunAdmin(base.ReadOnlyAdmin):
    actions = [cancel_selected_runs]
    list_display = [
        "__str__",
        "status",
        "scope",
        "progress",
        "rows",
        "duration_ms",
        "created_at",
        "started_at",
        "finished_at",
    ]
    list_filter = ["status"]
    readonly_fields = [
        "status",
        "scope",
        "progress",
        "rows",
        "error",
        "created_at",
        "started_at",
        "finished_at",
        "duration_ms",
        "attempt",
        "heartbeat_at",
    ]
    change_list_template = "admin/targets/recomputerun/change_list.html"
    change_form_template = "admin/targets/recomputerun/change_form.html"

    def get_urls(self):
        return [
            path("start/", self.admin_site.admin_view(self.start_view), name="targets_recomputerun_start"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_start": may_start_recompute(request.user)}
        return super().changelist_view(request, extra_context)

    def start_view(self, request):
        """The provinces the user holds, through the one service a page's button also uses (its progress is
        polled at dashboards:run)."""
        if request.method != "POST":
            raise PermissionDenied
        run, created = start_recompute(request.user)  # PermissionDenied with the reason: 403
        if created:
            messages.info(request, _("Full recompute #%(id)s queued.") % {"id": run.pk})
        else:
            messages.info(request, _("Recompute #%(id)s is already under way: follow it here.") % {"id": run.pk})
        return redirect("admin:targets_recomputerun_change", run.pk)
