"""The register over /api/v1/committee/documents: what each reader sees, and writes validated by the page's forms
(422 with field errors), checked against the version read (409) and done by the services."""

import datetime

import pytest

from octopus.accounts.models import AuditEntry, Role
from octopus.api import SAMPLE_HEADER
from octopus.committees.models import Committee, Document
from octopus.committees.services import documents
from octopus.committees.tests.test_documents import plenary, record, with_original
from octopus.testing.helpers import assert_problem, bearer_for, make_user

URL = "/api/v1/committee/documents"
D = datetime.date


@pytest.fixture
def staff(db):
    return make_user(Role.TCY_SECRETARIAT)


@pytest.fixture
def restricted(staff):
    document, _original = with_original(
        staff, symbol="T-CY(2099)2", title="Draft compilation", circulation="circulated"
    )
    return document


def test_the_public_reads_public_documents_and_readers_read_restricted_ones_too(client, staff, restricted):
    with_original(staff, symbol="T-CY(2099)1", title="Public report")
    focal, donor = make_user(Role.FOCAL_POINT), make_user(Role.DONOR)

    public = client.get(URL, {"year": 2099}).json()
    as_donor = client.get(URL, {"year": 2099}, **bearer_for(donor)).json()
    as_focal = client.get(URL, {"year": 2099}, **bearer_for(focal)).json()

    assert [d["symbol"] for d in public["items"]] == ["T-CY(2099)1"]
    assert [d["symbol"] for d in as_donor["items"]] == ["T-CY(2099)1"]
    assert [d["symbol"] for d in as_focal["items"]] == ["T-CY(2099)2", "T-CY(2099)1"]  # by type, number, title
    assert as_focal["count"] == 2


def test_a_sample_document_says_so_in_the_body_and_a_header(client, staff):
    record(staff, symbol="T-CY(2099)1", title="Real report", circulation="public")
    real = client.get(URL, {"year": 2099})
    record(staff, symbol="T-CY(2099)3", title="Sample report", circulation="public", is_sample=True)

    both = client.get(URL, {"year": 2099})

    assert ([d["is_sample"] for d in real.json()["items"]], SAMPLE_HEADER in real.headers) == ([False], False)
    assert [(d["symbol"], d["is_sample"]) for d in both.json()["items"]] == [
        ("T-CY(2099)1", False),
        ("T-CY(2099)3", True),
    ]
    assert both.headers[SAMPLE_HEADER] == "true"


def test_the_list_filters_and_pages(client, db):
    notes = client.get(URL, {"type": "guidance_note", "page_size": 5}).json()
    adopted = client.get(URL, {"type": "guidance_note", "status": "adopted", "q": "production"}).json()
    wrong = client.get(URL, {"type": "poem"})

    assert (notes["count"], len(notes["items"])) == (12, 5)
    assert [(d["number"], d["adopted_on"], d["written_procedure"]) for d in adopted["items"]] == [
        (10, "2017-02-28", True)
    ]
    body = assert_problem(wrong, 422)
    assert body["errors"][0]["field"] == "type"


def test_one_document_with_its_versions_and_file_address(client, staff, restricted):
    focal, donor = make_user(Role.FOCAL_POINT), make_user(Role.DONOR)
    documents.request_translation(
        restricted, language="fr", word_count=300, deadline=D(2099, 9, 1), cost="45.10", user=staff
    )

    shown = client.get(f"{URL}/{restricted.pk}", **bearer_for(focal))

    assert shown.status_code == 200
    body = shown.json()
    assert (body["symbol"], body["is_public"], body["version"]) == ("T-CY(2099)2", False, 1)
    english, french = body["versions"]
    assert english["file_url"] == f"http://testserver/t-cy/documents/{restricted.pk}/en/file/"
    assert (english["language"], english["translation_status"], english["file_type"]) == ("en", "original", "pdf")
    assert (french["translation_status"], french["word_count"], french["cost"], french["file_url"]) == (
        "requested",
        300,
        "45.10",
        None,
    )
    assert_problem(client.get(f"{URL}/{restricted.pk}"), 404)
    assert_problem(client.get(f"{URL}/{restricted.pk}", **bearer_for(donor)), 404)
    assert_problem(client.get(f"{URL}/999999999"), 404)


def test_recording_a_document_validates_like_the_page(client, staff):
    headers = bearer_for(staff)
    record(staff, symbol="T-CY(2099)5")

    created = client.post(
        URL,
        {"symbol": "T-CY(2099)6", "title": "Opinion on Article 99", "type": "opinion", "is_public": False},
        content_type="application/json",
        **headers,
    )
    duplicate = client.post(
        URL, {"symbol": "T-CY(2099)5", "title": "Again", "type": "opinion"}, content_type="application/json", **headers
    )
    untitled = client.post(URL, {"title": "", "type": "opinion"}, content_type="application/json", **headers)

    assert created.status_code == 201
    document = Document.objects.get(symbol="T-CY(2099)6")
    assert (created.json()["id"], document.status, document.is_public) == (document.pk, "draft", False)
    assert AuditEntry.objects.about(document).get().user == staff
    assert assert_problem(duplicate, 422)["errors"] == [
        {"field": "symbol", "message": "T-CY(2099)5 is already in the register."}
    ]
    assert assert_problem(untitled, 422)["errors"] == [{"field": "title", "message": "This field is required."}]


