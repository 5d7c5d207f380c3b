"""Funded travel through the pages: marking a participant as funded, editing and reconciling, and the event's
committed and actual totals."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from octopus.accounts.models import Role
from octopus.events import services
from octopus.events.models import Travel, TravelStatus
from octopus.events.tests.conftest import make_event, open_form, person
from octopus.testing.helpers import VISITORS, make_user

ALLOWED = {Role.ADMINISTRATOR, Role.PROGRAMME_STAFF, Role.TCY_SECRETARIAT, Role.FINANCE_OFFICER}


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def funded_event(staff):
    """A workshop at 180.00 EUR DSA a night, with three people registered."""
    event = make_event(staff, slug="workshop-funded", dsa_rate=Decimal("180.00"))
    form = open_form(event)
    for n in (1, 2, 3):
        services.register_person(form, person_fields=person(n), by_staff=True)
    return event


def registrations(event):
    return list(event.registrations.order_by("pk"))


def totals(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-total="(\w+)">([^<]+)<', html))


def test_committed_and_actual_totals_are_exact(staff_client, staff, funded_event):
    first, second, third = registrations(funded_event)
    a = services.fund_travel(first, user=staff, ticket_cost=Decimal("412.37"), nights=3)
    b = services.fund_travel(second, user=staff, ticket_cost=Decimal("250.10"), nights=2, dsa_rate=Decimal("150.55"))
    c = services.fund_travel(third, user=staff, ticket_cost=Decimal("999.99"), nights=4)
    services.update_travel(
        a, version=a.version, user=staff, proof_received=True, actual_cost=Decimal("940.12"), status="reconciled"
    )
    services.update_travel(b, version=b.version, user=staff, advance_paid=Decimal("100.00"))
    services.update_travel(c, version=c.version, user=staff, status=TravelStatus.REFUSED)

    html = staff_client.get(reverse("events:event_travel", args=[funded_event.slug])).content.decode()

    # a: 412.37 + 3 × 180.00 = 952.37; b: 250.10 + 2 × 150.55 = 551.20; c is refused and left out.
    assert totals(html) == {
        "committed": "1,503.57 EUR",
        "advance": "100.00 EUR",
        "actual": "940.12 EUR",
        "difference": "-12.25 EUR",
    }
    assert "3 × 180.00 = 540.00" in html
    assert sorted(int(pk) for pk in re.findall(r'data-travel-row="(\d+)"', html)) == [a.pk, b.pk, c.pk]


def test_staff_fund_a_participant_at_the_event_rate(staff_client, funded_event):
    first, *_others = registrations(funded_event)

    response = staff_client.post(
        reverse("events:event_travel", args=[funded_event.slug]),
        {
            "registration": first.pk,
            "eligible": "on",
            "itinerary": "TBS–STR–TBS",
            "ticket_cost": "320.00",
            "nights": "2",
            "dsa_rate": "",
        },
    )

    travel = Travel.objects.get(registration=first)
    assert response.status_code == 302
    assert response.url == reverse("events:travel", args=[funded_event.slug, travel.pk])
    assert (travel.dsa_rate, travel.committed_cost, travel.status) == (
        Decimal("180.00"),
        Decimal("680.00"),
        "requested",
    )


def test_funding_needs_a_rate_when_the_event_has_none(staff_client, staff):
    event = make_event(staff, slug="workshop-no-rate")
    registration = services.register_person(open_form(event), person_fields=person(1), by_staff=True)

    response = staff_client.post(
        reverse("events:event_travel", args=[event.slug]),
        {"registration": registration.pk, "ticket_cost": "100", "nights": "1", "dsa_rate": ""},
    )

    assert response.status_code == 400
    assert "Set the event&#x27;s DSA rate first" in response.content.decode()
    assert not Travel.objects.exists()


def edit_data(travel, **changes) -> dict:
    data = {
        "status": travel.status,
        "eligible": "on",
        "requested_on": travel.requested_on.isoformat(),
        "itinerary": travel.itinerary,
        "ticket_reference": travel.ticket_reference,
        "ticket_cost": travel.ticket_cost,
        "nights": travel.nights,
        "dsa_rate": travel.dsa_rate,
        "advance_paid": travel.advance_paid,
        "actual_cost": "",
        "reconciled_on": "",
        "version": travel.version,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_reconciliation_without_proof_is_refused_and_keeps_what_was_typed(staff_client, staff, funded_event):
    first, *_others = registrations(funded_event)
    travel = services.fund_travel(first, user=staff, ticket_cost=Decimal("300.00"), nights=2)
    url = reverse("events:travel", args=[funded_event.slug, travel.pk])

    refused = staff_client.post(url, edit_data(travel, status="reconciled", actual_cost="655.40"))

    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Reconciliation needs the proof of travel and the actual cost." in html
    assert 'value="655.40"' in html
    assert Travel.objects.get(pk=travel.pk).status == "requested"

    done = staff_client.post(url, edit_data(travel, status="reconciled", actual_cost="655.40", proof_received="on"))

    assert done.status_code == 302
    saved = Travel.objects.get(pk=travel.pk)
    assert (saved.status, saved.actual_cost, saved.reconciled_on is not None) == ("reconciled", Decimal("655.40"), True)


def test_a_stale_travel_edit_is_refused(staff_client, staff, funded_event):
    first, *_others = registrations(funded_event)
    travel = services.fund_travel(first, user=staff, ticket_cost=Decimal("300.00"), nights=2)
    services.update_travel(travel, version=travel.version, user=staff, ticket_reference="ABC123")

    response = staff_client.post(
        reverse("events:travel", args=[funded_event.slug, travel.pk]), edit_data(travel, nights=5)
    )

    assert response.status_code == 400
    assert "Someone changed this record" in response.content.decode()
    assert Travel.objects.get(pk=travel.pk).nights == 2


def test_the_travel_list_downloads_as_csv(staff_client, staff, funded_event):
    first, *_others = registrations(funded_event)
    services.fund_travel(first, user=staff, ticket_cost=Decimal("412.37"), nights=3, itinerary="=HYPERLINK()")

    page = staff_client.get(reverse("events:event_travel", args=[funded_event.slug])).content.decode()
    link = reverse("events:event_export", args=[funded_event.slug, "travel", "csv"])
    assert f'href="{link}"' in page
    response = staff_client.get(link)

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Last name", "First name", "Country"]
    assert (rows[0][6], rows[0][12]) == ("Itinerary", "Committed (EUR)")
    assert rows[1][0] == "Beridze1" and rows[1][6] == "'=HYPERLINK()"
    assert rows[1][12] == "952.37"


@pytest.mark.parametrize("visitor", VISITORS)
def test_who_may_keep_funded_travel(client, staff, funded_event, visitor):
    first, second, _third = registrations(funded_event)
    travel = services.fund_travel(first, user=staff, ticket_cost=Decimal("100.00"), nights=1)
    user = staff if visitor == Role.PROGRAMME_STAFF else make_user(visitor)
    if user:
        client.force_login(user)

    pages = [
        client.get(reverse("events:event_travel", args=[funded_event.slug])),
        client.get(reverse("events:travel", args=[funded_event.slug, travel.pk])),
    ]
    posts = [
        client.post(
            reverse("events:event_travel", args=[funded_event.slug]),
            {"registration": second.pk, "ticket_cost": "1", "nights": "1"},
        ),
        client.post(reverse("events:travel", args=[funded_event.slug, travel.pk]), edit_data(travel, nights=7)),
    ]

    statuses = [r.status_code for r in pages + posts]
    if visitor in ALLOWED:
        assert statuses == [200, 200, 302, 302]
        return
    assert statuses == [302 if visitor == "anonymous" else 403] * 4
    assert list(Travel.objects.values_list("registration", "nights")) == [(first.pk, 1)]


def test_the_travel_list_runs_a_fixed_number_of_queries(staff_client, staff, funded_event):
    url = reverse("events:event_travel", args=[funded_event.slug])
    first, second, third = registrations(funded_event)
    services.fund_travel(first, user=staff, ticket_cost=Decimal("1.00"), nights=1)
    with CaptureQueriesContext(connection) as small:
        staff_client.get(url)
    services.fund_travel(second, user=staff, ticket_cost=Decimal("2.00"), nights=2)
    services.fund_travel(third, user=staff, ticket_cost=Decimal("3.00"), nights=3)
    with CaptureQueriesContext(connection) as large:
        staff_client.get(url)

    # Session and user (2), memberships (1), the event (1), travel (1), people without travel for the form (1),
    # the sample banner (1).
    assert len(small.captured_queries) == len(large.captured_queries) == 7
