"""The public legislation pages: the heat map (filters, exports, a fixed number of queries), a country's profile as
it stood on a day, the per-article pages and the files of laws. Only reviewed statements are ever shown."""

import csv
import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from octopus.accounts.models import Role
from octopus.countries.models import Country
from octopus.events.tests.sample_files import file_name, real_sheets, sample_sheets
from octopus.legislation.models import PROFILE_ARTICLES, Law, ReviewState
from octopus.legislation.services import profiles as services
from octopus.testing.helpers import make_user
from octopus.treaties.models import Article

D = datetime.date
PDF = b"%PDF-1.4\n% a law\n%%EOF\n"


@pytest.fixture
def staff(db):
    return make_user(Role.PROGRAMME_STAFF)


def country(iso2: str) -> Country:
    return Country.objects.get(iso2=iso2)


def article(number: int) -> Article:
    return Article.objects.get(treaty__number=185, number=number)


def assess(user, iso2, number, level, day, **fields):
    fields = {"source": "desk_review", "reviewed": True, **fields}
    return services.record_assessment(country(iso2), article(number), level=level, assessed_on=day, user=user, **fields)


def law_with_file(user, iso2, title, *, reviewed=True, content=PDF, name="code.pdf") -> Law:
    law = services.record_law(country(iso2), title=title, year=2010, user=user, reviewed=reviewed)
    law.file.save(name, ContentFile(content), save=False)
    law.file_name, law.file_type = name, "pdf"
    law.save()
    return law


def map_row(page: str, iso2: str) -> str:
    start = page.index(f'data-iso2="{iso2}"')
    return page[start : page.index("</tr>", start)]


# --- the heat map --------------------------------------------------------------------------------------------------


def test_the_map_shows_the_level_from_the_assessments_own_day_not_the_day_before(client, staff):
    assess(staff, "GE", 6, "in_place", D(2016, 6, 30))

    before = client.get(reverse("legislation:legislation_map"), {"at": "2016-06-29"}).content.decode()
    on_the_day = client.get(reverse("legislation:legislation_map"), {"at": "2016-06-30"}).content.decode()

    assert 'data-iso2="GE"' not in before and "data-empty" in before  # nothing assessed yet: the empty state
    everyone_before = client.get(
        reverse("legislation:legislation_map"), {"at": "2016-06-29", "all": "1"}
    ).content.decode()
    assert "data-empty" in everyone_before and "data-heat-map" not in everyone_before
    row = map_row(on_the_day, "GE")
    assert 'data-level="in_place"' in row and "✓" in row and "In place" in row
    assert "100.0 %" in row  # one article assessed, in place
    assert reverse("legislation:legislation_profile", args=["GE"]) in row


def test_the_map_never_shows_drafts_or_rejected_statements(client, staff):
    focal = make_user(Role.FOCAL_POINT)
    assess(staff, "AM", 2, "partially", D(2016, 1, 1))
    assess(focal, "GE", 6, "in_place", D(2016, 1, 1), reviewed=False)
    rejected = assess(focal, "GE", 7, "in_place", D(2016, 1, 1), reviewed=False)
    services.review_assessment(rejected, accept=False, user=staff, version=1)

    page = client.get(reverse("legislation:legislation_map")).content.decode()

    assert 'data-iso2="AM"' in page and 'data-iso2="GE"' not in page
    assert 'data-level="in_place"' not in page


def test_the_map_reads_a_fixed_number_of_queries_whatever_its_size(client, staff, django_assert_num_queries):
    articles = list(Article.objects.filter(treaty__number=185, number__in=PROFILE_ARTICLES))
    countries = list(Country.objects.order_by("iso2")[:30])

    def record(places, items):
        for place in places:
            for item in items:
                services.record_assessment(
                    place,
                    item,
                    level="partially",
                    source="desk_review",
                    assessed_on=D(2016, 1, 1),
                    user=staff,
                    reviewed=True,
                )

    def count_queries(url, **params):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200
        return len(queries)

    record(countries[:2], articles[:1])
    page = count_queries(reverse("legislation:legislation_map"), all="1")
    export = count_queries(reverse("legislation:legislation_map_export", args=["xlsx"]))
    # profile articles, the assessments in force, the countries, the regions (and what the base page reads); the
    # export also asks whether a cell shown is sample data
    assert page <= 6 and export == 3

    record(countries[:2], articles[1:])
    record(countries[2:], articles)  # 30 countries × every article
    with django_assert_num_queries(page):
        response = client.get(reverse("legislation:legislation_map"), {"all": "1"})
    with django_assert_num_queries(export):
        client.get(reverse("legislation:legislation_map_export", args=["xlsx"]))
    assert response.content.decode().count('data-level="partially"') == 30 * len(articles)


