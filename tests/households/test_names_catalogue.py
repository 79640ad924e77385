"""One catalogue of names (issue 22 point 7): every name of an indicator, a dimension, a standard, a class or a
movement comes from households/names.py in Vietnamese and English, and a classification's rule is numbers the
page words in its language."""

import importlib
import json
import re
from pathlib import Path

import pytest
from django.utils import translation

from households import names
from households.standards import classify_deprived
from households.standards.builtin import BUILTIN, DIMENSIONS
from households.standards.names import DEPRIVATION_NAMES
from households.standards.records import Rule

ROOT = Path(__file__).resolve().parents[2]
VIETNAMESE_LETTER = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)
ENGLISH_WORD = re.compile(r"\b(income|and|deprivations?|indicators?|surveyed|rural|urban)\b", re.I)


@pytest.mark.parametrize("standard", BUILTIN.values(), ids=list(BUILTIN))
def test_every_indicator_and_dimension_of_every_standard_has_a_vietnamese_and_an_english_name(standard):
    assert set(BUILTIN) == {"QD59-2015", "ND07-2021", "ND351-2025"}
    for code in standard.indicator_rules:
        vi, en = names.in_both(lambda code=code: names.indicator(code))
        assert VIETNAMESE_LETTER.search(vi) and not VIETNAMESE_LETTER.search(en), code
        assert code not in (vi, en)
    for dimension in DIMENSIONS[standard.code]:
        vi, en = names.in_both(lambda dimension=dimension: names.dimension(dimension))
        assert VIETNAMESE_LETTER.search(vi) and en != vi and not VIETNAMESE_LETTER.search(en), dimension


def test_standards_classes_and_movements_are_named_in_both_languages():
    lookups = [lambda c=c: names.short_standard(c) for c in names.SHORT_STANDARD]
    lookups += [lambda c=c: names.official_standard(c) for c in names.OFFICIAL_STANDARD]
    lookups += [lambda c=c: names.classification(c) for c in names.CLASSES]
    lookups += [lambda c=c, n=n: str(n[c]) for n in (names.SHORT_CLASSES, names.NODE_CLASSES) for c in n]
    lookups += [lambda c=c: names.movement(c) for c in names.MOVEMENTS]
    lookups += [lambda c=c: names.transition(c) for c in names.TRANSITIONS]
    lookups += [lambda: names.INCOMPLETE, lambda: names.NOT_SURVEYED]
    for name in lookups:
        vi, en = names.in_both(name)
        instrument = re.sub(r"[QN]Đ-", "", en)  # an instrument's number keeps its letters: "Decree 07/2021/NĐ-CP"
        assert vi != en and VIETNAMESE_LETTER.search(vi) and not VIETNAMESE_LETTER.search(instrument), (vi, en)
    assert names.in_both(lambda: names.official_standard("ND07-2021")) == (
        "Nghị định 07/2021/NĐ-CP",
        "Decree 07/2021/NĐ-CP",
    )


def test_no_other_module_spells_an_indicator_name():
    """The names live in the catalogue only: a copy elsewhere is how three spellings of one indicator began. A
    member's employment and health insurance share their indicator's words: those two are not looked for."""
    member_words = {"employment", "health_insurance"}
    spelled = {f'"{name}"' for code, pair in DEPRIVATION_NAMES.items() if code not in member_words for name in pair}
    catalogue = {ROOT / "households/standards/names.py", ROOT / "households/names.py"}
    found = []
    for folder in ("households", "targets", "reports", "povertyplan", "approvals", "areas", "templates"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".py", ".html") or path in catalogue or "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            found += [(str(path.relative_to(ROOT)), name) for name in spelled if name in text]
    assert found == []


