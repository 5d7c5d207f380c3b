"""Meetings: numbering events, the agenda, decisions, interpretation, the pages (query counts pinned), exports read
back, and the API."""

import csv
import datetime
import io
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.urls import reverse

from octopus.accounts.models import AuditEntry, Role
from octopus.api import SAMPLE_HEADER
from octopus.committees.models import AgendaItem, Committee, InterpretationRequest, Meeting
from octopus.committees.queries.meetings import funded_participations, summarise
from octopus.committees.services import documents, meetings
from octopus.committees.tests.test_meetings_world import build_meetings_world
from octopus.events import services as events
from octopus.events.models import Event, Kind, Registration, Status
from octopus.events.tests.sample_files import docx_paragraphs, file_name, is_marked, real_sheets, sample_sheets
from octopus.lib.downloads import SAMPLE_NOTE
from octopus.lib.errors import ConflictError, DomainError
from octopus.testing.helpers import assert_problem, bearer_for, make_user

D = datetime.date


@pytest.fixture
def world(db):
    return build_meetings_world()


@pytest.fixture
def staff(world):
    return world.user


def agenda_of(meeting) -> list[tuple[int, str, str]]:
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("order").values_list("order", "number", "title"))


# --- services ---------------------------------------------------------------------------------------------------


def test_a_meeting_is_an_event_of_a_tcy_kind_numbered_once(world, staff):
    with pytest.raises(DomainError, match="is a regional workshop, not a T-CY plenary or Bureau meeting"):
        meetings.record_meeting(world.tcy, event=world.workshop, number=20, user=staff)
    with pytest.raises(DomainError, match="T-CY 17 is already 17th T-CY plenary"):
        meetings.record_meeting(world.tcy, event=world.unlinked, number=17, user=staff)
    with pytest.raises(DomainError, match="already recorded as a meeting"):
        meetings.record_meeting(world.tcy, event=world.t15.event, number=21, user=staff)
    with pytest.raises(DomainError, match="Give the meeting's number"):
        meetings.record_meeting(world.tcy, event=world.unlinked, number=0, user=staff)
    bureau_event = events.create_event(
        user=staff,
        title="Bureau 17",
        slug="bureau-17",
        kind=Kind.TCY_BUREAU,
        starts_on=D(2019, 3, 1),
        ends_on=D(2019, 3, 1),
    )

    meeting = meetings.record_meeting(world.tcy, event=world.unlinked, number=21, user=staff)
    bureau_meeting = meetings.record_meeting(world.tcy, event=bureau_event, number=17, user=staff)  # its own series

    assert (str(meeting), str(bureau_meeting)) == ("T-CY 21", "T-CY Bureau 17")
    entry = AuditEntry.objects.filter(action="committees.meeting.recorded").order_by("-pk")[1]
    assert (entry.object_id, entry.user, entry.after["number"]) == (str(meeting.pk), staff, 21)


def test_agenda_items_are_added_moved_edited_and_removed_in_order(world, staff):
    meeting = world.t17
    for number, title in (("1", "Opening"), ("2", "Agenda"), ("3", "Guidance Notes"), ("4", "Next meeting")):
        meetings.add_agenda_item(meeting, number=number, title=title, user=staff)
    inserted = meetings.add_agenda_item(meeting, number="2bis", title="Bureau report", order=2, user=staff)
    assert [t for _o, _n, t in agenda_of(meeting)] == [
        "Opening",
        "Bureau report",
        "Agenda",
        "Guidance Notes",
        "Next meeting",
    ]

    last = AgendaItem.objects.get(meeting=meeting, title="Next meeting")
    moved = meetings.update_agenda_item(
        last, order=1, version=last.version, user=staff, decision="T-CY 18 on 9-11 July 2018."
    )
    assert [t for _o, _n, t in agenda_of(meeting)] == [
        "Next meeting",
        "Opening",
        "Bureau report",
        "Agenda",
        "Guidance Notes",
    ]
    meetings.update_agenda_item(moved, order=5, version=None, user=staff)
    assert [o for o, _n, _t in agenda_of(meeting)] == [1, 2, 3, 4, 5]
    assert agenda_of(meeting)[-1] == (5, "4", "Next meeting")

    meetings.remove_agenda_item(inserted, user=staff)
    assert agenda_of(meeting) == [
        (1, "1", "Opening"),
        (2, "2", "Agenda"),
        (3, "3", "Guidance Notes"),
        (4, "4", "Next meeting"),
    ]
    actions = AuditEntry.objects.filter(action__startswith="committees.agenda_item.").values_list("action", flat=True)
    assert sorted(actions) == sorted(
        ["committees.agenda_item.added"] * 5
        + ["committees.agenda_item.changed"] * 2
        + ["committees.agenda_item.removed"]
    )


