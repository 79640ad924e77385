import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from .wording import _, indicator

RURAL, URBAN = "rural", "urban"
POOR, NEAR_POOR, MIDDLE, NOT_POOR = "poor", "near_poor", "middle", "not_poor"
CLASSIFICATIONS = (POOR, NEAR_POOR, MIDDLE, NOT_POOR)

EDUCATION_LEVELS = (
    "none",
    "primary",
    "lower_secondary",
    "upper_secondary",
    "vocational_elementary",
    "vocational_intermediate",
    "vocational_college",
    "university",
)
VOCATIONAL = frozenset({"vocational_elementary", "vocational_intermediate", "vocational_college"})
EMPLOYMENT = (
    "wage_contract",
    "wage_no_contract",
    "self_employed",
    "unemployed",
    "inactive",
    "student",
    "retired",
    "child",
)
HOUSE_CLASSES = ("kien_co", "ban_kien_co", "thieu_kien_co", "don_so")
WATER_SOURCES = (
    "piped",
    "drilled_well",
    "protected_dug_well",
    "unprotected_dug_well",
    "protected_spring",
    "unprotected_spring",
    "rainwater",
    "bottled",
    "river_pond",
    "other",
)
LATRINES = ("septic", "semi_septic", "pour_flush", "double_vault", "ventilated_pit", "open_pit", "hanging", "none")
ASSETS = ("tv", "radio", "computer", "smartphone")
WASTE_DISPOSAL = ("collected", "treated_on_site", "untreated")


@dataclass(frozen=True, slots=True)
class Member:
    age: int
    sex: str = "M"
    education: str = "none"
    in_school: bool = False
    on_track: bool = True
    health_insurance: bool = False
    employment: str = "inactive"
    able_to_work: bool = True
    disabled: bool = False
    social_allowance: bool = False
    malnourished: bool = False
    sick_untreated: bool = False
    uses_phone: bool = False
    uses_internet: bool = False
    job_training_certificate: bool = False


@dataclass(frozen=True, slots=True)
class Dwelling:
    house_class: str = "kien_co"
    nondurable_structures: int = 0
    floor_area_m2: float = 0.0
    water_source: str = "piped"
    latrine: str = "septic"
    assets: frozenset = frozenset()
    loudspeaker_audible: bool = False
    waste_disposal: str | None = None  # None: not surveyed (the question came with Decree 351/2025)


def counted_members(member_count: int | None, members) -> int | None:
    """A member list sets the member count: its length when members are listed, else the count given. The one
    home of this rule: the service's saves (entry form, admin, API, scripts) and the parse of a household (API,
    classify, roster import) ask it."""
    return len(members) if members else member_count


@dataclass(frozen=True, slots=True)
class HouseholdRecord:
    """One household in one review. Either members + dwelling, or the indicator answers, or both."""

    code: str
    area_type: str
    income_per_capita: int
    reference_year: int
    member_count: int
    members: tuple[Member, ...] | None = None
    dwelling: Dwelling | None = None
    answers: frozenset[str] | None = None
    # Indicators the survey did not ask (answers-only records given under another standard's list).
    not_surveyed: frozenset[str] = frozenset()

    @property
    def has_detail(self) -> bool:
        return self.members is not None and self.dwelling is not None


@dataclass(frozen=True)
class Standard:
    """A poverty standard as data: income lines per area, the deprivation cut-off, indicator rules.

    `indicator_rules` maps each indicator name to the name of the rule function that decides it
    (see indicators.py), so a new standard is data plus, at most, one new function.
    """

    code: str
    first_year: int
    last_year: int
    indicator_rules: dict[str, str]
    deprivation_line: dict[str, int]  # at or below: poor with >= min_deprivations, else near-poor
    income_only_poor_line: dict[str, int] | None = None  # at or below: poor whatever the deprivations
    middle_line: dict[str, int] | None = None
    low_income_worker_line: dict[str, int] | None = None
    min_deprivations: int = 3
    parameters: dict = field(default_factory=dict)

    @cached_property
    def indicators(self) -> tuple[str, ...]:
        return tuple(sorted(self.indicator_rules))

    @cached_property
    def indicator_set(self) -> frozenset[str]:
        return frozenset(self.indicator_rules)

    def param(self, name):
        return self.parameters.get(name, DEFAULT_PARAMETERS[name])

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    def retirement_months(self, sex: str, year: int) -> int:
        """The statutory retirement age in months for `sex` in review `year`: the latest step of the
        roadmap at or before the year (the first step for earlier years)."""
        steps = sorted(self.param("retirement_months")[sex])
        months = steps[0][1]
        for from_year, value in steps:
            if from_year <= year:
                months = value
        return months

    def is_working_age(self, age: int, sex: str, year: int) -> bool:
        # Labour Code 2019 art. 169, Decree 135/2020 art. 4 (docs/domain/poverty-standards.md §3.3 E1): from 15 to the
        # retirement age of the sex and year; ages are completed years, so a man of 60 in 2023 (60 y 9 m) is.
        key = (age, sex, year)
        try:
            return self._working_age[key]
        except KeyError:  # a few hundred distinct keys for a whole province: asked once each
            answer = self._working_age[key] = age >= self.param(
                "working_age_min"
            ) and age * 12 < self.retirement_months(sex, year)
            return answer

    @cached_property
    def _working_age(self) -> dict:
        return {}


