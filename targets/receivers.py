"""The targets app listens to the household layer and decides what to recompute."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from households.signals import households_changed


@receiver(households_changed, dispatch_uid="targets.recompute_on_households_changed")
def recompute_on_households_changed(sender, unit_ids, years, **kwargs):
    from .services import request_recompute

    request_recompute(unit_ids, years)


def figures_edited(sender, **kwargs):
    """A plan, a target or a reported value is part of what the dashboards draw, an indicator's or a standard's
    name part of their words, and an approval of what they mark as approved or not (a renamed unit shows after the
    next recompute)."""
    from .models import FiguresVersion

    FiguresVersion.bump()


def connect_figure_sources():
    """Per model: a receiver for every sender would stop Django's fast deletes (targets.sums deletes in bulk)."""
    from approvals.models import Approval
    from areas.models import UnitSuccession
    from households.models import PovertyStandard

    from .models import Indicator, Plan, ReportedValue, Target

    # a succession row: the area pages say where a unit went and what it was made from
    for model in (Plan, Target, ReportedValue, Approval, Indicator, PovertyStandard, UnitSuccession):
        post_save.connect(figures_edited, sender=model, dispatch_uid=f"figures_saved_{model.__name__}")
        post_delete.connect(figures_edited, sender=model, dispatch_uid=f"figures_deleted_{model.__name__}")
