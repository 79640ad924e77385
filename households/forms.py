import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from areas.models import AreaType
from areas.selectors import units_for_user
from povertyplan import formfields

from . import names
from .models import Classification, Ethnicity, Household, Member, PovertyStandard
from .standards.names import DEPRIVATION_NAMES
from .standards.records import standard_of_year
from .standards.validate import MAX_AGE

DWELLING_FIELDS = [
    "house_class",
    "nondurable_structures",
    "floor_area_m2",
    "water_source",
    "latrine",
    "has_tv",
    "has_radio",
    "has_computer",
    "has_smartphone",
    "loudspeaker_audible",
    "waste_disposal",
]
MEMBER_FIELDS = (
    "full_name",
    "age",
    "sex",
    "education",
    "employment",
    "in_school",
    "on_track",
    "health_insurance",
    "able_to_work",
    "disabled",
    "social_allowance",
    "malnourished",
    "sick_untreated",
    "uses_phone",
    "uses_internet",
    "job_training_certificate",
)


# Groups under another standard beside its classes (households.selectors.household_list's compare_class).
COMPARE_GROUPS = [("incomplete", _("not enough information")), ("missing", _("not re-scored"))]

# Households of units flagged so, or below one (the target scopes of the same names).
UNIT_GROUPS = [
    ("poor_districts", _("poor districts")),
    ("poor_communes", _("poor communes")),
    ("difficult_communes", _("extremely difficult, coastal and island communes")),
]


class HouseholdFilterForm(forms.Form):
    """The filters of /households/ (the URL contract shared with dashboards and reports)."""

    unit = forms.CharField(label=_("Area code"), required=False)
    year = forms.IntegerField(label=_("Survey year"), required=False, min_value=1900, max_value=2100)
    classification = forms.ChoiceField(
        label=_("Classification"), required=False, choices=[("", _("all"))] + Classification.choices
    )
    deprivation = forms.ChoiceField(
        label=_("Deprived in"),
        required=False,
        choices=[("", _("any"))] + [(code, names.indicator_lazy(code)) for code in DEPRIVATION_NAMES],
    )
    ethnicity = forms.ChoiceField(label=_("Ethnic group"), required=False, choices=[("", _("all"))] + Ethnicity.choices)
    ethnic_minority = forms.BooleanField(label=_("Ethnic-minority households"), required=False)
    unit_group = forms.ChoiceField(label=_("Areas"), required=False, choices=[("", _("all"))] + UNIT_GROUPS)
    area_type = forms.ChoiceField(label=_("Urban / rural"), required=False, choices=[("", _("all"))] + AreaType.choices)
    transition = forms.ChoiceField(
        label=_("Movement since the year before"),
        required=False,
        choices=[("", _("any"))] + list(names.MOVEMENTS.items()),
    )
    to_finish = forms.BooleanField(label=_("Survey to finish (classification incomplete)"), required=False)
    q = forms.CharField(label=_("Code or head's name"), required=False)
    roster_import = forms.IntegerField(label=_("Roster import"), required=False, min_value=1, widget=forms.HiddenInput)
    incomplete = forms.ChoiceField(
        label=_("Classification incomplete"),
        required=False,
        choices=[("", _("any")), ("yes", _("incomplete only")), ("no", _("complete only"))],
    )
    # The comparison of two standards (reports/standards/) links here: the group under another standard.
    compare_standard = forms.ChoiceField(label=_("Under the standard"), required=False)
    compare_class = forms.ChoiceField(
        label=_("Group under that standard"),
        required=False,
        choices=[("", _("any")), *Classification.choices, *COMPARE_GROUPS],
    )
    compare_deprivation = forms.ChoiceField(
        label=_("Deprived in, under that standard"),
        required=False,
        choices=[("", _("any"))] + [(code, names.indicator_lazy(code)) for code in DEPRIVATION_NAMES],
    )

    # A figure in today's boundaries links here: its unit's households and those of the old units mapped into it.
    boundaries = forms.ChoiceField(
        label=_("Boundaries"),
        required=False,
        choices=[("", _("as recorded")), ("current", _("in the 2025 boundaries"))],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compare_standard"].choices = [("", _("none"))] + [
            (s.code, s.legal_name) for s in PovertyStandard.objects.only("code", "name")
        ]
        if not self.data.get("compare_standard"):  # shown only when the list is opened from the comparison
            for name in ("compare_standard", "compare_class", "compare_deprivation"):
                self.fields[name].widget = forms.HiddenInput()
        self.fields["unit"].widget = (
            forms.Select(
                choices=[("", _("all my area"))]
                + [
                    (u.code, "— " * max(u.depth - 1, 0) + u.name)
                    for u in units_for_user(user).filter(level__in=["province", "district", "commune"]).order_by("path")
                ]
            )
            if user is not None
            else forms.TextInput()
        )


