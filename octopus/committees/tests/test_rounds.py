"""Assessment rounds: opening, sending the questionnaire to the Parties (and only to them), reminders, recommendations
and their follow-up, the report link; the pages, the export and the reminders command."""

import datetime
import io

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from octopus.accounts.models import AuditEntry, Role, User
from octopus.committees.models import AssessmentRound, Committee, Document, FollowUp, Recommendation
from octopus.committees.queries import rounds as queries
from octopus.committees.services import documents, meetings
from octopus.committees.services import rounds as services
from octopus.committees.services.membership import admit_observer
from octopus.countries.models import Country
from octopus.events import services as events
from octopus.events.models import Kind
from octopus.events.tests.sample_files import sample_sheets
from octopus.lib.errors import ConflictError, DomainError
from octopus.results.assignments import assignments_of, unassigned
from octopus.results.models import ResultNode
from octopus.results.services import add_node, create_programme
from octopus.surveys import services as surveys
from octopus.surveys.models import QuestionnaireStatus, QuestionType, ResponseState
from octopus.testing.factories import UserFactory
from octopus.testing.helpers import make_user
from octopus.treaties.models import Article, Treaty, TreatyAction

D = datetime.date


def focal_point(iso2: str, email: str) -> User:
    return UserFactory(email=email, role=Role.FOCAL_POINT, country_code=iso2)


def country(iso2: str) -> Country:
    return Country.objects.get(iso2=iso2)


def add_question(round: AssessmentRound, user, *, required=False) -> None:
    section = round.questionnaire.sections.first()
    surveys.add_question(section, user=user, code="law", text="Which law?", type=QuestionType.TEXT, required=required)


def plenary(user, number: int, day: datetime.date):
    """A T-CY plenary: an event of the events app numbered in the committee's series."""
    event = events.create_event(
        user=user, title=f"T-CY {number}", slug=f"t-cy-{number}", kind=Kind.TCY_PLENARY, starts_on=day, ends_on=day
    )
    return meetings.record_meeting(Committee.objects.get(code="T-CY"), event=event, number=number, user=user)


def tcy_round(user, *, number=90, articles=(16, 17), opened_on=None, opened_at=None) -> AssessmentRound:
    """A round of the real T-CY on CETS 185 articles, with one question, not sent yet."""
    committee = Committee.objects.get(code="T-CY")
    chosen = Article.objects.filter(treaty=committee.treaty, number__in=articles)
    round = services.open_round(
        committee,
        number=number,
        title="Preservation",
        articles=chosen,
        opened_at=opened_at,
        opened_on=opened_on or timezone.localdate() - datetime.timedelta(days=30),
        user=user,
    )
    add_question(round, user)
    return round


@pytest.fixture
def staff(db):
    return make_user(Role.TCY_SECRETARIAT)


@pytest.fixture
def committee(db):
    """A committee of a treaty of its own: AM a Party since 2014, FR ratifies in March 2016 and is a Party from
    1 July 2016, GE only invited, JP admitted as observer."""
    treaty = Treaty.objects.create(number=99902, short_name="Test treaty", title="Test treaty")
    for number, title in [(1, "Definitions"), (2, "Illegal access"), (3, "Preservation")]:
        Article.objects.create(treaty=treaty, number=number, title=title)
    for iso2, kind, day in [
        ("AM", "in_force", D(2014, 1, 1)),
        ("FR", "signed", D(2015, 1, 10)),
        ("FR", "ratified", D(2016, 3, 1)),
        ("FR", "in_force", D(2016, 7, 1)),
        ("GE", "invited", D(2015, 6, 1)),
    ]:
        TreatyAction.objects.create(treaty=treaty, country=country(iso2), kind=kind, date=day, source="test")
    committee = Committee.objects.create(code="TEST", name="Test committee", treaty=treaty)
    admit_observer(committee, country=country("JP"), admitted_on=D(2015, 1, 1), user=None)
    return committee


@pytest.fixture
def round(committee, staff):
    opened = services.open_round(
        committee,
        number=1,
        title="Preservation",
        articles=committee.treaty.articles.filter(number__in=[3, 1]),
        opened_on=D(2016, 1, 10),
        user=staff,
    )
    add_question(opened, staff, required=True)
    return opened


