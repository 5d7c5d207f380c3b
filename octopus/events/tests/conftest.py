"""Events built through the services, as staff would build them."""

import datetime

import pytest
from django.db.models import ProtectedError
from django.utils import timezone

from octopus.accounts.models import Role
from octopus.countries.models import Country
from octopus.events import services
from octopus.events.models import Event, Kind, Registration, RegistrationForm, Session, Status
from octopus.people.services import create_person
from octopus.testing.factories import RegistrationFormFactory
from octopus.testing.helpers import bearer_for, make_user


@pytest.fixture
def staff(db):
    return make_user(Role.PROGRAMME_STAFF)


def make_event(
    staff,
    *,
    slug="workshop-ge-2016",
    kind=Kind.IN_COUNTRY_WORKSHOP,
    starts_on=datetime.date(2016, 5, 10),
    days=2,
    **fields,
):
    fields = {
        "title": slug.replace("-", " ").title(),
        "city": "Tbilisi",
        "country": Country.objects.get(iso2="GE"),
        "status": Status.CONFIRMED,
        **fields,
    }
    return services.create_event(
        user=staff,
        slug=slug,
        kind=kind,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=days - 1),
        **fields,
    )


def open_form(event, **fields) -> RegistrationForm:
    return RegistrationFormFactory(event=event, **fields)  # staff approve each registration unless told


def person(n: int, *, country="GE", sex="female", **fields) -> dict:
    return {
        "first_name": f"Nino{n}",
        "last_name": f"Beridze{n}",
        "email": f"nino{n}@example.ge",
        "sex": sex,
        "country": Country.objects.get(iso2=country),
        **fields,
    }


@pytest.fixture
def event(staff):
    return make_event(staff)


@pytest.fixture
def form(event):
    return open_form(event, capacity=2)


# The API tests' fixtures (test_api.py, test_api_registrations.py).


def delete_with_what_protects_it(queryset) -> None:
    """Delete `queryset`, first deleting the rows of other apps that protect it (a T-CY meeting protects its event),
    without this app naming them."""
    while True:
        try:
            queryset.delete()
            return
        except ProtectedError as error:
            by_model: dict = {}
            for row in error.protected_objects:
                by_model.setdefault(type(row), []).append(row.pk)
            for model, pks in by_model.items():
                delete_with_what_protects_it(model._base_manager.filter(pk__in=pks))


@pytest.fixture
def no_reference_events(db):
    # The reference data brings the past Octopus conferences and T-CY plenaries; the API tests list exactly the
    # events they make.
    delete_with_what_protects_it(Event.objects.all())


@pytest.fixture
def headers(staff) -> dict:
    return bearer_for(staff)


@pytest.fixture
def session(staff, event) -> Session:
    """A session of the conftest's event, chaired by someone."""
    chair = create_person(user=staff, **person(9))
    start = timezone.make_aware(datetime.datetime.combine(event.starts_on, datetime.time(9)))
    return services.save_session(
        Session(
            event=event, title="Opening", starts_at=start, ends_at=start + datetime.timedelta(hours=1), room="Hall A"
        ),
        user=staff,
        people=[(chair, "chair")],
    )


@pytest.fixture
def approved(form) -> Registration:
    return services.register_person(form, person_fields=person(1), by_staff=True)
