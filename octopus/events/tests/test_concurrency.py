"""Two staff acting on the same record at the same moment: the database decides, nothing is counted twice and no
update is lost. Each racer runs in its own thread with its own database connection, released together."""

import datetime
import threading

import pytest
from django.db import connection

from octopus.accounts.models import AuditEntry, Role
from octopus.accounts.services import DomainError
from octopus.conftest import load_reference_data, make_user
from octopus.events import services
from octopus.events.models import Attendance, Registration, RegistrationState
from octopus.events.tests.conftest import make_event, open_form, person

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite locks whole tables; races need row locks"),
]


@pytest.fixture(autouse=True)
def reference_data():
    # Transactional tests start from an empty database.
    load_reference_data()


def race(*calls):
    """Run the calls at once; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 — the outcome under test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def staff_pair():
    return make_user(Role.PROGRAMME_STAFF), make_user(Role.TCY_SECRETARIAT)


def test_two_staff_approving_the_same_registration_act_once(staff_pair):
    first, second = staff_pair
    form = open_form(make_event(first))
    registration = services.register_person(form, person_fields=person(1))

    outcomes = race(
        lambda: services.transition_registration(registration, to="approved", user=first, version=1),
        lambda: services.transition_registration(registration, to="approved", user=second, version=1),
    )

    assert sorted(type(o).__name__ for o in outcomes) == ["ConflictError", "Registration"]
    assert Registration.objects.get(pk=registration.pk).version == 2
    assert AuditEntry.objects.filter(action="events.registration.approved").count() == 1


def test_checking_in_the_same_person_twice_at_once_counts_once(staff_pair):
    first, second = staff_pair
    form = open_form(make_event(first))
    registration = services.register_person(form, person_fields=person(1), by_staff=True)
    day = datetime.date(2016, 5, 10)

    outcomes = race(
        lambda: services.check_in(registration, day=day, user=first),
        lambda: services.check_in(registration, day=day, user=second),
    )

    assert sorted(created for _attendance, created in outcomes) == [False, True]
    assert outcomes[0][0].pk == outcomes[1][0].pk
    assert Attendance.objects.filter(registration=registration).count() == 1


def test_concurrent_registrations_never_exceed_the_capacity(staff_pair):
    form = open_form(make_event(staff_pair[0]), capacity=2, waiting_list=False)

    outcomes = race(*[lambda n=n: services.register_person(form, person_fields=person(n)) for n in range(6)])

    assert sum(isinstance(o, Registration) for o in outcomes) == 2
    assert all(isinstance(o, DomainError) and "full" in str(o) for o in outcomes if not isinstance(o, Registration))
    assert Registration.objects.filter(form=form, state=RegistrationState.PENDING).count() == 2