def test_the_map_filters_by_region_group_and_shows_unassessed_countries_on_request(client, staff):
    assess(staff, "GE", 2, "in_place", D(2016, 1, 1))  # Asia, substantive
    assess(staff, "FR", 29, "not_in_place", D(2016, 1, 1))  # Europe, international co-operation
    url = reverse("legislation:legislation_map")

    europe = client.get(url, {"region": "Europe"}).content.decode()
    assert 'data-iso2="FR"' in europe and 'data-iso2="GE"' not in europe

    procedural = client.get(url, {"group": "international"}).content.decode()
    assert 'data-article="29"' in procedural and 'data-article="2"' not in procedural
    assert 'data-iso2="FR"' in procedural and 'data-iso2="GE"' not in procedural  # nothing shown for Georgia

    everyone = client.get(url, {"all": "1", "region": "Europe"}).content.decode()
    assert 'data-iso2="DE"' in everyone and 'data-iso2="GE"' not in everyone

    bad = client.get(url, {"group": "civil"})
    assert bad.status_code == 200 and "“civil” is not an article group" in bad.content.decode()


@pytest.mark.parametrize("at", ["2999-01-01", "not-a-date"])
def test_a_date_in_the_future_or_not_a_date_is_said_and_today_is_shown(client, staff, at):
    assess(staff, "GE", 6, "in_place", D(2016, 1, 1))

    response = client.get(reverse("legislation:legislation_map"), {"at": at})

    page = response.content.decode()
    assert response.status_code == 400 and "data-date-error" in page and "showing today instead" in page
    assert 'data-iso2="GE"' in page


