from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from approvals.admin import LockedDataAdminMixin
from approvals.models import DataKind
from areas.admin import AreaListFilter, AreaScopedAdmin
from povertyplan import admin as base

from . import names
from .forms import DWELLING_FIELDS
from .models import Household, Member, PovertyStandard, RosterExport, RosterImport
from .names import rule_text
from .roster import export, writer
from .roster.export_jobs import FILE_NAMES, start_export
from .roster.jobs import cancel_jobs, confirm_job, problems_xlsx, start_job, sweep_jobs
from .roster.resources import HouseholdRosterResource
from .roster.service import max_upload_bytes
from .services import (
    EditConflict,
    household_delete,
    household_problems,
    household_save,
    standard_for_year,
    version_of,
)
from .standards.names import DEPRIVATION_NAMES
from .tasks import reclassify_standard_task


class MemberFormSet(BaseInlineFormSet):
    """The members together with their household: every rule of households.services.household_problems is shown
    beside the household's field it concerns, before anything is saved."""

    def __init__(self, *args, household_form=None, **kwargs):
        self.household_form = household_form
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        form = self.household_form
        if form is None or any(self.errors) or not form.is_valid():
            return
        problems = household_problems(self.instance, self.members(), getattr(form, "standard", None))
        if not problems:
            return
        for field, message in problems.items():
            form.add_error(field if field in form.fields else None, message)
        raise ValidationError(_("The household cannot be classified as entered: see the messages above."))

    def members(self) -> list[Member]:
        """The members as entered: those kept, and the blank rows filled in."""
        return [
            f.instance for f in self.forms if not self._should_delete_form(f) and (f.instance.pk or f.has_changed())
        ]

    def note_saved(self, members: list[Member], added: set) -> None:
        """What the admin's change message reads after a save (formset.save() would set it)."""
        self.new_objects = [m for m in members if m.pk in added]
        self.changed_objects = [
            (f.instance, f.changed_data) for f in self.initial_forms if f.instance in members and f.has_changed()
        ]
        self.deleted_objects = [f.instance for f in self.initial_forms if self._should_delete_form(f)]