@pytest.fixture
def focal_points(db):
    return {
        "AM": [focal_point("AM", "am1@example.org"), focal_point("AM", "am2@example.org")],
        "FR": [focal_point("FR", "fr@example.org")],
        "JP": [focal_point("JP", "jp@example.org")],
    }


def dispatched(round, staff, capture):
    """Sent on 1 June 2016 (AM a Party, FR ratified but not yet bound), due 30 September."""
    with capture(execute=True):
        return services.dispatch_round(
            round, deadline=D(2016, 9, 30), user=staff, on=D(2016, 6, 1), site="https://octopus.test"
        )


# --- opening ---------------------------------------------------------------------------------------------------------


def test_opening_a_round_creates_its_draft_questionnaire_with_a_section_per_article(round, staff):
    questionnaire = round.questionnaire

    assert (questionnaire.code, questionnaire.purpose, questionnaire.status) == ("test-round-1", "assessment", "draft")
    assert list(questionnaire.sections.values_list("order", "article", "title")) == [
        (1, "99902/1", "Definitions"),
        (2, "99902/3", "Preservation"),
    ]
    assert sorted(round.articles.values_list("number", flat=True)) == [1, 3]
    entry = AuditEntry.objects.about(round).get(action="committees.round.opened")
    assert (entry.user, entry.after["articles"]) == (staff, sorted(round.articles.values_list("pk", flat=True)))


def test_opening_refuses_what_makes_no_sense(committee, round, staff):
    other = Article.objects.get(treaty__number=185, number=16)
    own = committee.treaty.articles.all()
    meeting = plenary(staff, 93, D(2016, 1, 20))
    cases = [
        ({"opened_at": meeting}, "T-CY 93 is not a meeting of TEST."),
        ({"articles": [other]}, "Article 16 is not an article of Test treaty."),
        ({"articles": []}, "Choose at least one article to assess."),
        ({"number": 1}, "TEST already has a round 1."),
        ({"title": "  "}, "Give the round a title."),
        ({"number": 0}, "Give the round a number (1, 2, …)."),
    ]
    for change, message in cases:
        fields = {"number": 2, "title": "Sanctions", "articles": own, "opened_on": D(2016, 1, 10), **change}
        with pytest.raises(DomainError) as refused:
            services.open_round(committee, user=staff, **fields)
        assert str(refused.value) == message
    assert AssessmentRound.objects.filter(committee=committee).count() == 1
    tcy = Committee.objects.get(code="T-CY")
    with pytest.raises(
        DomainError, match=r"^The round cannot be opened before the meeting that opened it \(2016-01-20\)\.$"
    ):
        services.open_round(
            tcy, number=94, title="Early", articles=[other], opened_on=D(2016, 1, 19), opened_at=meeting, user=staff
        )
    assert not AssessmentRound.objects.filter(number=94).exists()


# --- sending, and who is expected ------------------------------------------------------------------------------------


def test_dispatch_sends_to_the_parties_of_the_day_only(round, staff, focal_points, django_capture_on_commit_callbacks):
    sent = dispatched(round, staff, django_capture_on_commit_callbacks)

    questionnaire = sent.questionnaire
    questionnaire.refresh_from_db()
    assert (questionnaire.status, questionnaire.opens_on, questionnaire.closes_on) == (
        "open",
        D(2016, 6, 1),
        D(2016, 9, 30),
    )
    # FR ratified but the treaty is not in force for it; GE is only invited; JP is an admitted observer.
    assert [c.iso2 for c in services.expected_countries(round)] == ["AM"]
    response = questionnaire.responses.get()
    assert (response.country.iso2, response.state) == ("AM", ResponseState.DRAFT)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["am1@example.org", "am2@example.org"]
    assert f"https://octopus.test/workspace/responses/{response.pk}/" in message.body
    assert message.subject == "TEST assessment round 1: questionnaire for Armenia"
    entry = AuditEntry.objects.about(round).get(action="committees.round.dispatched")
    assert entry.data == {"countries": ["AM"], "deadline": "2016-09-30", "on": "2016-06-01"}


