"""The document register's write path: language versions and their files (type by content, size limit, stored
under MEDIA_ROOT with a random name), translation requests and their course, each audited and each refusal said.

The helpers at the top (real PDF and DOCX files, a document recorded through the services, a T-CY meeting) are used by
the page, API and access tests of the register too."""

import datetime
import io
from decimal import Decimal

import docx
import pypdf
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from octopus.accounts.models import AuditEntry, Role
from octopus.committees.models import Committee, Document, LanguageVersion, Meeting, TranslationStatus
from octopus.committees.services import documents
from octopus.events import services as events
from octopus.events.models import Kind, Status
from octopus.lib.errors import ConflictError, DomainError
from octopus.lib.files import MAX_DOCUMENT_FILE_SIZE
from octopus.testing.helpers import make_user

D = datetime.date


def pdf_bytes(text: str = "T-CY") -> bytes:
    """A real one-page PDF whose metadata carries `text`, so that a test can read it back."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(text: str = "T-CY") -> bytes:
    """A real Word document holding one paragraph."""
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def tcy() -> Committee:
    return Committee.objects.get(code="T-CY")


def record(user, symbol: str = "T-CY(2099)1", **fields) -> Document:
    """A document of the test's own (the 12 Guidance Notes of the reference data stay as they are): public unless
    `circulation` says otherwise."""
    values = {
        "title": "Assessment report on Article 99",
        "type": "assessment_report",
        "circulation": "public",
        **fields,
    }
    return documents.record_document(tcy(), symbol=symbol, user=user, **values)


def with_original(user, **fields) -> tuple[Document, LanguageVersion]:
    document = record(user, **fields)
    original = documents.upload_language_version(
        document, language="en", upload=upload("report.pdf", pdf_bytes("original")), user=user
    )
    return document, original


def plenary(user, number: int = 99, day: datetime.date | None = None) -> Meeting:
    day = day or D(2019, 6, 3)
    event = events.create_event(
        user=user,
        title=f"T-CY {number}",
        slug=f"t-cy-{number}",
        kind=Kind.TCY_PLENARY,
        status=Status.HELD,
        starts_on=day,
        ends_on=day + datetime.timedelta(days=2),
        city="Strasbourg",
    )
    return Meeting.objects.create(committee=tcy(), event=event, number=number)


@pytest.fixture
def staff(db):
    return make_user(Role.TCY_SECRETARIAT)


def actions(obj) -> list[str]:
    return list(AuditEntry.objects.about(obj).order_by("pk").values_list("action", flat=True))


# --- files ---------------------------------------------------------------------------------------------------------


def test_the_original_is_stored_outside_the_web_root_under_a_random_name_and_audited(staff):
    document = record(staff)

    row = documents.upload_language_version(
        document, language="en", upload=upload("Report final.pdf", pdf_bytes("Article 99")), user=staff
    )

    stored = settings.MEDIA_ROOT / row.file.name
    assert row.file.name.startswith(f"committees/documents/{document.pk}/en-") and row.file.name.endswith(".pdf")
    assert len(row.file.name.rsplit("-", 1)[1]) == len("0123456789abcdef0123456789abcdef.pdf")
    assert pypdf.PdfReader(stored).metadata.title == "Article 99"
    assert (row.translation_status, row.file_name, row.file_type, row.file_size, row.uploaded_by) == (
        TranslationStatus.ORIGINAL,
        "Report final.pdf",
        "pdf",
        stored.stat().st_size,
        staff,
    )
    assert row.uploaded_at is not None and row.version == 1
    assert actions(row) == ["committees.language_version.uploaded"]
    entry = AuditEntry.objects.about(row).get()
    assert (entry.user, entry.before, entry.after["file"]) == (staff, None, row.file.name)


def test_a_file_is_judged_by_its_content_not_its_name(staff):
    document = record(staff)

    with pytest.raises(DomainError, match="not a PDF or a Word"):
        documents.upload_language_version(
            document, language="en", upload=upload("report.pdf", b"just text, named like a PDF"), user=staff
        )
    with pytest.raises(DomainError, match="not a PDF or a Word"):
        documents.upload_language_version(
            document, language="en", upload=upload("sheet.docx", b"\x89PNG\r\n\x1a\n" + b"\0" * 40), user=staff
        )

    assert not LanguageVersion.objects.filter(document=document).exists()
    assert not (settings.MEDIA_ROOT / "committees").exists()
    # A Word file named .txt is a Word file.
    row = documents.upload_language_version(
        document, language="fr", upload=upload("rapport.txt", docx_bytes("Rapport")), user=staff
    )
    assert row.file_type == "docx"
    assert docx.Document(settings.MEDIA_ROOT / row.file.name).paragraphs[0].text == "Rapport"


def test_a_file_over_the_size_limit_or_empty_is_refused(staff):
    document = record(staff)
    too_big = b"%PDF-1.4\n" + b"0" * MAX_DOCUMENT_FILE_SIZE

    with pytest.raises(DomainError, match=r"too large \(20.0 MB\); the limit is 20.0 MB"):
        documents.upload_language_version(document, language="en", upload=upload("big.pdf", too_big), user=staff)
    with pytest.raises(DomainError, match="empty"):
        documents.upload_language_version(document, language="en", upload=upload("empty.pdf", b""), user=staff)
    with pytest.raises(DomainError, match="English or French; “de” is neither"):
        documents.upload_language_version(document, language="de", upload=upload("a.pdf", pdf_bytes()), user=staff)

    assert not LanguageVersion.objects.filter(document=document).exists()


def test_replacing_a_file_deletes_the_old_one_and_a_stale_version_is_refused(staff, django_capture_on_commit_callbacks):
    document, original = with_original(staff)
    old = settings.MEDIA_ROOT / original.file.name

    with django_capture_on_commit_callbacks(execute=True):
        replaced = documents.upload_language_version(
            document, language="en", upload=upload("v2.docx", docx_bytes("Second")), user=staff, version=1
        )
    with pytest.raises(ConflictError):
        documents.upload_language_version(
            document, language="en", upload=upload("v3.pdf", pdf_bytes()), user=staff, version=1
        )
    with pytest.raises(ConflictError):  # a page opened when there was no English file yet
        documents.upload_language_version(
            document, language="en", upload=upload("v4.pdf", pdf_bytes()), user=staff, expect_new=True
        )

    assert (replaced.pk, replaced.version, replaced.file_type, replaced.file_name) == (
        original.pk,
        2,
        "docx",
        "v2.docx",
    )
    assert not old.exists()
    assert docx.Document(settings.MEDIA_ROOT / replaced.file.name).paragraphs[0].text == "Second"
    entry = AuditEntry.objects.about(replaced).order_by("pk").last()
    assert (entry.before["file_type"], entry.after["file_type"]) == ("pdf", "docx")
    assert LanguageVersion.objects.get(pk=original.pk).version == 2


# --- translations --------------------------------------------------------------------------------------------------


def test_a_translation_is_requested_from_the_original_with_words_deadline_and_cost(staff):
    document, original = with_original(staff)

    requested = documents.request_translation(
        document, language="fr", word_count=5200, deadline=D(2099, 9, 1), cost=Decimal("780.50"), user=staff
    )

    assert (requested.translation_status, requested.word_count, requested.deadline, requested.cost) == (
        TranslationStatus.REQUESTED,
        5200,
        D(2099, 9, 1),
        Decimal("780.50"),
    )
    assert not requested.file
    assert actions(requested) == ["committees.translation.requested"]
    assert AuditEntry.objects.about(requested).get().after["cost"] == "780.50"


def test_a_translation_request_is_refused_when_it_makes_no_sense(staff):
    document = record(staff)
    with pytest.raises(DomainError, match="Record the original first"):
        documents.request_translation(document, language="fr", word_count=10, deadline=None, cost=0, user=staff)
    documents.upload_language_version(document, language="en", upload=upload("r.pdf", pdf_bytes()), user=staff)
    with pytest.raises(DomainError, match="The English version is the original"):
        documents.request_translation(document, language="en", word_count=10, deadline=None, cost=0, user=staff)
    with pytest.raises(DomainError, match="at least 1"):
        documents.request_translation(document, language="fr", word_count=0, deadline=None, cost=0, user=staff)
    with pytest.raises(DomainError, match="cannot be negative"):
        documents.request_translation(document, language="fr", word_count=10, deadline=None, cost=-1, user=staff)
    with pytest.raises(DomainError, match="“es” is neither"):
        documents.request_translation(document, language="es", word_count=10, deadline=None, cost=0, user=staff)
    withdrawn = documents.change_document_status(document, to="withdrawn", user=staff)
    with pytest.raises(DomainError, match="withdrawn"):
        documents.request_translation(withdrawn, language="fr", word_count=10, deadline=None, cost=0, user=staff)

    assert list(LanguageVersion.objects.filter(document=document).values_list("language", flat=True)) == ["en"]
    assert AuditEntry.objects.filter(action__startswith="committees.translation.").count() == 0


def test_a_translation_moves_from_requested_to_delivered_and_a_cancelled_one_may_be_asked_again(staff):
    document, _original = with_original(staff)
    row = documents.request_translation(document, language="fr", word_count=100, deadline=None, cost=0, user=staff)

    row = documents.update_translation(row, user=staff, version=1, status="in_progress", cost=Decimal("150"))
    with pytest.raises(DomainError, match="already being translated"):
        documents.request_translation(document, language="fr", word_count=100, deadline=None, cost=0, user=staff)
    with pytest.raises(ConflictError):
        documents.update_translation(row, user=staff, version=1, status="delivered")
    row = documents.update_translation(row, user=staff, version=2, status="delivered", deadline=D(2099, 10, 1))
    with pytest.raises(DomainError, match="delivered cannot become translation cancelled"):
        documents.update_translation(row, user=staff, version=3, status="cancelled")
    with pytest.raises(DomainError, match="cannot become original"):
        documents.update_translation(row, user=staff, version=3, status="original")

    assert (row.translation_status, row.cost, row.word_count, row.deadline, row.version) == (
        TranslationStatus.DELIVERED,
        Decimal("150"),
        100,
        D(2099, 10, 1),
        3,
    )
    assert actions(row) == [
        "committees.translation.requested",
        "committees.translation.in_progress",
        "committees.translation.delivered",
    ]

    other, _ = with_original(staff, symbol="T-CY(2099)2")
    asked = documents.request_translation(other, language="fr", word_count=10, deadline=None, cost=0, user=staff)
    cancelled = documents.update_translation(asked, user=staff, version=1, status="cancelled")
    again = documents.request_translation(
        other, language="fr", word_count=12, deadline=D(2099, 1, 2), cost=9, user=staff
    )
    assert (cancelled.translation_status, again.translation_status, again.word_count, again.version) == (
        "cancelled",
        "requested",
        12,
        3,
    )


def test_an_original_is_not_a_translation_to_update(staff):
    _document, original = with_original(staff)

    with pytest.raises(DomainError, match="This is the original"):
        documents.update_translation(original, user=staff, version=1, cost=10)

    assert LanguageVersion.objects.get(pk=original.pk).cost == 0


def test_figures_of_a_request_are_corrected_without_moving_it(staff):
    document, _original = with_original(staff)
    row = documents.request_translation(document, language="fr", word_count=100, deadline=None, cost=0, user=staff)

    with pytest.raises(DomainError, match="at least 1"):
        documents.update_translation(row, user=staff, version=1, word_count=0)
    row = documents.update_translation(row, user=staff, version=1, word_count=120, cost=Decimal("90.10"))

    assert (row.translation_status, row.word_count, row.cost) == ("requested", 120, Decimal("90.10"))
    assert actions(row)[-1] == "committees.translation.updated"


# --- statuses ------------------------------------------------------------------------------------------------------


def test_every_status_change_is_audited_including_back_to_draft_and_withdrawal(staff):
    meeting = plenary(staff)
    document = record(staff)

    document = documents.change_document_status(document, to="consultation", user=staff, version=1)
    document = documents.change_document_status(document, to="draft", user=staff, version=2)
    document = documents.change_document_status(document, to="adopted", adopted_at=meeting, user=staff, version=3)
    with pytest.raises(ConflictError):
        documents.change_document_status(document, to="withdrawn", user=staff, version=3)
    document = documents.change_document_status(document, to="withdrawn", user=staff, version=4)

    assert (document.adopted_at, document.adopted_on) == (meeting, D(2019, 6, 5))  # the meeting's last day
    assert actions(document) == [
        "committees.document.recorded",
        "committees.document.consultation",
        "committees.document.draft",
        "committees.document.adopted",
        "committees.document.withdrawn",
    ]
    assert Document.objects.public().filter(pk=document.pk).exists() is False


def test_a_symbol_or_a_number_is_given_once_in_the_register(staff):
    record(staff, symbol="T-CY(2099)1")
    other = record(staff, symbol="T-CY(2099)2")

    with pytest.raises(DomainError, match=r"T-CY\(2099\)1 is already in the register"):
        documents.correct_document(other, symbol="T-CY(2099)1", user=staff)
    with pytest.raises(DomainError, match="Guidance Note #1 is already in the register"):
        documents.record_document(tcy(), title="Another note", type="guidance_note", number=1, user=staff)

    assert Document.objects.get(pk=other.pk).symbol == "T-CY(2099)2"
    assert Document.objects.filter(type="guidance_note").count() == 12
