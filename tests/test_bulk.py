"""povertyplan.bulk: one convention for NULL, booleans, JSON and empty text on both databases; a lost connection
during a COPY raised as Django's OperationalError."""

import threading
from decimal import Decimal

import psycopg2
import pytest
from django.db import OperationalError, connection

from households.models import Household
from povertyplan import bulk
from targets.models import ComputedValue, GroupSum, Indicator

from .households.test_services import VECTORS, _household_from_vector


def test_copied_rows_read_back_as_written(tree):
    indicator = Indicator.objects.first()
    unit = tree["C1"]
    bulk.copy_rows(
        GroupSum,
        ["unit_id", "year", "ethnicity", "area_type", "sums"],
        [(unit.pk, 2022, "kinh", "rural", {"n": 3, "poor": 1}), (unit.pk, 2022, "", "urban", {})],
    )
    bulk.copy_rows(
        ComputedValue,
        ["indicator_id", "unit_id", "year", "scope", "numerator", "denominator", "run_id"],
        [(indicator.pk, unit.pk, 2022, "province", Decimal("1.25"), None, None)],
    )
    stored = {g.ethnicity: (g.area_type, g.sums) for g in GroupSum.objects.all()}
    assert stored == {"kinh": ("rural", {"n": 3, "poor": 1}), "": ("urban", {})}  # empty text is not NULL
    value = ComputedValue.objects.get()
    assert (value.numerator, value.denominator, value.run_id) == (Decimal("1.25"), None, None)


def test_updated_rows_take_null_booleans_lists_and_empty_text(tree):
    from households.services import household_save

    household, members = _household_from_vector(VECTORS[0], tree["C1"], 2022)
    household_save(household, members)
    columns = ["low_income_worker", "has_steady_worker", "deprivations", "classification_rule"]
    bulk.update_rows(Household, columns, [(household.pk, None, True, ["water", "latrine"], "")])
    stored = Household.objects.get(pk=household.pk)
    assert (stored.low_income_worker, stored.has_steady_worker) == (None, True)
    assert (stored.deprivations, stored.classification_rule) == (["water", "latrine"], "")
    bulk.update_rows(Household, columns, [(household.pk, False, None, [], "rule")])
    stored.refresh_from_db()
    assert (stored.low_income_worker, stored.has_steady_worker, stored.deprivations) == (False, None, [])


def terminate_during_copy(monkeypatch):
    """The server ends this session (pg_terminate_backend from a second connection) while a COPY is sending
    its rows: the first time a COPY asks for rows, and only then."""
    pid = connection.connection.get_backend_pid()
    done = threading.Event()
    read = bulk._Stream.read

    def read_then_lose_connection(stream, size=-1):
        if not done.is_set():
            done.set()
            settings = connection.settings_dict
            other = psycopg2.connect(
                dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"]
            )
            other.autocommit = True
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
                for _ in range(100):  # until the session is gone
                    cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                    if not cursor.fetchone()[0]:
                        break
                    threading.Event().wait(0.05)
            other.close()
        return read(stream, size)

    monkeypatch.setattr(bulk._Stream, "read", read_then_lose_connection)
    return done


@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_during_a_copy_raises_djangos_operational_error(tree, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    connection.ensure_connection()
    killed = terminate_during_copy(monkeypatch)
    rows = [(tree["C1"].pk, 2022, f"e{i}", "rural", {"n": i}) for i in range(5000)]
    try:
        with pytest.raises(OperationalError) as raised:
            bulk.copy_rows(GroupSum, ["unit_id", "year", "ethnicity", "area_type", "sums"], rows)
        assert killed.is_set()
        assert isinstance(raised.value.__cause__, psycopg2.OperationalError)
    finally:
        connection.close()
    assert not GroupSum.objects.exists()
