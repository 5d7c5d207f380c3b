"""The IATI 2.03 activity file of a programme, read back with lxml: it validates against the 2.03 schema, holds
what the records say and nothing else, and its result actuals equal the values API's for the same periods."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from lxml import etree

from octopus.events.models import Event, Format
from octopus.events.models import Status as EventStatus
from octopus.funding.models import (
    Budget,
    BudgetLine,
    Contribution,
    Donor,
    Expenditure,
    ExpenditureStatus,
    Receipt,
)
from octopus.reports.iati import ORGANISATION_SCHEMA, activity_file, periods_by_indicator, validate
from octopus.reports.models import Publication
from octopus.results.assignments import content_type
from octopus.results.models import Assignment, ProgrammeFunder
from octopus.results.tests.conftest import approved, build_programme, make_reviewer
from octopus.testing.factories import CountryFactory, EventFactory
from octopus.testing.helpers import make_user

D = datetime.date
ORG = "XM-DAC-TEST"


@pytest.fixture(autouse=True)
def reporting_org(settings):
    settings.IATI_REPORTING_ORG = ORG


@pytest.fixture
def built(db):
    built = build_programme(make_user("programme_staff"), make_reviewer())
    approved(built, built.workshops, "2015", Decimal(3))
    approved(built, built.workshops, "2016", Decimal(4))
    approved(built, built.stage, "2016", Decimal(1))
    return built


def serve(programme, event) -> None:
    Assignment.objects.create(content_type=content_type(Event), object_id=event.pk, programme=programme)


def parsed(content: bytes):
    return etree.fromstring(content)


def test_the_file_validates_against_the_iati_2_03_schema_and_names_the_programme(built):
    programme = built.programme
    Publication.objects.create(
        programme=programme, public=True, title_fr="Programme d'essai", dac_sectors=["15130", "15210", "15130"]
    )
    ProgrammeFunder.objects.create(programme=programme, donor_code="DONOR-1", name="Donor One")

    content = activity_file(programme, today=D(2026, 12, 7))

    assert validate(content) == []
    root = parsed(content)
    assert root.get("version") == "2.03"
    activity = root.find("iati-activity")
    assert activity.findtext("iati-identifier") == f"{ORG}-test-programme"
    assert activity.find("reporting-org").get("ref") == ORG
    titles = {n.get("{http://www.w3.org/XML/1998/namespace}lang"): n.text for n in activity.find("title")}
    assert titles == {None: "Test programme", "fr": "Programme d'essai"}
    roles = {(o.get("role"), o.findtext("narrative")) for o in activity.findall("participating-org")}
    assert roles == {("1", "Donor One"), ("4", "Test office")}
    dates = {d.get("type"): d.get("iso-date") for d in activity.findall("activity-date")}
    assert dates == {"1": "2014-01-01", "2": "2014-01-01", "3": "2019-12-31"}
    assert activity.find("activity-status").get("code") == "3"  # over, its last year not closed
    sectors = [(s.get("vocabulary"), s.get("code"), s.get("percentage")) for s in activity.findall("sector")]
    assert sectors == [("1", "15130", "50"), ("1", "15210", "50")]
    # Nothing the records do not hold: no events → no country; no budget, no money.
    assert activity.findall("recipient-country") == []
    assert activity.findall("budget") == activity.findall("transaction") == []
    assert b"SAMPLE" not in content


def test_recipient_countries_come_from_where_the_events_took_place(built):
    programme = built.programme
    georgia, armenia = CountryFactory(iso2="GE"), CountryFactory(iso2="AM")
    for country in (georgia, georgia, armenia):
        serve(programme, EventFactory(country=country, status=EventStatus.HELD))
    serve(programme, EventFactory(country=armenia, status=EventStatus.CANCELLED))
    serve(programme, EventFactory(country=armenia, format=Format.ONLINE))
    EventFactory(country=CountryFactory(iso2="UA"))  # serves no programme

    content = activity_file(programme)

    assert validate(content) == []
    countries = [(c.get("code"), c.get("percentage")) for c in parsed(content).iter("recipient-country")]
    assert countries == [("GE", "66.67"), ("AM", "33.33")]
    assert sum(Decimal(share) for _code, share in countries) == 100


def test_budget_per_year_and_yearly_transactions_from_the_funding_records(built):
    programme, staff = built.programme, built.staff
    output = programme.nodes.get(code="1")
    budget = Budget.objects.create(programme=programme, number=1, kind="original", adopted_on=D(2013, 12, 1))
    BudgetLine.objects.create(budget=budget, node=output, category="events", year=2014, amount_eur=Decimal("1000"))
    BudgetLine.objects.create(budget=budget, node=output, category="staff", year=2014, amount_eur=Decimal("500.50"))
    BudgetLine.objects.create(budget=budget, node=output, category="events", year=2015, amount_eur=Decimal("2000"))
    donor = Donor.objects.create(code="DONOR-1", name="Donor One", kind="state")
    contribution = Contribution.objects.create(
        programme=programme,
        donor=donor,
        title="First",
        status="signed",
        pledged_on=D(2014, 1, 10),
        pledged_amount=Decimal("5000"),
        pledged_eur=Decimal("5000"),
        signed_on=D(2014, 2, 1),
        signed_amount=Decimal("5000"),
        signed_eur=Decimal("5000"),
        created_by=staff,
    )
    Receipt.objects.create(
        contribution=contribution, received_on=D(2014, 3, 1), amount=Decimal(2000), eur=Decimal(2000), recorded_by=staff
    )
    Receipt.objects.create(
        contribution=contribution, received_on=D(2014, 9, 1), amount=Decimal(1000), eur=Decimal(1000), recorded_by=staff
    )
    for status, day, eur in [
        (ExpenditureStatus.SPENT, D(2014, 5, 2), "300.10"),
        (ExpenditureStatus.SPENT, D(2014, 6, 2), "200"),
        (ExpenditureStatus.COMMITTED, D(2015, 1, 5), "150"),
    ]:
        Expenditure.objects.create(
            programme=programme,
            node=output,
            category="events",
            status=status,
            spent_on=day,
            description="Workshop",
            amount=Decimal(eur),
            eur=Decimal(eur),
            recorded_by=staff,
        )

    content = activity_file(programme)

    assert validate(content) == []
    activity = parsed(content).find("iati-activity")
    budgets = [
        (
            b.get("type"),
            b.find("period-start").get("iso-date"),
            b.find("period-end").get("iso-date"),
            b.findtext("value"),
        )
        for b in activity.findall("budget")
    ]
    assert budgets == [("1", "2014-01-01", "2014-12-31", "1500.50"), ("1", "2015-01-01", "2015-12-31", "2000.00")]
    transactions = [
        (t.find("transaction-type").get("code"), t.find("transaction-date").get("iso-date"), t.findtext("value"))
        for t in activity.findall("transaction")
    ]
    assert transactions == [
        ("11", "2014-02-01", "5000.00"),  # agreement signed
        ("4", "2014-06-02", "500.10"),  # spent in 2014, dated by the last expenditure of the year
        ("1", "2014-09-01", "3000.00"),  # received in 2014
        ("2", "2015-01-05", "150.00"),  # committed
    ]
    # Yearly totals, never a donor's name: another donor must not read what this one gave.
    assert b"Donor One" not in etree.tostring(activity.find("transaction"))


def test_result_actuals_equal_the_values_api_for_the_same_periods(built, client):
    programme = built.programme
    Publication.objects.create(programme=programme, public=True)
    client.force_login(built.staff)

    content = client.get(reverse("reports:iati_activity", args=[programme.code])).content

    assert validate(content) == []
    found = periods_by_indicator(content)
    assert found["1.1"][("2015-01-01", "2015-12-31")] == "3.00"  # the approved value, as the API writes it
    compared = 0
    for period in ["life", *[str(year) for year in range(2014, 2020)]]:
        answer = client.get(f"/api/v1/programmes/{programme.code}/values", {"period": period}).json()
        for row in answer["indicators"]:
            in_file = found.get(row["indicator"], {})
            key = (answer["start"], answer["end"])
            if row["value"] is not None:
                assert in_file[key] == row["value"], (row["indicator"], period)
                compared += 1
            elif key in in_file:
                assert in_file[key] is None, (row["indicator"], period)
    assert compared >= 4
    # Every actual in the file is one the API gives.
    for code, periods in found.items():
        for (start, end), value in periods.items():
            if value is None:
                continue
            key = "life" if (start, end) == ("2014-01-01", "2019-12-31") else start[:4]
            answer = client.get(f"/api/v1/programmes/{programme.code}/values", {"period": key}).json()
            assert {r["indicator"]: r["value"] for r in answer["indicators"]}[code] == value
    life_target = parsed(content).xpath("//indicator[reference/@code='1.1']/period[period-end/@iso-date='2019-12-31']")
    assert life_target[-1].find("target").get("value") == "25.00"  # as the targets API writes it


def test_a_sample_programme_says_so_in_the_file_and_its_name(built, client):
    programme = built.programme
    programme.is_sample = True
    programme.save()
    Publication.objects.create(programme=programme, public=True, is_sample=True)

    response = client.get(reverse("reports:iati_activity", args=[programme.code]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="iati-activity-test-programme-SAMPLE-DATA.xml"'
    comments = [c.text for c in parsed(response.content).iter(etree.Comment)]
    assert any("SAMPLE DATA" in text for text in comments)
    assert validate(response.content) == []
    api = client.get(f"/api/v1/programmes/{programme.code}/iati")
    assert (api.status_code, api["Octopus-Sample-Data"]) == (200, "true")


def test_no_file_until_the_reporting_organisation_is_set(built, client, settings):
    settings.IATI_REPORTING_ORG = ""
    Publication.objects.create(programme=built.programme, public=True)

    page = client.get(reverse("reports:iati_activity", args=[built.programme.code]))
    api = client.get(f"/api/v1/programmes/{built.programme.code}/iati")

    assert page.status_code == 503
    assert "OCTOPUS_IATI_REPORTING_ORG" in page.content.decode()
    assert client.get(reverse("reports:iati_organisation")).status_code == 503
    assert api.status_code == 503
    assert "OCTOPUS_IATI_REPORTING_ORG" in api.json()["detail"]


def test_the_organisation_file_validates_and_names_the_reporting_organisation(client):
    response = client.get(reverse("reports:iati_organisation"))

    assert response.status_code == 200
    assert validate(response.content, ORGANISATION_SCHEMA) == []
    organisation = parsed(response.content).find("iati-organisation")
    assert organisation.findtext("organisation-identifier") == ORG
    assert organisation.find("reporting-org").get("ref") == ORG
