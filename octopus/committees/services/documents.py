"""The write path of the document register (DESIGN.md §7.3): entries, corrections and status changes, the files of
its language versions and the translations the programme pays for; all audited."""

import datetime
import enum
from decimal import Decimal
from typing import Final, Literal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from octopus.accounts.services import log_action, snapshot
from octopus.committees.models import (
    CIRCULATION_STEPS,
    DOCUMENT_TRANSITIONS,
    Circulation,
    CommentRequest,
    Committee,
    Document,
    DocumentStatus,
    Language,
    LanguageVersion,
    Meeting,
    TranslationStatus,
)
from octopus.committees.queries.documents import assessed_countries
from octopus.countries.models import Country
from octopus.lib.errors import ConflictError, DomainError
from octopus.lib.files import check_document_file, clean_file_name
from octopus.lib.locking import STALE, locked_for_update
from octopus.lib.precision import Precision, first_day, last_day
from octopus.results.services import assign_programmes, serve_activity

DOCUMENT_FIELDS = (
    "symbol",
    "title",
    "type",
    "number",
    "status",
    "adopted_on",
    "adopted_precision",
    "adopted_at",
    "adopted_at_plenary",
    "written_procedure",
    "source",
)
# Recorded as it stands (an older document may be public already); after that it moves only by its steps.
NEW_DOCUMENT_FIELDS = (*DOCUMENT_FIELDS, "circulation")


def _check_document(document: Document) -> None:
    if document.adopted_precision not in Precision.values:
        raise DomainError(_("Say whether the day, the month or only the year of adoption is known."))
    if document.adopted_on is not None:
        # A date known to the month or year is stored as the first day of what is known.
        document.adopted_on = first_day(document.adopted_on, document.adopted_precision)
    else:
        document.adopted_precision = Precision.DAY
    if document.status == DocumentStatus.ADOPTED and not (
        document.adopted_at_id or document.written_procedure or document.adopted_at_plenary or document.source
    ):
        raise DomainError(_("Say how it was adopted: at which meeting, or by written procedure."))
    if (
        document.adopted_on
        and document.adopted_at is not None
        and document.adopted_at.event.starts_on > last_day(document.adopted_on, document.adopted_precision)
    ):
        raise DomainError(_("The adoption date is before the meeting that adopted it."))
    # The database refuses these too, but with an error nobody could read.
    others = Document.objects.filter(committee=document.committee_id).exclude(pk=document.pk)
    if document.symbol and others.filter(symbol=document.symbol).exists():
        raise DomainError(_("%(symbol)s is already in the register.") % {"symbol": document.symbol})
    if document.number is not None and others.filter(type=document.type, number=document.number).exists():
        raise DomainError(
            _("%(type)s #%(number)s is already in the register.")
            % {"type": document.get_type_display(), "number": document.number}
        )


@transaction.atomic
def record_document(committee: Committee, *, user, is_sample: bool = False, **fields) -> Document:
    """Enter a document in the register: a working draft unless `circulation` says how far it has gone."""
    unknown = set(fields) - set(NEW_DOCUMENT_FIELDS)
    if unknown:
        raise DomainError(_("Unknown fields for a document: %s.") % ", ".join(sorted(unknown)))
    if fields.get("circulation", Circulation.DRAFT) not in Circulation.values:
        raise DomainError(_("A document is a working draft, circulated to the members, or public."))
    document = Document(committee=committee, changed_by=user, is_sample=is_sample, **fields)
    _check_document(document)
    document.save()
    log_action(document, "committees.document.recorded", user=user, after=snapshot(document))
    return document


