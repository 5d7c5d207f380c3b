"""The people pages as staff use them."""

import csv
import datetime
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from octopus.accounts.models import AuditEntry
from octopus.events.tests.sample_files import file_name, real_sheets, sample_sheets
from octopus.people import services
from octopus.people.models import Consent, Organisation, Person
from octopus.people.tests.conftest import add_person, country


@pytest.fixture
def signed_in(client, staff):
    client.force_login(staff)
    return client


def names(html: str) -> list[str]:
    return re.findall(r'<tr data-person="\d+">\s*<td><a href="[^"]+">([^<]+)</a>', html)


def test_the_list_filters_and_sorts(signed_in, staff, nino):
    add_person(staff, "Giorgi", "Abashidze", sex="male")
    add_person(staff, "Ani", "Petrosyan", iso2="AM", sex="female")

    everyone = signed_in.get(reverse("people:people_list")).content.decode()
    women = signed_in.get(reverse("people:people_list") + "?sex=female&sort=-name").content.decode()
    police = signed_in.get(reverse("people:people_list") + "?sector=police").content.decode()
    armenia = signed_in.get(reverse("people:people_list") + "?country=am").content.decode()
    searched = signed_in.get(reverse("people:people_list") + "?q=beri").content.decode()

    assert names(everyone) == ["ABASHIDZE, Giorgi", "BERIDZE, Nino", "PETROSYAN, Ani"]
    assert names(women) == ["PETROSYAN, Ani", "BERIDZE, Nino"]
    assert names(police) == names(searched) == ["BERIDZE, Nino"]
    assert names(armenia) == ["PETROSYAN, Ani"]
    assert "3 people" in everyone


def test_the_list_says_what_to_do_when_empty(signed_in):
    html = signed_in.get(reverse("people:people_list")).content.decode()
    assert "No one is recorded yet" in html and reverse("people:people_person_create") in html

    filtered = signed_in.get(reverse("people:people_list") + "?q=nobody").content.decode()
    assert "Nobody matches these filters." in filtered


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("people:people_list") + "?sort=organisation").status_code == 200
    return len(captured.captured_queries)


def test_the_list_runs_a_fixed_number_of_queries(signed_in, staff, nino, police):
    few = list_queries(signed_in)
    for n in range(30):
        person = add_person(staff, f"Person{n}", f"Tested{n}", organisation=police, email=f"p{n}@example.org")
        services.record_consent(person, purpose="publish_list", granted=True, user=staff, source="form")

    assert list_queries(signed_in) == few


def test_adding_a_person_with_a_known_e_mail_keeps_what_was_typed(signed_in, nino):
    response = signed_in.post(
        reverse("people:people_person_create"),
        {"first_name": "Nina", "last_name": "Beridze", "email": "NINO.BERIDZE@police.ge", "country": country("GE").pk},
    )

    html = response.content.decode()
    assert 'data-field-error="email"' in html
    assert "Nino BERIDZE is already recorded with this e-mail" in html
    assert 'value="Nina"' in html
    assert Person.objects.count() == 1


def test_adding_then_editing_a_person(signed_in, police):
    response = signed_in.post(
        reverse("people:people_person_create"),
        {
            "title": "Ms",
            "first_name": "Ani",
            "last_name": "Petrosyan",
            "email": "ani@example.am",
            "sex": "female",
            "organisation": police.pk,
            "country": country("AM").pk,
        },
    )
    person = Person.objects.get(email="ani@example.am")
    assert response.status_code == 302 and response.url == reverse("people:people_person", args=[person.pk])

    signed_in.post(
        reverse("people:people_person_edit", args=[person.pk]),
        {
            "first_name": "Ani",
            "last_name": "Petrosyan",
            "position": "Judge",
            "version": person.version,
            "country": country("AM").pk,
        },
    )

    person.refresh_from_db()
    assert (person.position, person.version, person.title) == ("Judge", 2, "")


def test_a_stale_edit_keeps_what_was_typed(signed_in, staff, nino):
    services.update_person(nino, version=1, user=staff, position="Head of unit")

    response = signed_in.post(
        reverse("people:people_person_edit", args=[nino.pk]),
        {"first_name": "Nino", "last_name": "Beridze", "position": "Prosecutor", "version": 1},
    )

    html = response.content.decode()
    assert "Someone changed this person while you were editing" in html
    assert 'value="Prosecutor"' in html and 'name="version" value="2"' in html
    assert Person.objects.get(pk=nino.pk).position == "Head of unit"


