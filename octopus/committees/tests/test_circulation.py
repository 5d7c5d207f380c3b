"""Who reads a document, step by step: the secretariat asks a country to comment on a working draft (for an assessment
report, a country it assesses), circulates it to the members, then makes it public; each step audited, with the
version read, never back. Who reads what at each step, everywhere, is `test_access_circulation`'s."""

import datetime

import pytest
from django.urls import reverse

from octopus.accounts.models import AuditEntry, Role
from octopus.committees.models import Circulation, CommentRequest, Committee, Document
from octopus.committees.services import documents, rounds
from octopus.committees.tests.test_access_rounds import open_round
from octopus.committees.tests.test_documents import record
from octopus.countries.models import Country
from octopus.lib.errors import ConflictError, DomainError
from octopus.testing.helpers import assert_problem, bearer_for, make_user


@pytest.fixture
def staff(db):
    return make_user(Role.TCY_SECRETARIAT)


def country(iso2: str) -> Country:
    return Country.objects.get(iso2=iso2)


@pytest.fixture
def report(staff):
    """A draft assessment report of a round sent in 2020 to the Parties of the day (Georgia and the Netherlands among
    them; Brazil is not one)."""
    round = open_round(staff, 84, [16])
    rounds.dispatch_round(round, deadline=datetime.date(2020, 12, 31), user=staff, on=datetime.date(2020, 6, 1))
    document = record(staff, symbol="T-CY(2020)78", circulation="draft")
    rounds.link_report(round, document=document, user=staff)
    return Document.objects.get(pk=document.pk)


def test_asking_a_country_to_comment_records_which_when_and_by_whom(staff, report):
    asked = documents.request_comment(report, country=country("GE"), user=staff, version=report.version)

    entry = AuditEntry.objects.about(report).filter(action="committees.document.comment_requested").get()
    assert (asked.country.iso2, asked.requested_by, asked.requested_at is not None) == ("GE", staff, True)
    assert (entry.user, entry.data["country"], entry.data["comment_request"]) == (staff, "GE", asked.pk)
    current = Document.objects.get(pk=report.pk)
    assert (current.version, current.circulation) == (2, Circulation.DRAFT)  # still the secretariat's draft


def test_an_assessment_report_goes_for_comment_to_a_country_it_assesses_only(staff, report):
    with pytest.raises(DomainError, match="Brazil is not assessed in this report"):
        documents.request_comment(report, country=country("BR"), user=staff)
    other = record(staff, symbol="T-CY(2020)79", type="opinion", circulation="draft")

    documents.request_comment(other, country=country("BR"), user=staff)  # the secretariat names any country

    assert not CommentRequest.objects.filter(document=report).exists()
    assert CommentRequest.objects.get(document=other).country.iso2 == "BR"


def test_what_cannot_be_asked_or_done_is_refused_and_changes_nothing(staff, report):
    documents.request_comment(report, country=country("GE"), user=staff)
    with pytest.raises(DomainError, match="has been asked to comment already"):
        documents.request_comment(report, country=country("GE"), user=staff)
    with pytest.raises(ConflictError):
        documents.request_comment(report, country=country("NL"), user=staff, version=1)  # read before the request
    with pytest.raises(DomainError, match="cannot become public"):
        documents.change_circulation(report, to=Circulation.PUBLIC, user=staff)  # circulated first
    circulated = documents.change_circulation(report, to=Circulation.CIRCULATED, user=staff, version=2)
    with pytest.raises(DomainError, match="circulated to the members already"):
        documents.request_comment(circulated, country=country("NL"), user=staff)
    public = documents.change_circulation(circulated, to=Circulation.PUBLIC, user=staff, version=3)
    with pytest.raises(DomainError, match="cannot become circulated"):
        documents.change_circulation(public, to=Circulation.CIRCULATED, user=staff)  # never back

    actions = list(AuditEntry.objects.about(report).order_by("pk").values_list("action", flat=True))
    assert actions[-3:] == [
        "committees.document.comment_requested",
        "committees.document.circulated",
        "committees.document.published",
    ]
    assert list(CommentRequest.objects.filter(document=report).values_list("country__iso2", flat=True)) == ["GE"]


def test_a_correction_does_not_change_who_reads_it(staff):
    document = record(staff, circulation="draft")

    with pytest.raises(DomainError, match="Unknown fields for a document: circulation"):
        documents.correct_document(document, circulation=Circulation.PUBLIC, user=staff)


def test_the_secretariat_takes_the_steps_on_the_document_page(client, staff, report):
    client.force_login(staff)
    page = client.get(reverse("committees:tcy_document_manage", args=[report.pk]))
    form = client.get(reverse("committees:tcy_document_comment", args=[report.pk])).context["form"]

    asked = client.post(reverse("committees:tcy_document_comment", args=[report.pk]), {"country": "NL", "version": 1})
    stale = client.post(
        reverse("committees:tcy_document_circulation", args=[report.pk]), {"to": "circulated", "version": 1}
    )
    circulated = client.post(
        reverse("committees:tcy_document_circulation", args=[report.pk]), {"to": "circulated", "version": 2}
    )
    after = client.get(reverse("committees:tcy_document_manage", args=[report.pk]))

    assert 'data-step="comment"' in page.text and 'data-step="circulated"' in page.text
    assert {"GE", "NL"} <= {code for code, _label in form.fields["country"].choices if code}
    assert "BR" not in {str(code) for code, _label in form.fields["country"].choices}  # not assessed in the report
    assert asked.status_code == circulated.status_code == 302
    assert stale.status_code == 400 and stale.context["form"].non_field_errors()
    assert 'data-comment-request="NL"' in after.text and 'data-step="public"' in after.text
    assert 'data-step="comment"' not in after.text  # circulated: every delegation reads it
    assert Document.objects.get(pk=report.pk).circulation == Circulation.CIRCULATED


def test_the_steps_over_the_api(client, staff, report):
    headers = bearer_for(staff)
    url = f"/api/v1/committee/documents/{report.pk}"

    foreign = client.post(
        f"{url}/comment-requests", {"country": "BR", "version": 1}, content_type="application/json", **headers
    )
    asked = client.post(
        f"{url}/comment-requests", {"country": "GE", "version": 1}, content_type="application/json", **headers
    )
    stale = client.post(
        f"{url}/circulation", {"to": "circulated", "version": 1}, content_type="application/json", **headers
    )
    circulated = client.post(
        f"{url}/circulation", {"to": "circulated", "version": 2}, content_type="application/json", **headers
    )
    skipped = client.post(
        f"{url}/circulation", {"to": "draft", "version": 3}, content_type="application/json", **headers
    )

    assert assert_problem(foreign, 422)["errors"][0]["field"] == "country"
    assert (asked.status_code, asked.json()["country"], asked.json()["version"]) == (201, "GE", 2)
    assert_problem(stale, 409)
    assert (circulated.json()["circulation"], circulated.json()["is_public"]) == ("circulated", False)
    assert assert_problem(skipped, 422)["errors"][0]["field"] == "to"
    assert Committee.objects.get(code="T-CY").documents.get(pk=report.pk).version == 3
