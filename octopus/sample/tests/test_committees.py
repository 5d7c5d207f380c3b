"""The sample T-CY records: a numbered sample plenary, a round sent to the Parties with three replies, all flagged as
sample and numbered where no real record is, nothing counted as adopted, and the plenary and the round serving only
the sample programme."""

import datetime

import pytest

from octopus.accounts.models import Role
from octopus.committees.models import AssessmentRound, Document, Meeting
from octopus.lib.metrics import reading, registry
from octopus.results.assignments import assignments_of, programme_scope
from octopus.results.models import Programme
from octopus.sample.committees import SAMPLE_NUMBER, load_sample_committee
from octopus.sample.events import load_sample_events
from octopus.sample.programme import load_sample_programme
from octopus.surveys.models import ResponseState
from octopus.surveys.queries import compiled
from octopus.testing.helpers import make_user

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_sample_round_waits_for_georgia_with_three_replies_compiled_and_loads_once():
    staff = make_user(Role.TCY_SECRETARIAT)
    load_sample_events(staff=staff)
    adopted_before = Document.objects.adopted().count()

    loaded = load_sample_committee(staff=staff)

    round = AssessmentRound.objects.get(number=SAMPLE_NUMBER)
    assert loaded == {"round": SAMPLE_NUMBER, "replies": 3}
    assert round.is_sample and round.questionnaire.is_sample and round.report.is_sample
    assert Meeting.objects.get(number=SAMPLE_NUMBER).event.is_sample
    assert sorted(row.respondent.iso2 for row in compiled(round.questionnaire).rows) == ["FR", "NL", "RO"]
    georgia = round.questionnaire.responses.get(country__iso2="GE")
    assert georgia.state == ResponseState.DRAFT and not georgia.answers.exists()
    assert Document.objects.adopted().count() == adopted_before
    assert load_sample_committee(staff=staff) is None


def test_the_sample_plenary_and_round_serve_only_the_sample_programme():
    staff = make_user(Role.TCY_SECRETARIAT)
    load_sample_programme(staff=staff, reviewer=make_user(Role.ADMINISTRATOR), donor_code="SAMPLE-DONOR")
    load_sample_events(staff=staff)

    load_sample_committee(staff=staff)

    plenary = Meeting.objects.get(number=SAMPLE_NUMBER).event
    round = AssessmentRound.objects.get(number=SAMPLE_NUMBER)
    served = {
        "plenary": [(a.programme.code, a.activity.code, a.share) for a in assignments_of(plenary)],
        "round": [(a.programme.code, a.activity.code, a.share) for a in assignments_of(round)],
    }
    assert served == {"plenary": [("sample-programme", "A2.2", 100)], "round": [("sample-programme", "A2.6", 100)]}
    with reading(programme_scope(Programme.objects.get(code="cybercrime-octopus"))):
        assert SAMPLE_NUMBER not in [
            m.number for m in registry.records("committees.meetings_held", D(2014, 1, 1), D(2023, 12, 31))
        ]
    with reading(programme_scope(Programme.objects.get(code="sample-programme"))):
        assert [m.number for m in registry.records("committees.meetings_held", D(2017, 1, 1), D(2017, 12, 31))] == [
            SAMPLE_NUMBER
        ]
