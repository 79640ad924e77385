from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from areas.models import AreaType, Unit
from povertyplan.constraints import ConstraintsOnFields

from . import names
from .choices import Education, Employment, HouseClass, Latrine, Sex, WasteDisposal, WaterSource
from .standards import records as r
from .standards.records import Standard, parameter_errors, standard_of_year, standards_of_year
from .standards.validate import BOUNDS


def _bounded(name):
    """The validators of a field bounded in the pure validator (households.standards.validate.BOUNDS)."""
    low, high = BOUNDS[name]
    return [MinValueValidator(low), MaxValueValidator(high)]


def _within(name, field=None):
    low, high = BOUNDS[name]
    field = field or name
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


class Classification(models.TextChoices):
    POOR = r.POOR, names.CLASSES[r.POOR]
    NEAR_POOR = r.NEAR_POOR, names.CLASSES[r.NEAR_POOR]
    MIDDLE = r.MIDDLE, names.CLASSES[r.MIDDLE]
    NOT_POOR = r.NOT_POOR, names.CLASSES[r.NOT_POOR]


class Ethnicity(models.TextChoices):
    KINH = "kinh", "Kinh"
    KHMER = "khmer", "Khmer"
    HOA = "hoa", "Hoa"
    THAI = "thai", "Thái"
    MONG = "mong", "Mông"
    MUONG = "muong", "Mường"
    DAO = "dao", "Dao"
    KHANG = "khang", "Kháng"
    XINH_MUN = "xinh_mun", "Xinh Mun"
    LA_HA = "la_ha", "La Ha"
    OTHER = "other", _("other")


class PovertyStandardQuerySet(models.QuerySet):
    def of_year(self, year: int):
        """The standard that classifies the households of review `year`, or None: every path asks here."""
        return standard_of_year(self.order_by("first_year"), year)

    def of_review_year(self, year: int) -> list:
        """Every standard the review of `year` is classified under, its own first: in a period's last year the
        next period's standard too (households.standards.records.standards_of_year)."""
        return standards_of_year(list(self.order_by("first_year")), year)


LINE_NAMES = ("income_only_poor_line", "deprivation_line", "middle_line", "low_income_worker_line")


