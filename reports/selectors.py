"""Reads for the review report: one grouped query over a unit's households of the year and the year before, in the
boundaries of the review (as filed) or in today's (the counts of the old units mapped into today's units)."""

from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q

from areas.models import Unit, UnitSuccession, review_date
from areas.selectors import unit_by_code_or_404, units_for_user, units_mapped_into, weights_today
from households.models import Household, PovertyStandard
from households.standards import transitions as t
from households.standards.builtin import DIMENSIONS
from households.standards.facts import DEPRIVATION_BITS

from . import review

CURRENT, RECORDED = review.CURRENT, review.RECORDED
ONE = Decimal(1)


def boundaries_of(unit: Unit, asked: str | None = None) -> str:
    """The boundaries asked for, else the unit's own: today's for a unit in force, as recorded for one that ceased
    (it has no other view)."""
    if unit.valid_to is not None:
        return RECORDED
    return asked if asked in (CURRENT, RECORDED) else CURRENT


def redrawn(unit: Unit, year: int) -> bool:
    """Whether a report of `year` reads differently in today's boundaries: the unit is in force and a succession
    after the review of the year before (the report counts last year's households too) took units into or out of
    its subtree."""
    return redrawn_since(unit, year - 1)


def redrawn_since(unit: Unit, year: int) -> bool:
    """Whether the unit is in force and a succession after the review of `year` took units into or out of its
    subtree: that year's households count elsewhere in today's boundaries."""
    if unit.valid_to is not None:
        return False
    touched = Q(new__path__startswith=unit.path) | Q(old__path__startswith=unit.path)
    return UnitSuccession.objects.filter(touched, valid_from__gt=review_date(year)).exists()


def approval_marks(unit, year, report):
    """Which figures rest on household records not yet approved (docs/approval.md): the coverage of the report as a
    whole, and the codes of the unit rows to mark (a star on the page and in the .xlsx)."""
    if report is None:
        return None, set()
    from approvals.selectors import ApprovalCoverage, approval_coverage

    codes = {row.unit_code for table in report.tables for row in table.rows if row.unit_code}
    if report.boundaries != CURRENT or not report.redrawn:
        coverage = approval_coverage(unit, year)
        if coverage.complete:
            return coverage, set()
        return coverage, coverage.marks(dict(Unit.objects.filter(code__in=codes).values_list("code", "path")))
    # Today's boundaries: the approvals are those of the units of the review whose households were read, and a
    # row is marked when one of them not approved went (whole or in part) into its unit
    sources = {unit.path} if unit.in_force_in(year) else set()
    sources |= set(UnitSuccession.objects.filter(new__path__startswith=unit.path).values_list("old__path", flat=True))
    tops = [path for path in sources if not any(path != other and path.startswith(other) for other in sources)]
    found = [approval_coverage(u, year) for u in Unit.objects.filter(path__in=tops).order_by("path")]
    coverage = ApprovalCoverage(sum(c.areas for c in found), [u for c in found for u in c.unapproved])
    if coverage.complete:
        return coverage, set()
    under = Q(pk__in=[])
    for bad in coverage.unapproved:
        under |= Q(path__startswith=bad.path)
    old = dict(Unit.objects.filter(under).values_list("id", "path"))
    weights = weights_today(old, year)
    went = {new for shares in weights.values() for new, weight in shares if weight}
    paths = set(Unit.objects.filter(pk__in=went).values_list("path", flat=True))
    paths |= {path for pk, path in old.items() if pk not in weights}
    today = ApprovalCoverage(len(paths), [Unit(path=path) for path in paths])
    return coverage, today.marks(dict(Unit.objects.filter(code__in=codes, valid_to=None).values_list("code", "path")))


def get_unit_for_user(user, code: str) -> Unit:
    """A unit the user may see, or 404."""
    return unit_by_code_or_404(units_for_user(user), code)


