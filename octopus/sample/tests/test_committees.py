"""The sample T-CY records: a numbered sample plenary, a round sent to the Parties with three replies, all flagged as
sample and numbered where no real record is, and nothing counted as adopted."""

import pytest

from octopus.accounts.models import Role
from octopus.committees.models import AssessmentRound, Document, Meeting
from octopus.conftest import make_user
from octopus.sample.committees import SAMPLE_NUMBER, load_sample_committee
from octopus.sample.events import load_sample_events
from octopus.surveys.models import ResponseState
from octopus.surveys.queries import compiled

pytestmark = pytest.mark.django_db


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
