"""The demo tells the 2025 reform (issue 24, point 5): Sóc Trăng (94) ceased into Thành phố Cần Thơ (92) and Sơn La's
communes were rearranged, both through the succession table a province imports; the reviews sit in the units of their
year; the old reports still open as filed."""

import base64
import re
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from areas.changes import import_unit_changes
from areas.demo_units import REFORM_TABLE
from areas.models import Unit, UnitSuccession
from households.models import Household
from targets.models import ComputedValue, CurrentBoundaryValue, Plan, Scope

pytestmark = pytest.mark.django_db
REFORM = date(2025, 7, 1)


@pytest.fixture(autouse=True)
def _demo(demo_data):
    """The demo loaded once for the module (each test rolls back its own writes)."""


def login(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_can_tho_is_in_force_from_the_reform_and_soc_trang_ceased_into_it():
    can_tho = Unit.objects.get(code="92")
    soc_trang = Unit.objects.get(code="94")
    assert (can_tho.level, can_tho.parent, can_tho.valid_from, can_tho.valid_to) == ("province", None, REFORM, None)
    assert soc_trang.valid_to == REFORM
    assert list(soc_trang.successions.values_list("new__code", "share")) == [("92", Decimal(100))]
    token = base64.b64encode(b"admin:demo").decode()
    units = Client().get("/api/v1/units/?limit=1000", HTTP_AUTHORIZATION=f"Basic {token}").json()["items"]
    by_code = {(u["code"], u["valid_to"]): u for u in units}
    assert by_code["94", "2025-07-01"]["successors"] == ["92"]
    assert by_code["92", None]["valid_from"] == "2025-07-01"


def test_every_old_commune_and_district_ceased_and_its_households_are_shared_out_whole():
    for province in ("94/", "14/"):
        old = Unit.objects.filter(path__startswith=province, level__in=["district", "commune"], valid_from=None)
        assert old.exists() and set(old.values_list("valid_to", flat=True)) == {REFORM}
    shares = defaultdict(Decimal)
    for old_id, share in UnitSuccession.objects.filter(old__level="commune", village=None).values_list(
        "old_id", "share"
    ):
        shares[old_id] += share
    communes = Unit.objects.filter(level="commune", valid_to=REFORM)
    assert set(shares) == set(communes.values_list("pk", flat=True))
    assert set(shares.values()) == {Decimal(100)}


def test_an_old_commune_is_split_between_two_new_ones_with_shares_and_a_village_moving_whole():
    phu_tam = Unit.objects.get(name="Xã Phú Tâm", valid_to=REFORM)
    rows = phu_tam.successions.select_related("new", "village")
    shares = {r.new.name: r.share for r in rows if r.village is None}
    assert shares == {"Xã Phú Tâm": Decimal(60), "Xã Thuận Hòa": Decimal(40)}
    assert sum(shares.values()) == 100
    whole = {r.village.name: r.new for r in rows if r.village is not None}
    assert {v: n.name for v, n in whole.items()} == {"Ấp 1": "Xã Phú Tâm", "Ấp 3": "Xã Thuận Hòa"}
    # the 2026 households of a village that moved whole are all in its new commune; the others go by the shares
    went = Counter()
    for household in Household.objects.filter(survey_year=2026, code__startswith=f"{phu_tam.code}-"):
        went[household.unit.parent.name] += 1
        followed = Household.objects.get(code=household.code, survey_year=2019).unit.name
        if followed in whole:
            assert household.unit.parent == whole[followed]
    assert set(went) == {"Xã Phú Tâm", "Xã Thuận Hòa"}


def test_the_new_communes_carry_the_real_names_of_the_domain_note_with_generated_codes():
    under_can_tho = set(Unit.objects.filter(parent__code="92", level="commune").values_list("name", flat=True))
    for name in ("Sóc Trăng", "Mỹ Xuyên", "Vĩnh Phước", "Vĩnh Châu", "Khánh Hòa", "Ngã Năm", "Mỹ Quới"):
        assert f"Phường {name}" in under_can_tho
    for name in ("Kế Sách", "Long Phú", "Mỹ Tú", "Châu Thành"):
        assert f"Xã {name}" in under_can_tho
    son_la = Unit.objects.filter(parent__code="14", level="commune", valid_from=REFORM)
    assert {"Xã Vân Hồ", "Xã Tô Múa", "Phường Tô Hiệu", "Xã Suối Tọ"} <= set(son_la.values_list("name", flat=True))
    assert not Unit.objects.filter(path__startswith="14/", level="district", valid_to=None).exists()


def test_each_review_sits_in_the_units_of_its_year_and_none_at_district_level():
    by_place = Counter(
        (path.split("/")[0], year, depth)
        for path, year, depth in Household.objects.values_list("unit__path", "survey_year", "unit__depth")
    )
    assert {(p, y) for p, y, _d in by_place} == {("94", 2019), ("94", 2020), ("92", 2026), ("14", 2021)} | {
        ("14", 2022),
        ("14", 2026),
    }
    for household in Household.objects.filter(code__endswith="000001").select_related("unit"):
        assert household.unit.in_force_in(household.survey_year), household
        assert household.unit.level == "village"
    latest = Household.objects.filter(survey_year=2026)
    assert not latest.filter(unit__valid_to__isnull=False).exists()
    assert not latest.filter(unit__path__regex=r"^\d+/\d{3}/").exists()  # nothing under an old district
    # the same households followed from Sóc Trăng's 2019 review into Cần Thơ's 2026 one
    assert set(latest.filter(unit__path__startswith="92/").values_list("code", flat=True)) == set(
        Household.objects.filter(survey_year=2019).values_list("code", flat=True)
    )


def test_the_committed_table_is_what_the_demo_imported():
    result = import_unit_changes(REFORM_TABLE.read_bytes(), REFORM_TABLE.name)
    assert result.ok and result.rows > 90 and not result.changed


def test_demo_accounts_officer_in_a_current_commune_district_a_former_district():
    officer = User.objects.get(username="officer").profile.unit
    assert officer.level == "commune" and officer.valid_to is None and officer.path.startswith("92/")
    district = User.objects.get(username="district")
    assert district.profile.unit.valid_to == REFORM
    assert not district.has_perm("households.change_household")
    assert not district.has_perm("households.add_household")
    client = login("district")
    page = client.get("/households/", {"unit": district.profile.unit.code, "year": 2020})
    assert page.status_code == 200
    history = Household.objects.filter(unit__path__startswith=district.profile.unit.path, survey_year=2020)
    assert history.exists() and history.first().code in page.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/reports/review/?unit=94&year=2020", "/dashboards/areas/94/?year=2020", "/dashboards/areas/942/?year=2020"],
)
def test_soc_trang_2020_pages_still_open_as_filed(url):
    page = login("manager").get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Sóc Trăng" in text
    assert "Huyện Kế Sách" in text or "Huyện Châu Thành" in text


