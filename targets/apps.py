from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "targets"
    verbose_name = _("plans and targets")

    def ready(self):
        from . import receivers  # connects the listeners to households.signals

        receivers.connect_figure_sources()
