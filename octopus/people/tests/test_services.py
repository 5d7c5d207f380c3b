import datetime

import pytest

from octopus.accounts.models import AuditEntry
from octopus.events import services as event_services
from octopus.events.models import Kind, Registration, Status
from octopus.lib.errors import ConflictError, DomainError
from octopus.people import services
from octopus.people.models import Consent, Person
from octopus.people.queries import duplicate_pairs, duplicates_of
from octopus.people.tests.conftest import add_person, country
from octopus.testing.factories import RegistrationFormFactory


def workshop(staff, slug="workshop-ge-2016", starts_on=datetime.date(2016, 5, 10)):
    event = event_services.create_event(
        user=staff,
        slug=slug,
        title=slug,
        kind=Kind.IN_COUNTRY_WORKSHOP,
        starts_on=starts_on,
        ends_on=starts_on,
        status=Status.CONFIRMED,
        country=country("GE"),
    )
    return RegistrationFormFactory(event=event, requires_approval=False)


def test_e_mail_is_kept_lower_case_and_finds_the_person(nino):
    assert nino.email == "nino.beridze@police.ge"
    assert services.find_person(email=" NINO.BERIDZE@police.ge ") == nino


def test_a_stale_edit_is_refused_and_changes_nothing(staff, nino):
    services.update_person(nino, version=1, user=staff, position="Head of unit")

    with pytest.raises(ConflictError):
        services.update_person(nino, version=1, user=staff, position="Prosecutor")

    nino.refresh_from_db()
    assert (nino.position, nino.version) == ("Head of unit", 2)


def test_an_organisation_name_is_unique_per_country(staff, police):
    with pytest.raises(DomainError, match="already recorded"):
        services.create_organisation(name="cybercrime division", sector="police", country=country("GE"), user=staff)
    other = services.create_organisation(name="Cybercrime Division", sector="police", country=country("AM"), user=staff)

    with pytest.raises(DomainError, match="already recorded"):
        services.update_organisation(other, country=country("GE"), user=staff)

    other.refresh_from_db()
    assert other.country.iso2 == "AM"


def test_duplicates_by_e_mail_and_by_close_names_in_the_same_country(staff, nino):
    same_email = add_person(staff, "N.", "Beridze-Kapanadze", email="nino.beridze@police.ge")
    swapped = add_person(staff, "Beridze", "Nino")  # first and last name swapped
    accented = add_person(staff, "Nìno", "Beridzé")  # typed with accents
    typo = add_person(staff, "Nino", "Beridse")
    elsewhere = add_person(staff, "Nino", "Beridze", iso2="AM")  # the same name in another country: not a duplicate
    stranger = add_person(staff, "Giorgi", "Tsiklauri")

    pairs = {(p.first.pk, p.second.pk): p.reason for p in duplicate_pairs()}

    assert pairs[(nino.pk, same_email.pk)] == "same e-mail"
    assert pairs[(nino.pk, swapped.pk)] == "same name, same country"
    assert pairs[(nino.pk, accented.pk)] == "same name, same country"
    assert pairs[(nino.pk, typo.pk)] == "close names, same country"
    assert not any(elsewhere.pk in pair or stranger.pk in pair for pair in pairs)
    assert {p.second.pk for p in duplicates_of(nino) if p.first == nino} == {
        same_email.pk,
        swapped.pk,
        accented.pk,
        typo.pk,
    }


def test_merging_moves_every_registration_and_keeps_the_duplicate_as_a_pointer(staff, nino):
    twin = add_person(staff, "Nino", "Beridze", phone="+995 32 000", position="Prosecutor")
    first, second = workshop(staff), workshop(staff, slug="workshop-ge-2017", starts_on=datetime.date(2017, 5, 10))
    event_services.register_person(first, person=nino)
    event_services.register_person(second, person=twin)
    services.record_consent(twin, purpose="publish_list", granted=True, user=staff, source="form 2017")

    kept = services.merge_people(nino, twin, user=staff)

    twin.refresh_from_db()
    assert twin.merged_into == kept == nino
    assert sorted(Registration.objects.filter(person=kept).values_list("event__slug", flat=True)) == [
        "workshop-ge-2016",
        "workshop-ge-2017",
    ]
    assert Registration.objects.filter(person=twin).count() == 0
    assert (kept.phone, kept.position, kept.email) == ("+995 32 000", "Prosecutor", "nino.beridze@police.ge")
    assert list(Person.objects.consenting_to("publish_list")) == [kept]
    assert list(Person.objects.current().filter(last_name="Beridze")) == [kept]
    entry = AuditEntry.objects.get(action="people.person.merged")
    assert entry.data == {"merged": twin.pk, "moved": {"events.registration": 1}}


