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

    def ready(self):
        super().ready()
        name_login_records()


def name_login_records():
    """django-axes names its records in English ("Access Log for admin @ 2026-11-30 …"), the titles of their
    admin pages: named here in the user's language, with the dates as elsewhere."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.utils.translation import gettext

    from .display import moment

    AccessAttempt.__str__ = lambda attempt: (
        gettext("Wrong passwords for %(user)s from %(address)s")
        % {"user": attempt.username, "address": attempt.ip_address}
    )
    AccessLog.__str__ = lambda log: (
        gettext("Login of %(user)s at %(time)s") % {"user": log.username, "time": moment(log.attempt_time)}
    )
    AccessFailureLog.__str__ = lambda failure: (
        gettext("Wrong password for %(user)s at %(time)s from %(address)s")
        % {"user": failure.username, "time": moment(failure.attempt_time), "address": failure.ip_address}
    )
