"""/api/v1/households/: the same area rule, forms and service as the entry pages."""

import json

import pytest
from django.contrib.auth.models import User

from areas.services import profile_save
from households.models import Household

MEMBER = {"age": 40, "sex": "M", "education": "primary", "employment": "self_employed", "uses_phone": True}
DWELLING = {
    "house_class": "ban_kien_co",
    "nondurable_structures": 0,
    "floor_area_m2": 30,
    "water_source": "unprotected_dug_well",
    "latrine": "open_pit",
    "assets": ["tv"],
    "loudspeaker_audible": False,
}


def household(**overrides):
    return {
        "code": "API1",
        "unit": "C1",
        "survey_year": 2022,
        "area_type": "rural",
        "income_per_capita": 1_200_000,
        "dwelling": DWELLING,
        "members": [MEMBER, {**MEMBER, "age": 12, "employment": "child", "in_school": True}],
        **overrides,
    }


@pytest.fixture
def officers(tree):
    users = {}
    for name, unit, role in [("a", "C1", "officer"), ("b", "C2", "officer"), ("viewer", "P", "viewer")]:
        users[name] = User.objects.create_user(name, password="pw")
        profile_save(users[name], role, tree[unit])
    return users


def post(client, url, payload, method="post"):
    return getattr(client, method)(url, json.dumps(payload), content_type="application/json")


def test_an_officer_creates_a_household_and_reads_it_back(officers, client):
    client.force_login(officers["a"])
    response = post(client, "/api/v1/households/", household())
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["classification"], body["standard"], body["unit"]) == ("poor", "ND07-2021", "C1")
    assert len(body["members"]) == 2 and body["members"][0]["able_to_work"] is True  # JSON default
    assert body["dwelling"]["assets"] == ["tv"]
    listed = client.get("/api/v1/households/?year=2022&classification=poor").json()
    assert listed["count"] == 1 and listed["items"][0]["code"] == "API1"
    assert client.get(f"/api/v1/households/{body['id']}/").json()["members"][1]["age"] == 12


def test_an_invalid_household_gets_422_with_located_errors_and_writes_nothing(officers, client):
    client.force_login(officers["a"])
    bad = household(
        income_per_capita="1,500", members=[MEMBER, {**MEMBER, "age": 130}], dwelling={**DWELLING, "latrine": "golden"}
    )
    response = post(client, "/api/v1/households/", bad)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"income_per_capita", "members[1].age", "dwelling.latrine"} <= fields
    assert not Household.objects.exists()


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("code", {"code": {"a": 1}}),
        ("head_name", {"head_name": ["A", "B"]}),
        ("dwelling.latrine", {"dwelling": {**DWELLING, "latrine": ["open_pit"]}}),
        ("members[1].full_name", {"members": [MEMBER, {**MEMBER, "full_name": {"first": "A"}}]}),
    ],
)
def test_a_list_or_an_object_where_one_value_belongs_is_refused_on_its_field(officers, client, field, overrides):
    client.force_login(officers["a"])
    response = post(client, "/api/v1/households/", household(**overrides))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": field, "message": "phải là một giá trị (chữ hoặc số), không phải danh sách hay đối tượng"}
    ]
    assert not Household.objects.exists()


def test_the_list_is_paged_with_the_apis_caps(officers, client):
    client.force_login(officers["a"])
    for code in ("A1", "A2", "A3"):
        assert post(client, "/api/v1/households/", household(code=code)).status_code == 201
    page = client.get("/api/v1/households/?limit=2&offset=1").json()
    assert page["count"] == 3 and [h["code"] for h in page["items"]] == ["A2", "A3"]
    for query, field in [("limit=1001", "limit"), ("offset=10000000000000000000000", "offset")]:
        response = client.get(f"/api/v1/households/?{query}")
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == field


def test_answers_only_households_are_accepted(officers, client):
    client.force_login(officers["a"])
    payload = {
        "code": "R1",
        "unit": "C1",
        "survey_year": 2022,
        "area_type": "rural",
        "income_per_capita": 1_000_000,
        "member_count": 4,
        "deprivations": ["water", "latrine", "telecom"],
    }
    response = post(client, "/api/v1/households/", payload)
    assert response.status_code == 201 and response.json()["classification"] == "poor"


