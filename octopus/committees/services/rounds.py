"""The write path of assessment rounds (DESIGN.md §7.3): opening a round, sending its questionnaire to the Parties,
reminders, recommendations per Party and their follow-up, and the link to the report. Every change is audited.

Which States answer a round: the Parties (members of the committee, `membership_at`) on the day the questionnaire
is dispatched. A State for which the Convention enters into force while the questionnaire is still open becomes a
Party and is added by `refresh_respondents` (run before every round of reminders). A State that has ratified but
for which the Convention is not yet in force is not assessed, nor is an observer State: observers are not Parties.
The States sent the questionnaire are recorded in the audit log of the round ("committees.round.dispatched" and
"committees.round.respondents_added", `data["countries"]`): that is the list `expected_countries` reads, so that
the round keeps the Parties it was sent to even after the Convention's status of a State changes.
"""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from octopus.accounts.models import AuditEntry, Membership, Role
from octopus.accounts.services import log_action, snapshot
from octopus.committees.models import (
    AssessmentRound,
    Committee,
    Document,
    DocumentStatus,
    DocumentType,
    FollowUp,
    FollowUpStatus,
    Meeting,
    Recommendation,
)
from octopus.committees.queries.membership import membership_at
from octopus.countries.models import Country
from octopus.lib.errors import DomainError
from octopus.lib.locking import locked_for_update
from octopus.results.models import ResultNode
from octopus.results.services import assign_programmes, serve_activity
from octopus.surveys import services as surveys
from octopus.surveys.models import Purpose, QuestionnaireStatus, Response, ResponseState

# Audit actions that name the States a round's questionnaire was sent to.
SENT_ACTIONS = ("committees.round.dispatched", "committees.round.respondents_added")
REMINDED = "committees.round.reminded"
# Responses a reminder is sent for: everything not submitted (not started is a draft never saved).
AWAITED_STATES = (ResponseState.DRAFT, ResponseState.REOPENED)


def questionnaire_code(committee: Committee, number: int) -> str:
    """e.g. "t-cy-round-3" for the T-CY's third round."""
    return slugify(f"{committee.code}-round-{number}")[:60]


def section_article(article) -> str:
    """The article a questionnaire section concerns, as the surveys app writes it: "185/16"."""
    return f"{article.treaty.number}/{article.number}"


def _site() -> str:
    # No request when a command sends reminders: the SITE_URL setting, when the installation gives one, makes links
    # absolute; views pass the address of the request instead.
    return settings.SITE_URL.rstrip("/")


def _round_snapshot(round: AssessmentRound) -> dict:
    data = snapshot(round)
    data["articles"] = sorted(round.articles.values_list("pk", flat=True))
    return data


# ---- opening ----------------------------------------------------------------------------------------------------


@transaction.atomic
def open_round(
    committee: Committee,
    *,
    number: int,
    title: str,
    articles,
    opened_on: datetime.date,
    opened_at: Meeting | None = None,
    user,
    is_sample: bool = False,
) -> AssessmentRound:
    """Open round `number` on `articles` (of the committee's treaty), with a draft assessment questionnaire holding
    one section per article, in the order of the treaty. The secretariat then adds the questions (surveys builder)
    and dispatches it."""
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the round a title."))
    if not number or number < 1:
        raise DomainError(_("Give the round a number (1, 2, …)."))
    articles = sorted(set(articles), key=lambda article: article.number)
    if not articles:
        raise DomainError(_("Choose at least one article to assess."))
    foreign = [article for article in articles if article.treaty_id != committee.treaty_id]
    if foreign:
        raise DomainError(
            _("Article %(article)s is not an article of %(treaty)s.")
            % {"article": foreign[0].number, "treaty": committee.treaty.short_name}
        )
    if AssessmentRound.objects.filter(committee=committee, number=number).exists():
        raise DomainError(
            _("%(committee)s already has a round %(number)s.") % {"committee": committee, "number": number}
        )
    if opened_at is not None:
        if opened_at.committee_id != committee.pk:
            raise DomainError(
                _("%(meeting)s is not a meeting of %(committee)s.") % {"meeting": opened_at, "committee": committee}
            )
        if opened_on < opened_at.event.starts_on:
            raise DomainError(
                _("The round cannot be opened before the meeting that opened it (%(date)s).")
                % {"date": opened_at.event.starts_on}
            )
    questionnaire = surveys.create_questionnaire(
        user=user,
        code=questionnaire_code(committee, number),
        title=title,
        purpose=Purpose.ASSESSMENT,
        is_sample=is_sample,
    )
    for article in articles:
        surveys.add_section(questionnaire, user=user, title=article.title, article=section_article(article))
    round = AssessmentRound.objects.create(
        committee=committee,
        number=number,
        title=title,
        opened_on=opened_on,
        opened_at=opened_at,
        questionnaire=questionnaire,
        created_by=user,
        is_sample=is_sample,
    )
    round.articles.set(articles)
    log_action(round, "committees.round.opened", user=user, after=_round_snapshot(round))
    return round


