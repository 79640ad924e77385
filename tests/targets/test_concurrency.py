"""Two recomputes of one province at once: the second waits for the first, nothing is corrupted."""

import threading

import pytest
from django.db import connection, connections

from targets.models import Attainment, ComputedValue, RecomputeRun
from targets.services import recompute

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_runs_at_once_give_the_figures_of_one(demo):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers itself; the row lock matters on PostgreSQL")
    single = sorted(ComputedValue.objects.values_list("indicator_id", "unit_id", "year", "scope", "numerator"))
    errors = []

    def run():
        try:
            recompute()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(ComputedValue.objects.values_list("indicator_id", "unit_id", "year", "scope", "numerator")) == single
    assert Attainment.objects.values("target_id").distinct().count() == Attainment.objects.count()
    assert RecomputeRun.objects.filter(status="succeeded").count() >= 3  # load_demo's run and the two
