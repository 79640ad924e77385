"""The attainment API says what a change target's goal measures (issue 7.5)."""

import re
from decimal import Decimal

import pytest

from tests.test_api import basic


@pytest.fixture
def demo(demo_data, db, settings):
    """The demo loaded once for this module (tests/conftest.py demo_data); each test rolls back its own writes."""
    settings.DEBUG = True


def test_a_change_target_gives_points_a_year_against_the_baseline_beside_the_level(demo, client):
    plans = client.get("/api/v1/plans/", **basic("manager")).json()
    rows = [
        row
        for plan in plans
        for row in client.get(f"/api/v1/plans/{plan['id']}/attainment/", **basic("manager")).json()
    ]
    changes = [row for row in rows if row["shape"] == "change" and row["status"] != "no_data"]
    assert changes
    for row in changes:
        actual, baseline, per_year = (Decimal(row[k]) for k in ("actual", "baseline", "change_per_year"))
        assert per_year == Decimal(row["explanation"]["measured"])
        years = row["year"] - row["baseline_year"] if row["baseline_year"] else 1
        assert abs(abs(baseline - actual) / max(years, 1) - abs(per_year)) < Decimal("0.01")
        assert "điểm/năm" in row["explanation"]["rule"]
    assert all(row["change_per_year"] is None for row in rows if row["shape"] != "change")


def test_rule_sentences_use_the_decimal_comma(demo, client):
    plans = client.get("/api/v1/plans/", **basic("manager")).json()
    rules = [
        row["explanation"]["rule"]
        for plan in plans
        for row in client.get(f"/api/v1/plans/{plan['id']}/attainment/", **basic("manager")).json()
    ]
    assert any("," in rule for rule in rules)
    assert not any(re.search(r"\d\.\d{1,2}(?!\d)", rule) for rule in rules)  # no 0.95, 18.66