def test_soc_trang_2020_report_shows_the_households_counted_then():
    report = login("manager").get("/reports/review/?unit=94&year=2020").content.decode()
    district = Unit.objects.get(code="943")
    households = Household.objects.filter(unit__path__startswith=district.path, survey_year=2020)
    poor = households.filter(classification="poor").count()
    assert poor and f">{poor}<" in report.replace(" ", "")


def test_the_soc_trang_plan_of_2020_still_opens():
    plan = Plan.objects.get(province__code="94", year_start=2020)
    assert login("manager").get(f"/dashboards/plans/{plan.pk}/").status_code == 200


def _poor_rate(unit, year, scope):
    value = ComputedValue.objects.get(unit=unit, year=year, scope=scope, indicator__code="poor_rate")
    return value.numerator, value.denominator


def test_son_la_poor_district_targets_still_compute_for_their_years():
    son_la = Unit.objects.get(code="14")
    poor_districts = Unit.objects.filter(parent=son_la, poor_district=True)
    households = Household.objects.filter(survey_year=2022, unit__parent__parent__in=poor_districts)
    assert _poor_rate(son_la, 2022, Scope.POOR_DISTRICTS) == (
        households.filter(classification="poor").count(),
        households.count(),
    )
    assert Plan.objects.get(province=son_la).targets.filter(scope=Scope.POOR_DISTRICTS).exists()
    # after the reform no household sits under a district: the scope has nothing in 2026
    assert not ComputedValue.objects.filter(unit=son_la, year=2026, scope=Scope.POOR_DISTRICTS).exists()


