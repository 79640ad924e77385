"""Officers' pages for household records: list, record, entry form (with members), answers form.
Reads through households.selectors (scoped to the user's area), writes through households.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from approvals.models import DataKind
from approvals.services import lock_notice
from areas.selectors import ceased_area_notice, units_for_user

from . import names, selectors
from .forms import (
    DWELLING_FIELDS,
    MEMBER_FIELDS,
    AnswersForm,
    HouseholdFilterForm,
    HouseholdForm,
    LockedForm,
    MemberFormSet,
    indicators_by_year,
)
from .models import Household, Member, PovertyStandard, RosterExport
from .services import EditConflict, household_preview, household_save, version_of

PAGE_SIZE = 50
DONE_TOKENS = "households_done_tokens"


def can_enter_data(user) -> bool:
    return user.has_perm("households.change_household") and user.has_perm("households.add_household")


def _require_entry(user):
    if not can_enter_data(user):
        raise PermissionDenied(
            ceased_area_notice(user) or _("Your role may look at household records but not change them.")
        )


@login_required
def household_list(request):
    filters = HouseholdFilterForm(request.GET or None, user=request.user)
    values = filters.cleaned_data if filters.is_valid() else {}
    given = {k: v for k, v in values.items() if v not in (None, "")}
    households = selectors.household_list(request.user, **given)
    counts = selectors.classification_counts(households)
    to_finish = 0 if given.get("to_finish") else selectors.household_list(request.user, **given | {"to_finish": True})
    to_finish = to_finish and to_finish.count()
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "households/household_list.html",
        {
            "filters": filters,
            "page": page,
            "total": page.paginator.count,
            "query": query.urlencode(),
            "counts": [
                (
                    value,
                    label,
                    None if value == "middle" and not _has_middle_band(given.get("year")) else counts.get(value, 0),
                )
                for value, label in Household._meta.get_field("classification").choices
            ],
            "can_enter": can_enter_data(request.user),
            "to_finish": to_finish,
            "roster": _roster_links(request.user, values, filters),
            "roster_import": values.get("roster_import"),
            "period": _period(request.user, values),
            "here": request.get_full_path(),
        },
    )


# The list's filters that the admin's household list (where the exports run) applies, under its own names.
_ADMIN_FILTERS = {
    "unit": "area",
    "year": "survey_year__exact",
    "classification": "classification__exact",
    "ethnicity": "ethnicity__exact",
    "area_type": "area_type__exact",
    "q": "q",
}
EXPORT_LAYOUTS = (
    ("two_sheets", gettext_lazy("Export .xlsx (two sheets)")),
    ("member_rows", gettext_lazy("Export .xlsx (a row per member)")),
    ("answers", gettext_lazy("Export .xlsx (deprivations ticked)")),
)


def _roster_links(user, values, filters):
    """Import, templates and exports of the roster, for a user the admin lets do them (staff, with the
    permissions): the exports take the list's filters the admin's list applies and name those it cannot."""
    if not user.is_staff:
        return None
    can_import = user.has_perm("households.add_rosterimport")
    can_export = user.has_perm("households.view_household")
    if not (can_import or can_export):
        return None
    query, ignored = QueryDict(mutable=True), []
    for name, value in values.items():
        if value in (None, "", False):
            continue
        if name not in _ADMIN_FILTERS:
            ignored.append(str(filters.fields[name].label))
            continue
        if name == "unit":
            value = units_for_user(user).filter(code=value).values_list("pk", flat=True).first()
        query[_ADMIN_FILTERS[name]] = value
    suffix = f"?{query.urlencode()}" if query else ""
    return {
        "import_url": reverse("admin:households_household_roster_import") if can_import else "",
        "imports_url": reverse("admin:households_rosterimport_changelist") if can_import else "",
        "templates": [
            (reverse("admin:households_household_roster_template", args=[layout]), label)
            for layout, label in RosterExport.Layout.choices
        ]
        if can_import
        else [],
        "exports": [
            (reverse("admin:households_household_export_layout", args=[layout]) + suffix, label)
            for layout, label in EXPORT_LAYOUTS
        ]
        if can_export
        else [],
        "ignored": ignored,
    }


def _period(user, filters):
    """The approval of the households listed, when they are one unit's (the filter's, or the user's own) of one
    survey year: where a returned period's comment is read while correcting it."""
    from approvals.selectors import period_of
    from areas.selectors import units_for_user

    if filters.get("boundaries"):  # households of old units mapped into today's unit: no one approval period
        return None
    own = getattr(getattr(user, "profile", None), "unit", None)
    code = filters.get("unit") or (own.code if own else "")
    unit = units_for_user(user).exclude(level="village").filter(code=code).first() if code else None
    return period_of(user, unit, filters["year"], DataKind.HOUSEHOLDS) if unit and filters.get("year") else None


