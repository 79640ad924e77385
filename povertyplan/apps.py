from django.apps import AppConfig


class PovertyPlanConfig(AppConfig):
    name = "povertyplan"
    verbose_name = "PovertyPlan"

    def ready(self):
        from .admin import hide_celery_beat

        hide_celery_beat()  # after the admin's autodiscovery, which the admin app ran in its own ready()
