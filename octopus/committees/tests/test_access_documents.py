"""Every page of the document register (`octopus.committees.views.documents.urlpatterns`) and every API route under
/api/v1/committee/documents × every kind of visitor (`octopus.testing.helpers.VISITORS`).

Everyone reads the public register, its public documents and their files. A document circulated to the members, its
page, its file and its API record exist only for every delegation (focal points, with staff and the finance
officer): a 404 for the public, donors and users without a role. A working draft exists only for the secretariat
(staff), and for a country's focal points once the secretariat asked that country to comment; each step of
circulation opens it to more readers, on every page and route that lists or serves it (the steps' tests below).
The workspace is read by the delegations and kept by staff (who also ask for comments, circulate and publish); a
translation request's status and cost are kept by staff and the finance officer. A refused page sends the
anonymous to sign in and is a 403 for everyone else; a refused API call is a problem 401 or 403. Whatever is refused
changes nothing; every allowed write takes effect and is audited under the acting user.
"""

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from octopus.accounts.models import AuditEntry, Role, User
from octopus.committees.models import CommentRequest, Document, LanguageVersion
from octopus.committees.services import documents
from octopus.committees.tests.test_documents import pdf_bytes, upload, with_original
from octopus.committees.views.documents import urlpatterns
from octopus.testing.access_matrix import (
    StateBefore,
    api_reads,
    api_request,
    api_writes,
    audited,
    check_api_write,
    check_page_read,
    check_page_write,
    page_reads,
    page_writes,
    redirected_to,
    served_api_routes,
    served_pages,
)
from octopus.testing.factories import UserFactory
from octopus.testing.helpers import VISITORS, PageAccess, assert_page_refused, assert_problem, bearer_for, make_user

EVERYONE = frozenset(VISITORS)
STAFF = frozenset({Role.ADMINISTRATOR.value, Role.PROGRAMME_STAFF.value, Role.TCY_SECRETARIAT.value})
READERS = STAFF | {Role.FINANCE_OFFICER.value, Role.FOCAL_POINT.value}  # committees.view_committee
RESTRICTED_READERS = READERS  # committees.view_restricted_documents: what is circulated to the members
DRAFT_READERS = STAFF  # committees.view_draft_documents: the secretariat's working drafts
LANGUAGE_SERVICES = STAFF | {Role.FINANCE_OFFICER.value}

PREFIXES = ("t-cy/documents/", "workspace/t-cy/documents/", "workspace/t-cy/translations/")
API_PREFIX = "/api/v1/committee/documents"

PAGES = {
    # Public.
    "committees:tcy_documents": PageAccess(read=EVERYONE, write=None),
    "committees:tcy_documents_csv": PageAccess(read=EVERYONE, write=None),
    "committees:tcy_document": PageAccess(read=EVERYONE, write=None),  # a restricted one: RESTRICTED_READERS, else 404
    "committees:tcy_document_file": PageAccess(read=EVERYONE, write=None),  # idem
    # The workspace.
    "committees:tcy_register": PageAccess(read=READERS, write=None),
    "committees:tcy_register_export": PageAccess(read=READERS, write=None),
    "committees:tcy_document_create": PageAccess(read=STAFF, write=STAFF),
    "committees:tcy_document_manage": PageAccess(read=READERS, write=None),
    "committees:tcy_document_edit": PageAccess(read=STAFF, write=STAFF),
    "committees:tcy_document_status": PageAccess(read=STAFF, write=STAFF),
    "committees:tcy_document_comment": PageAccess(read=STAFF, write=STAFF),
    "committees:tcy_document_circulation": PageAccess(read=STAFF, write=STAFF),
    "committees:tcy_document_upload": PageAccess(read=STAFF, write=STAFF),
    "committees:tcy_translation_request": PageAccess(read=STAFF, write=STAFF),
    "committees:tcy_translations": PageAccess(read=READERS, write=None),
    "committees:tcy_translations_export": PageAccess(read=READERS, write=None),
    "committees:tcy_translation": PageAccess(read=LANGUAGE_SERVICES, write=LANGUAGE_SERVICES),
}

API_ROUTES = {
    f"GET {API_PREFIX}": EVERYONE,
    f"GET {API_PREFIX}/{{document_id}}": EVERYONE,  # a restricted one: RESTRICTED_READERS, else 404
    f"POST {API_PREFIX}": STAFF,
    f"PUT {API_PREFIX}/{{document_id}}": STAFF,
    f"POST {API_PREFIX}/{{document_id}}/status": STAFF,
    f"POST {API_PREFIX}/{{document_id}}/comment-requests": STAFF,
    f"POST {API_PREFIX}/{{document_id}}/circulation": STAFF,
}