def test_opening_a_record_is_logged_and_shows_consents(signed_in, staff, nino):
    signed_in.post(
        reverse("people:people_person_consent", args=[nino.pk]),
        {"purpose": "publish_list", "granted": "yes", "source": "Registration form"},
    )

    html = signed_in.get(reverse("people:people_person", args=[nino.pk])).content.decode()

    row = re.search(r'data-consent="publish_list">(.*?)</tr>', html, re.S).group(1)
    assert "yes" in row and "Registration form" in row
    assert Consent.objects.get(person=nino).granted is True
    assert AuditEntry.objects.filter(action="people.person.viewed", object_id=str(nino.pk), user=staff).count() == 1


def test_an_incomplete_consent_changes_nothing(signed_in, nino):
    url = reverse("people:people_person_consent", args=[nino.pk])
    response = signed_in.post(url, {"purpose": "publish_list"}, follow=True)

    assert "nothing changed" in response.content.decode()
    assert not Consent.objects.exists()


def test_a_merged_record_leads_to_the_one_it_was_merged_into(signed_in, staff, nino):
    twin = add_person(staff, "Nino", "Beridze")
    services.merge_people(nino, twin, user=staff)

    response = signed_in.get(reverse("people:people_person", args=[twin.pk]))

    assert response.status_code == 302 and response.url == reverse("people:people_person", args=[nino.pk])


def test_duplicates_are_listed_and_merged_through_the_pages(signed_in, staff, nino):
    twin = add_person(staff, "Nino", "Beridze", phone="+995 1")
    listed = signed_in.get(reverse("people:people_duplicates")).content.decode()
    assert f'data-pair="{nino.pk}-{twin.pk}"' in listed and "same name, same country" in listed

    response = signed_in.post(reverse("people:people_merge", args=[nino.pk, twin.pk]), {"keep": str(twin.pk)})

    assert response.status_code == 302 and response.url == reverse("people:people_person", args=[twin.pk])
    nino.refresh_from_db()
    assert nino.merged_into_id == twin.pk
    assert Person.objects.get(pk=twin.pk).email == "nino.beridze@police.ge"
    assert "No likely duplicates" in signed_in.get(reverse("people:people_duplicates")).content.decode()


def test_erasing_through_the_page_needs_a_reason_and_a_confirmation(signed_in, nino):
    url = reverse("people:people_person_erase", args=[nino.pk])

    refused = signed_in.post(url, {"reason": "Request of 3 May"})
    assert refused.status_code == 400 and 'data-field-error="confirm"' in refused.content.decode()
    assert Person.objects.get(pk=nino.pk).last_name == "Beridze"

    signed_in.post(url, {"reason": "Request of 3 May", "confirm": "on"})
    html = signed_in.get(reverse("people:people_person", args=[nino.pk])).content.decode()

    assert "data-erased" in html and "Beridze" not in html
    assert Person.objects.get(pk=nino.pk).anonymised_at is not None


def test_a_person_s_data_downloads_as_json(signed_in, nino):
    response = signed_in.get(reverse("people:people_person_data", args=[nino.pk]))

    data = json.loads(response.content)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="person-{nino.pk}-')
    assert (data["person"]["email"], data["organisation"]["sector"]) == ("nino.beridze@police.ge", "police")
    # One entry, about the person, under the user who took it: in the person's history.
    (entry,) = AuditEntry.objects.filter(user__isnull=False, action__contains="export")
    assert (entry.action, entry.object_id) == ("people.person.exported", str(nino.pk))
    html = signed_in.get(reverse("people:people_person", args=[nino.pk])).content.decode()
    assert 'data-action="people.person.exported">Their data exported<' in html


def test_the_list_of_organisations_holds_no_personal_data_and_is_not_logged(signed_in, police, nino):
    before = AuditEntry.objects.count()

    assert signed_in.get(reverse("people:people_organisation_export", args=["xlsx"])).status_code == 200

    assert AuditEntry.objects.count() == before


