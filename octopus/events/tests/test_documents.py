"""Badges, lists of participants, delegation lists and certificates as real PDFs, read back with pypdf; the public
certificate check."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from octopus.accounts.models import AuditEntry, Role
from octopus.countries.models import Country
from octopus.events import documents, services
from octopus.events.models import DelegationCategory, Event, Registration
from octopus.events.tests.conftest import person
from octopus.events.tests.sample_files import MARK, file_name, is_marked, pdf_pages
from octopus.people.models import Organisation, Sector
from octopus.people.services import create_person
from octopus.testing.helpers import make_user


def pdf_text(response) -> str:
    return "\n".join(pdf_pages(response))


def pages(response) -> int:
    return len(PdfReader(io.BytesIO(response.content)).pages)


def delegate(event, staff, country, n, *, category=DelegationCategory.MEMBER, head=False, approve=True):
    delegation = services.add_delegation(
        event, country=Country.objects.get(iso2=country), category=category, user=staff
    )
    registration = services.nominate_delegate(
        delegation, person_fields=person(n, country=country), head=head, user=staff, by_staff=True
    )
    if approve:
        registration = services.transition_registration(registration, to="approved", user=staff)
    return registration


@pytest.fixture
def people_at(event, form, staff):
    """Registrations in every protocol category, given in an order that is not the protocol order."""
    form.capacity = None
    form.save()
    unodc = Organisation.objects.create(name="UNODC", sector=Sector.INTERNATIONAL_ORGANISATION)
    official = create_person(user=staff, first_name="Olga", last_name="Unodc", organisation=unodc)
    regs = {
        "other": services.register_person(form, person_fields=person(1, country="FR"), by_staff=True),
        "observer": delegate(event, staff, "CA", 2, category=DelegationCategory.OBSERVER),
        "ge_member": delegate(event, staff, "GE", 3),
        "ge_head": delegate(event, staff, "GE", 9, head=True),
        "am": delegate(event, staff, "AM", 5),
        "organisation": services.register_person(form, person=official, by_staff=True),
        "pending": services.register_person(form, person_fields=person(7, country="GE")),
    }
    assert regs["pending"].state == "pending"
    return regs


@pytest.fixture
def office(client, staff):
    """A client signed in as the programme staff member who built the event."""
    client.force_login(staff)
    return client


def names_in_order(text: str, names: list[str]) -> list[int]:
    return [text.index(name) for name in names]


def test_provisional_list_is_in_protocol_order_and_marked(office, event, people_at):
    text = pdf_text(office.get(f"/workspace/events/{event.slug}/participants.pdf"))

    assert "PROVISIONAL" in text
    # Members (Armenia, then Georgia with its head first), observers, international organisations, others.
    order = ["Nino5 BERIDZE5", "Nino9 BERIDZE9", "Nino3 BERIDZE3", "Nino2 BERIDZE2", "Olga UNODC", "Nino1 BERIDZE1"]
    positions = names_in_order(text, order)
    assert positions == sorted(positions)
    body = text[text.index("\nMember\n") :]
    assert body.index("Armenia") < body.index("Georgia") < body.index("Observer") < body.index("Canada")
    assert text.index("International organisation") < text.index("Olga UNODC")
    assert "Head of delegation" in text
    assert "Nino7 BERIDZE7" in text  # awaiting approval: on the provisional list


def test_final_list_has_only_the_people_checked_in(office, staff, event, people_at):
    services.check_in(people_at["ge_member"], day=event.starts_on, user=staff)
    services.check_in(people_at["other"], day=event.ends_on, user=staff)

    text = pdf_text(office.get(f"/workspace/events/{event.slug}/participants.pdf?final=1"))

    assert "PROVISIONAL" not in text
    assert "Nino3 BERIDZE3" in text and "Nino1 BERIDZE1" in text
    assert text.index("Nino3 BERIDZE3") < text.index("Nino1 BERIDZE1")
    for absent in ("Nino9 BERIDZE9", "Nino7 BERIDZE7", "Olga UNODC", "Nino5 BERIDZE5"):
        assert absent not in text


def test_delegation_list_in_protocol_order(office, event, people_at):
    text = pdf_text(office.get(f"/workspace/events/{event.slug}/delegations.pdf"))

    body = text[text.index("\nMember\n") :]
    assert body.index("Armenia") < body.index("Georgia") < body.index("Observer") < body.index("Canada")
    assert text.index("Nino9 BERIDZE9") < text.index("Nino3 BERIDZE3")
    assert "Olga UNODC" not in text  # not part of a delegation
    assert "awaited" in text  # credentials not received yet


def test_badges_one_per_approved_registration_with_a_check_in_code(office, event, people_at):
    response = office.get(f"/workspace/events/{event.slug}/badges.pdf")
    text = pdf_text(response)

    assert pages(response) == 6  # everyone approved; the pending registration has no badge
    assert "Nino7 BERIDZE7" not in text
    assert "Nino3 BERIDZE3" in text and "Georgia" in text
    head = people_at["ge_head"]
    one = office.get(f"/workspace/events/{event.slug}/badges.pdf?registration={head.pk}")
    assert pages(one) == 1
    assert "Nino9 BERIDZE9" in pdf_text(one)

    badges = documents.badges(event, site="http://testserver", registration=head.pk)
    assert badges[0].url == f"http://testserver/workspace/check-in/{head.badge_key}/"
    assert badges[0].band == "category-member"
    assert str(badges[0].qr).startswith("<svg")
    observer = documents.badges(event, site="http://testserver", registration=people_at["observer"].pk)[0]
    assert (observer.band, observer.label) == ("category-observer", "Observer")
    other = documents.badges(event, site="http://testserver", registration=people_at["other"].pk)[0]
    assert (other.band, other.label) == ("role-participant", "Participant")


def test_certificate_only_for_people_checked_in(office, staff, event, people_at):
    registration = people_at["ge_member"]
    url = f"/workspace/events/{event.slug}/registrations/{registration.pk}/certificate.pdf"

    refused = office.get(url, follow=False)
    assert refused.status_code == 302
    registration.refresh_from_db()
    assert registration.certificate_code is None
    messages = [str(m) for m in refused.wsgi_request._messages]
    assert messages == ["A certificate of attendance is issued only to people checked in at the event."]

    services.check_in(registration, day=event.ends_on, user=staff)
    text = pdf_text(office.get(url))
    registration.refresh_from_db()

    assert registration.certificate_code
    assert registration.certificate_code in text
    assert "Nino3 BERIDZE3" in text
    assert "11 May 2016" in text  # the one day attended
    assert f"http://testserver/verify/{registration.certificate_code}/" in text
    # Downloading again gives the same code.
    assert registration.certificate_code in pdf_text(office.get(url))


@pytest.fixture
def certified(staff, event, people_at):
    registration = people_at["ge_member"]
    services.check_in(registration, day=event.starts_on, user=staff)
    return services.issue_certificate(registration, user=staff)


def test_anyone_can_verify_a_certificate(client, certified):
    page = client.get(f"/verify/{certified.certificate_code}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "This certificate is valid." in html
    assert "Nino3 BERIDZE3" in html
    assert "Workshop Ge 2016" in html
    assert "10 May 2016" in html


def test_an_unknown_code_is_a_clear_404(client, db):
    page = client.get("/verify/ABCDEF123456/")

    assert page.status_code == 404
    assert "No certificate has the code “ABCDEF123456”" in page.content.decode()


def test_an_erased_holder_keeps_a_valid_certificate_without_a_name(client, certified):
    holder = certified.person
    holder.anonymised_at = timezone.now()
    holder.save()

    html = client.get(f"/verify/{certified.certificate_code}/").content.decode()

    assert "Certificate valid, holder's name removed under the data retention policy." in html
    assert "Nino3" not in html


def test_the_check_form_leads_to_the_certificate(client, certified):
    assert client.get("/verify/").status_code == 200
    typed = certified.certificate_code.lower()[:6] + " " + certified.certificate_code.lower()[6:]

    response = client.get("/verify/", {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{certified.certificate_code}/"

    wrong = client.get("/verify/", {"code": "not-a-code"})
    assert wrong.status_code == 200
    assert 'data-field-error="code"' in wrong.content.decode()


@pytest.mark.parametrize(
    ("visitor", "status"),
    [
        ("anonymous", 302),
        ("no_role", 403),
        ("focal_point", 403),
        ("donor", 403),
        ("finance_officer", 403),
        ("tcy_secretariat", 200),
        ("administrator", 200),
    ],
)
def test_who_may_print_badges(client, event, visitor, status):
    user = make_user(visitor)
    if user:
        client.force_login(user)
    assert client.get(f"/workspace/events/{event.slug}/badges.pdf").status_code == status


def test_finance_officer_may_read_the_lists(client, event):
    client.force_login(make_user(Role.FINANCE_OFFICER))
    assert client.get(f"/workspace/events/{event.slug}/participants.pdf").status_code == 200
    assert client.get(f"/workspace/events/{event.slug}/delegations.pdf").status_code == 200
    assert client.get(f"/workspace/events/{event.slug}/registrations/1/certificate.pdf").status_code == 403


def test_a_badge_for_a_registration_that_is_not_a_number_is_404(office, event):
    assert office.get(f"/workspace/events/{event.slug}/badges.pdf?registration=abc").status_code == 404


# --- sample data ------------------------------------------------------------------------------------------------


def every_pdf(office, staff, event, people_at) -> dict:
    """Each PDF of the event by its name (the certificate of someone checked in)."""
    registration = people_at["ge_member"]
    services.check_in(registration, day=event.starts_on, user=staff)
    base = f"/workspace/events/{event.slug}"
    urls = {
        "badges": "badges.pdf",
        "provisional": "participants.pdf",
        "final": "participants.pdf?final=1",
        "delegations": "delegations.pdf",
        "certificate": f"registrations/{registration.pk}/certificate.pdf",
    }
    return {name: office.get(f"{base}/{url}") for name, url in urls.items()}


def test_every_pdf_of_a_sample_event_carries_the_mark_on_every_page(office, staff, event, people_at):
    Event.objects.filter(pk=event.pk).update(is_sample=True)

    found = every_pdf(office, staff, event, people_at)

    for name, response in found.items():
        texts = pdf_pages(response)
        assert texts and all(MARK in text for text in texts), name
        assert file_name(response).endswith("-SAMPLE-DATA.pdf"), name
    assert pages(found["badges"]) == 6  # one badge a page still: the mark takes none onto a second page
    assert file_name(found["delegations"]) == f"{event.slug}-delegations-SAMPLE-DATA.pdf"


def test_the_pdfs_of_a_real_event_carry_no_mark(office, staff, event, people_at):
    found = every_pdf(office, staff, event, people_at)

    for name, response in found.items():
        assert MARK not in pdf_text(response), name
        assert not is_marked(response), name
    assert file_name(found["delegations"]) == f"{event.slug}-delegations.pdf"


def test_a_sample_registration_marks_the_pdfs_it_is_on(office, event, people_at):
    Registration.objects.filter(pk=people_at["other"].pk).update(is_sample=True)
    base = f"/workspace/events/{event.slug}"

    listed = office.get(f"{base}/participants.pdf")
    assert all(MARK in text for text in pdf_pages(listed))
    assert file_name(listed) == f"{event.slug}-participants-provisional-SAMPLE-DATA.pdf"
    assert MARK in pdf_text(office.get(f"{base}/badges.pdf"))
    # Not on the delegation list, nor on another person's badge: those files hold no sample data.
    assert MARK not in pdf_text(office.get(f"{base}/delegations.pdf"))
    assert MARK not in pdf_text(office.get(f"{base}/badges.pdf?registration={people_at['ge_head'].pk}"))


# --- each download of personal data is in the audit log ---------------------------------------------------------


def downloads() -> list[tuple]:
    return list(
        AuditEntry.objects.filter(action__endswith=".downloaded").values_list(
            "action", "user__email", "object_type", "object_id", "data__rows"
        )
    )


def test_every_pdf_download_is_in_the_audit_log_with_who_what_and_how_many(office, staff, event, people_at):
    AuditEntry.objects.all().delete()
    base = f"/workspace/events/{event.slug}"
    event_key = ("events.event", str(event.pk))

    assert office.get(f"{base}/badges.pdf").status_code == 200
    assert downloads() == [("events.badges.downloaded", staff.email, *event_key, 6)]
    head = people_at["ge_head"]
    office.get(f"{base}/badges.pdf?registration={head.pk}")
    office.get(f"{base}/participants.pdf")
    office.get(f"{base}/participants.pdf?final=1")
    office.get(f"{base}/delegations.pdf")

    assert downloads()[:4] == [
        ("events.delegations.downloaded", staff.email, *event_key, 4),
        ("events.participants.downloaded", staff.email, *event_key, 0),  # final: nobody checked in yet
        ("events.participants.downloaded", staff.email, *event_key, 7),  # provisional: the pending one too
        ("events.badges.downloaded", staff.email, *event_key, 1),
    ]
    entry = AuditEntry.objects.filter(action="events.delegations.downloaded").get()
    assert entry.data["file"] == f"{event.slug}-delegations.pdf"
    assert entry.object_repr == str(event)


def test_a_certificate_download_is_in_the_history_of_the_person(office, staff, event, people_at):
    registration = people_at["ge_member"]
    services.check_in(registration, day=event.ends_on, user=staff)

    office.get(f"/workspace/events/{event.slug}/registrations/{registration.pk}/certificate.pdf")

    entry = AuditEntry.objects.get(action="events.certificate.downloaded")
    assert (entry.user, entry.object_type, entry.object_id) == (staff, "people.person", str(registration.person_id))
    assert entry.data["rows"] == 1 and entry.data["registration"] == registration.pk
    registration.refresh_from_db()
    assert entry.data["file"] == f"certificate-{registration.certificate_code}.pdf"
    page = office.get(f"/workspace/people/{registration.person_id}/").content.decode()
    assert 'data-action="events.certificate.downloaded">Certificate of attendance downloaded<' in page


def test_a_refused_certificate_is_no_download(office, event, people_at):
    registration = people_at["ge_member"]  # not checked in

    office.get(f"/workspace/events/{event.slug}/registrations/{registration.pk}/certificate.pdf")

    assert downloads() == []
