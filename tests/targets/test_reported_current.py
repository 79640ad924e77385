"""Reported values in today's boundaries (issue 24.3): the values officers reported for old units, mapped into the
units in force today by the succession table's weights and summed up today's tree — numerators and denominators
apart, the rate after summing; estimated where a share of households moved a value; a district's or a province's
figure counted whole in the lowest unit in force that holds what its units went into. Stored with the household
figures in today's boundaries (CurrentBoundaryValue) by the same runs, read by the API and the target page."""

from decimal import Decimal

import pytest

from areas.models import Unit
from households.models import PovertyStandard
from targets.models import ComputedValue, CurrentBoundaryValue, Indicator, Plan, ReportedValue, Target
from targets.reported import reported_grid_save
from targets.selectors import attainments_at, indicator_values
from targets.services import recompute

from ..conftest import make_user
from .test_current_boundaries import TODAY, _api, _page, reform  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
D = Decimal
# jobs found reported in 2020: 94103 was split 60/40 between 31001 and 31002; 94101 and 92102 merged whole into
# 31001; 92101 was not rearranged; the district 941 and the province 94 went whole into Cần Thơ (92)
JOBS = {"94103": 100, "94101": 30, "92102": 5, "92101": 7, "941": 50, "94": 11}


@pytest.fixture
def reported(reform):  # noqa: F811
    indicators = {i.code: i for i in Indicator.objects.filter(kind="reported")}
    for code, value in JOBS.items():
        _report(indicators["jobs_found"], code, value=D(value))
    _report(indicators["staff_trained_share"], "94103", numerator=D(30), denominator=D(40))
    _report(indicators["staff_trained_share"], "92101", numerator=D(9), denominator=D(10))
    _report(indicators["urban_unemployment_rate"], "94", value=D(3))  # a rate without its parts
    recompute(today=TODAY)
    return reform


def _report(indicator, code, value=D(0), numerator=None, denominator=None, year=2020):
    ReportedValue.objects.create(
        indicator=indicator,
        unit=Unit.objects.by_code(code, year),
        year=year,
        value=value,
        numerator=numerator,
        denominator=denominator,
    )


def _today(code, indicator="jobs_found", year=2020):
    """(numerator, denominator, estimated) of a unit in force today, in today's boundaries."""
    row = CurrentBoundaryValue.objects.filter(
        unit__code=code, unit__valid_to__isnull=True, indicator__code=indicator, year=year, scope="province"
    ).first()
    return (row.numerator, row.denominator, row.estimated) if row else None


def test_reported_counts_of_old_units_are_mapped_into_todays_units_by_the_succession_weights(reported):
    assert _today("31001") == (D("95.00"), None, True)  # 60 % of 94103's 100, 94101's 30, 92102's 5
    assert _today("31002") == (D("40.00"), None, True)  # the other 40 %
    assert _today("92101") == (D("7.00"), None, False)  # not rearranged: its own value, not estimated
    assert _today("31003") is None  # nothing reported in what went there
    # Cần Thơ holds every value, the district's and the old province's too (whole: they cannot be split by commune)
    assert _today("92") == (D(sum(JOBS.values())), None, True)


def test_reported_shares_sum_numerators_and_denominators_then_the_rate(reported):
    assert _today("31001", "staff_trained_share") == (D("18.00"), D("24.00"), True)
    assert _today("31002", "staff_trained_share") == (D("12.00"), D("16.00"), True)
    numerator, denominator, _estimated = _today("92", "staff_trained_share")
    assert (numerator, denominator) == (D(39), D(50))  # 78 %, not the mean of 75 % and 90 %
    values = indicator_values(["staff_trained_share"], [reported["92"]], [2020], boundaries="current")
    assert values[("staff_trained_share", reported["92"].pk, 2020)] == (D(39), D(50))
    assert _today("92", "urban_unemployment_rate") == (D(3), D(100), False)


def test_the_recorded_reported_figures_are_unchanged(reported):
    def recorded(code):
        return ComputedValue.objects.get(
            unit__code=code, year=2020, scope="province", indicator__code="jobs_found"
        ).numerator

    assert recorded("94") == JOBS["94103"] + JOBS["94101"] + JOBS["941"] + JOBS["94"]
    assert recorded("92") == JOBS["92101"] + JOBS["92102"]


def test_editing_a_reported_value_of_an_old_commune_refreshes_todays_boundaries(
    reported, django_capture_on_commit_callbacks
):
    jobs = Indicator.objects.get(code="jobs_found")
    old = Unit.objects.get(code="94103")
    with django_capture_on_commit_callbacks(execute=True):
        assert reported_grid_save(old, 2020, {(jobs, 0): (D(200), None, None)}) == 1
    assert _today("31001") == (D("155.00"), None, True)
    assert _today("31002") == (D("80.00"), None, True)
    assert _today("92")[0] == sum(JOBS.values()) + 100


