"""The effect of assistance page: per programme, the change in compliance in the countries it assisted (advice or
workshops serving it) beside the others, overall and per article, the countries on each side, its chart and exports,
who may read it, and a fixed number of queries."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from octopus.accounts.models import Role
from octopus.countries.models import Country
from octopus.events.models import Event
from octopus.events.tests.sample_files import file_name, real_sheets, sample_sheets
from octopus.legislation.queries import effect_of_assistance
from octopus.legislation.services import advice as advice_services
from octopus.legislation.services import profiles
from octopus.lib.metrics import reading, registry
from octopus.results import services as results_services
from octopus.results.assignments import programme_scope
from octopus.results.models import Programme, ProgrammeFunder
from octopus.testing.helpers import make_user
from octopus.treaties.models import Article

D = datetime.date
START, END = D(2016, 1, 1), D(2018, 12, 31)


@pytest.fixture
def staff(db):
    return make_user(Role.PROGRAMME_STAFF)


def make_programme(staff, code, *, is_sample=False) -> Programme:
    programme = results_services.create_programme(
        code=code,
        title=code.title(),
        starts_on=START,
        ends_on=END,
        budget_ceiling=Decimal("1000"),
        implementing_office="C-PROC",
        user=staff,
        is_sample=is_sample,
    )
    output = results_services.add_node(programme, level="output", code="3", title="Output", user=staff)
    results_services.add_node(programme, level="activity", code="A3.3", title="Advice", parent=output, user=staff)
    return programme


def country(iso2: str) -> Country:
    return Country.objects.get(iso2=iso2)


def article(number: int) -> Article:
    return Article.objects.get(treaty__number=185, number=number)


def assess(staff, iso2, number, level, day, *, is_sample=False):
    profiles.record_assessment(
        country(iso2),
        article(number),
        level=level,
        source="desk_review",
        assessed_on=day,
        user=staff,
        reviewed=True,
        is_sample=is_sample,
    )


def advise(staff, iso2, programme, day, *, is_sample=False):
    activity = programme.nodes.get(code="A3.3") if programme is not None else None
    return advice_services.record_advice(
        country(iso2),
        reviewed="Draft law",
        mode="desk_review",
        starts_on=day,
        ends_on=day,
        articles=[article(2)],
        user=staff,
        activity=activity,
        is_sample=is_sample,
    )


def workshop(staff, programme, slug, host, day):
    event = Event.objects.create(
        title=slug,
        slug=slug,
        kind="in_country_workshop",
        status="held",
        starts_on=day,
        ends_on=day,
        country=country(host),
    )
    results_services.assign_programmes(event, [(programme, Decimal(100), None)], user=staff)
    return event


@pytest.fixture
def world(staff):
    """Programme "effect" (2016–2018) advised Georgia and held a workshop in Moldova; GLACY advised Ukraine;
    the Philippines were advised but first assessed in 2017 (no baseline); Senegal's record is sample."""
    programme, other = make_programme(staff, "effect"), make_programme(staff, "glacy")
    advise(staff, "GE", programme, D(2016, 5, 1))
    workshop(staff, programme, "ws-md", "MD", D(2016, 9, 1))
    advise(staff, "UA", other, D(2016, 5, 1))
    advise(staff, "PH", programme, D(2016, 5, 1))
    for iso2, number, level, day in [
        ("GE", 2, "not_in_place", D(2015, 1, 1)),
        ("GE", 3, "in_place", D(2015, 1, 1)),
        ("GE", 2, "in_place", D(2017, 1, 1)),
        ("MD", 2, "not_in_place", D(2015, 1, 1)),
        ("MD", 3, "not_in_place", D(2015, 1, 1)),
        ("MD", 3, "in_place", D(2018, 6, 1)),
        ("AM", 2, "not_in_place", D(2015, 1, 1)),
        ("AM", 3, "partially", D(2015, 1, 1)),
        ("AM", 2, "in_place", D(2017, 6, 1)),
        ("AZ", 2, "in_place", D(2015, 1, 1)),
        ("UA", 2, "not_in_place", D(2015, 1, 1)),
        ("PH", 2, "in_place", D(2017, 1, 1)),
    ]:
        assess(staff, iso2, number, level, day)
    assess(staff, "SN", 2, "not_in_place", D(2015, 1, 1), is_sample=True)
    assess(staff, "SN", 2, "in_place", D(2017, 1, 1), is_sample=True)
    return programme


