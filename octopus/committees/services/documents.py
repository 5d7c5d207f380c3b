"""The write path of the document register (DESIGN.md §7.3): entries, corrections and status changes, audited."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from octopus.accounts.services import DomainError, locked_for_update, log_action, snapshot
from octopus.committees.models import (
    DOCUMENT_TRANSITIONS,
    Committee,
    Document,
    DocumentStatus,
    Meeting,
)

DOCUMENT_FIELDS = (
    "symbol", "title", "type", "number", "status", "adopted_on", "adopted_at", "adopted_at_plenary",
    "written_procedure", "is_public", "source",
)  # fmt: skip


def _check_document(document: Document) -> None:
    if document.status == DocumentStatus.ADOPTED and not (
        document.adopted_at_id or document.written_procedure or document.adopted_at_plenary or document.source
    ):
        raise DomainError(_("Say how it was adopted: at which meeting, or by written procedure."))
    if document.adopted_on and document.adopted_at_id and document.adopted_at.event.starts_on > document.adopted_on:
        raise DomainError(_("The adoption date is before the meeting that adopted it."))


@transaction.atomic
def record_document(committee: Committee, *, user, is_sample: bool = False, **fields) -> Document:
    """Enter a document in the register."""
    unknown = set(fields) - set(DOCUMENT_FIELDS)
    if unknown:
        raise DomainError(_("Unknown fields for a document: %s.") % ", ".join(sorted(unknown)))
    document = Document(committee=committee, changed_by=user, is_sample=is_sample, **fields)
    _check_document(document)
    if document.symbol and Document.objects.filter(committee=committee, symbol=document.symbol).exists():
        raise DomainError(_("%(symbol)s is already in the register.") % {"symbol": document.symbol})
    document.save()
    log_action(document, "committees.document.recorded", user=user, after=snapshot(document))
    return document


@transaction.atomic
def correct_document(document: Document, *, user, version: int | None = None, **fields) -> Document:
    """Correct what the register says of a document (its title, symbol, source, adoption facts)."""
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
    adopted_at: Meeting | None = None,
    written_procedure: bool = False,
) -> Document:
    """Move a document along draft → under consultation → adopted (or withdrawn); adoption says when and how."""
    current = locked_for_update(Document, document.pk, version)
    if to not in DOCUMENT_TRANSITIONS[current.status]:
        raise DomainError(_("A document that is %(from)s cannot become %(to)s.") % {
            "from": current.get_status_display().lower(), "to": DocumentStatus(to).label.lower()})  # fmt: skip
    before = snapshot(current)
    current.status = to
    if to == DocumentStatus.ADOPTED:
        if adopted_at is None and not written_procedure:
            raise DomainError(_("Say how it was adopted: at which meeting, or by written procedure."))
        current.adopted_at, current.written_procedure = adopted_at, written_procedure
        current.adopted_on = adopted_on or (adopted_at.event.ends_on if adopted_at else None)
        if current.adopted_on is None:
            raise DomainError(_("Give the day of adoption by written procedure."))
    _check_document(current)
    current.changed_by = user
    current.version += 1
    current.save()
    log_action(current, f"committees.document.{to}", user=user, before=before, after=snapshot(current))
    return current
