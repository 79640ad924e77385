"""Year-over-year movements of a household between classifications: what "sustainable" means."""

from .records import NEAR_POOR, POOR

STAYED_POOR = "stayed_poor"
ESCAPED_TO_NEAR_POOR = "escaped_to_near_poor"
ESCAPED_TO_NOT_POOR = "escaped_to_not_poor"
NEWLY_POOR = "newly_poor"
RE_POOR = "re_poor"
NEAR_POOR_TO_POOR = "near_poor_to_poor"
STAYED_NEAR_POOR = "stayed_near_poor"
NEWLY_NEAR_POOR = "newly_near_poor"
ESCAPED_NEAR_POOR = "escaped_near_poor"
STAYED_NOT_POOR = "stayed_not_poor"
NEW_HOUSEHOLD = "new_household"


def returns_to(cls: str, before: str | None, earlier) -> bool:
    """Back on the list of `cls` (poor or near-poor) rather than new to it: out of both lists last year (a record
    above near-poor), and `cls` in some year before last. The one rule of "re-" movements: tái nghèo, tái cận nghèo."""
    return before is not None and before not in (POOR, NEAR_POOR) and cls in earlier


def transition(before: str | None, now: str, earlier: list[str] = ()) -> str:
    """The movement from last year's class `before` to `now`. `earlier` holds the classes of the years
    before last, oldest first, to tell re-poor (poor before, out last year, poor again) from newly poor."""
    if before is None:
        return NEW_HOUSEHOLD
    if now == POOR:
        if before == POOR:
            return STAYED_POOR
        if before == NEAR_POOR:
            return NEAR_POOR_TO_POOR
        return RE_POOR if returns_to(POOR, before, earlier) else NEWLY_POOR
    if before == POOR:
        return ESCAPED_TO_NEAR_POOR if now == NEAR_POOR else ESCAPED_TO_NOT_POOR
    if now == NEAR_POOR:
        return STAYED_NEAR_POOR if before == NEAR_POOR else NEWLY_NEAR_POOR
    if before == NEAR_POOR:
        return ESCAPED_NEAR_POOR
    return STAYED_NOT_POOR


def transitions(history: dict[int, str], year: int) -> str:
    """The movement into `year` of a household whose classes by survey year are `history`."""
    earlier = [history[y] for y in sorted(history) if y < year - 1]
    return transition(history.get(year - 1), history[year], earlier)


# The movements of the year-end review report (Decision 24/2021 Art. 7; docs/domain/poverty-standards.md §5.3), named as
# the household list's `?transition=` values. A household in its survey year has at most one movement on the
# poor list and one on the near-poor list. "Newly" (phát sinh) is every entry that is not a return: from
# near-poor, from above, or a household with no record last year (a split or arrival).
ESCAPED = "escaped"
RE_POOR_MOVEMENT = RE_POOR  # "re_poor" (tái nghèo)
NEWLY_POOR_MOVEMENT = NEWLY_POOR  # "newly_poor" (phát sinh)
STILL_POOR = "still_poor"
ESCAPED_NEAR = "escaped_near_poor"
RE_NEAR_POOR = "re_near_poor"
NEWLY_NEAR_POOR_MOVEMENT = NEWLY_NEAR_POOR  # "newly_near_poor"
STILL_NEAR_POOR = "still_near_poor"
POOR_MOVEMENTS = (ESCAPED, RE_POOR_MOVEMENT, NEWLY_POOR_MOVEMENT, STILL_POOR)
NEAR_POOR_MOVEMENTS = (ESCAPED_NEAR, RE_NEAR_POOR, NEWLY_NEAR_POOR_MOVEMENT, STILL_NEAR_POOR)


def report_movements(history: dict[int, str], year: int) -> set[str]:
    """The report movements of a household into `year` (its classes by survey year in `history`):
    escaped the poor list (to near-poor or above), re-poor (poor before last year, out of both lists last
    year), newly poor (any other entry), still poor; and the same four for the near-poor list, where a
    move from poor to near-poor is newly near-poor and near-poor to poor leaves the near-poor list
    without escaping it."""
    now, before = history[year], history.get(year - 1)
    earlier = {history[y] for y in history if y < year - 1}
    movements = set()
    if now == POOR:
        if before == POOR:
            movements.add(STILL_POOR)
        elif returns_to(POOR, before, earlier):
            movements.add(RE_POOR_MOVEMENT)
        else:
            movements.add(NEWLY_POOR_MOVEMENT)
    elif before == POOR:
        movements.add(ESCAPED)
    if now == NEAR_POOR:
        if before == NEAR_POOR:
            movements.add(STILL_NEAR_POOR)
        elif returns_to(NEAR_POOR, before, earlier):
            movements.add(RE_NEAR_POOR)
        else:
            movements.add(NEWLY_NEAR_POOR_MOVEMENT)
    elif before == NEAR_POOR and now != POOR:
        movements.add(ESCAPED_NEAR)
    return movements
