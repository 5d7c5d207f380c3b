"""Every link on an event's workspace pages leads somewhere: staff follow them all from the overview and none
answers 404 or 500."""

import datetime
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import resolve
from django.utils import timezone

from octopus.events import services
from octopus.events.models import RegistrationState, Session, SessionKind
from octopus.events.tests.conftest import make_event, open_form, person

pytestmark = pytest.mark.django_db


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href and not href.startswith(("#", "mailto:", "tel:")):
            self.hrefs.append(href)


def links_on(path: str, html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        url = urlsplit(urljoin("http://testserver" + path, href))
        if url.hostname == "testserver":  # the site's own pages; external sites are not ours to check
            found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def build_event(staff):
    """An event with something on every page: a form, registrations in several states, a session, a delegation
    with a member, funded travel, an attendance and a certificate."""
    # Began yesterday and ends today: people check in today, and certificates may be issued.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    event = make_event(staff, slug="links-plenary", starts_on=yesterday, dsa_rate=150)
    form = open_form(event, title="Participants")
    registrations = [services.register_person(form, person_fields=person(n), user=staff) for n in range(3)]
    approved = services.transition_registration(
        registrations[0], to=RegistrationState.APPROVED, version=registrations[0].version, user=staff
    )
    services.transition_registration(
        registrations[1], to=RegistrationState.DECLINED, version=registrations[1].version, user=staff
    )
    start = timezone.make_aware(datetime.datetime.combine(event.starts_on, datetime.time(9)))
    session = Session(
        event=event,
        title="Opening",
        kind=SessionKind.PLENARY,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        room="Room 1",
    )
    services.save_session(session, user=staff, people=[(approved.person, "chair")])
    services.check_in(approved, day=event.starts_on, user=staff)
    services.issue_certificate(approved, user=staff)
    services.fund_travel(approved, user=staff, ticket_cost=400, nights=2)
    delegation, _token = services.issue_nomination_link(event, country=approved.country, user=staff)
    services.nominate_delegate(delegation, person_fields={"first_name": "Giorgi", "last_name": "Nominee"})
    return event


def test_every_link_on_an_events_workspace_pages_answers(client, staff):
    event = build_event(staff)
    client.force_login(staff)
    # Pages of this event are followed further; any other page of the site they link to is only checked.
    inside = (f"/workspace/events/{event.slug}/", f"/events/{event.slug}/")
    start = f"/workspace/events/{event.slug}/"
    queue, seen, statuses, linked_from = [start], {start}, {}, {start: "(start)"}
    while queue:
        path = queue.pop(0)
        response = client.get(path)
        statuses[path] = response.status_code
        if response.status_code != 200 or not path.startswith(inside):
            continue
        if not response["Content-Type"].startswith("text/html"):
            continue
        for link in links_on(path, response.content.decode()):
            if link not in seen:
                seen.add(link)
                linked_from[link] = path
                queue.append(link)

    broken = {path: (status, linked_from[path]) for path, status in statuses.items() if status not in (200, 302)}
    assert broken == {}
    # The crawl reached every area of the event, so the check above covers them.
    reached = {resolve(urlsplit(path).path).view_name for path in statuses}
    assert {
        "events:event",
        "events:event_edit",
        "events:event_clone",
        "events:event_sessions",
        "events:event_session_edit",
        "events:event_forms",
        "events:event_form_edit",
        "events:event_registrations",
        "events:registration",
        "events:registration_add",
        "events:event_delegations",
        "events:delegation",
        "events:event_checkin",
        "events:event_travel",
        "events:travel",
        "events:event_badges",
        "events:event_participants_pdf",
        "events:event_export",
        "events:event_import",
        "events:event_public",
        "events:event_register",
        "events:event_participants_public",
        "events:events",
    } <= reached
