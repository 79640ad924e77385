"""Bad requests get a clear JSON answer, never a server error (issues 7.4 and 16): one test per hand-made case."""

import base64
import json

import pytest
from django.urls import path

from tests.conftest import make_user

HOUSEHOLD = {
    "code": "H1",
    "survey_year": 2022,
    "area_type": "rural",
    "income_per_capita": 1_000_000,
    "member_count": 2,
    "deprivations": ["water"],
}
DETAILED = {
    "code": "H2",
    "survey_year": 2022,
    "area_type": "rural",
    "income_per_capita": 1_000_000,
    "members": [{"age": 40, "sex": "F", "education": "primary", "employment": "self_employed"}],
    "dwelling": {"house_class": "kien_co", "floor_area_m2": 30, "water_source": "piped", "latrine": "septic"},
}


@pytest.fixture
def api(tree, client):
    make_user("manager_p", "manager", tree["P"])
    token = base64.b64encode(b"manager_p:pw").decode()

    def call(method, url, body=None, raw=None, **extra):
        auth = {"HTTP_AUTHORIZATION": f"Basic {token}", **extra}
        if method == "get":
            return client.get(url, **auth)
        data = raw if raw is not None else json.dumps(body)
        return getattr(client, method)(url, data, content_type="application/json", **auth)

    return call


def _classify(api, household):
    response = api("post", "/api/v1/classify/", raw=json.dumps(household, allow_nan=True))
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/json")
    [answer] = response.json()
    return {e["field"]: e["message"] for e in answer["errors"]}


def test_a_valid_household_is_classified_with_200(api):
    response = api("post", "/api/v1/classify/", HOUSEHOLD)
    assert response.status_code == 200 and response.json()[0]["classification"] == "near_poor"


@pytest.mark.parametrize("year", ["2 022", "2022 ", "năm 2022"])
def test_a_survey_year_sent_as_text_that_is_not_a_json_number_is_refused_on_its_field(api, year):
    assert "số nguyên viết như trong JSON" in _classify(api, dict(HOUSEHOLD, survey_year=year))["survey_year"]


def test_a_number_sent_as_a_string_is_read_with_the_json_decimal_point(api):
    household = dict(DETAILED, survey_year="2022", dwelling=dict(DETAILED["dwelling"], floor_area_m2="7.5"))
    as_strings = api("post", "/api/v1/classify/", household)
    as_numbers = api("post", "/api/v1/classify/", dict(household, survey_year=2022, dwelling=DETAILED["dwelling"]))
    assert as_strings.status_code == 200 and as_strings.json()[0]["standard"] == "ND07-2021"
    assert "housing_area" in as_strings.json()[0]["deprivations"]  # 7,5 m² for one person: below 8 m²
    assert "housing_area" not in as_numbers.json()[0]["deprivations"]  # 30 m²
    vietnamese = dict(household, dwelling=dict(DETAILED["dwelling"], floor_area_m2="7,5"))
    assert "dấu chấm thập phân" in _classify(api, vietnamese)["dwelling.floor_area_m2"]


@pytest.mark.parametrize("standard", [["ND07-2021"], {"code": "ND07-2021"}])
def test_a_standard_that_is_not_a_code_is_refused_on_its_field(api, standard):
    assert "không tồn tại" in _classify(api, dict(HOUSEHOLD, standard=standard))["standard"]


@pytest.mark.parametrize("deprivations", [[["x"]], [{"a": 1}], [1]])
def test_deprivations_that_are_not_names_are_refused_on_their_field(api, deprivations):
    assert "tên chỉ số" in _classify(api, dict(HOUSEHOLD, deprivations=deprivations))["deprivations"]


@pytest.mark.parametrize("raw", ["1e400", "NaN", "Infinity", "-Infinity"])
def test_an_income_that_is_not_a_finite_number_is_refused(api, raw):
    body = json.dumps(HOUSEHOLD).replace('"income_per_capita": 1000000', f'"income_per_capita": {raw}')
    response = api("post", "/api/v1/classify/", raw=body)
    assert response.status_code == 422
    assert "hữu hạn" in response.json()[0]["errors"][0]["message"]


def test_an_income_of_10_to_the_30_vnd_is_refused(api):
    message = _classify(api, dict(HOUSEHOLD, income_per_capita=10**30))["income_per_capita"]
    assert message.startswith("không được lớn hơn 1.000.000.000")


def test_a_floor_area_of_a_billion_square_metres_is_refused(api):
    household = dict(DETAILED, dwelling=dict(DETAILED["dwelling"], floor_area_m2=10**9))
    assert "không được lớn hơn 10.000" in _classify(api, household)["dwelling.floor_area_m2"]


@pytest.mark.parametrize("area", [float("nan"), float("inf"), -20, "30,5", "1e400", True])
def test_a_floor_area_that_is_not_a_sane_number_is_refused(api, area):
    household = dict(DETAILED, dwelling=dict(DETAILED["dwelling"], floor_area_m2=area))
    assert _classify(api, household)["dwelling.floor_area_m2"]


