from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PovertyPlanConfig(AppConfig):
    name = "povertyplan"
    verbose_name = "PovertyPlan"

    def ready(self):
        from .admin import hide_celery_beat

        hide_celery_beat()  # after the admin's autodiscovery, which the admin app ran in its own ready()


class LoginAttemptsConfig(AxesConfig):
    """django-axes under a name an administrator reads (its own catalogue has no Vietnamese: ours gives it)."""

    verbose_name = _("Login attempts")
