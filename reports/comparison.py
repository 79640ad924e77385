"""What another standard changes, side by side: a unit's households of a review year under the standard of their year
and under another one (their stored HouseholdClassification rows), built from the counts of one grouped query
(reports.selectors.comparison_groups). Plain values in, plain values out: the page, the API and the .xlsx show the
same Comparison.

In today's boundaries (`CURRENT`) the groups are the old units' kept counts moved to today's units by the succession
table's weights: a group shared out by a share (not a village that moved whole) is `estimated`, its households a
fraction, and every count it reaches is estimated too ("ước tính")."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import pgettext_lazy

from households import names

CURRENT, RECORDED = "current", "recorded"  # today's units (the old units' counts mapped into them), or as filed
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
    and `other` group (or MISSING) under the other standard; in today's boundaries `households` may be a Decimal
    (an old unit's count times its share: `estimated`), and `moved` says it came from an old unit."""

    path: str
    own: str
    other: str
    households: int | Decimal
    estimated: bool = False
    moved: bool = False


@dataclass
class Counts:
    """The households of a place by group under each standard; `other` has MISSING beside the groups;
    `estimated_own` / `estimated_other`: the groups an estimated count reached."""

    total: int | Decimal = 0
    own: dict = field(default_factory=lambda: dict.fromkeys(GROUPS, 0))
    other: dict = field(default_factory=lambda: dict.fromkeys((*GROUPS, MISSING), 0))
    estimated_own: set = field(default_factory=set)
    estimated_other: set = field(default_factory=set)

    def add(self, group: Group) -> None:
        self.total += group.households
        self.own[group.own] += group.households
        self.other[group.other] += group.households
        if group.estimated:
            self.estimated_own.add(group.own)
            self.estimated_other.add(group.other)

    @property
    def estimated(self) -> bool:
        """The total rests on a share."""
        return bool(self.estimated_own)


@dataclass
class Row:
    place: Place
    counts: Counts
    direct: bool = False  # households recorded at the unit itself, not under a child
    moved: bool = False  # (direct row) old units' households the succession table sends to the unit itself

    @property
    def estimated(self) -> bool:
        return self.counts.estimated


@dataclass
class Comparison:
    unit: Place
    year: int
    own: Side
    other: Side
    counts: Counts
    movement: dict  # (own group, other group) -> households, every pair
    rows: list[Row]
    boundaries: str = RECORDED
    redrawn: bool = False  # the other boundaries would give other rows or figures
    estimated_moves: set = field(default_factory=set)  # the pairs of `movement` an estimated count reached
    sources: tuple = ()  # the paths of the provinces whose households were counted

    @property
    def estimated(self) -> bool:
        return self.counts.estimated

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


def rate(households, total) -> Decimal | None:
    """A percent of the place's resident households (poverty-standards.md §7), 2 decimals."""
    if not total:
        return None
    return (Decimal(households) * 100 / Decimal(total)).quantize(Decimal("0.01"))


def shown(side: Side, group: str) -> bool:
    """Whether a group's count means anything under the standard: a standard without a medium band has none."""
    return group != MIDDLE or side.middle_band


def build(
    unit: Place,
    children: list[Place],
    year: int,
    own: Side,
    other: Side,
    groups: list[Group],
    boundaries: str = RECORDED,
    redrawn: bool = False,
    sources: tuple = (),
) -> Comparison:
    """`children`: the units one level down in the `boundaries` the groups were drawn in."""
    totals = Counts()
    estimated_moves = set()
    movement = {(a, b): 0 for a in GROUPS for b in (*GROUPS, MISSING)}
    rows = {c.path: Row(c, Counts()) for c in children}
    direct = Row(unit, Counts(), direct=True)
    child_of = {}  # a unit's path → the child it is under (None: the unit itself); a unit has a group per pair
    for group in groups:
        totals.add(group)
        movement[group.own, group.other] += group.households
        if group.estimated:
            estimated_moves.add((group.own, group.other))
        if group.path not in child_of:
            child_of[group.path] = next((p for p in rows if group.path.startswith(p)), None)
        child = child_of[group.path]
        (rows[child] if child else direct).counts.add(group)
        direct.moved = direct.moved or (group.moved and child is None)
    ordered = list(rows.values()) + ([direct] if direct.counts.total else [])
    return Comparison(
        unit, year, own, other, totals, movement, ordered, boundaries, redrawn, estimated_moves, tuple(sources)
    )
