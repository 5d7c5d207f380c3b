import datetime

import pytest
from django.core import mail

from octopus.accounts.models import AuditEntry
from octopus.events import services
from octopus.events.models import Attendance, Event, Registration, RegistrationState
from octopus.events.tests.conftest import make_event, person
from octopus.lib.errors import ConflictError, DomainError


def test_an_event_cannot_end_before_it_starts(staff):
    with pytest.raises(DomainError, match="before the first day"):
        make_event(staff, days=0)

    assert not Event.objects.filter(slug="workshop-ge-2016").exists()


def test_registration_waits_when_full_and_moves_through_its_states(staff, form, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.register_person(form, person_fields=person(1))
        second = services.register_person(form, person_fields=person(2))
        third = services.register_person(form, person_fields=person(3))

    assert [r.state for r in (first, second, third)] == ["pending", "pending", "waiting"]
    assert [m.to for m in mail.outbox] == [["nino1@example.ge"], ["nino2@example.ge"], ["nino3@example.ge"]]

    services.transition_registration(first, to="declined", user=staff)
    promoted = services.transition_registration(third, to="approved", user=staff)

    assert promoted.state == "approved"
    assert AuditEntry.objects.filter(action="events.registration.approved", object_id=str(third.pk)).count() == 1


def test_a_full_form_without_waiting_list_refuses(staff, form):
    form.waiting_list = False
    form.save()
    services.register_person(form, person_fields=person(1))
    services.register_person(form, person_fields=person(2))

    with pytest.raises(DomainError, match="full"):
        services.register_person(form, person_fields=person(3))

    assert Registration.objects.filter(event=form.event).count() == 2


def test_a_stale_decision_is_refused(staff, form):
    registration = services.register_person(form, person_fields=person(1))
    services.transition_registration(registration, to="approved", user=staff, version=registration.version)

    with pytest.raises(ConflictError):
        services.transition_registration(registration, to="declined", user=staff, version=registration.version)

    assert Registration.objects.get(pk=registration.pk).state == RegistrationState.APPROVED


def test_check_in_counts_once_and_only_on_event_days(staff, form):
    registration = services.register_person(form, person_fields=person(1), by_staff=True)

    first, created = services.check_in(registration, day=datetime.date(2016, 5, 10), user=staff)
    again, created_again = services.check_in(registration, day=datetime.date(2016, 5, 10), user=staff)
    with pytest.raises(DomainError, match="not a day of"):
        services.check_in(registration, day=datetime.date(2016, 5, 12), user=staff)

    assert (created, created_again, first.pk == again.pk) == (True, False, True)
    assert Attendance.objects.filter(registration=registration).count() == 1


def test_a_nomination_link_opens_its_delegation_only(staff):
    from octopus.countries.models import Country

    event = make_event(staff, slug="plenary-next", starts_on=datetime.date.today() + datetime.timedelta(days=30))
    delegation, token = services.issue_nomination_link(event, country=Country.objects.get(iso2="AM"), user=staff)

    assert services.delegation_for_token(token) == delegation
    with pytest.raises(DomainError, match="not valid"):
        services.delegation_for_token(token[:-1] + ("A" if token[-1] != "A" else "B"))