def _roadmap(before: int, first_year: int, start: int, step: int, until: int) -> list[list[int]]:
    steps, months, year = [[first_year - 1, before]], start, first_year
    while months < until:
        steps.append([year, months])
        months, year = months + step, year + 1
    return steps + [[year, until]]


# Decree 135/2020 art. 4: before 2021 men 60, women 55; from 2021 men 60 y 3 m, +3 months a year to 62 (2028),
# women 55 y 4 m, +4 months a year to 60 (2035). [year from which it applies, retirement age in months].
RETIREMENT_MONTHS = {
    "M": _roadmap(60 * 12, 2021, 60 * 12 + 3, 3, 62 * 12),
    "F": _roadmap(55 * 12, 2021, 55 * 12 + 4, 4, 60 * 12),
}

DEFAULT_PARAMETERS = {
    "health_insurance_min_age": 6,
    "area_per_person_min_m2": 8,
    "adult_education_min_age": 15,
    "adult_education_born_from": 1986,
    "youth_education_ages": [16, 30],
    "child_school_ages": [5, 15],  # from the lower bound up to, not including, the upper
    "dependent_child_under": 16,
    "elderly_age": 60,
    "dependents_share_over": 0.5,
    "working_age_min": 15,
    "retirement_months": RETIREMENT_MONTHS,
    "hygienic_water": ["piped", "drilled_well", "protected_dug_well", "protected_spring", "rainwater", "bottled"],
    "hygienic_latrine": ["septic", "semi_septic", "pour_flush", "double_vault", "ventilated_pit"],
    "nondurable_structures_min": 2,
    "hygienic_waste_disposal": ["collected", "treated_on_site"],
}


def parameter_errors(parameters) -> list[str]:
    """What is wrong with a standard's `parameters` as an administrator typed them (in the active language), or []:
    the rules read these values, so a malformed one must be refused before any household is classified."""
    if not isinstance(parameters, dict):
        return [_("must be a JSON object {name: value}")]
    errors = []
    minimum = parameters.get("working_age_min", DEFAULT_PARAMETERS["working_age_min"])
    if isinstance(minimum, bool) or not isinstance(minimum, int) or not 0 <= minimum <= 120:
        errors.append(
            (_("working_age_min must be a whole number from 0 to 120, got %(value)r") % {"value": minimum})[:200]
        )
    roadmap = parameters.get("retirement_months", RETIREMENT_MONTHS)
    shape = _(
        'retirement_months must look like {"M": [[year, months], …], "F": [[year, months], …]}, '
        "with months from 0 to 1440"
    )
    if not isinstance(roadmap, dict) or set(roadmap) != {"M", "F"}:
        errors.append(shape)
    else:
        for steps in roadmap.values():
            if (
                not isinstance(steps, list)
                or not steps
                or any(
                    not isinstance(step, list)
                    or len(step) != 2
                    or any(isinstance(v, bool) or not isinstance(v, int) for v in step)
                    or not 0 <= step[1] <= 1440
                    for step in steps
                )
            ):
                errors.append(shape)
                break
    return errors


@dataclass(frozen=True, slots=True)
class Conflict:
    indicator: str
    given: bool
    derived: bool

    def message(self) -> str:
        """In the active language (wording.py); a conflict is the answer and the members disagreeing."""
        if self.given:
            text = _("indicator %(indicator)s: the answers say deprived but the member data show not deprived")
        else:
            text = _("indicator %(indicator)s: the answers say not deprived but the member data show deprived")
        return text % {"indicator": f"{indicator(self.indicator)} ({self.indicator})"}


