from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from povertyplan.constraints import ConstraintsOnFields


class AreaType(models.TextChoices):
    RURAL = "rural", _("rural")
    URBAN = "urban", _("urban")


def review_date(year: int) -> date:
    """The reference date of a review year: 1 October (ages are taken on it too). A unit serves the review of year Y
    when it is in force on that date, so the reform of 1 July 2025 is in force from review year 2025."""
    return date(year, 10, 1)


def in_force_on(day: date) -> Q:
    """Units in force on a day: began on or before it (or before any record) and not yet ceased."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))


def in_force_at(valid_from: date | None, valid_to: date | None, day: date) -> bool:
    """Whether a unit in force from valid_from (None: since before the records) until valid_to (exclusive; None:
    still) is in force on that day (in_force_on in SQL)."""
    return (valid_from is None or valid_from <= day) and (valid_to is None or day < valid_to)


def in_force(valid_from: date | None, valid_to: date | None, year: int) -> bool:
    """Whether such a unit serves the review of that year."""
    return in_force_at(valid_from, valid_to, review_date(year))


def area_type_in(current: str, past: list[tuple[date, str]], year: int) -> str:
    """A unit's urban / rural type in a review year: the first past period (ended on `valid_to`, ascending) still
    running on the review date, else today's type."""
    day = review_date(year)
    return next((area_type for valid_to, area_type in past if day < valid_to), current)


def approval_chain(year: int) -> tuple[str, ...]:
    """The levels that enter and approve the data of a review year, lowest first (settings.APPROVAL_CHAINS)."""
    day = review_date(year)
    chains = sorted((date.fromisoformat(start), levels) for start, levels in settings.APPROVAL_CHAINS.items())
    return next((levels for start, levels in reversed(chains) if start <= day), chains[0][1])


def levels_without_data(year: int) -> set[str]:
    """Levels of an earlier chain that take no data in this review year (the district from 2025)."""
    every = {level for levels in settings.APPROVAL_CHAINS.values() for level in levels}
    return every - set(approval_chain(year))


class UnitQuerySet(models.QuerySet):
    def subtree(self, unit):
        """The unit and everything under it: one indexed prefix match on the path."""
        return self.filter(path__startswith=unit.path)

    def current(self):
        return self.filter(valid_to__isnull=True)

    def by_code(self, code: str, year: int | None = None):
        """The unit a code names (codes are reused across the 2025 reform): the one in force in that review year,
        else the one in force today, else the one that ceased last; None when no unit has the code."""
        units = self.filter(code=code)
        if year is not None and (unit := units.in_year(year).first()):
            return unit
        return units.order_by(F("valid_to").desc(nulls_first=True)).first()

    def in_year(self, year: int):
        """Units that serve the review of that year."""
        return self.filter(in_force_on(review_date(year)))

    def area_types(self, years) -> dict[tuple[int, int], str]:
        """{(unit id, year): its urban / rural type that review year} for these units."""
        return area_types(dict(self.values_list("id", "area_type")), years)


def area_types(current: dict[int, str], years) -> dict[tuple[int, int], str]:
    """{(unit id, year): type that review year}, from {unit id: today's type}: one query for all the units."""
    past = {}
    for unit_id, valid_to, area_type in UnitTypePeriod.objects.filter(unit_id__in=list(current)).values_list(
        "unit_id", "valid_to", "area_type"
    ):
        past.setdefault(unit_id, []).append((valid_to, area_type))
    return {
        (unit_id, year): area_type_in(today, sorted(past.get(unit_id, [])), year)
        for unit_id, today in current.items()
        for year in years
    }