def test_two_registrations_for_the_same_event_merge_into_one_live_registration_losing_none(staff, nino):
    twin = add_person(staff, "Nino", "Beridze")
    form = workshop(staff, starts_on=datetime.date(2016, 5, 10))
    mine = event_services.register_person(form, person=nino)
    theirs = event_services.register_person(form, person=twin)
    event_services.check_in(theirs, day=datetime.date(2016, 5, 10), user=staff)

    services.merge_people(nino, twin, user=staff)

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.person, mine.state, theirs.person, theirs.state) == (nino, "approved", nino, "cancelled")
    assert theirs.note == f"Duplicate of registration #{mine.pk} (people merged)."
    assert [a.day for a in mine.attendance.all()] == [datetime.date(2016, 5, 10)]
    assert Registration.objects.filter(event=form.event).count() == 2
    assert Person.objects.get(pk=twin.pk).merged_into == nino


def test_the_most_recent_consent_answer_wins_in_a_merge(staff, nino):
    twin = add_person(staff, "Nino", "Beridze")
    services.record_consent(nino, purpose="future_contact", granted=True, user=staff, source="2016 form")
    services.record_consent(twin, purpose="future_contact", granted=False, user=staff, source="e-mail withdrawing")

    services.merge_people(nino, twin, user=staff)

    consent = Consent.objects.get(person=nino, purpose="future_contact")
    assert (consent.granted, consent.source) == (False, "e-mail withdrawing")
    assert Consent.objects.filter(person=twin).count() == 0


def test_erasure_keeps_what_counts_and_removes_who_it_was(staff, nino):
    twin = add_person(staff, "Nino", "Beridze", email="nino@example.ge")
    services.merge_people(nino, twin, user=staff)
    form = workshop(staff)
    registration = event_services.register_person(form, person=nino)
    services.record_consent(nino, purpose="publish_list", granted=True, user=staff, source="form")

    services.anonymise_person(nino, user=staff, reason="Request of 3 May")

    for record in (Person.objects.get(pk=nino.pk), Person.objects.get(pk=twin.pk)):
        assert (record.first_name, record.last_name, record.email, record.phone, record.position) == (
            "",
            "—",
            "",
            "",
            "",
        )
        assert record.anonymised_at is not None
    erased = Person.objects.get(pk=nino.pk)
    assert (erased.sex, erased.country.iso2, erased.organisation.sector) == ("female", "GE", "police")
    assert Registration.objects.get(pk=registration.pk).person_id == nino.pk
    assert Consent.objects.filter(person=nino).count() == 0
    everything = [str(e.object_repr) + str(e.before) + str(e.after) for e in AuditEntry.objects.all()]
    assert not [text for text in everything if "Beridze" in text or "nino" in text.lower()]
    assert AuditEntry.objects.get(action="people.person.anonymised").data == {"reason": "Request of 3 May"}


def test_erasure_needs_a_reason(staff, nino):
    with pytest.raises(DomainError, match="Say why"):
        services.anonymise_person(nino, user=staff, reason=" ")

    assert Person.objects.get(pk=nino.pk).last_name == "Beridze"


def test_the_export_holds_the_person_their_records_and_history(staff, nino):
    registration = event_services.register_person(workshop(staff), person=nino)
    services.record_consent(nino, purpose="publish_list", granted=True, user=staff, source="form")

    data = services.export_person_data(nino, user=staff)

    assert data["person"]["last_name"] == "Beridze"
    assert data["organisation"]["name"] == "Cybercrime Division"
    assert data["country"] == "Georgia"
    assert [(c["purpose"], c["granted"]) for c in data["consents"]] == [("publish_list", True)]
    assert [r["id"] for r in data["records"]["events.registration"]] == [registration.pk]
    assert [h["action"] for h in data["history"]] == ["people.person.created", "people.consent.recorded"]
    assert AuditEntry.objects.filter(action="people.person.exported", object_id=str(nino.pk)).count() == 1


def test_merging_organisations_moves_their_people_and_deletes_the_duplicate(staff, nino, police):
    twice = services.create_organisation(
        name="Cybercrime Div.", acronym="CCD", sector="police", country=country("GE"), user=staff
    )
    colleague = add_person(staff, "Giorgi", "Abashidze", organisation=twice)

    kept = services.merge_organisations(police, twice, user=staff)

    colleague.refresh_from_db()
    assert colleague.organisation == kept == police
    assert kept.acronym == "CCD"
    assert not type(police).objects.filter(pk=twice.pk).exists()
    entry = AuditEntry.objects.get(action="people.organisation.merged")
    assert entry.data == {"merged": twice.pk, "moved": {"people.person": 1}}


def test_an_organisation_named_again_is_refused_or_returned_when_a_registration_names_it(staff):
    police = services.create_organisation(name="Cyber Police", sector="police", country=country("GE"), user=staff)

    with pytest.raises(DomainError, match="Cyber Police is already recorded for this country."):
        services.create_organisation(name="cyber police", sector="police", country=country("GE"), user=staff)
    again = services.create_organisation(
        name="cyber police ", sector="police", country=country("GE"), user=staff, existing_ok=True
    )

    assert again == police
    assert AuditEntry.objects.filter(action="people.organisation.created").count() == 1