# ---- sending the questionnaire ------------------------------------------------------------------------------------


def expected_countries(round: AssessmentRound) -> list[Country]:
    """The States the round's questionnaire was sent to, by name (two queries)."""
    return list(Country.objects.filter(iso2__in=expected_codes(round)).order_by("name"))


def expected_codes(round: AssessmentRound) -> set[str]:
    """ISO codes of the States the questionnaire was sent to, from the round's audit log (one query)."""
    entries = AuditEntry.objects.about(round).filter(action__in=SENT_ACTIONS).values_list("data", flat=True)
    return {code for data in entries for code in data.get("countries", [])}


def focal_point_emails(codes) -> dict[str, list[str]]:
    """ISO code → e-mail addresses of the active focal points of that country (one query)."""
    rows = (
        Membership.objects.filter(role=Role.FOCAL_POINT, country_code__in=list(codes), user__is_active=True)
        .exclude(user__email="")
        .order_by("country_code", "user__email")
        .values_list("country_code", "user__email")
    )
    emails: dict[str, list[str]] = {}
    for code, email in rows:
        emails.setdefault(code, []).append(email)
    return emails


def _mail(recipients: list[str], subject: str, body: str) -> None:
    if recipients:
        # robust: a mail server that is down must not undo the dispatch; the failure is logged.
        transaction.on_commit(lambda: send_mail(subject, body, None, recipients), robust=True)


def party(response: Response) -> Country:
    """The Party a reply of a round answers for: a round starts replies for countries only, never for people."""
    assert response.country is not None, response.pk
    return response.country


def _answer_link(response: Response, site: str) -> str:
    return (site or _site()) + reverse("surveys:response", args=[response.pk])


def _invite(round: AssessmentRound, responses: list[Response], emails: dict, site: str) -> None:
    questionnaire = round.questionnaire
    assert questionnaire is not None  # only a round with a questionnaire is sent
    for response in responses:
        subject = _("%(committee)s assessment round %(number)s: questionnaire for %(country)s") % {
            "committee": round.committee,
            "number": round.number,
            "country": party(response).name,
        }
        body = _(
            "Dear focal point,\n\nThe %(committee)s has opened assessment round %(number)s, “%(title)s”. Please "
            "answer the questionnaire for %(country)s by %(deadline)s:\n\n%(link)s\n\nYou can save drafts and "
            "come back; colleagues of your country share the same reply. Submit it once complete.\n"
        ) % {
            "committee": round.committee,
            "number": round.number,
            "title": round.title,
            "country": party(response).name,
            "deadline": questionnaire.closes_on,
            "link": _answer_link(response, site),
        }
        _mail(emails.get(party(response).iso2, []), subject, body)