def test_a_post_reform_plan_scopes_poor_communes():
    son_la = Unit.objects.get(code="14")
    poor_communes = Unit.objects.filter(parent=son_la, poor_commune=True, valid_to=None)
    assert poor_communes.exists()
    households = Household.objects.filter(survey_year=2026, unit__parent__in=poor_communes)
    assert _poor_rate(son_la, 2026, Scope.POOR_COMMUNES) == (
        households.filter(classification="poor").count(),
        households.count(),
    )
    page = login("manager").get("/households/", {"unit": "14", "year": 2026, "unit_group": "poor_communes"})
    assert page.status_code == 200


def test_a_post_reform_plan_target_on_poor_communes_is_judged_on_them():
    from households.models import PovertyStandard
    from targets.figures import attainments_for
    from targets.models import Indicator, Target

    son_la = Unit.objects.get(code="14")
    plan = Plan.objects.create(
        province=son_la,
        year_start=2026,
        year_end=2026,
        title="Kế hoạch giảm nghèo năm 2026",
        document_number="01/KH-UBND",
        signed_on=date(2026, 1, 15),
        signer="Demo",
        standard=PovertyStandard.objects.of_year(2026),
        source_text="Giảm tỷ lệ hộ nghèo ở các xã nghèo.",
    )
    target = Target.objects.create(
        plan=plan,
        order=1,
        indicator=Indicator.objects.get(code="poor_rate"),
        scope=Scope.POOR_COMMUNES,
        shape=Target.Shape.LEVEL,
        operator=Target.Operator.LTE,
        value=Decimal(90),
        value_unit=Target.ValueUnit.PERCENT,
        source_sentence="Giảm tỷ lệ hộ nghèo ở các xã nghèo.",
    )
    (attainment,) = attainments_for(plan, date(2026, 12, 6), None, targets=[target])
    numerator, denominator = _poor_rate(son_la, 2026, Scope.POOR_COMMUNES)
    assert attainment.actual == round(Decimal(100) * numerator / denominator, 4)


def test_approval_coverage_counts_the_communes_of_each_review():
    from approvals.selectors import approval_coverage

    son_la = Unit.objects.get(code="14")
    for year, in_force in ((2022, {"valid_to": REFORM}), (2026, {"valid_to": None})):
        communes = Unit.objects.filter(path__startswith="14/", level="commune", **in_force)
        coverage = approval_coverage(son_la, year)
        assert {u.pk for u in coverage.unapproved} == set(communes.values_list("pk", flat=True))


def test_the_districts_reported_values_count_whole_in_todays_province():
    """Issue 24.3: a district's reported figure cannot be split between communes; in today's boundaries it counts in
    the province its communes went into — Sóc Trăng's in Cần Thơ, Sơn La's (which continues) in Sơn La."""
    for old, today in (("94", "92"), ("14", "14")):
        recorded = ComputedValue.objects.filter(unit__code=old, indicator__kind="reported", scope=Scope.PROVINCE)
        province = Unit.objects.get(code=today, valid_to__isnull=True)
        current = CurrentBoundaryValue.objects.filter(unit=province, indicator__kind="reported", scope=Scope.PROVINCE)
        assert recorded.exists()
        assert sorted(
            current.values_list("indicator__code", "year", "numerator", "denominator", "estimated")
        ) == sorted(
            (code, year, num, den, False)
            for code, year, num, den in recorded.values_list("indicator__code", "year", "numerator", "denominator")
        )
        communes = CurrentBoundaryValue.objects.filter(unit__parent=province, indicator__kind="reported")
        assert not communes.exists()


def test_son_las_jobs_target_in_todays_boundaries_counts_the_districts_reports_in_the_province():
    target = Plan.objects.get(province__code="14").targets.get(indicator__code="jobs_found")
    recorded = ComputedValue.objects.get(
        unit__code="14", indicator__code="jobs_found", year=target.plan.year_end, scope=Scope.PROVINCE
    )
    html = login("manager").get(f"/dashboards/targets/{target.pk}/?boundaries=current").content.decode()
    assert "Số liệu theo địa giới 2025" in html
    actual = re.search(r"Thực tế: <strong>(.*?)</strong>(.{0,40})", html, re.S)
    assert actual.group(1).strip() == f"{int(recorded.numerator):,}".replace(",", ".")
    assert "ước tính" not in actual.group(2)  # a district's total is exact
    assert "số liệu báo cáo cho một huyện cũ được tính trọn vào tổng của cấp trên, không chia cho các xã" in html
