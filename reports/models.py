from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Rescoring(models.Model):
    """One re-scoring of a province's households of a review year under another standard (households.reclassify.
    classify_under), started from the comparison page: the page polls it, and reads from it when the stored
    classifications were last made whole (docs/standards-comparison.md)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    standard = models.ForeignKey("households.PovertyStandard", models.CASCADE, verbose_name=_("standard"))
    province = models.ForeignKey("areas.Unit", models.CASCADE, verbose_name=_("province"))
    survey_year = models.PositiveSmallIntegerField(_("survey year"))
    user = models.ForeignKey("auth.User", models.SET_NULL, null=True, blank=True, verbose_name=_("user"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Of every standard's rules when the run read them: an edit of any rule or line since makes its rows stale.
    standards_fingerprint = models.CharField(max_length=40, blank=True)
    household_count = models.PositiveIntegerField(_("households"), null=True, blank=True)
    error = models.TextField(_("failure"), blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("worker last seen"), null=True, blank=True)

    class Meta:
        verbose_name = _("re-scoring under another standard")
        verbose_name_plural = _("re-scorings under another standard")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["standard", "province", "survey_year"], name="rescoring_of_province_year")]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "province", "survey_year"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_rescoring",
            )
        ]

    def __str__(self):
        return f"{self.standard_id} · {self.province_id} · {self.survey_year} · {self.status}"


class ComparisonCount(models.Model):
    """Households of a unit (where they are recorded) in a review year by group under their year's standard and
    group under `standard` (or "missing": no classification under it): what the comparison page sums
    (reports.comparison_counts keeps them current)."""

    standard = models.ForeignKey("households.PovertyStandard", models.CASCADE, verbose_name=_("standard"))
    survey_year = models.PositiveSmallIntegerField(_("survey year"))
    unit = models.ForeignKey("areas.Unit", models.CASCADE, verbose_name=_("area"))
    own = models.CharField(max_length=10)
    other = models.CharField(max_length=10)
    households = models.PositiveIntegerField(_("households"))
    imported_at = models.DateTimeField(null=True)  # the last roster import that wrote one of them

    class Meta:
        indexes = [models.Index(fields=["standard", "survey_year", "unit"], name="comparison_count_lookup")]

    def __str__(self):
        return f"{self.standard_id} · {self.survey_year} · {self.unit_id} · {self.own} → {self.other}"


class ComparisonCountsBuilt(models.Model):
    """The counts of a province's households of a year under a standard were built whole, under these rules and
    lines (reports.rescoring.standards_fingerprint)."""

    standard = models.ForeignKey("households.PovertyStandard", models.CASCADE)
    survey_year = models.PositiveSmallIntegerField()
    province = models.ForeignKey("areas.Unit", models.CASCADE)
    standards_fingerprint = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["standard", "survey_year", "province"], name="one_count_build_per_province")
        ]

    def __str__(self):
        return f"{self.standard_id} · {self.survey_year} · {self.province_id}"