@transaction.atomic
def correct_document(document: Document, *, user, version: int | None = None, **fields) -> Document:
    """Correct what the register says of a document (its title, symbol, source, adoption facts); who reads it
    changes only by the steps of `change_circulation` and `request_comment`."""
    unknown = set(fields) - set(DOCUMENT_FIELDS)
    if unknown:
        raise DomainError(_("Unknown fields for a document: %s.") % ", ".join(sorted(unknown)))
    current = locked_for_update(Document, document.pk, version)
    before = snapshot(current)
    for name, value in fields.items():
        setattr(current, name, value)
    _check_document(current)
    current.changed_by = user
    current.version += 1
    current.save()
    log_action(current, "committees.document.corrected", user=user, before=before, after=snapshot(current))
    return current


@transaction.atomic
def change_document_status(
    document: Document,
    *,
    to: str,
    user,
    version: int | None = None,
    adopted_on: datetime.date | None = None,
    adopted_precision: str = Precision.DAY,
    adopted_at: Meeting | None = None,
    written_procedure: bool = False,
) -> Document:
    """Move a document along draft → under consultation → adopted (or withdrawn); adoption says when and how."""
    current = locked_for_update(Document, document.pk, version)
    if to not in DOCUMENT_TRANSITIONS[DocumentStatus(current.status)]:
        raise DomainError(
            _("A document that is %(from)s cannot become %(to)s.")
            % {"from": current.get_status_display().lower(), "to": DocumentStatus(to).label.lower()}
        )
    before = snapshot(current)
    current.status = to
    if to == DocumentStatus.ADOPTED:
        if adopted_at is None and not written_procedure:
            raise DomainError(_("Say how it was adopted: at which meeting, or by written procedure."))
        current.adopted_at, current.written_procedure = adopted_at, written_procedure
        current.adopted_on = adopted_on or (adopted_at.event.ends_on if adopted_at else None)
        current.adopted_precision = adopted_precision if adopted_on else Precision.DAY
        if current.adopted_on is None:
            raise DomainError(_("Give the day of adoption by written procedure."))
    _check_document(current)
    current.changed_by = user
    current.version += 1
    current.save()
    log_action(current, f"committees.document.{to}", user=user, before=before, after=snapshot(current))
    return current


# --- who reads it: a working draft, a country asked to comment, circulated to the members, public -------------


@transaction.atomic
def request_comment(document: Document, *, country: Country, user, version: int | None = None) -> CommentRequest:
    """Ask `country` to comment on a working draft: its focal points read the draft from now on. For an assessment
    report linked to a round, the country is one the report assesses. Refused for a document already circulated
    or withdrawn, for a country asked already, and when `version` is stale."""
    current = locked_for_update(Document, document.pk, version)
    if current.circulation != Circulation.DRAFT:
        raise DomainError(
            _("This document is %(circulation)s already: every delegation reads it.")
            % {"circulation": current.get_circulation_display().lower()}
        )
    if current.status == DocumentStatus.WITHDRAWN:
        raise DomainError(_("This document is withdrawn; nobody is asked to comment on it any more."))
    assessed = assessed_countries(current)
    if assessed is not None and not assessed.filter(pk=country.pk).exists():
        raise DomainError(
            _("%(country)s is not assessed in this report: ask a country it assesses.") % {"country": country}
        )
    if current.comment_requests.filter(country=country).exists():
        raise DomainError(_("%(country)s has been asked to comment already.") % {"country": country})
    before = snapshot(current)
    asked = CommentRequest.objects.create(document=current, country=country, requested_by=user)
    current.changed_by = user
    current.version += 1
    current.save(update_fields=["changed_by", "version"])
    log_action(
        current,
        "committees.document.comment_requested",
        user=user,
        before=before,
        after=snapshot(current),
        data={"country": country.iso2, "comment_request": asked.pk},
    )
    return asked


