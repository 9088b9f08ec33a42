"""Schema fuzzing: schemathesis reads `/api/v1/schema/` from the application itself (WSGI,
no server) and sends every operation generated requests, valid and invalid, as a pilot
(token) and anonymously. No answer may be a server error, and every answer must match the
schema: its status code is documented, its content type and its body are the ones the
schema describes.

Bounded for `make test` on a 2-core machine: `MAX_EXAMPLES` per operation and identity,
derandomized (the same cases on every run, so CI is stable). The demo is loaded once, in
a transaction rolled back at the end of the module; each call runs in a savepoint.
"""


import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, close_old_connections, transaction
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tests.conftest import demo_for_the_module

MAX_EXAMPLES = 25
CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# Per process: `make test` spreads the operations over its workers (pytest-xdist), so
# each worker's summary covers the operations it ran.
COUNTS = {"calls": 0, "2xx": 0, "4xx": 0, "5xx": 0}
OPERATIONS = set()  # (identity, operation) fuzzed in this process


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    from django.contrib.auth import get_user_model

    # Django's WSGI handler closes the connection after each request when it is inside a
    # transaction; the test client disconnects the same signals.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with demo_for_the_module(django_db_blocker):
            pilote = get_user_model().objects.get(username="pilote.demo")
            token, _ = Token.objects.get_or_create(user=pilote)
            yield {"pilote": {"Authorization": f"Token {token.key}"}, "anonyme": {}}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# Read at collection from the application itself (drf-spectacular needs no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


def call(case, headers, django_db_blocker):
    with django_db_blocker.unblock():
        sid = transaction.savepoint()
        try:
            response = case.call(headers=headers)
        finally:
            try:
                transaction.savepoint_rollback(sid)
            except DatabaseError:
                pass
    COUNTS["calls"] += 1
    code = response.status_code
    COUNTS["2xx" if code < 300 else "4xx" if code < 500 else "5xx"] += 1
    case.validate_response(response, checks=CHECKS, headers=headers)


FUZZ = settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
                suppress_health_check=list(HealthCheck), phases=[Phase.generate])


@schema.parametrize()
@FUZZ
def test_api_conforme_au_schema_en_pilote(case, fuzz_world, django_db_blocker):
    OPERATIONS.add(("pilote", case.operation.label))
    call(case, fuzz_world["pilote"], django_db_blocker)


@schema.parametrize()
@FUZZ
def test_api_conforme_au_schema_anonyme(case, fuzz_world, django_db_blocker):
    OPERATIONS.add(("anonyme", case.operation.label))
    call(case, fuzz_world["anonyme"], django_db_blocker)


def test_bilan_du_fuzzing(fuzz_world):
    """Last of the module: what was sent, and that no answer was a server error. Hypothesis
    may stop an operation early when its inputs are few (no parameter: one case), so the
    floor is an average of 10 calls per operation run in this process."""
    print(f"fuzzing du schéma : {len(OPERATIONS)} opérations, {COUNTS}")
    assert COUNTS["calls"] >= 10 * len(OPERATIONS)
    assert COUNTS["5xx"] == 0