def test_a_state_that_ratifies_mid_round_is_expected_once_the_treaty_is_in_force_for_it(
    round, staff, focal_points, django_capture_on_commit_callbacks
):
    dispatched(round, staff, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        before = services.refresh_respondents(round, on=D(2016, 6, 30))
    with django_capture_on_commit_callbacks(execute=True):
        added = services.refresh_respondents(round, on=D(2016, 7, 1), site="https://octopus.test")
    again = services.refresh_respondents(round, on=D(2016, 7, 2))

    assert (before, [c.iso2 for c in added], again) == ([], ["FR"], [])
    assert [c.iso2 for c in services.expected_countries(round)] == ["AM", "FR"]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["fr@example.org"], "TEST assessment round 1: questionnaire for France")
    ]
    assert not round.questionnaire.responses.filter(country__iso2="JP").exists()  # the observer is never assessed


def test_dispatch_refusals(committee, round, staff, django_capture_on_commit_callbacks):
    empty = services.open_round(
        committee,
        number=2,
        title="Empty",
        articles=committee.treaty.articles.all()[:1],
        opened_on=D(2016, 1, 10),
        user=staff,
    )
    with pytest.raises(DomainError, match=r"^Add at least one question to the questionnaire before sending it\.$"):
        services.dispatch_round(empty, deadline=D(2016, 9, 30), user=staff, on=D(2016, 6, 1))
    with pytest.raises(DomainError, match=r"^The deadline must be after the day of dispatch \(2016-06-01\)\.$"):
        services.dispatch_round(round, deadline=D(2016, 6, 1), user=staff, on=D(2016, 6, 1))
    with pytest.raises(DomainError, match="has no Party on 2013-06-01"):
        services.dispatch_round(round, deadline=D(2013, 9, 30), user=staff, on=D(2013, 6, 1))
    assert round.questionnaire.responses.count() == 0
    dispatched(round, staff, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError, match=r"^The questionnaire of this round has already been sent\.$"):
        services.dispatch_round(round, deadline=D(2016, 9, 30), user=staff, on=D(2016, 6, 1))
    assert AuditEntry.objects.filter(action="committees.round.dispatched").count() == 1


def test_a_questionnaire_opened_in_the_builder_is_still_sent_to_the_parties(
    round, staff, focal_points, django_capture_on_commit_callbacks
):
    surveys.open_questionnaire(round.questionnaire, user=staff)  # opened in the generic builder, asked of nobody

    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch_round(round, deadline=D(2016, 9, 30), user=staff, on=D(2016, 6, 1))

    assert [c.iso2 for c in services.expected_countries(round)] == ["AM"]
    assert round.questionnaire.responses.get().country.iso2 == "AM"
    assert [m.to for m in mail.outbox] == [["am1@example.org", "am2@example.org"]]
    surveys.close_questionnaire(round.questionnaire, user=staff)
    with pytest.raises(DomainError, match=r"^The questionnaire of this round has already been sent\.$"):
        services.dispatch_round(round, deadline=D(2016, 9, 30), user=staff, on=D(2016, 6, 1))


def test_a_mail_server_that_is_down_does_not_undo_the_dispatch(
    round, staff, focal_points, settings, django_capture_on_commit_callbacks
):
    # Nothing listens on port 9: sending fails with a connection error, after the commit.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9},
        }
    }

    dispatched(round, staff, django_capture_on_commit_callbacks)

    round.questionnaire.refresh_from_db()
    assert round.questionnaire.status == QuestionnaireStatus.OPEN
    assert round.questionnaire.responses.count() == 1
    assert mail.outbox == []


# --- reminders -------------------------------------------------------------------------------------------------------


def test_reminders_go_to_parties_that_have_not_submitted(
    round, staff, focal_points, django_capture_on_commit_callbacks
):
    with pytest.raises(DomainError, match=r"^Reminders are sent only while the questionnaire is open\.$"):
        services.send_reminders(round, user=staff, on=D(2016, 6, 2))
    dispatched(round, staff, django_capture_on_commit_callbacks)
    services.refresh_respondents(round, on=D(2016, 7, 1))
    france = round.questionnaire.responses.get(country__iso2="FR")
    france = surveys.save_answers(france, {"law": "Code"}, version=france.version, user=focal_points["FR"][0])
    surveys.submit_response(france, version=france.version, user=focal_points["FR"][0])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_reminders(round, user=staff, on=D(2016, 7, 2), site="https://octopus.test")

    assert sent == {"countries": ["AM"], "without_focal_point": [], "recipients": 2, "added": []}
    assert [m.to for m in mail.outbox] == [["am1@example.org", "am2@example.org"]]
    assert "has not been submitted yet" in mail.outbox[0].body
    entry = AuditEntry.objects.about(round).get(action="committees.round.reminded")
    assert (entry.user, entry.data["countries"]) == (staff, ["AM"])


