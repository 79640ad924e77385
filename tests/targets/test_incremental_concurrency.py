"""Incremental runs on PostgreSQL under concurrency: two runs for different communes of one province at once
give the figures of one after the other, and a reader never sees a half-written set."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from areas.models import Unit
from households.models import Household
from households.reference_data import load_standards
from targets.models import ComputedValue, RecomputeRun
from targets.reference_data import load_catalogue
from targets.services import recompute
from targets.sums import recompute_changes

from .test_incremental import figures

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = date(2026, 11, 23)


@pytest.fixture
def province():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers itself; the row lock and snapshots matter on PostgreSQL")
    from django.apps import apps

    load_standards(apps)
    load_catalogue(apps)
    root = Unit.objects.create(code="P", name="P", level="province")
    district = Unit.objects.create(code="PD", name="PD", level="district", parent=root)
    communes = [Unit.objects.create(code=f"PD{i}", name=f"PD{i}", level="commune", parent=district) for i in (1, 2)]
    Household.objects.bulk_create(
        [
            Household(
                unit=communes[n % 2],
                survey_year=2022,
                code=f"H{n}",
                area_type="rural",
                ethnicity="thai",
                income_per_capita=2_000_000,
                member_count=3,
                classification="not_poor",
                classification_rule="-",
            )
            for n in range(4000)
        ]
    )
    recompute(today=TODAY)
    return root, communes


def _consistent(reads, errors, stop):
    """Each read is one statement, one snapshot: the province must equal the sum of its communes."""
    try:
        while not stop.is_set():
            rows = dict(
                ComputedValue.objects.filter(indicator__code="poor_rate", year=2022, scope="province").values_list(
                    "unit__code", "numerator"
                )
            )
            reads.append(rows)
            if rows["P"] != rows["PD"] or rows["PD"] != rows["PD1"] + rows["PD2"]:
                errors.append(rows)
    finally:
        connections.close_all()


def test_two_runs_for_two_communes_at_once_equal_one_after_the_other_and_readers_see_no_half(province):
    root, communes = province
    for n, commune in enumerate(communes):  # direct edits, so that no run starts by itself
        poor = Household.objects.filter(unit=commune).order_by("id").values_list("id", flat=True)[: 300 * (n + 1)]
        Household.objects.filter(pk__in=list(poor)).update(classification="poor")
    errors, reads, stop = [], [], threading.Event()

    def run(commune):
        try:
            recompute_changes(root.pk, {2022: [commune.pk]}, today=TODAY)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    reader = threading.Thread(target=_consistent, args=(reads, errors, stop))
    reader.start()
    runs = [threading.Thread(target=run, args=(c,)) for c in communes]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(timeout=120)
    stop.set()
    reader.join(timeout=30)
    assert errors == [] and reads
    assert RecomputeRun.objects.filter(scope__contains="incremental", status="succeeded").count() == 2
    both = figures()
    province_rate = ComputedValue.objects.get(indicator__code="poor_rate", unit=root, year=2022, scope="province")
    assert province_rate.numerator == 900
    recompute(today=TODAY)
    assert figures() == both
