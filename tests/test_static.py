"""Under `make run` (DEBUG on) as in production, static files are served as collected: hashed names that a
browser caches for good, and plotly.js gzipped (0,44 MB: the partial bundle of scripts/build-plotly, 1,3 MB)."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.templatetags.static import static
from django.test import RequestFactory
from plotly.offline import get_plotlyjs_version
from whitenoise.middleware import WhiteNoiseMiddleware


@pytest.mark.django_db  # closing the response sends request_finished, which checks the worker's open connection
def test_collected_files_are_served_hashed_gzipped_and_cached_for_good(settings, tmp_path):
    settings.DEBUG = True
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "povertyplan.storage.CollectedStaticStorage"}}
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", interactive=False, verbosity=0)

    url = static("vendor/plotly.min.js")
    assert url != "/static/vendor/plotly.min.js" and url.endswith(".js")  # hashed although DEBUG is on
    serve = WhiteNoiseMiddleware(lambda request: None)
    response = serve(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip, br"))
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert int(response["Content-Length"]) < 600_000
    assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]
    response.close()


def test_the_plotly_bundle_is_the_plotly_js_of_the_installed_plotly():
    """Figures are checked on the server by plotly.py (tests/targets/test_dashboards.py): the browser must draw them
    with the plotly.js of the same version. scripts/build-plotly rebuilds the bundle after an upgrade."""
    banner = (settings.BASE_DIR / "static" / "vendor" / "plotly.min.js").read_text(encoding="utf-8")[:200]
    assert banner.startswith(f"/* plotly.js v{get_plotlyjs_version()} ")
