"""The factories build valid rows, and a user made by `UserFactory` (or `make_user`) holds exactly the role asked."""

import datetime

import pytest
from allauth.mfa.models import Authenticator

from octopus.accounts.models import Role
from octopus.events.models import Attendance
from octopus.testing.factories import (
    CountryFactory,
    EventFactory,
    OrganisationFactory,
    PersonFactory,
    RegistrationFactory,
    RegistrationFormFactory,
    UserFactory,
)
from octopus.testing.helpers import VISITORS, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory", [EventFactory, OrganisationFactory, PersonFactory, RegistrationFactory, RegistrationFormFactory]
)
def test_each_factory_builds_a_row_that_passes_the_model_checks(factory):
    row = factory()

    row.full_clean()


def test_a_country_is_the_one_of_the_reference_data():
    assert CountryFactory(iso2="AM").name == "Armenia"


def test_a_user_has_the_test_password_and_holds_only_the_role_asked():
    focal = UserFactory(email="fp@example.am", role=Role.FOCAL_POINT, country_code="AM")
    plain = UserFactory()

    assert focal.check_password("a-long-test-password")
    assert list(focal.memberships.values_list("role", "country_code")) == [(Role.FOCAL_POINT, "AM")]
    assert not plain.memberships.exists()


def test_an_administrator_has_totp_unless_told_otherwise():
    with_totp = UserFactory(role=Role.ADMINISTRATOR)
    without = UserFactory(role=Role.ADMINISTRATOR, totp=False)

    assert Authenticator.objects.filter(user=with_totp, type=Authenticator.Type.TOTP).count() == 1
    assert not Authenticator.objects.filter(user=without).exists()


@pytest.mark.parametrize("visitor", VISITORS)
def test_make_user_gives_each_visitor_its_role(visitor):
    user = make_user(visitor)

    if visitor == "anonymous":
        assert user is None
    else:
        assert user.email == f"{visitor}@example.org"
        assert [m.role for m in user.memberships.all()] == ([] if visitor == "no_role" else [visitor])


def test_a_registration_is_checked_in_on_the_first_days_asked():
    event = EventFactory(starts_on=datetime.date(2016, 5, 10), ends_on=datetime.date(2016, 5, 12))
    registration = RegistrationFactory(event=event, attended_days=2)

    assert list(Attendance.objects.filter(registration=registration).values_list("day", flat=True)) == event.days[:2]