class Unit(ConstraintsOnFields, models.Model):
    """An administrative unit. The tree has no fixed levels (province → commune since 2025)."""

    class Level(models.TextChoices):
        PROVINCE = "province", pgettext_lazy("unit level", "province")
        DISTRICT = "district", pgettext_lazy("unit level", "district")
        COMMUNE = "commune", pgettext_lazy("unit level", "commune")
        VILLAGE = "village", pgettext_lazy("unit level", "village")

    # Codes are reused across the 2025 reform (a new commune often takes the code of one it was made from): a code is
    # unique among the units in force today only, and nothing joins old and new data on the code alone.
    code = models.CharField(_("official code"), max_length=20, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent unit")
    )
    # Materialized path of codes ("94/941/31234/"): subtree queries are a prefix match.
    # (unique: a new unit with a reused code sits elsewhere in the tree, or is the same unit continuing)
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    area_type = models.CharField(_("urban / rural"), max_length=5, choices=AreaType.choices, default=AreaType.RURAL)
    extremely_difficult = models.BooleanField(_("extremely difficult commune"), default=False)
    coastal_or_island = models.BooleanField(_("coastal or island commune"), default=False)
    poor_district = models.BooleanField(_("poor district"), default=False)
    poor_commune = models.BooleanField(_("poor commune"), default=False)
    ethnic_minority_area = models.BooleanField(_("ethnic-minority area"), default=False)
    valid_from = models.DateField(
        _("in force from"), null=True, blank=True, help_text=_("Empty: since before the records began.")
    )
    valid_to = models.DateField(
        _("ceased on"), null=True, blank=True, help_text=_("The first day the unit no longer exists. Empty: it exists.")
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="unit_not_own_parent",
                violation_error_message=_("A unit cannot be its own parent."),
                violation_error_code="parent",
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(valid_to__isnull=True),
                name="unit_code_unique_in_force",
                violation_error_message=_("Another unit in force has this code."),
                violation_error_code="code",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="unit_ceases_after_it_began",
                violation_error_message=_("A unit ceases after the day it began."),
                violation_error_code="valid_to",
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        old_path = self.path
        self.path = f"{self.parent.path if self.parent else ''}{self.code}/"
        self.depth = self.parent.depth + 1 if self.parent else 0
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for child in self.children.all():
                child.save()

    def clean(self):
        # The form leaves out the id, so the database rule unit_not_own_parent is not checked before saving;
        # a unit under one of its own units would make a loop of paths.
        if self.pk and self.parent_id and (self.parent_id == self.pk or self.parent.path.startswith(self.path)):
            raise ValidationError({"parent": _("A unit cannot be placed under itself or under one of its own units.")})

    def area_type_in(self, year: int) -> str:
        """The urban / rural type that classifies the unit's households in that review year (communes became
        wards in 2025 and 2026 with their codes unchanged)."""
        past = sorted(self.type_periods.values_list("valid_to", "area_type"))
        return area_type_in(self.area_type, past, year)

    def in_force_in(self, year: int) -> bool:
        return in_force(self.valid_from, self.valid_to, year)

    def entry_refusal(self, year: int) -> str | None:
        """Why no household record, reported value or approval of that review year may be entered at this unit
        (it does not exist that year; its level was abolished), or None."""
        if not self.in_force_in(year):
            return _("%(unit)s does not exist in review year %(year)s (in force %(period)s).") % {
                "unit": self.name,
                "year": year,
                "period": self.period_text,
            }
        if self.level in levels_without_data(year):
            return _(
                "From review year %(year)s nothing is entered or approved at the %(level)s level (%(unit)s): data "
                "goes %(chain)s."
            ) % {
                "year": year,
                "level": self.get_level_display(),
                "unit": self.name,
                "chain": " → ".join(str(Unit.Level(level).label) for level in approval_chain(year)),
            }
        return None

    @property
    def period_text(self) -> str:
        """ "01/07/2025 – nay", "… – 30/06/2025": when the unit is in force (the last day, not the first without it)."""
        start = self.valid_from.strftime("%d/%m/%Y") if self.valid_from else "…"
        end = (self.valid_to - timedelta(days=1)).strftime("%d/%m/%Y") if self.valid_to else _("now")
        return f"{start} – {end}"

    @property
    def full_name(self) -> str:
        """Where the unit sits, up to the district: "Bản 1 — Xã Chiềng Ban — Huyện Mai Sơn" (select_related
        "parent__parent" in lists)."""
        names, unit = [], self
        while unit is not None:
            names.append(unit.name)
            if unit.depth <= 1:
                break
            unit = unit.parent
        return " — ".join(names)


class UnitTypePeriod(models.Model):
    """A past period of a unit's urban / rural type, ended on `valid_to` (the first day of the next type). The type
    in force today is Unit.area_type; a unit that never changed type has no period."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="type_periods", verbose_name=_("unit"))
    valid_to = models.DateField(_("until (exclusive)"))
    area_type = models.CharField(_("urban / rural"), max_length=5, choices=AreaType.choices)

    class Meta:
        verbose_name = _("past urban / rural type")
        verbose_name_plural = _("past urban / rural types")
        ordering = ["unit", "valid_to"]
        constraints = [models.UniqueConstraint(fields=["unit", "valid_to"], name="unit_type_period_unique")]

    def __str__(self):
        return f"{self.unit.code} {self.area_type} → {self.valid_to}"


class UnitSuccession(models.Model):
    """Where an old unit's households went when it ceased (or lost part of itself) on `valid_from`.

    Per old unit: one row per new unit without a village, carrying the share of the old unit's households that went
    there (100 when there is one new unit); the shares add up to 100. Rows naming a village (thôn, ấp, bản of the old
    unit) say that village moved whole to the new unit: its households go there, whatever the shares. Mapping the
    counts of old units into a new one is one query: households of each village row, plus the share of each share
    row's old unit households not in any village row of that old unit. A unit that continued (a province that others
    merged into) keeps its identity and has a row to itself when it gave part of itself away."""

    old = models.ForeignKey(Unit, models.PROTECT, related_name="successions", verbose_name=_("old unit"))
    new = models.ForeignKey(Unit, models.PROTECT, related_name="predecessions", verbose_name=_("new unit"))
    valid_from = models.DateField(_("in force from"))
    share = models.DecimalField(_("share of households (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    village = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("village that moved whole")
    )

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        ordering = ["old__path", "new__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["old", "new"], condition=Q(village__isnull=True), name="succession_share_unique"
            ),
            models.UniqueConstraint(fields=["old", "village"], name="succession_village_unique"),
            models.CheckConstraint(
                condition=Q(village__isnull=True, share__isnull=False) | Q(village__isnull=False, share__isnull=True),
                name="succession_share_or_village",
            ),
        ]

    def __str__(self):
        return f"{self.old.code} → {self.new.code} ({self.valid_from})"


class Profile(models.Model):
    """What a user may see: their unit's subtree. No unit means the whole system."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        MANAGER = "manager", _("provincial manager")
        DISTRICT_OFFICER = "district_officer", _("district officer")
        OFFICER = "officer", _("commune officer")
        VIEWER = "viewer", _("viewer")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="profile", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OFFICER)
    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("area"),
        help_text=_("The user sees this unit and everything under it. Empty: every area."),
    )
    language = models.CharField(
        _("interface language"),
        max_length=5,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Chosen with VI / EN; empty: Vietnamese."),
    )

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


class ApiToken(models.Model):
    """A key an API client sends as `Authorization: Bearer …` instead of a password: it acts as its user, with the
    user's role and area. Only its SHA-256 is stored (the key is random and long, so no slow hash is needed: that
    is what makes it cheap beside a password); the key itself is shown once, when it is made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. the program using it."))
    prefix = models.CharField(_("beginning of the token"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