def test_the_map_exports_as_csv_and_xlsx_with_the_levels_shown(client, staff):
    assess(staff, "GE", 2, "in_place", D(2016, 1, 1))
    assess(staff, "GE", 3, "not_in_place", D(2016, 1, 1))
    assess(staff, "GE", 3, "partially", D(2017, 1, 1))  # later than the day asked

    response = client.get(reverse("legislation:legislation_map"), {"at": "2016-12-31", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, georgia = rows[0], rows[1]
    assert len(rows) == 2 and header[:3] == ["Country", "ISO alpha-2", "Region"]
    assert header[-1] == "Share in place (%)" and len(header) == 3 + len(PROFILE_ARTICLES) + 1
    assert georgia[header.index("Art. 2")] == "In place" and georgia[header.index("Art. 3")] == "Not in place"
    assert georgia[header.index("Art. 4")] == "" and georgia[-1] == "50.0"

    response = client.get(reverse("legislation:legislation_map_export", args=["xlsx"]), {"group": "substantive"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][3:5] == ["Art. 2", "Art. 3"] and "Art. 16" not in values[0]
    assert values[1][:5] == ["Georgia", "GE", "Asia", "In place", "Partially in place"] and values[1][-1] == 50
    assert client.get(reverse("legislation:legislation_map_export", args=["pdf"])).status_code == 404


def test_the_map_export_says_when_a_level_shown_is_sample_data(client, staff):
    assess(staff, "GE", 2, "in_place", D(2016, 1, 1), is_sample=True)
    assess(staff, "GE", 2, "partially", D(2017, 1, 1))  # real, and in force from 2017
    assess(staff, "AM", 2, "in_place", D(2016, 1, 1))
    url = reverse("legislation:legislation_map_export", args=["xlsx"])

    (rows,) = sample_sheets(client.get(url, {"at": "2016-12-31"}))
    (real,) = real_sheets(client.get(url, {"at": "2017-12-31"}))  # the sample statement is no longer shown

    assert rows[0][:3] == ("Country", "ISO alpha-2", "Region") and [row[1] for row in rows[1:]] == ["AM", "GE"]
    assert real[0][:3] == ("Country", "ISO alpha-2", "Region") and len(real) == 3
    marked = client.get(reverse("legislation:legislation_map"), {"at": "2016-12-31", "format": "csv"})
    assert file_name(marked) == "octopus-legislation-map-2016-12-31-SAMPLE-DATA.csv"


# --- a country's profile -------------------------------------------------------------------------------------------


def test_the_profile_shows_the_statement_in_force_with_its_history_and_never_a_draft(client, staff):
    focal = make_user(Role.FOCAL_POINT)
    code = services.record_law(country("GE"), title="Criminal Code of Georgia", year=1999, user=staff, reviewed=True)
    services.record_law(country("GE"), title="Draft cybercrime law", year=2015, user=focal)
    assess(staff, "GE", 6, "not_in_place", D(2015, 3, 1), provisions="Nothing on devices.")
    assess(
        staff,
        "GE",
        6,
        "in_place",
        D(2016, 6, 30),
        provisions="Article 286 of the Criminal Code.",
        note="Amended in 2016.",
        citation="T-CY(2016)1",
        laws=[code],
        source="tcy_assessment",
    )
    assess(focal, "GE", 6, "partially", D(2016, 7, 1), provisions="SECRET DRAFT WORDING", reviewed=False)
    url = reverse("legislation:legislation_profile", args=["ge"])

    page = client.get(url, {"at": "2016-06-30"}).content.decode()
    start = page.index('data-article="6"')
    row = page[start : page.index("</tr>", start)]
    assert 'data-level="in_place"' in row and "Article 286 of the Criminal Code." in row
    assert "T-CY assessment" in row and "30 Jun 2016" in row and "T-CY(2016)1" in row and "Amended in 2016." in row
    assert "Criminal Code of Georgia (1999)" in row and "History (2 statements)" in row and "Nothing on devices." in row
    assert "SECRET DRAFT WORDING" not in page and "Draft cybercrime law" not in page
    assert "100.0 %" in page  # one article assessed, in place

    day_before = client.get(url, {"at": "2016-06-29"}).content.decode()
    start = day_before.index('data-article="6"')
    assert 'data-level="not_in_place"' in day_before[start : day_before.index("</tr>", start)]
    assert "Article 286" not in day_before


def test_a_profile_with_nothing_reviewed_says_so_and_an_unknown_country_is_a_404(client, staff):
    assess(make_user(Role.FOCAL_POINT), "GE", 6, "in_place", D(2016, 1, 1), reviewed=False)

    page = client.get(reverse("legislation:legislation_profile", args=["GE"])).content.decode()

    assert "No reviewed statement on this country's legislation yet" in page
    assert client.get(reverse("legislation:legislation_profile", args=["XX"])).status_code == 404
    country_page = client.get(reverse("treaties:country", args=["GE"])).content.decode()
    assert reverse("legislation:legislation_profile", args=["GE"]) in country_page


def test_the_profile_reads_a_fixed_number_of_queries(client, staff, django_assert_num_queries):
    law = services.record_law(country("GE"), title="Criminal Code", year=2000, user=staff, reviewed=True)
    assess(staff, "GE", 2, "in_place", D(2016, 1, 1), laws=[law])
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("legislation:legislation_profile", args=["GE"]))
    # country, profile articles, assessments, the laws they cite, the country's laws (and what the base page reads)
    assert len(queries) <= 7
    for number in sorted(PROFILE_ARTICLES):
        assess(staff, "GE", number, "partially", D(2016, 2, 1), laws=[law])
        assess(staff, "GE", number, "in_place", D(2016, 3, 1), laws=[law])
    with django_assert_num_queries(len(queries)):
        client.get(reverse("legislation:legislation_profile", args=["GE"]))


# --- an article's page ---------------------------------------------------------------------------------------------


def test_the_article_page_lists_countries_by_level_and_refuses_articles_outside_the_profile(client, staff):
    assess(staff, "GE", 6, "in_place", D(2016, 1, 1))
    assess(staff, "AM", 6, "in_place", D(2016, 1, 1))
    assess(staff, "MD", 6, "partially", D(2016, 1, 1))
    assess(staff, "MD", 6, "in_place", D(2018, 1, 1))  # after the day asked
    assess(make_user(Role.FOCAL_POINT), "FR", 6, "in_place", D(2016, 1, 1), reviewed=False)

    page = client.get(reverse("legislation:legislation_article", args=[6]), {"at": "2017-01-01"}).content.decode()

    assert "Article 6 – Misuse of devices" in page
    in_place = page[page.index('data-level="in_place"') :]
    in_place = in_place[: in_place.index("</section>")]
    assert 'data-iso2="AM"' in in_place and 'data-iso2="GE"' in in_place and 'data-iso2="MD"' not in in_place
    assert reverse("legislation:legislation_profile", args=["AM"]) in in_place
    assert 'data-iso2="FR"' not in page
    counts = page[page.index("data-counts") : page.index("</ul>", page.index("data-counts"))]
    assert "In place: <strong>2</strong>" in counts and "Partially in place: <strong>1</strong>" in counts
    assert client.get(reverse("legislation:legislation_article", args=[23])).status_code == 404
    assert client.get(reverse("legislation:legislation_article", args=[48])).status_code == 404


# --- the file of a law ---------------------------------------------------------------------------------------------


def test_a_reviewed_laws_file_is_public_and_a_drafts_only_for_those_who_keep_the_profile(client, staff):
    reviewed = law_with_file(staff, "GE", "Criminal Code", name="criminal-code.pdf")
    draft = law_with_file(staff, "GE", "Draft law", reviewed=False, content=PDF + b"draft", name="draft.pdf")

    response = client.get(reverse("legislation:law_file", args=[reviewed.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="criminal-code.pdf"'

    assert client.get(reverse("legislation:law_file", args=[draft.pk])).status_code == 404
    client.force_login(make_user(Role.DONOR))
    assert client.get(reverse("legislation:law_file", args=[draft.pk])).status_code == 404
    other = Law.objects.get(pk=draft.pk)
    other.country = country("AM")
    other.save()
    client.force_login(make_user(Role.FOCAL_POINT))  # focal point of Georgia
    assert client.get(reverse("legislation:law_file", args=[other.pk])).status_code == 404
    other.country = country("GE")
    other.save()
    response = client.get(reverse("legislation:law_file", args=[draft.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF + b"draft"

    Law.objects.filter(pk=draft.pk).update(state=ReviewState.REJECTED)
    client.force_login(staff)
    assert client.get(reverse("legislation:law_file", args=[draft.pk])).status_code == 200
    client.logout()
    assert client.get(reverse("legislation:law_file", args=[draft.pk])).status_code == 404
    assert client.get(reverse("legislation:law_file", args=[999999])).status_code == 404