class PovertyStandard(ConstraintsOnFields, models.Model):
    """An official standard as data: its income lines and parameters are edited in the admin."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    first_year = models.PositiveSmallIntegerField(_("first survey year"))
    last_year = models.PositiveSmallIntegerField(_("last survey year"))
    income_only_poor_line_rural = models.PositiveIntegerField(
        _("income-only poverty line, rural"), null=True, blank=True
    )
    income_only_poor_line_urban = models.PositiveIntegerField(
        _("income-only poverty line, urban"), null=True, blank=True
    )
    deprivation_line_rural = models.PositiveIntegerField(_("poverty line, rural (VND/person/month)"))
    deprivation_line_urban = models.PositiveIntegerField(_("poverty line, urban (VND/person/month)"))
    middle_line_rural = models.PositiveIntegerField(_("middle living standard line, rural"), null=True, blank=True)
    middle_line_urban = models.PositiveIntegerField(_("middle living standard line, urban"), null=True, blank=True)
    low_income_worker_line_rural = models.PositiveIntegerField(
        _("low-income worker line, rural"), null=True, blank=True
    )
    low_income_worker_line_urban = models.PositiveIntegerField(
        _("low-income worker line, urban"), null=True, blank=True
    )
    min_deprivations = models.PositiveSmallIntegerField(_("deprivations that make a household poor"), default=3)
    indicator_rules = models.JSONField(_("indicators and their rules"))
    parameters = models.JSONField(_("indicator thresholds"), default=dict, blank=True)
    # {threshold: {"source": text, "confirmed": bool}} for the lines (e.g. "deprivation_line"), the indicators and
    # the parameters: where each value comes from and whether it was checked against the published text.
    provenance = models.JSONField(_("source of each threshold"), default=dict, blank=True)

    objects = PovertyStandardQuerySet.as_manager()

    class Meta:
        verbose_name = _("poverty standard")
        verbose_name_plural = _("poverty standards")
        ordering = ["first_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_year__lte=models.F("last_year")),
                name="standard_years_ordered",
                violation_error_message=_("The first survey year must not come after the last."),
                violation_error_code="last_year",
            ),
            models.CheckConstraint(
                condition=Q(deprivation_line_rural__lte=models.F("middle_line_rural")) | Q(middle_line_rural=None),
                name="standard_middle_above_poverty_rural",
                violation_error_message=_(
                    "The middle living standard line (rural) must not be below the poverty line."
                ),
                violation_error_code="middle_line_rural",
            ),
            models.CheckConstraint(
                condition=Q(deprivation_line_urban__lte=models.F("middle_line_urban")) | Q(middle_line_urban=None),
                name="standard_middle_above_poverty_urban",
                violation_error_message=_(
                    "The middle living standard line (urban) must not be below the poverty line."
                ),
                violation_error_code="middle_line_urban",
            ),
        ]

    def __str__(self):
        return self.legal_name

    @property
    def legal_name(self) -> str:
        """The standard by its legal instrument: "Nghị định 07/2021/NĐ-CP" ("Decree 07/2021/NĐ-CP" in English)."""
        return names.official_standard(self.code, self.name)

    def clean(self):
        errors = {}
        if self.first_year is not None and self.last_year is not None and self.first_year > self.last_year:
            errors["last_year"] = _("The last survey year (%(last)s) comes before the first (%(first)s).") % {
                "last": self.last_year,
                "first": self.first_year,
            }
        for area in ("rural", "urban"):
            line, middle = getattr(self, f"deprivation_line_{area}"), getattr(self, f"middle_line_{area}")
            if line is not None and middle is not None and middle < line:
                errors[f"middle_line_{area}"] = _(
                    "The middle living standard line must not be below the poverty line (%(line)s)."
                ) % {"line": line}
        for area in ("rural", "urban"):
            income_only, line = (
                getattr(self, f"income_only_poor_line_{area}"),
                getattr(self, f"deprivation_line_{area}"),
            )
            if income_only is not None and line is not None and income_only >= line:
                errors["income_only_poor_line_" + area] = _(
                    "The income-only poverty line must be below the poverty line (%(line)s): the two overlap."
                ) % {"line": line}
        if self.first_year is not None and self.last_year is not None:
            overlapping = PovertyStandard.objects.exclude(pk=self.pk).filter(
                first_year__lte=self.last_year, last_year__gte=self.first_year
            )
            if other := overlapping.first():
                errors["first_year"] = _(
                    "The survey years %(first)s–%(last)s overlap those of %(other)s (%(other_first)s–%(other_last)s): "
                    "each review year has one standard of its own."
                ) % {
                    "first": self.first_year,
                    "last": self.last_year,
                    "other": other,
                    "other_first": other.first_year,
                    "other_last": other.last_year,
                }
        from .standards.indicators import RULES

        if isinstance(self.indicator_rules, dict) and not self.indicator_rules:
            errors["indicator_rules"] = _("A standard needs at least one indicator of deprivation.")
        elif not isinstance(self.indicator_rules, dict) or any(
            not isinstance(rule, str) or rule not in RULES for rule in self.indicator_rules.values()
        ):
            errors["indicator_rules"] = _("Give an object mapping each indicator to one of the rules: %(rules)s.") % {
                "rules": ", ".join(sorted(RULES))
            }
        thresholds = {*LINE_NAMES, "min_deprivations", *(self.indicator_rules or {}), *r.DEFAULT_PARAMETERS}
        if not isinstance(self.provenance, dict) or any(
            name not in thresholds
            or not isinstance(entry, dict)
            or not isinstance(entry.get("source"), str)
            or not isinstance(entry.get("confirmed"), bool)
            for name, entry in self.provenance.items()
        ):
            errors["provenance"] = _(
                'Give {"threshold": {"source": "…", "confirmed": true or false}} for thresholds of this standard: '
                "%(names)s."
            ) % {"names": ", ".join(sorted(thresholds))}
        problems = parameter_errors(self.parameters)
        if problems:
            errors["parameters"] = problems
        if errors:
            raise ValidationError(errors)

    def _pair(self, name):
        rural, urban = getattr(self, f"{name}_rural"), getattr(self, f"{name}_urban")
        return None if rural is None else {"rural": rural, "urban": urban}

    def to_engine(self) -> Standard:
        return Standard(
            code=self.code,
            first_year=self.first_year,
            last_year=self.last_year,
            indicator_rules=dict(self.indicator_rules),
            deprivation_line=self._pair("deprivation_line"),
            income_only_poor_line=self._pair("income_only_poor_line"),
            middle_line=self._pair("middle_line"),
            low_income_worker_line=self._pair("low_income_worker_line"),
            min_deprivations=self.min_deprivations,
            parameters=dict(self.parameters),
        )


class Household(ConstraintsOnFields, models.Model):
    """One household in one annual review (rà soát). Classification fields are derived, never typed."""

    # No index of their own: (unit, survey_year, classification) and (survey_year, code) lead with them, and each
    # index more slows every import of a province's roster.
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="households", verbose_name=_("area"), db_index=False)
    survey_year = models.PositiveSmallIntegerField(_("survey year"), validators=_bounded("survey_year"))
    code = models.CharField(_("household code"), max_length=40)
    head_name = models.CharField(_("head of household"), max_length=200, blank=True)
    ethnicity = models.CharField(_("ethnic group"), max_length=10, choices=Ethnicity.choices, default=Ethnicity.KINH)
    area_type = models.CharField(_("urban / rural"), max_length=5, choices=AreaType.choices)
    income_per_capita = models.PositiveIntegerField(
        _("income per person per month (VND)"), validators=_bounded("income_per_capita")
    )
    member_count = models.PositiveSmallIntegerField(_("members"), validators=_bounded("member_count"))
    # Dwelling; empty when the record came from a roster that gives indicator answers only.
    house_class = models.CharField(_("house class"), max_length=15, choices=HouseClass.choices, blank=True)
    nondurable_structures = models.PositiveSmallIntegerField(
        _("non-durable main structures"), null=True, blank=True, validators=_bounded("nondurable_structures")
    )
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_bounded("floor_area_m2"),
    )
    water_source = models.CharField(_("water source"), max_length=25, choices=WaterSource.choices, blank=True)
    latrine = models.CharField(_("latrine"), max_length=15, choices=Latrine.choices, blank=True)
    has_tv = models.BooleanField(_("TV"), default=False)
    has_radio = models.BooleanField(_("radio"), default=False)
    has_computer = models.BooleanField(_("computer"), default=False)
    has_smartphone = models.BooleanField(_("smartphone"), default=False)
    loudspeaker_audible = models.BooleanField(_("hears the village loudspeaker"), default=False)
    waste_disposal = models.CharField(
        _("household waste"), max_length=16, choices=WasteDisposal.choices, blank=True, default="", db_default=""
    )  # blank: not surveyed (asked from the end-2026 review on, for Decree 351/2025)
    reported_deprivations = models.JSONField(_("deprivations as the roster reports them"), null=True, blank=True)
    # Derived by households.services from the standard in force for survey_year.
    standard = models.ForeignKey(PovertyStandard, models.PROTECT, null=True, verbose_name=_("standard"), editable=False)
    classification = models.CharField(
        _("classification"), max_length=10, choices=Classification.choices, editable=False
    )
    deprivations = models.JSONField(_("deprived indicators"), default=list, editable=False)
    deprivation_count = models.PositiveSmallIntegerField(_("number of deprivations"), default=0, editable=False)
    low_income_worker = models.BooleanField(_("low-income worker household"), null=True, editable=False)
    classification_rule = models.CharField(_("rule applied"), max_length=200, editable=False)
    not_surveyed = models.JSONField(
        _("indicators not surveyed"), default=list, db_default=models.Value([], models.JSONField()), editable=False
    )
    incomplete = models.BooleanField(
        _("classification incomplete"), default=False, db_default=False, editable=False
    )  # answers missing that could change the class: counted apart, listed for the officer to finish
    # Derived from the deprivations and members for the indicators (households.standards.facts).
    deprivation_mask = models.PositiveIntegerField(_("deprivations as bits"), default=0, editable=False)
    insured_members = models.PositiveSmallIntegerField(
        _("members with a health-insurance card"), null=True, editable=False
    )
    working_age_members = models.PositiveSmallIntegerField(_("working-age members"), null=True, editable=False)
    trained_workers = models.PositiveSmallIntegerField(_("trained working-age members"), null=True, editable=False)
    vocational_workers = models.PositiveSmallIntegerField(
        _("vocationally trained working-age members"), null=True, editable=False
    )
    has_steady_worker = models.BooleanField(_("has a working-age member in steady work"), null=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # What the roster import last wrote this household from (households.roster): a re-import whose cells give the
    # same fingerprint has nothing to change. Any other save, of the household or of a member, clears it.
    roster_fingerprint = models.CharField(max_length=32, blank=True, default="", db_default="", editable=False)
    history = HistoricalRecords(
        verbose_name=_("household history"),
        excluded_fields=["roster_fingerprint"],
        no_db_index=["unit", "standard", "survey_year"],
    )  # history is read by household

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["survey_year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey_year", "code"],
                name="household_code_unique_per_year",
                violation_error_message=_("A household with this code is already recorded for this survey year."),
                violation_error_code="code",
            ),
            models.CheckConstraint(
                condition=Q(member_count__gte=1),
                name="household_has_members",
                violation_error_message=_("A household has at least one member."),
                violation_error_code="member_count",
            ),
            models.CheckConstraint(
                condition=Q(member_count__lte=BOUNDS["member_count"][1]),
                name="household_members_at_most_max",
                violation_error_message=_("A household has at most 100 members."),
                violation_error_code="member_count",
            ),
            models.CheckConstraint(
                condition=Q(income_per_capita__lte=BOUNDS["income_per_capita"][1]),
                name="household_income_at_most_max",
                violation_error_message=_("The income per person is absurdly large."),
                violation_error_code="income_per_capita",
            ),
            models.CheckConstraint(
                condition=_within("survey_year"),
                name="household_survey_year_range",
                violation_error_message=_("The survey year must lie between 1900 and 2100."),
                violation_error_code="survey_year",
            ),
            models.CheckConstraint(
                condition=Q(nondurable_structures__lte=3),
                name="household_structures_max_3",
                violation_error_message=_("At most 3 main structures (walls, columns, roof) can be non-durable."),
                violation_error_code="nondurable_structures",
            ),
            models.CheckConstraint(
                condition=Q(floor_area_m2__gte=0),
                name="household_floor_area_not_negative",
                violation_error_message=_("The floor area cannot be negative."),
                violation_error_code="floor_area_m2",
            ),
            models.CheckConstraint(
                condition=Q(floor_area_m2__lte=BOUNDS["floor_area_m2"][1]),
                name="household_floor_area_at_most_max",
                violation_error_message=_("The floor area is absurdly large."),
                violation_error_code="floor_area_m2",
            ),
            models.CheckConstraint(
                condition=Q(deprivation_count__lte=20),
                name="household_deprivation_count_sane",
                violation_error_message=_("Too many deprivations."),
                violation_error_code="deprivation_count",
            ),
        ]
        indexes = [models.Index(fields=["unit", "survey_year", "classification"])]

    def __str__(self):
        head = f" — {self.head_name}" if self.head_name else ""
        return f"{self.code}{head} ({self.survey_year})"

    def save(self, *args, **kwargs):
        self.roster_fingerprint = ""
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "roster_fingerprint"}
        super().save(*args, **kwargs)

    @property
    def is_ethnic_minority(self) -> bool:
        return self.ethnicity != Ethnicity.KINH


class Member(ConstraintsOnFields, models.Model):
    household = models.ForeignKey(Household, models.CASCADE, related_name="members", verbose_name=_("household"))
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    age = models.PositiveSmallIntegerField(_("age"), validators=_bounded("age"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    education = models.CharField(_("highest education completed"), max_length=25, choices=Education.choices)
    in_school = models.BooleanField(_("in school"), default=False)
    on_track = models.BooleanField(_("at the school level right for the age"), default=True)
    health_insurance = models.BooleanField(_("has a health-insurance card"), default=False)
    employment = models.CharField(_("employment"), max_length=20, choices=Employment.choices)
    able_to_work = models.BooleanField(_("able to work"), default=True)
    disabled = models.BooleanField(_("disabled"), default=False)
    social_allowance = models.BooleanField(_("receives a monthly social allowance"), default=False)
    malnourished = models.BooleanField(_("malnourished (child)"), default=False)
    sick_untreated = models.BooleanField(_("ill and untreated"), default=False)
    uses_phone = models.BooleanField(_("uses a phone subscription"), default=False)
    uses_internet = models.BooleanField(_("uses internet"), default=False)
    job_training_certificate = models.BooleanField(_("on-the-job training certificate"), default=False)
    history = HistoricalRecords(verbose_name=_("member history"))

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.CheckConstraint(
                condition=Q(age__lte=120),
                name="member_age_at_most_120",
                violation_error_message=_("An age is at most 120 years."),
                violation_error_code="age",
            ),
        ]

    def __str__(self):
        return self.full_name or _("member no. %(id)s") % {"id": self.pk}

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _forget_roster_fingerprint(self.household_id)

    def delete(self, *args, **kwargs):
        household_id = self.household_id
        result = super().delete(*args, **kwargs)
        _forget_roster_fingerprint(household_id)
        return result


class HouseholdClassification(models.Model):
    """A household's classification under a standard other than its year's own: the next period's standard in
    the review of a period's last year (PovertyStandard.objects.of_review_year), or any standard a manager
    compares with. Derived from the household's stored inputs by households.services, never typed."""

    # Written a province at a time by re-scoring (households.classify_sql), where PostgreSQL's per-row checks of
    # the two foreign keys took 4 s of a 300.000-household first re-scoring (the household's, which locks each
    # household row, 2,9 s). Rows are written only from the households they classify, and households and
    # standards are deleted through the ORM, whose CASCADE deletes their classifications first: so no database
    # constraint (tests/reports/test_standards_comparison.py). The unique pair (household first) is the index.
    household = models.ForeignKey(
        Household,
        models.CASCADE,
        related_name="other_classifications",
        verbose_name=_("household"),
        db_constraint=False,
        db_index=False,
    )
    standard = models.ForeignKey(
        PovertyStandard, models.CASCADE, verbose_name=_("standard"), db_constraint=False, db_index=False
    )
    classification = models.CharField(_("classification"), max_length=10, choices=Classification.choices)
    deprivations = models.JSONField(_("deprived indicators"), default=list)
    deprivation_count = models.PositiveSmallIntegerField(_("number of deprivations"), default=0)
    deprivation_mask = models.PositiveIntegerField(_("deprivations as bits"), default=0)
    not_surveyed = models.JSONField(_("indicators not surveyed"), default=list)
    incomplete = models.BooleanField(_("classification incomplete"), default=False)
    classification_rule = models.CharField(_("rule applied"), max_length=200)

    class Meta:
        verbose_name = _("classification under another standard")
        verbose_name_plural = _("classifications under another standard")
        constraints = [
            models.UniqueConstraint(fields=["household", "standard"], name="one_classification_per_standard")
        ]

    def __str__(self):
        return f"{self.household_id} · {self.standard_id} · {self.classification}"