def test_the_export_follows_the_filters_and_neutralises_formulas(signed_in, staff, nino):
    add_person(staff, '=HYPERLINK("http://x")', "-Evil", iso2="AM", email="evil@example.org")
    services.record_consent(nino, purpose="publish_list", granted=True, user=staff, source="form")

    everyone = list(
        csv.reader(io.StringIO(signed_in.get(reverse("people:people_export", args=["csv"])).content.decode()))
    )
    georgia = list(
        csv.reader(
            io.StringIO(signed_in.get(reverse("people:people_export", args=["csv"]) + "?country=GE").content.decode())
        )
    )

    assert everyone[0][:4] == ["Last name", "First name", "Title", "Sex"]
    assert [row[0] for row in everyone[1:]] == ["'-Evil", "Beridze"]
    assert everyone[1][1] == '\'=HYPERLINK("http://x")'
    assert georgia[1][:11] == [
        "Beridze",
        "Nino",
        "",
        "Female",
        "nino.beridze@police.ge",
        "",
        "",
        "Cybercrime Division",
        "Police",
        "Georgia",
        "GE",
    ]
    assert georgia[1][11:13] == ["True", "False"]
    assert len(georgia) == 2
    entries = AuditEntry.objects.filter(action="people.people.downloaded", user=staff)
    assert [(entry.data["rows"], entry.data["filters"]) for entry in entries] == [
        (1, {"sort": "name", "country": "GE"}),
        (2, {"sort": "name"}),
    ]
    assert entries[0].data["file"] == f"people-{timezone.localdate()}.csv"