def standard_for(year: int) -> PovertyStandard | None:
    return PovertyStandard.objects.of_year(year)


def _indicators(standard: PovertyStandard) -> list[tuple[str, str]]:
    """(dimension, indicator) of the standard, dimension by dimension as the decree lists them."""
    ordered = [
        (dim, name)
        for dim, names in DIMENSIONS.get(standard.code, {}).items()
        for name in names
        if name in standard.indicator_rules
    ]
    listed = {name for _dim, name in ordered}
    return ordered + [("", name) for name in sorted(standard.indicator_rules) if name not in listed]


def _like_prefix(path: str) -> str:
    return path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _sql(indicators: list[str], under_next: bool = False, mapped: int = 0) -> str:
    """This year's households with last year's record of the same code (anywhere) and whether the code was
    poor / near-poor in any earlier year, counted by unit × area type × ethnic minority; then last year's
    households of the subtree counted the same way. Movements as transitions.report_movements defines them.
    `under_next`: this year's households as classified under the next period's standard (their stored
    HouseholdClassification; a near-poor one whose classification lacks answers counts in neither class).
    `mapped`: how many units outside the subtree (parameters m0, m1, …) are read too (today's boundaries)."""
    from households.models import HouseholdClassification

    hh, unit = Household._meta.db_table, Unit._meta.db_table
    now = "c" if under_next else "h"
    now_poor = f"({now}.classification = 'poor')"
    now_near = f"({now}.classification = 'near_poor' AND NOT {now}.incomplete)"
    was_poor, was_near = "(p.classification = 'poor')", "(p.classification = 'near_poor')"
    out_of_both = "(p.id IS NOT NULL AND p.classification NOT IN ('poor', 'near_poor'))"
    re_poor = f"({out_of_both} AND COALESCE(e.was_poor, 0) = 1)"  # never NULL, so NOT works
    re_near = f"({out_of_both} AND COALESCE(e.was_near, 0) = 1)"
    conditions = {
        "n": "TRUE",
        "poor": now_poor,
        "near": now_near,
        t.ESCAPED: f"NOT {now_poor} AND {was_poor}",
        t.RE_POOR_MOVEMENT: f"{now_poor} AND {re_poor}",
        t.NEWLY_POOR_MOVEMENT: f"{now_poor} AND (p.id IS NULL OR NOT {was_poor}) AND NOT {re_poor}",
        t.STILL_POOR: f"{now_poor} AND {was_poor}",
        t.ESCAPED_NEAR: f"NOT {now_near} AND NOT {now_poor} AND {was_near}",
        t.RE_NEAR_POOR: f"{now_near} AND {re_near}",
        t.NEWLY_NEAR_POOR_MOVEMENT: f"{now_near} AND (p.id IS NULL OR NOT {was_near}) AND NOT {re_near}",
        t.STILL_NEAR_POOR: f"{now_near} AND {was_near}",
    }
    for name in indicators:
        bit = DEPRIVATION_BITS[name]
        conditions[f"dep_poor_{name}"] = f"{now_poor} AND ({now}.deprivation_mask & {bit}) <> 0"
        conditions[f"dep_near_{name}"] = f"{now_near} AND ({now}.deprivation_mask & {bit}) <> 0"
    # COUNT(*) FILTER: PostgreSQL, and SQLite from 3.30; faster than SUM(CASE …) on PostgreSQL
    current = ",\n  ".join(f"COUNT(*) FILTER (WHERE {c}) AS c{i}" for i, c in enumerate(conditions.values()))
    previous = ",\n  ".join(
        ["COUNT(*)", "COUNT(*) FILTER (WHERE h.classification = 'poor')"]
        + ["COUNT(*) FILTER (WHERE h.classification = 'near_poor' AND NOT h.incomplete)"]
        + ["0"] * (len(conditions) - 3)
    )
    em = "CASE WHEN h.ethnicity <> 'kinh' THEN 1 ELSE 0 END"
    subtree = f"SELECT id FROM {unit} WHERE path LIKE %(prefix)s ESCAPE '\\'"
    if mapped:
        subtree += " UNION ALL SELECT id FROM {} WHERE id IN ({})".format(
            unit, ", ".join(f"%(m{i})s" for i in range(mapped))
        )
    next_join = (
        f"JOIN {HouseholdClassification._meta.db_table} c ON c.household_id = h.id AND c.standard_id = %(standard)s"
        if under_next
        else ""
    )
    sql = f"""
SELECT 1 AS current, h.unit_id, h.area_type, {em} AS em,
  {current}
FROM {hh} h
{next_join}
LEFT JOIN {hh} p ON p.code = h.code AND p.survey_year = %(previous)s
LEFT JOIN (
  SELECT code, MAX(CASE WHEN classification = 'poor' THEN 1 ELSE 0 END) AS was_poor,
               MAX(CASE WHEN classification = 'near_poor' THEN 1 ELSE 0 END) AS was_near
  FROM {hh} WHERE survey_year < %(previous)s AND classification IN ('poor', 'near_poor') GROUP BY code
) e ON e.code = h.code
WHERE h.survey_year = %(year)s AND h.unit_id IN ({subtree})
GROUP BY h.unit_id, h.area_type, {em}
UNION ALL
SELECT 0, h.unit_id, h.area_type, {em},
  {previous}
FROM {hh} h
WHERE h.survey_year = %(previous)s AND h.unit_id IN ({subtree})
GROUP BY h.unit_id, h.area_type, {em}
"""
    return sql, list(conditions)