def test_a_reopened_reply_is_reminded_and_a_party_without_focal_point_is_reported(
    round, staff, django_capture_on_commit_callbacks
):
    armenian = focal_point("AM", "am@example.org")
    dispatched(round, staff, django_capture_on_commit_callbacks)
    services.refresh_respondents(round, on=D(2016, 7, 1))  # FR: no focal point account
    reply = round.questionnaire.responses.get(country__iso2="AM")
    reply = surveys.save_answers(reply, {"law": "Code"}, version=reply.version, user=armenian)
    reply = surveys.submit_response(reply, version=reply.version, user=armenian)
    surveys.reopen_response(reply, user=staff, reason="Article 3 missing")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_reminders(round, user=staff, on=D(2016, 7, 2))

    assert (sent["countries"], sent["without_focal_point"]) == (["AM"], ["FR"])
    assert "has been reopened for correction" in mail.outbox[0].body


def test_the_command_reminds_rounds_due_soon(staff, django_capture_on_commit_callbacks):
    focal = make_user(Role.FOCAL_POINT)  # of Georgia, a Party of CETS 185
    today = timezone.localdate()
    soon = tcy_round(staff, number=91)
    later = tcy_round(staff, number=92)
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch_round(soon, deadline=today + datetime.timedelta(days=5), user=staff)
        services.dispatch_round(later, deadline=today + datetime.timedelta(days=30), user=staff)
    mail.outbox.clear()
    dry = io.StringIO()

    call_command("send_round_reminders", "--dry-run", stdout=dry)
    assert mail.outbox == []
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_round_reminders", "--days", "7", stdout=out, stderr=io.StringIO())

    deadline = today + datetime.timedelta(days=5)
    assert dry.getvalue().splitlines() == [
        f"T-CY round 91: deadline {deadline}",
        "1 round(s) due (dry run, nothing sent).",
    ]
    assert out.getvalue().strip() == "Reminded the focal points of 1 Part(ies) in 1 round(s)."
    assert [(m.to, m.subject.split(",")[0]) for m in mail.outbox] == [
        ([focal.email], "Reminder: T-CY assessment round 91")
    ]
    assert AuditEntry.objects.filter(action="committees.round.reminded", user=None).count() == 1
    with django_capture_on_commit_callbacks(execute=True):  # run again the same day: reminded already this week
        call_command("send_round_reminders", stdout=io.StringIO(), stderr=io.StringIO())
    assert len(mail.outbox) == 1


def test_the_command_needs_the_site_address_for_its_links(settings):
    settings.SITE_URL = ""

    with pytest.raises(CommandError, match="^Set SITE_URL"):
        call_command("send_round_reminders", stdout=io.StringIO())


# --- recommendations, follow-up and the report -----------------------------------------------------------------------


def test_recommendations_are_numbered_per_party_and_refused_when_they_make_no_sense(
    round, staff, django_capture_on_commit_callbacks
):
    with pytest.raises(DomainError, match=r"^Armenia was not sent the questionnaire of this round"):
        services.record_recommendation(round, country=country("AM"), finding="f", text="t", user=staff)
    dispatched(round, staff, django_capture_on_commit_callbacks)
    services.refresh_respondents(round, on=D(2016, 7, 1))
    article = round.articles.get(number=3)

    first = services.record_recommendation(
        round, country=country("AM"), finding="No law.", text="Adopt one.", article=article, user=staff
    )
    second = services.record_recommendation(round, country=country("AM"), finding="F2", text="T2", user=staff)
    french = services.record_recommendation(round, country=country("FR"), finding="F", text="T", user=staff)

    assert [(r.country.iso2, r.number) for r in (first, second, french)] == [("AM", 1), ("AM", 2), ("FR", 1)]
    cases = [
        ({"country": country("JP")}, "Japan was not sent the questionnaire of this round: it is not assessed in it."),
        (
            {"article": Article.objects.get(treaty=round.committee.treaty, number=2)},
            "Article 2 is not assessed in this round.",
        ),
        ({"finding": " "}, "Say what the assessment found."),
        ({"text": ""}, "Write the recommendation."),
    ]
    for change, message in cases:
        with pytest.raises(DomainError) as refused:
            services.record_recommendation(
                round, user=staff, **{"country": country("AM"), "finding": "f", "text": "t", **change}
            )
        assert str(refused.value) == message
    assert Recommendation.objects.filter(round=round).count() == 3
    assert AuditEntry.objects.filter(action="committees.recommendation.recorded").count() == 3