class MemberInline(base.TabularInline):
    model = Member
    formset = MemberFormSet
    extra = 0
    fields = list(writer.MEMBER_FIELDS)  # the roster's order of the member columns


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (.xlsx, .xls, .ods or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv"}),
    )
    survey_year = forms.IntegerField(
        label=_("Survey year"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("For files without a “Survey year” column."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                gettext("The file is larger than %(mb)s MB: split it.") % {"mb": max_upload_bytes() // 1024 // 1024}
            )
        if not upload.name.lower().endswith((".xlsx", ".xls", ".ods", ".csv")):
            raise forms.ValidationError(gettext("Choose an .xlsx, .xls, .ods or .csv file."))
        return upload


def deprivation_choices():
    """Every indicator of deprivation by its name, in the language of the request: a callable, which Django
    evaluates on each use (any other iterable it turns into a list once, at import, in Vietnamese)."""
    return [(code, names.indicator(code)) for code in DEPRIVATION_NAMES]


class HouseholdForm(forms.ModelForm):
    """Checks what the household's own fields decide: a standard for the survey year, roster answers that are
    indicator names of it. What needs the members too is checked by MemberFormSet. (The admin gives the fields.)"""

    # Ticked names, not a JSON text box. None (no roster answers: the members decide) stays None when nothing is ticked.
    reported_deprivations = forms.MultipleChoiceField(
        label=_("deprivations as the roster reports them"),
        required=False,
        choices=deprivation_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for a household recorded from a roster's answers."),
    )

    # The edit lock: the version of the record the editor loaded (households.services.version_of).
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Household
        fields = ["reported_deprivations"]  # the admin adds the fields of its fieldsets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version_of(self.instance) if self.instance.pk else ""

    def clean_reported_deprivations(self):
        ticked = self.cleaned_data["reported_deprivations"]
        if not ticked and self.instance.reported_deprivations is None:
            return None
        return sorted(ticked)

    def clean(self):
        data = super().clean()
        self.standard = None
        if data.get("survey_year") is not None and "survey_year" not in self.errors:
            try:
                self.standard = standard_for_year(data["survey_year"])
            except ValidationError as error:
                self.add_error("survey_year", error.message_dict["survey_year"])
        return data


@admin.register(Household)
class HouseholdAdmin(LockedDataAdminMixin, ExportMixin, AreaScopedAdmin):
    import_export_change_list_template = "admin/households/household/change_list.html"
    form = HouseholdForm
    export_form_class = base.ExportForm
    # The Export page writes the answers layout in the two formats the roster import reads, so what it writes comes
    # back in; the links beside it export each layout in .xlsx.
    resource_classes = [HouseholdRosterResource]
    export_formats = [base.XLSX, base.CSV]
    approval_kind = DataKind.HOUSEHOLDS
    approval_year_field = "survey_year"
    list_display = [
        "code",
        "survey_year",
        "head_name",
        "unit",
        "ethnicity",
        "income_per_capita",
        "member_count",
        "classification",
        "deprivation_count",
    ]
    list_filter = [AreaListFilter, "survey_year", "classification", "ethnicity", "area_type", "standard"]
    search_fields = ["code", "head_name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit__parent__parent"]
    readonly_fields = [
        "standard",
        "classification",
        "deprived_indicators",
        "deprivation_count",
        "low_income_worker",
        "rule_applied",
    ]
    inlines = [MemberInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "unit",
                    "survey_year",
                    "code",
                    "head_name",
                    "ethnicity",
                    "area_type",
                    "income_per_capita",
                    "member_count",
                    "version",
                ]
            },
        ),
        (
            _("Dwelling"),
            {"fields": DWELLING_FIELDS},
        ),
        (_("Roster answers"), {"fields": ["reported_deprivations"], "classes": ["collapse"]}),
        (_("Classification (derived)"), {"fields": readonly_fields}),
    ]

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)

        class RememberedForm(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                request.household_form = self  # for the members' formset, built right after

        return RememberedForm

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, MemberInline):
            kwargs["household_form"] = getattr(request, "household_form", None)
        return kwargs

    @admin.display(description=_("rule applied"))
    def rule_applied(self, household):
        return rule_text(household.classification_rule)

    @admin.display(description=_("deprived indicators"))
    def deprived_indicators(self, household):
        return ", ".join(names.indicators(household.deprivations)) or "—"

    refusals = (ValidationError, EditConflict)  # from household_save: shown on the form, nothing written

    def save_model(self, request, obj, form, change):
        """Nothing yet: the household is saved with its members by the household service, in save_related."""

    def save_related(self, request, form, formsets, change):
        """The household with its members through the service every other path uses: the edit lock (the version
        the page was loaded at), the approval lock, classification and history, in one save."""
        (member_formset,) = formsets
        members = member_formset.members()
        before = set(form.instance.members.values_list("pk", flat=True)) if change else set()
        version = form.cleaned_data.get("version") if change else None
        household_save(form.instance, members, expected_version=version or None)
        member_formset.note_saved(members, {m.pk for m in members} - before)

    def delete_model(self, request, obj):
        household_delete(obj)

    def delete_queryset(self, request, queryset):
        for household in queryset.select_related("unit"):
            household_delete(household)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("roster-import/", view(self.roster_import_view), name="households_household_roster_import"),
            path(
                "roster-template/<str:layout>/", view(self.template_view), name="households_household_roster_template"
            ),
            path("export-xlsx/", view(self.export_xlsx_view), name="households_household_export_xlsx"),
            path("export-xlsx/<str:layout>/", view(self.export_xlsx_view), name="households_household_export_layout"),
            *super().get_urls(),
        ]

    def roster_import_view(self, request):
        """The import page: an upload, then the job page that checks, previews and imports."""
        if not request.user.has_perm("households.add_rosterimport"):
            raise PermissionDenied
        form = RosterUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            job = start_job(form.cleaned_data["file"], request.user, form.cleaned_data["survey_year"])
            return redirect("admin:households_rosterimport_change", job.pk)
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "opts": self.model._meta,
            "title": gettext("Import a household roster"),
            "layouts": [
                (layout, reverse("admin:households_household_roster_template", args=[layout]), label)
                for layout, label in (
                    ("two_sheets", _("two sheets: households and members")),
                    ("member_rows", _("one sheet, a row per member")),
                    ("answers", _("one row per household with the deprivations ticked")),
                )
            ],
        }
        return TemplateResponse(request, "admin/households/household/roster_import.html", context)

    def template_view(self, request, layout):
        if layout not in export.LAYOUTS:
            raise PermissionDenied
        return xlsx_response(export.template(layout), f"mau-danh-sach-ho-{layout.replace('_', '-')}.xlsx")

    def export_xlsx_view(self, request, layout="two_sheets"):
        """The households of the current list filters, all their survey years, in a roster layout that imports back:
        at once when few, else (past ROSTER_EXPORT_DIRECT_MAX) by a background job, once the user confirms."""
        if layout not in export.LAYOUTS:
            raise Http404
        households = self.get_changelist_instance(request).get_queryset(request)
        count = households.count()
        if count <= settings.ROSTER_EXPORT_DIRECT_MAX:
            try:
                data = export.households_xlsx(households, layout)
            except export.TooManyRows as error:
                messages.error(request, str(error))
                return redirect(reverse("admin:households_household_changelist") + "?" + request.GET.urlencode())
            return xlsx_response(data, f"{FILE_NAMES[layout]}.xlsx")
        if request.method == "POST":
            job = start_export(request.user, layout, request.GET.urlencode())
            return redirect("admin:households_rosterexport_change", job.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Export the household list"),
            "count": count,
            "layout": RosterExport.Layout(layout).label,
        }
        return TemplateResponse(request, "admin/households/household/export_confirm.html", context)