def test_a_stale_agenda_edit_is_a_conflict_and_changes_nothing(world, staff):
    item = meetings.add_agenda_item(world.t17, number="1", title="Opening", user=staff)
    shifted = meetings.add_agenda_item(world.t17, number="2", title="Agenda", user=staff)
    meetings.update_agenda_item(item, version=1, decision="Opened by the Chair.", user=staff)
    meetings.add_agenda_item(world.t17, number="0", title="Welcome", order=1, user=staff)  # moves both down

    with pytest.raises(ConflictError):
        meetings.update_agenda_item(item, version=2, decision="Something else.", user=staff)
    with pytest.raises(ConflictError):  # read before the move: saving it would put it back in its old place
        meetings.update_agenda_item(shifted, version=1, order=2, user=staff)

    assert AgendaItem.objects.get(pk=item.pk).decision == "Opened by the Chair."
    assert agenda_of(world.t17) == [(1, "0", "Welcome"), (2, "1", "Opening"), (3, "2", "Agenda")]


def test_documents_of_the_register_are_attached_and_detached(world, staff):
    item = meetings.add_agenda_item(world.b12, number="3", title="Guidance Notes", user=staff)
    note = documents.record_document(
        world.tcy, symbol="T-CY(2017)3", title="GN on production orders", type="guidance_note", user=staff
    )
    other = Committee.objects.create(code="OTHER", name="Another committee", treaty=world.tcy.treaty)
    foreign = documents.record_document(other, symbol="X(2017)1", title="Not ours", type="opinion", user=staff)

    meetings.attach_document(item, document=note, user=staff)  # a Bureau meeting takes the T-CY's documents
    with pytest.raises(DomainError, match="already attached"):
        meetings.attach_document(item, document=note, user=staff)
    with pytest.raises(DomainError, match="not in this committee's register"):
        meetings.attach_document(item, document=foreign, user=staff)
    assert list(item.documents.values_list("symbol", flat=True)) == ["T-CY(2017)3"]
    meetings.detach_document(item, document=note, user=staff)
    with pytest.raises(DomainError, match="not attached to this item"):
        meetings.detach_document(item, document=note, user=staff)

    assert item.documents.count() == 0
    assert [
        e.data["symbol"]
        for e in AuditEntry.objects.filter(action__startswith="committees.agenda_item.document").order_by("pk")
    ] == ["T-CY(2017)3", "T-CY(2017)3"]


def test_interpretation_is_requested_within_the_meeting_and_changed_with_its_version(world, staff):
    with pytest.raises(DomainError, match="at least two languages"):
        meetings.request_interpretation(world.t17, languages=["en"], booths=1, days=1, user=staff)
    with pytest.raises(DomainError, match="1 to 3 days"):
        meetings.request_interpretation(world.t17, languages=["en", "fr"], booths=2, days=4, user=staff)
    booked = meetings.request_interpretation(
        world.t17, languages=["en", "fr", "en"], booths=2, days=3, cost=Decimal("9600.00"), user=staff
    )
    confirmed = meetings.update_interpretation(booked, version=1, status="confirmed", user=staff)
    with pytest.raises(ConflictError):
        meetings.update_interpretation(booked, version=1, cost=Decimal(1), user=staff)
    delivered = meetings.update_interpretation(
        confirmed, version=2, status="delivered", cost=Decimal("9100"), user=staff
    )
    with pytest.raises(DomainError, match="delivered cannot become requested"):
        meetings.update_interpretation(delivered, version=3, status="requested", user=staff)

    current = InterpretationRequest.objects.get()
    assert (current.languages, current.status, current.cost, current.version) == (
        ["en", "fr"],
        "delivered",
        Decimal("9100.00"),
        3,
    )
    assert AuditEntry.objects.filter(action__startswith="committees.interpretation.").count() == 3


