from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from areas.selectors import units_for_user

from .models import Action, DataKind, State
from .selectors import allowed_actions, approval_board, board_counts, data_years, get_approval_for_user
from .services import approval_transition


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@login_required
def approval_list(request):
    visible = units_for_user(request.user)
    own = getattr(getattr(request.user, "profile", None), "unit", None)
    roots = [own] if own is not None else list(visible.filter(depth=0))
    root = visible.filter(code=request.GET.get("unit", "")).first() or (roots[0] if roots else None)
    if root is None:
        raise Http404
    years = data_years(request.user)
    year = _int(request.GET.get("year")) or (years[0] if years else None)
    kind = request.GET.get("kind") if request.GET.get("kind") in DataKind.values else DataKind.HOUSEHOLDS
    rows = approval_board(request.user, root, year, kind) if year else []
    counts = board_counts(rows)
    state = request.GET.get("state", "")
    if state == "pending":  # not submitted yet: open or returned, and not covered by an approval above
        rows = [r for r in rows if r.state in (State.OPEN, State.RETURNED) and not r.covered_above]
    elif state in State.values:
        rows = [r for r in rows if r.state == state]
    return render(
        request,
        "approvals/approval_list.html",
        {
            "rows": rows,
            "counts": counts,
            "root": root,
            "roots": roots,
            "year": year,
            "years": years,
            "kind": kind,
            "kinds": DataKind.choices,
            "state": state,
            "states": State.choices,
            "here": request.get_full_path(),
            "pending": counts[State.OPEN] + counts[State.RETURNED],
        },
    )


@login_required
def approval_detail(request, unit_code, year, kind):
    unit, approval = get_approval_for_user(request.user, unit_code, year, kind)
    events = approval.events.select_related("user") if approval else []
    return render(
        request,
        "approvals/approval_detail.html",
        {
            "unit": unit,
            "approval": approval,
            "year": year,
            "kind": kind,
            "kind_label": DataKind(kind).label,
            "events": events,
            "actions": allowed_actions(request.user, unit, year, approval),
            "state": approval.state if approval else State.OPEN,
            "here": request.get_full_path(),
        },
    )


# Steps that lock data ask once more, on a page of their own (no script needed).
CONFIRMED_ACTIONS = (Action.SUBMIT, Action.APPROVE)


@login_required
@require_POST
def approval_act(request):
    year = _int(request.POST.get("year"))
    kind, action = request.POST.get("kind", ""), request.POST.get("action", "")
    if year is None or kind not in DataKind.values or action not in Action.values:
        raise Http404
    unit, current = get_approval_for_user(request.user, request.POST.get("unit", ""), year, kind)
    if action in CONFIRMED_ACTIONS and request.POST.get("confirmed") != "1":
        if action in allowed_actions(request.user, unit, year, current):  # otherwise the service says why not
            return render(
                request,
                "approvals/approval_confirm.html",
                {
                    "unit": unit,
                    "year": year,
                    "kind": kind,
                    "kind_label": DataKind(kind).label,
                    "action": action,
                    "comment": request.POST.get("comment", ""),
                    "next": _back(request, unit, year, kind),
                },
            )
    try:
        approval = approval_transition(
            user=request.user, unit=unit, year=year, kind=kind, action=action, comment=request.POST.get("comment", "")
        )
    except PermissionDenied as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = {
            Action.SUBMIT: _("%(unit)s: %(data)s %(year)s submitted for approval."),
            Action.APPROVE: _("%(unit)s: %(data)s %(year)s approved and locked."),
            Action.RETURN: _("%(unit)s: %(data)s %(year)s returned for correction."),
            Action.REOPEN: _("%(unit)s: %(data)s %(year)s reopened."),
        }[action]
        messages.success(request, done % {"unit": unit.name, "data": approval.get_kind_display(), "year": year})
    return redirect(_back(request, unit, year, kind))


def _back(request, unit, year, kind) -> str:
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = f"{reverse('approvals:list')}?{urlencode({'unit': unit.code, 'year': year, 'kind': kind})}"
    return back
