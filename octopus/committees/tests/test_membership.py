"""Membership of the T-CY on its pages and over the API; representatives and the Bureau with their refusals and
audit."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from octopus.accounts.models import AuditEntry, Role
from octopus.api import SAMPLE_HEADER
from octopus.committees.models import BureauTerm, Committee, ObserverAdmission, Representative
from octopus.committees.queries.membership import membership_at
from octopus.committees.services import membership
from octopus.countries.models import Country
from octopus.lib.errors import DomainError
from octopus.people.models import Organisation, Person
from octopus.testing.helpers import assert_problem, bearer_for, make_user

D = datetime.date


@pytest.fixture
def staff(db):
    return make_user(Role.TCY_SECRETARIAT)


@pytest.fixture
def tcy(db):
    return Committee.objects.get(code="T-CY")


@pytest.fixture
def bureau(db):
    return Committee.objects.get(code="T-CY Bureau")


def country(iso2: str) -> Country:
    return Country.objects.get(iso2=iso2)


def unodc() -> Organisation:
    return Organisation.objects.create(name="UNODC", sector="international_organisation")


def person_fields(first: str, last: str) -> dict:
    return {"first_name": first, "last_name": last, "email": f"{first.lower()}@example.org"}


# --- representatives --------------------------------------------------------------------------------------------


def test_a_representative_stands_for_a_member_or_an_observer_and_one_head_at_a_time(tcy, staff):
    head = membership.appoint_representative(
        tcy,
        country=country("GE"),
        role="head",
        starts_on=D(2016, 1, 1),
        person_fields=person_fields("Giorgi", "Tsiklauri"),
        user=staff,
    )
    with pytest.raises(DomainError, match="Georgia already has a head of delegation"):
        membership.appoint_representative(
            tcy,
            country=country("GE"),
            role="head",
            starts_on=D(2016, 2, 1),
            person_fields=person_fields("Nino", "Beridze"),
            user=staff,
        )
    with pytest.raises(DomainError, match="already represents Georgia"):
        membership.appoint_representative(
            tcy, country=country("GE"), role="alternate", starts_on=D(2016, 2, 1), person=head.person, user=staff
        )
    with pytest.raises(DomainError, match="China is neither a member nor an observer of T-CY on 2016-01-01"):
        membership.appoint_representative(
            tcy,
            country=country("CN"),
            role="head",
            starts_on=D(2016, 1, 1),
            person_fields=person_fields("Li", "Wei"),
            user=staff,
        )
    organisation = unodc()
    with pytest.raises(DomainError, match="UNODC is neither a member nor an observer"):
        membership.appoint_representative(
            tcy,
            organisation=organisation,
            role="representative",
            starts_on=D(2016, 1, 1),
            person_fields=person_fields("Ana", "Lima"),
            user=staff,
        )
    membership.admit_observer(tcy, organisation=organisation, admitted_on=D(2015, 6, 1), user=staff)
    seat = membership.appoint_representative(
        tcy,
        organisation=organisation,
        role="representative",
        starts_on=D(2016, 1, 1),
        person_fields=person_fields("Ana", "Lima"),
        user=staff,
    )

    assert (head.person.full_name, head.person.country, head.role) == ("Giorgi TSIKLAURI", country("GE"), "head")
    assert (seat.organisation, seat.person.email) == (organisation, "ana@example.org")
    assert Person.objects.filter(last_name__in=["Beridze", "Wei"]).count() == 0  # refused: nobody was created
    assert sorted(
        AuditEntry.objects.filter(action__startswith="committees.representative.").values_list("action", "object_id")
    ) == sorted(
        [("committees.representative.appointed", str(head.pk)), ("committees.representative.appointed", str(seat.pk))]
    )


def test_a_seat_ends_once_and_not_before_it_began(tcy, staff):
    seat = membership.appoint_representative(
        tcy,
        country=country("FR"),
        role="representative",
        starts_on=D(2016, 1, 1),
        person_fields=person_fields("Paul", "Martin"),
        user=staff,
    )
    with pytest.raises(DomainError, match="cannot end before it began"):
        membership.end_representation(seat, ends_on=D(2015, 12, 31), user=staff)
    ended = membership.end_representation(seat, ends_on=D(2017, 6, 30), user=staff)
    with pytest.raises(DomainError, match="already ended on 2017-06-30"):
        membership.end_representation(seat, ends_on=D(2018, 1, 1), user=staff)

    assert ended.ends_on == D(2017, 6, 30)
    entry = AuditEntry.objects.get(action="committees.representative.ended")
    assert (entry.before["ends_on"], entry.after["ends_on"], entry.user) == (None, "2017-06-30", staff)


# --- the Bureau -------------------------------------------------------------------------------------------------


def test_the_bureau_is_elected_among_the_parties_with_one_chair_at_a_time(bureau, staff):
    chair = membership.elect_bureau_member(
        bureau,
        country=country("GE"),
        role="chair",
        starts_on=D(2016, 1, 1),
        ends_on=D(2017, 12, 31),
        person_fields=person_fields("Giorgi", "T"),
        user=staff,
    )
    with pytest.raises(DomainError, match="China is not a Party on 2016-01-01"):
        membership.elect_bureau_member(
            bureau,
            country=country("CN"),
            role="member",
            starts_on=D(2016, 1, 1),
            person_fields=person_fields("Li", "Wei"),
            user=staff,
        )
    with pytest.raises(DomainError, match="already has a chair at that time"):
        membership.elect_bureau_member(
            bureau,
            country=country("FR"),
            role="chair",
            starts_on=D(2017, 6, 1),
            person_fields=person_fields("Paul", "Martin"),
            user=staff,
        )
    with pytest.raises(DomainError, match="already sits on the Bureau at that time"):
        membership.elect_bureau_member(
            bureau, country=country("GE"), role="member", starts_on=D(2017, 1, 1), person=chair.person, user=staff
        )
    with pytest.raises(DomainError, match="T-CY is not a Bureau"):
        membership.elect_bureau_member(
            bureau.parent,
            country=country("FR"),
            role="member",
            starts_on=D(2017, 1, 1),
            person=chair.person,
            user=staff,
        )
    ended = membership.end_bureau_term(chair, ends_on=D(2017, 5, 31), user=staff)
    successor = membership.elect_bureau_member(
        bureau,
        country=country("FR"),
        role="chair",
        starts_on=D(2017, 6, 1),
        person_fields=person_fields("Paul", "Martin"),
        user=staff,
    )

    assert (ended.ends_on, successor.role, successor.country.iso2) == (D(2017, 5, 31), "chair", "FR")
    assert list(
        AuditEntry.objects.filter(action__startswith="committees.bureau.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["committees.bureau.elected", "committees.bureau.ended", "committees.bureau.elected"]
    with pytest.raises(DomainError, match="already ends on 2017-05-31"):
        membership.end_bureau_term(chair, ends_on=D(2017, 12, 31), user=staff)


# --- pages ------------------------------------------------------------------------------------------------------


def test_the_public_page_lists_members_and_observers_on_a_day(client, tcy, staff, django_assert_num_queries):
    membership.admit_observer(tcy, organisation=unodc(), admitted_on=D(2014, 1, 1), decision="T-CY 10", user=staff)
    expected = membership_at(tcy, D(2016, 6, 1))

    with django_assert_num_queries(5):
        response = client.get(reverse("committees:tcy_public"), {"at": "2016-06-01"})

    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["counts"] == expected.counts
    assert 'data-member="FR"' in page and 'data-member="GE"' in page and 'data-member="CN"' not in page
    assert [(r.organisation.name, r.since) for r in response.context["observer_organisations"]] == [
        ("UNODC", D(2014, 1, 1))
    ]


def test_the_public_page_refuses_a_date_that_is_not_one(client, tcy):
    response = client.get(reverse("committees:tcy_public"), {"at": "2016-13-01"})

    assert response.status_code == 400
    assert "is not a date" in response.content.decode()


def test_the_membership_csv_reads_back(client, tcy, staff):
    membership.admit_observer(tcy, organisation=unodc(), admitted_on=D(2014, 1, 1), decision="T-CY 10", user=staff)

    response = client.get(reverse("committees:tcy_public"), {"at": "2016-06-01", "format": "csv"})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Disposition"] == 'attachment; filename="t-cy-membership-2016-06-01.csv"'
    assert rows[0] == ["Category", "State or organisation", "ISO code", "Since", "Why"]
    assert ["Member", "France", "FR", "2006-05-01", "Party"] in rows
    assert ["Member", "Georgia", "GE", "2012-10-01", "Party"] in rows
    assert rows[-1] == ["Observer organisation", "UNODC", "", "2014-01-01", "T-CY 10"]
    expected = membership_at(tcy, D(2016, 6, 1)).counts
    assert len(rows) == 1 + expected["members"] + expected["observer_states"] + expected["observer_organisations"]


def test_a_membership_csv_holding_a_sample_admission_says_so_in_its_name(client, tcy, staff):
    admission = membership.admit_observer(
        tcy, organisation=unodc(), admitted_on=D(2014, 1, 1), decision="T-CY 10", user=staff
    )
    real = client.get(reverse("committees:tcy_public"), {"at": "2016-06-01", "format": "csv"})
    ObserverAdmission.objects.filter(pk=admission.pk).update(is_sample=True)

    sample = client.get(reverse("committees:tcy_public"), {"at": "2016-06-01", "format": "csv"})

    assert real["Content-Disposition"] == 'attachment; filename="t-cy-membership-2016-06-01.csv"'
    assert sample["Content-Disposition"] == 'attachment; filename="t-cy-membership-2016-06-01-SAMPLE-DATA.csv"'


def test_the_workspace_shows_representatives_and_the_bureau_in_a_fixed_number_of_queries(
    client, tcy, bureau, staff, django_assert_num_queries
):
    membership.appoint_representative(
        tcy,
        country=country("GE"),
        role="head",
        starts_on=D(2016, 1, 1),
        person_fields=person_fields("Giorgi", "Tsiklauri"),
        user=staff,
    )
    membership.elect_bureau_member(
        bureau,
        country=country("FR"),
        role="chair",
        starts_on=D(2016, 1, 1),
        person_fields=person_fields("Paul", "Martin"),
        user=staff,
    )
    client.force_login(staff)
    client.get(reverse("committees:tcy_workspace"))  # the session and the user's roles, read once per visit

    with django_assert_num_queries(12):
        response = client.get(reverse("committees:tcy_workspace"), {"at": "2016-06-01"})

    page = response.content.decode()
    georgia = next(row for row in response.context["members"] if row.country.iso2 == "GE")
    assert [(s.person.full_name, s.role) for s in georgia.seats] == [("Giorgi TSIKLAURI", "head")]
    assert [(t.person.full_name, t.role) for t in response.context["current_terms"]] == [("Paul MARTIN", "chair")]
    assert reverse("committees:tcy_admit") in page and reverse("committees:tcy_bureau_elect") in page


def test_admitting_a_party_is_refused_on_the_form_keeping_what_was_typed(client, tcy, staff):
    client.force_login(staff)

    response = client.post(
        reverse("committees:tcy_admit"),
        {"country": country("FR").pk, "admitted_on": "2016-06-01", "decision": "Letter of 3 May"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "France is a Party on 2016-06-01, hence a member" in page
    assert 'value="Letter of 3 May"' in page
    assert not ObserverAdmission.objects.exists()


def test_a_representative_added_on_the_page_is_found_by_email_not_duplicated(client, tcy, staff):
    known = Person.objects.create(first_name="Giorgi", last_name="Tsiklauri", email="giorgi@example.org")
    client.force_login(staff)

    response = client.post(
        reverse("committees:tcy_representative_add"),
        {
            "country": country("GE").pk,
            "role": "head",
            "first_name": "G.",
            "last_name": "Tsiklauri",
            "email": "Giorgi@example.org",
            "starts_on": "2016-01-01",
        },
    )

    assert response.status_code == 302
    seat = Representative.objects.get()
    assert (seat.person, seat.country.iso2, seat.role) == (known, "GE", "head")
    assert BureauTerm.objects.count() == 0


# --- API --------------------------------------------------------------------------------------------------------


def test_the_api_gives_members_and_observers_with_their_dates(client, tcy, staff):
    organisation = unodc()
    membership.admit_observer(tcy, organisation=organisation, admitted_on=D(2014, 1, 1), decision="T-CY 10", user=staff)

    body = client.get("/api/v1/committee/members", {"at": "2016-06-01"}).json()

    assert (body["committee"], body["at"]) == ("T-CY", "2016-06-01")
    assert body["counts"] == membership_at(tcy, D(2016, 6, 1)).counts
    assert {"iso2": "GE", "name": "Georgia", "since": "2012-10-01"} in body["members"]
    assert body["observer_organisations"] == [
        {
            "id": organisation.pk,
            "name": "UNODC",
            "since": "2014-01-01",
            "decision": "T-CY 10",
            "admission": ObserverAdmission.objects.get().pk,
            "is_sample": False,
        }
    ]
    assert all(row["reasons"] for row in body["observer_states"])


def test_a_sample_observer_says_so_in_the_body_and_a_header(client, tcy, staff):
    membership.admit_observer(tcy, organisation=unodc(), admitted_on=D(2014, 1, 1), user=staff)
    real = client.get("/api/v1/committee/members", {"at": "2016-06-01"})
    sample = Organisation.objects.create(name="Sample forum", sector="international_organisation", is_sample=True)
    membership.admit_observer(tcy, organisation=sample, admitted_on=D(2015, 1, 1), user=staff)

    both = client.get("/api/v1/committee/members", {"at": "2016-06-01"})

    assert [(o["name"], o["is_sample"]) for o in real.json()["observer_organisations"]] == [("UNODC", False)]
    assert (real.json()["sample"], SAMPLE_HEADER in real.headers) == (False, False)
    assert [(o["name"], o["is_sample"]) for o in both.json()["observer_organisations"]] == [
        ("Sample forum", True),
        ("UNODC", False),
    ]
    assert (both.json()["sample"], both.headers[SAMPLE_HEADER]) == (True, "true")


def test_the_api_admits_an_observer_and_refuses_a_party(client, tcy, staff):
    headers = bearer_for(staff)

    created = client.post(
        "/api/v1/committee/admissions",
        {"country": "cn", "admitted_on": "2020-01-01", "decision": "T-CY 22"},
        content_type="application/json",
        **headers,
    )
    refused = client.post(
        "/api/v1/committee/admissions",
        {"country": "FR", "admitted_on": "2020-01-01"},
        content_type="application/json",
        **headers,
    )
    unknown = client.post(
        "/api/v1/committee/admissions",
        {"country": "XX", "admitted_on": "2020-01-01"},
        content_type="application/json",
        **headers,
    )
    neither = client.post(
        "/api/v1/committee/admissions", {"admitted_on": "2020-01-01"}, content_type="application/json", **headers
    )

    admission = ObserverAdmission.objects.get()
    assert (created.status_code, created.json()) == (
        201,
        {
            "id": admission.pk,
            "country": "CN",
            "organisation": None,
            "admitted_on": "2020-01-01",
            "ended_on": None,
            "decision": "T-CY 22",
            "is_sample": False,
        },
    )
    assert "France is a Party on 2020-01-01" in assert_problem(refused, 422)["detail"]
    assert assert_problem(unknown, 422)["errors"] == [
        {"field": "country", "message": "No country with the ISO code “XX”."}
    ]
    assert assert_problem(neither, 422)["errors"][0]["field"] == "country"
    assert AuditEntry.objects.filter(action="committees.observer.admitted").count() == 1
