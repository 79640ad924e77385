from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from areas.models import Unit
from households.models import PovertyStandard
from households.standards.validate import MAX_SURVEY_YEAR, MIN_SURVEY_YEAR
from povertyplan import display
from povertyplan.constraints import ConstraintsOnFields
from povertyplan.display import in_language

YEAR = [MinValueValidator(MIN_SURVEY_YEAR), MaxValueValidator(MAX_SURVEY_YEAR)]
NOT_NEGATIVE = [MinValueValidator(0)]
PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


def _years(field):
    return Q(**{f"{field}__gte": MIN_SURVEY_YEAR, f"{field}__lte": MAX_SURVEY_YEAR})


class Plan(ConstraintsOnFields, models.Model):
    province = models.ForeignKey(Unit, models.PROTECT, related_name="plans", verbose_name=_("province"))
    title = models.CharField(_("title"), max_length=300)
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    signed_on = models.DateField(_("date signed"), null=True, blank=True)
    signer = models.CharField(_("signer"), max_length=200, blank=True)
    year_start = models.PositiveSmallIntegerField(_("first year"), validators=YEAR)
    year_end = models.PositiveSmallIntegerField(_("last year"), validators=YEAR)
    standard = models.ForeignKey(PovertyStandard, models.PROTECT, verbose_name=_("poverty standard in force"))
    source_text = models.TextField(_("source text"), blank=True)
    history = HistoricalRecords(verbose_name=_("plan history"))

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year_start", "province__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_start__lte=models.F("year_end")),
                name="plan_years_ordered",
                violation_error_message=_("The first year of a plan must not come after its last year."),
                violation_error_code="year_end",
            ),
            models.UniqueConstraint(
                fields=["province", "year_start", "document_number"],
                name="plan_unique",
                violation_error_message=_("This province already has a plan with this first year and document number."),
                violation_error_code="document_number",
            ),
        ]

    def __str__(self):
        years = str(self.year_start) if self.year_end == self.year_start else f"{self.year_start}–{self.year_end}"
        if self.document_number:
            return _("Plan %(number)s — %(province)s %(years)s") % {
                "number": self.document_number,
                "province": self.province.name,
                "years": years,
            }
        return f"{self.province.name} {years}"

    def clean(self):
        if self.year_start is not None and self.year_end is not None and self.year_start > self.year_end:
            raise ValidationError(
                {
                    "year_end": _("The last year (%(end)s) comes before the first year (%(start)s).")
                    % {"end": self.year_end, "start": self.year_start}
                }
            )