@transaction.atomic
def change_circulation(document: Document, *, to: str, user, version: int | None = None) -> Document:
    """Take the next step: a working draft is circulated to the members (every delegation reads it), then made public
    (everyone reads it, on the public register). Never back; refused when `version` is stale."""
    current = locked_for_update(Document, document.pk, version)
    if to not in CIRCULATION_STEPS[Circulation(current.circulation)]:
        raise DomainError(
            _("A document that is %(from)s cannot become %(to)s.")
            % {
                "from": current.get_circulation_display().lower(),
                "to": (Circulation(to).label if to in Circulation.values else to).lower(),
            }
        )
    before = snapshot(current)
    current.circulation = to
    current.changed_by = user
    current.version += 1
    current.save()
    verb = "circulated" if to == Circulation.CIRCULATED else "published"
    log_action(current, f"committees.document.{verb}", user=user, before=before, after=snapshot(current))
    return current


# --- language versions and their files ---------------------------------------------------------------------------


class _Unchanged(enum.Enum):
    """A keyword not given: the field keeps its value (None clears a deadline or a word count)."""

    UNCHANGED = enum.auto()


UNCHANGED: Final = _Unchanged.UNCHANGED

TRANSLATION_TRANSITIONS: dict[str, set[TranslationStatus]] = {
    TranslationStatus.REQUESTED: {
        TranslationStatus.IN_PROGRESS,
        TranslationStatus.DELIVERED,
        TranslationStatus.CANCELLED,
    },
    TranslationStatus.IN_PROGRESS: {TranslationStatus.DELIVERED, TranslationStatus.CANCELLED},
    TranslationStatus.DELIVERED: set(),
    TranslationStatus.CANCELLED: {TranslationStatus.REQUESTED},
}


def _check_language(language: str) -> None:
    if language not in Language.values:
        raise DomainError(_("A document is issued in English or French; “%(code)s” is neither.") % {"code": language})


@transaction.atomic
def upload_language_version(
    document: Document, *, language: str, upload, user, version: int | None = None, expect_new: bool = False
) -> LanguageVersion:
    """Store the document's file in `language` (the original when the language had no version yet, else the
    file of the version there is, e.g. a delivered translation). Refused when the type, by content, is not PDF or
    DOCX, when the file is over the size limit, or when `version` (of the language version read) is stale —
    `expect_new` says the caller saw no file in that language, so one uploaded meanwhile is a conflict too. A
    replaced file is deleted once the change is committed."""
    _check_language(language)
    file_type = check_document_file(upload)
    Document.objects.select_for_update().get(pk=document.pk)  # one upload at a time per document
    row = LanguageVersion.objects.filter(document=document, language=language).first()
    if row is None:
        if version is not None:
            raise ConflictError(STALE)  # the caller read a version that someone removed meanwhile
        row = LanguageVersion(document=document, language=language, translation_status=TranslationStatus.ORIGINAL)
        before = None
    else:
        if expect_new:
            raise ConflictError(STALE)  # the caller saw no file in this language: someone uploaded one meanwhile
        row = locked_for_update(LanguageVersion, row.pk, version)
        before = snapshot(row)
        row.version += 1
    old_name = row.file.name if row.file else ""
    row.file_type = file_type  # document_file_path names the stored file by it
    row.file.save("upload", upload, save=False)
    row.file_name = clean_file_name(getattr(upload, "name", ""))
    row.file_size = upload.size
    row.uploaded_at = timezone.now()
    row.uploaded_by = user if getattr(user, "is_authenticated", False) else None
    row.save()
    if old_name:
        storage = row.file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    log_action(row, "committees.language_version.uploaded", user=user, before=before, after=snapshot(row))
    return row


def _check_translation_figures(word_count, cost) -> None:
    if word_count is not None and word_count is not UNCHANGED and word_count < 1:
        raise DomainError(_("The number of words is at least 1."))
    if cost is not None and cost is not UNCHANGED and Decimal(cost) < 0:
        raise DomainError(_("A cost cannot be negative."))


