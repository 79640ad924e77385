from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from areas.models import ApiToken
from areas.selectors import api_tokens_in_use
from areas.services import api_token_create, api_token_revoke


class LogoutView(auth_views.LogoutView):
    """Log out (POST only) and say so on the login page."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have logged out."))
        return response


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What is the token for?"),
        max_length=ApiToken._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. the province's reporting tool")}),
    )


@never_cache  # a new token's key is on the page once: no cache may keep it
@login_required
def account(request):
    """The user's account: who they are, their password, and their API tokens (made here and shown once, revoked
    here)."""
    form, made = ApiTokenForm(), None
    if request.method == "POST" and "revoke" in request.POST:
        try:
            token = api_token_revoke(request.user, int(request.POST["revoke"]))
        except (ValueError, ApiToken.DoesNotExist):
            raise Http404 from None
        messages.success(
            request, _("The token “%(name)s” is revoked: it is refused from now on.") % {"name": token.name}
        )
        return redirect("account")
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                made = api_token_create(request.user, form.cleaned_data["name"])
            except ValidationError as error:
                form.add_error("name", error.message_dict["name"])
            else:
                form = ApiTokenForm()
    return render(
        request,
        "registration/account.html",
        {
            "form": form,
            "made": made,
            "tokens": api_tokens_in_use(request.user),
            "api_url": request.build_absolute_uri("/api/v1/"),
        },
    )