class LockedForm(forms.Form):
    """Hidden fields every edit form carries: the version the editor saw and a one-time submission token."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].initial = uuid.uuid4().hex


class _UnitField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.name} ({unit.code})"


class HouseholdForm(forms.ModelForm):
    income_per_capita = formfields.MoneyField(label=_("income per person per month (VND)"), min_value=0)
    floor_area_m2 = formfields.DecimalField(
        label=_("floor area (m²)"), min_value=0, max_digits=7, decimal_places=1, required=False
    )

    class Meta:
        model = Household
        fields = [
            "unit",
            "survey_year",
            "code",
            "head_name",
            "ethnicity",
            "area_type",
            "income_per_capita",
            *DWELLING_FIELDS,
        ]
        widgets = {"survey_year": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1900, "max": 2100})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _UnitField(
            units_for_user(user).filter(level__in=["commune", "village"]).order_by("path"), label=_("area")
        )
        for name in ("house_class", "water_source", "latrine", "nondurable_structures"):
            self.fields[name].required = True
        self.fields["survey_year"].localize = False
        self.fields["nondurable_structures"].widget = forms.Select(choices=[(i, str(i)) for i in range(4)])


class MemberForm(forms.ModelForm):
    age = forms.IntegerField(
        label=_("age"),
        min_value=0,
        max_value=MAX_AGE,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": MAX_AGE}),
    )

    class Meta:
        model = Member
        fields = list(MEMBER_FIELDS)  # a copy: the inline formset appends its foreign key to it


MemberFormSet = inlineformset_factory(
    Household, Member, form=MemberForm, extra=0, min_num=1, validate_min=True, can_delete=True, max_num=40
)


def standard_or_latest(year) -> PovertyStandard | None:
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = None
    return (year and PovertyStandard.objects.of_year(year)) or PovertyStandard.objects.order_by("first_year").last()


def indicator_choices(standard) -> list[tuple[str, str]]:
    """A standard's indicators of deprivation by their official names, in the standard's own list."""
    return [(code, names.indicator(code)) for code in sorted(standard.indicator_rules)] if standard else []


def indicators_by_year() -> dict[str, dict]:
    """{year: {"standard": name, "indicators": [[code, name], …]}} for every year a standard covers: what the
    answers form offers as its survey year changes, by the rule of PovertyStandard.objects.of_year."""
    standards = list(PovertyStandard.objects.order_by("first_year"))
    if not standards:
        return {}
    years = range(min(s.first_year for s in standards), max(s.last_year for s in standards) + 1)
    found = {year: standard_of_year(standards, year) for year in years}
    return {
        str(year): {"standard": standard.name, "indicators": indicator_choices(standard)}
        for year, standard in found.items()
        if standard is not None
    }


class AnswersForm(forms.ModelForm):
    """A household as communes' rosters give it: income, member count and the ticked deprivations."""

    income_per_capita = formfields.MoneyField(label=_("income per person per month (VND)"), min_value=0)
    member_count = formfields.IntegerField(label=_("members"), min_value=1, max_value=100)
    deprivations = forms.MultipleChoiceField(
        label=_("Deprived indicators"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Household
        fields = [
            "unit",
            "survey_year",
            "code",
            "head_name",
            "ethnicity",
            "area_type",
            "income_per_capita",
            "member_count",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _UnitField(
            units_for_user(user).filter(level__in=["commune", "village"]).order_by("path"), label=_("area")
        )
        self.fields["survey_year"].localize = False
        year = self.data.get("survey_year") or self.initial.get("survey_year") or self.instance.survey_year
        self.standard = standard_or_latest(year)
        choices = indicator_choices(self.standard)
        # Ticks of another standard's indicators (the year was changed) stay on the page, ticked, with a message.
        offered = {code for code, _label in choices}
        posted = self.data.getlist("deprivations") if hasattr(self.data, "getlist") else []
        strays = [c for c in posted if c not in offered and c in DEPRIVATION_NAMES]
        self.fields["deprivations"].choices = choices + [(c, names.indicator(c)) for c in dict.fromkeys(strays)]
        if self.instance.pk and self.instance.reported_deprivations is not None:
            self.fields["deprivations"].initial = self.instance.reported_deprivations

    def clean_deprivations(self):
        ticked = self.cleaned_data["deprivations"]
        foreign = [code for code in ticked if not self.standard or code not in self.standard.indicator_rules]
        if foreign:
            raise ValidationError(
                _(
                    "The standard of %(year)s (%(standard)s) has no indicator %(names)s: untick it, or check the survey year."
                )
                % {
                    "year": self.cleaned_data.get("survey_year") or "",
                    "standard": self.standard.name if self.standard else "",
                    "names": ", ".join(f"“{names.indicator(code)}”" for code in foreign),
                }
            )
        return ticked

    def save(self, commit=False):
        household = super().save(commit=False)
        household.reported_deprivations = sorted(self.cleaned_data["deprivations"])
        return household