# --- funded participation ---------------------------------------------------------------------------------------


def test_funded_participation_counts_tcy_meetings_and_other_fora_of_member_states(world):
    rows = funded_participations(world.tcy)
    summary = summarise(rows)

    assert [(r.iso2, r.event_slug, r.scope, r.committed, r.actual) for r in rows] == [
        ("GE", "t-cy-15", "tcy", Decimal("700.00"), Decimal("650.00")),
        ("GE", "t-cy-15", "tcy", Decimal("300.00"), None),
        ("FR", "t-cy-17", "tcy", Decimal("650.00"), None),
        ("AM", "regional-workshop", "other", Decimal("300.00"), None),
    ]
    assert [(t.iso2, t.year, t.tcy, t.other, t.committed, t.actual) for t in summary.by_state_and_year] == [
        ("AM", 2017, 0, 1, Decimal("300.00"), Decimal(0)),
        ("FR", 2017, 1, 0, Decimal("650.00"), Decimal(0)),
        ("GE", 2016, 2, 0, Decimal("1000.00"), Decimal("650.00")),
    ]
    assert [(t.year, t.count) for t in summary.by_year] == [(2016, 2), (2017, 2)]
    assert (summary.total.count, summary.states) == (4, 3)


# --- pages ------------------------------------------------------------------------------------------------------


def signed_in(client, user):
    client.force_login(user)
    client.get(reverse("committees:tcy_workspace"))
    return client


def test_the_series_lists_meetings_with_participants_in_a_fixed_number_of_queries(
    client, world, staff, django_assert_num_queries
):
    documents.record_document(
        world.tcy,
        symbol="T-CY(2017)9",
        title="Adopted",
        type="opinion",
        status="adopted",
        adopted_on=D(2017, 7, 12),
        adopted_at=world.t17,
        user=staff,
    )
    signed_in(client, staff)

    with django_assert_num_queries(11):
        response = client.get(reverse("committees:tcy_meetings"))

    rows = [(str(m), m.participants, m.documents_adopted) for m in response.context["meetings"]]
    assert rows == [("T-CY 19", 1, 0), ("T-CY 17", 3, 1), ("T-CY Bureau 12", 1, 0), ("T-CY 15", 2, 0)]
    assert [e.slug for e in response.context["form"].fields["event"].queryset] == ["t-cy-21"]
    plenaries = client.get(reverse("committees:tcy_meetings"), {"body": "plenary", "year": "2017"})
    assert [str(m) for m in plenaries.context["meetings"]] == ["T-CY 17"]


def test_the_series_exports_read_back(client, world, staff):
    signed_in(client, staff)

    text = client.get(reverse("committees:tcy_meetings"), {"format": "csv"}).content.decode()
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("committees:tcy_meetings"), {"format": "xlsx"}).content)
    )

    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:7] == ["Meeting", "Event", "First day", "Last day", "Place", "Status", "Participants"]
    assert rows[2][:4] + [rows[2][6]] == ["T-CY 17", "17th T-CY plenary", "2017-07-10", "2017-07-12", "3"]
    sheet = workbook.active
    assert [cell.value for cell in sheet[5]][:3] == ["T-CY 15", "15th T-CY plenary", datetime.datetime(2016, 5, 24)]
    assert sheet.cell(row=5, column=7).value == 2