def test_a_correction_with_a_stale_version_is_a_conflict(client, staff):
    document = record(staff)
    headers = bearer_for(staff)
    body = {"symbol": document.symbol, "title": "Corrected title", "type": document.type, "source": "Letter"}

    saved = client.put(f"{URL}/{document.pk}", {**body, "version": 1}, content_type="application/json", **headers)
    stale = client.put(
        f"{URL}/{document.pk}", {**body, "title": "Late", "version": 1}, content_type="application/json", **headers
    )

    assert (saved.status_code, saved.json()["version"], saved.json()["title"]) == (200, 2, "Corrected title")
    assert_problem(stale, 409)
    assert Document.objects.get(pk=document.pk).title == "Corrected title"


def test_status_changes_over_the_api(client, staff):
    meeting = plenary(staff)
    document = record(staff)
    headers = bearer_for(staff)
    url = f"{URL}/{document.pk}/status"

    unsaid = client.post(url, {"to": "adopted", "version": 1}, content_type="application/json", **headers)
    adopted = client.post(
        url, {"to": "adopted", "adopted_at": meeting.pk, "version": 1}, content_type="application/json", **headers
    )
    stale = client.post(url, {"to": "withdrawn", "version": 1}, content_type="application/json", **headers)
    backwards = client.post(url, {"to": "draft", "version": 2}, content_type="application/json", **headers)

    assert assert_problem(unsaid, 422)["errors"] == [
        {"field": "adopted_at", "message": "Say how it was adopted: at which meeting, or by written procedure."}
    ]
    assert adopted.status_code == 200
    assert (adopted.json()["status"], adopted.json()["adopted_at"], adopted.json()["adopted_on"]) == (
        "adopted",
        meeting.pk,
        "2019-06-05",
    )
    assert_problem(stale, 409)
    assert assert_problem(backwards, 422)["errors"][0]["field"] == "to"
    assert Document.objects.get(pk=document.pk).status == "adopted"


def test_writes_need_a_token_of_someone_who_keeps_the_register(client, staff):
    document = record(staff)
    focal = make_user(Role.FOCAL_POINT)

    anonymous = client.post(URL, {"title": "X", "type": "opinion"}, content_type="application/json")
    refused = client.post(
        f"{URL}/{document.pk}/status",
        {"to": "withdrawn", "version": 1},
        content_type="application/json",
        **bearer_for(focal),
    )

    assert_problem(anonymous, 401)
    assert_problem(refused, 403)
    assert Document.objects.get(pk=document.pk).status == "draft"


def test_the_list_loads_in_a_fixed_number_of_queries(client, staff, django_assert_num_queries):
    for n in range(3):
        with_original(staff, symbol=f"T-CY(2099){n}")

    with django_assert_num_queries(3):  # count, page, language versions
        response = client.get(URL)

    assert response.json()["count"] == 19  # with the 12 Guidance Notes and 4 assessment reports of the reference data
    assert sum(len(d["versions"]) for d in response.json()["items"]) == 3


def test_an_adoption_known_to_the_month_is_sent_and_read_with_its_precision(client, staff):
    tcy = Committee.objects.get(code="T-CY")
    draft = documents.record_document(
        tcy, symbol="T-CY(2099)5", title="Opinion", type="opinion", circulation="public", user=staff
    )
    auth = bearer_for(staff)

    adopted = client.post(
        f"{URL}/{draft.pk}/status",
        {
            "to": "adopted",
            "version": 1,
            "written_procedure": True,
            "adopted_on": "2099-11-18",
            "adopted_precision": "month",
        },
        content_type="application/json",
        **auth,
    )
    wrong = client.post(
        f"{URL}/{draft.pk}/status",
        {"to": "withdrawn", "version": 2, "adopted_precision": "week"},
        content_type="application/json",
        **auth,
    )

    assert adopted.status_code == 200, adopted.content
    body = adopted.json()
    assert (body["adopted_on"], body["adopted_precision"], body["adopted_shown"]) == (
        "2099-11-01",
        "month",
        "November 2099",
    )
    assert Document.objects.get(pk=draft.pk).dated_as == (D(2099, 11, 1), "month")
    assert assert_problem(wrong, 422)["errors"][0]["field"] == "adopted_precision"
    corrected = client.put(
        f"{URL}/{draft.pk}",
        {
            "symbol": "T-CY(2099)5",
            "title": "Opinion",
            "type": "opinion",
            "is_public": True,
            "version": 2,
            "written_procedure": True,
            "adopted_on": "2099-03-03",
            "adopted_precision": "year",
        },
        content_type="application/json",
        **auth,
    )
    assert corrected.status_code == 200, corrected.content
    assert (corrected.json()["adopted_on"], corrected.json()["adopted_shown"]) == ("2099-01-01", "2099")
