from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from povertyplan.constraints import ConstraintsOnFields


class AreaType(models.TextChoices):
    RURAL = "rural", _("rural")
    URBAN = "urban", _("urban")


class UnitQuerySet(models.QuerySet):
    def subtree(self, unit):
        """The unit and everything under it: one indexed prefix match on the path."""
        return self.filter(path__startswith=unit.path)


class Unit(ConstraintsOnFields, models.Model):
    """An administrative unit. The tree has no fixed levels (province → commune since 2025)."""

    class Level(models.TextChoices):
        PROVINCE = "province", pgettext_lazy("unit level", "province")
        DISTRICT = "district", pgettext_lazy("unit level", "district")
        COMMUNE = "commune", pgettext_lazy("unit level", "commune")
        VILLAGE = "village", pgettext_lazy("unit level", "village")

    code = models.CharField(_("official code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent unit")
    )
    # Materialized path of codes ("94/941/31234/"): subtree queries are a prefix match.
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    area_type = models.CharField(_("urban / rural"), max_length=5, choices=AreaType.choices, default=AreaType.RURAL)
    extremely_difficult = models.BooleanField(_("extremely difficult commune"), default=False)
    coastal_or_island = models.BooleanField(_("coastal or island commune"), default=False)
    poor_district = models.BooleanField(_("poor district"), default=False)
    ethnic_minority_area = models.BooleanField(_("ethnic-minority area"), default=False)

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
