from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from households.signals import households_changed

        from .comparison_counts import households_changed as keep_counts

        households_changed.connect(keep_counts, dispatch_uid="reports.comparison_counts")
