"""The write path of meetings (DESIGN.md §7.3): plenaries and Bureau meetings linked to their events, their agenda
(items, decisions, the abridged report, documents attached) and the interpretation booked for them, audited."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from octopus.accounts.services import log_action, snapshot
from octopus.committees.models import (
    AgendaItem,
    Committee,
    Document,
    InterpretationRequest,
    InterpretationStatus,
    Meeting,
)
from octopus.committees.queries.membership import bureau_of
from octopus.events.models import Event, Kind
from octopus.lib.errors import DomainError
from octopus.lib.locking import locked_for_update

AGENDA_FIELDS = ("number", "title", "decision", "report")
INTERPRETATION_FIELDS = ("languages", "booths", "days", "cost", "status", "note", "requested_on")
# Where an interpretation request may go from each status; a delivered one is final (its cost may be corrected).
INTERPRETATION_TRANSITIONS: dict[str, set[InterpretationStatus]] = {
    InterpretationStatus.REQUESTED: {InterpretationStatus.CONFIRMED, InterpretationStatus.CANCELLED},
    InterpretationStatus.CONFIRMED: {
        InterpretationStatus.REQUESTED,
        InterpretationStatus.DELIVERED,
        InterpretationStatus.CANCELLED,
    },
    InterpretationStatus.DELIVERED: set(),
    InterpretationStatus.CANCELLED: {InterpretationStatus.REQUESTED},
}
STALE_ITEM = _("Someone changed this agenda item while you were editing it; reload to see their change.")


# --- meetings --------------------------------------------------------------------------------------------------


@transaction.atomic
def record_meeting(
    committee: Committee, *, event: Event, number: int | None, user, number_unknown: bool = False
) -> Meeting:
    """Number an event of the events app as a meeting of the committee: a T-CY plenary in the committee's series, a
    Bureau meeting in its Bureau's. Refused for another kind of event, an event already numbered, or a number
    already given in that series. `number_unknown` records a meeting a source names without its number (reference
    data): it is linked with no number rather than a guessed one."""
    if event.kind == Kind.TCY_PLENARY:
        series = committee.parent or committee
    elif event.kind == Kind.TCY_BUREAU:
        bureau = bureau_of(committee)
        if bureau is None:
            raise DomainError(_("%(committee)s has no Bureau.") % {"committee": committee})
        series = bureau
    else:
        raise DomainError(
            _("%(event)s is a %(kind)s, not a T-CY plenary or Bureau meeting.")
            % {"event": event.title, "kind": event.get_kind_display().lower()}
        )
    if number_unknown and number is None:
        pass
    elif number is None or number < 1:
        raise DomainError(_("Give the meeting's number in its series (T-CY 16 → 16)."))
    if Meeting.objects.filter(event=event).exists():
        raise DomainError(_("%(event)s is already recorded as a meeting.") % {"event": event.title})
    taken = (
        None
        if number is None
        else Meeting.objects.select_for_update().filter(committee=series, number=number).select_related("event").first()
    )
    if taken is not None:
        raise DomainError(
            _("%(series)s %(number)s is already %(event)s.")
            % {"series": series, "number": number, "event": taken.event.title}
        )
    meeting = Meeting.objects.create(committee=series, event=event, number=number)
    log_action(meeting, "committees.meeting.recorded", user=user, after=snapshot(meeting))
    return meeting


# --- the agenda --------------------------------------------------------------------------------------------------


def _check_agenda_fields(fields: dict) -> None:
    unknown = set(fields) - set(AGENDA_FIELDS)
    if unknown:
        raise DomainError(_("Unknown fields for an agenda item: %s.") % ", ".join(sorted(unknown)))
    if "title" in fields and not str(fields["title"]).strip():
        raise DomainError(_("Give the item's title."))


def _move(item: AgendaItem, to: int) -> None:
    """Put `item` at position `to` (1 … the number of items), shifting the items between one place. Items are
    moved one at a time: the database checks that two items never share a place after each step."""
    others = AgendaItem.objects.select_for_update().filter(meeting=item.meeting_id).exclude(pk=item.pk)
    count = others.count() + 1
    to = max(1, min(to, count))
    was = item.order or count + 1  # a new item comes from the end
    if to == was:
        return
    item.order = 0  # out of the way while the others move
    if item.pk:
        item.save(update_fields=["order"])
    # A shifted item changes version too: an edit of it made before the move would put it back in its old place.
    if to < was:
        for other in others.filter(order__gte=to, order__lt=was).order_by("-order"):
            other.order, other.version = other.order + 1, other.version + 1
            other.save(update_fields=["order", "version"])
    else:
        for other in others.filter(order__gt=was, order__lte=to).order_by("order"):
            other.order, other.version = other.order - 1, other.version + 1
            other.save(update_fields=["order", "version"])
    item.order = to


@transaction.atomic
def add_agenda_item(meeting: Meeting, *, user, order: int | None = None, **fields) -> AgendaItem:
    """Add an item to the meeting's agenda: at the end, or at `order` with the items from there moving down."""
    _check_agenda_fields(fields)
    Meeting.objects.select_for_update().get(pk=meeting.pk)  # one agenda change at a time per meeting
    last = meeting.agenda.aggregate(last=Max("order"))["last"] or 0
    item = AgendaItem(meeting=meeting, order=last + 1, **fields)
    if order is not None and order <= last:
        item.order = 0  # no place yet: `_move` takes it from the end to `order`
        _move(item, order)
    item.save()
    log_action(item, "committees.agenda_item.added", user=user, after=snapshot(item))
    return item


