from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError

from areas.admin import AreaListFilter, AreaScopedAdmin

from .models import Approval, ApprovalEvent
from .services import lock_message, locked_units


class LockedDataAdminMixin:
    """Admin for data under approval: a record of a submitted or approved unit and year is shown read-only with
    who locked it, cannot be deleted, and no record can be added or moved into one."""

    approval_kind: str = ""
    approval_year_field = "year"

    def _locks(self, objs) -> dict:
        by_year = {}
        for obj in objs:
            by_year.setdefault(getattr(obj, self.approval_year_field), []).append(obj)
        found = {}
        for year, group in by_year.items():
            locks = locked_units({o.unit for o in group}, year, self.approval_kind)
            found.update({o.pk: locks[o.unit_id] for o in group if o.unit_id in locks})
        return found

    def data_lock(self, obj):
        if obj is None or obj.pk is None or not obj.unit_id:
            return None
        return self._locks([obj]).get(obj.pk)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.data_lock(obj) is None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        lock = self.data_lock(obj)
        if lock is not None and request.method == "GET":
            messages.warning(request, lock_message(lock))
        return super().change_view(request, object_id, form_url, extra_context)

    def get_deleted_objects(self, objs, request):
        """A locked record is listed as protected, with who locked it: the delete pages then refuse."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        locks = self._locks(list(objs))
        protected = list(protected) + [f"{obj}: {lock_message(locks[obj.pk])}" for obj in objs if obj.pk in locks]
        return deleted, counts, perms_needed, protected

    # What the admin's save (the model's service) may refuse with: shown on the form, nothing written.
    refusals: tuple[type[Exception], ...] = (ValidationError,)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """The service that saves the record checks the locks (and its other rules) inside the admin's transaction:
        when it refuses, that transaction is rolled back and the form is shown again with the refusal."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except self.refusals as refusal:
            if request.method != "POST" or hasattr(request, "service_refusal"):
                raise
            request.service_refusal = refusal
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)

        class RefusalShownForm(base):
            def clean(self):
                data = super().clean()
                refusal = getattr(request, "service_refusal", None)
                if isinstance(refusal, ValidationError) and hasattr(refusal, "error_dict"):
                    for field, messages_ in refusal.message_dict.items():
                        self.add_error(field if field in self.fields else None, messages_)
                elif refusal is not None:
                    self.add_error(None, getattr(refusal, "messages", None) or str(refusal))
                return data

        return RefusalShownForm


class ApprovalEventInline(admin.TabularInline):
    model = ApprovalEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_state", "to_state", "user", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Approval)
class ApprovalAdmin(AreaScopedAdmin):
    """Read-only: approvals move only through the approval page, which checks who may."""

    list_display = ["unit", "kind", "year", "state", "submitted_by", "submitted_at", "decided_by", "decided_at"]
    list_filter = [AreaListFilter, "kind", "year", "state"]
    search_fields = ["unit__name", "unit__code"]
    list_select_related = ["unit", "submitted_by", "decided_by"]
    inlines = [ApprovalEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