def test_update_replaces_the_record_and_a_stale_version_gets_409(officers, client):
    client.force_login(officers["a"])
    created = post(client, "/api/v1/households/", household()).json()
    changed = household(
        income_per_capita=5_000_000,
        version=created["version"],
        members=[{**created["members"][0]}, {**created["members"][1]}],
    )
    response = post(client, f"/api/v1/households/{created['id']}/", changed, "put")
    assert response.status_code == 200 and response.json()["classification"] == "not_poor"
    assert [m["id"] for m in response.json()["members"]] == [m["id"] for m in created["members"]]
    again = post(client, f"/api/v1/households/{created['id']}/", changed, "put")  # a retry: nothing left to write
    assert again.status_code == 200 and again.json()["version"] == response.json()["version"]
    stale = post(client, f"/api/v1/households/{created['id']}/", {**changed, "income_per_capita": 900_000}, "put")
    assert stale.status_code == 409 and "a" in stale.json()["errors"][0]["message"]
    assert Household.objects.get().income_per_capita == 5_000_000


def test_an_officer_of_commune_a_cannot_read_write_or_place_households_in_commune_b(officers, client):
    client.force_login(officers["b"])
    theirs = post(client, "/api/v1/households/", household(unit="C2", code="B1")).json()
    client.force_login(officers["a"])
    assert client.get(f"/api/v1/households/{theirs['id']}/").status_code == 404
    assert client.get("/api/v1/households/").json()["count"] == 0
    assert post(client, f"/api/v1/households/{theirs['id']}/", household(unit="C1"), "put").status_code == 404
    refused = post(client, "/api/v1/households/", household(unit="C2", code="B2"))
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "unit"


def test_a_viewer_may_read_but_not_write(officers, client):
    client.force_login(officers["viewer"])
    assert client.get("/api/v1/households/").status_code == 200
    assert post(client, "/api/v1/households/", household()).status_code == 403


def test_the_households_endpoints_are_in_the_openapi_schema(db, admin_client):
    paths = admin_client.get("/api/v1/openapi.json").json()["paths"]  # the schema is behind a login
    assert {"get", "post"} <= set(paths["/api/v1/households/"])
    assert {"get", "put"} <= set(paths["/api/v1/households/{household_id}/"])


def test_a_member_added_to_a_read_household_sets_the_member_count(officers, client):
    client.force_login(officers["a"])
    read = post(client, "/api/v1/households/", household()).json()
    added = {**read, "members": [*read["members"], {**MEMBER, "full_name": "Cháu", "age": 3, "employment": "child"}]}
    response = post(client, f"/api/v1/households/{read['id']}/", added, "put")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["member_count"] == 3 and [m["id"] for m in body["members"][:2]] == [m["id"] for m in read["members"]]
    assert body["members"][2]["full_name"] == "Cháu"


def test_a_member_id_given_twice_updates_one_member_and_adds_the_other(officers, client):
    client.force_login(officers["a"])
    read = post(client, "/api/v1/households/", household()).json()
    twice = {**read, "members": [read["members"][0], {**read["members"][0], "age": 41}]}
    body = post(client, f"/api/v1/households/{read['id']}/", twice, "put").json()
    assert body["members"][0]["id"] == read["members"][0]["id"] and body["members"][1]["id"] not in {
        m["id"] for m in read["members"]
    }
    assert [m["age"] for m in body["members"]] == [40, 41] and body["member_count"] == 2


def test_a_household_is_recorded_in_a_commune_or_a_village_not_a_district(officers, client):
    client.force_login(User.objects.create_user("district", password="pw"))
    profile_save(User.objects.get(username="district"), "district_officer", officers["a"].profile.unit.parent)
    response = post(client, "/api/v1/households/", household(unit="D1"))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "unit", "message": "D1 không phải là xã hay thôn/ấp/bản: hộ được ghi nhận ở một xã hoặc thôn/ấp/bản."}
    ]


def test_the_stored_fields_beside_the_record_are_checked_where_they_are(officers, client):
    client.force_login(officers["a"])
    bad = household(
        head_name=7,
        ethnicity="martian",
        members=[{**MEMBER, "full_name": "x" * 201, "id": "one"}, MEMBER],
        version=3,
        survey_year=None,
    )
    response = post(client, "/api/v1/households/", bad)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {
        "survey_year",
        "head_name",
        "ethnicity",
        "members[0].full_name",
        "members[0].id",
        "version",
    }
    assert not Household.objects.exists()
