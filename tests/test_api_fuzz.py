"""schemathesis over the whole OpenAPI schema, with the demo data and accounts (issue 16.7): every operation,
valid and invalid input, and every answer must be within the schema — no server error, no undocumented status,
body or header. Bounded (a fixed number of derandomized examples per operation) so it stays in `make test`."""

import base64
import io

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 6  # per operation, account and mode


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo data set once for the module, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            call_command("load_demo", scale=0.05, stdout=io.StringIO())
        # like Django's test client: the WSGI handler must not close the connection that holds the test's transaction
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            yield
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)
            transaction.set_rollback(True)


def _fuzz(mode, headers, checks, examples=EXAMPLES, expect=None) -> list[str]:
    """Run every operation of the schema; return what went wrong, one line per operation."""
    schema_reader = {"Authorization": "Basic " + base64.b64encode(b"admin:demo").decode()}  # the schema needs a login
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), headers=schema_reader)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            response = case.call(headers=headers)
            if expect is not None:
                assert response.status_code == expect, f"{response.status_code}: {response.text[:200]}"
            case.validate_response(response, checks=checks, headers=headers)

        try:
            run()
        except Exception as error:  # noqa: BLE001 - every operation is tried, all failures reported
            failures.append(f"{operation.method.upper()} {operation.path}: {error}"[:3000])
    return failures


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("account", ["admin", "manager", "officer"])
def test_the_api_answers_every_request_within_its_schema(demo_data, db, account, mode):
    token = base64.b64encode(f"{account}:demo".encode()).decode()
    checks = CONFORMANCE + ([negative_data_rejection] if mode == GenerationMode.NEGATIVE else [])
    failures = _fuzz(mode, {"Authorization": f"Basic {token}"}, checks)
    assert not failures, "\n\n".join(failures)


def test_an_anonymous_request_gets_a_documented_401(demo_data, db):
    failures = _fuzz(GenerationMode.POSITIVE, {}, CONFORMANCE, examples=3, expect=401)
    assert not failures, "\n\n".join(failures)
