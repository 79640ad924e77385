"""Accounts: Vietnamese login and logout, password change and reset, login throttling, idle sessions, CSRF."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.conftest import make_user


@pytest.fixture
def officer(tree):
    return make_user("officer1", "officer", tree["C1"])


def _set_password(user, password):
    user.set_password(password)
    user.save()
    return user


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_page_is_in_vietnamese(db, client):
    html = client.get("/accounts/login/").content.decode()
    assert "Đăng nhập" in html and "Tên đăng nhập" in html and "Mật khẩu" in html


def test_wrong_password_is_refused_in_vietnamese(officer, client):
    _set_password(officer, "right-horse-battery")
    response = _login(client, "officer1", "wrong")
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()


def test_logout_ends_the_session_and_says_so(officer, client):
    _set_password(officer, "right-horse-battery")
    assert _login(client, "officer1", "right-horse-battery").status_code == 302
    response = client.post("/accounts/logout/", follow=True)
    assert "Bạn đã đăng xuất." in response.content.decode()
    assert client.get("/").status_code == 302


def test_ten_wrong_passwords_lock_the_account_even_against_the_right_one(officer, client, settings):
    _set_password(officer, "right-horse-battery")
    for _ in range(9):
        assert _login(client, "officer1", "wrong").status_code == 200
    locked = _login(client, "officer1", "wrong")  # the 10th failure locks
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Tài khoản tạm khóa" in html and "30 phút" in html
    refused = _login(client, "officer1", "right-horse-battery")
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_locked_account_opens_again_when_the_lock_expires(officer, client):
    _set_password(officer, "right-horse-battery")
    for _ in range(10):
        _login(client, "officer1", "wrong")
    assert _login(client, "officer1", "right-horse-battery").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert _login(client, "officer1", "right-horse-battery").status_code == 302


def test_the_lock_is_on_username_and_address_so_other_users_and_addresses_still_log_in(officer, tree, client):
    _set_password(officer, "right-horse-battery")
    _set_password(make_user("officer2", "officer", tree["C2"]), "other-horse-battery")
    for _ in range(10):
        _login(client, "officer1", "wrong")
    assert _login(client, "officer2", "other-horse-battery").status_code == 302
    elsewhere = Client(REMOTE_ADDR="10.0.0.9")
    assert _login(elsewhere, "officer1", "right-horse-battery").status_code == 302


def test_an_administrator_unlocks_an_account_from_the_admin(officer, client):
    _set_password(officer, "right-horse-battery")
    for _ in range(10):
        _login(client, "officer1", "wrong")
    admin = Client()
    admin.force_login(User.objects.create_superuser("root", password="x"))
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "officer1" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="officer1")
    admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert _login(client, "officer1", "right-horse-battery").status_code == 302


def test_the_api_counts_wrong_passwords_too(officer, client):
    import base64

    _set_password(officer, "right-horse-battery")
    wrong = "Basic " + base64.b64encode(b"officer1:wrong").decode()
    right = "Basic " + base64.b64encode(b"officer1:right-horse-battery").decode()
    assert client.get("/api/v1/units/", HTTP_AUTHORIZATION=right).status_code == 200
    for _ in range(10):
        client.get("/api/v1/units/", HTTP_AUTHORIZATION=wrong)
    assert client.get("/api/v1/units/", HTTP_AUTHORIZATION=right).status_code == 429


def test_a_user_changes_their_password(officer, client):
    _set_password(officer, "right-horse-battery")
    _login(client, "officer1", "right-horse-battery")
    page = client.get("/accounts/password/").content.decode()
    assert "Đổi mật khẩu" in page and "Mật khẩu cũ" in page
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "right-horse-battery",
            "new_password1": "ruong-lua-xanh-2026",
            "new_password2": "ruong-lua-xanh-2026",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/password/done/"
    officer.refresh_from_db()
    assert officer.check_password("ruong-lua-xanh-2026")


def test_a_password_change_with_the_wrong_old_password_is_refused(officer, client):
    _set_password(officer, "right-horse-battery")
    _login(client, "officer1", "right-horse-battery")
    response = client.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password1": "ruong-lua-xanh-2026", "new_password2": "ruong-lua-xanh-2026"},
    )
    assert response.status_code == 200 and "Mật khẩu cũ" in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password("right-horse-battery")


def test_an_administrator_resets_a_users_password(officer, client):
    admin = Client()
    admin.force_login(User.objects.create_superuser("root", password="x"))
    form = admin.get(f"/admin/auth/user/{officer.pk}/password/")
    assert form.status_code == 200
    response = admin.post(
        f"/admin/auth/user/{officer.pk}/password/",
        {"password1": "mat-khau-moi-2026", "password2": "mat-khau-moi-2026", "usable_password": "true"},
    )
    assert response.status_code == 302
    assert _login(client, "officer1", "mat-khau-moi-2026").status_code == 302


def test_a_session_idle_longer_than_the_setting_expires(officer, client, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(officer)
    assert client.get("/").status_code == 200
    session = Session.objects.get()
    assert session.expire_date > timezone.now() + timedelta(minutes=29)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_requests_renew_the_idle_expiry_at_most_once_a_minute(officer, client):
    client.force_login(officer)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    client.get("/")
    assert Session.objects.get().expire_date > timezone.now() + timedelta(minutes=29)
    soon = timezone.now() + timedelta(minutes=5)
    Session.objects.update(expire_date=soon)
    client.get("/")  # within the minute: the page is served without writing the session
    assert Session.objects.get().expire_date == soon
    session = client.session
    session["renewed_at"] -= 61
    session.save()
    Session.objects.update(expire_date=soon)
    client.get("/")
    assert Session.objects.get().expire_date > timezone.now() + timedelta(minutes=29)


def test_a_form_posted_without_its_csrf_token_is_refused(officer):
    _set_password(officer, "right-horse-battery")
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "right-horse-battery",
            "new_password1": "ruong-lua-xanh-2026",
            "new_password2": "ruong-lua-xanh-2026",
        },
    )
    assert response.status_code == 403
    officer.refresh_from_db()
    assert officer.check_password("right-horse-battery")


def test_the_login_form_refuses_a_post_without_its_csrf_token(officer):
    _set_password(officer, "right-horse-battery")
    response = _login(Client(enforce_csrf_checks=True), "officer1", "right-horse-battery")
    assert response.status_code == 403


def test_the_user_read_for_each_request_is_the_one_the_orm_reads(tree, django_assert_num_queries):
    """The user with their profile and its unit, read in SQL built once per process (povertyplan.auth), is what
    select_related("profile__unit") reads — every field, the profile and its unit, or no profile — in one query."""
    from areas.models import Profile
    from povertyplan.auth import user_with_profile

    users = [
        make_user("commune_reader", "officer", unit=tree["C1"]),
        make_user("everywhere_reader", "manager"),
        User.objects.create_user("no_profile", password="pw", is_active=False),
        User.objects.create_superuser("root_reader", password="pw"),
    ]
    Profile.objects.filter(user=users[0]).update(language="en")

    def fields(instance):
        return {k: v for k, v in vars(instance).items() if k != "_state"}

    for expected in User.objects.select_related("profile__unit").filter(pk__in=[u.pk for u in users]):
        with django_assert_num_queries(1):
            user = user_with_profile(str(expected.pk))  # as the session keeps it
            profile = getattr(user, "profile", None)
            unit = profile.unit if profile else None
        assert fields(user) == fields(expected)
        if not hasattr(expected, "profile"):
            assert profile is None
            continue
        assert fields(profile) == fields(expected.profile)
        assert (unit and fields(unit)) == (expected.profile.unit and fields(expected.profile.unit))
    assert user_with_profile(10**9) is None and user_with_profile("x") is None


def test_a_page_reads_its_session_and_refuses_an_unknown_or_expired_one(officer, client):
    client.force_login(officer)
    assert client.get("/").status_code == 200
    session = Session.objects.get()
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/").status_code == 302  # to the login page
    client.cookies["sessionid"] = "not-a-session-key"
    assert client.get("/").status_code == 302
