"""The public portal and the staff pages, through Django's test client."""

import csv
import io

import pytest
from django.urls import reverse

from octopus.accounts.models import AuditEntry
from octopus.treaties.models import ActionKind, TreatyAction


@pytest.mark.django_db
def test_home_shows_counts_for_each_treaty_and_the_data_date(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get("/?at=2024-10-09")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-treaty="185"' in html and 'data-treaty="189"' in html and 'data-treaty="224"' in html
    # Parties counted from the deposit, as the Treaty Office counts them (76 on that day); in force its own figure.
    assert 'data-count="parties">75<' in html
    assert 'data-count="party">69<' in html and 'data-count="ratified">6<' in html
    assert "Official count on 9 Oct 2024:" in html
    assert "Reference data compiled from sources dated up to 14 January 2026." in html
    assert 'id="map-spec"' in html and 'id="timeline-spec"' in html


@pytest.mark.django_db
def test_related_standards_are_listed_with_a_visible_gap_not_zeros(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        home = client.get("/?at=2024-10-09").content.decode()
    listing = client.get("/countries/", {"treaty": 108}).content.decode()
    country = client.get("/countries/FR/").content.decode()
    sources = client.get("/sources/").content.decode()

    for number in (108, 223, 201):
        card = home.split(f'data-treaty="{number}"')[1].split("</section>")[0]
        assert 'data-gap="no-actions"' in card and "data-count" not in card
        assert f'<section id="cets-{number}"' in sources
    assert home.index('data-treaty="185"') < home.index('data-treaty="108"')
    assert "No treaty actions recorded yet for CETS 108" in listing
    assert country.count('data-gap="no-actions"') == 3
    data_protection = sources.split('<section id="cets-108"')[1].split("</section>")[0]
    assert 'data-gap="no-actions"' in data_protection and "not recorded" in data_protection


@pytest.mark.django_db
def test_the_sources_page_shows_the_bounds_and_the_states_that_explain_a_difference(client):
    html = client.get("/sources/").content.decode()

    row = html.split('data-as-of="2019-09-30"')[1].split("</tr>")[0]
    assert "64 / 63" in row
    assert "63–65" in row
    assert "Dates missing for: Ecuador, Peru" in row


@pytest.mark.django_db
def test_an_impossible_date_is_refused_with_a_message(client):
    response = client.get("/?at=2023-02-30")

    assert response.status_code == 400
    assert "“2023-02-30” is not a date (use YYYY-MM-DD); showing today instead." in response.content.decode()


@pytest.mark.django_db
def test_country_list_filters_by_status_region_and_treaty(client):
    response = client.get("/countries/", {"treaty": 185, "status": "invited", "region": "Africa", "at": "2025-01-01"})

    rows = [row["country"].iso2 for row in response.context["rows"]]
    # Niger's invitation is undated and attested only by the data set (2026-01-14), so not yet on 2025-01-01.
    assert rows == ["KE", "MW", "MZ", "RW", "ST"]
    assert all(row["status"].status == "invited" for row in response.context["rows"])


@pytest.mark.django_db
def test_country_list_query_count_is_fixed(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get("/countries/")


@pytest.mark.django_db
def test_country_list_exports_what_is_filtered_as_csv(client):
    response = client.get("/countries/", {"treaty": 224, "status": "ratified", "format": "csv"})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0] == ["country", "iso2", "region", "coe_member", "status", "since", "attested_by"]
    assert [(r[1], r[4], r[5]) for r in rows[1:]] == [
        ("JP", "Ratified or acceded, not yet in force", "2023-08-10"),
        ("RS", "Ratified or acceded, not yet in force", "2023-02-09"),
    ]


@pytest.mark.django_db
def test_country_page_shows_each_act_with_its_source_and_missing_dates_say_so(client):
    response = client.get("/countries/GB/")

    html = response.content.decode()
    # The UK's ratification of 25 May 2011 is dated by the Treaty Office notification of 1 June 2011.
    assert "since 1 September 2011" in html
    assert "JJ7249C" in html
    assert 'data-status="party"' in html


@pytest.mark.django_db
def test_country_page_at_a_date_shows_the_status_then(client):
    response = client.get("/countries/FR/?at=2006-04-30")

    section = next(s for s in response.context["sections"] if s["treaty"].number == 185)
    assert section["status"].status == "ratified"


@pytest.mark.django_db
def test_unknown_country_is_404(client):
    assert client.get("/countries/ZZ/").status_code == 404


@pytest.mark.django_db
def test_staff_records_an_action_and_the_portal_shows_it_at_once(staff_client):
    response = staff_client.post(
        reverse("treaties:action_create"),
        {"treaty": 185, "country": "KE", "kind": "acceded", "date": "2025-03-03", "source": "CoE news", "note": ""},
    )

    assert response.status_code == 302
    page = staff_client.get("/countries/KE/").content.decode()
    assert "Accession" in page and "CoE news" in page
    assert TreatyAction.objects.filter(country__iso2="KE", kind=ActionKind.ACCEDED).count() == 1


@pytest.mark.django_db
def test_a_refused_form_keeps_what_was_typed_and_says_why(staff_client):
    response = staff_client.post(
        reverse("treaties:action_create"),
        {"treaty": 185, "country": "IE", "kind": "ratified", "date": "2002-01-01", "source": "My source", "note": "n"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ratification (2002-01-01) cannot come before the signature (2002-02-28)." in html
    assert 'value="2002-01-01"' in html and "My source" in html


@pytest.mark.django_db
def test_a_form_without_date_points_at_the_field(staff_client):
    response = staff_client.post(
        reverse("treaties:action_create"), {"treaty": 185, "country": "KE", "kind": "signed", "source": "x"}
    )

    assert 'data-field-error="date"' in response.content.decode()


@pytest.mark.django_db
def test_stale_correction_from_the_page_is_refused_and_nothing_changes(staff_client):
    action = TreatyAction.objects.get(country__iso2="AL", treaty__number=185, kind=ActionKind.SIGNED)
    form = {"kind": "signed", "date": "2001-11-24", "source": action.source, "note": "", "version": action.version}
    staff_client.post(reverse("treaties:action_edit", args=[action.pk]), form)
    audits = AuditEntry.objects.count()

    response = staff_client.post(reverse("treaties:action_edit", args=[action.pk]), {**form, "date": "2001-11-25"})

    action.refresh_from_db()
    assert "Someone else changed this action" in response.content.decode()
    assert action.date.isoformat() == "2001-11-24"
    assert AuditEntry.objects.count() == audits


@pytest.mark.django_db
def test_after_a_conflict_the_form_keeps_the_typing_and_saving_again_is_deliberate(staff_client):
    action = TreatyAction.objects.get(country__iso2="AL", treaty__number=185, kind=ActionKind.SIGNED)
    stale = {"kind": "signed", "date": "2001-11-24", "source": action.source, "note": "", "version": action.version}
    staff_client.post(reverse("treaties:action_edit", args=[action.pk]), {**stale, "note": "first editor"})

    refused = staff_client.post(reverse("treaties:action_edit", args=[action.pk]), {**stale, "note": "second editor"})
    again = staff_client.post(
        reverse("treaties:action_edit", args=[action.pk]),
        {**stale, "note": "second editor", "version": refused.context["form"].data["version"]},
    )

    action.refresh_from_db()
    assert "second editor" in refused.content.decode()
    assert refused.context["form"].data["version"] == 2
    assert again.status_code == 302
    assert (action.note, action.version) == ("second editor", 3)