def _start_responses(round: AssessmentRound, countries, user) -> list[Response]:
    questionnaire = round.questionnaire
    assert questionnaire is not None  # only a round with a questionnaire is sent
    return [surveys.start_response(questionnaire, country=country, user=user) for country in countries]


@transaction.atomic
def dispatch_round(
    round: AssessmentRound, *, deadline: datetime.date, user, on: datetime.date | None = None, site: str = ""
) -> AssessmentRound:
    """Send the round's questionnaire to the Parties on the day of dispatch (`on`, today by default): set its
    deadline, open it, start a reply for each Party and e-mail each Party's focal points the link to it (after the
    commit). `site` is the address links start with (the request's, in a view)."""
    on = on or timezone.localdate()
    current = (
        AssessmentRound.objects.select_for_update(of=("self",))
        .select_related("committee__treaty", "questionnaire")
        .get(pk=round.pk)
    )
    questionnaire = current.questionnaire
    if questionnaire is None:
        raise DomainError(_("This round has no questionnaire."))
    # Opened already in the questionnaire builder but never sent: sending it now is what the secretariat meant.
    if expected_codes(current):
        raise DomainError(_("The questionnaire of this round has already been sent."))
    if questionnaire.status == QuestionnaireStatus.CLOSED:
        raise DomainError(_("The questionnaire of this round is closed."))
    if deadline <= on:
        raise DomainError(_("The deadline must be after the day of dispatch (%(date)s).") % {"date": on})
    if not questionnaire.questions.exists():
        raise DomainError(_("Add at least one question to the questionnaire before sending it."))
    parties = membership_at(current.committee, on).members
    if not parties:
        raise DomainError(
            _("%(committee)s has no Party on %(date)s: nobody to send the questionnaire to.")
            % {"committee": current.committee, "date": on}
        )
    questionnaire.opens_on, questionnaire.closes_on = on, deadline
    questionnaire.save(update_fields=["opens_on", "closes_on"])
    if questionnaire.status == QuestionnaireStatus.DRAFT:
        surveys.open_questionnaire(questionnaire, user=user)
    responses = _start_responses(current, parties, user)
    codes = [country.iso2 for country in parties]
    log_action(
        current,
        "committees.round.dispatched",
        user=user,
        data={"countries": codes, "deadline": deadline.isoformat(), "on": on.isoformat()},
    )
    _invite(current, responses, focal_point_emails(codes), site)
    return current


@transaction.atomic
def refresh_respondents(
    round: AssessmentRound, *, user=None, on: datetime.date | None = None, site: str = ""
) -> list[Country]:
    """Add to an open round the States that have become Parties since it was sent (the Convention entered into
    force for them), start their replies and e-mail their focal points. Returns the States added."""
    on = on or timezone.localdate()
    current = (
        AssessmentRound.objects.select_for_update(of=("self",))
        .select_related("committee__treaty", "questionnaire")
        .get(pk=round.pk)
    )
    if current.questionnaire is None or current.questionnaire.status != QuestionnaireStatus.OPEN:
        return []
    known = expected_codes(current)
    added = [country for country in membership_at(current.committee, on).members if country.iso2 not in known]
    if not added:
        return []
    responses = _start_responses(current, added, user)
    codes = [country.iso2 for country in added]
    log_action(
        current, "committees.round.respondents_added", user=user, data={"countries": codes, "on": on.isoformat()}
    )
    _invite(current, responses, focal_point_emails(codes), site)
    return added


