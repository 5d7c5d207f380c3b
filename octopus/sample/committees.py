"""A sample of the T-CY's work for looking around (`make run`): the sample plenary numbered as a meeting with its
agenda, a draft assessment report, and an assessment round sent to the Parties with a few replies — so that the
sample focal point of Georgia has a questionnaire to answer and the secretariat replies to compile.

Everything is flagged as sample (the round, its questionnaire, the report) and numbered 901: no real plenary or
round has that number, so a sample is never taken for a record of the real committee. The sample plenary serves the
sample programme's activity A2.2 and the round its A2.6, so they count only for the sample programme (never for a
real one). Made through the services, like the real records.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from octopus.committees.models import AssessmentRound, Circulation, Committee, DocumentType
from octopus.committees.services import documents, meetings, rounds
from octopus.countries.models import Country
from octopus.events import services as events
from octopus.events.models import Event
from octopus.results.assignments import assignments_of
from octopus.results.models import ResultNode
from octopus.surveys import services as surveys
from octopus.surveys.models import QuestionType
from octopus.treaties.models import Article

SAMPLE_NUMBER = 901
SAMPLE_PROGRAMME = "sample-programme"
PLENARY_ACTIVITY, ROUND_ACTIVITY = "A2.2", "A2.6"  # sample T-CY meetings, sample questionnaire rounds
PLENARY = "sample-tcy-plenary-2017"
ROUND_ARTICLES = (16, 17, 29, 30)  # expedited preservation, at home and on request of another Party
AGENDA = [
    ("1", "Opening of the meeting and adoption of the agenda", "The agenda was adopted."),
    (
        "2",
        "Assessment of the preservation provisions",
        "The Committee opened a round on Articles 16, 17, 29 "
        "and 30 and asked the secretariat to send the questionnaire.",
    ),
    ("3", "Capacity building: Cybercrime@Octopus", "The Committee took note of the programme's report."),
]
# Replies submitted by three Parties; Georgia is left for the sample focal point to answer.
REPLIES = {
    "FR": ("compliant", "12", "Preservation orders are issued by the prosecutor (sample answer)."),
    "RO": ("largely", "7", "Preservation is ordered for up to 90 days (sample answer)."),
    "NL": ("partially", "3", "The law does not cover traffic data of several providers (sample answer)."),
}


def sample_activity(code: str) -> ResultNode | None:
    """An activity of the sample programme (None while it is not loaded: the records then serve no programme)."""
    return ResultNode.objects.filter(programme__code=SAMPLE_PROGRAMME, code=code).select_related("programme").first()


@transaction.atomic
def load_sample_committee(*, staff) -> dict | None:
    """Make the sample committee records unless they exist (None then); needs the sample events."""
    if AssessmentRound.objects.filter(is_sample=True).exists() or not Event.objects.filter(slug=PLENARY).exists():
        return None
    tcy = Committee.objects.get(code="T-CY")
    plenary = Event.objects.get(slug=PLENARY)
    meeting = meetings.record_meeting(tcy, event=plenary, number=SAMPLE_NUMBER, user=staff)
    plenary_activity = sample_activity(PLENARY_ACTIVITY)
    if plenary_activity is not None and not assignments_of(plenary):
        events.set_event_programmes(plenary, [(plenary_activity.programme, 100, plenary_activity)], user=staff)
    for number, title, decision in AGENDA:
        meetings.add_agenda_item(meeting, user=staff, number=number, title=title, decision=decision)
    report = documents.record_document(
        tcy,
        user=staff,
        is_sample=True,
        type=DocumentType.ASSESSMENT_REPORT,
        circulation=Circulation.DRAFT,
        title="Assessment report on expedited preservation (sample draft)",
    )
    articles = Article.objects.filter(treaty=tcy.treaty, number__in=ROUND_ARTICLES)
    round = rounds.open_round(
        tcy,
        number=SAMPLE_NUMBER,
        title="Expedited preservation of stored computer data (sample)",
        articles=articles,
        opened_on=meeting.event.ends_on,
        opened_at=meeting,
        user=staff,
        is_sample=True,
    )
    for section in round.questionnaire.sections.all():
        article = section.article.split("/")[-1]
        surveys.add_question(
            section,
            user=staff,
            code=f"art{article}-level",
            type=QuestionType.COMPLIANCE,
            required=True,
            text=f"How far does your law implement Article {article}?",
        )
        surveys.add_question(
            section,
            user=staff,
            code=f"art{article}-law",
            type=QuestionType.TEXT,
            text="Which provisions implement it? Quote them.",
        )
    first = round.questionnaire.sections.first()
    surveys.add_question(
        first,
        user=staff,
        code="orders-2016",
        type=QuestionType.NUMBER,
        min_value=0,
        text="How many preservation orders were issued in 2016?",
    )
    round_activity = sample_activity(ROUND_ACTIVITY)
    if round_activity is not None:
        rounds.set_round_activity(round, round_activity, user=staff)
    today = timezone.localdate()
    rounds.dispatch_round(round, deadline=today + datetime.timedelta(days=30), user=staff, on=today)
    rounds.link_report(round, document=report, user=staff)
    for iso2, (level, orders, law) in REPLIES.items():
        response = round.questionnaire.responses.get(country__iso2=iso2)  # started by the dispatch
        answers = {f"art{n}-level": level for n in ROUND_ARTICLES} | {"art16-law": law, "orders-2016": orders}
        response = surveys.save_answers(response, answers, version=response.version, user=staff)
        surveys.submit_response(response, version=response.version, user=staff)
    rounds.record_recommendation(
        round,
        country=Country.objects.get(iso2="NL"),
        user=staff,
        article=articles.get(number=16),
        finding="Preservation orders cannot reach traffic data held by several service providers (sample).",
        text="Extend preservation orders to traffic data held by all service providers (sample).",
    )
    return {"round": round.number, "replies": len(REPLIES)}