def test_numbering_an_event_on_the_page(client, world, staff):
    signed_in(client, staff)

    refused = client.post(reverse("committees:tcy_meetings"), {"event": world.unlinked.pk, "number": "17"})
    response = client.post(reverse("committees:tcy_meetings"), {"event": world.unlinked.pk, "number": "21"})

    assert refused.status_code == 400 and "T-CY 17 is already 17th T-CY plenary" in refused.content.decode()
    meeting = Meeting.objects.get(event=world.unlinked)
    assert (response.status_code, response.url, meeting.number) == (
        302,
        reverse("committees:tcy_meeting", args=[meeting.pk]),
        21,
    )


def test_the_meeting_page_shows_agenda_decisions_participants_and_interpretation(
    client, world, staff, django_assert_num_queries
):
    note = documents.record_document(world.tcy, symbol="T-CY(2017)3", title="GN", type="guidance_note", user=staff)
    first = meetings.add_agenda_item(world.t15, number="1", title="Opening", user=staff)
    second = meetings.add_agenda_item(
        world.t15,
        number="5",
        title="Guidance Notes",
        decision="Adopted GN 10.",
        report="The plenary discussed the draft.",
        user=staff,
    )
    meetings.attach_document(second, document=note, user=staff)
    meetings.request_interpretation(world.t15, languages=["en", "fr"], booths=2, days=2, user=staff)
    signed_in(client, staff)

    with django_assert_num_queries(9):
        response = client.get(reverse("committees:tcy_meeting", args=[world.t15.pk]), {"list": "final"})

    assert [i.pk for i in response.context["agenda"]] == [first.pk, second.pk]
    assert [i.pk for i in response.context["decisions"]] == [second.pk]
    groups = [
        (c.key, [(g.name, [r.person.last_name for r in g.members]) for g in c.groups])
        for c in response.context["categories"]
    ]
    assert groups == [("other", [("France", ["Silva"]), ("Georgia", ["Tsiklauri"])])]
    provisional = client.get(reverse("committees:tcy_meeting", args=[world.t15.pk]))
    assert provisional.context["participants_total"] == 4  # approved and pending
    page = response.content.decode()
    assert (
        reverse("events:event_delegations", args=["t-cy-15"]) in page
        and reverse("events:event_public", args=["t-cy-15"]) in page
    )


def test_a_focal_point_reads_the_meeting_but_not_its_participants(client, world):
    focal_point = make_user(Role.FOCAL_POINT)
    client.force_login(focal_point)

    response = client.get(reverse("committees:tcy_meeting", args=[world.t15.pk]))

    assert response.status_code == 200
    assert "categories" not in response.context and "Tsiklauri" not in response.content.decode()


def test_the_list_of_decisions_reads_back_in_csv_and_docx(client, world, staff):
    item = meetings.add_agenda_item(world.t17, number="4", title="Guidance Notes", decision="Adopt GN 10.", user=staff)
    meetings.add_agenda_item(world.t17, number="5", title="Any other business", user=staff)  # no decision
    note = documents.record_document(world.tcy, symbol="T-CY(2017)3", title="GN", type="guidance_note", user=staff)
    meetings.attach_document(item, document=note, user=staff)
    signed_in(client, staff)

    csv_response = client.get(reverse("committees:tcy_meeting_decisions", args=[world.t17.pk, "csv"]))
    docx_response = client.get(reverse("committees:tcy_meeting_decisions", args=[world.t17.pk, "docx"]))
    other = client.get(reverse("committees:tcy_meeting_decisions", args=[world.t17.pk, "pdf"]))

    assert list(csv.reader(io.StringIO(csv_response.content.decode()))) == [
        ["Order", "Item", "Title", "Decision", "Documents"],
        ["1", "4", "Guidance Notes", "Adopt GN 10.", "T-CY(2017)3"],
    ]
    assert docx_response["Content-Disposition"] == 'attachment; filename="t-cy-17-decisions.docx"'
    paragraphs = [p.text for p in docx.Document(io.BytesIO(docx_response.content)).paragraphs]
    assert paragraphs[0] == "List of decisions – T-CY 17"
    assert paragraphs[2:] == ["4. Guidance Notes", "Adopt GN 10.", "Documents: T-CY(2017)3"]
    assert other.status_code == 404