def test_a_correction_needs_the_latest_version(round, staff, django_capture_on_commit_callbacks):
    dispatched(round, staff, django_capture_on_commit_callbacks)
    rec = services.record_recommendation(round, country=country("AM"), finding="F", text="T", user=staff)

    corrected = services.correct_recommendation(rec, version=1, user=staff, text="Adopt a law on preservation.")
    with pytest.raises(ConflictError):
        services.correct_recommendation(rec, version=1, user=staff, text="Stale")

    rec.refresh_from_db()
    assert (corrected.version, rec.text, rec.finding) == (2, "Adopt a law on preservation.", "F")
    entry = AuditEntry.objects.about(rec).get(action="committees.recommendation.corrected")
    assert (entry.before["text"], entry.after["text"]) == ("T", "Adopt a law on preservation.")


def test_follow_ups_over_plenaries_and_the_table_per_party(
    round, staff, django_capture_on_commit_callbacks, django_assert_num_queries
):
    dispatched(round, staff, django_capture_on_commit_callbacks)
    services.refresh_respondents(round, on=D(2016, 7, 1))
    am1, am2, fr1 = (
        services.record_recommendation(round, country=country(c), finding="F", text="T", user=staff)
        for c in ("AM", "AM", "FR")
    )
    services.record_follow_up(am1, reviewed_on=D(2017, 6, 1), status="not_implemented", user=staff)
    services.record_follow_up(am1, reviewed_on=D(2018, 6, 1), status="implemented", note="Law of 2018", user=staff)
    services.record_follow_up(fr1, reviewed_on=D(2017, 6, 1), status="partially", user=staff)
    with pytest.raises(DomainError, match=r"^A review cannot come before the round was opened \(2016-01-10\)\.$"):
        services.record_follow_up(am2, reviewed_on=D(2015, 1, 1), status="implemented", user=staff)
    with pytest.raises(DomainError, match=r"^A review cannot be dated in the future\.$"):
        services.record_follow_up(
            am2, reviewed_on=timezone.localdate() + datetime.timedelta(days=1), status="implemented", user=staff
        )
    with pytest.raises(DomainError, match="Unknown follow-up status"):
        services.record_follow_up(am2, reviewed_on=D(2017, 1, 1), status="done", user=staff)
    agenda = documents.record_document(round.committee, title="Agenda", type="agenda", user=staff)
    with pytest.raises(DomainError, match="Choose a follow-up report"):
        services.record_follow_up(am2, reviewed_on=D(2017, 1, 1), status="partially", report=agenda, user=staff)

    with django_assert_num_queries(1):
        items = list(queries.recommendations(round))
    table = queries.follow_up_table(items)

    assert [(i.country.iso2, i.number, i.latest_status) for i in items] == [
        ("AM", 1, "implemented"),
        ("AM", 2, None),
        ("FR", 1, "partially"),
    ]
    assert [(row.country.iso2, row.counts, row.total) for row in table] == [
        ("AM", {"none": 1, "not_implemented": 0, "partially": 0, "implemented": 1, "no_longer_relevant": 0}, 2),
        ("FR", {"none": 0, "not_implemented": 0, "partially": 1, "implemented": 0, "no_longer_relevant": 0}, 1),
    ]
    assert FollowUp.objects.count() == 3
    assert AuditEntry.objects.filter(action="committees.follow_up.recorded").count() == 3