def _rules():
    """A rule of each kind, from the engine: income-only poor, poor and near-poor by deprivations (one with
    indicators not surveyed), middle living standard, above every line."""
    qd59, nd07 = BUILTIN["QD59-2015"], BUILTIN["ND07-2021"]
    return [
        classify_deprived("A", "rural", 650_000, {"water"}, qd59).rule,
        classify_deprived("B", "urban", 1_235_000, {"water", "latrine", "telecom"}, nd07).rule,
        classify_deprived("C", "rural", 1_400_000, {"water"}, nd07).rule,
        classify_deprived("D", "rural", 1_400_000, {"water"}, nd07, not_surveyed={"telecom", "latrine"}).rule,
        classify_deprived("E", "urban", 2_500_000, set(), nd07).rule,
        classify_deprived("F", "rural", 9_000_000, set(), nd07).rule,
    ]


def test_the_engine_gives_its_rule_as_numbers_and_the_rule_reads_back_unchanged():
    rules = _rules()
    assert [r.test for r in rules] == ["income_only", "deprivations", "deprivations", "deprivations", "middle", "above"]
    assert rules[1] == Rule("deprivations", "urban", 1_235_000, 2_000_000, count=3, threshold=3)
    assert rules[3].not_surveyed == 2 and rules[2].not_surveyed == 0
    assert all(Rule.decode(r.encode()) == r and len(r.encode()) <= 200 for r in rules)


def test_a_rule_in_english_has_no_vietnamese_and_in_vietnamese_no_english():
    for rule in _rules():
        with translation.override("en"):
            english = names.rule_text(rule.encode())
        with translation.override("vi"):
            vietnamese = names.rule_text(rule)
        assert not VIETNAMESE_LETTER.search(english) and ENGLISH_WORD.search(english), english
        assert not ENGLISH_WORD.search(vietnamese) and VIETNAMESE_LETTER.search(vietnamese), vietnamese
    with translation.override("en"):
        assert names.rule_text(_rules()[1]) == "income 1,235,000 ≤ 2,000,000 (urban) and 3 deprivations ≥ 3"
    with translation.override("vi"):
        assert names.rule_text(_rules()[3]) == (
            "thu nhập 1.400.000 ≤ 1.500.000 (nông thôn) và 1 chỉ số thiếu hụt < 3, 2 chỉ số chưa khảo sát"
        )


@pytest.mark.parametrize(
    "prose",
    [
        "thu nhập 650.000 ≤ 700.000 (nông thôn)",
        "thu nhập 1.235.000 ≤ 2.000.000 (thành thị) và 3 chỉ số thiếu hụt ≥ 3",
        "thu nhập 1.400.000 ≤ 1.500.000 (nông thôn) và 1 chỉ số thiếu hụt < 3, 2 chỉ số chưa khảo sát",
        "1.500.000 < thu nhập 2.000.000 ≤ 2.250.000 (thành thị)",
        "thu nhập 9.000.000 > 2.250.000 (nông thôn)",
    ],
)
def test_a_rule_stored_as_prose_before_is_read_into_the_same_rule(prose):
    migration = importlib.import_module("households.migrations.0015_classification_rule_as_data")
    stored = migration.encode(prose)
    assert Rule.decode(stored) is not None
    with translation.override("vi"):
        assert names.rule_text(stored) == prose
    assert migration.encode("…") is None


@pytest.mark.parametrize(
    "rule",
    [
        Rule("income_only", "rural", 650_000, 700_000),
        Rule("deprivations", "urban", 1_235_000, 2_000_000, count=3, threshold=3),
        Rule("deprivations", "rural", 1_000_000, 1_500_000, count=1, threshold=3, not_surveyed=2),
        Rule("middle", "rural", 2_000_000, 2_250_000, lower=1_500_000),
        Rule("above", "urban", 9_000_000, 3_000_000),
    ],
)
def test_a_rule_is_stored_as_json_with_sorted_keys_and_no_spaces(rule):
    """encode writes its text by hand for speed; it is the JSON re-scoring's SQL writes, and reads back the same."""
    as_json = {k: v for k, v in vars_of(rule).items() if v is not None and not (k == "not_surveyed" and v == 0)}
    assert rule.encode() == json.dumps(as_json, separators=(",", ":"), sort_keys=True)
    assert Rule.decode(rule.encode()) == rule


def vars_of(rule: Rule) -> dict:
    return rule._asdict()
