"""Committee API: the meetings of the T-CY and its Bureau, their agenda with decisions and documents.

Meetings whose event is public are open to everyone; readers of the committee's workspace (a bearer token or the
workspace session) see every meeting. An agenda item lists only the documents the reader reads
(`queries.documents.documents_readable_by`, the register's one rule). Adding an agenda item needs a bearer token of
staff who keep the committee; the input is validated by the workspace's form and the service does the work."""

from typing import Annotated

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from ninja import Path, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate
from pydantic import Field

from octopus.accounts.api import PUBLIC, Id, Line, Pagination, Text, allowed, form_errors, viewer
from octopus.committees.forms.meetings import AgendaItemForm
from octopus.committees.models import AgendaItem, Meeting
from octopus.committees.queries.documents import documents_readable_by
from octopus.committees.services import meetings as services
from octopus.events.api import EventStatus
from octopus.events.models import Kind, Status
from octopus.lib.dates import IsoDate
from octopus.results.api import IsSample

router = Router(tags=["committee"])

MEETING_KINDS = (Kind.TCY_PLENARY, Kind.TCY_BUREAU)


class MeetingOut(Schema):
    id: int
    committee: str = Field(validation_alias="committee.code", description="T-CY, or T-CY Bureau.")
    number: int | None
    name: str = Field(description="e.g. T-CY 16")
    event: str = Field(validation_alias="event.slug", description="Slug of the event (events API).")
    title: str = Field(validation_alias="event.title")
    kind: Kind = Field(validation_alias="event.kind")
    status: EventStatus = Field(validation_alias="event.status")
    starts_on: IsoDate = Field(validation_alias="event.starts_on")
    ends_on: IsoDate = Field(validation_alias="event.ends_on")
    place: str = Field(validation_alias="event.place")
    is_sample: IsSample = Field(validation_alias="event.is_sample")

    @staticmethod
    def resolve_name(meeting) -> str:
        return str(meeting)


class DocumentRefOut(Schema):
    id: int
    symbol: str
    title: str
    type: str
    status: str
    is_sample: IsSample


class AgendaItemOut(Schema):
    id: int
    order: int
    number: str
    title: str
    decision: str
    report: str = Field(description="What the abridged meeting report says of the item.")
    is_sample: IsSample = Field(validation_alias="meeting.event.is_sample")
    documents: list[DocumentRefOut]

    @staticmethod
    def resolve_documents(item) -> list:
        # The meeting's reader gets only the documents they may see (`shown_documents`); a new item has none.
        return item.shown_documents if hasattr(item, "shown_documents") else list(item.documents.all())


class MeetingDetailOut(MeetingOut):
    agenda: list[AgendaItemOut]

    @staticmethod
    def resolve_agenda(meeting) -> list:
        return meeting.shown_agenda


class AgendaItemIn(Schema):
    order: int | None = Field(default=None, ge=1, le=999, description="Position; empty: at the end.")
    number: Annotated[str, Field(max_length=10, pattern=r"^[^\x00]*$")]
    title: Line
    decision: Text = ""
    report: Text = ""


# Who may use each route: each declares it (`allowed`, or PUBLIC); a refusal is this 403.
NOT_THE_SECRETARIAT = gettext_lazy("Your role does not allow changing the committee.")


def _meetings_for(user):
    meetings = Meeting.objects.filter(event__kind__in=MEETING_KINDS).select_related("committee", "event__country")
    if user.has_perm("committees.view_committee"):
        return meetings
    return meetings.filter(event__is_public=True).exclude(event__status=Status.CANCELLED)


@router.get(
    "/committee/meetings",
    response=list[MeetingOut],
    auth=PUBLIC,
    summary="Meetings of the T-CY and its Bureau",
    description="In the order they were held. Meetings of public events for everyone; every meeting for readers of "
    "the committee's workspace.",
)
@paginate(Pagination, page_size=100)
def list_meetings(
    request,
    kind: Kind | None = None,
    year: Annotated[int | None, Field(ge=1900, le=2200, description="Meetings that start in this year.")] = None,
):
    meetings = _meetings_for(viewer(request)).order_by("event__starts_on", "pk")
    if kind:
        meetings = meetings.filter(event__kind=kind)
    if year is not None:
        meetings = meetings.filter(event__starts_on__year=year)
    return meetings


def _documents_for(user):
    return documents_readable_by(user).order_by("symbol", "title")


@router.get(
    "/committee/meetings/{meeting_id}",
    response=MeetingDetailOut,
    auth=PUBLIC,
    summary="One meeting with its agenda",
    description="Each agenda item with its decision, abridged report and the documents attached that the reader "
    "reads (the register's rule: public ones for everyone, circulated ones for delegations, drafts for the "
    "secretariat and a country asked to comment).",
)
def get_meeting(request, meeting_id: Path[Id]):
    reader = viewer(request)
    meeting = get_object_or_404(_meetings_for(reader), pk=meeting_id)
    shown = Prefetch("documents", queryset=_documents_for(reader), to_attr="shown_documents")
    meeting.shown_agenda = list(meeting.agenda.prefetch_related(shown).order_by("order"))
    return meeting


@router.post(
    "/committee/meetings/{meeting_id}/agenda",
    response={201: AgendaItemOut},
    auth=allowed("committees.manage_committee", NOT_THE_SECRETARIAT, token_only=True),
    summary="Add an agenda item",
    description="At the end, or at `order` with the items from there moving down.",
)
def add_agenda_item(request, meeting_id: Path[Id], payload: AgendaItemIn):
    meeting = get_object_or_404(Meeting, pk=meeting_id, event__kind__in=MEETING_KINDS)
    form = AgendaItemForm(data={key: "" if value is None else value for key, value in payload.dict().items()})
    if not form.is_valid():
        raise form_errors(form)
    item = services.add_agenda_item(
        meeting, order=form.cleaned_data["order"], user=request.auth, **form.service_fields()
    )
    return Reply(201, AgendaItem.objects.select_related("meeting__event").prefetch_related("documents").get(pk=item.pk))