def test_editing_an_item_over_a_stale_copy_shows_a_conflict_and_keeps_the_text(client, world, staff):
    item = meetings.add_agenda_item(world.t17, number="1", title="Opening", user=staff)
    meetings.update_agenda_item(item, title="Opening of the meeting", version=1, user=staff)  # someone else
    signed_in(client, staff)

    response = client.post(
        reverse("committees:tcy_agenda_item", args=[world.t17.pk, item.pk]),
        {"order": "1", "number": "1", "title": "Opening", "decision": "My decision", "version": "1"},
    )

    assert response.status_code == 400
    assert "Someone changed this agenda item" in response.content.decode()
    assert response.context["form"].data["decision"] == "My decision"
    assert response.context["form"].data["version"] == 2
    assert AgendaItem.objects.get(pk=item.pk).decision == ""


def test_the_public_series_lists_past_plenaries_linking_public_events(client, world):
    response = client.get(reverse("committees:tcy_meetings_public"))

    assert [str(m) for m in response.context["meetings"]] == ["T-CY 17", "T-CY 15"]
    assert reverse("events:event_public", args=["t-cy-17"]) in response.content.decode()
    Event.objects.filter(slug="t-cy-17").update(is_public=False)
    assert [str(m) for m in client.get(reverse("committees:tcy_meetings_public")).context["meetings"]] == ["T-CY 15"]


def test_the_participation_page_totals_per_state_and_year_in_a_fixed_number_of_queries(
    client, world, django_assert_num_queries
):
    finance = make_user(Role.FINANCE_OFFICER)
    signed_in(client, finance)

    with django_assert_num_queries(10):
        response = client.get(reverse("committees:tcy_participation"))

    summary = response.context["summary"]
    assert [(t.iso2, t.year, t.count) for t in summary.by_state_and_year] == [
        ("AM", 2017, 1),
        ("FR", 2017, 1),
        ("GE", 2016, 2),
    ]
    assert response.context["chart"]["data"]["values"] == [
        {"year": "2016", "where": "T-CY meetings", "count": 2},
        {"year": "2016", "where": "Other fora", "count": 0},
        {"year": "2017", "where": "T-CY meetings", "count": 1},
        {"year": "2017", "where": "Other fora", "count": 1},
    ]
    only = client.get(reverse("committees:tcy_participation"), {"scope": "other", "year": "2017"}).context["summary"]
    assert [(t.iso2, t.count) for t in only.by_state_and_year] == [("AM", 1)]


def test_the_participation_exports_read_back(client, world):
    signed_in(client, make_user(Role.FINANCE_OFFICER))

    text = client.get(reverse("committees:tcy_participation"), {"format": "csv"}).content.decode()
    content = client.get(reverse("committees:tcy_participation"), {"format": "xlsx"}).content

    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        [
            "State",
            "ISO code",
            "Year",
            "T-CY meetings",
            "Other fora",
            "Funded participations",
            "Cost committed (EUR)",
            "Actual cost (EUR)",
            "Reconciled",
        ],
        ["Armenia", "AM", "2017", "0", "1", "1", "300.00", "0", "0"],
        ["France", "FR", "2017", "1", "0", "1", "650.00", "0", "0"],
        ["Georgia", "GE", "2016", "2", "0", "2", "1000.00", "650.00", "1"],
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[4]] == ["Georgia", "GE", 2016, 2, 0, 2, 1000, 650, 1]


