"""Check-in at the event through the pages: the search box, the badge's QR code address, and the live counts."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from octopus.accounts.models import AuditEntry, Role
from octopus.events import services
from octopus.events.models import Attendance, Session
from octopus.events.tests.conftest import make_event, open_form, person
from octopus.people.models import Organisation
from octopus.testing.helpers import VISITORS, make_user, sign_in

CHECKIN_QUERIES = 13
STAFF = {Role.ADMINISTRATOR, Role.PROGRAMME_STAFF, Role.TCY_SECRETARIAT}


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def today_event(staff):
    """A two-day workshop that began today."""
    return make_event(staff, slug="workshop-today", starts_on=timezone.localdate(), days=2)


@pytest.fixture
def approved(staff, today_event):
    """Nino1 (approved, of the Prosecutor's Office of Georgia), Nino2 (approved, Armenia), Nino3 (pending)."""
    form = open_form(today_event)
    office = Organisation.objects.create(name="Prosecutor's Office of Georgia", sector="prosecution")
    first = services.register_person(form, person_fields=person(1, organisation=office), by_staff=True)
    second = services.register_person(form, person_fields=person(2, country="AM"), by_staff=True)
    services.register_person(form, person_fields=person(3))
    return first, second


def checkin_url(event, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("events:event_checkin", args=[event.slug]) + (f"?{query}" if query else "")


def shown_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_search_finds_approved_people_by_name_email_organisation_or_country(staff_client, today_event, approved):
    def found(q):
        html = staff_client.get(checkin_url(today_event, q=q)).content.decode()
        return sorted(int(pk) for pk in re.findall(r'data-registration="(\d+)"', html))

    first, second = approved

    assert found("nino1") == [first.pk]
    assert found("NINO2@example") == [second.pk]
    assert found("prosecutor") == [first.pk]
    assert found("Armenia") == [second.pk]
    assert found("beridze") == [first.pk, second.pk]  # Nino3 is pending: not listed


def test_checking_in_twice_through_the_page_counts_once(staff_client, staff, today_event, approved):
    first, _second = approved
    day = timezone.localdate().isoformat()
    data = {"registration": first.pk, "day": day, "mode": "in_person", "q": "nino1"}

    once = staff_client.post(checkin_url(today_event), data, follow=True)
    twice = staff_client.post(checkin_url(today_event), data, follow=True)

    assert shown_messages(once) == [f"Nino1 BERIDZE1 checked in ({timezone.localdate()}, in person)."]
    assert shown_messages(twice)[0].startswith("Nino1 BERIDZE1 was already checked in")
    assert Attendance.objects.filter(registration=first).count() == 1
    assert AuditEntry.objects.filter(action="events.attendance.checked_in").count() == 1
    html = twice.content.decode()
    assert "data-checked-in" in html
    assert re.search(r'data-count="people">(\d+)<', html).group(1) == "1"


def test_a_check_in_outside_the_event_days_is_refused_and_writes_nothing(staff_client, today_event, approved):
    first, _second = approved
    after = (today_event.ends_on + datetime.timedelta(days=1)).isoformat()

    response = staff_client.post(
        checkin_url(today_event), {"registration": first.pk, "day": after, "mode": "in_person"}, follow=True
    )

    assert shown_messages(response) == [
        f"{after} is not a day of Workshop Today ({today_event.starts_on} – {today_event.ends_on})."
    ]
    assert not Attendance.objects.exists()


def test_a_registration_not_approved_cannot_be_checked_in(staff_client, today_event, approved):
    pending = today_event.registrations.get(state="pending")

    response = staff_client.post(
        checkin_url(today_event),
        {"registration": pending.pk, "day": timezone.localdate().isoformat(), "mode": "online"},
        follow=True,
    )

    assert shown_messages(response) == ["Nino3 BERIDZE3 cannot be checked in: the registration is pending."]
    assert not Attendance.objects.exists()


def test_checking_in_at_a_session_counts_the_session_and_the_day(staff_client, today_event, approved):
    first, second = approved
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(10)))
    session = Session.objects.create(
        event=today_event, title="Electronic evidence", starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    day = timezone.localdate().isoformat()
    url = checkin_url(today_event)

    staff_client.post(url, {"registration": first.pk, "day": day, "session": session.pk, "mode": "in_person"})
    staff_client.post(url, {"registration": second.pk, "day": day, "mode": "online"})
    counts = staff_client.get(reverse("events:event_checkin_counts", args=[today_event.slug]) + f"?day={day}").json()

    assert counts == {"day": day, "people": 2, "in_person": 1, "online": 1, "sessions": {str(session.pk): 1}}
    assert list(Attendance.objects.order_by("pk").values_list("session", "mode")) == [
        (session.pk, "in_person"),
        (None, "online"),
    ]


def test_the_badge_address_checks_the_person_in_for_today(staff_client, today_event, approved):
    first, _second = approved
    url = reverse("events:checkin_badge", args=[first.badge_key])

    page = staff_client.get(url)
    done = staff_client.post(url, {"session": "", "mode": "in_person"}, follow=True)
    again = staff_client.post(url, {"session": "", "mode": "in_person"}, follow=True)

    assert page.status_code == 200
    assert re.search(r"data-person>(.*?)<", page.content.decode()).group(1) == "Nino1 BERIDZE1"
    assert "data-checked-in" not in page.content.decode()
    assert shown_messages(done) == [f"Nino1 BERIDZE1 checked in ({timezone.localdate()}, in person)."]
    assert "data-checked-in" in done.content.decode()
    assert shown_messages(again)[0].startswith("Nino1 BERIDZE1 was already checked in")
    assert list(Attendance.objects.values_list("registration", "day")) == [(first.pk, timezone.localdate())]


def test_a_badge_scanned_on_a_day_without_the_event_is_refused(staff_client, staff):
    past = make_event(staff, slug="workshop-past", starts_on=datetime.date(2016, 5, 10))
    registration = services.register_person(open_form(past), person_fields=person(1), by_staff=True)
    url = reverse("events:checkin_badge", args=[registration.badge_key])

    assert "data-refusal" in staff_client.get(url).content.decode()
    response = staff_client.post(url, {"session": "", "mode": "in_person"}, follow=True)

    assert shown_messages(response)[0].startswith(f"{timezone.localdate()} is not a day of Workshop Past")
    assert not Attendance.objects.exists()


def test_an_unknown_badge_is_not_found(staff_client):
    assert staff_client.get(reverse("events:checkin_badge", args=["no-such-badge"])).status_code == 404


@pytest.mark.parametrize("visitor", VISITORS)
def test_only_staff_check_people_in(client, staff, today_event, approved, visitor):
    first, _second = approved
    user = staff if visitor == Role.PROGRAMME_STAFF else make_user(visitor)
    if user:
        client.force_login(user)
    day = timezone.localdate().isoformat()

    pages = [
        client.get(checkin_url(today_event, q="nino")),
        client.get(reverse("events:event_checkin_counts", args=[today_event.slug])),
        client.get(reverse("events:checkin_badge", args=[first.badge_key])),
    ]
    posts = [
        client.post(checkin_url(today_event), {"registration": first.pk, "day": day, "mode": "in_person"}),
        client.post(reverse("events:checkin_badge", args=[first.badge_key]), {"session": "", "mode": "in_person"}),
    ]

    if visitor in STAFF:
        assert [r.status_code for r in pages + posts] == [200, 200, 200, 302, 302]
        assert Attendance.objects.count() == 1
        return
    refused = 302 if visitor == "anonymous" else 403
    assert [r.status_code for r in pages + posts] == [refused] * 5
    if visitor == "anonymous":
        assert all(r.url.startswith("/accounts/login/") for r in pages + posts)
    assert not Attendance.objects.exists()


def test_the_check_in_search_runs_a_fixed_number_of_queries(staff_client, staff, today_event, approved):
    url = checkin_url(today_event, q="beridze")
    with CaptureQueriesContext(connection) as small:
        staff_client.get(url)
    form = today_event.forms.get()
    for n in range(4, 10):
        registration = services.register_person(form, person_fields=person(n), by_staff=True)
        services.check_in(registration, day=timezone.localdate(), user=staff)
    with CaptureQueriesContext(connection) as large:
        staff_client.get(url)

    # Session and user (2), memberships (1), the event (1), the people found and who of them is checked in (2),
    # the counts (3), today's sessions (1), the approved (1), the sessions to choose from (1), the sample banner (1).
    assert len(small.captured_queries) == len(large.captured_queries) == CHECKIN_QUERIES


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_check_people_in_in_a_browser_by_search_and_by_badge(page, live_server):
    staff = make_user(Role.PROGRAMME_STAFF)
    event = make_event(staff, slug="workshop-browser", starts_on=timezone.localdate(), days=1)
    form = open_form(event)
    first = services.register_person(form, person_fields=person(1), by_staff=True)
    second = services.register_person(form, person_fields=person(2), by_staff=True)
    sign_in(page, live_server, staff)

    page.goto(reverse("events:event_checkin", args=[event.slug]))
    page.locator("[data-checkin-search]").fill("nino1")
    page.get_by_role("button", name="Search").click()
    page.locator(f'[data-registration="{first.pk}"]').get_by_role("button", name="Check in").click()
    page.wait_for_selector(f'[data-registration="{first.pk}"] [data-checked-in]')
    assert page.locator('[data-count="people"]').inner_text() == "1"

    page.set_viewport_size({"width": 390, "height": 844})  # the phone that scanned the badge
    page.goto(reverse("events:checkin_badge", args=[second.badge_key]))
    page.get_by_role("button", name="Check in for").click()
    page.wait_for_selector("[data-checked-in]")

    assert sorted(Attendance.objects.values_list("registration", flat=True)) == [first.pk, second.pk]
    assert page.outside_requests == []
    assert page.problems == []
