"""A donor's own page: its contributions in their currency and EUR, what they financed (a logframe box with its
indicators' values, an event, a country), its reporting calendar with the overdue highlighted, and that calendar
as iCal — never another donor's amounts, in the page or the feed. Staff preview any donor's page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from icalendar import Calendar

from octopus.accounts.models import Role
from octopus.countries.models import Country
from octopus.events import services as event_services
from octopus.events.models import Kind, Status
from octopus.funding.services import contributions as services
from octopus.funding.services import rates as rate_services
from octopus.results.models import Programme, ResultNode
from octopus.results.services import assign_programmes
from octopus.testing.factories import UserFactory
from octopus.testing.helpers import assert_page_refused, make_user

D = datetime.date
PAGE = "/workspace/funding/my-contributions/"
FEED = "/workspace/funding/my-contributions/calendar.ics"
# Donor 2's amounts: none may ever reach donor 1 (in any rendering: plain, grouped or in EUR).
SECRET = ["65432.10", "65,432.10", "54321.98", "54,321.98", "11111.11", "11,111.11"]


@pytest.fixture
def finance(db):
    return make_user(Role.FINANCE_OFFICER)


@pytest.fixture
def donor_user(db):
    return make_user(Role.DONOR)  # DONOR-1


@pytest.fixture
def other_donor_user(db):
    return UserFactory(email="donor-2@example.org", role=Role.DONOR, donor_code="DONOR-2")


@pytest.fixture
def funded(finance):
    """DONOR-1: a USD contribution, signed and partly received, earmarked for output 3, a workshop and Georgia,
    with three reports (one submitted, one overdue, one to come). DONOR-2: a CHF contribution of its own."""
    programme = Programme.objects.get(code="cybercrime-octopus")
    rate_services.record_rate("USD", D(2025, 3, 3), Decimal("1.25"), source="ECB", user=finance)
    rate_services.record_rate("CHF", D(2025, 3, 3), Decimal("0.95"), source="ECB", user=finance)
    one = services.record_donor(code="DONOR-1", name="Ruritania", kind="state", user=finance)
    two = services.record_donor(code="DONOR-2", name="Acme Corp", kind="company", user=finance)
    c = services.pledge_contribution(
        programme,
        one,
        title="Ruritania support",
        currency="USD",
        amount=Decimal("125000.00"),
        pledged_on=D(2025, 3, 3),
        user=finance,
    )
    c = services.sign_agreement(
        c, signed_on=D(2025, 3, 3), amount=Decimal("100000.00"), version=c.version, reference="RU-2025-1", user=finance
    )
    services.record_receipt(c, received_on=D(2025, 3, 4), amount=Decimal("50000.00"), user=finance)
    workshop = event_services.create_event(
        user=finance,
        slug="workshop-tbilisi",
        kind=Kind.IN_COUNTRY_WORKSHOP,
        title="Workshop in Tbilisi",
        starts_on=D(2016, 5, 10),
        ends_on=D(2016, 5, 11),
        city="Tbilisi",
        country=Country.objects.get(iso2="GE"),
        status=Status.HELD,
    )
    # The workshop serves the programme's activity A3.1, so it counts for its indicator 3.1 (issue 15).
    assign_programmes(workshop, [(programme, Decimal(100), ResultNode.objects.get(programme=programme, code="A3.1"))])
    output = ResultNode.objects.get(programme=programme, code="3")
    services.add_earmark(c, amount=Decimal("40000.00"), node=output, user=finance)
    services.add_earmark(c, amount=Decimal("20000.00"), event=workshop, user=finance)
    services.add_earmark(c, amount=Decimal("10000.00"), country=Country.objects.get(iso2="GE"), user=finance)
    done = services.add_obligation(c, kind="narrative", due_on=D(2025, 6, 30), user=finance)
    services.mark_obligation_submitted(done, submitted_on=D(2025, 6, 28), version=done.version, user=finance)
    late = services.add_obligation(c, kind="financial", due_on=D(2025, 9, 30), description="Interim", user=finance)
    future = services.add_obligation(c, kind="final", due_on=D(2099, 1, 31), user=finance)
    other = services.pledge_contribution(
        programme,
        two,
        title="Acme grant",
        currency="CHF",
        amount=Decimal("65432.10"),
        pledged_on=D(2025, 3, 3),
        user=finance,
    )
    other = services.sign_agreement(
        other, signed_on=D(2025, 3, 3), amount=Decimal("54321.98"), version=other.version, user=finance
    )
    services.add_earmark(other, amount=Decimal("11111.11"), country=Country.objects.get(iso2="AM"), user=finance)
    services.add_obligation(other, kind="audit", due_on=D(2025, 5, 1), description="Acme audit", user=finance)
    return {"contribution": c, "workshop": workshop, "done": done, "late": late, "future": future}


def test_a_donor_sees_its_contributions_in_currency_and_eur(client, funded, donor_user):
    client.force_login(donor_user)
    response = client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ruritania support" in html and "RU-2025-1" in html
    # USD 125,000 pledged at 1.25 = EUR 100,000; 100,000 signed = 80,000; 50,000 received = 40,000.
    for figure in ["125,000.00", "100,000.00", "80,000.00", "50,000.00", "40,000.00"]:
        assert figure in html, figure
    assert 'data-total="received">40,000.00 EUR' in html
    assert "Unearmarked: 30,000.00 USD" in html
    assert "Acme" not in html and "CHF" not in html
    for secret in SECRET:
        assert secret not in html


def test_what_it_financed_shows_the_boxes_results_the_event_and_the_country(client, funded, donor_user):
    client.force_login(donor_user)
    html = client.get(PAGE).content.decode()

    assert 'data-purpose="node">Output 3' in html
    assert 'data-indicator="3.1"' in html and "in-country or regional workshops held" in html
    assert reverse("events:event_public", args=["workshop-tbilisi"]) in html and "10 May 2016" in html
    assert 'data-purpose="country">Georgia' in html
    response = client.get(PAGE)
    rows = response.context["rows"][0].financed
    workshops = next(row for row in rows[0].indicators if row.indicator.code == "3.1")
    assert workshops.to_date.actual == 1  # the held workshop counts in output 3's indicator


def test_the_reporting_calendar_highlights_what_is_overdue(client, funded, donor_user):
    client.force_login(donor_user)
    html = client.get(PAGE).content.decode()

    assert f'data-obligation="{funded["late"].pk}" class="table-danger" data-overdue' in html
    assert f'data-obligation="{funded["done"].pk}">' in html and "2025-06-28" in html
    assert f'data-obligation="{funded["future"].pk}">' in html
    assert html.count("data-overdue") == 1
    assert "Acme audit" not in html


def test_the_ical_feed_lists_the_donors_reports_only(client, funded, donor_user):
    client.force_login(donor_user)
    response = client.get(FEED)

    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert [e.decoded("dtstart") for e in events] == [D(2025, 6, 30), D(2025, 9, 30), D(2099, 1, 31)]
    assert [e.decoded("dtend") for e in events][0] == D(2025, 7, 1)
    assert str(events[0]["summary"]) == "Narrative report: Ruritania support"
    assert "Overdue." in str(events[1]["description"]) and "Submitted on 2025-06-28." in str(events[0]["description"])
    assert len({str(e["uid"]) for e in events}) == 3
    body = response.content.decode()
    assert "Acme" not in body
    for secret in SECRET:
        assert secret not in body


def test_the_other_donor_sees_its_own_page(client, funded, other_donor_user):
    client.force_login(other_donor_user)
    html = client.get(PAGE).content.decode()

    assert "Acme grant" in html and "65,432.10" in html and "Ruritania" not in html
    assert "125,000.00" not in html
    calendar = Calendar.from_ical(client.get(FEED).content)
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Audit: Acme grant"]


def test_a_donor_cannot_pick_another_donor(client, funded, donor_user):
    client.force_login(donor_user)

    assert client.get(PAGE, {"donor": "DONOR-2"}).status_code == 404
    assert client.get(FEED, {"donor": "DONOR-2"}).status_code == 404
    assert "data-donor-picker" not in client.get(PAGE).content.decode()


def test_staff_and_the_finance_officer_preview_any_donors_page(client, funded, finance):
    staff = make_user(Role.PROGRAMME_STAFF)
    for user in (staff, finance):
        client.force_login(user)
        picker = client.get(PAGE).content.decode()
        assert "data-donor-picker" in picker and "data-no-donor" in picker and "65,432.10" not in picker
        page = client.get(PAGE, {"donor": "DONOR-2"}).content.decode()
        assert "Acme grant" in page and "65,432.10" in page and "Ruritania support" not in page
        feed = Calendar.from_ical(client.get(FEED, {"donor": "DONOR-1"}).content)
        assert len(feed.walk("VEVENT")) == 3
    assert client.get(PAGE, {"donor": "NOBODY"}).status_code == 404


def test_a_donor_with_nothing_recorded_sees_a_plain_message(client, donor_user):
    client.force_login(donor_user)

    assert "data-no-donor" in client.get(PAGE).content.decode()
    assert client.get(FEED).status_code == 404


@pytest.mark.parametrize("visitor", [Role.FOCAL_POINT, "no_role", "anonymous"])
def test_who_sees_no_money_is_refused(client, db, visitor):
    user = make_user(visitor)
    if user is not None:
        client.force_login(user)
    for path in (PAGE, FEED):
        assert_page_refused(client.get(path), visitor, path)
