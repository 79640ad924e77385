from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from targets import reported_views
from targets import views as target_views

from . import account_views
from . import views as project_views
from .api import api, not_found

admin.site.site_header = _("PovertyPlan — Administration")
admin.site.site_title = "PovertyPlan"
admin.site.index_title = _("Poverty-reduction data")

urlpatterns = [
    path("", target_views.home, name="home"),
    path("dashboards/", include("targets.urls")),
    path("accounts/", account_views.account, name="account"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", account_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("approvals/", include("approvals.urls")),
    path("households/", include("households.urls")),
    path("reported/", reported_views.reported_grid, name="reported_grid"),
    path("i18n/setlang/", project_views.set_language, name="set_language"),
    path("favicon.ico", project_views.favicon),
    path("admin/", admin.site.urls),
    path("reports/", include("reports.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/", not_found),  # after every API route: a JSON 404, not an HTML page
]
