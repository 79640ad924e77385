import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Count

from areas.models import Unit, UnitSuccession
from households.models import Household, Member
from targets.models import Plan, Target

# Hand-read from targets/seeds/: (indicator, scope, operator, value, value_max, share)
SOC_TRANG_2020 = [
    ("poor_rate", "province", "between", "2", "3", None),
    ("poor_rate", "khmer", "between", "3", "4", None),
    ("workers_trained", "province", "gte", "13000", None, None),
    ("jobs_found", "province", "gte", "26000", None, None),
    ("workers_abroad", "province", "gte", "300", None, None),
    ("urban_unemployment_rate", "urban", "lt", "3", None, None),
    ("staff_trained_share", "province", "gte", "100", None, None),
    ("poor_temporary_housing", "province", "lt", "40", None, None),
    ("trained_labour_share", "province", "gt", "59", None, None),
    ("vocational_labour_share", "province", "gt", "54", None, None),
    ("poor_health_insurance", "province", "gte", "100", None, None),
    ("near_poor_health_insurance", "province", "gte", "100", None, None),
    ("poor_hygienic_water", "province", "gte", "80", None, None),
    ("poor_hygienic_latrine", "province", "gte", "80", None, None),
    ("poor_telecom", "province", "gte", "90", None, None),
    ("poor_information_assets", "province", "gte", "90", None, None),
    ("communes_infrastructure_share", "difficult_communes", "gt", "90", None, None),
]
SON_LA_2022 = [
    ("poor_rate", "province", "lte", "18.66", None, None),
    ("poor_rate", "ethnic_minority", "gt", "3", None, None),
    ("poor_rate", "poor_districts", "between", "4", "5", None),
    ("jobs_found", "province", "gte", "25000", None, ("job_placements_poor_share", "gt", "50")),
    ("poor_near_poor_steady_work", "province", "gte", "100", None, None),
    ("workers_trained", "poor_districts", "gte", "4000", None, None),
    ("workers_abroad", "poor_districts", "gte", "40", None, None),
] + [
    (f"dimension_{d}", "province", "gt", "0", None, None)
    for d in ("employment", "health", "education", "housing", "water_sanitation", "information")
]


def _targets(plan):
    rows = []
    for t in plan.targets.select_related("indicator", "share_indicator"):
        share = (t.share_indicator.code, t.share_operator, t.share_value) if t.share_indicator else None
        rows.append((t.indicator.code, t.scope, t.operator, t.value, t.value_max, share))
        assert t.source_sentence.strip(), t
    return rows


def _expected(rows):
    return [
        (i, s, o, Decimal(v), Decimal(m) if m else None, (share[0], share[1], Decimal(share[2])) if share else None)
        for i, s, o, v, m, share in rows
    ]


@pytest.mark.parametrize("province, year, expected", [("94", 2020, SOC_TRANG_2020), ("14", 2022, SON_LA_2022)])
def test_every_target_of_the_seed_plan_is_loaded_with_its_numbers(demo, province, year, expected):
    plan = Plan.objects.get(province__code=province, year_start=year)
    assert _targets(plan) == _expected(expected)


def test_each_target_quotes_a_sentence_that_is_in_the_plan_text(demo):
    for target in Target.objects.select_related("plan"):
        fragments = [f.strip() for f in target.source_sentence.split("...")]
        assert all(f in target.plan.source_text for f in fragments), target.source_sentence


def test_son_la_plan_carries_its_document_number_signer_and_date(demo):
    plan = Plan.objects.get(province__code="14")
    assert plan.document_number == "287/KH-UBND"
    assert plan.signed_on.isoformat() == "2021-12-01"
    assert "Tráng Thị Xuân" in plan.signer
    assert plan.standard.code == "ND07-2021"


def test_provinces_have_their_real_district_level_units(demo):
    assert Unit.objects.filter(parent__code="94").count() == 11
    assert Unit.objects.filter(parent__code="14", level="district").count() == 12
    assert Unit.objects.get(code="943").name == "Huyện Kế Sách"
    assert Unit.objects.filter(parent__code="14", poor_district=True).count() >= 4
    assert Unit.objects.filter(path__startswith="94/", extremely_difficult=True).exists()
    assert Unit.objects.filter(path__startswith="94/", coastal_or_island=True).exists()


def test_households_are_followed_over_two_years_with_the_main_ethnic_groups(demo):
    for prefixes, years, groups in (
        (("94/", "92/"), {2019, 2020, 2026}, {"kinh", "khmer", "hoa"}),  # Sóc Trăng's 2026 review in Cần Thơ
        (("14/",), {2021, 2022, 2026}, {"thai", "kinh", "mong", "muong"}),
    ):
        households = Household.objects.filter(unit__path__regex=rf"^({'|'.join(prefixes)})")
        assert set(households.values_list("survey_year", flat=True)) == years
        first, second, _latest = sorted(years)
        codes = set(households.filter(survey_year=first).values_list("code", flat=True))
        assert codes == set(households.filter(survey_year=second).values_list("code", flat=True))
        assert groups <= set(households.values_list("ethnicity", flat=True))
        by_class = dict(households.values_list("classification").annotate(n=Count("id")).order_by())
        poor_rate = by_class.get("poor", 0) / households.count()
        assert 0.01 < poor_rate < 0.4
    assert not Member.objects.filter(household__isnull=True).exists()


def test_load_demo_twice_changes_nothing(demo):
    def snapshot():
        return {
            "units": list(
                Unit.objects.values_list("code", "name", "path", "poor_district", "valid_from", "valid_to").order_by(
                    "path"
                )
            ),
            "successions": list(UnitSuccession.objects.values_list("old_id", "new_id", "share", "village_id")),
            "targets": list(Target.objects.values_list("id", "value", "value_max", "source_sentence").order_by("id")),
            "households": list(
                Household.objects.values_list("id", "code", "income_per_capita", "classification").order_by("id")
            ),
            "members": Member.objects.count(),
            "users": list(User.objects.values_list("username", "password").order_by("username")),
        }

    before = snapshot()
    call_command("load_demo", scale=0.1, stdout=io.StringIO())
    assert snapshot() == before


def test_demo_accounts_exist_only_when_debug_is_on(db, settings):
    settings.DEBUG = False
    call_command("load_demo", scale=0.01, stdout=io.StringIO())
    assert not User.objects.exists()


def test_demo_officer_is_bound_to_one_commune(demo):
    officer = User.objects.get(username="officer")
    assert officer.profile.unit.level == "commune" and officer.profile.unit.valid_to is None
    assert officer.check_password("demo")


def test_a_missing_seed_text_stops_the_demo_with_a_vietnamese_message_and_loads_nothing(db, tmp_path, monkeypatch):
    from django.core.management.base import CommandError

    from targets.management.commands import load_demo

    (tmp_path / "son-la-2022-plan.txt").write_text("Kế hoạch", encoding="utf-8")
    monkeypatch.setattr(load_demo, "SEEDS_DIR", tmp_path)
    with pytest.raises(CommandError, match="Thiếu tệp văn bản kế hoạch mẫu.*soc-trang-2020-plan.txt"):
        call_command("load_demo", stdout=io.StringIO())
    assert not Plan.objects.exists() and not Household.objects.exists() and not Unit.objects.exists()


def test_the_seed_texts_are_in_the_repository_and_loaded_whole(demo):
    from targets.management.commands.load_demo import SEEDS_DIR

    assert SEEDS_DIR.is_relative_to(Path(__file__).resolve().parents[1])
    for plan in Plan.objects.all():
        assert len(plan.source_text) > 2000 and plan.document_number in plan.source_text