def test_the_xlsx_export_opens_with_the_same_rows(signed_in, nino):
    from openpyxl import load_workbook

    response = signed_in.get(reverse("people:people_export", args=["xlsx"]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "People"
    assert rows[1][:2] == ("Beridze", "Nino") and rows[1][9] == "Georgia"
    assert len(rows) == 2


def test_organisations_list_with_counts_and_export(signed_in, staff, nino, police):
    services.create_organisation(
        name="Council of Europe", acronym="CoE", sector="international_organisation", user=staff
    )

    html = signed_in.get(reverse("people:people_organisations") + "?country=INT").content.decode()
    exported = signed_in.get(reverse("people:people_organisation_export", args=["csv"])).content.decode()

    assert re.findall(r'data-organisation="\d+">\s*<td><a[^>]*>([^<]+)</a>', html) == ["Council of Europe (CoE)"]
    assert list(csv.reader(io.StringIO(exported)))[1:] == [
        [
            "Council of Europe",
            "CoE",
            "International organisation",
            "International",
            "",
            "0",
            str(Organisation.objects.get(acronym="CoE").pk),
        ],
        ["Cybercrime Division", "", "Police", "Georgia", "GE", "1", str(police.pk)],
    ]


def test_exports_holding_a_sample_person_or_organisation_say_so(signed_in, staff, nino, police):
    add_person(staff, "Sam", "Sample", iso2="AM", is_sample=True)
    services.create_organisation(name="Sample Unit", sector="police", country=country("AM"), user=staff, is_sample=True)

    (people,) = sample_sheets(signed_in.get(reverse("people:people_export", args=["xlsx"])))
    (georgia,) = real_sheets(signed_in.get(reverse("people:people_export", args=["xlsx"]) + "?country=GE"))
    (units,) = sample_sheets(signed_in.get(reverse("people:people_organisation_export", args=["xlsx"])))
    (real_units,) = real_sheets(
        signed_in.get(reverse("people:people_organisation_export", args=["xlsx"]) + "?country=GE")
    )

    assert people[0][:2] == ("Last name", "First name") and [row[0] for row in people[1:]] == ["Beridze", "Sample"]
    assert georgia[0][:2] == ("Last name", "First name") and [row[0] for row in georgia[1:]] == ["Beridze"]
    assert units[0][:2] == ("Name", "Acronym") and len(units) == 3
    assert [row[0] for row in real_units] == ["Name", "Cybercrime Division"]
    csv_response = signed_in.get(reverse("people:people_export", args=["csv"]))
    assert file_name(csv_response) == f"people-{timezone.localdate()}-SAMPLE-DATA.csv"


def test_an_organisation_already_recorded_keeps_what_was_typed(signed_in, police):
    response = signed_in.post(
        reverse("people:people_organisation_create"),
        {"name": "CYBERCRIME DIVISION", "acronym": "CCD", "sector": "police", "country": country("GE").pk},
    )

    html = response.content.decode()
    assert "is already recorded for this country" in html and 'value="CCD"' in html
    assert Organisation.objects.count() == 1


def test_adding_someone_with_a_close_name_in_the_same_country_asks_first(signed_in, nino):
    typed = {"first_name": "Nino", "last_name": "Beridse", "country": country("GE").pk, "position": "Judge"}

    asked = signed_in.post(reverse("people:people_person_create"), typed)

    html = asked.content.decode()
    assert f"This may be someone already recorded: Nino BERIDZE (#{nino.pk}, close names, same country)" in html
    assert reverse("people:people_person", args=[nino.pk]) in re.search(r"data-similar>(.*?)</ul>", html, re.S).group(1)
    assert 'value="Judge"' in html and Person.objects.count() == 1

    signed_in.post(reverse("people:people_person_create"), {**typed, "different_person": "on"})

    assert Person.objects.filter(last_name="Beridse").count() == 1


def test_an_organisation_recorded_twice_is_merged_from_its_page(signed_in, staff, nino, police):
    twice = services.create_organisation(name="Cyber Police", sector="police", country=country("GE"), user=staff)
    add_person(staff, "Giorgi", "Abashidze", organisation=twice)
    edit = signed_in.get(reverse("people:people_organisation_edit", args=[police.pk])).content.decode()
    assert reverse("people:people_organisation_merge", args=[police.pk]) in edit

    response = signed_in.post(reverse("people:people_organisation_merge", args=[police.pk]), {"duplicate": twice.pk})

    assert response.status_code == 302
    assert response.url == reverse("people:people_list") + f"?organisation={police.pk}"
    assert names(signed_in.get(response.url).content.decode()) == ["ABASHIDZE, Giorgi", "BERIDZE, Nino"]
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Cybercrime Division"]


def organisation_list_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("people:people_organisations")).status_code == 200
    return len(captured.captured_queries)


def test_the_organisation_list_runs_a_fixed_number_of_queries(signed_in, staff, police):
    few = organisation_list_queries(signed_in)
    for n in range(15):
        other = services.create_organisation(name=f"Unit {n}", sector="police", country=country("AM"), user=staff)
        add_person(staff, "Ani", f"Petrosyan{n}", iso2="AM", organisation=other)

    assert organisation_list_queries(signed_in) == few


def test_the_person_page_lists_their_registrations_and_a_readable_history(
    signed_in, staff, nino, django_assert_num_queries
):
    from octopus.events import services as events_services
    from octopus.events.tests.conftest import make_event, open_form

    events = [make_event(staff, slug=f"workshop-{n}", starts_on=datetime.date(2016 + n, 5, 10)) for n in (1, 2)]
    for event in events:
        registration = events_services.register_person(
            open_form(event),
            person_fields={"email": nino.email, "first_name": "Nino", "last_name": "Beridze"},
            user=None,
        )
    events_services.transition_registration(registration, to="approved", version=1, user=staff)
    services.update_person(Person.objects.get(pk=nino.pk), version=1, user=staff, position="Prosecutor")
    url = reverse("people:people_person", args=[nino.pk])

    html = signed_in.get(url).content.decode()

    rows = re.findall(r'<tr data-registration="(\d+)">(.*?)</tr>', html, re.S)
    assert [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for _pk, row in rows] == [
        "Workshop 2 10 May 2018 – 11 May 2018 Approved Participant",
        "Workshop 1 10 May 2017 – 11 May 2017 Pending Participant",
    ]
    assert f'href="{reverse("events:registration", args=["workshop-2", int(rows[0][0])])}"' in html
    history = re.search(r"data-history>(.*?)</ul>", html, re.S).group(1)
    assert "Details changed" in history and "Record created" in history
    assert "people.person.updated" not in re.sub(r'data-action="[^"]+"', "", history)

    # The registrations come in one query, however many there are.
    event = make_event(staff, slug="workshop-3", starts_on=datetime.date(2019, 5, 10))
    with CaptureQueriesContext(connection) as before:
        signed_in.get(url)
    events_services.register_person(
        open_form(event), person_fields={"email": nino.email, "first_name": "Nino", "last_name": "Beridze"}, user=None
    )
    with django_assert_num_queries(len(before)):
        signed_in.get(url)
