from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from areas.admin import AreaListFilter, AreaScopedAdmin

from .models import Household, Member, PovertyStandard
from .services import household_delete, household_reclassify
from .tasks import reclassify_standard_task


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    fields = ["full_name", "age", "sex", "education", "in_school", "on_track", "health_insurance", "employment",
              "able_to_work", "disabled", "social_allowance", "malnourished", "sick_untreated", "uses_phone",
              "uses_internet", "job_training_certificate"]


@admin.register(Household)
class HouseholdAdmin(ExportMixin, AreaScopedAdmin):
    list_display = ["code", "survey_year", "head_name", "unit", "ethnicity", "income_per_capita", "member_count",
                    "classification", "deprivation_count"]
    list_filter = [AreaListFilter, "survey_year", "classification", "ethnicity", "area_type", "standard"]
    search_fields = ["code", "head_name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    readonly_fields = ["standard", "classification", "deprivations", "deprivation_count", "low_income_worker",
                       "classification_rule"]
    inlines = [MemberInline]
    fieldsets = [
        (None, {"fields": ["unit", "survey_year", "code", "head_name", "ethnicity", "area_type", "income_per_capita",
                           "member_count"]}),
        (_("Dwelling"), {"fields": ["house_class", "nondurable_structures", "floor_area_m2", "water_source", "latrine",
                                    "has_tv", "has_radio", "has_computer", "has_smartphone", "loudspeaker_audible"]}),
        (_("Roster answers"), {"fields": ["reported_deprivations"], "classes": ["collapse"]}),
        (_("Classification (derived)"), {"fields": readonly_fields}),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        household = form.instance
        count = household.members.count()
        if count:
            household.member_count = count
        household_reclassify(household)

    def save_model(self, request, obj, form, change):
        obj.classification = obj.classification or "not_poor"  # replaced in save_related, same transaction
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        household_delete(obj)

    def delete_queryset(self, request, queryset):
        for household in queryset.select_related("unit"):
            household_delete(household)


@admin.register(PovertyStandard)
class PovertyStandardAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "first_year", "last_year", "deprivation_line_rural", "deprivation_line_urban",
                    "min_deprivations"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            transaction.on_commit(lambda: reclassify_standard_task.delay(obj.pk))
            messages.info(request, _("The households of %(code)s are being reclassified.") % {"code": obj.code})
