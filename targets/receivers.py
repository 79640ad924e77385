"""The targets app listens to the household layer and decides what to recompute."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from households.signals import households_changed


@receiver(households_changed, dispatch_uid="targets.recompute_on_households_changed")
def recompute_on_households_changed(sender, unit_ids, years, **kwargs):
    from .services import request_recompute

    request_recompute(unit_ids, years)


@receiver(post_save, dispatch_uid="targets.figures_edited")
@receiver(post_delete, dispatch_uid="targets.figures_deleted")
def figures_edited(sender, **kwargs):
    """A plan, a target or a reported value is part of what the dashboards draw (a renamed unit shows
    after the next recompute)."""
    from .models import FiguresVersion, Plan, ReportedValue, Target

    if sender in (Plan, Target, ReportedValue):
        FiguresVersion.bump()
