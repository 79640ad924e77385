"""API tokens (issue 21.7): made on the account page and shown once, stored hashed, sent as `Authorization:
Bearer …` to every API route with the area rules of their user, revoked there; `manage.py api_token`."""

import hashlib
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from areas.models import ApiToken
from areas.services import api_token_create, api_token_user, profile_save
from households.models import Household
from households.services import household_save


@pytest.fixture
def officers(tree):
    users = {}
    for name, unit in [("a", "C1"), ("b", "C2")]:
        users[name] = User.objects.create_user(name, password="pw")
        profile_save(users[name], "officer", tree[unit])
    return users


def _household(unit, code):
    return household_save(
        Household(
            unit=unit,
            survey_year=2022,
            code=code,
            area_type="rural",
            income_per_capita=1_000_000,
            member_count=3,
            reported_deprivations=["water"],
        )
    )


def bearer(token):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _made_on_the_account_page(user, name="reporting tool") -> tuple[Client, str]:
    browser = Client()
    browser.force_login(user)
    page = browser.post("/accounts/", {"name": name}).content.decode()
    return browser, re.search(r'id="new-token"[^>]*>(pp_[^<]+)<', page).group(1)


def test_a_token_is_shown_once_when_made_and_stored_only_as_its_hash(officers):
    browser, token = _made_on_the_account_page(officers["a"])
    stored = ApiToken.objects.get(user=officers["a"])
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest() and len(token) > 40
    assert token not in {str(v) for v in ApiToken.objects.values_list().get()}  # only its first characters
    assert token.startswith(stored.prefix) and len(stored.prefix) == 11
    again = browser.get("/accounts/")
    page = again.content.decode()
    assert token not in page and f"{stored.prefix}…" in page and "reporting tool" in page and "chưa dùng" in page
    assert "no-store" in again["Cache-Control"]


def test_a_token_sees_what_its_officer_sees_and_no_more(tree, officers):
    _browser, token = _made_on_the_account_page(officers["a"])
    theirs, ours = _household(tree["C2"], "B1"), _household(tree["C1"], "A1")
    client = bearer(token)
    assert {u["code"] for u in client.get("/api/v1/units/").json()["items"]} == {"C1"}
    assert client.get("/api/v1/households/").json()["count"] == 1
    assert client.get(f"/api/v1/households/{theirs.pk}/").status_code == 404
    read = client.get(f"/api/v1/households/{ours.pk}/").json()
    written = client.put(f"/api/v1/households/{ours.pk}/", {**read, "income_per_capita": 900_000}, "application/json")
    assert written.status_code == 200 and written.json()["income_per_capita"] == 900_000
    moved = client.put(f"/api/v1/households/{ours.pk}/", {**read, "unit": "C2", "version": None}, "application/json")
    assert moved.status_code == 422 and moved.json()["errors"][0]["field"] == "unit"
    assert client.get("/api/v1/openapi.json").status_code == 200  # the schema is behind a login too


def test_a_revoked_token_is_refused_with_401(officers):
    browser, token = _made_on_the_account_page(officers["a"])
    assert bearer(token).get("/api/v1/units/").status_code == 200
    stored = ApiToken.objects.get(user=officers["a"])
    assert stored.last_used_at is not None
    response = browser.post("/accounts/", {"revoke": stored.pk}, follow=True)
    assert "Đã thu hồi khóa “reporting tool”" in response.content.decode()
    assert '<td class="name">reporting tool</td>' not in response.content.decode()  # no longer listed
    refused = bearer(token).get("/api/v1/units/")
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith("Bearer")
    assert refused.json()["detail"].startswith("Khóa API này không hợp lệ hoặc đã bị thu hồi")


def test_a_user_cannot_revoke_someone_elses_token(officers):
    _browser, token = _made_on_the_account_page(officers["a"])
    other = Client()
    other.force_login(officers["b"])
    assert other.post("/accounts/", {"revoke": ApiToken.objects.get().pk}).status_code == 404
    assert bearer(token).get("/api/v1/units/").status_code == 200


@pytest.mark.parametrize("header", ["Bearer pp_not-a-token", "Bearer ", "Bearer " + "x" * 5000])
def test_a_wrong_token_is_refused_with_401(db, header):
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/plans/")
    assert response.status_code == 401 and response["Content-Type"].startswith("application/json")


def test_the_token_of_a_deactivated_user_is_refused(officers):
    _token, secret = api_token_create(officers["a"], "tool")
    officers["a"].is_active = False
    officers["a"].save()
    assert bearer(secret).get("/api/v1/units/").status_code == 401


def test_last_use_is_written_at_most_once_a_minute(officers, django_assert_num_queries):
    token, secret = api_token_create(officers["a"], "tool")
    now = timezone.now()
    with django_assert_num_queries(2):  # read, and the first use written
        assert api_token_user(secret, now=now) == officers["a"]
    with django_assert_num_queries(1):
        api_token_user(secret, now=now + timedelta(seconds=59))
    api_token_user(secret, now=now + timedelta(seconds=61))
    token.refresh_from_db()
    assert token.last_used_at == now + timedelta(seconds=61)


def test_a_token_needs_a_name_and_a_user_has_at_most_20_in_use(officers):
    browser = Client()
    browser.force_login(officers["a"])
    assert "bắt buộc" in browser.post("/accounts/", {"name": "  "}).content.decode()
    with pytest.raises(ValidationError, match="Hãy đặt tên cho khóa"):
        api_token_create(officers["a"], "")
    for n in range(20):
        api_token_create(officers["a"], f"tool {n}")
    page = browser.post("/accounts/", {"name": "one more"}).content.decode()
    assert "Bạn đã có 20 khóa đang dùng" in page and 'id="new-token"' not in page
    assert ApiToken.objects.filter(user=officers["a"]).count() == 20


def test_manage_py_api_token_prints_a_new_token_for_a_script(officers):
    out = io.StringIO()
    call_command("api_token", "a", stdout=out)
    token = out.getvalue().strip()
    assert "\n" not in token and bearer(token).get("/api/v1/units/").status_code == 200
    assert ApiToken.objects.get(user=officers["a"]).name == "manage.py api_token"
    with pytest.raises(CommandError, match="Không có người dùng nobody"):
        call_command("api_token", "nobody", stdout=io.StringIO())


def test_the_account_page_needs_a_login(db):
    response = Client().get("/accounts/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_schema_offers_tokens_first(db, admin_client):
    schema = admin_client.get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["TokenAuth"].items()
    assert "Bearer" in schema["info"]["description"]