def test_the_report_link_and_its_status_come_from_the_register(committee, round, staff):
    report = documents.record_document(
        committee, symbol="T-CY(2017)10", title="Assessment report", user=staff, type="assessment_report"
    )
    opinion = documents.record_document(committee, title="An opinion", type="opinion", user=staff)
    other = documents.record_document(
        Committee.objects.get(code="T-CY"), title="Other", type="assessment_report", user=staff
    )

    linked = services.link_report(round, document=report, user=staff, version=1)
    for document in (opinion, other):
        with pytest.raises(DomainError, match=r"^Choose an assessment report of TEST's register\.$"):
            services.link_report(round, document=document, user=staff)
    with pytest.raises(ConflictError):
        services.link_report(round, document=None, user=staff, version=1)
    adopted = documents.change_document_status(
        report, to="adopted", user=staff, written_procedure=True, adopted_on=D(2017, 7, 1)
    )
    withdrawn = documents.record_document(
        committee, title="Withdrawn", type="assessment_report", status="withdrawn", user=staff
    )
    with pytest.raises(DomainError, match="has been withdrawn"):
        services.link_report(round, document=withdrawn, user=staff)

    round.refresh_from_db()
    assert (linked.version, round.report, round.report.status, adopted.status) == (2, report, "adopted", "adopted")
    entry = AuditEntry.objects.about(round).get(action="committees.round.report_linked")
    assert (entry.before["report"], entry.after["report"]) == (None, report.pk)


# --- progress and the list ---------------------------------------------------------------------------------------


