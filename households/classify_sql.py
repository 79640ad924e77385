"""Re-scoring in PostgreSQL: one INSERT … SELECT … ON CONFLICT that classifies a set of households under a standard
other than their year's own, with the engine's rules written as SQL expressions generated from the standard's data.
The pure engine (households.standards) stays the definition; tests compare this path with it household by household.

An indicator the household's own standard decides alike (households.services.decided_alike) is read from the
household's stored deprivations and not-surveyed list; any other must be a dwelling rule (indicators.DWELLING_RULES)
written below. A standard with another member rule is not for this path (`sql_plan` answers None) and the caller
classifies in Python."""

from decimal import Decimal

from .models import Household, HouseholdClassification, Member
from .standards.facts import DEPRIVATION_BITS
from .standards.indicators import DWELLING_RULES


def _dwelling_sql(rule: str, engine) -> tuple[str, list]:
    """The rule over a household row `t` with member detail: TRUE deprived, FALSE not, NULL not surveyed."""
    if rule == "house_class_not_durable":
        return "t.house_class IN ('thieu_kien_co', 'don_so')", []
    if rule == "structures_not_durable":
        return "COALESCE(t.nondurable_structures, 0) >= %s", [engine.param("nondurable_structures_min")]
    if rule == "area_per_person_below":
        return "COALESCE(t.floor_area_m2, 0) < %s * t.member_count", [
            Decimal(str(engine.param("area_per_person_min_m2")))
        ]
    if rule == "unhygienic_water":
        return "NOT (t.water_source = ANY(%s::text[]))", [list(engine.param("hygienic_water"))]
    if rule == "unhygienic_latrine":
        return "NOT (t.latrine = ANY(%s::text[]))", [list(engine.param("hygienic_latrine"))]
    if rule == "no_information_assets_nor_loudspeaker":
        return "NOT (t.has_tv OR t.has_radio OR t.has_computer OR t.loudspeaker_audible)", []
    if rule == "no_information_means":
        return "NOT (t.has_tv OR t.has_radio OR t.has_computer OR t.has_smartphone)", []
    if rule == "waste_untreated":  # '' is not asked: not surveyed
        return (
            "CASE WHEN t.waste_disposal = '' THEN NULL ELSE NOT (t.waste_disposal = ANY(%s::text[])) END",
            [list(engine.param("hygienic_waste_disposal"))],
        )
    raise KeyError(rule)


_WRITTEN = frozenset(
    {
        "house_class_not_durable",
        "structures_not_durable",
        "area_per_person_below",
        "unhygienic_water",
        "unhygienic_latrine",
        "no_information_assets_nor_loudspeaker",
        "no_information_means",
        "waste_untreated",
    }
)
assert _WRITTEN == DWELLING_RULES, "every dwelling rule needs its SQL here"


def sql_plan(engine, owners: dict) -> dict | None:
    """For each indicator of `engine`, the own standards (pk → engine) that decide it alike; None when some
    household's own standard decides an indicator differently by a rule that reads members (not written in SQL)."""
    from .services import decided_alike

    alike = {pk: decided_alike(own, engine) for pk, own in owners.items()}
    for name, rule in engine.indicator_rules.items():
        if rule not in DWELLING_RULES and any(name not in names for names in alike.values()):
            return None
    return {name: sorted(pk for pk, names in alike.items() if name in names) for name in engine.indicator_rules}


def _vnd_sql(column: str) -> str:
    # households.standards.classify.vnd: 1.234.567
    return f"replace(to_char({column}, 'FM999,999,999,999,990'), ',', '.')"


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def _by_area(pair) -> tuple[str, list]:
    return "CASE WHEN t.area_type = 'rural' THEN %s ELSE %s END", [pair["rural"], pair["urban"]]


def _class_and_rule(engine) -> tuple[str, str, list, list]:
    """classify_deprived as SQL over `t` (income, area_type) and `c` (n: deprived, ns: not surveyed): the class
    and the rule's text, each with its parameters."""
    k = engine.min_deprivations
    where = "CASE WHEN t.area_type = 'rural' THEN 'nông thôn' ELSE 'thành thị' END"
    income = _vnd_sql("t.income_per_capita")
    classes, rules, class_params, rule_params = [], [], [], []

    def text(pair) -> tuple[str, list]:
        return "CASE WHEN t.area_type = 'rural' THEN %s ELSE %s END", [_vnd(pair["rural"]), _vnd(pair["urban"])]

    line_sql, line_params = _by_area(engine.deprivation_line)
    line_text, line_text_params = text(engine.deprivation_line)
    if engine.income_only_poor_line:
        io_sql, io_params = _by_area(engine.income_only_poor_line)
        io_text, io_text_params = text(engine.income_only_poor_line)
        classes.append(f"WHEN t.income_per_capita <= {io_sql} THEN 'poor'")
        class_params += io_params
        rules.append(f"WHEN t.income_per_capita <= {io_sql} THEN 'thu nhập ' || {income} || ' ≤ ' || {io_text}")
        rule_params += io_params + io_text_params
        rules[-1] += f" || ' (' || {where} || ')'"
    classes.append(f"WHEN t.income_per_capita <= {line_sql} THEN CASE WHEN c.n >= {k} THEN 'poor' ELSE 'near_poor' END")
    class_params += line_params
    rules.append(
        f"WHEN t.income_per_capita <= {line_sql} THEN 'thu nhập ' || {income} || ' ≤ ' || {line_text} || ' (' || "
        f"{where} || ') và ' || c.n || ' chỉ số thiếu hụt ' || CASE WHEN c.n >= {k} THEN '≥' ELSE '<' END || "
        f"' {k}' || CASE WHEN c.n < {k} AND {k} <= c.n + c.ns THEN ', ' || c.ns || ' chỉ số chưa khảo sát' "
        "ELSE '' END"
    )
    rule_params += line_params + line_text_params
    above = engine.deprivation_line
    if engine.middle_line:
        middle_sql, middle_params = _by_area(engine.middle_line)
        middle_text, middle_text_params = text(engine.middle_line)
        classes.append(f"WHEN t.income_per_capita <= {middle_sql} THEN 'middle'")
        class_params += middle_params
        rules.append(
            f"WHEN t.income_per_capita <= {middle_sql} THEN {line_text} || ' < thu nhập ' || {income} || ' ≤ ' || "
            f"{middle_text} || ' (' || {where} || ')'"
        )
        rule_params += middle_params + line_text_params + middle_text_params
        above = engine.middle_line
    above_text, above_params = text(above)
    rules.append(f"ELSE 'thu nhập ' || {income} || ' > ' || {above_text} || ' (' || {where} || ')'")
    rule_params += above_params
    return (
        f"CASE {' '.join(classes)} ELSE 'not_poor' END",
        f"left(CASE {' '.join(rules)} END, 200)",
        class_params,
        rule_params,
    )