def review_groups(
    unit: Unit, year: int, indicators: list[str], next_standard=None, boundaries: str = RECORDED
) -> list[review.Group]:
    """The counts of the report; `next_standard`: this year's households under it rather than their own.
    In today's boundaries (`CURRENT`) the households of the old units mapped into the subtree are counted too, and
    every group moves to the unit in force today it counts in (weights_today), its counts times the weight: a group
    shared out by the table's shares (not a village that moved whole) is `estimated`."""
    mapped = []
    if boundaries == CURRENT:
        mapped = sorted(set(units_mapped_into(unit, year)) | set(units_mapped_into(unit, year - 1)))
    paths = dict(Unit.objects.filter(Q(path__startswith=unit.path) | Q(pk__in=mapped)).values_list("id", "path"))
    sql, keys = _sql(indicators, under_next=next_standard is not None, mapped=len(mapped))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # JIT-compiling the ~40 aggregate expressions took longer than the whole query without it (here:
            # 2,7 s of 8,6 s at 300.000 households); SET LOCAL ends with the transaction.
            cursor.execute("SET LOCAL jit = off")
        params = {"year": year, "previous": year - 1, "prefix": _like_prefix(unit.path)}
        params |= {f"m{i}": pk for i, pk in enumerate(mapped)}
        cursor.execute(sql, params | {"standard": next_standard.pk if next_standard else None})
        rows = cursor.fetchall()
    groups = []
    for current, unit_id, area_type, em, *counts in rows:
        if current:
            values = dict(zip(keys, counts))
        else:
            values = dict(zip(review.PREVIOUS_KEYS, counts[:3]))
        groups.append((bool(current), unit_id, area_type, bool(em), values))
    if boundaries == CURRENT:
        return _in_today_boundaries(unit, year, groups, paths)
    return [review.Group(current, paths[unit_id], area, em, values) for current, unit_id, area, em, values in groups]