def test_the_pages_tested_are_the_pages_served():
    assert {f"committees:{pattern.name}" for pattern in urlpatterns} == set(PAGES)
    assert served_pages(PREFIXES) == set(PAGES)  # and no other module serves a page under the register's addresses


def test_the_api_routes_tested_are_the_api_routes_served():
    assert served_api_routes((API_PREFIX,)) == set(API_ROUTES)


# Arrange: the register as the visitor finds it, kept by someone else.


@dataclass
class World:
    user: User | None
    public: Document  # a public draft report with its English PDF and a French translation requested
    restricted: Document  # a working document circulated to the members, with its English PDF
    translation: LanguageVersion  # the French translation of `public`, requested
    draft: Document  # a working draft nobody was asked to comment on


@pytest.fixture
def world(db, visitor) -> World:
    builder = UserFactory(email="register-keeper@example.org")
    public, _ = with_original(builder, symbol="T-CY(2099)1", title="Public report")
    restricted, _ = with_original(
        builder, symbol="T-CY(2099)2", title="Restricted compilation", circulation="circulated"
    )
    translation = documents.request_translation(
        public, language="fr", word_count=800, deadline=None, cost=Decimal("120"), user=builder
    )
    draft = documents.record_document(
        public.committee, symbol="T-CY(2099)3", title="Draft opinion", type="opinion", user=builder
    )
    return World(user=make_user(visitor), public=public, restricted=restricted, translation=translation, draft=draft)


@pytest.fixture
def visitor_client(client, world):
    if world.user:
        client.force_login(world.user)
    return client


def database_state() -> dict:
    """What a refused write must leave as it was: the register, its language versions, their files, the audit log."""
    media = Path(settings.MEDIA_ROOT)
    return {
        "documents": list(Document.objects.order_by("pk").values()),
        "versions": list(LanguageVersion.objects.order_by("pk").values()),
        "files": sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()) if media.exists() else [],
        "audit_entries": AuditEntry.objects.count(),
    }


def page_args(name: str, w: World) -> list:
    return {
        "committees:tcy_documents": [],
        "committees:tcy_documents_csv": [],
        "committees:tcy_register": [],
        "committees:tcy_document_create": [],
        "committees:tcy_translations": [],
        "committees:tcy_document_file": [w.public.pk, "en"],
        "committees:tcy_document_upload": [w.public.pk, "en"],
        "committees:tcy_translation_request": [w.restricted.pk, "fr"],
        "committees:tcy_register_export": ["xlsx"],
        "committees:tcy_translations_export": ["csv"],
        "committees:tcy_translation": [w.translation.pk],
        "committees:tcy_document_comment": [w.draft.pk],
        "committees:tcy_document_circulation": [w.draft.pk],
    }.get(name, [w.public.pk])


def page_path(name: str, world: World) -> str:
    return reverse(name, args=page_args(name, world))


# Pages: reading.


@pytest.mark.parametrize(("route", "visitor"), [(n, v) for n in page_reads(PAGES) for v in VISITORS])
def test_page_read(visitor_client, world, route, visitor):
    path = page_path(route, world)
    state = StateBefore(database_state)

    response = visitor_client.get(path)

    check_page_read(visitor, response, path, PAGES[route].read)
    state.assert_unchanged(visitor)


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("route", ["committees:tcy_document", "committees:tcy_document_file"])
def test_a_restricted_document_exists_only_for_those_who_read_restricted_documents(
    visitor_client, world, route, visitor
):
    args = [world.restricted.pk] + (["en"] if route == "committees:tcy_document_file" else [])

    response = visitor_client.get(reverse(route, args=args))

    assert response.status_code == (200 if visitor in RESTRICTED_READERS else 404)


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("route", ["committees:tcy_document", "committees:tcy_document_manage"])
def test_a_working_draft_exists_only_for_the_secretariat(visitor_client, world, route, visitor):
    response = visitor_client.get(reverse(route, args=[world.draft.pk]))

    if visitor in DRAFT_READERS:
        assert response.status_code == 200
    elif route == "committees:tcy_document_manage" and visitor not in READERS:
        assert_page_refused(response, visitor, reverse(route, args=[world.draft.pk]))
    else:
        assert response.status_code == 404


@pytest.mark.parametrize(
    ("route", "visitor"),
    [(n, v) for n, access in PAGES.items() if access.write is None for v in ("anonymous",)],
)
def test_read_only_pages_take_no_post(visitor_client, world, route, visitor):
    state = StateBefore(database_state)

    response = visitor_client.post(page_path(route, world), {})

    assert response.status_code == 405
    state.assert_unchanged(visitor)


# Pages: writing. Each write: what it sends, and what it must have done when allowed.


def create_form(w):
    return {"symbol": "T-CY(2099)9", "title": "New opinion", "type": "opinion", "circulation": "public"}