@login_required
def household_detail(request, pk):
    household = selectors.get_household_for_user(request.user, pk)
    years = selectors.household_years(request.user, household)
    return render(
        request,
        "households/household_detail.html",
        {
            "household": household,
            "members": household.members.order_by("id"),
            "deprivations": [(code, names.indicator(code)) for code in household.deprivations],
            "not_surveyed": [names.indicator(code) for code in household.not_surveyed],
            "other_classifications": _named(selectors.classifications_of(household)[1:]),
            "years": [{**y, "label": names.transition(y["transition"])} for y in years],
            "history": selectors.change_history(household),
            "can_enter": can_enter_data(request.user),
            "has_detail": household.members.exists() and bool(household.house_class),
            "lock_notice": _household_lock(household),
            "next_year_open": not household.unit.entry_refusal(household.survey_year + 1),
        },
    )


def _has_middle_band(year) -> bool:
    """False when the standard of the review `year` has no medium living band (Decree 351 until one is set)."""
    standard = PovertyStandard.objects.of_year(year) if year else None
    return standard is None or standard.middle_line_rural is not None


def _named(classifications):
    for c in classifications:
        c.deprivation_names = [names.indicator(code) for code in c.deprivations]
        c.not_surveyed_names = [names.indicator(code) for code in c.not_surveyed]
    return classifications


def _add_service_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _done(request, token):
    return request.session.get(DONE_TOKENS, {}).get(token) if token else None


def _remember(request, token, pk):
    if token:
        done = request.session.get(DONE_TOKENS, {})
        done[token] = pk
        request.session[DONE_TOKENS] = dict(list(done.items())[-50:])


def _copy_initial(request):
    """ "Copy from last year": this year's record starts from the same household's last record."""
    source = request.GET.get("copy")
    if not source:
        return {}, []
    if not (source.isdigit() and len(source) <= 9):  # an id, not text or a number past the column's range
        raise Http404
    old = selectors.get_household_for_user(request.user, source)
    initial = {f: getattr(old, f) for f in HouseholdForm._meta.fields if f != "unit"}
    initial.update(unit=old.unit_id, survey_year=old.survey_year + 1)
    members = [
        {f: getattr(m, f) for f in MEMBER_FIELDS} | {"age": min(m.age + 1, 120)} for m in old.members.order_by("id")
    ]
    return initial, members


def _bind(request, household, data=None):
    locked = LockedForm(data, initial={"version": version_of(household) if household.pk else ""})
    form = HouseholdForm(data, instance=household, user=request.user)
    formset = MemberFormSet(data, instance=household, prefix="members")
    return locked, form, formset


def _household_lock(household) -> str:
    """Why a stored household may not be changed — its unit takes no data of that review year (it did not exist;
    its level was abolished), or the data is locked — read before a post rebinds them; "" if it may."""
    if not household.pk:
        return ""
    return household.unit.entry_refusal(household.survey_year) or lock_notice(
        household.unit, household.survey_year, DataKind.HOUSEHOLDS
    )