@transaction.atomic
def update_agenda_item(
    item: AgendaItem, *, user, version: int | None, order: int | None = None, **fields
) -> AgendaItem:
    """Change an item (its number, title, decision, abridged report) and move it to `order`. `version` is the one
    the user edited: if the item changed since (or was shifted by a move), ConflictError and nothing is written."""
    _check_agenda_fields(fields)
    Meeting.objects.select_for_update().get(pk=item.meeting_id)
    current = locked_for_update(AgendaItem, item.pk, version, stale=STALE_ITEM)
    before = snapshot(current)
    for name, value in fields.items():
        setattr(current, name, value)
    if order is not None and order != current.order:
        _move(current, order)
    current.version += 1
    current.save()
    log_action(current, "committees.agenda_item.changed", user=user, before=before, after=snapshot(current))
    return current


@transaction.atomic
def remove_agenda_item(item: AgendaItem, *, user) -> None:
    """Take an item off the agenda; the items after it move up."""
    Meeting.objects.select_for_update().get(pk=item.meeting_id)
    current = AgendaItem.objects.select_for_update().get(pk=item.pk)
    before = snapshot(current)
    last = current.meeting.agenda.count()
    _move(current, last)
    current.delete()
    log_action(current, "committees.agenda_item.removed", user=user, before=before)


def _same_register(meeting: Meeting, document: Document) -> bool:
    """A meeting's items take documents of its committee's register, or of the parent's (a Bureau meeting discusses
    the T-CY's documents)."""
    return document.committee_id in {meeting.committee_id, meeting.committee.parent_id}


@transaction.atomic
def attach_document(item: AgendaItem, *, document: Document, user) -> AgendaItem:
    """Attach a document of the register to an agenda item."""
    current = AgendaItem.objects.select_for_update().select_related("meeting__committee").get(pk=item.pk)
    if not _same_register(current.meeting, document):
        raise DomainError(_("%(document)s is not in this committee's register.") % {"document": document})
    if current.documents.filter(pk=document.pk).exists():
        raise DomainError(_("%(document)s is already attached to this item.") % {"document": document})
    current.documents.add(document)
    log_action(
        current,
        "committees.agenda_item.document_attached",
        user=user,
        data={"document": document.pk, "symbol": document.symbol},
    )
    return current


@transaction.atomic
def detach_document(item: AgendaItem, *, document: Document, user) -> AgendaItem:
    """Detach a document from an agenda item; the document stays in the register."""
    current = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if not current.documents.filter(pk=document.pk).exists():
        raise DomainError(_("%(document)s is not attached to this item.") % {"document": document})
    current.documents.remove(document)
    log_action(
        current,
        "committees.agenda_item.document_detached",
        user=user,
        data={"document": document.pk, "symbol": document.symbol},
    )
    return current


# --- interpretation ---------------------------------------------------------------------------------------------


def _check_interpretation(request: InterpretationRequest, meeting: Meeting) -> None:
    languages = request.languages
    if not isinstance(languages, list) or any(not isinstance(c, str) or len(c) != 2 for c in languages):
        raise DomainError(_("Give the languages as two-letter codes (e.g. en, fr)."))
    if len(set(languages)) < 2:
        raise DomainError(_("Interpretation needs at least two languages."))
    if request.booths < 1:
        raise DomainError(_("Book at least one booth."))
    event_days = len(meeting.event.days)
    if not 1 <= request.days <= event_days:
        raise DomainError(
            _("Interpretation is booked for 1 to %(days)s days: the days of the meeting.") % {"days": event_days}
        )
    if request.cost is None or Decimal(request.cost) < 0:
        raise DomainError(_("The cost cannot be negative."))


@transaction.atomic
def request_interpretation(
    meeting: Meeting,
    *,
    languages: list[str],
    booths: int,
    days: int,
    user,
    cost: Decimal = Decimal(0),
    note: str = "",
    requested_on: datetime.date | None = None,
) -> InterpretationRequest:
    """Book interpretation for a meeting: languages, booths, days (within the meeting's) and its cost."""
    meeting = Meeting.objects.select_related("event").get(pk=meeting.pk)
    request = InterpretationRequest(
        meeting=meeting,
        languages=list(dict.fromkeys(languages)),
        booths=booths,
        days=days,
        cost=cost,
        note=note,
        requested_on=requested_on or timezone.localdate(),
    )
    _check_interpretation(request, meeting)
    request.save()
    log_action(request, "committees.interpretation.requested", user=user, after=snapshot(request))
    return request


@transaction.atomic
def update_interpretation(request: InterpretationRequest, *, version: int | None, user, **fields):
    """Change an interpretation request (its languages, booths, days, cost, status) with the version the user read;
    a stale one is a ConflictError. Statuses move as INTERPRETATION_TRANSITIONS says."""
    unknown = set(fields) - set(INTERPRETATION_FIELDS)
    if unknown:
        raise DomainError(_("Unknown fields for an interpretation request: %s.") % ", ".join(sorted(unknown)))
    current = locked_for_update(InterpretationRequest.objects.select_related("meeting__event"), request.pk, version)
    before = snapshot(current)
    status = fields.get("status", current.status)
    if status != current.status and status not in INTERPRETATION_TRANSITIONS[current.status]:
        raise DomainError(
            _("A request that is %(from)s cannot become %(to)s.")
            % {"from": current.get_status_display().lower(), "to": InterpretationStatus(status).label.lower()}
        )
    for name, value in fields.items():
        setattr(current, name, value)
    if "languages" in fields:
        current.languages = list(dict.fromkeys(current.languages))
    _check_interpretation(current, current.meeting)
    current.version += 1
    current.save()
    log_action(current, "committees.interpretation.updated", user=user, before=before, after=snapshot(current))
    return current
