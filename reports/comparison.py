"""What another standard changes, side by side: a unit's households of a review year under the standard of their year
and under another one (their stored HouseholdClassification rows), built from the counts of one grouped query
(reports.selectors.comparison_groups). Plain values in, plain values out: the page, the API and the .xlsx show the
same Comparison."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import pgettext_lazy

from households import names

POOR, NEAR_POOR, MIDDLE, NOT_POOR, INCOMPLETE = "poor", "near_poor", "middle", "not_poor", "incomplete"
MISSING = "missing"  # no stored classification under the other standard: not re-scored yet
GROUPS = (POOR, NEAR_POOR, MIDDLE, NOT_POOR, INCOMPLETE)
GROUP_LABELS = {
    **names.SHORT_CLASSES,
    INCOMPLETE: names.SHORT_INCOMPLETE,
    MISSING: pgettext_lazy("standards comparison", "Not re-scored"),
}
BAND_NOT_SET = pgettext_lazy("standards comparison", "not set")


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    path: str


@dataclass(frozen=True)
class Side:
    """One standard's view: its code, name, and whether it has a medium band (none: "not set", never 0)."""

    code: str
    name: str
    middle_band: bool


@dataclass(frozen=True)
class Group:
    """A count of the grouped query: households of the unit at `path` in `own` group under their year's standard
    and `other` group (or MISSING) under the other standard."""

    path: str
    own: str
    other: str
    households: int


@dataclass
class Counts:
    """The households of a place by group under each standard; `other` has MISSING beside the groups."""

    total: int = 0
    own: dict = field(default_factory=lambda: dict.fromkeys(GROUPS, 0))
    other: dict = field(default_factory=lambda: dict.fromkeys((*GROUPS, MISSING), 0))

    def add(self, group: Group) -> None:
        self.total += group.households
        self.own[group.own] += group.households
        self.other[group.other] += group.households


@dataclass
class Row:
    place: Place
    counts: Counts
    direct: bool = False  # households recorded at the unit itself, not under a child


@dataclass
class Comparison:
    unit: Place
    year: int
    own: Side
    other: Side
    counts: Counts
    movement: dict  # (own group, other group) -> households, every pair
    rows: list[Row]

    @property
    def missing(self) -> int:
        return self.counts.other[MISSING]

    def groups_of(self, side: str) -> tuple:
        return (*GROUPS, MISSING) if side == "other" else GROUPS

    def moves(self) -> list[tuple[str, str, int]]:
        """The pairs with households in them, in the tables' order."""
        return [
            (own, other, self.movement[own, other])
            for own in GROUPS
            for other in (*GROUPS, MISSING)
            if self.movement[own, other]
        ]


def rate(households: int, total: int) -> Decimal | None:
    """A percent of the place's resident households (poverty-standards.md §7), 2 decimals."""
    if not total:
        return None
    return (Decimal(households) * 100 / Decimal(total)).quantize(Decimal("0.01"))


def shown(side: Side, group: str) -> bool:
    """Whether a group's count means anything under the standard: a standard without a medium band has none."""
    return group != MIDDLE or side.middle_band


def build(unit: Place, children: list[Place], year: int, own: Side, other: Side, groups: list[Group]) -> Comparison:
    totals = Counts()
    movement = {(a, b): 0 for a in GROUPS for b in (*GROUPS, MISSING)}
    rows = {c.path: Row(c, Counts()) for c in children}
    direct = Row(unit, Counts(), direct=True)
    child_of = {}  # a unit's path → the child it is under (None: the unit itself); a unit has a group per pair
    for group in groups:
        totals.add(group)
        movement[group.own, group.other] += group.households
        if group.path not in child_of:
            child_of[group.path] = next((p for p in rows if group.path.startswith(p)), None)
        child = child_of[group.path]
        (rows[child] if child else direct).counts.add(group)
    ordered = list(rows.values()) + ([direct] if direct.counts.total else [])
    return Comparison(unit, year, own, other, totals, movement, ordered)
