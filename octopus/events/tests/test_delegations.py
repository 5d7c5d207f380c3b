"""Delegations through the pages: staff invite a State, its focal points nominate through the secret link, staff
record credentials; contributions to others' events record our role and estimates."""

import datetime
import re
from html import unescape

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from octopus.accounts.models import AuditEntry, Role
from octopus.countries.models import Country
from octopus.events import services
from octopus.events.models import Delegation, Deployment, Event, Kind, Registration, RegistrationState
from octopus.events.tests.conftest import make_event, open_form
from octopus.people.models import Person
from octopus.people.services import create_person
from octopus.testing.factories import UserFactory
from octopus.testing.helpers import VISITORS, make_user

ALLOWED_TO_READ = {Role.ADMINISTRATOR, Role.PROGRAMME_STAFF, Role.TCY_SECRETARIAT, Role.FINANCE_OFFICER}
# Session and user (2), memberships (1), the event (1), delegations and their members (2), the countries of the
# invitation form (1), the sample banner (1): the same for any number of delegations.
DELEGATIONS_QUERIES = 8
ALLOWED_TO_MANAGE = {Role.ADMINISTRATOR, Role.PROGRAMME_STAFF, Role.TCY_SECRETARIAT}


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def public():
    """A visitor with no session, beside the staff member's browser."""
    return Client()


def sign_in_as(client, visitor: str, staff):
    """Sign `client` in as `visitor` (the staff fixture is the programme staff member); anonymous stays out."""
    user = staff if visitor == Role.PROGRAMME_STAFF else make_user(visitor)
    if user:
        client.force_login(user)


@pytest.fixture
def plenary(staff):
    """A T-CY plenary a month ahead, open for nominations."""
    event = make_event(
        staff, slug="tcy-plenary-next", kind=Kind.TCY_PLENARY, starts_on=timezone.localdate() + datetime.timedelta(30)
    )
    open_form(event)
    return event


def armenia():
    return Country.objects.get(iso2="AM")


def focal_point(email: str, iso2: str):
    return UserFactory(email=email, role=Role.FOCAL_POINT, country_code=iso2)


def issued_link(html: str) -> str:
    return unescape(re.search(r'value="([^"]+)" data-link', html).group(1))


def invite(client, event, iso2="AM", category="member", **extra):
    country = Country.objects.get(iso2=iso2)
    data = {"country": country.pk, "category": category, "nominating_authority": "", **extra}
    return client.post(reverse("events:event_delegations", args=[event.slug]), data)


def nominee(n: int, **fields) -> dict:
    return {
        "title": "Ms",
        "first_name": f"Anna{n}",
        "last_name": f"Hakobyan{n}",
        "sex": "female",
        "email": f"anna{n}@example.am",
        "position": "Prosecutor",
        "nominating_authority": "",
        **fields,
    }


def test_a_focal_point_nominates_the_delegation_through_the_link(
    public, staff_client, plenary, django_capture_on_commit_callbacks
):
    focal_point("fp-am@example.org", "AM")
    focal_point("deputy-am@example.org", "AM")
    retired = focal_point("retired-am@example.org", "AM")
    retired.is_active = False
    retired.save()
    focal_point("fp-ge@example.org", "GE")

    with django_capture_on_commit_callbacks(execute=True):
        response = invite(staff_client, plenary)

    html = response.content.decode()
    link = issued_link(html)
    assert response.status_code == 200
    assert link.startswith("http://testserver/nominate/")
    assert "shown only this once" in html
    recipients = re.search(r"data-recipients>(.*?)</ul>", html, re.S).group(1)
    assert re.findall(r"<li>([^<]+)</li>", recipients) == ["deputy-am@example.org", "fp-am@example.org"]
    assert [m.to for m in mail.outbox] == [["deputy-am@example.org"], ["fp-am@example.org"]]
    assert all(link in m.body for m in mail.outbox)
    # Shown once: the list page read again does not hold the link.
    assert link not in staff_client.get(reverse("events:event_delegations", args=[plenary.slug])).content.decode()

    path = link.removeprefix("http://testserver")
    page = public.get(path)
    assert page.status_code == 200
    assert "Delegation of Armenia" in page.content.decode()

    head = public.post(path, nominee(1, head="on", nominating_authority="Ministry of Justice"))
    member = public.post(path, nominee(2))

    assert (head.status_code, member.status_code) == (302, 302)
    delegation = Delegation.objects.get(event=plenary, country=armenia())
    members = list(delegation.members.order_by("pk").values_list("person__email", "state", "is_head_of_delegation"))
    assert members == [
        ("anna1@example.am", RegistrationState.PENDING, True),
        ("anna2@example.am", RegistrationState.PENDING, False),
    ]
    assert delegation.nominating_authority == "Ministry of Justice"
    assert Person.objects.get(email="anna2@example.am").country == armenia()
    shown = public.get(path).content.decode()
    assert "Anna1 HAKOBYAN1" in shown and "Anna2 HAKOBYAN2" in shown


