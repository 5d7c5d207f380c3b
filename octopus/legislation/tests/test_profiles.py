"""Keeping legislation profiles in the workspace: a focal point's statements and laws are drafts of its own country
until staff review them; bad input is refused field by field with nothing saved and what was typed kept; a stale
version is a conflict; laws carry a PDF or Word file judged by its content."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from octopus.accounts.models import AuditEntry, Role
from octopus.countries.models import Country
from octopus.events.tests.sample_files import real_sheets, sample_sheets
from octopus.legislation.models import Assessment, Law, ReviewState
from octopus.legislation.queries import compliance_at
from octopus.legislation.services import profiles as services
from octopus.testing.helpers import make_user
from octopus.treaties.models import Article

D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def country(iso2: str) -> Country:
    return Country.objects.get(iso2=iso2)


def article(number: int) -> Article:
    return Article.objects.get(treaty__number=185, number=number)


@pytest.fixture
def staff(db):
    return make_user(Role.PROGRAMME_STAFF)


@pytest.fixture
def focal(db):
    return make_user(Role.FOCAL_POINT)  # of GE


def statement(**change) -> dict:
    return {
        "level": "in_place",
        "source": "self_report",
        "assessed_on": "2020-03-01",
        "provisions": "Criminal Code, Art. 284",
        "note": "",
        "citation": "",
        **change,
    }


def in_force(iso2: str, number: int, day=None):
    found = compliance_at(day or timezone.localdate()).get((country(iso2).pk, article(number).pk))
    return found.level if found else None


def test_a_focal_points_statement_is_a_draft_until_staff_accept_it(client, focal, staff):
    client.force_login(focal)
    url = reverse("legislation:assessment_new", args=["GE", 6])
    assert client.get(url).status_code == 200

    response = client.post(url, statement())

    assert response.status_code == 302
    draft = Assessment.objects.get(country__iso2="GE", article=article(6))
    assert (draft.state, draft.recorded_by) == (ReviewState.DRAFT, focal)
    assert in_force("GE", 6) is None  # not counted, not public
    page = client.get(reverse("legislation:profile_edit", args=["GE"])).content.decode()
    assert f'data-draft="{draft.pk}"' in page and "awaiting review" in page

    client.force_login(staff)
    queue = client.get(reverse("legislation:legislation_review")).content.decode()
    assert f'data-assessment="{draft.pk}"' in queue
    response = client.post(
        reverse("legislation:assessment_review", args=[draft.pk]), {"decision": "accept", "version": 1}
    )

    assert response.status_code == 302
    assert in_force("GE", 6) == "in_place"
    assert "Nothing awaits review" in client.get(reverse("legislation:legislation_review")).content.decode()


def test_a_rejected_draft_never_counts_and_stays_in_the_history(client, focal, staff):
    draft = services.record_assessment(
        country("GE"), article(6), level="in_place", source="self_report", assessed_on=D(2020, 1, 1), user=focal
    )
    client.force_login(staff)
    client.post(reverse("legislation:assessment_review", args=[draft.pk]), {"decision": "reject", "version": 1})

    draft.refresh_from_db()
    assert (draft.state, draft.reviewed_by) == (ReviewState.REJECTED, staff)
    assert in_force("GE", 6) is None
    history = client.get(reverse("legislation:assessment_new", args=["GE", 6])).content.decode()
    assert f'data-assessment="{draft.pk}" data-state="rejected"' in history


def test_staff_record_reviewed_at_once_and_may_choose_a_draft(client, staff):
    client.force_login(staff)
    url = reverse("legislation:assessment_new", args=["AM", 2])
    client.post(url, statement(reviewed="on"))
    client.post(url, statement(level="partially", assessed_on="2021-01-01"))  # box unticked: a draft

    states = list(Assessment.objects.filter(country__iso2="AM").order_by("assessed_on").values_list("state", flat=True))
    assert states == [ReviewState.REVIEWED, ReviewState.DRAFT]
    assert in_force("AM", 2) == "in_place"


def test_a_focal_point_cannot_open_nor_post_to_another_countrys_editor(client, focal):
    client.force_login(focal)
    law = Law.objects.create(country=country("AM"), title="Criminal Code")
    for url in (
        reverse("legislation:assessment_new", args=["AM", 6]),
        reverse("legislation:law_new", args=["AM"]),
        reverse("legislation:law_edit", args=[law.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {**statement(), "title": "X", "version": 1}).status_code == 404
    assert not Assessment.objects.exists()
    assert Law.objects.get().title == "Criminal Code"
    # It reads the other country's reviewed profile, without drafts or edit buttons.
    page = client.get(reverse("legislation:profile_edit", args=["AM"])).content.decode()
    assert 'data-action="record"' not in page and 'data-action="add-law"' not in page


def test_a_donor_reads_profiles_but_cannot_edit(client, db):
    client.force_login(make_user(Role.DONOR))
    assert client.get(reverse("legislation:legislation_workspace")).status_code == 200
    assert client.get(reverse("legislation:profile_edit", args=["GE"])).status_code == 200
    assert client.get(reverse("legislation:assessment_new", args=["GE", 6])).status_code == 403
    assert client.get(reverse("legislation:legislation_review")).status_code == 403


def test_an_article_not_in_the_profile_is_not_a_page(client, staff):
    client.force_login(staff)
    assert client.get(reverse("legislation:assessment_new", args=["GE", 23])).status_code == 404
    assert client.get(reverse("legislation:assessment_new", args=["GE", 99])).status_code == 404


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"level": "excellent"}, "level", "“excellent” is not a compliance level"),
        ({"source": "rumour"}, "source", "“rumour” is not a source"),
        ({"assessed_on": "tomorrow"}, "assessed_on", "The date of an assessment cannot be in the future"),
    ],
)
def test_bad_statements_are_refused_field_by_field_keeping_what_was_typed(client, focal, change, field, message):
    if change.get("assessed_on") == "tomorrow":
        change = {"assessed_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()}
    client.force_login(focal)

    response = client.post(
        reverse("legislation:assessment_new", args=["GE", 6]), statement(provisions="Art. 284 CC", **change)
    )

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    page = response.content.decode()
    assert f'data-field-error="{field}"' in page
    assert "Art. 284 CC" in page  # what was typed is still there
    assert not Assessment.objects.exists()


def test_the_author_withdraws_its_draft_which_then_never_counts(client, focal):
    draft = services.record_assessment(
        country("GE"), article(6), level="in_place", source="self_report", assessed_on=D(2020, 1, 1), user=focal
    )
    client.force_login(focal)
    client.post(reverse("legislation:assessment_withdraw", args=[draft.pk]), {"version": 1})

    draft.refresh_from_db()
    assert (draft.state, draft.reviewed_by) == (ReviewState.REJECTED, None)
    assert AuditEntry.objects.about(draft).filter(action="legislation.assessment.withdrawn").exists()
    page = client.get(reverse("legislation:assessment_new", args=["GE", 6])).content.decode()
    assert "Withdrawn" in page


def test_a_stale_review_is_a_conflict_and_changes_nothing(client, focal, staff):
    draft = services.record_assessment(
        country("GE"), article(6), level="in_place", source="self_report", assessed_on=D(2020, 1, 1), user=focal
    )
    client.force_login(staff)

    response = client.post(
        reverse("legislation:assessment_review", args=[draft.pk]), {"decision": "accept", "version": 7}, follow=True
    )

    assert "Someone changed this record" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.state, draft.version) == (ReviewState.DRAFT, 1)


def test_a_focal_point_adds_a_law_with_its_pdf_as_a_draft_and_staff_accept_it(client, focal, staff):
    client.force_login(focal)
    upload = SimpleUploadedFile("code pénal.pdf", PDF, content_type="application/pdf")

    typed = {"title": "Criminal Code", "year": 1999, "url": "https://matsne.gov.ge/", "file": upload}
    response = client.post(reverse("legislation:law_new", args=["GE"]), typed)

    assert response.status_code == 302
    law = Law.objects.get(country__iso2="GE")
    assert (law.state, law.file_type, law.file_name) == (ReviewState.DRAFT, "pdf", "code pénal.pdf")
    assert law.file.read() == PDF
    assert (
        b"".join(client.get(reverse("legislation:law_file", args=[law.pk])).streaming_content) == PDF
    )  # the public page's view

    client.force_login(staff)
    client.post(reverse("legislation:law_review", args=[law.pk]), {"decision": "accept", "version": law.version})
    law.refresh_from_db()
    assert (law.state, law.reviewed_by) == (ReviewState.REVIEWED, staff)


def test_a_file_that_is_not_pdf_or_docx_by_content_is_refused_and_nothing_is_saved(client, focal):
    client.force_login(focal)
    fake = SimpleUploadedFile("law.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")

    response = client.post(reverse("legislation:law_new", args=["GE"]), {"title": "Criminal Code", "file": fake})

    assert response.status_code == 400
    assert "not a PDF or a Word (DOCX) document" in " ".join(response.context["form"].errors["file"])
    assert 'value="Criminal Code"' in response.content.decode()
    assert not Law.objects.exists()


def test_a_focal_points_change_to_a_reviewed_law_makes_it_a_draft_again(client, focal, staff):
    law = services.record_law(country("GE"), title="Criminal Code", year=1999, user=staff, reviewed=True)
    client.force_login(focal)
    url = reverse("legislation:law_edit", args=[law.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "title": "Criminal Code of Georgia",
            "year": 1999,
            "url": "",
            "version": 1,
            "file": SimpleUploadedFile("code.docx", docx_bytes()),
        },
    )

    assert response.status_code == 302
    law.refresh_from_db()
    assert (law.title, law.state, law.reviewed_by, law.file_type) == (
        "Criminal Code of Georgia",
        ReviewState.DRAFT,
        None,
        "docx",
    )
    entry = AuditEntry.objects.about(law).get(action="legislation.law.updated")
    assert (entry.before["state"], entry.after["state"]) == ("reviewed", "draft")


def test_staff_changing_a_reviewed_law_keep_it_reviewed(staff):
    law = services.record_law(country("GE"), title="Criminal Code", user=staff, reviewed=True)
    changed = services.update_law(law, user=staff, version=1, title="Criminal Code", year=1999)
    changed = services.attach_law_file(changed, SimpleUploadedFile("c.pdf", PDF), user=staff, version=2)
    assert (changed.state, changed.year, changed.version) == (ReviewState.REVIEWED, 1999, 3)


def test_a_stale_law_edit_is_a_conflict_that_keeps_what_was_typed(client, focal):
    law = services.record_law(country("GE"), title="Criminal Code", user=focal)
    services.update_law(law, user=focal, version=1, title="Criminal Code", year=2000)  # someone else meanwhile
    client.force_login(focal)

    response = client.post(
        reverse("legislation:law_edit", args=[law.pk]), {"title": "Penal Code", "year": 1999, "version": 1}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone changed this record" in page and 'value="Penal Code"' in page
    assert 'name="version" value="2"' in page  # saving again is a choice made after seeing the message
    law.refresh_from_db()
    assert (law.title, law.year) == ("Criminal Code", 2000)


def test_the_workspace_lists_profiles_with_the_focal_points_country_first(client, focal, staff):
    services.record_assessment(
        country("AM"),
        article(2),
        level="in_place",
        source="desk_review",
        assessed_on=D(2020, 1, 1),
        user=staff,
        reviewed=True,
    )
    services.record_assessment(
        country("AM"), article(3), level="not_in_place", source="desk_review", assessed_on=D(2020, 1, 1), user=staff
    )  # a staff draft: not the focal point's business
    client.force_login(focal)

    response = client.get(reverse("legislation:legislation_workspace"))

    codes = [row.country.iso2 for row in response.context["rows"]]
    assert codes == ["GE", "AM"]
    armenia = response.context["rows"][1]
    assert (armenia.reviewed, armenia.drafts, armenia.share.percent) == (1, 0, 100.0)
    assert 'data-action="edit-own"' in response.content.decode()

    client.force_login(staff)
    assert client.get(reverse("legislation:legislation_workspace"), {"country": "am"}).url == reverse(
        "legislation:profile_edit", args=["AM"]
    )
    csv = client.get(reverse("legislation:legislation_workspace_export", args=["csv"])).content.decode()
    assert "Armenia,AM,1,1" in csv


def test_the_workspace_export_says_when_it_counts_a_sample_statement(client, focal, staff):
    services.record_assessment(
        country("AM"),
        article(2),
        level="in_place",
        source="desk_review",
        assessed_on=D(2020, 1, 1),
        user=staff,
        reviewed=True,
    )
    services.record_assessment(
        country("AM"),
        article(3),
        level="partially",
        source="desk_review",
        assessed_on=D(2020, 1, 1),
        user=staff,
        is_sample=True,
    )  # a sample draft
    url = reverse("legislation:legislation_workspace_export", args=["xlsx"])

    client.force_login(staff)  # staff count every draft
    (rows,) = sample_sheets(client.get(url))
    assert rows[0][:2] == ("Country", "ISO code") and rows[1][:4] == ("Armenia", "AM", 1, 1)
    assert not real_sheets(client.get(url, {"q": "Georgia"}))[0][1:]  # nothing listed: nothing sample

    client.force_login(focal)  # another country's draft is not counted for a focal point of GE: no sample data
    (real,) = real_sheets(client.get(url))
    assert real[0][:2] == ("Country", "ISO code") and [row[1] for row in real[1:]] == ["GE", "AM"]