@transaction.atomic
def send_reminders(round: AssessmentRound, *, user, on: datetime.date | None = None, site: str = "") -> dict:
    """Remind the focal points of every expected Party that has not submitted (not started, draft, reopened).
    New Parties are added first (`refresh_respondents`). Returns {"countries": [ISO codes reminded],
    "without_focal_point": [ISO codes with nobody to write to], "recipients": number of addresses,
    "added": [ISO codes of Parties added]}. Audited when anyone is reminded."""
    current = AssessmentRound.objects.select_related("committee", "questionnaire").get(pk=round.pk)
    questionnaire = current.questionnaire
    if questionnaire is None or questionnaire.status != QuestionnaireStatus.OPEN:
        raise DomainError(_("Reminders are sent only while the questionnaire is open."))
    added = refresh_respondents(current, user=user, on=on, site=site)
    # Parties just added were sent their invitation a moment ago: no reminder on top of it.
    codes = expected_codes(current) - {country.iso2 for country in added}
    waiting = list(
        Response.objects.filter(questionnaire=questionnaire, country__iso2__in=codes, state__in=AWAITED_STATES)
        .select_related("country")
        .order_by("country__name")
    )
    emails = focal_point_emails(party(response).iso2 for response in waiting)
    reminded = [response for response in waiting if emails.get(party(response).iso2)]
    result = {
        "countries": [party(response).iso2 for response in reminded],
        "without_focal_point": [party(response).iso2 for response in waiting if response not in reminded],
        "recipients": sum(len(emails[party(response).iso2]) for response in reminded),
        "added": [country.iso2 for country in added],
    }
    for response in reminded:
        subject = _("Reminder: %(committee)s assessment round %(number)s, reply of %(country)s due %(deadline)s") % {
            "committee": current.committee,
            "number": current.number,
            "country": party(response).name,
            "deadline": questionnaire.closes_on,
        }
        state = (
            _("has been reopened for correction and is not yet submitted again")
            if response.state == ResponseState.REOPENED
            else _("has not been submitted yet")
        )
        body = _(
            "Dear focal point,\n\nThe reply of %(country)s to the questionnaire of assessment round %(number)s, "
            "“%(title)s”, %(state)s. The deadline is %(deadline)s.\n\n%(link)s\n"
        ) % {
            "country": party(response).name,
            "number": current.number,
            "title": current.title,
            "state": state,
            "deadline": questionnaire.closes_on,
            "link": _answer_link(response, site),
        }
        _mail(emails[party(response).iso2], subject, body)
    if reminded:
        log_action(current, REMINDED, user=user, data={k: v for k, v in result.items() if k != "added"})
    return result


# ---- recommendations and their follow-up ------------------------------------------------------------------------


def _check_article(round: AssessmentRound, article) -> None:
    if article is not None and not round.articles.filter(pk=article.pk).exists():
        raise DomainError(_("Article %(article)s is not assessed in this round.") % {"article": article.number})


def _check_texts(finding: str, text: str) -> tuple[str, str]:
    finding, text = (finding or "").strip(), (text or "").strip()
    if not finding:
        raise DomainError(_("Say what the assessment found."))
    if not text:
        raise DomainError(_("Write the recommendation."))
    return finding, text


@transaction.atomic
def record_recommendation(
    round: AssessmentRound, *, country: Country, finding: str, text: str, article=None, user
) -> Recommendation:
    """A recommendation to one Party assessed in the round, numbered 1, 2, … per Party."""
    # The round row is locked so that two recommendations to one Party never get the same number.
    current = AssessmentRound.objects.select_for_update().get(pk=round.pk)
    if country.iso2 not in expected_codes(current):
        raise DomainError(
            _("%(country)s was not sent the questionnaire of this round: it is not assessed in it.")
            % {"country": country.name}
        )
    _check_article(current, article)
    finding, text = _check_texts(finding, text)
    last = Recommendation.objects.filter(round=current, country=country).aggregate(last=Max("number"))["last"]
    recommendation = Recommendation.objects.create(
        round=current,
        country=country,
        number=(last or 0) + 1,
        article=article,
        finding=finding,
        text=text,
        created_by=user,
    )
    log_action(recommendation, "committees.recommendation.recorded", user=user, after=snapshot(recommendation))
    return recommendation


_UNCHANGED = object()


