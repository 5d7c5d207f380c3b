"""factory_boy factories for the records tests build again and again. They write rows directly, as a test's
setup would: a test of what a service does still calls the service.

    UserFactory(role=Role.FOCAL_POINT, country_code="AM")  # a focal point of Armenia
    RegistrationFactory(event=event, person=person, country=CountryFactory(iso2="FR"), attended_days=2)
"""

import datetime

import factory
from allauth.mfa.models import Authenticator
from factory.django import DjangoModelFactory

from octopus.accounts.models import Membership, Role, User
from octopus.countries.models import Country
from octopus.events.models import Attendance, Event, Kind, Registration, RegistrationForm, RegistrationState
from octopus.people.models import Organisation, Person, Sector

PASSWORD = "a-long-test-password"


class MembershipFactory(DjangoModelFactory):
    """A role granted to a user; a focal point needs `country_code=`, a donor `donor_code=`."""

    class Meta:
        model = Membership

    user = factory.SubFactory("octopus.testing.factories.UserFactory")
    role = Role.PROGRAMME_STAFF


class UserFactory(DjangoModelFactory):
    """A user who signs in with `PASSWORD`. `role=` grants that role (scoped by `country_code=` or `donor_code=`);
    an administrator also gets the TOTP every administrator must have to reach the pages."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        role = None
        country_code = ""
        donor_code = ""
        totp = factory.LazyAttribute(lambda user: user.role == Role.ADMINISTRATOR)

    email = factory.Sequence(lambda n: f"user-{n}@example.org")
    password = PASSWORD
    membership = factory.Maybe(
        "role",
        factory.RelatedFactory(
            MembershipFactory,
            factory_related_name="user",
            role=factory.SelfAttribute("..role"),
            country_code=factory.SelfAttribute("..country_code"),
            donor_code=factory.SelfAttribute("..donor_code"),
        ),
    )
    authenticator = factory.Maybe(
        "totp",
        factory.RelatedFactory("octopus.testing.factories.AuthenticatorFactory", factory_related_name="user"),
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)  # hashes the password


class AuthenticatorFactory(DjangoModelFactory):
    class Meta:
        model = Authenticator

    user = factory.SubFactory(UserFactory)
    type = Authenticator.Type.TOTP
    data = factory.LazyFunction(lambda: {"secret": "test"})


class CountryFactory(DjangoModelFactory):
    """A country of the reference data, looked up by its ISO code (Georgia unless told): `CountryFactory(iso2="AM")`."""

    class Meta:
        model = Country
        django_get_or_create = ("iso2",)

    iso2 = "GE"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    sector = Sector.POLICE


class PersonFactory(DjangoModelFactory):
    """A person of the registry, with no country, organisation or e-mail unless told."""

    class Meta:
        model = Person

    first_name = factory.Sequence(lambda n: f"Nino{n}")
    last_name = factory.Sequence(lambda n: f"Beridze{n}")


class EventFactory(DjangoModelFactory):
    """A one-day in-country workshop in Georgia; `services.create_event` (the events tests' `make_event`) is the
    way to build one as staff would."""

    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Workshop {n}")
    slug = factory.Sequence(lambda n: f"workshop-{n}")
    kind = Kind.IN_COUNTRY_WORKSHOP
    starts_on = datetime.date(2016, 5, 10)
    ends_on = factory.SelfAttribute("starts_on")
    country = factory.SubFactory(CountryFactory)


class RegistrationFormFactory(DjangoModelFactory):
    """An open registration form of an event."""

    class Meta:
        model = RegistrationForm

    event = factory.SubFactory(EventFactory)
    title = "Participants"
    is_open = True


class RegistrationFactory(DjangoModelFactory):
    """An approved participant of an event; `attended_days=n` checks them in on each of its first n days."""

    class Meta:
        model = Registration
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(PersonFactory)
    state = RegistrationState.APPROVED
    country = factory.SubFactory(CountryFactory)

    @factory.post_generation
    def attended_days(registration, create, extracted, **kwargs):
        for day in registration.event.days[: extracted or 0]:
            Attendance.objects.create(registration=registration, day=day)
