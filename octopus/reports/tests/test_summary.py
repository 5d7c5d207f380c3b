"""The public project summary: every figure equals the records' (funders, budget, dates, countries, results to
date as `programme_results` reads them), French text under French, and a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from octopus.accounts.models import Role
from octopus.countries.models import Country
from octopus.events.models import Kind
from octopus.events.models import Status as EventStatus
from octopus.reports.models import Publication
from octopus.reports.summary import project_summary
from octopus.results import services
from octopus.results.models import Programme, ProgrammeFunder
from octopus.results.queries import programme_results
from octopus.testing.factories import CountryFactory, EventFactory, RegistrationFactory
from octopus.testing.helpers import make_user

D = datetime.date
AT = D(2020, 1, 1)


def workshop(programme, staff, *, country="GE", participants=("AM",), day=None):
    """A held in-country workshop serving `programme`, with one participant checked in from each country given."""
    event = EventFactory(
        kind=Kind.IN_COUNTRY_WORKSHOP,
        status=EventStatus.HELD,
        starts_on=day or D(2016, 5, 10),
        country=CountryFactory(iso2=country),
        is_sample=programme.is_sample,
    )
    services.assign_programmes(event, [(programme, Decimal(100), None)], user=staff)
    for iso2 in participants:
        RegistrationFactory(event=event, country=CountryFactory(iso2=iso2), attended_days=1)
    return event


@pytest.fixture
def staff(db):
    return make_user(Role.PROGRAMME_STAFF)


@pytest.fixture
def programme(staff):
    programme = services.create_programme(
        code="summary-test",
        title="Summary test programme",
        description="Help States adopt laws on cybercrime.",
        starts_on=D(2014, 1, 1),
        ends_on=D(2019, 12, 31),
        budget_ceiling=Decimal("3500000"),
        funding="Voluntary contributions",
        implementing_office="C-PROC",
        user=staff,
    )
    version = services.latest_version(programme)
    objective = services.add_node(programme, level="objective", code="O", title="Objective", user=staff)
    output = services.add_node(programme, level="output", code="1", title="Output", parent=objective, user=staff)
    activity = services.add_node(programme, level="activity", code="1.1", title="Activity", parent=output, user=staff)
    assisted = services.define_indicator(
        objective,
        code="O.1",
        title="Countries assisted",
        metric_key="legislation.countries_assisted",
        accumulation="distinct",
        unit="countries",
        user=staff,
    )
    held = services.define_indicator(
        output,
        code="1.1",
        title="Workshops held",
        metric_key="events.held",
        metric_params={"kinds": ["in_country_workshop"]},
        unit="workshops",
        user=staff,
    )
    services.define_indicator(activity, code="A.1", title="An activity's count", manual=True, user=staff)
    services.set_target(assisted, version=version, period="life", comparator="ge", value=Decimal(20), user=staff)
    services.set_target(held, version=version, period="life", comparator="le", value=Decimal(25), user=staff)
    ProgrammeFunder.objects.create(programme=programme, donor_code="EU", name="European Union")
    ProgrammeFunder.objects.create(programme=programme, donor_code="JP", name="Japan")
    Publication.objects.create(
        programme=programme,
        public=True,
        title_fr="Programme de test",
        description_fr="Aider les États à adopter des lois sur la cybercriminalité.",
        topics=["Cybercrime legislation", "Capacity building"],
        dac_sectors=["15130"],
    )
    workshop(programme, staff, country="GE", participants=("AM", "MD"))
    workshop(programme, staff, country="UA", participants=("UA",), day=D(2017, 3, 1))
    return programme


def test_the_summary_holds_the_records_facts(programme):
    summary = project_summary(programme, at=AT)

    assert summary.title == "Summary test programme"
    assert summary.aim == "Help States adopt laws on cybercrime."
    assert (summary.starts_on, summary.ends_on) == (D(2014, 1, 1), D(2019, 12, 31))
    assert (summary.budget, summary.currency) == (Decimal("3500000.00"), "EUR")
    assert summary.funders == list(programme.funders.order_by("name").values_list("name", flat=True))
    assert summary.funders == ["European Union", "Japan"]
    assert summary.implementers == ["C-PROC"]
    assert summary.topics == ["Cybercrime legislation", "Capacity building"]
    assert summary.public and not summary.is_sample


def test_beneficiary_countries_are_where_it_assisted_and_whose_people_took_part(programme):
    summary = project_summary(programme, at=AT)

    assert [p.iso2 for p in summary.countries_assisted] == sorted(
        ["GE", "UA"], key=lambda iso2: Country.objects.get(iso2=iso2).name
    )
    assert {p.iso2 for p in summary.countries_participating} == {"AM", "MD", "UA"}
    assert {p.iso2 for p in summary.beneficiary_countries} == {"AM", "GE", "MD", "UA"}
    expected_regions = set(Country.objects.filter(iso2__in=["AM", "GE", "MD", "UA"]).values_list("region", flat=True))
    assert set(summary.regions) == expected_regions - {""}


def test_a_workshop_after_the_day_asked_does_not_count(programme):
    summary = project_summary(programme, at=D(2016, 12, 31))

    assert [p.iso2 for p in summary.countries_assisted] == ["GE"]
    assert {p.iso2 for p in summary.countries_participating} == {"AM", "MD"}


def test_results_to_date_equal_programme_results(programme):
    summary = project_summary(programme, at=AT)
    figures = programme_results(programme, AT, reader=AnonymousUser())
    expected = [
        (row.indicator.code, row.to_date.actual, row.to_date.goal.value, row.unit)
        for node in figures.nodes
        if node.node.level != "activity"
        for row in node.indicators
    ]

    assert [(r.code, r.value, r.target, r.unit) for r in summary.results] == expected
    assert [(r.code, r.value, r.target) for r in summary.results] == [
        ("O.1", Decimal(2), Decimal(20)),
        ("1.1", Decimal(2), Decimal(25)),
    ]
    assert "A.1" not in {r.code for r in summary.results}  # activities are not results


def test_the_page_shows_the_figures(client, programme):
    response = client.get(reverse("reports:programme_summary", args=[programme.code]), {"at": "2020-01-01"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Summary test programme" in page
    assert "Help States adopt laws on cybercrime." in page
    assert "European Union" in page and "Japan" in page
    assert "3,500,000" in page
    assert 'data-indicator="O.1"' in page and 'data-indicator="1.1"' in page
    assert "data-not-public" not in page and "data-sample-note" not in page
    assert "Voluntary contributions" in page  # the programme's own word on its funding, beside the funders


def test_a_funding_note_that_only_repeats_a_funder_is_not_shown_twice(client, programme):
    Programme.objects.filter(pk=programme.pk).update(funding="Japan")

    page = client.get(reverse("reports:programme_summary", args=[programme.code])).content.decode()
    funders = page.split("data-funders>", 1)[1].split("</dd>", 1)[0]

    assert funders.count("Japan") == 1


def test_french_text_shows_in_french(client, programme):
    url = reverse("reports:programme_summary", args=[programme.code])

    with translation.override("fr"):
        summary = project_summary(programme, at=AT)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert (summary.title, summary.language) == ("Programme de test", "fr")
    assert summary.aim == "Aider les États à adopter des lois sur la cybercriminalité."
    assert "Aider les États à adopter des lois" in response.content.decode()
    assert "Aider les États" not in english.content.decode()
    assert "Help States adopt laws" in english.content.decode()


def test_french_falls_back_to_the_programme_text_when_the_publication_has_none(programme):
    Publication.objects.filter(programme=programme).update(title_fr="", description_fr="")
    programme.refresh_from_db()

    with translation.override("fr"):
        summary = project_summary(programme, at=AT)

    assert (summary.title, summary.language) == ("Summary test programme", "en")


def test_the_api_gives_the_same_summary(client, programme):
    response = client.get(f"/api/v1/programmes/{programme.code}/summary", {"at": "2020-01-01"})

    assert response.status_code == 200
    body = response.json()
    assert body["budget"] == "3500000.00"
    assert body["funders"] == ["European Union", "Japan"]
    assert body["implementers"] == ["C-PROC"]
    assert body["is_sample"] is False
    expected = [(r.code, str(r.value), str(r.target)) for r in project_summary(programme, at=AT).results]
    assert [(r["code"], r["value"], r["target"]) for r in body["results"]] == expected
    assert {p["iso2"] for p in body["beneficiary_countries"]} == {"AM", "GE", "MD", "UA"}
    assert "Octopus-Sample-Data" not in response


def test_a_sample_programme_is_flagged(client, staff):
    sample = services.create_programme(
        code="sample-summary",
        title="Sample summary",
        starts_on=D(2014, 1, 1),
        ends_on=D(2019, 12, 31),
        budget_ceiling=Decimal("1000"),
        implementing_office="C-PROC",
        is_sample=True,
        user=staff,
    )
    Publication.objects.create(programme=sample, public=True, is_sample=True)

    page = client.get(reverse("reports:programme_summary", args=[sample.code]))
    answer = client.get(f"/api/v1/programmes/{sample.code}/summary")

    assert "data-sample-note" in page.content.decode()
    assert answer.json()["is_sample"] is True
    assert answer["Octopus-Sample-Data"] == "true"


def test_the_list_links_public_programmes_only(client, programme, staff):
    hidden = services.create_programme(
        code="hidden",
        title="Hidden programme",
        starts_on=D(2014, 1, 1),
        ends_on=D(2019, 12, 31),
        budget_ceiling=Decimal("1000"),
        implementing_office="C-PROC",
        user=staff,
    )
    Publication.objects.create(programme=hidden, public=False)

    page = client.get(reverse("reports:programme_list")).content.decode()

    assert reverse("reports:programme_summary", args=[programme.code]) in page
    assert "Hidden programme" not in page


def test_the_list_says_when_nothing_is_published(client, db):
    Publication.objects.update(public=False)

    page = client.get(reverse("reports:programme_list")).content.decode()

    assert "data-empty" in page


def test_the_summary_costs_a_fixed_number_of_queries(programme, staff, django_assert_max_num_queries):
    programme.refresh_from_db()
    with CaptureQueriesContext(connection) as small:
        project_summary(programme, at=AT)
    for index, iso2 in enumerate(["FR", "DE", "IT", "ES", "PT"]):
        workshop(programme, staff, country=iso2, participants=(iso2, "GE", "AM"), day=D(2018, 1, 1 + index))
    programme.refresh_from_db()

    with django_assert_max_num_queries(len(small.captured_queries)):
        summary = project_summary(programme, at=AT)

    assert len(summary.countries_assisted) == 7
    assert len(small.captured_queries) <= 20
