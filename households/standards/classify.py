from .indicators import RULES
from .records import MIDDLE, NEAR_POOR, NOT_POOR, POOR, Conflict, HouseholdRecord, Result, Standard


def vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def derive_deprivations(record: HouseholdRecord, standard: Standard) -> frozenset[str]:
    return frozenset(name for name, rule in standard.indicator_rules.items() if RULES[rule](record, standard))


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
        deprived = derive_deprivations(record, standard)
        if record.answers is not None:
            conflicts = _conflicts(record.answers, deprived, standard)
    else:
        deprived = record.answers
    return classify_deprived(record.code, record.area_type, record.income_per_capita, deprived, standard, conflicts)


def classify_deprived(code: str, area: str, income: int, deprived, standard: Standard, conflicts=()) -> Result:
    """The second step of `classify`: where a household with these deprivations falls by its income."""
    count = len(deprived)
    k = standard.min_deprivations
    income_only = standard.income_only_poor_line[area] if standard.income_only_poor_line else None
    line = standard.deprivation_line[area]
    middle = standard.middle_line[area] if standard.middle_line else None
    where = "nông thôn" if area == "rural" else "thành thị"

    if income_only is not None and income <= income_only:
        cls, line, rule = POOR, income_only, f"thu nhập {vnd(income)} ≤ {vnd(income_only)} ({where})"
    elif income <= line:
        cls = POOR if count >= k else NEAR_POOR
        op = "≥" if count >= k else "<"
        rule = f"thu nhập {vnd(income)} ≤ {vnd(line)} ({where}) và {count} chỉ số thiếu hụt {op} {k}"
    elif middle is not None and income <= middle:
        cls, rule = MIDDLE, f"{vnd(line)} < thu nhập {vnd(income)} ≤ {vnd(middle)} ({where})"
    else:
        cls = NOT_POOR
        rule = f"thu nhập {vnd(income)} > {vnd(middle if middle is not None else line)} ({where})"

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
    )
