"""Shared test fixtures: the reference data loaded once per test database, and a user for every role."""

import io

import pytest
from django.core.management import call_command

from octopus.accounts.models import Membership, Role, User

ROLE_SCOPES = {
    Role.ADMINISTRATOR: {},
    Role.PROGRAMME_STAFF: {},
    Role.FINANCE_OFFICER: {},
    Role.TCY_SECRETARIAT: {},
    Role.FOCAL_POINT: {"country_code": "GE"},
    Role.DONOR: {"donor_code": "DONOR-1"},
}
# Every kind of visitor: each role, a signed-in user with no role, and the anonymous public.
VISITORS = [role.value for role in Role] + ["no_role", "anonymous"]


def load_reference_data():
    call_command("load_reference_data", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Tests run inside transactions that roll back, so the reference data loaded here is there for each.
    with django_db_blocker.unblock():
        load_reference_data()


def make_user(visitor: str) -> User | None:
    if visitor == "anonymous":
        return None
    user = User.objects.create_user(email=f"{visitor}@example.org", password="a-long-test-password")
    if visitor != "no_role":
        Membership.objects.create(user=user, role=visitor, **ROLE_SCOPES[Role(visitor)])
    if visitor == Role.ADMINISTRATOR:
        from allauth.mfa.models import Authenticator

        # Administrators must have TOTP; give them one so they reach the pages under test.
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "test"})
    return user


@pytest.fixture
def user_for():
    return make_user


@pytest.fixture
def staff_user(db):
    return make_user(Role.PROGRAMME_STAFF)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client