def test_the_files_of_a_sample_meeting_say_so(client, world, staff):
    Event.objects.filter(pk=world.t17.event_id).update(is_sample=True)
    Registration.objects.filter(event=world.t17.event_id).update(is_sample=True)
    meetings.add_agenda_item(world.t17, number="4", title="Guidance Notes", decision="Adopt GN 10.", user=staff)
    signed_in(client, staff)

    (series,) = sample_sheets(client.get(reverse("committees:tcy_meetings"), {"format": "xlsx"}))
    docx_response = client.get(reverse("committees:tcy_meeting_decisions", args=[world.t17.pk, "docx"]))
    csv_response = client.get(reverse("committees:tcy_meeting_decisions", args=[world.t17.pk, "csv"]))

    assert series[0][:2] == ("Meeting", "Event") and series[2][0] == "T-CY 17"
    assert file_name(docx_response) == "t-cy-17-decisions-SAMPLE-DATA.docx"
    paragraphs = docx_paragraphs(docx_response)
    assert paragraphs[0] == str(SAMPLE_NOTE) and paragraphs[1] == "List of decisions – T-CY 17"
    assert file_name(csv_response) == "t-cy-17-decisions-SAMPLE-DATA.csv"
    # Another meeting, real, is not marked.
    real = client.get(reverse("committees:tcy_meeting_decisions", args=[world.t15.pk, "docx"]))
    assert not is_marked(real) and docx_paragraphs(real)[0] == "List of decisions – T-CY 15"
    signed_in(client, make_user(Role.FINANCE_OFFICER))
    (funded,) = sample_sheets(client.get(reverse("committees:tcy_participation"), {"format": "xlsx"}))
    assert funded[0][0] == "State" and [row[0] for row in funded[1:]] == ["Armenia", "France", "Georgia"]
    only_2016 = client.get(reverse("committees:tcy_participation"), {"format": "xlsx", "year": "2016"})
    assert real_sheets(only_2016)[0][1][0] == "Georgia"  # no sample travel among the rows of 2016


# --- API --------------------------------------------------------------------------------------------------------


def test_the_api_lists_public_meetings_to_everyone_and_all_to_readers(client, world, staff):
    public = client.get("/api/v1/committee/meetings").json()["items"]
    everything = client.get("/api/v1/committee/meetings", **bearer_for(staff)).json()["items"]
    plenaries_2017 = client.get("/api/v1/committee/meetings", {"kind": "tcy_plenary", "year": 2017}).json()["items"]

    assert [m["name"] for m in public] == ["T-CY 15", "T-CY 17"]  # the Bureau's event is not public; 19 cancelled
    assert [m["name"] for m in everything] == ["T-CY 15", "T-CY Bureau 12", "T-CY 17", "T-CY 19"]
    assert plenaries_2017 == [
        {
            "id": world.t17.pk,
            "committee": "T-CY",
            "number": 17,
            "name": "T-CY 17",
            "event": "t-cy-17",
            "title": "17th T-CY plenary",
            "kind": "tcy_plenary",
            "status": "held",
            "starts_on": "2017-07-10",
            "ends_on": "2017-07-12",
            "place": "Strasbourg, France",
            "is_sample": False,
        }
    ]
    assert_problem(client.get(f"/api/v1/committee/meetings/{world.b12.pk}"), 404)


def test_a_meeting_of_a_sample_event_says_so_in_the_body_and_a_header(client, world, staff):
    event = events.create_event(
        user=staff,
        title="Sample plenary",
        slug="sample-plenary",
        kind=Kind.TCY_PLENARY,
        starts_on=D(2019, 7, 1),
        ends_on=D(2019, 7, 3),
        is_sample=True,
    )
    sample = meetings.record_meeting(world.tcy, event=event, number=21, user=staff)
    meetings.add_agenda_item(sample, number="1", title="Opening", user=staff)

    real = client.get(f"/api/v1/committee/meetings/{world.t17.pk}")
    invented = client.get(f"/api/v1/committee/meetings/{sample.pk}", **bearer_for(staff))

    assert (real.json()["is_sample"], SAMPLE_HEADER in real.headers) == (False, False)
    assert (invented.json()["is_sample"], invented.json()["agenda"][0]["is_sample"]) == (True, True)
    assert invented.headers[SAMPLE_HEADER] == "true"


