"""Schemathesis over the whole API (`make fuzz`): every operation, as a superuser with a bearer token, with whatever
the OpenAPI document allows a client to send and much that it does not. No answer is a server error, and every
answer matches the schema documented for its status.

Slow (minutes), so it runs only when asked: `make fuzz`, or `FUZZ=1 pytest -m fuzz octopus/site/tests/test_api_fuzz.py`.
`FUZZ_EXAMPLES` sets how many cases each operation gets (default 10)."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from octopus.accounts.models import Role
from octopus.accounts.services import issue_api_token
from octopus.testing.helpers import make_user
from octopus.treaties.tests.test_api_contract import OPENAPI_URL, wsgi_in_test_transaction  # noqa: F401 (a fixture)
from octopus.wsgi import application

pytestmark = [
    pytest.mark.fuzz,
    pytest.mark.skipif(not os.environ.get("FUZZ"), reason="slow: `make fuzz` runs it"),
]

schema = schemathesis.openapi.from_wsgi(OPENAPI_URL, application)

FUZZ_SETTINGS = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "10")),
    deadline=None,
    derandomize=True,  # the same cases on every run, so that a failure can be replayed
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture
def superuser_key(db) -> str:
    user = make_user(Role.ADMINISTRATOR)
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return issue_api_token(user, name="fuzz")[1]


@pytest.mark.django_db
@schema.parametrize()
@FUZZ_SETTINGS
def test_no_server_error_and_every_answer_as_documented(case, superuser_key, wsgi_in_test_transaction):  # noqa: F811
    case.call_and_validate(
        headers={"Authorization": f"Bearer {superuser_key}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
