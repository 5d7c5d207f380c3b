"""Days that have not happened yet: an event that has not begun is not "held", nobody is checked in for a day to
come, and no certificate of attendance is issued before the event's last day. Each through the page or the API a
user uses, and through the service; nothing is written when refused."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from octopus.accounts.models import AuditEntry
from octopus.events import services
from octopus.events.models import Attendance, Event, Status
from octopus.events.tests.api import NEW_EVENT, counts, post
from octopus.events.tests.conftest import make_event, open_form, person
from octopus.events.tests.test_pages_manage import event_data
from octopus.lib.errors import DomainError
from octopus.testing.helpers import assert_problem


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def next_week(staff):
    """A two-day workshop a week from now, confirmed."""
    return make_event(staff, slug="workshop-next-week", starts_on=timezone.localdate() + datetime.timedelta(days=7))


@pytest.fixture
def running(staff):
    """A two-day workshop that began today (its last day is tomorrow), with Nino1 registered and approved."""
    event = make_event(staff, slug="workshop-today", starts_on=timezone.localdate(), days=2)
    return services.register_person(open_form(event), person_fields=person(1), by_staff=True)


# --- an event that has not begun is not held ---------------------------------------------------------------------


def test_the_service_refuses_to_record_a_future_event_as_held(staff, next_week):
    before = counts()

    with pytest.raises(DomainError) as refused:
        services.update_event(next_week, version=1, user=staff, status=Status.HELD)
    with pytest.raises(DomainError):
        make_event(staff, slug="held-too-soon", starts_on=tomorrow(), status=Status.HELD)

    assert str(refused.value) == (
        f"Workshop Next Week starts on {next_week.starts_on}: it cannot be marked held before it has taken place."
    )
    assert counts() == before
    assert Event.objects.get(pk=next_week.pk).status == Status.CONFIRMED


def test_an_event_that_began_today_or_before_may_be_held(staff, running):
    event = services.update_event(running.event, version=1, user=staff, status=Status.HELD)

    assert event.status == Status.HELD


def test_the_edit_page_says_so_on_the_status_field_and_changes_nothing(staff_client, next_week):
    data = event_data(
        slug=next_week.slug,
        status=Status.HELD,
        starts_on=next_week.starts_on.isoformat(),
        ends_on=next_week.ends_on.isoformat(),
        version="1",
    )

    response = staff_client.post(reverse("events:event_edit", args=[next_week.slug]), data)

    assert response.status_code == 400
    assert response.context["form"].errors["status"] == [
        "An event that has not begun cannot be held: keep it planned or confirmed."
    ]
    next_week.refresh_from_db()
    assert (next_week.status, next_week.version) == (Status.CONFIRMED, 1)


def test_the_api_refuses_a_future_event_as_held_naming_the_status(client, staff, headers):
    body = {**NEW_EVENT, "status": "held", "starts_on": tomorrow().isoformat(), "ends_on": tomorrow().isoformat()}
    before = counts()

    response = post(client, "/api/v1/events", body, headers)

    assert assert_problem(response, 422)["errors"] == [
        {"field": "status", "message": "An event that has not begun cannot be held: keep it planned or confirmed."}
    ]
    assert counts() == before


# --- no check-in for a day to come -------------------------------------------------------------------------------


def test_the_service_refuses_a_check_in_for_tomorrow(staff, running):
    with pytest.raises(DomainError) as refused:
        services.check_in(running, day=tomorrow(), user=staff)

    assert str(refused.value) == f"{tomorrow()} has not come yet: attendance is recorded on the day or after it."
    assert not Attendance.objects.exists()


def test_the_check_in_page_refuses_tomorrow_and_writes_nothing(staff_client, running):
    url = reverse("events:event_checkin", args=[running.event.slug])
    audit = AuditEntry.objects.count()

    response = staff_client.post(
        url, {"registration": running.pk, "day": tomorrow().isoformat(), "mode": "in_person"}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        f"{tomorrow()} has not come yet: attendance is recorded on the day or after it."
    ]
    assert not Attendance.objects.exists()
    assert AuditEntry.objects.count() == audit


def test_the_api_refuses_a_check_in_for_tomorrow(client, running, headers):
    before = counts()

    response = post(
        client,
        f"/api/v1/events/{running.event.slug}/attendance",
        {"registration": running.pk, "day": tomorrow().isoformat()},
        headers,
    )

    assert assert_problem(response, 422)["detail"] == (
        f"{tomorrow()} has not come yet: attendance is recorded on the day or after it."
    )
    assert counts() == before


# --- no certificate before the last day --------------------------------------------------------------------------


def test_the_service_issues_no_certificate_before_the_last_day(staff, running):
    services.check_in(running, day=timezone.localdate(), user=staff)

    with pytest.raises(DomainError) as refused:
        services.issue_certificate(running, user=staff)

    assert str(refused.value) == (
        f"A certificate of attendance is issued from the last day of the event ({running.event.ends_on})."
    )
    running.refresh_from_db()
    assert running.certificate_code is None


def test_the_certificate_page_refuses_before_the_last_day(staff_client, staff, running):
    services.check_in(running, day=timezone.localdate(), user=staff)
    url = reverse("events:registration_certificate", args=[running.event.slug, running.pk])

    response = staff_client.get(url)

    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages] == [
        f"A certificate of attendance is issued from the last day of the event ({running.event.ends_on})."
    ]
    running.refresh_from_db()
    assert running.certificate_code is None