def test_progress_per_party_from_replies_and_the_audit_log(
    round, staff, focal_points, django_assert_num_queries, django_capture_on_commit_callbacks
):
    dispatched(round, staff, django_capture_on_commit_callbacks)
    services.refresh_respondents(round, on=D(2016, 7, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.send_reminders(round, user=staff, on=D(2016, 7, 2))
    reply = round.questionnaire.responses.get(country__iso2="FR")
    reply = surveys.save_answers(reply, {"law": "Code pénal"}, version=reply.version, user=focal_points["FR"][0])

    with django_assert_num_queries(2):
        progress = queries.round_progress(round)

    assert [(r.country.iso2, r.state, r.revisions, r.reminders) for r in progress.rows] == [
        ("AM", "not_started", 0, 1),
        ("FR", "draft", 0, 1),
    ]
    assert progress.rows[1].last_saved == reply.updated_at and progress.rows[0].last_saved is None
    assert progress.counts == {"not_started": 1, "draft": 1, "submitted": 0, "reopened": 0}
    assert progress.last_reminded == AuditEntry.objects.get(action="committees.round.reminded").at


# --- pages -----------------------------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_the_list_says_what_to_do_when_empty_then_shows_rounds_in_fixed_queries(
    staff_client, staff, django_assert_num_queries, django_capture_on_commit_callbacks
):
    empty = staff_client.get(reverse("committees:rounds"))
    assert "No assessment round yet. Open one with" in empty.content.decode()
    day = timezone.localdate() - datetime.timedelta(days=30)
    first = tcy_round(staff, number=91, opened_at=plenary(staff, 91, day), opened_on=day)
    tcy_round(staff, number=92, articles=(31,), opened_at=plenary(staff, 92, day), opened_on=day)
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch_round(first, deadline=timezone.localdate() + datetime.timedelta(days=60), user=staff)
    parties = len(services.expected_countries(first))
    georgia = first.questionnaire.responses.get(country__iso2="GE")
    georgia = surveys.save_answers(georgia, {"law": "Criminal code"}, version=1, user=staff)
    surveys.submit_response(georgia, version=georgia.version, user=staff)

    # session, user, roles, sample banner; committee, rounds, articles, audit entries, replies
    with django_assert_num_queries(9):
        response = staff_client.get(reverse("committees:rounds"))

    rows = response.context["rows"]
    assert [(r.round.number, [a.number for a in r.articles], r.answered, r.expected) for r in rows] == [
        (92, [31], 0, 0),
        (91, [16, 17], 1, parties),
    ]
    assert f"1/{parties}" in response.content.decode() and "T-CY 92" in response.content.decode()


def test_opening_a_round_from_the_page(staff_client, staff):
    articles = Article.objects.filter(treaty__number=185, number__in=[29, 30])
    data = {
        "number": "95",
        "title": "Mutual assistance in preservation",
        "articles": [a.pk for a in articles],
        "opened_on": "2026-01-15",
    }

    response = staff_client.post(reverse("committees:round_open"), data)

    round = AssessmentRound.objects.get(number=95)
    assert response.status_code == 302 and response.url == reverse("committees:round", args=[round.pk])
    assert list(round.questionnaire.sections.values_list("article", flat=True)) == ["185/29", "185/30"]
    again = staff_client.post(reverse("committees:round_open"), data)
    assert again.status_code == 400
    assert "T-CY already has a round 95." in again.content.decode()
    assert again.context["form"]["title"].value() == "Mutual assistance in preservation"  # what was typed stays


def test_the_round_page_in_fixed_queries_and_counts_only_for_focal_points(
    client, staff_client, staff, django_assert_num_queries, django_capture_on_commit_callbacks
):
    round = tcy_round(staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch_round(round, deadline=timezone.localdate() + datetime.timedelta(days=60), user=staff)
    for iso2 in ("AM", "GE", "FR"):
        rec = services.record_recommendation(round, country=country(iso2), finding="F", text=f"Do {iso2}", user=staff)
        services.record_follow_up(rec, reviewed_on=timezone.localdate(), status="partially", user=staff)
    path = reverse("committees:round", args=[round.pk])

    ContentType.objects.get_for_model(AssessmentRound)  # cached for the process: whether it is depends on test order
    # session, user, roles, sample banner; round, articles, audit entries, replies, recommendations; the programmes
    # the round serves and the activities to choose from
    with django_assert_num_queries(11):
        page = staff_client.get(path)
    focal = make_user(Role.FOCAL_POINT)
    client.force_login(focal)
    seen = client.get(path)

    parties = len(services.expected_countries(round))
    assert len(page.context["rows"]) == parties
    assert 'data-party="AM"' in page.content.decode()
    georgia = round.questionnaire.responses.get(country__iso2="GE")
    text = seen.content.decode()
    assert seen.context["rows"] == [] and 'data-party="AM"' not in text
    assert f"Not started: {parties}" in text
    assert reverse("surveys:response", args=[georgia.pk]) in text  # their own reply, and no other
    assert reverse("surveys:response", args=[round.questionnaire.responses.get(country__iso2="AM").pk]) not in text
    assert [row.country.iso2 for row in seen.context["follow_up"]] == ["AM", "FR", "GE"]


def test_dispatch_reminders_and_recommendation_pages(staff_client, staff, django_capture_on_commit_callbacks):
    focal = make_user(Role.FOCAL_POINT)
    round = tcy_round(staff)
    bad = staff_client.post(reverse("committees:round_dispatch", args=[round.pk]), {"deadline": "2000-01-01"})
    assert bad.status_code == 400 and "The deadline must be after the day of dispatch" in bad.content.decode()
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        sent = staff_client.post(
            reverse("committees:round_dispatch", args=[round.pk]), {"deadline": deadline.isoformat()}
        )
    assert sent.status_code == 302
    again = staff_client.get(reverse("committees:round_dispatch", args=[round.pk]))
    assert again.status_code == 302 and again.url == reverse("committees:round", args=[round.pk])
    reply = round.questionnaire.responses.get(country__iso2="GE")
    invitation = [m for m in mail.outbox if m.to == [focal.email]]
    assert len(invitation) == 1 and f"http://testserver/workspace/responses/{reply.pk}/" in invitation[0].body

    with django_capture_on_commit_callbacks(execute=True):
        reminded = staff_client.post(reverse("committees:round_reminders", args=[round.pk]), follow=True)
    assert "Reminder sent to the focal points of 1 Party: GE." in reminded.content.decode()
    assert "Last sent" in reminded.content.decode()

    added = staff_client.post(
        reverse("committees:recommendation_add", args=[round.pk]),
        {"country": "GE", "finding": "No preservation", "text": "Legislate"},
    )
    rec = Recommendation.objects.get(round=round, country__iso2="GE")
    assert added.status_code == 302
    page = reverse("committees:recommendation", args=[round.pk, rec.pk])
    followed = staff_client.post(page, {"reviewed_on": timezone.localdate().isoformat(), "status": "implemented"})
    assert followed.status_code == 302 and rec.follow_ups.get().status == "implemented"
    stale = staff_client.post(
        reverse("committees:recommendation_edit", args=[round.pk, rec.pk]),
        {"finding": "X", "text": "Y", "version": "7"},
    )
    assert stale.status_code == 400 and "Someone changed this record" in stale.content.decode()
    assert stale.context["form"]["version"].value() == 1  # the current version, for a deliberate second save


def test_export_of_recommendations_reads_back(staff_client, staff, django_capture_on_commit_callbacks):
    round = tcy_round(staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch_round(round, deadline=timezone.localdate() + datetime.timedelta(days=60), user=staff)
    article = round.articles.get(number=16)
    rec = services.record_recommendation(
        round, country=country("GE"), finding="=cmd", text="Legislate", article=article, user=staff
    )
    reviewed = timezone.localdate() - datetime.timedelta(days=1)
    services.record_follow_up(rec, reviewed_on=reviewed, status="partially", user=staff)
    services.record_recommendation(round, country=country("AM"), finding="F", text="T", user=staff)

    xlsx = staff_client.get(reverse("committees:round_recommendations_export", args=[round.pk, "xlsx"]))
    csv = staff_client.get(reverse("committees:round_recommendations_export", args=[round.pk, "csv"]))

    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "Party",
        "ISO code",
        "No.",
        "Article",
        "Finding",
        "Recommendation",
        "Latest status",
        "Reviewed on",
    ]
    assert rows[1] == ["Armenia", "AM", 1, None, "F", "T", "Not reviewed yet", None]
    assert rows[2] == [
        "Georgia",
        "GE",
        1,
        16,
        "'=cmd",
        "Legislate",
        "Partially implemented",
        datetime.datetime.combine(reviewed, datetime.time()),
    ]
    assert csv.content.decode().splitlines()[2] == f"Georgia,GE,1,16,'=cmd,Legislate,Partially implemented,{reviewed}"
    assert xlsx["Content-Disposition"] == f'attachment; filename="t-cy-round-{round.number}-recommendations.xlsx"'
    assert (
        staff_client.get(reverse("committees:round_recommendations_export", args=[round.pk, "pdf"])).status_code == 404
    )
    AssessmentRound.objects.filter(pk=round.pk).update(is_sample=True)  # a sample round's export says so
    (sample,) = sample_sheets(
        staff_client.get(reverse("committees:round_recommendations_export", args=[round.pk, "xlsx"]))
    )
    assert [list(row) for row in sample] == rows


def test_the_report_page_links_a_register_document(staff_client, staff):
    round = tcy_round(staff)
    report = documents.record_document(
        Committee.objects.get(code="T-CY"),
        symbol="T-CY(2099)7",
        user=staff,
        title="Assessment report round 90",
        type="assessment_report",
    )

    response = staff_client.post(
        reverse("committees:round_report", args=[round.pk]), {"document": report.pk, "version": 1}
    )

    assert response.status_code == 302
    assert AssessmentRound.objects.get(pk=round.pk).report == report
    page = staff_client.get(reverse("committees:round", args=[round.pk])).content.decode()
    assert "T-CY(2099)7" in page and "Draft" in page
    assert Document.objects.get(pk=report.pk).status == "draft"


def test_choosing_the_activity_a_round_serves_sets_its_programme_and_a_real_round_never_serves_a_sample_one(staff):
    round = tcy_round(staff)
    research = ResultNode.objects.get(programme__code="cybercrime-octopus", code="A2.2")
    sample = create_programme(
        code="test-sample",
        title="Sample",
        starts_on=D(2014, 1, 1),
        ends_on=D(2020, 1, 1),
        budget_ceiling=1,
        implementing_office="x",
        user=staff,
        is_sample=True,
    )
    output = add_node(sample, level="output", code="2", title="Sample output", user=staff)
    sample_activity = add_node(sample, level="activity", code="A2.6", title="Rounds", parent=output, user=staff)

    services.set_round_activity(round, research, user=staff)
    with pytest.raises(DomainError, match="Sample records serve only sample programmes"):
        services.set_round_activity(round, sample_activity, user=staff)

    assert [(a.programme.code, a.activity.code, a.share) for a in assignments_of(round)] == [
        ("cybercrime-octopus", "A2.2", 100)
    ]
    assert [r.pk for r in unassigned(AssessmentRound.objects.filter(pk=round.pk))] == []
    services.set_round_activity(round, None, user=staff)
    assert assignments_of(round) == []