def _members(formset) -> list[Member]:
    return [f.instance for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


@login_required
def household_edit(request, pk=None):
    """The entry form of a household's survey record with its members (new when pk is None)."""
    _require_entry(request.user)
    household = selectors.get_household_for_user(request.user, pk) if pk else Household()
    locked_by = _household_lock(household)
    if request.method == "POST":
        token = request.POST.get("token")
        if (done := _done(request, token)) is not None:
            messages.info(request, _("This form had already been saved; it was not saved twice."))
            return redirect("households:detail", done)
        locked, form, formset = _bind(request, household, request.POST)
        if locked.is_valid() and form.is_valid() and formset.is_valid():
            saved = _save(request, form, lambda h: _members(formset), locked)
            if saved is not None:
                return saved
    else:
        initial, member_rows = _copy_initial(request) if not pk else ({}, [])
        locked, form, formset = _bind(request, household)
        if initial:
            form = HouseholdForm(instance=household, user=request.user, initial=initial)
            formset = MemberFormSet(instance=household, prefix="members", initial=member_rows)
            formset.extra = len(member_rows)
    return render(
        request,
        "households/household_form.html",
        {
            "household": household,
            "form": form,
            "formset": formset,
            "locked": locked,
            "copied": bool(request.GET.get("copy")),
            "dwelling_fields": DWELLING_FIELDS,
            "lock_notice": locked_by,
        },
    )


@login_required
def household_answers(request, pk=None):
    """The answers form, for communes that keep only income, member count and ticked deprivations."""
    _require_entry(request.user)
    household = selectors.get_household_for_user(request.user, pk) if pk else Household()
    locked_by = _household_lock(household)
    data = request.POST if request.method == "POST" else None
    if data is not None and (done := _done(request, data.get("token"))) is not None:
        messages.info(request, _("This form had already been saved; it was not saved twice."))
        return redirect("households:detail", done)
    locked = LockedForm(data, initial={"version": version_of(household) if household.pk else ""})
    initial = {"survey_year": request.GET.get("year")} if request.GET.get("year") else {}
    form = AnswersForm(data, instance=household, user=request.user, initial=initial)
    if data is not None and locked.is_valid() and form.is_valid():
        saved = _save(request, form, lambda h: [], locked)
        if saved is not None:
            return saved
    return render(
        request,
        "households/household_answers.html",
        {
            "household": household,
            "form": form,
            "locked": locked,
            "lock_notice": locked_by,
            "indicators_by_year": indicators_by_year(),
        },
    )


def _save(request, form, members_of, locked):
    household = form.save(commit=False)
    members = members_of(household)
    if members:  # the entry form has no answers: its members replace the roster's
        household.reported_deprivations = None
    version = locked.cleaned_data.get("version") or None
    try:
        household_save(household, members, expected_version=version if household.pk else None)
    except EditConflict as conflict:
        form.add_error(None, str(conflict))
        return None
    except ValidationError as error:
        _add_service_errors(form, error)
        return None
    except IntegrityError:
        existing = (
            selectors.households_for_user(request.user)
            .filter(survey_year=household.survey_year, code=household.code)
            .first()
        )
        if existing is None:
            raise
        messages.info(request, _("This household was already saved; it was not saved twice."))
        return redirect("households:detail", existing.pk)
    _remember(request, locked.cleaned_data.get("token"), household.pk)
    messages.success(
        request,
        _("Household %(code)s saved: %(classification)s.")
        % {"code": household.code, "classification": household.get_classification_display()},
    )
    return redirect("households:detail", household.pk)


def _problems(form) -> list[tuple[bool, str]]:
    """What is wrong in a form, each problem named by its field ("Thu nhập …: “2.5tr” không phải số tiền …"), and
    whether it is only a box not filled in yet."""
    problems = []
    for name, errors in form.errors.as_data().items():
        if name in ("version", "token"):
            continue
        missing = all(e.code == "required" for e in errors)
        text = "; ".join(
            str(_("not filled in")) if e.code == "required" else " ".join(e.messages).rstrip(".") for e in errors
        )
        problems.append((missing, f"{capfirst(form.fields[name].label)}: {text}" if name in form.fields else text))
    return problems


@login_required
@require_POST
def classify_preview(request, pk=None):
    """The classification of the form as it stands, by the same engine as the save; nothing is written."""
    _require_entry(request.user)
    household = selectors.get_household_for_user(request.user, pk) if pk else Household()
    if request.POST.get("form") == "answers":
        form, members = AnswersForm(request.POST, instance=household, user=request.user), []
        valid, problems = form.is_valid(), _problems(form)
    else:
        form, formset = _bind(request, household, request.POST)[1:]
        valid = form.is_valid() & formset.is_valid()
        members = _members(formset) if valid else []
        problems = (
            _problems(form)
            + [(False, e.rstrip(".")) for e in formset.non_form_errors()]
            + [
                (missing, f"{_('Member')} {number} – {problem}")
                for number, member in enumerate((f for f in formset.forms if not f.cleaned_data.get("DELETE")), 1)
                for missing, problem in _problems(member)
            ]
        )
    if not valid:
        # what was typed wrong first, then what is missing; three at most in the panel
        texts = [text for _missing, text in sorted(problems, key=lambda problem: problem[0])]
        message = "; ".join(texts[:3]) + ("; …" if len(texts) > 3 else ".")
        return JsonResponse(
            {
                "ok": False,
                "message": _("Not classified yet: %(problems)s") % {"problems": message}
                if texts
                else _("Fill in the required fields to see the classification."),
            }
        )
    household = form.save(commit=False)
    if members:
        household.reported_deprivations = None
    try:
        result = household_preview(household, members)
    except ValidationError as error:
        return JsonResponse({"ok": False, "message": " ".join(error.messages)})
    return JsonResponse(
        {
            "ok": True,
            "classification": result.classification,
            "label": household.get_classification_display(),
            "standard": result.standard,
            "rule": names.rule_text(result.rule),
            "deprivations": [{"code": c, "name": names.indicator(c)} for c in result.deprivations],
        }
    )
