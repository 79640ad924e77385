"""The year-end report of a boundary year under the next period's standard, on the demo: Sơn La's 2021 review under
Decree 07/2021 and its 2026 review under Decree 351/2025 (issue 23, point 3). Every linked count is what the household
list shows, and the counts are the stored classifications under that standard."""

from collections import Counter
from urllib.parse import parse_qs, urlparse

import pytest

from areas.models import Unit
from households.models import HouseholdClassification
from households.selectors import household_list
from reports.present import report_view
from reports.selectors import review_report

from ..conftest import make_user


@pytest.fixture
def manager(demo_data, db):
    return make_user("boss", "manager")


def _total(report, code):
    table = next(t for t in report.tables if t.code == code)
    return next(r.values for r in table.rows if r.kind == "total")


@pytest.mark.parametrize("year, standard", [(2021, "ND07-2021"), (2026, "ND351-2025")])
def test_counts_are_the_stored_classifications_under_the_next_standard(manager, year, standard):
    province = Unit.objects.get(code="14")
    report = review_report(province, year, standard)
    stored = HouseholdClassification.objects.filter(
        standard__code=standard, household__survey_year=year, household__unit__path__startswith=province.path
    )
    classes = Counter(c.classification for c in stored if not (c.incomplete and c.classification == "near_poor"))
    assert classes["poor"] and classes["near_poor"]
    assert (_total(report, "T1")["end"], _total(report, "T2")["end"]) == (classes["poor"], classes["near_poor"])
    assert _total(report, "T1")["n"] == stored.count()
    own = review_report(province, year)
    assert own.standard != standard and _total(own, "T1")["end"] != _total(report, "T1")["end"]


@pytest.mark.parametrize("year, standard", [(2021, "ND07-2021"), (2026, "ND351-2025")])
def test_each_linked_count_under_the_next_standard_is_what_the_household_list_shows(manager, year, standard):
    report = review_report(Unit.objects.get(code="14"), year, standard)
    checked = Counter()
    for view in report_view(report):
        for row in view["rows"]:
            for column, cell in zip(view["table"].columns, row["cells"], strict=True):
                if not cell["href"]:
                    continue
                params = {k: v[0] for k, v in parse_qs(urlparse(cell["href"]).query).items()}
                assert "classification" not in params and "deprivation" not in params
                if "compare_class" in params or "compare_deprivation" in params:
                    assert params["compare_standard"] == standard
                filters = {k: v for k, v in params.items() if k != "ethnic_minority"}
                filters["year"] = int(filters["year"])
                filters["ethnic_minority"] = params.get("ethnic_minority") == "1"
                shown = household_list(manager, **filters).count()
                assert shown == row["row"].values[column.key], (view["table"].code, params)
                checked[next((k for k in ("compare_deprivation", "compare_class") if k in params), "all")] += 1
    assert checked["compare_deprivation"] >= 3 and checked["compare_class"] >= 10 and checked["all"] >= 5