def created(world, response):
    document = Document.objects.get(symbol="T-CY(2099)9")
    redirected_to(response, "committees:tcy_document_manage", document.pk, exact=True)
    assert (document.title, document.status, document.circulation) == ("New opinion", "draft", "public")
    audited(world.user, "committees.document.recorded", document)


def edit_form(w):
    return {
        "symbol": w.public.symbol,
        "title": "Corrected report",
        "type": w.public.type,
        "source": "",
        "version": w.public.version,
    }


def edited(world, response):
    redirected_to(response, "committees:tcy_document_manage", world.public.pk, exact=True)
    document = Document.objects.get(pk=world.public.pk)
    assert (document.title, document.version) == ("Corrected report", 2)
    audited(world.user, "committees.document.corrected", document)


def status_form(w):
    return {"to": "consultation", "version": w.public.version}


def status_changed(world, response):
    redirected_to(response, "committees:tcy_document_manage", world.public.pk, exact=True)
    assert Document.objects.get(pk=world.public.pk).status == "consultation"
    audited(world.user, "committees.document.consultation", world.public)


def comment_form(w):
    return {"country": "GE", "version": w.draft.version}


def comment_requested(world, response):
    redirected_to(response, "committees:tcy_document_manage", world.draft.pk, exact=True)
    asked = CommentRequest.objects.get(document=world.draft)
    assert (asked.country.iso2, asked.requested_by, Document.objects.get(pk=world.draft.pk).version) == (
        "GE",
        world.user,
        2,
    )
    audited(world.user, "committees.document.comment_requested", world.draft)


def circulation_form(w):
    return {"to": "circulated", "version": w.draft.version}


def circulated(world, response):
    redirected_to(response, "committees:tcy_document_manage", world.draft.pk, exact=True)
    assert Document.objects.get(pk=world.draft.pk).circulation == "circulated"
    audited(world.user, "committees.document.circulated", world.draft)


def upload_form(w):
    return {"file": upload("second.pdf", pdf_bytes("second")), "version": 1}


def uploaded(world, response):
    redirected_to(response, "committees:tcy_document_manage", world.public.pk, exact=True)
    row = LanguageVersion.objects.get(document=world.public, language="en")
    assert (row.file_name, row.version, row.uploaded_by) == ("second.pdf", 2, world.user)
    audited(world.user, "committees.language_version.uploaded", row)


def translation_form(w):
    return {"word_count": "400", "deadline": "2099-05-01", "cost": "60.00"}


def translation_requested(world, response):
    redirected_to(response, "committees:tcy_document_manage", world.restricted.pk, exact=True)
    row = LanguageVersion.objects.get(document=world.restricted, language="fr")
    assert (row.translation_status, row.word_count, row.cost) == ("requested", 400, Decimal("60.00"))
    audited(world.user, "committees.translation.requested", row)


def translation_edit_form(w):
    return {"status": "in_progress", "word_count": "800", "cost": "125.00", "version": w.translation.version}


def translation_kept(world, response):
    redirected_to(response, "committees:tcy_translations", exact=True)
    row = LanguageVersion.objects.get(pk=world.translation.pk)
    assert (row.translation_status, row.cost) == ("in_progress", Decimal("125.00"))
    audited(world.user, "committees.translation.in_progress", row)


PAGE_WRITES = {
    "committees:tcy_document_create": (create_form, created),
    "committees:tcy_document_edit": (edit_form, edited),
    "committees:tcy_document_status": (status_form, status_changed),
    "committees:tcy_document_comment": (comment_form, comment_requested),
    "committees:tcy_document_circulation": (circulation_form, circulated),
    "committees:tcy_document_upload": (upload_form, uploaded),
    "committees:tcy_translation_request": (translation_form, translation_requested),
    "committees:tcy_translation": (translation_edit_form, translation_kept),
}


def test_every_page_write_has_a_scenario():
    assert set(PAGE_WRITES) == set(page_writes(PAGES))


@pytest.mark.parametrize(("route", "visitor"), [(n, v) for n in page_writes(PAGES) for v in VISITORS])
def test_page_write(visitor_client, world, route, visitor, django_capture_on_commit_callbacks):
    form, took_effect = PAGE_WRITES[route]
    path = page_path(route, world)
    data = form(world)
    state = StateBefore(database_state)

    with django_capture_on_commit_callbacks(execute=True):
        response = visitor_client.post(path, data)

    check_page_write(visitor, world, response, path, PAGES[route].write, took_effect, state)


# API.


def api_url(route: str, world: World, document: Document | None = None) -> str:
    steps = route.endswith(("/comment-requests", "/circulation"))  # steps a working draft takes
    return route.split(" ", 1)[1].format(document_id=(document or (world.draft if steps else world.public)).pk)