class Indicator(models.Model):
    class Unit(models.TextChoices):
        PERCENT = "percent", _("percent")
        HOUSEHOLDS = "households", _("households")
        PEOPLE = "people", _("people")
        COMMUNES = "communes", _("communes")
        INDEX = "index", _("index (0–1)")

    class Kind(models.TextChoices):
        COMPUTED = "computed", _("computed from household records")
        REPORTED = "reported", _("reported by officers")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_vi = models.CharField(_("Vietnamese name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices)
    lower_is_better = models.BooleanField(_("lower is better"), default=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    definition = models.TextField(_("definition"), blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]

    def __str__(self):
        return self.display_name

    @property
    def counts_whole(self) -> bool:
        """Counted in people, households or communes: a reported figure is a whole number."""
        return self.unit in (self.Unit.HOUSEHOLDS, self.Unit.PEOPLE, self.Unit.COMMUNES)

    @property
    def display_name(self) -> str:
        """The name in the current language (name_en in English)."""
        return in_language(self.name_vi, self.name_en)


class Scope(models.TextChoices):
    PROVINCE = "province", _("whole province")
    ETHNIC_MINORITY = "ethnic_minority", _("ethnic-minority households")
    KHMER = "khmer", _("Khmer households")
    POOR_DISTRICTS = "poor_districts", _("poor districts")  # huyện nghèo: plans before the 2025 reform
    POOR_COMMUNES = "poor_communes", _("poor communes")  # xã nghèo: communes answer for it after the reform
    DIFFICULT_COMMUNES = "difficult_communes", _("extremely difficult, coastal and island communes")
    URBAN = "urban", _("urban areas")
    RURAL = "rural", _("rural areas")


class Target(ConstraintsOnFields, models.Model):
    class Shape(models.TextChoices):
        LEVEL = "level", _("level: at most / at least a value")
        CHANGE = "change", _("change per year against a baseline")
        COUNT = "count", _("count: reach a total")
        COVERAGE = "coverage", _("coverage: a share of a population")

    class Operator(models.TextChoices):
        LT = "lt", "<"
        LTE = "lte", "≤"
        GT = "gt", ">"
        GTE = "gte", "≥"
        BETWEEN = "between", _("between (range)")

    class Direction(models.TextChoices):
        DECREASE = "decrease", _("reduce")
        INCREASE = "increase", _("raise")

    class ValueUnit(models.TextChoices):
        PERCENT = "percent", "%"
        POINTS = "points", _("percentage points a year")
        COUNT = "count", _("count")

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="targets", verbose_name=_("plan"))
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="targets", verbose_name=_("indicator"))
    scope = models.CharField(_("population scope"), max_length=20, choices=Scope.choices, default=Scope.PROVINCE)
    shape = models.CharField(_("shape"), max_length=10, choices=Shape.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, blank=True)
    operator = models.CharField(_("comparison"), max_length=8, choices=Operator.choices)
    value = models.DecimalField(
        _("value (or minimum of a range)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
    )
    value_max = models.DecimalField(
        _("maximum of a range"), max_digits=14, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    value_unit = models.CharField(_("unit of the value"), max_length=8, choices=ValueUnit.choices)
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=14, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True, validators=YEAR)
    share_indicator = models.ForeignKey(
        Indicator,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="share_targets",
        verbose_name=_("share condition: indicator"),
    )
    share_operator = models.CharField(
        _("share condition: comparison"), max_length=8, choices=Operator.choices, blank=True
    )
    share_value = models.DecimalField(
        _("share condition: percent"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    source_sentence = models.TextField(_("sentence of the plan"))
    note = models.TextField(_("note"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords(verbose_name=_("target history"))

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["plan", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0) | Q(value=None),
                name="target_value_not_negative",
                violation_error_message=_("The value cannot be negative."),
                violation_error_code="value",
            ),
            models.CheckConstraint(
                condition=Q(value_max=None) | Q(value__lte=models.F("value_max")),
                name="target_range_min_le_max",
                violation_error_message=_("The maximum of the range is smaller than its minimum."),
                violation_error_code="value_max",
            ),
            models.CheckConstraint(
                condition=Q(operator="between", value_max__isnull=False) | (~Q(operator="between") & Q(value_max=None)),
                name="target_range_iff_between",
                violation_error_message=_("A range (“between”) needs a maximum, and only a range has one."),
                violation_error_code="value_max",
            ),
            models.CheckConstraint(
                condition=Q(value_unit="count")
                | ((Q(value__lte=100) | Q(value=None)) & (Q(value_max__lte=100) | Q(value_max=None))),
                name="target_percentage_within_0_100",
                violation_error_message=_("A percentage must lie between 0 and 100."),
                violation_error_code="value",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(shape="change"),
                name="target_value_required_unless_change",
                violation_error_message=_("This shape of target needs a value."),
                violation_error_code="value",
            ),
            models.CheckConstraint(
                condition=Q(share_value=None) | Q(share_value__gte=0, share_value__lte=100),
                name="target_share_within_0_100",
                violation_error_message=_("The share condition is a percentage between 0 and 100."),
                violation_error_code="share_value",
            ),
            models.CheckConstraint(
                condition=~Q(shape="change") | ~Q(direction=""),
                name="target_change_has_direction",
                violation_error_message=_("A change target needs a direction (reduce or raise)."),
                violation_error_code="direction",
            ),
            models.CheckConstraint(
                condition=Q(baseline_value=None) | Q(baseline_value__gte=0),
                name="target_baseline_not_negative",
                violation_error_message=_("The baseline value cannot be negative."),
                violation_error_code="baseline_value",
            ),
            models.CheckConstraint(
                condition=Q(baseline_year=None) | _years("baseline_year"),
                name="target_baseline_year_range",
                violation_error_message=_("The baseline year must lie between 1900 and 2100."),
                violation_error_code="baseline_year",
            ),
        ]

    def __str__(self):
        return f"{self.indicator} — {self.get_scope_display()}"


class ReportedValue(ConstraintsOnFields, models.Model):
    """A figure an officer reports for an area and a period (workers trained, jobs found, …)."""

    indicator = models.ForeignKey(
        Indicator, models.PROTECT, limit_choices_to={"kind": "reported"}, verbose_name=_("indicator")
    )
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="reported_values", verbose_name=_("area"))
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR)
    month = models.PositiveSmallIntegerField(
        _("month"),
        null=True,
        blank=True,
        help_text=_("Empty for the whole year."),
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, validators=NOT_NEGATIVE)
    numerator = models.DecimalField(
        _("numerator (for shares)"), max_digits=14, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    denominator = models.DecimalField(
        _("denominator (for shares)"), max_digits=14, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("reported value history"))

    class Meta:
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "year", "month"],
                name="reported_value_unique",
                nulls_distinct=False,
                violation_error_message=_("A value is already reported for this indicator, area and period."),
                violation_error_code="year",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="reported_value_not_negative",
                violation_error_message=_("A reported value cannot be negative."),
                violation_error_code="value",
            ),
            models.CheckConstraint(
                condition=Q(month=None) | Q(month__gte=1, month__lte=12),
                name="reported_month_1_12",
                violation_error_message=_("The month must lie between 1 and 12."),
                violation_error_code="month",
            ),
            models.CheckConstraint(
                condition=Q(numerator=None) | Q(denominator=None) | Q(numerator__lte=models.F("denominator")),
                name="reported_numerator_le_denominator",
                violation_error_message=_("The numerator of a share cannot exceed its denominator."),
                violation_error_code="numerator",
            ),
        ]

    def __str__(self):
        period = f"{self.month:02d}/{self.year}" if self.month else str(self.year)
        return f"{self.indicator} — {self.unit} — {period}"

    def clean(self):
        if (
            self.indicator_id
            and self.indicator.counts_whole
            and self.value is not None
            and self.value != self.value.to_integral_value()
        ):
            raise ValidationError(
                {
                    "value": _("%(indicator)s is counted in %(unit)s: give a whole number, not %(value)s.")
                    % {
                        "indicator": self.indicator.display_name,
                        "unit": self.indicator.get_unit_display(),
                        "value": display.number(self.value),
                    }
                }
            )
        if self.numerator is not None and self.denominator is not None and self.numerator > self.denominator:
            raise ValidationError(
                {
                    "numerator": _("The numerator (%(numerator)s) exceeds the denominator (%(denominator)s).")
                    % {"numerator": self.numerator, "denominator": self.denominator}
                }
            )


class RecomputeRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    scope = models.CharField(_("what was recomputed"), max_length=200, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows = models.PositiveIntegerField(_("rows written"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=0, db_default=0)
    heartbeat_at = models.DateTimeField(_("worker last seen"), null=True, blank=True)

    class Meta:
        verbose_name = _("recompute run")
        verbose_name_plural = _("recompute runs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="run_progress_max_100",
                violation_error_message=_("Progress is at most 100%."),
            )
        ]

    def __str__(self):
        return _("Recompute no. %(id)s — %(status)s") % {"id": self.pk, "status": self.get_status_display()}


class FiguresVersion(models.Model):
    """One row holding a number that rises in the same transaction as every write of figures (a recompute,
    an edited plan, target or reported value). Pages that keep what they drew from the figures in the cache
    read it once per request to know whether their copy is still current."""

    number = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("figures version")
        verbose_name_plural = _("figures version")

    def __str__(self):
        return str(self.number)

    @classmethod
    def current(cls) -> int:
        """Read by every dashboard page: in SQL, the ORM's building of even this query cost more CPU than its
        answer."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT number FROM {cls._meta.db_table} WHERE id = 1")
            row = cursor.fetchone()
        return row[0] if row else 0

    @classmethod
    def bump(cls) -> None:
        """Last in a transaction: the row lock is held only until its commit."""
        if not cls.objects.filter(pk=1).update(number=F("number") + 1):
            cls.objects.bulk_create([cls(pk=1, number=1)], ignore_conflicts=True)


class ComputedValue(models.Model):
    """An indicator computed from household records for a unit's subtree, a year and a scope."""

    indicator = models.ForeignKey(Indicator, models.CASCADE, verbose_name=_("indicator"))
    unit = models.ForeignKey(Unit, models.CASCADE, related_name="computed_values", verbose_name=_("area"))
    year = models.PositiveSmallIntegerField(_("year"))
    scope = models.CharField(_("population scope"), max_length=20, choices=Scope.choices)
    numerator = models.DecimalField(_("numerator"), max_digits=16, decimal_places=2)
    denominator = models.DecimalField(_("denominator"), max_digits=16, decimal_places=2, null=True)
    run = models.ForeignKey(RecomputeRun, models.SET_NULL, null=True, verbose_name=_("run"))

    class Meta:
        verbose_name = _("computed value")
        verbose_name_plural = _("computed values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "year", "scope"],
                name="computed_value_unique",
                violation_error_message=_("This value is already computed for the indicator, area, year and scope."),
            ),
            models.CheckConstraint(
                condition=Q(numerator__gte=0),
                name="computed_numerator_not_negative",
                violation_error_message=_("A numerator cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(denominator=None) | Q(denominator__gte=0),
                name="computed_denominator_not_negative",
                violation_error_message=_("A denominator cannot be negative."),
            ),
        ]

    def __str__(self):
        scope = "" if self.scope == Scope.PROVINCE else f" ({self.get_scope_display()})"
        return f"{self.indicator}{scope} — {self.unit} — {self.year}"


class CurrentBoundaryValue(models.Model):
    """An indicator of a unit in force today, in today's boundaries: re-aggregated from the stored counts of the old
    units mapped into it by the succession table (targets.boundaries), rates computed after summing. Stored only for
    the units of provinces the 2025 reform redrew; elsewhere today's boundaries are the recorded ones
    (ComputedValue). `estimated`: some count was shared out by the table's shares of households ("ước tính")."""

    indicator = models.ForeignKey(Indicator, models.CASCADE, verbose_name=_("indicator"))
    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+", verbose_name=_("area"))
    year = models.PositiveSmallIntegerField(_("year"))
    scope = models.CharField(_("population scope"), max_length=20, choices=Scope.choices)
    numerator = models.DecimalField(_("numerator"), max_digits=16, decimal_places=2)
    denominator = models.DecimalField(_("denominator"), max_digits=16, decimal_places=2, null=True)
    estimated = models.BooleanField(_("estimated"), default=False)
    run = models.ForeignKey(RecomputeRun, models.SET_NULL, null=True, related_name="+", verbose_name=_("run"))

    class Meta:
        verbose_name = _("value in today's boundaries")
        verbose_name_plural = _("values in today's boundaries")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "year", "scope"], name="current_boundary_value_unique")
        ]

    def __str__(self):
        return f"{self.indicator} — {self.unit} — {self.year} ({self.scope})"


