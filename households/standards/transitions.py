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
        return RE_POOR if POOR in earlier else NEWLY_POOR
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