def by_article(effect) -> dict:
    return {row.article.number: row for row in effect.articles}


def test_the_change_in_assisted_countries_and_the_others(world):
    effect = effect_of_assistance(world, START, END)

    assert [c.iso2 for c in effect.assisted_countries] == ["GE", "MD"]
    assert sorted(c.iso2 for c in effect.other_countries) == ["AM", "AZ", "UA"]  # Ukraine: another programme's
    assert [c.iso2 for c in effect.unmeasured_countries] == ["PH"]  # assisted, no baseline
    # Assisted: 1 of 4 pairs in place on the eve (GE 3), 3 of 4 at the end (GE 2, GE 3, MD 3).
    assert (effect.assisted.before.percent, effect.assisted.after.percent, effect.assisted.points) == (25.0, 75.0, 50.0)
    # The others: 1 of 4 (AZ 2), then 2 of 4 (AM 2, AZ 2); Senegal's sample records do not count.
    assert (effect.others.before.percent, effect.others.after.percent, effect.others.points) == (25.0, 50.0, 25.0)
    articles = by_article(effect)
    assert (len(articles[2].assisted.countries), articles[2].assisted.points) == (2, 50.0)
    assert (len(articles[2].others.countries), articles[2].others.points) == (3, 33.4)  # 33.3 % → 66.7 %
    assert (len(articles[3].assisted.countries), articles[3].assisted.points) == (2, 50.0)
    assert (len(articles[3].others.countries), articles[3].others.points) == (1, 0.0)  # Armenia, partially throughout
    assert (len(articles[4].assisted.countries), articles[4].assisted.points) == (0, None)


def test_the_page_agrees_with_the_compliance_change_metric_of_the_programme(world):
    effect = effect_of_assistance(world, START, END)

    with reading(programme_scope(world)):
        assisted = registry.evaluate("legislation.compliance_change", START, END)
        others = registry.evaluate("legislation.compliance_change", START, END, assisted=False)
        compared = [c.iso2 for c in registry.records("legislation.compliance_change", START, END)]

    assert (assisted, others) == (effect.assisted.points, effect.others.points)
    assert compared == [c.iso2 for c in effect.assisted_countries]


def test_sample_records_count_only_for_the_sample_programme(staff, world):
    sample = make_programme(staff, "sample-effect", is_sample=True)
    advise(staff, "SN", sample, D(2016, 5, 1), is_sample=True)

    effect = effect_of_assistance(sample, START, END)

    assert [c.iso2 for c in effect.assisted_countries] == ["SN"]
    assert effect.assisted.points == 100.0
    assert "SN" not in {c.iso2 for c in effect_of_assistance(world, START, END).other_countries}


