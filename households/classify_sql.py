"""Re-scoring in PostgreSQL: one SELECT classifies a set of households under a standard other than their year's own
(into a staging table, then written in two set-based statements), with the engine's rules written as SQL expressions generated from the standard's data.
The pure engine (households.standards) stays the definition; tests compare this path with it household by household.

An indicator the household's own standard decides alike (households.reclassify.decided_alike) is read from the
household's stored deprivations and not-surveyed list; any other must be a dwelling rule (indicators.DWELLING_RULES)
written below. A standard with another member rule is not for this path (`sql_plan` answers None) and the caller
classifies in Python."""

from decimal import Decimal

from .models import HouseholdClassification
from .services import INPUT_FIELDS, OTHER_COLUMNS
from .standards.facts import DEPRIVATION_BITS
from .standards.indicators import DWELLING_RULES
from .standards.records import ABOVE, DEPRIVATIONS, INCOME_ONLY, MIDDLE_BAND


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
    from .reclassify import decided_alike

    alike = {pk: decided_alike(own, engine) for pk, own in owners.items()}
    for name, rule in engine.indicator_rules.items():
        if rule not in DWELLING_RULES and any(name not in names for names in alike.values()):
            return None
    return {name: sorted(pk for pk, names in alike.items() if name in names) for name in engine.indicator_rules}


def _by_area(pair) -> tuple[str, list]:
    return "CASE WHEN t.area_type = 'rural' THEN %s ELSE %s END", [pair["rural"], pair["urban"]]


def _class_and_rule(engine) -> tuple[str, str, list, list]:
    """classify_deprived as SQL over `t` (income, area_type) and `c` (n: deprived, ns: not surveyed): the class
    and the rule as Rule.encode writes it (JSON, keys sorted, no spaces), each with its parameters."""
    k = engine.min_deprivations
    head = "'{\"area\":\"' || t.area_type || '\",'"
    income = "'\"income\":' || t.income_per_capita || ',\"line\":' || "
    classes, rules, class_params, rule_params = [], [], [], []

    def encoded(test: str, line_sql: str, lower: str = "") -> str:
        """{"area":…,["count":…,]"income":…,"line":…[,"lower":…][,"not_surveyed":…],"test":…[,"threshold":k]}"""
        count = "'\"count\":' || c.n || ','" if test == DEPRIVATIONS else "''"
        tail = f"',\"lower\":' || {lower}" if lower else "''"
        if test == DEPRIVATIONS:  # not surveyed: only when those answers could still make the household poor
            tail = (
                f"CASE WHEN c.n < {k} AND {k} <= c.n + c.ns AND c.ns > 0 THEN ',\"not_surveyed\":' || c.ns ELSE '' END"
            )
        end = f'\',"test":"{test}"' + (f',"threshold":{k}' if test == DEPRIVATIONS else "") + "}'"
        return f"{head} || {count} || {income}{line_sql} || {tail} || {end}"

    line_sql, line_params = _by_area(engine.deprivation_line)
    if engine.income_only_poor_line:
        io_sql, io_params = _by_area(engine.income_only_poor_line)
        classes.append(f"WHEN t.income_per_capita <= {io_sql} THEN 'poor'")
        class_params += io_params
        rules.append(f"WHEN t.income_per_capita <= {io_sql} THEN {encoded(INCOME_ONLY, io_sql)}")
        rule_params += io_params + io_params
    classes.append(f"WHEN t.income_per_capita <= {line_sql} THEN CASE WHEN c.n >= {k} THEN 'poor' ELSE 'near_poor' END")
    class_params += line_params
    rules.append(f"WHEN t.income_per_capita <= {line_sql} THEN {encoded(DEPRIVATIONS, line_sql)}")
    rule_params += line_params + line_params
    above_sql, above_params = line_sql, line_params
    if engine.middle_line:
        middle_sql, middle_params = _by_area(engine.middle_line)
        classes.append(f"WHEN t.income_per_capita <= {middle_sql} THEN 'middle'")
        class_params += middle_params
        rules.append(
            f"WHEN t.income_per_capita <= {middle_sql} THEN {encoded(MIDDLE_BAND, middle_sql, lower=line_sql)}"
        )
        rule_params += middle_params + middle_params + line_params
        above_sql, above_params = middle_sql, middle_params
    rules.append(f"ELSE {encoded(ABOVE, above_sql)}")
    rule_params += above_params
    return f"CASE {' '.join(classes)} ELSE 'not_poor' END", f"CASE {' '.join(rules)} END", class_params, rule_params


# A household with member detail: a dwelling and the member facts of its last classification (stored when it had
# members; the stored deprivations this path reads come from that same classification).
DETAIL = "(t.house_class <> '' AND t.insured_members IS NOT NULL)"


