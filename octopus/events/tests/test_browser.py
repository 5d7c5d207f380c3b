"""An event from creation to a certificate checked by anyone, in a real browser: staff create the event and open
registration, a participant registers on the public page, staff approve and check them in, the certificate is
downloaded and its code is checked publicly."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from octopus.accounts.models import Role
from octopus.events.models import Event, Registration, RegistrationState
from octopus.testing.helpers import make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pdf_text(path) -> str:
    with open(path, "rb") as file:
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(file.read())).pages)
    return " ".join(text.split())


def field(page, label: str):
    """The input labelled `label` exactly, whether or not the label marks it as required (" *")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def sign_out(page):
    """Sign out through the account menu (opened first when the button sits in a closed drop-down)."""
    button = page.get_by_role("button", name="Sign out")
    if not button.is_visible():
        page.locator("button.dropdown-toggle[data-bs-toggle=dropdown]").first.click()
    button.click()
    page.wait_for_load_state()


def test_an_event_from_creation_to_a_certificate_checked_by_the_public(page, live_server):
    staff = make_user(Role.PROGRAMME_STAFF)
    today = timezone.localdate()
    sign_in(page, live_server, staff)

    # Staff create the event, running yesterday and today: check-in is open, and a certificate may be issued (from
    # the last day on).
    page.goto("/workspace/events/")
    page.get_by_role("link", name="New event").click()
    field(page, "Title").fill("Workshop on electronic evidence")
    field(page, "Short name in addresses").fill("workshop-e-evidence")
    field(page, "Kind").select_option(label="In-country workshop")
    field(page, "Status").select_option(label="Confirmed")
    field(page, "First day").fill((today - datetime.timedelta(days=1)).isoformat())
    field(page, "Last day").fill(today.isoformat())
    field(page, "City").fill("Tbilisi")
    field(page, "Country").select_option(label="Georgia")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/workspace/events/workshop-e-evidence/")
    assert page.get_by_role("heading", level=1).inner_text() == "Workshop on electronic evidence"
    assert "Event created." in page.get_by_role("status").first.inner_text()

    # Staff open registration: an open form whose registrations they approve.
    page.get_by_role("link", name="Registration forms").click()
    field(page, "Title").fill("Participants")
    field(page, "Open").check()
    assert field(page, "Staff approve each registration").is_checked()
    page.get_by_role("button", name="Add form").click()
    page.wait_for_url("**/workspace/events/workshop-e-evidence/forms/")
    assert page.locator("[data-forms] tbody tr").count() == 1

    # The public (signed out) finds the form on the event's public page and registers.
    sign_out(page)
    page.wait_for_load_state()
    page.goto("/events/")
    page.get_by_role("link", name="Workshop on electronic evidence").click()
    page.locator("[data-open-forms]").get_by_role("link", name="Participants").click()
    field(page, "Title").fill("Ms")
    field(page, "First name").fill("Nino")
    field(page, "Last name").fill("Beridze")
    field(page, "E-mail").fill("nino.beridze@example.ge")
    field(page, "Country represented").select_option(label="Georgia")
    field(page, "Appear on published lists of participants").check()
    page.get_by_role("button", name="Register").click()
    assert page.locator("[data-state]").get_attribute("data-state") == RegistrationState.PENDING
    assert "It is pending" in page.locator("[data-state]").inner_text()

    # Staff approve the registration from the list of registrations.
    sign_in(page, live_server, staff)
    page.goto("/workspace/events/")
    page.get_by_role("link", name="Workshop on electronic evidence").click()
    page.get_by_role("link", name="Registrations", exact=True).click()
    row = page.locator("[data-registrations] tbody tr", has_text="Beridze")
    assert row.locator("[data-state]").inner_text() == "Pending"
    row.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    row = page.locator("[data-registrations] tbody tr", has_text="Beridze")
    assert row.locator("[data-state]").inner_text() == "Approved"
    row.get_by_role("link", name="Nino BERIDZE").click()
    assert page.locator("[data-state]").get_attribute("data-state") == RegistrationState.APPROVED
    registration_url = page.url

    # Staff check her in for today, found by name.
    page.get_by_role("link", name="Overview").click()
    page.locator("[data-related-pages]").get_by_role("link", name="Check-in").click()
    field(page, "Name, e-mail, organisation or country").fill("beridze")
    page.get_by_role("button", name="Search").click()
    result = page.locator("[data-checkin-results] tbody tr", has_text="Nino BERIDZE")
    result.get_by_role("button", name="Check in").click()
    page.wait_for_load_state()
    assert "checked in" in page.get_by_role("status").first.inner_text()
    assert page.locator("[data-checkin-results] [data-checked-in]").count() == 1
    assert page.locator('[data-checkin-counts] [data-count="people"]').inner_text() == "1"

    # Staff download her certificate: her name and its verification code are in the PDF.
    page.goto(registration_url)
    assert page.get_by_text("Not checked in.").count() == 0
    registration = Registration.objects.get(event__slug="workshop-e-evidence")
    with page.expect_download() as download:
        page.get_by_role("link", name="Certificate of attendance (PDF)").click()
    text = pdf_text(download.value.path())
    code = Registration.objects.get(pk=registration.pk).certificate_code
    assert re.fullmatch(r"[0-9A-F]{12}", code)
    assert "Ms Nino BERIDZE" in text
    assert "Workshop on electronic evidence" in text
    assert f"Verification code: {code}" in text
    assert f"Anyone can check this certificate at {live_server.url}/verify/{code}/" in text

    # The public checks the code at the address printed on the certificate.
    sign_out(page)
    page.wait_for_load_state()
    page.goto("/verify/")
    field(page, "Verification code").fill(code.lower())
    page.get_by_role("button", name="Check").click()
    page.wait_for_url(f"**/verify/{code}/")
    assert "This certificate is valid." in page.locator("[data-certificate-valid]").inner_text()
    assert page.locator("[data-holder]").inner_text() == "Ms Nino BERIDZE"
    assert page.get_by_text("Workshop on electronic evidence").count() == 1
    assert page.locator("[data-days]").inner_text() == f"{today.day} {today:%B %Y}"
    assert Event.objects.get(slug="workshop-e-evidence").registrations.get().attendance.count() == 1

    assert page.outside_requests == []
    assert page.problems == []
