import base64

import pytest
from django.contrib.auth.models import User

from areas.models import Unit


@pytest.fixture
def demo(demo_data, db, settings):
    """The demo loaded once for this module (tests/conftest.py demo_data); each test rolls back its own writes."""
    settings.DEBUG = True


def basic(username, password="demo"):
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.mark.parametrize("url", ["/api/v1/plans/", "/api/v1/units/", "/api/v1/plans/1/targets/"])
def test_anonymous_is_refused(demo, client, url):
    assert client.get(url).status_code == 401


def test_a_wrong_password_is_refused(demo, client):
    assert client.get("/api/v1/plans/", **basic("officer", "nope")).status_code == 401


def test_officer_sees_only_units_of_their_own_commune(demo, client):
    officer = User.objects.get(username="officer")
    response = client.get("/api/v1/units/?limit=1000", **basic("officer"))
    assert response.status_code == 200
    paths = [u["path"] for u in response.json()["items"]]
    assert paths and all(p.startswith(officer.profile.unit.path) for p in paths)
    assert len(paths) == Unit.objects.subtree(officer.profile.unit).count()


def test_manager_sees_the_whole_tree(demo, client):
    response = client.get("/api/v1/units/?limit=1000", **basic("manager"))
    assert response.json()["count"] == Unit.objects.count()


def test_officer_sees_the_plan_of_their_province_but_not_the_other(demo, client, history_officer):
    plans = client.get("/api/v1/plans/", **basic(history_officer)).json()
    assert [p["province_code"] for p in plans] == ["94"]
    son_la = client.get("/api/v1/plans/", **basic("manager")).json()
    son_la_id = next(p["id"] for p in son_la if p["province_code"] == "14")
    assert client.get(f"/api/v1/plans/{son_la_id}/targets/", **basic(history_officer)).status_code == 404
    assert client.get("/api/v1/plans/", **basic("officer")).json() == []  # today's Cần Thơ has no plan yet


def test_plan_targets_carry_shape_values_and_source(demo, client):
    plans = client.get("/api/v1/plans/", **basic("manager")).json()
    son_la = next(p for p in plans if p["province_code"] == "14")
    assert son_la["document_number"] == "287/KH-UBND"
    targets = client.get(f"/api/v1/plans/{son_la['id']}/targets/", **basic("manager")).json()
    first = targets[0]
    assert (first["indicator_code"], first["shape"], first["operator"], first["value"]) == (
        "poor_rate",
        "level",
        "lte",
        "18.66",
    )
    jobs = next(t for t in targets if t["indicator_code"] == "jobs_found")
    assert jobs["share_indicator_code"] == "job_placements_poor_share" and jobs["share_value"] == "50.00"
    assert "25.000" in jobs["source_sentence"]


def test_session_login_works_for_the_api(demo, client):
    client.login(username="manager", password="demo")
    assert client.get("/api/v1/plans/").status_code == 200


def test_openapi_schema_lists_the_endpoints(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader"))  # the docs and schema need a login
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/plans/", "/api/v1/plans/{plan_id}/targets/", "/api/v1/units/"} <= set(schema["paths"])


def test_the_operation_ids_clients_were_generated_with_stay_when_the_endpoints_move_to_their_apps(
    client, django_user_model
):
    """The endpoints once in povertyplan/api.py live in targets, areas and households (issue 22.8): a client
    generated from the schema names its calls by operation id, which must not change with the code's place."""
    client.force_login(django_user_model.objects.create_user("reader"))
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    moved = {
        ("/api/v1/plans/", "get"): "list_plans",
        ("/api/v1/plans/{plan_id}/targets/", "get"): "list_targets",
        ("/api/v1/plans/{plan_id}/attainment/", "get"): "plan_attainment",
        ("/api/v1/indicators/values/", "get"): "indicator_values",
        ("/api/v1/units/", "get"): "list_units",
        ("/api/v1/classify/", "post"): "classify",
    }
    for (path, method), name in moved.items():
        assert paths[path][method]["operationId"] == f"povertyplan_api_{name}", path


def test_attainment_api_gives_status_and_explanation(demo, client):
    plans = client.get("/api/v1/plans/", **basic("manager")).json()
    son_la = next(p for p in plans if p["province_code"] == "14")
    rows = client.get(f"/api/v1/plans/{son_la['id']}/attainment/", **basic("manager")).json()
    assert len(rows) == 13
    first = rows[0]
    assert first["indicator_code"] == "poor_rate" and first["year"] == 2022
    assert first["status"] in {"achieved", "missed"}  # the plan's year is over: reached or not
    assert {"numerator", "denominator", "rule", "run"} <= set(first["explanation"])
    assert client.get(f"/api/v1/plans/{son_la['id']}/attainment/", **basic("officer")).status_code == 404


def test_indicator_values_are_filtered_and_limited_to_the_officers_area(demo, client, history_officer):
    officer = User.objects.get(username=history_officer)
    response = client.get(
        "/api/v1/indicators/values/?indicator=poor_rate&year=2020&scope=province&limit=1000", **basic(history_officer)
    )
    items = response.json()["items"]
    assert items and {i["unit_code"] for i in items} <= set(
        Unit.objects.subtree(officer.profile.unit).values_list("code", flat=True)
    )
    province = client.get(
        "/api/v1/indicators/values/?indicator=poor_rate&year=2020&scope=province&unit=94", **basic("manager")
    ).json()["items"]
    assert len(province) == 1
    value = province[0]
    assert float(value["value"]) == pytest.approx(float(value["numerator"]) / float(value["denominator"]) * 100)
    assert client.get("/api/v1/indicators/values/?unit=94", **basic(history_officer)).status_code == 404  # above