def _in_today_boundaries(unit: Unit, year: int, groups, paths) -> list[review.Group]:
    """Each group moved to the unit of `unit`'s subtree it counts in today (this year's households by the
    successions after this review, last year's by those after last year's), its counts times the weight; groups
    that count outside the subtree are left out. A unit of the subtree nothing redrew counts in itself."""
    inside = {pk for pk, path in paths.items() if path.startswith(unit.path)}
    weights = {
        current: weights_today({g[1] for g in groups if g[0] == current}, year if current else year - 1)
        for current in (True, False)
    }
    moved = []
    for current, unit_id, area_type, em, values in groups:
        for new_id, weight in weights[current].get(unit_id, [(unit_id, ONE)]):
            if new_id not in inside or not weight:
                continue
            shared = weight != ONE
            counts = {k: (v or 0) * weight for k, v in values.items()} if shared else values
            group = review.Group(current, paths[new_id], area_type, em, counts, shared, moved=new_id != unit_id)
            moved.append(group)
    return moved


def _place(unit: Unit) -> review.Place:
    return review.Place(unit.code, unit.name, unit.path, unit.depth)


def review_standards(year: int) -> list[PovertyStandard]:
    """The standards the report of `year` can be read under: the year's own first, and in a period's last year
    (2021, 2026) the next period's, whose lists and baseline that review fixes."""
    return PovertyStandard.objects.of_review_year(year)


def review_report(
    unit: Unit, year: int, standard_code: str = "", boundaries: str | None = None
) -> review.Report | None:
    """The five tables for `unit` and survey `year`, under the year's own standard or, in a boundary year, under
    the next period's (`standard_code`); None when no standard covers the year or the code is not one of them.
    `boundaries`: RECORDED, a row per unit that served the review (as filed), or CURRENT, a row per unit in force
    today with the counts of the old units mapped into it; by default the unit's own (boundaries_of)."""
    boundaries = boundaries_of(unit, boundaries)
    standards = review_standards(year)
    if not standards:
        return None
    standard = next((s for s in standards if s.code == standard_code), None) if standard_code else standards[0]
    if standard is None:
        return None
    under_next = standard != standards[0]
    previous = standard_for(year - 1)
    indicators = _indicators(standard)
    children = unit.children.current() if boundaries == CURRENT else unit.children.in_year(year)  # as filed
    children = list(children.order_by("code"))
    groups = review_groups(
        unit, year, [name for _dim, name in indicators], standard if under_next else None, boundaries
    )
    return review.build(
        _place(unit),
        [_place(c) for c in children],
        year,
        standard.code,
        indicators,
        previous.code if previous else None,
        groups,
        area_of={c.code: c.area_type for c in [unit, *children]},
        names={s.code: s.legal_name for s in (standard, previous, standards[0]) if s},
        own_standard=standards[0].code,
        boundaries=boundaries,
        redrawn=redrawn(unit, year),
    )


def survey_years(unit: Unit, boundaries: str = RECORDED) -> list[int]:
    """The review years with households under the unit, newest first; in today's boundaries also those of the old
    units the succession table maps into it."""
    under = Q(unit__path__startswith=unit.path)
    if boundaries == CURRENT:
        for old in set(
            UnitSuccession.objects.filter(new__path__startswith=unit.path).values_list("old__path", flat=True)
        ):
            under |= Q(unit__path__startswith=old)
    return sorted(
        Household.objects.filter(under).values_list("survey_year", flat=True).distinct().order_by(),
        reverse=True,
    )