@transaction.atomic
def request_translation(
    document: Document, *, language: str, word_count: int | None, deadline: datetime.date | None, cost, user
) -> LanguageVersion:
    """Ask for the document in `language`: its language version becomes a translation requested, with the words,
    deadline and cost the programme pays for. Refused for a withdrawn document, for the language of an original,
    for a translation already under way or delivered, and when there is no version in another language to
    translate from."""
    _check_language(language)
    _check_translation_figures(word_count, cost)
    current = Document.objects.select_for_update().get(pk=document.pk)
    if current.status == DocumentStatus.WITHDRAWN:
        raise DomainError(_("This document is withdrawn; it is not translated any more."))
    versions = {row.language: row for row in LanguageVersion.objects.filter(document=current)}
    row = versions.get(language)
    if row is None and not versions:
        raise DomainError(_("Record the original first: a translation is made from a version in another language."))
    if row is None:
        row, before = LanguageVersion(document=current, language=language), None
    else:
        row = locked_for_update(LanguageVersion, row.pk, None)
        if row.translation_status == TranslationStatus.ORIGINAL:
            raise DomainError(
                _("The %(language)s version is the original; it is not translated.")
                % {"language": row.get_language_display()}
            )
        if row.translation_status in (TranslationStatus.IN_PROGRESS, TranslationStatus.DELIVERED):
            raise DomainError(
                _("The %(language)s translation is already %(status)s.")
                % {"language": row.get_language_display(), "status": row.get_translation_status_display().lower()}
            )
        before = snapshot(row)
        row.version += 1
    row.translation_status = TranslationStatus.REQUESTED
    row.word_count, row.deadline, row.cost = word_count, deadline, Decimal(cost or 0)
    row.save()
    log_action(row, "committees.translation.requested", user=user, before=before, after=snapshot(row))
    return row


@transaction.atomic
def update_translation(
    version_row: LanguageVersion,
    *,
    user,
    version: int | None,
    status: str | Literal[_Unchanged.UNCHANGED] = UNCHANGED,
    word_count=UNCHANGED,
    deadline=UNCHANGED,
    cost=UNCHANGED,
) -> LanguageVersion:
    """Move a translation request along requested → in progress → delivered (or cancelled; a cancelled one may be
    requested again) and correct its words, deadline or cost. Refused for an original, for a move the request
    cannot make, and when `version` is stale."""
    _check_translation_figures(word_count, cost)
    row = locked_for_update(LanguageVersion, version_row.pk, version)
    if row.translation_status == TranslationStatus.ORIGINAL:
        raise DomainError(_("This is the original, not a translation."))
    changed_status = status is not UNCHANGED and status != row.translation_status
    if changed_status and status not in TRANSLATION_TRANSITIONS.get(row.translation_status, set()):
        to = TranslationStatus(status).label if status in TranslationStatus.values else status
        raise DomainError(
            _("A translation that is %(from)s cannot become %(to)s.")
            % {"from": row.get_translation_status_display().lower(), "to": str(to).lower()}
        )
    before = snapshot(row)
    if status is not UNCHANGED:
        row.translation_status = status
    if word_count is not UNCHANGED:
        row.word_count = word_count
    if deadline is not UNCHANGED:
        row.deadline = deadline
    if cost is not UNCHANGED:
        row.cost = Decimal(cost or 0)
    row.version += 1
    row.save()
    verb = row.translation_status if changed_status else "updated"
    log_action(row, f"committees.translation.{verb}", user=user, before=before, after=snapshot(row))
    return row


@transaction.atomic
def set_translation_activity(version_row: LanguageVersion, activity, *, user) -> LanguageVersion:
    """Choosing the logframe activity a translation request serves sets the programme that pays for it (its cost
    then counts for that programme only); no activity: it serves none."""
    row = LanguageVersion.objects.select_for_update().get(pk=version_row.pk)
    if row.translation_status == TranslationStatus.ORIGINAL:
        raise DomainError(_("This is the original, not a translation."))
    if activity is None:
        assign_programmes(row, [], user=user)
    else:
        serve_activity(row, activity, user=user)
    return row
