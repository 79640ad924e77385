"""Vietnamese first, whatever the browser says; the VI / EN choice is kept for the user (issue 7, point 6)."""

from django.contrib.auth.models import User
from django.test import Client

from areas.models import Profile

from .conftest import make_user


def test_a_browser_asking_for_english_gets_vietnamese(db, client):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Đăng nhập" in html and "Log in" not in html


def test_the_language_chosen_is_kept_for_the_user_in_a_new_session(tree):
    make_user("officer", "officer", tree["C1"])
    first = Client()
    first.login(username="officer", password="pw")
    first.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert Profile.objects.get(user__username="officer").language == "en"

    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="vi")  # another machine, no cookie
    elsewhere.login(username="officer", password="pw")
    html = elsewhere.get("/").content.decode()
    assert "Log out" in html and "Đăng xuất" not in html


def test_choosing_a_language_never_creates_a_profile_that_would_open_every_area(db):
    User.objects.create_user("noprofile", password="pw")
    client = Client()
    client.login(username="noprofile", password="pw")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and not Profile.objects.exists()
    assert response.cookies["django_language"].value == "en"
