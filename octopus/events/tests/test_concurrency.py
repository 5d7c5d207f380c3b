"""Two staff acting on the same record at the same moment: the database decides, nothing is counted twice and no
update is lost. Each racer is a request of its own (a test client in its own thread, with its own database
connection), released together."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from octopus.accounts.models import AuditEntry, Role
from octopus.events import services
from octopus.events.models import Attendance, Registration, RegistrationState
from octopus.events.tests.conftest import make_event, open_form, person
from octopus.people.models import Organisation
from octopus.testing.helpers import load_reference_data, make_user

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


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_two_staff_approving_the_same_registration_act_once(staff_pair):
    form = open_form(make_event(staff_pair[0]))
    registration = services.register_person(form, person_fields=person(1))
    url = reverse("events:registration_transition", args=[form.event.slug, registration.pk])
    clients = [signed_in(user) for user in staff_pair]

    race(*[lambda c=c: c.post(url, {"to": "approved", "version": 1}) for c in clients])

    assert Registration.objects.get(pk=registration.pk).version == 2
    assert AuditEntry.objects.filter(action="events.registration.approved").count() == 1
    told = [
        str(m)
        for c in clients
        for m in c.get(reverse("events:registration", args=[form.event.slug, registration.pk])).context["messages"]
    ]
    assert sum("changed this record" in m for m in told) == 1  # the second is told, not silently overwritten


def test_checking_in_the_same_person_twice_at_once_counts_once(staff_pair):
    form = open_form(make_event(staff_pair[0], starts_on=timezone.localdate()))
    registration = services.register_person(form, person_fields=person(1), by_staff=True)
    url = reverse("events:event_checkin", args=[form.event.slug])
    data = {"registration": registration.pk, "day": timezone.localdate().isoformat(), "mode": "in_person"}

    clients = [signed_in(user) for user in staff_pair]
    responses = race(*[lambda c=c: c.post(url, data) for c in clients])

    assert [r.status_code for r in responses] == [302, 302]
    assert Attendance.objects.filter(registration=registration).count() == 1
    assert AuditEntry.objects.filter(action="events.attendance.checked_in").count() == 1


def test_concurrent_registrations_never_exceed_the_capacity():
    staff = make_user(Role.PROGRAMME_STAFF)
    form = open_form(make_event(staff, starts_on=timezone.localdate()), capacity=2, waiting_list=False)
    url = reverse("events:event_register", args=[form.event.slug, form.pk])

    def register(n):
        fields = person(n)
        data = {**fields, "country": "GE", "organisation_name": "Cyber Police of Georgia", "sector": "police"}
        return Client().post(url, data)

    responses = race(*[lambda n=n: register(n) for n in range(6)])

    assert sorted(r.status_code for r in responses) == [200, 200, 400, 400, 400, 400]
    assert Registration.objects.filter(form=form, state=RegistrationState.PENDING).count() == 2
    assert Organisation.objects.filter(name="Cyber Police of Georgia").count() == 1