def visible_ancestors(unit: Unit, visible) -> list[Unit]:
    """The unit's ancestors the user may see, from the top, for the breadcrumbs."""
    codes = unit.path.strip("/").split("/")[:-1]
    found = {u.code: u for u in visible.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def top_units(visible) -> list[Unit]:
    """The highest units the user may see (provinces for a manager, their own unit for an officer)."""
    first = visible.order_by("depth").first()
    return list(visible.filter(depth=first.depth).order_by("code")) if first else []


# -- what another standard changes (reports.comparison) ---------------------------------------------------------


def _moment(value):
    """A MAX() of timestamps as the cursor gives it: a datetime on PostgreSQL, a text on SQLite."""
    from datetime import UTC

    from django.utils.dateparse import parse_datetime

    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def comparison_groups(unit: Unit, year: int, standard: PovertyStandard, boundaries: str = RECORDED):
    """The unit's households of the review year counted by unit × group under their own standard × group under
    `standard` (their stored HouseholdClassification, or MISSING), from the kept counts (reports.comparison_counts).
    In today's boundaries (`CURRENT`) the kept counts of the old units mapped into the subtree too, each moved to
    the unit in force today it counts in (weights_today), times the weight: a group shared out by the table's shares
    (not a village that moved whole) is `estimated`. Also the last time a roster import wrote one of them (the
    import does not re-score; any other save does), and the paths of the provinces whose households were counted."""
    from . import comparison_counts, rescoring
    from .comparison import Group

    mapped = units_mapped_into(unit, year) if boundaries == CURRENT else []
    paths = dict(Unit.objects.filter(Q(path__startswith=unit.path) | Q(pk__in=mapped)).values_list("id", "path"))
    tops = {path.split("/", 1)[0] + "/" for path in paths.values()}
    provinces = list(Unit.objects.filter(parent=None, path__in=tops).order_by("path"))
    rows = comparison_counts.groups(paths, year, standard, provinces, rescoring.standards_fingerprint())
    imported = max((_moment(row[4]) for row in rows if row[4] is not None), default=None)
    sources = tuple(sorted({paths[row[0]].split("/", 1)[0] + "/" for row in rows if row[3]}))
    if boundaries != CURRENT:
        return [Group(paths[uid], own, other, int(n)) for uid, own, other, n, _when in rows], imported, sources
    inside = {pk for pk, path in paths.items() if path.startswith(unit.path)}
    weights = weights_today({row[0] for row in rows}, year)
    groups = []
    for uid, own, other, n, _when in rows:
        for new_id, weight in weights.get(uid, [(uid, ONE)]):
            if new_id not in inside or not weight:
                continue
            shared = weight != ONE
            households = Decimal(n) * weight if shared else int(n)
            groups.append(Group(paths[new_id], own, other, households, shared, moved=new_id != uid))
    return groups, imported, sources


def standards_to_compare(year: int) -> tuple[PovertyStandard | None, list[PovertyStandard]]:
    """The standard of the review year and the others a manager may compare it with: the next period's first (the
    review of a period's last year is classified under it too), then the rest, newest first. One query."""
    from households.standards.records import standard_of_year, standards_of_year

    ordered = list(PovertyStandard.objects.order_by("first_year"))
    own = standard_of_year(ordered, year)
    reviewed = [s for s in standards_of_year(ordered, year) if s != own]
    return own, reviewed + [s for s in reversed(ordered) if s != own and s not in reviewed]


def comparison_report(
    unit: Unit, year: int, own: PovertyStandard, other: PovertyStandard, boundaries: str | None = None
):
    """The comparison of the unit's households of the year under `own` (their year's) and `other`, and when a roster
    import last wrote one of them. `boundaries`: RECORDED, a row per unit that served the review (as filed), or
    CURRENT, a row per unit in force today with the counts of the old units mapped into it; by default the unit's
    own (boundaries_of)."""
    from . import comparison

    boundaries = boundaries_of(unit, boundaries)

    def side(standard):
        return comparison.Side(standard.code, standard.legal_name, standard.middle_line_rural is not None)

    def place(u):
        return comparison.Place(u.code, u.name, u.path)

    groups, imported_at, sources = comparison_groups(unit, year, other, boundaries)
    children = unit.children.current() if boundaries == CURRENT else unit.children.in_year(year)  # as filed
    children = [place(u) for u in children.order_by("code")]
    report = comparison.build(
        place(unit),
        children,
        year,
        side(own),
        side(other),
        groups,
        boundaries=boundaries,
        redrawn=redrawn_since(unit, year),
        sources=sources,
    )
    return report, imported_at
