from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.models import Unit
from povertyplan.constraints import ConstraintsOnFields


class DataKind(models.TextChoices):
    HOUSEHOLDS = "households", _("household records")
    REPORTED = "reported", _("reported values")


class State(models.TextChoices):
    OPEN = "open", _("not submitted")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned")
    APPROVED = "approved", _("approved")


# Data of a unit in these states cannot be changed: submitted waits for the level above, approved is recognised.
LOCKED_STATES = (State.SUBMITTED, State.APPROVED)


class Action(models.TextChoices):
    SUBMIT = "submit", _("submit")
    APPROVE = "approve", _("approve")
    RETURN = "return", _("return")
    REOPEN = "reopen", _("reopen")


class Approval(ConstraintsOnFields, models.Model):
    """The approval of one unit's data (its whole subtree) for one year: households of a survey year, or the
    reported values of a report year. No row means open."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="approvals", verbose_name=_("area"))
    kind = models.CharField(_("data"), max_length=10, choices=DataKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved or returned by"),
    )
    decided_at = models.DateTimeField(_("approved or returned at"), null=True, blank=True)
    comment = models.TextField(_("last comment"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["year", "kind", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "year"],
                name="approval_one_per_unit_kind_year",
                violation_error_message=_("This area already has an approval record for this data and year."),
                violation_error_code="year",
            ),
        ]
        permissions = [
            ("submit_approval", _("Can submit their area's data for approval")),
            ("decide_approval", _("Can approve, return and reopen the data of the areas below")),
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_kind_display()} {self.year}: {self.get_state_display()}"


class ApprovalEvent(models.Model):
    """One transition of an approval: who, when, from which state to which, and why."""

    approval = models.ForeignKey(Approval, models.CASCADE, related_name="events", verbose_name=_("approval"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=10, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=10, choices=State.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval history")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} · {self.user} · {self.at:%Y-%m-%d %H:%M}"