@transaction.atomic
def correct_recommendation(
    recommendation: Recommendation, *, version: int | None, user, finding=None, text=None, article=_UNCHANGED
) -> Recommendation:
    """Correct the finding, the text or the article of a recommendation; refused (ConflictError) when someone
    corrected it since the `version` the user read."""
    current = locked_for_update(Recommendation.objects.select_related("round"), recommendation.pk, version)
    before = snapshot(current)
    if article is not _UNCHANGED:
        _check_article(current.round, article)
        current.article = article
    current.finding, current.text = _check_texts(
        current.finding if finding is None else finding, current.text if text is None else text
    )
    current.version += 1
    current.save()
    log_action(current, "committees.recommendation.corrected", user=user, before=before, after=snapshot(current))
    return current


@transaction.atomic
def record_follow_up(
    recommendation: Recommendation,
    *,
    reviewed_on: datetime.date,
    status: str,
    meeting: Meeting | None = None,
    report: Document | None = None,
    note: str = "",
    user,
) -> FollowUp:
    """What a later plenary (or a follow-up report) found of a recommendation; the latest review is its status."""
    round = recommendation.round
    if status not in FollowUpStatus.values:
        raise DomainError(_("Unknown follow-up status “%(status)s”.") % {"status": status})
    if reviewed_on < round.opened_on:
        raise DomainError(_("A review cannot come before the round was opened (%(date)s).") % {"date": round.opened_on})
    if reviewed_on > timezone.localdate():
        raise DomainError(_("A review cannot be dated in the future."))
    if meeting is not None and meeting.committee_id != round.committee_id:
        raise DomainError(
            _("%(meeting)s is not a meeting of %(committee)s.") % {"meeting": meeting, "committee": round.committee}
        )
    if report is not None and (
        report.committee_id != round.committee_id or report.type != DocumentType.FOLLOW_UP_REPORT
    ):
        raise DomainError(_("Choose a follow-up report of %(committee)s's register.") % {"committee": round.committee})
    follow_up = FollowUp.objects.create(
        recommendation=recommendation,
        reviewed_on=reviewed_on,
        status=status,
        meeting=meeting,
        report=report,
        note=(note or "").strip(),
        recorded_by=user,
    )
    log_action(follow_up, "committees.follow_up.recorded", user=user, after=snapshot(follow_up))
    return follow_up


# ---- the report -------------------------------------------------------------------------------------------------


@transaction.atomic
def link_report(
    round: AssessmentRound, *, document: Document | None, user, version: int | None = None
) -> AssessmentRound:
    """Link the round to its assessment report in the register (None unlinks it). Whether the report is a draft or
    adopted is the document's own status, changed in the register."""
    current = locked_for_update(AssessmentRound, round.pk, version)
    if document is not None:
        if document.committee_id != current.committee_id or document.type != DocumentType.ASSESSMENT_REPORT:
            raise DomainError(
                _("Choose an assessment report of %(committee)s's register.") % {"committee": current.committee}
            )
        if document.status == DocumentStatus.WITHDRAWN:
            raise DomainError(_("%(document)s has been withdrawn.") % {"document": document.symbol or document.title})
    before = _round_snapshot(current)
    current.report = document
    current.version += 1
    current.save(update_fields=["report", "version"])
    log_action(current, "committees.round.report_linked", user=user, before=before, after=_round_snapshot(current))
    return current


# --- the programme a round serves ---------------------------------------------------------------------------------


@transaction.atomic
def set_round_activity(round: AssessmentRound, activity: ResultNode | None, *, user) -> AssessmentRound:
    """Choosing the logframe activity a questionnaire round serves sets its programme (`results.services.
    serve_activity`: a round serving another programme already shares it); no activity: it serves no programme
    and counts for none. A sample round serves only the sample programme, a real one only real programmes."""
    current = AssessmentRound.objects.select_for_update().get(pk=round.pk)
    if activity is None:
        assign_programmes(current, [], user=user)
    else:
        serve_activity(current, activity, user=user)
    return current
