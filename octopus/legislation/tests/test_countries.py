"""The per-country page of everything the programme did there: staff only, every section filled from the records
or saying what to do next, and read in the same number of queries however many records a country has."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from octopus.accounts.models import Role
from octopus.committees.models import Committee, Representative
from octopus.committees.services.meetings import record_meeting
from octopus.countries.models import Country
from octopus.events import services as events
from octopus.events.models import Attendance, Kind, Registration, RegistrationState, Status
from octopus.legislation.services import advice as advice_services
from octopus.legislation.services import profiles
from octopus.legislation.services.statistics import record_figures
from octopus.people.models import Person
from octopus.testing.helpers import make_user
from octopus.treaties.models import Article

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def staff():
    return make_user(Role.PROGRAMME_STAFF)


def country(iso2: str) -> Country:
    return Country.objects.get(iso2=iso2)


def article(number: int) -> Article:
    return Article.objects.get(treaty__number=185, number=number)


def page(client, user, iso2="GE"):
    client.force_login(user)
    return client.get(reverse("legislation:country_activity", args=[iso2]))


def populate(staff, n: int, *, start: int = 0) -> None:
    """`n` of each kind of record for Georgia: hosted and attended events, T-CY meetings, advice with
    recommendations, a year of assessments, a year of statistics, a representative."""
    ge, tcy = country("GE"), Committee.objects.get(code="T-CY")
    for i in range(start, start + n):
        day = D(2014 + i % 6, 3, 1 + i)
        hosted = events.create_event(
            user=staff,
            slug=f"workshop-{i}",
            title=f"Workshop {i}",
            kind=Kind.IN_COUNTRY_WORKSHOP,
            starts_on=day,
            ends_on=day,
            status=Status.HELD,
            country=ge if i % 2 else None,
            host_countries=[] if i % 2 else [ge],
        )
        plenary = events.create_event(
            user=staff,
            slug=f"plenary-{i}",
            title=f"Plenary {i}",
            kind=Kind.TCY_PLENARY,
            starts_on=day,
            ends_on=day,
            status=Status.HELD,
        )
        record_meeting(tcy, event=plenary, number=900 + i, user=staff)
        person = Person.objects.create(first_name="Nino", last_name=f"Delegate {i}")
        for event in (hosted, plenary):
            registration = Registration.objects.create(
                event=event, person=person, country=ge, state=RegistrationState.APPROVED
            )
            Attendance.objects.create(registration=registration, day=day)
        Representative.objects.create(committee=tcy, country=ge, person=person, role="representative", starts_on=day)
        advice = advice_services.record_advice(
            ge,
            reviewed=f"Draft law {i}",
            mode="desk_review",
            starts_on=day,
            ends_on=day,
            user=staff,
            articles=[article(2), article(16)],
            experts=[person],
            event=hosted,
        )
        recommendation = advice_services.record_recommendation(
            advice, text="Criminalise illegal access.", article=article(2), user=staff
        )
        changed = profiles.record_assessment(
            ge, article(2), level="in_place", source="legislative_advice", assessed_on=day, user=staff, reviewed=True
        )
        advice_services.take_up_recommendation(
            recommendation, taken_up_on=day, assessment=changed, user=staff, version=1
        )
        profiles.record_assessment(
            ge, article(3 + i), level="not_in_place", source="desk_review", assessed_on=day, user=staff, reviewed=True
        )
        record_figures(
            ge, 2014 + i, {"mla_received": 10, "mla_executed": 8}, source="published", citation="Report", user=staff
        )


def test_only_staff_see_it_and_an_unknown_country_is_a_404(client, staff):
    for visitor in (Role.FOCAL_POINT, Role.FINANCE_OFFICER, Role.DONOR):
        assert page(client, make_user(visitor)).status_code in (403, 404)
    client.logout()
    assert client.get(reverse("legislation:country_activity", args=["GE"])).status_code in (302, 403, 404)

    assert page(client, staff, "XX").status_code == 404
    assert page(client, staff, "ge").status_code == 200  # the code in either case


def test_a_country_with_nothing_recorded_says_what_to_do_in_every_section(client, staff):
    response = page(client, staff, "PH")

    html = response.content.decode()
    assert response.status_code == 200
    for section in ("hosted", "attended", "advice", "compliance", "statistics", "representatives", "meetings"):
        assert f'data-empty="{section}"' in html, section
    assert 'data-treaty="185"' in html  # every treaty, with the status its actions give
    assert "compliance-chart" not in html


def test_every_section_shows_what_the_programme_did(client, staff):
    populate(staff, 2)
    profiles.record_assessment(
        country("GE"), article(6), level="partially", source="self_report", assessed_on=D(2015, 6, 1), user=staff
    )  # a draft: never counted

    response = page(client, staff)

    html = response.content.decode()
    context = response.context
    assert {e.slug for e in context["hosted"]} == {"workshop-0", "workshop-1"}  # by host country and by country
    assert {row["slug"] for row in context["attended"]} == {"workshop-0", "workshop-1", "plenary-0", "plenary-1"}
    assert [row["meeting_number"] for row in context["tcy"]["meetings"]] == [901, 900]
    assert len(context["tcy"]["representatives"]) == 2
    assert len(context["advice"]) == 2
    assert context["recommendations"] == {"made": 2, "taken_up": 2}
    assert 'data-recommendations="2/2"' in html
    # 2014: Art. 2 in place, Art. 3 not; 2015: and Art. 4 not in place (the draft on Art. 6 does not count).
    years = [(row.year, row.in_place, row.not_in_place, row.share.percent) for row in context["compliance"]]
    assert years[:2] == [(2014, 1, 1, 50.0), (2015, 1, 2, 33.3)]
    assert years[-1][0] == datetime.date.today().year  # up to this year
    assert context["chart"]["data"]["values"][0] == {
        "period": "2014",
        "series": "Assessed articles in place (%)",
        "value": 50.0,
    }
    assert "compliance-chart" in html
    assert context["statistics"]["years"] == [2014, 2015]
    # Every section has its records; only the by-programme one is empty: this world's records serve no programme.
    assert re.findall(r'data-empty="([^"]+)"', html) == ["programmes"]


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_records(client, staff, django_assert_num_queries):
    populate(staff, 1)
    client.force_login(staff)
    url = reverse("legislation:country_activity", args=["GE"])
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200

    populate(staff, 5, start=1)
    with django_assert_num_queries(len(small)):
        response = client.get(url)

    assert len(response.context["advice"]) == 6 and len(response.context["attended"]) == 12


def test_the_sample_country_shows_its_history_with_a_chart(client, staff):
    from octopus.sample.legislation import load_sample_legislation

    load_sample_legislation(staff=staff)

    response = page(client, staff, "GE")

    html = response.content.decode()
    shares = [row.share.percent for row in response.context["compliance"] if row.year <= 2019]
    assert shares[-1] > shares[0]  # Georgia improves after the advice it was given
    assert 'data-chart="compliance-chart"' in html and "sample" in html
    assert response.context["statistics"]["years"] == [2015, 2016, 2017, 2018, 2019]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_compliance_chart_draws_in_the_browser(page, live_server):
    from octopus.testing.helpers import sign_in

    staff = make_user(Role.PROGRAMME_STAFF)
    populate(staff, 3)
    sign_in(page, live_server, staff)

    page.goto(reverse("legislation:country_activity", args=["GE"]))

    page.wait_for_selector('[data-chart="compliance-chart"][data-chart-ready="true"]', timeout=15000)
    assert page.locator('[data-chart="compliance-chart"] svg').count() == 1
    assert page.locator("[data-compliance] tbody tr").count() >= 3
    assert page.problems == [] and page.outside_requests == []


def test_the_page_shows_each_programme_side_by_side_and_a_shared_record_once_in_the_total(client, staff):
    from octopus.results import services as results_services
    from octopus.results.models import Programme

    octopus = Programme.objects.get(code="cybercrime-octopus")
    glacy = results_services.create_programme(
        code="glacy-plus",
        title="GLACY+",
        starts_on=D(2016, 3, 1),
        ends_on=D(2021, 2, 28),
        budget_ceiling="1000000",
        implementing_office="C-PROC",
        user=None,
    )
    georgia = Country.objects.get(iso2="GE")
    shared = events.create_event(
        user=staff,
        slug="ge-shared",
        title="Shared workshop",
        kind=Kind.IN_COUNTRY_WORKSHOP,
        starts_on=D(2017, 5, 2),
        ends_on=D(2017, 5, 3),
        country=georgia,
    )
    results_services.assign_programmes(shared, [(octopus, Decimal(50), None), (glacy, Decimal(50), None)])
    client.force_login(staff)

    html = client.get(reverse("legislation:country_activity", args=["GE"])).content.decode()

    rows = dict(re.findall(r'<tr data-programme="([^"]+)">(.*?)</tr>', html, re.S))
    assert [int(n) for n in re.findall(r'"text-end">(\d+)<', rows["cybercrime-octopus"])] == [1, 0, 0]
    assert [int(n) for n in re.findall(r'"text-end">(\d+)<', rows["glacy-plus"])] == [1, 0, 0]
    total = re.search(r"<tr data-total>(.*?)</tr>", html, re.S).group(1)
    assert [int(n) for n in re.findall(r">(\d+)<", total)] == [1, 0, 0]