def rescore_sql(standard, engine, plan: dict, owners: dict, ids_sql: str, ids_params) -> tuple[str, list]:
    """The statement that classifies the households whose ids `ids_sql` selects under `standard` and upserts
    their HouseholdClassification rows."""
    names = sorted(engine.indicator_rules)
    params: list = []
    answers = []  # per indicator: deprived TRUE / FALSE, not surveyed NULL
    for name in names:
        alike = plan[name]
        if alike:
            stored = f"WHEN t.standard_id IN ({', '.join(str(int(pk)) for pk in alike)}) THEN "
            stored += "CASE WHEN t.not_surveyed ? %s THEN NULL ELSE t.deprivations ? %s END "
            params += [name, name]
        else:
            stored = ""
        rule = engine.indicator_rules[name]
        if rule in DWELLING_RULES:
            dwelling, dwelling_params = _dwelling_sql(rule, engine)
        else:  # sql_plan: every own standard decides it alike
            dwelling, dwelling_params = "NULL", []
        detail = f"CASE {stored}ELSE {dwelling} END" if stored else dwelling
        params += dwelling_params
        # Roster answers count as given for the indicators of the household's own standard (services.classify_under)
        asked = sorted(int(pk) for pk, own in owners.items() if name in own.indicator_rules)
        missing = "NULL" if name in DEPRIVATION_BITS else "t.reported_deprivations ? %s"
        answered = "t.reported_deprivations ? %s"
        if asked:
            given = f"CASE WHEN t.standard_id IN ({', '.join(map(str, asked))}) THEN {answered} ELSE {missing} END"
            params += [name] + ([] if name in DEPRIVATION_BITS else [name])
        else:
            given = missing
            params += [] if name in DEPRIVATION_BITS else [name]
        answers.append(f"CASE WHEN t.detail THEN {detail} ELSE {given} END AS d{len(answers)}")
    cls, rule, class_params, rule_params = _class_and_rule(engine)
    deprived = [f"CASE WHEN c.d{i} THEN %s::text END" for i in range(len(names))]
    unsurveyed = [f"CASE WHEN c.d{i} IS NULL THEN %s::text END" for i in range(len(names))]
    mask = " + ".join(
        f"CASE WHEN c.d{i} THEN {DEPRIVATION_BITS.get(name, 0)} ELSE 0 END" for i, name in enumerate(names)
    )
    count = " + ".join(f"(a.d{i} IS TRUE)::int" for i in range(len(names)))
    missing_count = " + ".join(f"(a.d{i} IS NULL)::int" for i in range(len(names)))
    hh, member, other = Household._meta.db_table, Member._meta.db_table, HouseholdClassification._meta.db_table
    sql = f"""
WITH t AS (
  SELECT h.*, (h.house_class <> '' AND EXISTS (SELECT 1 FROM {member} m WHERE m.household_id = h.id)) AS detail
  FROM {hh} h WHERE h.id IN ({ids_sql})
), a AS (
  SELECT t.id, {", ".join(answers)} FROM t
), c AS (
  SELECT a.*, {count} AS n, {missing_count} AS ns FROM a
)
INSERT INTO {other} (household_id, standard_id, classification, deprivations, deprivation_count, deprivation_mask,
                     not_surveyed, incomplete, classification_rule)
SELECT t.id, {int(standard.pk)}, {cls},
  to_jsonb(array_remove(ARRAY[{", ".join(deprived)}], NULL)), c.n, {mask},
  to_jsonb(array_remove(ARRAY[{", ".join(unsurveyed)}], NULL)),
  ({cls}) = 'near_poor' AND c.n + c.ns >= {int(engine.min_deprivations)},
  {rule}
FROM c JOIN t ON t.id = c.id
ON CONFLICT (standard_id, household_id) DO UPDATE SET
  classification = EXCLUDED.classification, deprivations = EXCLUDED.deprivations,
  deprivation_count = EXCLUDED.deprivation_count, deprivation_mask = EXCLUDED.deprivation_mask,
  not_surveyed = EXCLUDED.not_surveyed, incomplete = EXCLUDED.incomplete,
  classification_rule = EXCLUDED.classification_rule
"""
    # parameters in the order they appear: ids, answers (in `a`), then the outer SELECT's
    ordered = [
        *ids_params,
        *params,
        *class_params,
        *names,
        *names,
        *class_params,
        *rule_params,
    ]
    return sql, ordered