# How a household's income compares with the standard's lines (Rule.test)
INCOME_ONLY = "income_only"  # income ≤ the income-only poverty line: poor whatever its deprivations
DEPRIVATIONS = "deprivations"  # income ≤ the line: poor or near-poor by its deprivations
MIDDLE_BAND = "middle"  # line < income ≤ the middle line
ABOVE = "above"  # income above the highest line


class Rule(NamedTuple):
    """Why a household is in its class, as numbers and codes: the presentation words it in either language
    (households.names.rule_text). Stored as `encode()`, a short language-free text. A named tuple, not a frozen
    dataclass: one is made for every household classified, and a frozen dataclass's __init__ took 0,75 µs more."""

    test: str
    area: str
    income: int
    line: int  # the line the income is at or below (above: the highest line it exceeds)
    lower: int | None = None  # middle band: the line it is above
    count: int | None = None  # deprivations: how many indicators are deprived ...
    threshold: int | None = None  # ... against how many make a household poor
    not_surveyed: int = 0  # deprivations: indicators without an answer that could still reach the threshold

    def encode(self) -> str:
        """JSON, keys sorted, no spaces, None and a zero not_surveyed left out (re-scoring's SQL writes the same).
        Written out by hand: json.dumps over asdict took 10,7 µs, a third of re-classifying a household."""
        parts = [f'"area":"{self.area}"']
        if self.count is not None:
            parts.append(f'"count":{self.count}')
        parts += [f'"income":{self.income}', f'"line":{self.line}']
        if self.lower is not None:
            parts.append(f'"lower":{self.lower}')
        if self.not_surveyed:
            parts.append(f'"not_surveyed":{self.not_surveyed}')
        parts.append(f'"test":"{self.test}"')
        if self.threshold is not None:
            parts.append(f'"threshold":{self.threshold}')
        return "{" + ",".join(parts) + "}"

    @classmethod
    def decode(cls, text: str):
        """The rule stored by `encode`, or None for any other text."""
        try:
            data = json.loads(text or "")
            return cls(**data) if isinstance(data, dict) else None
        except (ValueError, TypeError):
            return None


class Result(NamedTuple):
    """One household's classification (a named tuple, as Rule: made once for every household classified)."""

    code: str
    standard: str
    classification: str
    deprivations: tuple[str, ...]
    income_line: int
    rule: Rule
    low_income_worker_household: bool | None = None
    conflicts: tuple[Conflict, ...] = ()
    # Indicators with no answer ("chưa khảo sát"), and whether their answers could change the classification:
    # then the classification stands for the answered indicators only and is counted apart.
    not_surveyed: tuple[str, ...] = ()
    incomplete: bool = False

    @property
    def deprivation_count(self) -> int:
        return len(self.deprivations)

    def as_dict(self) -> dict:
        data = {
            "code": self.code,
            "standard": self.standard,
            "classification": self.classification,
            "deprivations": list(self.deprivations),
            "deprivation_count": self.deprivation_count,
            "income_line": self.income_line,
            "rule": self.rule.encode(),
        }
        if self.low_income_worker_household is not None:
            data["low_income_worker_household"] = self.low_income_worker_household
        if self.not_surveyed:
            data["not_surveyed"] = list(self.not_surveyed)
            data["incomplete"] = self.incomplete
        if self.conflicts:
            data["conflicts"] = [
                {"indicator": c.indicator, "given": c.given, "derived": c.derived, "message": c.message()}
                for c in self.conflicts
            ]
        return data


def standard_of_year(standards, year: int):
    """The standard whose review years include `year`: the one that classifies that year's households (any
    objects with first_year and last_year: engine standards or stored ones). None when no standard does."""
    return next((s for s in standards if s.first_year <= year <= s.last_year), None)


def standards_of_year(standards, year: int) -> list:
    """Every standard that classifies the review of `year`, its own first. The review of a period's last year
    also fixes the next period's lists and baseline, so it is classified under the next standard too
    (docs/domain/poverty-standards.md §4): 2021 under Decision 59 and Decree 07, 2026 under Decree 07 and 351."""
    own = standard_of_year(standards, year)
    following = next((s for s in standards if s.first_year == year + 1), None)
    return [s for s in (own, following) if s is not None]