class Attainment(models.Model):
    class Status(models.TextChoices):
        ACHIEVED = "achieved", _("achieved")
        ON_TRACK = "on_track", _("on track")
        AT_RISK = "at_risk", _("at risk")
        OFF_TRACK = "off_track", _("off track")
        MISSED = "missed", _("not achieved")
        NO_DATA = "no_data", _("no data")
        NO_GOAL = "no_goal", _("no goal at this level")  # a province's count goal read for a unit below it

    target = models.ForeignKey(Target, models.CASCADE, related_name="attainments", verbose_name=_("target"))
    year = models.PositiveSmallIntegerField(_("year"))
    actual = models.DecimalField(_("actual value"), max_digits=16, decimal_places=4, null=True)
    progress = models.DecimalField(_("progress (%)"), max_digits=7, decimal_places=2, null=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    explanation = models.JSONField(_("how it was computed"), default=dict)
    run = models.ForeignKey(RecomputeRun, models.SET_NULL, null=True, verbose_name=_("run"))

    class Meta:
        verbose_name = _("attainment")
        verbose_name_plural = _("attainments")
        constraints = [
            models.UniqueConstraint(
                fields=["target", "year"],
                name="attainment_unique",
                violation_error_message=_("This target already has an attainment for this year."),
            )
        ]

    def __str__(self):
        return f"{self.target} — {self.year}: {self.get_status_display()}"


class GroupSum(models.Model):
    """The household sums of one leaf group: the households attached to one unit (not its subtree) in one
    survey year, of one ethnic group and one area type. Replaced whenever a run touches the unit."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+", verbose_name=_("area"))
    year = models.PositiveSmallIntegerField(_("survey year"))
    ethnicity = models.CharField(_("ethnic group"), max_length=10)
    area_type = models.CharField(_("urban / rural"), max_length=5)
    sums = models.JSONField(_("sums"))

    class Meta:
        verbose_name = _("household group sums")
        verbose_name_plural = _("household group sums")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "ethnicity", "area_type"], name="group_sum_unique")
        ]

    def __str__(self):
        return f"{self.unit_id} {self.year} {self.ethnicity} {self.area_type}"


class SubtreeSum(models.Model):
    """The household sums of a unit's whole subtree for a year and a scope: its own groups plus its
    children's subtree sums. Re-derived, never incremented."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+", verbose_name=_("area"))
    year = models.PositiveSmallIntegerField(_("survey year"))
    scope = models.CharField(_("population scope"), max_length=20, choices=Scope.choices)
    sums = models.JSONField(_("sums"))

    class Meta:
        verbose_name = _("subtree sums")
        verbose_name_plural = _("subtree sums")
        constraints = [models.UniqueConstraint(fields=["unit", "year", "scope"], name="subtree_sum_unique")]

    def __str__(self):
        return f"{self.unit_id} {self.year} {self.scope}"


class PendingChange(models.Model):
    """A unit and year whose households or reported values changed since its figures were computed.
    `version` grows with each change, so a run clears only the changes it has seen."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+", verbose_name=_("area"))
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveIntegerField(_("version"), default=1)
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("change waiting for a recompute")
        verbose_name_plural = _("changes waiting for a recompute")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="pending_change_unique")]

    def __str__(self):
        return f"{self.unit_id} {self.year} v{self.version}"
