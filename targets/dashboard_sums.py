"""Extra sums the recompute stores for the dashboards: rates per ethnic group and year-over-year
transitions between classes. Dashboards read these as ComputedValue rows, never households live.

Each function returns sum rows keyed like households_sums (unit_id, ethnicity, area_type), so the
recompute rolls them up the tree with the rest; EXTRA_FORMULAS maps their indicator codes to keys.
"""

from django.db import connection

from households.models import Ethnicity, Household
from households.standards.transitions import POOR, returns_to

CLASSES = ("poor", "near_poor", "middle", "not_poor")
BEFORE = (*CLASSES, "new")  # "new": no record of the household the year before
GROUP = ("unit_id", "ethnicity", "area_type")


def ethnic_code(ethnicity: str, cls: str) -> str:
    return f"{'poor_rate' if cls == 'poor' else 'near_poor_rate'}_{ethnicity}"


def transition_code(before: str, now: str) -> str:
    return f"transition_{before}_to_{now}"


RE_POOR_CODE = "transition_re_poor"
RE_POOR_FROM = tuple(c for c in CLASSES if returns_to(POOR, c, [POOR]))  # the classes out of both lists


def re_poor_code(before: str) -> str:
    """Re-poor households that were `before` the year before: part of transition_{before}_to_poor."""
    return f"transition_re_poor_from_{before}"


EXTRA_FORMULAS = {
    **{ethnic_code(e, "poor"): (f"poor_{e}", f"n_{e}") for e in Ethnicity.values},
    **{ethnic_code(e, "near_poor"): (f"near_{e}", f"n_{e}") for e in Ethnicity.values},
    **{transition_code(b, a): (f"tr_{b}_{a}", "n") for b in BEFORE for a in CLASSES},
    RE_POOR_CODE: ("tr_re_poor", "n"),
    **{re_poor_code(b): (f"tr_re_poor_{b}", "n") for b in RE_POOR_FROM},
}


def ethnic_sums(sums: list[dict]) -> list[dict]:
    """Households and poor / near-poor households of each row's own ethnic group."""
    return [
        {
            **{k: row[k] for k in GROUP},
            f"n_{row['ethnicity']}": row["n"],
            f"poor_{row['ethnicity']}": row["poor"],
            f"near_{row['ethnicity']}": row["near"],
        }
        for row in sums
    ]


TRANSITIONS_SQL = """
SELECT h.unit_id, h.ethnicity, h.area_type, COALESCE(p.classification, 'new'), h.classification,
       CASE WHEN h.classification = 'poor' AND p.classification IN ({re_poor_from}) THEN EXISTS (
           SELECT 1 FROM {table} e WHERE e.code = h.code AND e.survey_year < %s AND e.classification = 'poor')
       ELSE FALSE END,
       COUNT(*)
FROM {table} h
JOIN {units} u ON u.id = h.unit_id
LEFT JOIN {table} p ON p.code = h.code AND p.survey_year = %s
WHERE h.survey_year = %s AND {where}
GROUP BY 1, 2, 3, 4, 5, 6
"""


def transition_sums(unit, year: int, unit_ids=None) -> list[dict]:
    """Households of `year` counted by their class the year before (the same household code) and now.
    Re-poor: poor now, above near-poor last year, poor in some earlier year (transitions.transition).
    Over the subtree of `unit`, or the households attached to `unit_ids` only."""
    from areas.models import Unit

    if unit_ids is None:
        where, params = "u.path LIKE %s", [unit.path.replace("%", r"\%") + "%"]
    else:
        params = [int(u) for u in unit_ids] or [0]
        where = f"h.unit_id IN ({', '.join(['%s'] * len(params))})"
    sql = TRANSITIONS_SQL.format(
        table=Household._meta.db_table,
        units=Unit._meta.db_table,
        where=where,
        re_poor_from=", ".join(f"'{c}'" for c in RE_POOR_FROM),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [year - 1, year - 1, year, *params])
        rows = cursor.fetchall()
    result = []
    for unit_id, ethnicity, area_type, before, now, re_poor, count in rows:
        row = {"unit_id": unit_id, "ethnicity": ethnicity, "area_type": area_type, f"tr_{before}_{now}": count}
        if re_poor:
            row["tr_re_poor"] = row[f"tr_re_poor_{before}"] = count
        result.append(row)
    return result


def dashboard_values(total) -> list[tuple]:
    """(code, numerator, denominator) of a unit's rolled-up sums, for the whole-province scope only:
    a rate per ethnic group present, and each movement that happened (a missing one is zero)."""
    result = []
    for code, (num, den) in EXTRA_FORMULAS.items():
        if total[den] > 0 and (total[num] > 0 or not code.startswith("transition_")):
            result.append((code, total[num], total[den]))
    return result


def dashboard_sums(unit, year: int, sums: list[dict], unit_ids=None) -> list[dict]:
    return ethnic_sums(sums) + transition_sums(unit, year, unit_ids)
