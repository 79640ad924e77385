from .indicators import RULES
from .records import (
    ABOVE,
    DEPRIVATIONS,
    INCOME_ONLY,
    MIDDLE,
    MIDDLE_BAND,
    NEAR_POOR,
    NOT_POOR,
    POOR,
    Conflict,
    HouseholdRecord,
    Result,
    Rule,
    Standard,
)


def derive_deprivations(record: HouseholdRecord, standard: Standard) -> frozenset[str]:
    return survey_answers(record, standard)[0]


def survey_answers(record: HouseholdRecord, standard: Standard) -> tuple[frozenset[str], frozenset[str]]:
    """The indicators the member detail shows deprived, and those it cannot answer (not surveyed)."""
    answers = {name: RULES[rule](record, standard) for name, rule in standard.indicator_rules.items()}
    deprived = frozenset(name for name, answer in answers.items() if answer)
    return deprived, frozenset(name for name, answer in answers.items() if answer is None)


def _conflicts(given: frozenset, derived: frozenset, standard: Standard) -> tuple[Conflict, ...]:
    return tuple(
        Conflict(name, name in given, name in derived)
        for name in standard.indicators
        if (name in given) != (name in derived)
    )


def classify(record: HouseholdRecord, standard: Standard) -> Result:
    """Classify one household by the standard (docs/domain/poverty-standards.md §2.3 and §3.4)."""
    conflicts = ()
    if record.has_detail:
        deprived, not_surveyed = survey_answers(record, standard)
        if record.answers is not None:
            conflicts = _conflicts(record.answers, deprived, standard)
    else:
        not_surveyed = record.not_surveyed & standard.indicator_set
        deprived = record.answers & standard.indicator_set  # answers given for another list left out
        if not_surveyed:
            deprived -= not_surveyed
    return classify_deprived(
        record.code, record.area_type, record.income_per_capita, deprived, standard, conflicts, not_surveyed
    )


def classify_deprived(
    code: str, area: str, income: int, deprived, standard: Standard, conflicts=(), not_surveyed=()
) -> Result:
    """The second step of `classify`: where a household with these deprivations falls by its income. Indicators
    `not_surveyed` count as neither: when their answers could still make a near-poor household poor, the
    result is marked incomplete."""
    count = len(deprived)
    k = standard.min_deprivations
    income_only = standard.income_only_poor_line[area] if standard.income_only_poor_line else None
    line = standard.deprivation_line[area]
    middle = standard.middle_line[area] if standard.middle_line else None

    if income_only is not None and income <= income_only:
        cls, line, rule = POOR, income_only, Rule(INCOME_ONLY, area, income, income_only)
    elif income <= line:
        cls = POOR if count >= k else NEAR_POOR
        unknown = len(not_surveyed) if count < k <= count + len(not_surveyed) else 0
        rule = Rule(DEPRIVATIONS, area, income, line, count=count, threshold=k, not_surveyed=unknown)
    elif middle is not None and income <= middle:
        cls, rule = MIDDLE, Rule(MIDDLE_BAND, area, income, middle, lower=line)
    else:
        cls = NOT_POOR
        rule = Rule(ABOVE, area, income, middle if middle is not None else line)

    low_income_worker = None
    if standard.low_income_worker_line:
        # Decree 30/2025: not poor nor near-poor, income at or below the line
        low_income_worker = cls not in (POOR, NEAR_POOR) and income <= standard.low_income_worker_line[area]
    return Result(
        code=code,
        standard=standard.code,
        classification=cls,
        deprivations=tuple(sorted(deprived)),
        income_line=line,
        rule=rule,
        low_income_worker_household=low_income_worker,
        conflicts=conflicts,
        not_surveyed=tuple(sorted(not_surveyed)),
        incomplete=cls == NEAR_POOR and count + len(not_surveyed) >= k,
    )
