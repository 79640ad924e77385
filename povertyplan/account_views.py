from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _


class LogoutView(auth_views.LogoutView):
    """Log out (POST only) and say so on the login page."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have logged out."))
        return response
