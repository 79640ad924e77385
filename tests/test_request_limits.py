"""A form posted with more data than the server accepts: a clear page with 413, not Django's bare 400 (issue 7.4).
The API's JSON answer is in test_api_errors.py."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from areas.services import profile_save
from households.models import Household, RosterImport

from .households.test_pages import form_data

ONE_MB = 1024 * 1024


@pytest.fixture
def officer(tree, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = ONE_MB
    user = User.objects.create_user("officer1", password="pw", is_staff=True)
    profile_save(user, "officer", tree["C1"])
    return user


def browser(user, language="vi"):
    """A client that checks CSRF tokens as a browser's requests are checked: the check is what reads the form first."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    user.profile.language = language
    user.profile.save()
    return client


@pytest.mark.parametrize("debug", [True, False])
def test_a_household_form_over_the_limit_gets_413_in_vietnamese_and_saves_nothing(tree, officer, settings, debug):
    settings.DEBUG = debug
    data = form_data(tree["C1"], head_name="x" * ONE_MB)
    response = browser(officer).post(reverse("households:create"), data)
    assert response.status_code == 413
    html = response.content.decode()
    assert "Dữ liệu gửi lên quá lớn" in html and "lớn hơn 1 MB" in html and "Chưa có gì được lưu" in html
    assert not Household.objects.exists()


def test_a_multipart_upload_page_over_the_limit_gets_413_in_the_users_language(tree, officer):
    data = {"file": SimpleUploadedFile("xa.csv", b"a,b\n1,2\n"), "note": "x" * (ONE_MB + 1)}
    response = browser(officer, "en").post(reverse("admin:households_household_roster_import"), data)
    assert response.status_code == 413
    assert "larger than 1 MB" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_a_form_with_too_many_fields_gets_413_naming_the_limit(tree, officer, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
    data = form_data(tree["C1"], **{f"extra{i}": "1" for i in range(1000)})
    response = browser(officer).post(reverse("households:create"), data)
    assert response.status_code == 413 and "hơn 1.000 trường" in response.content.decode()


def test_a_form_within_the_limit_still_reaches_the_csrf_check_and_the_view(tree, officer):
    client = browser(officer)
    assert client.post(reverse("households:create"), form_data(tree["C1"])).status_code == 403  # no CSRF token
    client = Client()
    client.force_login(officer)
    response = client.post(reverse("households:create"), form_data(tree["C1"]))
    assert response.status_code == 302 and Household.objects.count() == 1
