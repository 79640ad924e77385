"""The targets app listens to the household layer and decides what to recompute."""

from django.dispatch import receiver

from households.signals import households_changed


@receiver(households_changed, dispatch_uid="targets.recompute_on_households_changed")
def recompute_on_households_changed(sender, unit_ids, years, **kwargs):
    from .services import request_recompute

    request_recompute(unit_ids, years)