def test_the_api_gives_reported_values_in_todays_boundaries(reported, client):
    admin = make_user("quantri", "admin", is_superuser=True)
    _status, items = _api(client, admin, "indicator=jobs_found&scope=province&year=2020&unit=31001")
    assert [(i["boundaries"], i["estimated"], D(i["numerator"])) for i in items] == [("current", True, D(95))]
    _status, items = _api(client, admin, "indicator=jobs_found&scope=province&year=2020&unit=92&boundaries=recorded")
    assert [(i["boundaries"], D(i["numerator"])) for i in items] == [("recorded", D(12))]
    officer = make_user("canbo", "officer", unit=reported["31002"])  # their own commune only
    _status, items = _api(client, officer, "indicator=jobs_found&scope=province&year=2020")
    assert [(i["unit_code"], D(i["numerator"])) for i in items] == [("31002", D(40))]


def test_a_count_target_of_a_plan_is_judged_on_todays_boundaries_one_click_away(reported, client):
    plan = Plan.objects.create(
        province=reported["92"],
        title="Kế hoạch 2020",
        year_start=2020,
        year_end=2020,
        standard=PovertyStandard.objects.of_year(2020),
    )
    target = Target.objects.create(
        plan=plan,
        indicator=Indicator.objects.get(code="jobs_found"),
        shape=Target.Shape.COUNT,
        operator=Target.Operator.GTE,
        value=D(150),
        value_unit=Target.ValueUnit.COUNT,
        source_sentence="Giải quyết việc làm cho 150 lao động.",
    )
    recompute(today=TODAY)
    assert attainments_at(plan, reported["92"], [target], "recorded")[target.pk].actual == 12
    today = attainments_at(plan, reported["92"], [target], "current")[target.pk]
    assert today.actual == sum(JOBS.values()) and today.status == "achieved"
    admin = make_user("quantri", "admin", is_superuser=True)
    status, html = _page(client, admin, f"/dashboards/targets/{target.pk}/?boundaries=current")
    assert status == 200 and "Số liệu theo địa giới 2025" in html and f">{sum(JOBS.values())}<" in html.replace(" ", "")
    status, html = _page(client, admin, f"/dashboards/targets/{target.pk}/")  # as filed: the recorded boundaries
    assert "Số liệu theo địa giới khi rà soát" in html


def test_a_reported_figure_is_estimated_only_where_a_share_moved_it(reported):
    from targets.selectors import estimated_figures

    can_tho = reported["92"]
    assert estimated_figures([can_tho], "current", years=[2020]) == {(can_tho.pk, 2020)}  # its household figures
    assert estimated_figures([can_tho], "current", years=[2020], codes=["urban_unemployment_rate"]) == set()
    assert estimated_figures([can_tho], "current", years=[2020], codes=["jobs_found"]) == {(can_tho.pk, 2020)}


def test_the_scorecard_says_its_statuses_are_in_the_boundaries_the_plan_was_filed_in(reported, client):
    admin = make_user("quantri", "admin", is_superuser=True)
    said = "Trạng thái theo địa giới khi rà soát: địa giới lập kế hoạch."
    also = "Trang của từng chỉ tiêu có thêm số liệu theo địa giới 2025."
    for code, redrawn in (("92", True), ("94", False)):  # Cần Thơ was redrawn; Sóc Trăng ceased: as recorded only
        plan = Plan.objects.create(
            province=Unit.objects.by_code(code, 2020),
            title=f"Kế hoạch {code}",
            year_start=2020,
            year_end=2020,
            standard=PovertyStandard.objects.of_year(2020),
        )
        status, html = _page(client, admin, f"/dashboards/plans/{plan.pk}/")
        assert status == 200 and said in html and (also in html) == redrawn, code


def test_the_monthly_reported_chart_reads_the_reports_mapped_into_todays_unit(reported):
    from targets.dashboards import reported_chart

    admin = make_user("quantri", "admin", is_superuser=True)
    jobs = Indicator.objects.get(code="jobs_found")
    ReportedValue.objects.create(indicator=jobs, unit=Unit.objects.get(code="94101"), year=2020, month=3, value=20)
    plan = Plan.objects.create(
        province=reported["92"],
        title="KH",
        year_start=2020,
        year_end=2020,
        standard=PovertyStandard.objects.of_year(2020),
    )
    target = Target.objects.create(
        plan=plan, indicator=jobs, shape="count", operator="gte", value=D(300), value_unit="count", source_sentence="…"
    )
    phuong = reported_chart(admin, target.pk, "31001", boundaries="current")
    assert phuong.boundaries == "theo địa giới 2025" and "Ước tính (2020)" in phuong.note
    cumulated = [row[2] for row in phuong.rows]
    assert cumulated[2] == 20 and cumulated[11] == 115  # March: 94101's 20; December: 95 + 20
    recorded = reported_chart(admin, target.pk, "92")
    assert recorded.boundaries == "theo địa giới khi rà soát" and [row[2] for row in recorded.rows][11] == 12
    today = reported_chart(admin, target.pk, "92", boundaries="current")
    assert [row[2] for row in today.rows][11] == sum(JOBS.values()) + 20