def test_the_page_shows_the_figures_the_countries_the_chart_and_the_caveat(client, world):
    client.force_login(make_user(Role.FINANCE_OFFICER))

    response = client.get(reverse("legislation:legislation_effect", args=["effect"]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "A comparison, not proof of cause." in page
    assert 'data-country="GE"' in page and 'data-country="AM"' in page
    assert "Philippines" in page  # listed as assisted without a baseline
    assert "50.0 pp" in page and "25.0 pp" in page
    chart = response.context["chart"]
    assert {"article": "All articles", "side": "Assisted countries", "points": 50.0, "countries": 2} in chart["data"][
        "values"
    ]
    assert 'id="effect-spec"' in page and 'data-chart="effect-spec"' in page
    assert response.context["fragile"] is True  # two and three countries: the page says the averages are fragile
    assert "data-fragile" in page


def test_at_ends_the_period_earlier(client, staff, world):
    client.force_login(staff)

    early = client.get(reverse("legislation:legislation_effect", args=["effect"]), {"at": "2016-12-31"})
    refused = client.get(reverse("legislation:legislation_effect", args=["effect"]), {"at": "2015-06-01"})

    assert early.context["effect"].end == D(2016, 12, 31)
    assert early.context["effect"].assisted.points == 0.0  # nothing changed in 2016
    assert refused.status_code == 400 and refused.context["effect"].end == END


def test_the_exports_read_back(client, staff, world):
    client.force_login(staff)

    text = client.get(reverse("legislation:legislation_effect_export", args=["effect", "csv"])).content.decode()
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("legislation:legislation_effect_export", args=["effect", "xlsx"])).content)
    )

    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["All articles", "", "2", "50.0", "3", "25.0", "25.0"]
    assert rows[2][:7] == ["Art. 1", article(1).title, "0", "", "0", "", ""]
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[2]] == ["All articles", None, 2, 50.0, 3, 25.0, 25.0]
    sides = {(row[1], row[2]) for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert sides == {
        ("GE", "Assisted"),
        ("MD", "Assisted"),
        ("AM", "Not assisted"),
        ("AZ", "Not assisted"),
        ("UA", "Not assisted"),
        ("PH", "Assisted, no baseline (not compared)"),
    }
    assert client.get(reverse("legislation:legislation_effect_export", args=["effect", "pdf"])).status_code == 404


def test_the_exports_of_a_sample_programme_say_so_in_every_sheet(client, staff, world):
    client.force_login(staff)
    url = reverse("legislation:legislation_effect_export", args=["effect", "xlsx"])
    real = real_sheets(client.get(url))
    Programme.objects.filter(code="effect").update(is_sample=True)

    marked = client.get(url)

    assert file_name(marked) == "effect-of-assistance-effect-SAMPLE-DATA.xlsx"
    # The same sheets and headers, each below the note (a sample programme also counts Senegal's sample records).
    assert [rows[0] for rows in sample_sheets(marked)] == [rows[0] for rows in real]
    assert [rows[0][0] for rows in real] == ["Article", "Country"]


def test_who_may_read_it(client, staff, world):
    url = reverse("legislation:legislation_effect", args=["effect"])

    assert client.get(url).status_code == 302  # the anonymous sign in first
    assert reverse("account_login") in client.get(url).url
    for reader in (staff, make_user(Role.FINANCE_OFFICER), make_user(Role.FOCAL_POINT)):
        client.force_login(reader)
        assert client.get(url).status_code == 200, reader
    donor = make_user(Role.DONOR)
    client.force_login(donor)
    assert client.get(url).status_code == 404  # a programme it does not fund: as if it did not exist
    ProgrammeFunder.objects.create(programme=world, donor_code="DONOR-1", name="Donor")
    assert client.get(url).status_code == 200
    client.force_login(make_user("no_role"))
    assert client.get(url).status_code == 403
    client.force_login(staff)
    assert client.get(reverse("legislation:legislation_effect", args=["no-such-programme"])).status_code == 404


def test_the_page_reads_in_a_fixed_number_of_queries(client, staff, world, django_assert_num_queries):
    # The session and user (2), the reader's roles, the programme, its latest end, then the advice, the workshops,
    # the assessments, the articles and the countries named: eleven, however many records there are.
    client.force_login(staff)
    url = reverse("legislation:legislation_effect", args=["effect"])
    client.get(url)  # warm the cache of the content types
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200

    for n, iso2 in enumerate(("SN", "MA", "FR", "DE", "IT")):
        advise(staff, iso2, world, D(2016, 6, 1))
        workshop(staff, world, f"ws-{iso2}", iso2, D(2017, 2, 1))
        for number in (2, 3, 4, 5):
            assess(staff, iso2, number, "not_in_place", D(2015, 1, 1 + n))
            assess(staff, iso2, number, "in_place", D(2017, 1, 1 + n))

    with django_assert_num_queries(11):
        response = client.get(url)
    assert len(response.context["effect"].assisted.countries) == 7  # GE, MD and the five added
