"""People built through the services, as staff and registrations would build them."""

import pytest

from octopus.accounts.models import Role
from octopus.countries.models import Country
from octopus.people import services
from octopus.people.models import Organisation, Person
from octopus.testing.helpers import make_user


@pytest.fixture
def staff(db):
    return make_user(Role.PROGRAMME_STAFF)


def country(iso2: str) -> Country:
    return Country.objects.get(iso2=iso2)


def add_person(staff, first: str, last: str, *, iso2="GE", **fields) -> Person:
    return services.create_person(
        user=staff, first_name=first, last_name=last, country=country(iso2) if iso2 else None, **fields
    )


@pytest.fixture
def police(staff) -> Organisation:
    return services.create_organisation(name="Cybercrime Division", sector="police", country=country("GE"), user=staff)


@pytest.fixture
def nino(staff, police) -> Person:
    return add_person(staff, "Nino", "Beridze", email="Nino.Beridze@police.ge", sex="female", organisation=police)