def test_a_nomination_that_is_refused_keeps_what_was_typed(client, staff, plenary):
    _delegation, token = services.issue_nomination_link(plenary, country=armenia(), user=staff)
    path = reverse("events:nominate", args=[token])
    client.post(path, nominee(1))

    response = client.post(path, nominee(1, position="Judge"))

    assert response.status_code == 400
    html = response.content.decode()
    assert "already registered for this event" in html
    assert 'value="Judge"' in html
    assert Registration.objects.filter(event=plenary).count() == 1


def test_a_tampered_or_replaced_link_is_refused_and_creates_nothing(client, staff, plenary):
    _delegation, old = services.issue_nomination_link(plenary, country=armenia(), user=staff)
    _delegation, new = services.issue_nomination_link(plenary, country=armenia(), user=staff)
    tampered = new[:-1] + ("A" if new[-1] != "A" else "B")
    people, registrations = Person.objects.count(), Registration.objects.count()

    for token in (tampered, old):
        path = reverse("events:nominate", args=[token])
        page = client.get(path)
        post = client.post(path, nominee(1, head="on"))

        assert (page.status_code, post.status_code) == (404, 404)
        assert "This nomination link is not valid" in post.content.decode()

    assert (Person.objects.count(), Registration.objects.count()) == (people, registrations)
    assert client.get(reverse("events:nominate", args=[new])).status_code == 200


def test_a_link_for_a_past_event_says_nominations_are_closed(client, staff):
    past = make_event(staff, slug="plenary-past", starts_on=datetime.date.today())
    _delegation, token = services.issue_nomination_link(past, country=armenia(), user=staff)
    Event.objects.filter(pk=past.pk).update(starts_on="2016-05-10", ends_on="2016-05-11")  # time passes

    response = client.post(reverse("events:nominate", args=[token]), nominee(1))

    assert response.status_code == 410
    assert "Nominations for Plenary Past are closed." in response.content.decode()
    assert not Registration.objects.filter(event=past).exists()


def test_staff_record_and_verify_credentials_and_a_stale_form_is_refused(staff_client, staff, plenary):
    delegation, _token = services.issue_nomination_link(plenary, country=armenia(), user=staff)
    path = reverse("events:delegation", args=[plenary.slug, delegation.pk])
    read_version = delegation.version

    unverifiable = staff_client.post(
        path, {"action": "credentials", "received_on": "", "verified": "on", "version": read_version}
    )
    received = staff_client.post(
        path, {"action": "credentials", "received_on": "2026-12-01", "verified": "on", "version": read_version}
    )
    stale = staff_client.post(path, {"action": "credentials", "received_on": "", "version": read_version})

    assert unverifiable.status_code == 400
    assert "only once they are received" in unverifiable.content.decode()
    assert received.status_code == 302
    assert stale.status_code == 400
    assert "Someone changed this record" in stale.content.decode()
    delegation.refresh_from_db()
    assert delegation.credentials_received_on == datetime.date(2026, 12, 1)
    assert delegation.credentials_verified_by == staff
    assert delegation.credentials_status == "verified"
    listing = staff_client.get(reverse("events:event_delegations", args=[plenary.slug])).content.decode()
    assert re.search(r'data-delegation="AM">.*?data-credentials>(\w+)<', listing, re.S).group(1) == "verified"


