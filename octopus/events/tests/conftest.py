"""Events built through the services, as staff would build them."""

import datetime

import pytest

from octopus.accounts.models import Role
from octopus.conftest import make_user
from octopus.countries.models import Country
from octopus.events import services
from octopus.events.models import Kind, RegistrationForm, Status


@pytest.fixture
def staff(db):
    return make_user(Role.PROGRAMME_STAFF)


def make_event(staff, *, slug="workshop-ge-2016", kind=Kind.IN_COUNTRY_WORKSHOP, starts_on=datetime.date(2016, 5, 10),
               days=2, **fields):  # fmt: skip
    fields = {"title": slug.replace("-", " ").title(), "city": "Tbilisi", "country": Country.objects.get(iso2="GE"),
              "status": Status.CONFIRMED, **fields}  # fmt: skip
    return services.create_event(
        user=staff, slug=slug, kind=kind, starts_on=starts_on, ends_on=starts_on + datetime.timedelta(days=days - 1),
        **fields,
    )  # fmt: skip


def open_form(event, **fields) -> RegistrationForm:
    fields = {"title": "Participants", "is_open": True, "requires_approval": True, **fields}
    return RegistrationForm.objects.create(event=event, **fields)


def person(n: int, *, country="GE", sex="female", **fields) -> dict:
    return {"first_name": f"Nino{n}", "last_name": f"Beridze{n}", "email": f"nino{n}@example.ge", "sex": sex,
            "country": Country.objects.get(iso2=country), **fields}  # fmt: skip


@pytest.fixture
def event(staff):
    return make_event(staff)


@pytest.fixture
def form(event):
    return open_form(event, capacity=2)
