from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin

from povertyplan import admin as base

from .models import Profile, Unit, UnitSuccession, UnitTypePeriod
from .selectors import filter_by_user_area, units_for_user
from .services import profile_save


class AreaListFilter(admin.SimpleListFilter):
    """Filter by any province, district or commune the user can see (the whole subtree under it)."""

    title = _("area")
    parameter_name = "area"
    path_field = "unit__path"

    def lookups(self, request, model_admin):
        units = units_for_user(request.user).filter(depth__lte=2).order_by("path")
        return [(u.pk, ("— " * u.depth) + u.name) for u in units]

    def queryset(self, request, queryset):
        if self.value():
            unit = units_for_user(request.user).filter(pk=self.value()).first()
            if unit:
                return queryset.filter(**{f"{self.path_field}__startswith": unit.path})
            return queryset.none()
        return queryset


class AreaScopedAdmin(base.ModelAdmin):
    """An officer sees and edits only the rows of their own subtree, and picks units only from it."""

    area_path_field = "unit__path"

    def get_queryset(self, request):
        return filter_by_user_area(super().get_queryset(request), request.user, self.area_path_field)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Unit:
            kwargs["queryset"] = units_for_user(request.user).select_related("parent__parent")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class UnitAreaFilter(AreaListFilter):
    path_field = "path"


def _resource(name):
    from households.roster import resources

    return getattr(resources, name)


def _upload_form():
    from households.admin import RosterUploadForm

    class UnitChangesForm(RosterUploadForm):
        file = forms.FileField(label=_("Succession table (.xlsx or .csv)"))
        survey_year = None

    return UnitChangesForm


class TypePeriodInline(admin.TabularInline):
    model = UnitTypePeriod
    extra = 0
    verbose_name_plural = _("past urban / rural types (the type in force today is above)")


@admin.register(Unit)
class UnitAdmin(ImportMixin, AreaScopedAdmin):
    area_path_field = "path"
    import_export_change_list_template = "admin/areas/unit/change_list.html"
    inlines = [TypePeriodInline]
    list_display = [
        "indented_name",
        "code",
        "level",
        "valid_from",
        "valid_to",
        "area_type",
        "extremely_difficult",
        "coastal_or_island",
        "poor_district",
        "poor_commune",
        "ethnic_minority_area",
    ]
    list_filter = [
        UnitAreaFilter,
        "level",
        ("valid_to", admin.EmptyFieldListFilter),
        "area_type",
        "extremely_difficult",
        "coastal_or_island",
        "poor_district",
        "poor_commune",
        "ethnic_minority_area",
    ]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    list_per_page = 100

    def get_resource_classes(self, request=None):
        return [_resource("UnitResource")]

    def has_import_permission(self, request):
        return request.user.is_superuser or request.user.has_perm("areas.add_unit")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent__parent")  # str(unit) names its parents

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, unit):
        return ("— " * unit.depth) + unit.name

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import-changes/", view(self.changes_view), name="areas_unit_import_changes"),
            *super().get_urls(),
        ]

    def changes_view(self, request):
        """Upload a succession table (the reform as data): checked whole, written in one transaction or not at all."""
        from households.roster.reader import UnreadableFile

        from .changes import COLUMNS, import_unit_changes

        if not self.has_import_permission(request):
            raise PermissionDenied
        form = _upload_form()(request.POST or None, request.FILES or None)
        result, unreadable = None, None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_unit_changes(upload.read(), upload.name)
            except UnreadableFile as error:
                unreadable = str(error)
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "opts": self.model._meta,
            "title": gettext("Import a succession table of units"),
            "columns": COLUMNS,
            "result": result,
            "unreadable": unreadable,
        }
        return TemplateResponse(request, "admin/areas/unit/import_changes.html", context)


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(base.ModelAdmin):
    """What the succession tables said: read here, written only by an import."""

    list_display = ["old", "new", "valid_from", "share", "village"]
    list_filter = ["valid_from"]
    search_fields = ["old__code", "old__name", "new__code", "new__name"]
    list_select_related = ["old__parent__parent", "new__parent__parent", "village__parent__parent"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Profile)
class ProfileAdmin(AreaScopedAdmin):
    """Administrators give each user a role (its group of permissions) and the unit they work in."""

    list_display = ["user", "role", "unit"]
    list_filter = ["role", AreaListFilter]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["unit", "user"]

    def save_model(self, request, obj, form, change):
        profile_save(obj.user, obj.role, obj.unit)


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    autocomplete_fields = ["unit"]
    verbose_name_plural = _("role and area")


class UserWithAreaAdmin(base.PermissionsInLanguageMixin, UserAdmin):
    """The users page of administrators: each user with their role (group of permissions) and unit."""

    inlines = [ProfileInline]
    list_display = ["username", "first_name", "last_name", "role", "area", "is_active", "last_login"]
    list_filter = ["profile__role", "is_active", "is_staff"]
    list_select_related = ["profile__unit"]

    @admin.display(description=_("role"), ordering="profile__role")
    def role(self, user):
        return user.profile.get_role_display() if hasattr(user, "profile") else "—"

    @admin.display(description=_("area"), ordering="profile__unit__path")
    def area(self, user):
        return user.profile.unit.name if hasattr(user, "profile") and user.profile.unit_id else "—"

    def get_queryset(self, request):
        return filter_by_user_area(super().get_queryset(request), request.user, "profile__unit__path")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        profile = Profile.objects.filter(user=form.instance).first()
        if profile is not None:
            profile_save(form.instance, profile.role, profile.unit)


class GroupInLanguageAdmin(base.PermissionsInLanguageMixin, GroupAdmin):
    pass


admin.site.unregister(User)
admin.site.register(User, UserWithAreaAdmin)
admin.site.unregister(Group)
admin.site.register(Group, GroupInLanguageAdmin)
