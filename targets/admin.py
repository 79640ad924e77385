from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportMixin

from areas.admin import AreaListFilter, AreaScopedAdmin

from .forms import TargetForm
from .models import Attainment, ComputedValue, Indicator, Plan, RecomputeRun, ReportedValue, Target
from .selectors import plans_for_user
from .services import schedule_recompute
from .tasks import recompute_task


class TargetInline(admin.StackedInline):
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
    from households.roster.export import attainment_xlsx

    plan = queryset.first()
    return _xlsx(attainment_xlsx(plan), f"ket-qua-thuc-hien-{plan.pk}.xlsx")


@admin.action(description=gettext_lazy("Export the selected values (.xlsx)"))
def export_indicator_values(modeladmin, request, queryset):
    from households.roster.export import indicator_values_xlsx

    return _xlsx(indicator_values_xlsx(queryset), "gia-tri-chi-so.xlsx")


@admin.register(Plan)
class PlanAdmin(AreaScopedAdmin):
    actions = [export_attainment]
    area_path_field = "province__path"
    list_display = ["__str__", "title", "document_number", "signed_on", "year_start", "year_end", "standard"]
    list_filter = ["year_start", "standard"]
    search_fields = ["title", "document_number", "province__name"]
    inlines = [TargetInline]

    def get_queryset(self, request):
        return plans_for_user(request.user)


@admin.register(Target)
class TargetAdmin(AreaScopedAdmin):
    form = TargetForm
    area_path_field = "plan__province__path"
    list_display = ["plan", "indicator", "scope", "shape", "operator", "value", "value_max", "value_unit"]
    list_filter = ["plan", "shape", "scope"]
    search_fields = ["indicator__name_vi", "indicator__code", "source_sentence"]
    autocomplete_fields = ["indicator", "share_indicator"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "name_en", "unit", "lower_is_better", "kind"]
    list_filter = ["kind", "unit"]
    search_fields = ["code", "name_vi", "name_en"]


@admin.register(ReportedValue)
class ReportedValueAdmin(ImportMixin, AreaScopedAdmin):
    list_display = ["indicator", "unit", "year", "month", "value", "numerator", "denominator", "updated_at"]
    list_filter = [AreaListFilter, "year", "indicator"]
    search_fields = ["unit__name", "indicator__name_vi"]
    autocomplete_fields = ["unit"]

    def get_resource_classes(self, request=None):
        from households.roster.resources import ReportedValueResource

        return [ReportedValueResource]

    def has_import_permission(self, request):
        return request.user.has_perm("targets.add_reportedvalue")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        schedule_recompute(obj.unit, obj.year)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        schedule_recompute(obj.unit, obj.year)


@admin.register(ComputedValue)
class ComputedValueAdmin(AreaScopedAdmin):
    actions = [export_indicator_values]
    list_display = ["indicator", "unit", "year", "scope", "numerator", "denominator", "run"]
    list_filter = [AreaListFilter, "year", "scope", "indicator"]
    list_select_related = ["indicator", "unit", "run"]


@admin.register(Attainment)
class AttainmentAdmin(AreaScopedAdmin):
    area_path_field = "target__plan__province__path"
    list_display = ["target", "year", "actual", "progress", "status", "run"]
    list_filter = ["status", "year", "target__plan"]


@admin.register(RecomputeRun)
class RecomputeRunAdmin(admin.ModelAdmin):
    list_display = ["id", "status", "scope", "progress", "rows", "duration_ms", "created_at", "started_at",
                    "finished_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "scope", "progress", "rows", "error", "created_at", "started_at", "finished_at",
                       "duration_ms"]
    change_list_template = "admin/targets/recomputerun/change_list.html"
    change_form_template = "admin/targets/recomputerun/change_form.html"

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [
            path("start/", self.admin_site.admin_view(self.start_view), name="targets_recomputerun_start"),
            path("<int:pk>/progress/", self.admin_site.admin_view(self.progress_view),
                 name="targets_recomputerun_progress"),
            *super().get_urls(),
        ]

    def start_view(self, request):
        if request.method != "POST" or not request.user.has_perm("targets.change_recomputerun"):
            raise PermissionDenied
        run = RecomputeRun.objects.create(scope=_("full recompute"))
        transaction.on_commit(lambda: recompute_task.delay(run_id=run.pk))
        messages.info(request, _("Full recompute #%(id)s queued.") % {"id": run.pk})
        return redirect("admin:targets_recomputerun_change", run.pk)

    def progress_view(self, request, pk):
        run = get_object_or_404(RecomputeRun, pk=pk)
        return JsonResponse({"status": run.status, "status_display": run.get_status_display(),
                             "progress": run.progress, "rows": run.rows, "error": run.error,
                             "duration_ms": run.duration_ms})
