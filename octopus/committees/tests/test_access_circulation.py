"""Each step of a document's circulation × every kind of visitor (`octopus.testing.helpers.VISITORS`), on every
page and API route that lists or serves a document: its public page, its file, its API record, the API register, and
for those who read the workspace the register, the document's workspace page, the meeting whose agenda attaches it,
the assessment round it reports on and their API records.

An assessment report of a round that assessed Georgia and the Netherlands is a working draft: only the secretariat
(staff) reads it. Asking the Netherlands to comment opens it to no one else here (the visitors' focal point is
Georgia's); asking Georgia opens it to Georgia's focal point. Circulated to the members, every delegation reads it
(focal points, with staff and the finance officer); public, everyone does. A document someone may not read is a 404
where it would be served and absent where it would be listed, as if it did not exist.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from octopus.accounts.models import Role
from octopus.committees.models import AssessmentRound, Committee, Document, Meeting
from octopus.committees.services import documents, meetings, rounds
from octopus.committees.tests.test_access_rounds import open_round
from octopus.committees.tests.test_documents import pdf_bytes, plenary, upload
from octopus.countries.models import Country
from octopus.testing.access_matrix import Visit, bearer, each_visitor
from octopus.testing.factories import UserFactory
from octopus.testing.helpers import VISITORS

EVERYONE = frozenset(VISITORS)
STAFF = frozenset({Role.ADMINISTRATOR.value, Role.PROGRAMME_STAFF.value, Role.TCY_SECRETARIAT.value})
DELEGATIONS = STAFF | {Role.FINANCE_OFFICER.value, Role.FOCAL_POINT.value}  # read the workspace
SYMBOL = "T-CY(2020)77"
API = "/api/v1/committee"

# Who reads the report at each step (the visitors' focal point is Georgia's: `octopus.testing.helpers.ROLE_SCOPES`).
READERS_AT = {
    "draft": STAFF,
    "another_country_asked": STAFF,
    "own_country_asked": STAFF | {Role.FOCAL_POINT.value},
    "circulated": DELEGATIONS,
    "public": EVERYONE,
}


@dataclass
class World(Visit):
    report: Document
    round: AssessmentRound
    meeting: Meeting


def build(step: str) -> dict:
    """The report at `step`, its round and the meeting that discusses it, kept by a secretariat of no visitor."""
    keeper = UserFactory(email="circulation-keeper@example.org")
    round = open_round(keeper, 83, [16])
    rounds.dispatch_round(round, deadline=datetime.date(2020, 12, 31), user=keeper, on=datetime.date(2020, 6, 1))
    committee = Committee.objects.get(code="T-CY")
    report = documents.record_document(
        committee, symbol=SYMBOL, title="Assessment report on preservation", type="assessment_report", user=keeper
    )
    documents.upload_language_version(report, language="en", upload=upload("r.pdf", pdf_bytes()), user=keeper)
    rounds.link_report(round, document=report, user=keeper)
    meeting = plenary(keeper, 97, day=datetime.date(2020, 11, 2))
    item = meetings.add_agenda_item(meeting, number="3", title="Assessment", user=keeper)
    meetings.attach_document(item, document=report, user=keeper)
    steps = list(READERS_AT)
    for done in steps[1 : steps.index(step) + 1]:
        report = Document.objects.get(pk=report.pk)
        if done == "another_country_asked":
            documents.request_comment(report, country=Country.objects.get(iso2="NL"), user=keeper)
        elif done == "own_country_asked":
            documents.request_comment(report, country=Country.objects.get(iso2="GE"), user=keeper)
        else:
            documents.change_circulation(report, to=done, user=keeper)
    return {"report": Document.objects.get(pk=report.pk), "round": round, "meeting": meeting}


def what_they_read(w: World) -> dict:
    """Where the visitor finds the report: every place that serves or lists a document."""
    pk, api = w.report.pk, Client()  # the API is called with the visitor's token, never their session
    file = w.client.get(reverse("committees:tcy_document_file", args=[pk, "en"]))
    if file.streaming:
        b"".join(file.streaming_content)
    listed = api.get(f"{API}/documents", {"q": SYMBOL}, **bearer(w)).json()["items"]
    found = {
        "page": w.client.get(reverse("committees:tcy_document", args=[pk])).status_code,
        "file": file.status_code,
        "api": api.get(f"{API}/documents/{pk}", **bearer(w)).status_code,
        "api register": SYMBOL in {d["symbol"] for d in listed},
    }
    if w.visitor in DELEGATIONS:
        register = w.client.get(reverse("committees:tcy_register"), {"q": SYMBOL})
        meeting = api.get(f"{API}/meetings/{w.meeting.pk}", **bearer(w)).json()
        found |= {
            "register": [d.symbol for d in register.context["documents"]] == [SYMBOL],
            "workspace page": w.client.get(reverse("committees:tcy_document_manage", args=[pk])).status_code,
            "meeting": f'data-document="{pk}"'
            in w.client.get(reverse("committees:tcy_meeting", args=[w.meeting.pk])).text,
            "api meeting": [d["id"] for item in meeting["agenda"] for d in item["documents"]] == [pk],
            "round": SYMBOL in w.client.get(reverse("committees:round", args=[w.round.pk])).text,
            "api round": (api.get(f"{API}/rounds/{w.round.pk}", **bearer(w)).json()["report"] or {}).get("id") == pk,
        }
    return found


def expected(visitor: str, readable: bool) -> dict:
    answer = 200 if readable else 404
    found = {"page": answer, "file": answer, "api": answer, "api register": readable}
    if visitor in DELEGATIONS:
        found |= {
            "register": readable,
            "workspace page": answer,
            "meeting": readable,
            "api meeting": readable,
            "round": readable,
            "api round": readable,
        }
    return found


@pytest.mark.parametrize("step", READERS_AT)
def test_each_step_of_circulation_opens_the_report_to_its_readers_everywhere(db, step):
    world = build(step)

    for visitor, w in each_visitor(World, **world):
        assert what_they_read(w) == expected(visitor, visitor in READERS_AT[step]), (step, visitor)