@admin.register(PovertyStandard)
class PovertyStandardAdmin(base.ModelAdmin):
    list_display = [
        "__str__",
        "name",
        "first_year",
        "last_year",
        "deprivation_line_rural",
        "deprivation_line_urban",
        "min_deprivations",
        "confirmed_thresholds",
    ]

    @admin.display(description=_("thresholds checked against the published text"))
    def confirmed_thresholds(self, obj):
        entries = obj.provenance.values() if isinstance(obj.provenance, dict) else ()
        confirmed = sum(1 for entry in entries if isinstance(entry, dict) and entry.get("confirmed") is True)
        return f"{confirmed} / {len(entries)}"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            edited = list(form.changed_data)
            transaction.on_commit(lambda: reclassify_standard_task.delay(obj.pk, edited))
            messages.info(request, _("The households of %(code)s are being reclassified.") % {"code": obj})


@admin.action(description=_("Cancel the selected imports that have not ended"))
def cancel_selected_imports(modeladmin, request, queryset):
    if not request.user.is_superuser:
        raise PermissionDenied
    cancelled = cancel_jobs(queryset, request.user)
    messages.info(request, gettext("%(count)s imports cancelled.") % {"count": cancelled})


@admin.register(RosterImport)
class RosterImportAdmin(admin.ModelAdmin):
    actions = [cancel_selected_imports]
    list_display = ["id", "original_name", "user", "status", "progress", "problem_count", "created_at", "finished_at"]
    list_filter = ["status"]
    readonly_fields = [
        "original_name",
        "user",
        "survey_year",
        "status",
        "progress",
        "problem_count",
        "error",
        "created_at",
        "started_at",
        "finished_at",
        "attempt",
        "heartbeat_at",
    ]
    exclude = ["file", "summary", "problems", "stage"]
    change_form_template = "admin/households/rosterimport/change_form.html"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:households_household_roster_import")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/progress/", view(self.progress_view), name="households_rosterimport_progress"),
            path("<int:pk>/confirm/", view(self.confirm_view), name="households_rosterimport_confirm"),
            path("<int:pk>/errors.xlsx", view(self.errors_view), name="households_rosterimport_errors"),
            *super().get_urls(),
        ]

    def _job(self, request, pk):
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        sweep_jobs(jobs=self.get_queryset(request).filter(pk=object_id))
        job = self._job(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "job": job,
            "problems_shown": job.problems[:200],
            "summary_lines": job.summary.get("summary", []),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def progress_view(self, request, pk):
        sweep_jobs(jobs=self.get_queryset(request).filter(pk=pk))
        job = self._job(request, pk)
        return JsonResponse(
            {
                "status": job.status,
                "status_display": job.get_status_display(),
                "progress": job.progress,
                "stage": job.stage,
                "problem_count": job.problem_count,
                "summary": job.summary.get("summary", []),
                "error": job.error,
            }
        )

    def confirm_view(self, request, pk):
        job = self._job(request, pk)
        if request.method != "POST" or not request.user.has_perm("households.add_rosterimport"):
            raise PermissionDenied
        if confirm_job(job):
            messages.info(request, gettext("Import of %(file)s started.") % {"file": job.original_name})
        return redirect("admin:households_rosterimport_change", job.pk)

    def errors_view(self, request, pk):
        job = self._job(request, pk)
        return xlsx_response(problems_xlsx(job), f"loi-nhap-{job.pk}.xlsx")


@admin.register(RosterExport)
class RosterExportAdmin(admin.ModelAdmin):
    """The exports of the household list: each user sees and downloads their own (a superuser every one)."""

    list_display = ["id", "layout", "user", "status", "progress", "household_count", "created_at", "finished_at"]
    list_filter = ["status", "layout"]
    readonly_fields = [
        "layout",
        "user",
        "status",
        "progress",
        "household_count",
        "error",
        "created_at",
        "started_at",
        "finished_at",
    ]
    exclude = ["file", "query"]
    change_form_template = "admin/households/rosterexport/change_form.html"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("households.view_household")  # whoever lists households follows their exports

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/progress/", view(self.progress_view), name="households_rosterexport_progress"),
            path("<int:pk>/download/", view(self.download_view), name="households_rosterexport_download"),
            *super().get_urls(),
        ]

    def _job(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "job": self._job(request, object_id)}
        return super().change_view(request, object_id, form_url, extra_context)

    def progress_view(self, request, pk):
        job = self._job(request, pk)
        return JsonResponse(
            {
                "status": job.status,
                "status_display": job.get_status_display(),
                "progress": job.progress,
                "error": job.error,
            }
        )

    def download_view(self, request, pk):
        job = self._job(request, pk)
        if job.status != RosterExport.Status.DONE or not job.file:
            raise Http404
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])