def _forget_roster_fingerprint(household_id) -> None:
    Household.objects.filter(pk=household_id).exclude(roster_fingerprint="").update(roster_fingerprint="")


class RosterImport(ConstraintsOnFields, models.Model):
    """A roster import the admin page follows: checked first (preview), then written when confirmed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        CHECKING = "checking", _("checking")
        CHECKED = "checked", _("checked, waiting for confirmation")
        IMPORTING = "importing", _("importing")
        DONE = "done", _("imported")
        REJECTED = "rejected", _("file has errors")
        FAILED = "failed", _("failed")

    user = models.ForeignKey("auth.User", models.SET_NULL, null=True, verbose_name=_("user"))
    file = models.FileField(_("file"), upload_to="roster_imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    survey_year = models.PositiveSmallIntegerField(_("survey year"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(_("stage"), max_length=20, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    problems = models.JSONField(_("errors"), default=list, blank=True)
    problem_count = models.PositiveIntegerField(_("number of errors"), default=0)
    error = models.TextField(_("failure"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=0, db_default=0)
    heartbeat_at = models.DateTimeField(_("worker last seen"), null=True, blank=True)

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="roster_import_progress_max_100",
                violation_error_message=_("The progress cannot exceed 100 percent."),
                violation_error_code="progress",
            )
        ]

    def __str__(self):
        return f"#{self.pk} {self.original_name}"


class RosterExport(ConstraintsOnFields, models.Model):
    """An export of the household list too large to answer in the request: written by a Celery task, followed on
    its page, downloaded by whoever asked for it (or a superuser)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("writing")
        DONE = "done", _("ready to download")
        FAILED = "failed", _("failed")

    class Layout(models.TextChoices):
        TWO_SHEETS = "two_sheets", _("two sheets: households and members")
        MEMBER_ROWS = "member_rows", _("one sheet, a row per member")
        ANSWERS = "answers", _("one row per household with the deprivations ticked")

    user = models.ForeignKey("auth.User", models.SET_NULL, null=True, verbose_name=_("user"))
    layout = models.CharField(_("layout"), max_length=12, choices=Layout.choices)
    query = models.TextField(_("filters of the household list"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    household_count = models.PositiveIntegerField(_("households"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="roster_exports/%Y/%m/", blank=True)
    error = models.TextField(_("failure"), blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("roster export")
        verbose_name_plural = _("roster exports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="roster_export_progress_max_100",
                violation_error_message=_("The progress cannot exceed 100 percent."),
                violation_error_code="progress",
            )
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_layout_display()}"