def test_the_api_gives_the_agenda_without_restricted_documents_to_the_public(client, world, staff):
    item = meetings.add_agenda_item(world.t17, number="4", title="Guidance Notes", decision="Adopt.", user=staff)
    public = documents.record_document(
        world.tcy, symbol="T-CY(2017)3", title="GN", type="guidance_note", circulation="public", user=staff
    )
    restricted = documents.record_document(
        world.tcy, symbol="T-CY(2017)4", title="Draft", type="working_document", circulation="circulated", user=staff
    )
    meetings.attach_document(item, document=public, user=staff)
    meetings.attach_document(item, document=restricted, user=staff)

    anonymous = client.get(f"/api/v1/committee/meetings/{world.t17.pk}").json()
    reader = client.get(f"/api/v1/committee/meetings/{world.t17.pk}", **bearer_for(staff)).json()

    assert anonymous["agenda"] == [
        {
            "id": item.pk,
            "order": 1,
            "number": "4",
            "title": "Guidance Notes",
            "decision": "Adopt.",
            "report": "",
            "is_sample": False,
            "documents": [
                {
                    "id": public.pk,
                    "symbol": "T-CY(2017)3",
                    "title": "GN",
                    "type": "guidance_note",
                    "status": "draft",
                    "is_sample": False,
                }
            ],
        }
    ]
    assert [d["symbol"] for d in reader["agenda"][0]["documents"]] == ["T-CY(2017)3", "T-CY(2017)4"]


def test_the_api_adds_an_agenda_item_and_refuses_bad_input(client, world, staff):
    headers = bearer_for(staff)
    meetings.add_agenda_item(world.t17, number="1", title="Opening", user=staff)

    created = client.post(
        f"/api/v1/committee/meetings/{world.t17.pk}/agenda",
        {"number": "0", "title": "Welcome", "order": 1},
        content_type="application/json",
        **headers,
    )
    invalid = client.post(
        f"/api/v1/committee/meetings/{world.t17.pk}/agenda",
        {"number": "2", "title": ""},
        content_type="application/json",
        **headers,
    )
    missing = client.post(
        "/api/v1/committee/meetings/999999/agenda",
        {"number": "2", "title": "X"},
        content_type="application/json",
        **headers,
    )

    assert created.status_code == 201
    assert (created.json()["order"], created.json()["documents"]) == (1, [])
    assert agenda_of(world.t17) == [(1, "0", "Welcome"), (2, "1", "Opening")]
    assert assert_problem(invalid, 422)["errors"] == [{"field": "title", "message": "This field is required."}]
    assert_problem(missing, 404)


def test_a_cancelled_meeting_is_no_longer_public(client, world, staff):
    events.update_event(world.t17.event, version=None, user=staff, status=Status.CANCELLED)

    assert [m["name"] for m in client.get("/api/v1/committee/meetings").json()["items"]] == ["T-CY 15"]


def test_a_stale_interpretation_edit_shows_a_conflict_keeping_what_was_typed(client, world, staff):
    booked = meetings.request_interpretation(world.t17, languages=["en", "fr"], booths=2, days=3, user=staff)
    meetings.update_interpretation(booked, version=1, cost=Decimal(8000), user=staff)  # someone else, meanwhile
    signed_in(client, make_user(Role.FINANCE_OFFICER))
    data = {
        "languages": "en, fr, ru",
        "booths": "3",
        "days": "3",
        "cost": "9000",
        "status": "confirmed",
        "note": "Russian added",
        "version": "1",
    }

    response = client.post(reverse("committees:tcy_interpretation", args=[world.t17.pk, booked.pk]), data)

    assert response.status_code == 400
    assert "Someone changed this record" in response.content.decode()
    assert (response.context["form"].data["note"], response.context["form"].data["version"]) == ("Russian added", 2)
    current = InterpretationRequest.objects.get(pk=booked.pk)
    assert (current.cost, current.languages, current.version) == (Decimal("8000.00"), ["en", "fr"], 2)