def api_create(w):
    return {"symbol": "T-CY(2099)9", "title": "API opinion", "type": "opinion"}


def api_created(world, response):
    assert response.status_code == 201
    document = Document.objects.get(symbol="T-CY(2099)9")
    assert (response.json()["id"], document.title) == (document.pk, "API opinion")
    audited(world.user, "committees.document.recorded", document)


def api_correct(w):
    return {
        "symbol": w.public.symbol,
        "title": "Corrected over the API",
        "type": w.public.type,
        "version": w.public.version,
    }


def api_corrected(world, response):
    assert response.status_code == 200
    document = Document.objects.get(pk=world.public.pk)
    assert (document.title, response.json()["version"]) == ("Corrected over the API", 2)
    audited(world.user, "committees.document.corrected", document)


def api_status(w):
    return {"to": "withdrawn", "version": w.public.version}


def api_status_changed(world, response):
    assert response.status_code == 200
    assert Document.objects.get(pk=world.public.pk).status == "withdrawn"
    audited(world.user, "committees.document.withdrawn", world.public)


def api_comment(w):
    return {"country": "GE", "version": w.draft.version}


def api_comment_requested(world, response):
    assert response.status_code == 201, response.content
    asked = CommentRequest.objects.get(document=world.draft)
    assert (response.json()["country"], response.json()["version"], asked.requested_by) == ("GE", 2, world.user)
    audited(world.user, "committees.document.comment_requested", world.draft)


def api_circulation(w):
    return {"to": "circulated", "version": w.draft.version}


def api_circulated(world, response):
    assert response.status_code == 200, response.content
    assert response.json()["circulation"] == Document.objects.get(pk=world.draft.pk).circulation == "circulated"
    audited(world.user, "committees.document.circulated", world.draft)


API_WRITES = {
    f"POST {API_PREFIX}": (api_create, api_created),
    f"POST {API_PREFIX}/{{document_id}}/comment-requests": (api_comment, api_comment_requested),
    f"POST {API_PREFIX}/{{document_id}}/circulation": (api_circulation, api_circulated),
    f"PUT {API_PREFIX}/{{document_id}}": (api_correct, api_corrected),
    f"POST {API_PREFIX}/{{document_id}}/status": (api_status, api_status_changed),
}
API_READS = api_reads(API_ROUTES)


def test_every_api_write_has_a_scenario():
    assert set(API_WRITES) == set(api_writes(API_ROUTES))


@pytest.mark.parametrize(("route", "visitor"), [(route, v) for route in API_READS for v in VISITORS])
def test_api_read(client, world, route, visitor):
    before = database_state()
    headers = bearer_for(world.user)

    public = client.get(api_url(route, world), **headers)
    restricted = client.get(api_url(route, world, world.restricted), **headers)
    draft = client.get(api_url(route, world, world.draft), **headers)

    assert public.status_code == 200
    if route.endswith("}"):
        for answer, readers, symbol in (
            (restricted, RESTRICTED_READERS, "T-CY(2099)2"),
            (draft, DRAFT_READERS, "T-CY(2099)3"),
        ):
            if visitor in readers:
                assert answer.json()["symbol"] == symbol
            else:
                assert_problem(answer, 404)
    else:
        shown = {d["symbol"] for d in public.json()["items"]}
        assert ("T-CY(2099)2" in shown) == (visitor in RESTRICTED_READERS) and "T-CY(2099)1" in shown
        assert ("T-CY(2099)3" in shown) == (visitor in DRAFT_READERS)
    assert database_state()["documents"] == before["documents"]


@pytest.mark.parametrize(("route", "visitor"), [(route, v) for route in API_WRITES for v in VISITORS])
def test_api_write(client, world, route, visitor):
    body, took_effect = API_WRITES[route]
    headers = bearer_for(world.user)
    state = StateBefore(database_state)

    response = api_request(client, route, api_url(route, world), body(world), **headers)

    check_api_write(visitor, world, response, API_ROUTES[route], took_effect, state)


@pytest.mark.parametrize("route", API_WRITES)
def test_api_write_with_a_signed_in_session_but_no_token_is_refused(client, db, route):
    # A workspace session is no authority for API writes: a page elsewhere could otherwise forge them.
    staff = make_user(Role.TCY_SECRETARIAT)
    public, _ = with_original(staff, symbol="T-CY(2099)1", title="Public report")
    world = World(user=staff, public=public, restricted=public, translation=None, draft=public)
    client.force_login(staff)
    body, _took_effect = API_WRITES[route]
    state = StateBefore(database_state)

    response = api_request(client, route, api_url(route, world), body(world))

    assert_problem(response, 401)
    state.assert_unchanged("signed-in session")
