from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "households"
    verbose_name = _("households and poverty standards")

    def ready(self):
        from django.utils.formats import get_format
        from django.utils.translation import gettext

        from . import names
        from .standards import wording

        # The pure engine's messages in the active language (households/standards/wording.py).
        wording.use(
            gettext, lambda: (get_format("THOUSAND_SEPARATOR"), get_format("DECIMAL_SEPARATOR")), names.indicator
        )