def test_staff_approve_a_nominated_member_from_the_delegation_page(staff_client, staff, plenary):
    delegation, _token = services.issue_nomination_link(plenary, country=armenia(), user=staff)
    fields = {k: v for k, v in nominee(1).items() if k != "nominating_authority"}
    member = services.nominate_delegate(delegation, person_fields=fields)
    path = reverse("events:delegation", args=[plenary.slug, delegation.pk])

    staff_client.post(path, {"action": "decide", "registration": member.pk, "to": "approved", "version": 1})
    again = staff_client.post(path, {"action": "decide", "registration": member.pk, "to": "declined", "version": 1})

    assert Registration.objects.get(pk=member.pk).state == RegistrationState.APPROVED
    assert "changed this record" in staff_client.get(again.url).content.decode()


def test_reissuing_a_link_replaces_the_old_one_and_keeps_the_delegation(staff_client, plenary):
    first = issued_link(invite(staff_client, plenary).content.decode())
    second = issued_link(invite(staff_client, plenary, category="observer").content.decode())

    assert first != second
    assert Delegation.objects.filter(event=plenary).count() == 1
    assert Delegation.objects.get(event=plenary).category == "observer"
    assert AuditEntry.objects.filter(action="events.delegation.link_issued").count() == 2


def test_no_focal_point_means_staff_are_told_to_send_the_link(
    staff_client, plenary, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(staff_client, plenary, iso2="FR")

    assert "data-no-recipients" in response.content.decode()
    assert mail.outbox == []


# --- contributions --------------------------------------------------------------------------------------------


@pytest.fixture
def contribution(staff):
    return make_event(
        staff, slug="interpol-cyber-2016", kind=Kind.CONTRIBUTION, organiser="INTERPOL", title="INTERPOL Cyber 2016"
    )


def test_a_contribution_records_our_role_who_went_and_estimates(staff_client, staff, contribution):
    expert = create_person(user=staff, first_name="Marc", last_name="Dupont", email="marc@example.org")
    trainer = create_person(user=staff, first_name="Ana", last_name="Silva", email="ana@example.org")
    path = reverse("events:event_contribution", args=[contribution.slug])
    countries = Country.objects.filter(iso2__in=["GE", "AM", "MD"])
    data = {
        "our_role": "speaker",
        "audience_estimate": "250",
        "countries_reached": [c.pk for c in countries],
        "version": contribution.version,
        "deployed-TOTAL_FORMS": "3",
        "deployed-INITIAL_FORMS": "0",
        "deployed-0-email": "MARC@example.org",
        "deployed-0-role": "speaker",
        "deployed-1-email": "ana@example.org",
        "deployed-1-role": "trainer",
        "deployed-2-email": "",
        "deployed-2-role": "",
    }

    response = staff_client.post(path, data)

    assert response.status_code == 302
    event = Event.objects.get(pk=contribution.pk)
    assert (event.our_role, event.audience_estimate) == ("speaker", 250)
    assert sorted(event.countries_reached.values_list("iso2", flat=True)) == ["AM", "GE", "MD"]
    assert sorted(Deployment.objects.filter(event=event).values_list("person_id", "role")) == sorted(
        [(expert.pk, "speaker"), (trainer.pk, "trainer")]
    )
    html = staff_client.get(path).content.decode()
    assert "are estimates" in html
    assert re.search(r"data-audience>(.*?)</dd>", html).group(1) == "~250 (estimate)"


def test_a_contribution_names_only_people_in_the_registry(staff_client, contribution):
    data = {
        "our_role": "trainer",
        "audience_estimate": "40",
        "version": contribution.version,
        "deployed-TOTAL_FORMS": "1",
        "deployed-INITIAL_FORMS": "0",
        "deployed-0-email": "nobody@example.org",
        "deployed-0-role": "trainer",
    }

    response = staff_client.post(reverse("events:event_contribution", args=[contribution.slug]), data)

    assert response.status_code == 400
    assert "No one with this e-mail" in response.content.decode()
    assert Event.objects.get(pk=contribution.pk).audience_estimate is None


def test_the_contribution_page_exists_only_for_contributions(staff_client, event):
    assert staff_client.get(reverse("events:event_contribution", args=[event.slug])).status_code == 404


# --- who may use the pages ------------------------------------------------------------------------------------


def expected(visitor: str, allowed: set) -> int:
    if visitor == "anonymous":
        return 302
    return 200 if visitor in {role.value for role in allowed} else 403


@pytest.mark.parametrize("visitor", VISITORS)
def test_who_may_read_the_delegation_and_contribution_pages(client, staff, plenary, contribution, visitor):
    delegation, _token = services.issue_nomination_link(plenary, country=armenia(), user=staff)
    sign_in_as(client, visitor, staff)

    for path in (
        reverse("events:event_delegations", args=[plenary.slug]),
        reverse("events:delegation", args=[plenary.slug, delegation.pk]),
        reverse("events:event_contribution", args=[contribution.slug]),
    ):
        response = client.get(path)
        assert response.status_code == expected(visitor, ALLOWED_TO_READ), path
        if visitor == "anonymous":
            assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("visitor", VISITORS)
def test_who_may_invite_record_credentials_and_contributions(client, staff, plenary, contribution, visitor):
    delegation, _token = services.issue_nomination_link(plenary, country=armenia(), user=staff)
    digest = delegation.token_digest
    sign_in_as(client, visitor, staff)

    invited = invite(client, plenary, iso2="GE")
    credentials = client.post(
        reverse("events:delegation", args=[plenary.slug, delegation.pk]),
        {"action": "credentials", "received_on": "2026-12-01", "version": delegation.version},
    )
    contributed = client.post(
        reverse("events:event_contribution", args=[contribution.slug]),
        {
            "our_role": "speaker",
            "audience_estimate": "9",
            "version": contribution.version,
            "deployed-TOTAL_FORMS": "0",
            "deployed-INITIAL_FORMS": "0",
        },
    )

    statuses = (invited.status_code, credentials.status_code, contributed.status_code)
    if visitor in ALLOWED_TO_MANAGE:
        assert statuses == (200, 302, 302)
        return
    assert statuses == ((302,) * 3 if visitor == "anonymous" else (403,) * 3)
    assert list(Delegation.objects.filter(event=plenary).values_list("country__iso2", "token_digest")) == [
        ("AM", digest)
    ]
    assert Delegation.objects.get(pk=delegation.pk).credentials_received_on is None
    assert Event.objects.get(pk=contribution.pk).audience_estimate is None


@pytest.mark.parametrize("visitor", VISITORS)
def test_the_nomination_page_is_open_to_whoever_holds_the_link(client, staff, plenary, visitor):
    _delegation, token = services.issue_nomination_link(plenary, country=armenia(), user=staff)
    sign_in_as(client, visitor, staff)

    assert client.get(reverse("events:nominate", args=[token])).status_code == 200
    assert client.get(reverse("events:nominate", args=["not-the-link"])).status_code == 404


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_delegations_list_runs_a_fixed_number_of_queries(staff_client, staff, plenary):
    url = reverse("events:event_delegations", args=[plenary.slug])

    def nominate(iso2, count):
        delegation, _token = services.issue_nomination_link(plenary, country=Country.objects.get(iso2=iso2), user=staff)
        for n in range(count):
            fields = {k: v for k, v in nominee(n).items() if k != "nominating_authority"}
            services.nominate_delegate(
                delegation, person_fields={**fields, "email": f"{iso2}{n}@example.org"}, head=n == 0
            )

    nominate("AM", 1)
    small = queries_for(staff_client, url)
    for iso2 in ("GE", "MD", "UA"):
        nominate(iso2, 3)
    large = queries_for(staff_client, url)

    assert small == large == DELEGATIONS_QUERIES


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_focal_point_nominates_in_a_browser(page, live_server):
    staff = make_user(Role.PROGRAMME_STAFF)
    event = make_event(staff, slug="plenary-browser", starts_on=timezone.localdate() + datetime.timedelta(30))
    _delegation, token = services.issue_nomination_link(event, country=armenia(), user=staff)

    page.goto(reverse("events:nominate", args=[token]))
    page.get_by_label("Last name").fill("Hakobyan")
    page.get_by_label("First name").fill("Anna")
    page.get_by_label("E-mail").fill("anna@example.am")
    page.get_by_label("Head of delegation").check()
    page.get_by_role("button", name="Nominate").click()
    page.wait_for_selector("[data-members]")

    assert "Anna HAKOBYAN" in page.locator("[data-members]").inner_text()
    assert list(Registration.objects.values_list("person__email", "is_head_of_delegation", "state")) == [
        ("anna@example.am", True, "pending")
    ]
    assert page.outside_requests == []
    assert page.problems == []
