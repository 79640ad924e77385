from django.contrib import admin

from areas.admin import AreaListFilter, AreaScopedAdmin

from .forms import TargetForm
from .models import Attainment, ComputedValue, Indicator, Plan, RecomputeRun, ReportedValue, Target
from .selectors import plans_for_user
from .services import schedule_recompute


class TargetInline(admin.StackedInline):
    model = Target
    form = TargetForm
    fk_name = "plan"
    extra = 0
    autocomplete_fields = ["indicator", "share_indicator"]


@admin.register(Plan)
class PlanAdmin(AreaScopedAdmin):
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
class ReportedValueAdmin(AreaScopedAdmin):
    list_display = ["indicator", "unit", "year", "month", "value", "numerator", "denominator", "updated_at"]
    list_filter = [AreaListFilter, "year", "indicator"]
    search_fields = ["unit__name", "indicator__name_vi"]
    autocomplete_fields = ["unit"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        schedule_recompute(obj.unit, obj.year)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        schedule_recompute(obj.unit, obj.year)


@admin.register(ComputedValue)
class ComputedValueAdmin(AreaScopedAdmin):
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
    list_display = ["id", "status", "scope", "progress", "rows", "created_at", "started_at", "finished_at"]
    list_filter = ["status"]
