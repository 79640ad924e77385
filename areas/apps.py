from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_role_groups(sender, **kwargs):
    # After every migrate or test flush, once the permissions of every app exist: the role groups.
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender is not last:
        return
    from django.contrib.auth.models import Group, Permission

    from .roles import sync_groups

    sync_groups(Group, Permission)


class AreasConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "areas"
    verbose_name = _("administrative areas")

    def ready(self):
        post_migrate.connect(_sync_role_groups, dispatch_uid="areas_role_groups")