def rescore_sql(engine, plan: dict, owners: dict, source_sql: str, source_params) -> tuple[str, list]:
    """The SELECT that classifies under `engine` the households `source_sql` gives (their INPUTS): a row of
    HouseholdClassification's COLUMNS and household_id for each."""
    names = sorted(engine.indicator_rules)
    params: list = []
    answers = []  # per indicator: deprived TRUE / FALSE, not surveyed NULL
    for name in names:
        alike = plan[name]
        if alike:
            stored = f"WHEN t.standard_id IN ({', '.join(str(int(pk)) for pk in alike)}) THEN "
            if name in DEPRIVATION_BITS:  # the stored mask: cheaper than the JSON list it is made from
                stored += "CASE WHEN t.not_surveyed <> '[]'::jsonb AND t.not_surveyed ? %s THEN NULL "
                stored += f"ELSE t.deprivation_mask & {DEPRIVATION_BITS[name]} <> 0 END "
                params += [name]
            else:
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
        # (the own classification of a household without detail stored exactly its answers among those indicators)
        missing = "NULL" if name in DEPRIVATION_BITS else "t.reported_deprivations ? %s"
        if asked:
            if name in DEPRIVATION_BITS:
                answered = f"t.deprivation_mask & {DEPRIVATION_BITS[name]} <> 0"
            else:
                answered = "t.reported_deprivations ? %s"
                params += [name]
            given = f"CASE WHEN t.standard_id IN ({', '.join(map(str, asked))}) THEN {answered} ELSE {missing} END"
            params += [] if name in DEPRIVATION_BITS else [name]
        else:
            given = missing
            params += [] if name in DEPRIVATION_BITS else [name]
        answers.append(f"CASE WHEN {DETAIL} THEN {detail} ELSE {given} END AS d{len(answers)}")
    cls, rule, class_params, rule_params = _class_and_rule(engine)
    deprived = [f"CASE WHEN c.d{i} THEN %s::text END" for i in range(len(names))]
    unsurveyed = [f"CASE WHEN c.d{i} IS NULL THEN %s::text END" for i in range(len(names))]
    mask = " + ".join(
        f"CASE WHEN c.d{i} THEN {DEPRIVATION_BITS.get(name, 0)} ELSE 0 END" for i, name in enumerate(names)
    )
    count = " + ".join(f"(a.d{i} IS TRUE)::int" for i in range(len(names)))
    missing_count = " + ".join(f"(a.d{i} IS NULL)::int" for i in range(len(names)))
    cls, rule = cls.replace("t.", "c."), rule.replace("t.", "c.")
    sql = f"""
SELECT c.id AS household_id, c.cls AS classification,
  to_jsonb(array_remove(ARRAY[{", ".join(deprived)}], NULL)) AS deprivations, c.n AS deprivation_count,
  {mask} AS deprivation_mask,
  to_jsonb(array_remove(ARRAY[{", ".join(unsurveyed)}], NULL)) AS not_surveyed,
  c.cls = 'near_poor' AND c.n + c.ns >= {int(engine.min_deprivations)} AS incomplete,
  {rule} AS classification_rule
FROM (  -- OFFSET 0: each level computed once, not its expressions copied into every use above
  SELECT c.*, {cls} AS cls
  FROM (
    SELECT a.*, {count} AS n, {missing_count} AS ns
    FROM (
      SELECT t.id, t.area_type, t.income_per_capita, {", ".join(answers)}
      FROM ({source_sql}) t
      OFFSET 0
    ) a
    OFFSET 0
  ) c
) c
"""
    # parameters in the order they appear: the outer SELECT's, the class, the answers (in `a`), the source's
    return sql, [*names, *names, *rule_params, *class_params, *params, *source_params]


# The household fields the statement reads (the source query selects them by these names): the engine's stored
# inputs but those that name the record, its standard, and what its own classification stored.
_NAMING = {"id", "unit_id", "code", "survey_year"}
INPUTS = (
    "id",
    "standard_id",
    *(name for name in INPUT_FIELDS if name not in _NAMING),
    "deprivations",
    "deprivation_mask",
    "not_surveyed",
    "insured_members",
)
COLUMNS = OTHER_COLUMNS  # what a HouseholdClassification stores of a result, in the staging table's order


def write(cursor, standard_id: int, select_sql: str, params) -> int:
    """The classifications computed into a staging table (no index, no log), then one UPDATE of the stored rows
    that differ and one INSERT of those missing, each a hash join: an INSERT … ON CONFLICT probed and locked every
    stored row, changed or not (8 s of 19 at 300.000 on a loaded machine). Returns how many were classified."""
    table = HouseholdClassification._meta.db_table
    cursor.execute("DROP TABLE IF EXISTS rescoring_stage")
    cursor.execute(f"CREATE TEMPORARY TABLE rescoring_stage ON COMMIT DROP AS {select_sql}", params)
    cursor.execute("SELECT count(*) FROM rescoring_stage")
    (count,) = cursor.fetchone()
    cursor.execute("ANALYZE rescoring_stage")
    stored = ", ".join(f"k.{column}" for column in COLUMNS)
    staged = ", ".join(f"s.{column}" for column in COLUMNS)
    cursor.execute(
        f"UPDATE {table} k SET ({', '.join(COLUMNS)}) = ({staged}) FROM rescoring_stage s "
        f"WHERE k.standard_id = %s AND k.household_id = s.household_id AND ({stored}) IS DISTINCT FROM ({staged})",
        [standard_id],
    )
    cursor.execute(
        f"INSERT INTO {table} (household_id, standard_id, {', '.join(COLUMNS)}) "
        f"SELECT s.household_id, %s, {staged} FROM rescoring_stage s WHERE NOT EXISTS "
        f"(SELECT 1 FROM {table} k WHERE k.standard_id = %s AND k.household_id = s.household_id)",
        [standard_id, standard_id],
    )
    return count
