"""The year-end review report (Decision 24/2021/QĐ-TTg Art. 7; docs/domain/poverty-standards.md §5.1, §5.3, §7): tables
T1–T5 for a unit and a survey year, a row per unit one level down, grouped under urban and rural, and a total.

A pure builder: it takes the grouped counts of reports.selectors (plain values) and returns the tables as
plain values, which the page, the workbook, the command and the API all render. Nothing here reads the
database. Rates are households over the total resident households of the row (§7), as exact Decimals.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import pgettext_lazy

from households import names as catalogue
from households.standards import transitions as t
from targets.engine import PERCENT, indicator_value

URBAN, RURAL = "urban", "rural"
AREAS = (URBAN, RURAL)  # the form lists the urban area first
COUNT, RATE, SIGNED, POINTS = "count", "rate", "signed", "points"
# The boundaries a report is drawn in: today's units (the old units' counts mapped into them), or as filed
CURRENT, RECORDED = "current", "recorded"

# Counted by the selector for this year's households (movement names as in transitions.report_movements)
CURRENT_KEYS = ("n", "poor", "near", *t.POOR_MOVEMENTS, *t.NEAR_POOR_MOVEMENTS)
PREVIOUS_KEYS = ("n", "poor", "near")  # for last year's households, stored as prev_<key>

AREA_NAMES = {URBAN: pgettext_lazy("review report", "Urban area"), RURAL: pgettext_lazy("review report", "Rural area")}


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    path: str
    depth: int


@dataclass(frozen=True)
class Group:
    """One row of the grouped query: counts over the households of one unit, area type and ethnic group
    (minority or not) in this year (`current`) or last year."""

    current: bool
    path: str
    area_type: str
    ethnic_minority: bool
    counts: dict
    estimated: bool = False  # an old unit's counts shared out by the succession table's shares
    moved: bool = False  # an old unit's counts, mapped into the unit of `path` (today's boundaries)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    group: str = ""
    subgroup: str = ""
    kind: str = COUNT
    # Household-list filters behind a count (COMMON.md's URL contract); None: the cell links nowhere.
    link: dict | None = None
    previous_year: bool = False  # the households behind it are last year's
    comparable_only: bool = False  # blank when last year cannot be compared (another standard, no review)


@dataclass
class Row:
    kind: str  # "section", "unit" or "total"
    number: str
    label: str
    unit_code: str | None
    area_type: str | None
    values: dict
    linkable: bool = True  # a row of households attached to the report's unit itself has no exact list
    estimated: bool = False  # a count shared out by the succession table's shares reached it


@dataclass
class Table:
    code: str
    title: str
    columns: list
    rows: list
    notes: list = field(default_factory=list)


@dataclass
class Report:
    unit: Place
    year: int
    standard: str
    previous_standard: str | None
    comparable: bool
    tables: list
    notice: str = ""
    standard_name: str = ""  # the standard as people name it ("Nghị định 07/2021/NĐ-CP"); `standard` is its code
    own_standard: str = ""  # the year's own standard, when the report reads the year under the next period's
    boundaries: str = RECORDED
    redrawn: bool = False  # the other boundaries would give other rows or figures

    @property
    def under_next_standard(self) -> bool:
        return bool(self.own_standard) and self.own_standard != self.standard

    @property
    def estimated(self) -> bool:
        return any(row.estimated for table in self.tables for row in table.rows)


def _rate(part, whole) -> Decimal | None:
    return indicator_value(part, whole, PERCENT)


def _roman(n: int) -> str:
    return ["I", "II", "III", "IV"][n - 1]


# ---------------------------------------------------------------------------- columns of the five tables


def _movement_columns(kind: str) -> list[Column]:
    poor = kind == "poor"
    classification = "poor" if poor else "near_poor"
    start = (
        pgettext_lazy("review report", "Poor households at the start of the year")
        if poor
        else pgettext_lazy("review report", "Near-poor households at the start of the year")
    )
    changes = (
        pgettext_lazy("review report", "Changes in poor households during the year")
        if poor
        else pgettext_lazy("review report", "Changes in near-poor households during the year")
    )
    end = (
        pgettext_lazy("review report", "Poor households at the end of the year")
        if poor
        else pgettext_lazy("review report", "Near-poor households at the end of the year")
    )
    movements = (
        [
            (t.ESCAPED, pgettext_lazy("review report", "Escaped poverty")),
            (t.RE_POOR_MOVEMENT, pgettext_lazy("review report", "Fell back into poverty")),
            (t.NEWLY_POOR_MOVEMENT, pgettext_lazy("review report", "Newly poor")),
        ]
        if poor
        else [
            (t.ESCAPED_NEAR, pgettext_lazy("review report", "Escaped near-poverty")),
            (t.RE_NEAR_POOR, pgettext_lazy("review report", "Fell back into near-poverty")),
            (t.NEWLY_NEAR_POOR_MOVEMENT, pgettext_lazy("review report", "Newly near-poor")),
        ]
    )
    households, rate, em = (
        pgettext_lazy("review report", "Households"),
        pgettext_lazy("review report", "Rate (%)"),
        pgettext_lazy("review report", "Ethnic-minority households"),
    )
    columns = [
        Column("n", pgettext_lazy("review report", "Total resident households"), link={}),
        Column(
            "start",
            households,
            start,
            link={"classification": classification},
            previous_year=True,
            comparable_only=True,
        ),
        Column("start_rate", rate, start, kind=RATE, comparable_only=True),
        Column(
            "start_em",
            em,
            start,
            link={"classification": classification, "ethnic_minority": "1"},
            previous_year=True,
            comparable_only=True,
        ),
        Column("start_em_rate", rate, start, kind=RATE, comparable_only=True),
    ]
    for movement, label in movements:
        columns += [
            Column(movement, households, changes, label, link={"transition": movement}, comparable_only=True),
            Column(f"{movement}_rate", rate, changes, label, kind=RATE, comparable_only=True),
        ]
    of_which = pgettext_lazy("review report", "Of which ethnic-minority households")
    columns += [
        Column("end", households, end, link={"classification": classification}),
        Column("end_rate", rate, end, kind=RATE),
        Column("end_em", em, end, of_which, link={"classification": classification, "ethnic_minority": "1"}),
        Column("end_em_rate", rate, end, of_which, kind=RATE),
        Column("other", pgettext_lazy("review report", "Other changes (+/−)¹"), kind=SIGNED, comparable_only=True),
    ]
    return columns


def _movement_values(s: Counter, kind: str, comparable: bool) -> dict:
    poor = kind == "poor"
    key = "poor" if poor else "near"
    movements = (
        (t.ESCAPED, t.RE_POOR_MOVEMENT, t.NEWLY_POOR_MOVEMENT)
        if poor
        else (t.ESCAPED_NEAR, t.RE_NEAR_POOR, t.NEWLY_NEAR_POOR_MOVEMENT)
    )
    values = {
        "n": s["n"],
        "end": s[key],
        "end_rate": _rate(s[key], s["n"]),
        "end_em": s[f"{key}_em"],
        "end_em_rate": _rate(s[f"{key}_em"], s[key]),
    }
    if not comparable:
        values.update({k: None for k in ("start", "start_rate", "start_em", "start_em_rate", "other")})
        for movement in movements:
            values[movement] = values[f"{movement}_rate"] = None
        return values
    start = s[f"prev_{key}"]
    values.update(
        start=start,
        start_rate=_rate(start, s["prev_n"]),
        start_em=s[f"prev_{key}_em"],
        start_em_rate=_rate(s[f"prev_{key}_em"], start),
    )
    for movement in movements:
        values[movement], values[f"{movement}_rate"] = s[movement], _rate(s[movement], s["n"])
    escaped, returned, new = (s[m] for m in movements)
    values["other"] = s[key] - (start - escaped + returned + new)
    return values


def _t3_columns() -> list[Column]:
    households, rate = pgettext_lazy("review report", "Households"), pgettext_lazy("review report", "Rate (%)")
    poor, near, both = (
        pgettext_lazy("review report", "Poor households"),
        pgettext_lazy("review report", "Near-poor households"),
        pgettext_lazy("review report", "Poor and near-poor households"),
    )
    last_year = pgettext_lazy("review report", "Compared with last year")
    return [
        Column("n", pgettext_lazy("review report", "Total resident households"), link={}),
        Column("poor", households, poor, link={"classification": "poor"}),
        Column("poor_rate", rate, poor, kind=RATE),
        Column("near", households, near, link={"classification": "near_poor"}),
        Column("near_rate", rate, near, kind=RATE),
        Column("both", households, both),
        Column("both_rate", pgettext_lazy("review report", "Multidimensional poverty rate (%)"), both, kind=RATE),
        Column(
            "previous_rate",
            pgettext_lazy("review report", "Rate last year (%)"),
            last_year,
            kind=RATE,
            comparable_only=True,
        ),
        Column(
            "change", pgettext_lazy("review report", "Change (points)"), last_year, kind=POINTS, comparable_only=True
        ),
    ]


def _t3_values(s: Counter, comparable: bool) -> dict:
    both = s["poor"] + s["near"]
    values = {
        "n": s["n"],
        "poor": s["poor"],
        "poor_rate": _rate(s["poor"], s["n"]),
        "near": s["near"],
        "near_rate": _rate(s["near"], s["n"]),
        "both": both,
        "both_rate": _rate(both, s["n"]),
        "previous_rate": None,
        "change": None,
    }
    if comparable:
        values["previous_rate"] = _rate(s["prev_poor"] + s["prev_near"], s["prev_n"])
        if values["previous_rate"] is not None and values["both_rate"] is not None:
            values["change"] = values["both_rate"] - values["previous_rate"]
    return values


def _t4_columns() -> list[Column]:
    households = pgettext_lazy("review report", "Households")
    em, em_poor, em_near = (
        pgettext_lazy("review report", "All ethnic-minority households"),
        pgettext_lazy("review report", "Ethnic-minority poor households"),
        pgettext_lazy("review report", "Ethnic-minority near-poor households"),
    )
    return [
        Column("n", pgettext_lazy("review report", "Total resident households"), link={}),
        Column("em", households, em, link={"ethnic_minority": "1"}),
        Column("em_share", pgettext_lazy("review report", "Share of all households (%)"), em, kind=RATE),
        Column("em_poor", households, em_poor, link={"classification": "poor", "ethnic_minority": "1"}),
        Column("em_poor_rate", pgettext_lazy("review report", "Ethnic-minority poor rate (%)"), em_poor, kind=RATE),
        Column("em_poor_share", pgettext_lazy("review report", "Share of all poor households (%)"), em_poor, kind=RATE),
        Column("em_near", households, em_near, link={"classification": "near_poor", "ethnic_minority": "1"}),
        Column(
            "em_near_rate", pgettext_lazy("review report", "Ethnic-minority near-poor rate (%)"), em_near, kind=RATE
        ),
        Column(
            "em_near_share", pgettext_lazy("review report", "Share of all near-poor households (%)"), em_near, kind=RATE
        ),
    ]


def _t4_values(s: Counter) -> dict:
    return {
        "n": s["n"],
        "em": s["n_em"],
        "em_share": _rate(s["n_em"], s["n"]),
        "em_poor": s["poor_em"],
        "em_poor_rate": _rate(s["poor_em"], s["n_em"]),
        "em_poor_share": _rate(s["poor_em"], s["poor"]),
        "em_near": s["near_em"],
        "em_near_rate": _rate(s["near_em"], s["n_em"]),
        "em_near_share": _rate(s["near_em"], s["near"]),
    }


def _t5_columns(indicators: list[tuple[str, str]]) -> list[Column]:
    columns = [
        Column("poor", pgettext_lazy("review report", "Poor households"), link={"classification": "poor"}),
        Column("near", pgettext_lazy("review report", "Near-poor households"), link={"classification": "near_poor"}),
    ]
    for dimension, name in indicators:
        group = catalogue.dimension(dimension)
        label = catalogue.indicator(name)
        columns += [
            Column(
                f"poor_{name}",
                pgettext_lazy("review report", "Poor"),
                group,
                label,
                link={"classification": "poor", "deprivation": name},
            ),
            Column(f"poor_{name}_rate", pgettext_lazy("review report", "% of poor"), group, label, kind=RATE),
            Column(
                f"near_{name}",
                pgettext_lazy("review report", "Near-poor"),
                group,
                label,
                link={"classification": "near_poor", "deprivation": name},
            ),
            Column(f"near_{name}_rate", pgettext_lazy("review report", "% of near-poor"), group, label, kind=RATE),
        ]
    return columns


def _t5_values(s: Counter, indicators) -> dict:
    values = {"poor": s["poor"], "near": s["near"]}
    for _dimension, name in indicators:
        for key in ("poor", "near"):
            values[f"{key}_{name}"] = s[f"dep_{key}_{name}"]
            values[f"{key}_{name}_rate"] = _rate(s[f"dep_{key}_{name}"], s[key])
    return values


# ---------------------------------------------------------------------------- rows


def _sums(groups, unit: Place, children: list[Place]) -> tuple[dict, set, bool]:
    """Counters per (place code, area), per ("area", area) and in total (key None), the keys an estimated
    group reached, and whether an old unit's counts were mapped into the unit itself (not a unit below). Place codes are the children's; households attached to the unit itself count under the unit's
    own code. Groups are first added up per place (a few thousand villages into a few dozen places), then rolled
    up."""
    child_codes = {c.code for c in children}
    place_of = {}
    per_place = {}  # (code, area, ethnic minority, current): {key: count}
    estimated, moved_to_unit = set(), False
    for g in groups:
        code = place_of.get(g.path)
        if code is None:
            parts = g.path.strip("/").split("/")
            code = parts[unit.depth + 1] if len(parts) > unit.depth + 1 else unit.code
            place_of[g.path] = code = code if code in child_codes else unit.code
        key = (code, g.area_type, g.ethnic_minority, g.current)
        if g.estimated:
            estimated |= {(code, g.area_type), ("area", g.area_type), None}
        moved_to_unit = moved_to_unit or (g.moved and code == unit.code)
        into = per_place.get(key)
        if into is None:
            per_place[key] = {k: v or 0 for k, v in g.counts.items()}
        else:
            for k, v in g.counts.items():
                into[k] += v or 0
    sums = {}
    for (code, area, minority, current), counts in per_place.items():
        named = Counter()
        for k, v in counts.items():
            name = k if current else f"prev_{k}"
            named[name] += v
            if minority:
                named[f"{name}_em"] += v
        for key in ((code, area), ("area", area), None):
            sums.setdefault(key, Counter()).update(named)
    return sums, estimated, moved_to_unit


def _row_layout(unit: Place, children: list[Place], sums: dict, area_of: dict, moved: bool = False) -> list[tuple]:
    """(kind, number, label, code, area, linkable, counter) in the form's order: I urban, its units;
    II rural, its units; total. A unit appears under each area where it has households (this year or last);
    a unit with none appears under its own area type. `moved`: old units' households were mapped into the unit
    itself (the succession table names no unit below it), which its own row says."""
    own_label = (
        pgettext_lazy("review report", "%(unit)s (households of former units, not assigned to a unit below)")
        if moved
        else pgettext_lazy("review report", "%(unit)s (households attached directly)")
    )
    places = list(children)
    if not children or any(isinstance(key, tuple) and key[0] == unit.code for key in sums):
        places.append(unit)
    layout, number = [], 0
    for i, area in enumerate(AREAS, start=1):
        layout.append(
            ("section", _roman(i), AREA_NAMES[area], unit.code, area, True, sums.get(("area", area), Counter()))
        )
        for place in places:
            counter = sums.get((place.code, area))
            if counter is None and (any((place.code, a) in sums for a in AREAS) or area_of.get(place.code) != area):
                continue
            number += 1
            own = place.code == unit.code
            label = place.name if not (own and children) else own_label % {"unit": place.name}
            layout.append(("unit", str(number), label, place.code, area, not (own and children), counter or Counter()))
    layout.append(
        ("total", "", pgettext_lazy("review report", "Total"), unit.code, None, True, sums.get(None, Counter()))
    )
    return layout


def build(
    unit: Place,
    children: list[Place],
    year: int,
    standard: str,
    indicators: list[tuple[str, str]],
    previous_standard: str | None,
    groups: list[Group],
    area_of: dict | None = None,
    names: dict | None = None,
    own_standard: str = "",
    boundaries: str = RECORDED,
    redrawn: bool = False,
) -> Report:
    """The five tables. `indicators`: (dimension, indicator) of the standard in force, in the form's order;
    `previous_standard`: the standard of year − 1 (None if none); `area_of`: each unit's own area type; `names`:
    each standard's name by its code, for the words of the report; `own_standard`: the year's own standard when
    the report reads a period's last year under the next period's `standard`; `boundaries`: those the groups were
    drawn in (the children are that view's units), `redrawn`: whether the other view differs."""
    names = names or {}
    has_previous = any(not g.current for g in groups)
    comparable = previous_standard == standard and has_previous
    notice = ""
    if own_standard and own_standard != standard:
        notice = pgettext_lazy(
            "review report",
            "The %(year)s review read under %(standard)s, the next period's standard: these are the households it "
            "lists as the baseline of %(next_year)s. The year's own figures are under %(own)s. Households at the "
            "start of the year and movements are not counted across the change of standard; a near-poor household "
            "whose answers are not all collected counts in neither class.",
        ) % {
            "year": year,
            "next_year": year + 1,
            "standard": names.get(standard, standard),
            "own": names.get(own_standard, own_standard),
        }
    elif previous_standard != standard:
        notice = pgettext_lazy(
            "review report",
            "The %(year)s review applies the standard %(standard)s, not the standard of %(previous_year)s "
            "(%(previous)s): households at the start of the year and movements are not counted across the change "
            "of standard.",
        ) % {
            "year": year,
            "standard": names.get(standard, standard),
            "previous_year": year - 1,
            "previous": names.get(previous_standard, previous_standard) or "—",
        }
    elif not has_previous:
        notice = pgettext_lazy(
            "review report",
            "There is no %(previous_year)s review for this area: households at the start of the year and "
            "movements are not shown.",
        ) % {"previous_year": year - 1}
    sums, estimated, moved = _sums(groups, unit, children)
    layout = _row_layout(unit, children, sums, area_of or {}, moved)

    def rows(values_of):
        return [
            Row(kind, number, label, code, area, values_of(counter), linkable, _key(kind, code, area) in estimated)
            for kind, number, label, code, area, linkable, counter in layout
        ]

    rates_note = pgettext_lazy(
        "review report",
        "Rates (%) are households over the total resident households of the row; at the start of the "
        "year, over the households of last year's review. Ethnic-minority rates in T1 and T2: of the "
        "households counted just before them.",
    )
    other_note = pgettext_lazy(
        "review report",
        "¹ Other changes: households that moved in or out of the area, split, merged or left the "
        "review; start − escaped + fallen back + newly + other = end.",
    )
    tables = [
        Table(
            "T1",
            pgettext_lazy("review report", "Poor households: results of the review"),
            _movement_columns("poor"),
            rows(lambda s: _movement_values(s, "poor", comparable)),
            [rates_note, other_note],
        ),
        Table(
            "T2",
            pgettext_lazy("review report", "Near-poor households: results of the review"),
            _movement_columns("near"),
            rows(lambda s: _movement_values(s, "near", comparable)),
            [rates_note, other_note],
        ),
        Table(
            "T3",
            pgettext_lazy("review report", "Multidimensional poverty rate"),
            _t3_columns(),
            rows(lambda s: _t3_values(s, comparable)),
            [
                pgettext_lazy(
                    "review report",
                    "Multidimensional poverty rate = (poor + near-poor households) / total resident households × 100; "
                    "the change is in percentage points.",
                )
            ],
        ),
        Table(
            "T4",
            pgettext_lazy("review report", "Ethnic-minority households and their poverty rates"),
            _t4_columns(),
            rows(_t4_values),
            [
                pgettext_lazy(
                    "review report",
                    "Ethnic-minority poor rate = ethnic-minority poor households / ethnic-minority households × 100; "
                    "share of all poor households = ethnic-minority poor households / poor households × 100.",
                )
            ],
        ),
        Table(
            "T5",
            pgettext_lazy("review report", "Deprivation in basic social services by indicator"),
            _t5_columns(indicators),
            rows(lambda s: _t5_values(s, indicators)),
            [
                pgettext_lazy(
                    "review report",
                    "For each indicator of the standard in force: poor (near-poor) households deprived in it, and their "
                    "share of the poor (near-poor) households of the row.",
                )
            ],
        ),
    ]
    return Report(
        unit,
        year,
        standard,
        previous_standard,
        comparable,
        tables,
        notice,
        names.get(standard, standard),
        own_standard,
        boundaries,
        redrawn,
    )


def _key(kind: str, code: str, area: str | None):
    """The key of _sums a layout row was read from."""
    return None if kind == "total" else ("area", area) if kind == "section" else (code, area)


# ---------------------------------------------------------------------------- header layout


@dataclass(frozen=True)
class HeaderCell:
    label: str
    colspan: int = 1
    rowspan: int = 1
    column: int = 0  # index of the first column it covers, counting the two leading columns


def header_rows(columns: list[Column]) -> list[list[HeaderCell]]:
    """The form's merged header: group over subgroup over label; a level a column lacks is merged down.
    The two leading columns (number, unit) span every header row."""
    levels = [[x for x in (c.group, c.subgroup) if x] + [c.label] for c in columns]
    depth = max(len(levels_) for levels_ in levels)
    rows = [
        [
            HeaderCell(pgettext_lazy("review report", "No."), rowspan=depth, column=0),
            HeaderCell(pgettext_lazy("review report", "Unit"), rowspan=depth, column=1),
        ]
    ]
    rows += [[] for _i in range(depth - 1)]
    for r in range(depth):
        previous_key = None
        for i, path in enumerate(levels):
            if len(path) <= r:
                previous_key = None
                continue
            if r < len(path) - 1:  # a group or subgroup: merged across consecutive columns sharing it
                key = tuple(str(x) for x in path[: r + 1])
                if key == previous_key:
                    cell = rows[r][-1]
                    rows[r][-1] = HeaderCell(cell.label, cell.colspan + 1, cell.rowspan, cell.column)
                    continue
                rows[r].append(HeaderCell(path[r], 1, 1, i + 2))
                previous_key = key
            else:
                rows[r].append(HeaderCell(path[r], 1, depth - r, i + 2))
                previous_key = None
    return rows