def test_a_member_count_of_ten_thousand_is_refused(api):
    assert "không được lớn hơn 100" in _classify(api, dict(HOUSEHOLD, member_count=10_000))["member_count"]


def test_a_household_without_a_code_answers_within_the_schema(api):
    household = {k: v for k, v in HOUSEHOLD.items() if k != "code"}
    response = api("post", "/api/v1/classify/", household)
    assert response.status_code == 422
    assert response.json() == [{"errors": [{"field": "code", "message": "bắt buộc phải có mã hộ"}]}]


def test_a_list_over_the_cap_is_refused_at_once(api):
    response = api("post", "/api/v1/classify/", raw="[" + ",".join(["0"] * 1_000_000) + "]")
    assert response.status_code == 422
    assert response.json() == [{"errors": [{"field": "", "message": "tối đa 10.000 hộ mỗi lần, nhận được 1.000.000"}]}]
    assert len(response.content) < 1000


def test_a_body_that_is_not_households_is_refused(api):
    response = api("post", "/api/v1/classify/", raw="123")
    assert response.status_code == 422 and response.json()[0]["errors"][0]["field"] == ""


def test_a_body_that_is_not_json_answers_400_in_json(api):
    response = api("post", "/api/v1/classify/", raw="{not json")
    assert response.status_code == 400 and response.json()["detail"]


@pytest.mark.parametrize("debug", [True, False])
def test_a_body_over_the_upload_limit_answers_413_in_json_whatever_debug_is(api, settings, debug):
    settings.DEBUG = debug
    body = json.dumps([HOUSEHOLD] * 1) + " " * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = api("post", "/api/v1/classify/", raw=body)
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "5 MB" in response.json()["detail"]


@pytest.mark.parametrize(
    "query",
    [
        "limit=1000000",
        "limit=0",
        "limit=10000000000000000000000",
        "offset=10000000000000000000000",
        "offset=-1",
        "limit=abc",
    ],
)
@pytest.mark.parametrize("url", ["/api/v1/units/", "/api/v1/indicators/values/", "/api/v1/households/"])
def test_an_absurd_limit_or_offset_answers_422_naming_it(api, url, query):
    response = api("get", f"{url}?{query}")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["errors"][0]["field"] == query.split("=")[0] and body["errors"][0]["message"]


def test_the_largest_page_is_served(api):
    response = api("get", "/api/v1/units/?limit=1000&offset=10000000")
    assert response.status_code == 200 and response.json()["items"] == []


@pytest.mark.parametrize("url", ["/api/v1/plans/10000000000000000000000/targets/", "/api/v1/plans/99999/attainment/"])
def test_an_unknown_or_absurd_plan_id_is_not_a_server_error(api, url):
    assert api("get", url).status_code in (404, 422)


def test_an_anonymous_request_gets_401_with_www_authenticate(client, db):
    response = client.get("/api/v1/plans/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    assert response.json()["detail"]


def test_an_anonymous_post_gets_401_not_a_csrf_403(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/api/v1/classify/", HOUSEHOLD, content_type="application/json")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Basic")


def test_a_logged_in_session_still_needs_the_csrf_token_to_post(tree):
    from django.test import Client

    make_user("manager_s", "manager", tree["P"])
    browser = Client(enforce_csrf_checks=True)
    browser.login(username="manager_s", password="pw")
    assert browser.post("/api/v1/classify/", HOUSEHOLD, content_type="application/json").status_code == 403


def test_the_schema_lists_the_error_answers_with_their_bodies(admin_client):
    schema = admin_client.get("/api/v1/openapi.json").json()
    classify = schema["paths"]["/api/v1/classify/"]["post"]
    assert {"200", "401", "413", "422"} <= set(classify["responses"])
    assert "WWW-Authenticate" in classify["responses"]["401"]["headers"]
    targets = schema["paths"]["/api/v1/plans/{plan_id}/targets/"]["get"]
    assert targets["responses"]["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Detail"
    }
    units = schema["paths"]["/api/v1/units/"]["get"]
    limit = next(p for p in units["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 1000
    body = classify["requestBody"]["content"]["application/json"]["schema"]
    assert body["oneOf"][1]["maxItems"] == 10_000
    assert "code" not in schema["components"]["schemas"]["ClassificationOut"].get("required", [])


def _failing(*args, **kwargs):
    raise RuntimeError("a bug")


def test_an_unforeseen_error_answers_json_in_vietnamese_in_production(api, settings, client, monkeypatch):
    settings.DEBUG = False
    client.raise_request_exception = False
    monkeypatch.setattr("households.api.classify_json", _failing)
    response = api("post", "/api/v1/classify/", HOUSEHOLD)
    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
    assert response.json()["detail"].startswith("Lỗi máy chủ")


def raising_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", raising_view)]


@pytest.mark.urls(__name__)
def test_an_unforeseen_error_on_a_page_answers_a_vietnamese_page_in_production(settings, client, db):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="vi">' in page and "Lỗi máy chủ" in page and "Server Error" not in page
