"""Reading assessment rounds: the list, who has answered, recommendations and their follow-up — each in a fixed
number of queries whatever the number of rounds, Parties or recommendations (DESIGN.md §7.10)."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext_lazy as _

from octopus.accounts.models import AuditEntry
from octopus.committees.models import AssessmentRound, Committee, FollowUp, FollowUpStatus, Recommendation
from octopus.committees.services.rounds import REMINDED, SENT_ACTIONS, party
from octopus.countries.models import Country
from octopus.surveys.models import Response, ResponseState
from octopus.treaties.models import Article

NOT_STARTED = "not_started"
PROGRESS_STATES = {
    NOT_STARTED: _("Not started"),
    ResponseState.DRAFT: _("Draft"),
    ResponseState.SUBMITTED: _("Submitted"),
    ResponseState.REOPENED: _("Reopened"),
}
NO_FOLLOW_UP = "none"
FOLLOW_UP_COLUMNS = [(NO_FOLLOW_UP, _("Not reviewed yet")), *FollowUpStatus.choices]


def progress_state(response: Response | None) -> str:
    """Not started: no reply, or one never saved (the dispatch creates an empty draft for each Party)."""
    if response is None or (response.state == ResponseState.DRAFT and response.version == 1):
        return NOT_STARTED
    return response.state


def _round_entries(round_ids, actions) -> dict[int, list[AuditEntry]]:
    entries = defaultdict(list)
    rows = AuditEntry.objects.filter(
        object_type=AssessmentRound._meta.label_lower, object_id__in=[str(pk) for pk in round_ids], action__in=actions
    ).order_by("at", "pk")
    for entry in rows:
        entries[int(entry.object_id)].append(entry)
    return entries


def _sent_codes(entries) -> set[str]:
    return {code for entry in entries if entry.action in SENT_ACTIONS for code in entry.data.get("countries", [])}


# ---- the list of rounds -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundRow:
    round: AssessmentRound
    articles: list[Article]
    expected: int  # Parties the questionnaire was sent to
    answered: int  # of them, those that submitted at least once

    @property
    def deadline(self) -> datetime.date | None:
        questionnaire = self.round.questionnaire
        return questionnaire.closes_on if questionnaire is not None else None


def round_rows(committee: Committee) -> list[RoundRow]:
    """Every round of the committee, latest first, with its articles and how many Parties answered. Four queries."""
    rounds = list(
        AssessmentRound.objects.filter(committee=committee)
        .select_related("questionnaire", "report", "opened_at__event", "opened_at__committee")
        .prefetch_related(Prefetch("articles", queryset=Article.objects.select_related("treaty").order_by("number")))
        .order_by("-number")
    )
    entries = _round_entries([r.pk for r in rounds], SENT_ACTIONS)
    submitted = defaultdict(set)
    rows = (
        Response.objects.filter(questionnaire__assessment_round__in=rounds, country__isnull=False)
        .filter(Q(state=ResponseState.SUBMITTED) | Q(revisions__isnull=False))
        .values_list("questionnaire__assessment_round", "country__iso2")
        .order_by()
        .distinct()
    )
    for round_id, code in rows:
        submitted[round_id].add(code)
    result = []
    for round in rounds:
        codes = _sent_codes(entries[round.pk])
        result.append(
            RoundRow(
                round=round,
                articles=list(round.articles.all()),
                expected=len(codes),
                answered=len(codes & submitted[round.pk]),
            )
        )
    return result


# ---- who has answered -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyProgress:
    country: Country
    response: Response | None
    state: str  # a key of PROGRESS_STATES
    revisions: int
    reminders: int
    last_reminded: datetime.datetime | None

    @property
    def state_label(self) -> str:
        return str(PROGRESS_STATES[self.state])

    @property
    def last_saved(self) -> datetime.datetime | None:
        # Every state but NOT_STARTED has a reply; testing it too lets the type checker see that.
        return None if self.state == NOT_STARTED or self.response is None else self.response.updated_at


@dataclass(frozen=True)
class RoundProgress:
    rows: list[PartyProgress]
    counts: dict[str, int]  # every key of PROGRESS_STATES
    last_reminded: datetime.datetime | None  # when reminders were last sent, to anyone

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def by_state(self) -> list[tuple[str, str, int]]:
        return [(key, str(label), self.counts[key]) for key, label in PROGRESS_STATES.items()]


def round_progress(round: AssessmentRound) -> RoundProgress:
    """Each Party the questionnaire was sent to, by name: the state of its reply, when it was last saved, how many
    times it was submitted, how many reminders it was sent (from the audit log). Three queries."""
    entries = _round_entries([round.pk], (*SENT_ACTIONS, REMINDED))[round.pk]
    codes = _sent_codes(entries)
    reminders: Counter[str] = Counter()
    last: dict[str, datetime.datetime] = {}
    for entry in entries:
        if entry.action == REMINDED:
            for code in entry.data.get("countries", []):
                reminders[code] += 1
                last[code] = entry.at
    responses = {}
    if codes and round.questionnaire_id:
        responses = {
            party(response).iso2: response
            for response in Response.objects.filter(questionnaire_id=round.questionnaire_id, country__iso2__in=codes)
            .select_related("country")
            .annotate(revision_count=Count("revisions"))
        }
    countries = (
        sorted((party(r) for r in responses.values()), key=lambda country: country.name)
        if len(responses) == len(codes)
        else list(Country.objects.filter(iso2__in=codes).order_by("name"))
    )
    rows = []
    for country in countries:
        response = responses.get(country.iso2)
        rows.append(
            PartyProgress(
                country=country,
                response=response,
                state=progress_state(response),
                revisions=response.revision_count if response else 0,
                reminders=reminders[country.iso2],
                last_reminded=last.get(country.iso2),
            )
        )
    counter = Counter(row.state for row in rows)
    reminded_at = [entry.at for entry in entries if entry.action == REMINDED]
    return RoundProgress(
        rows=rows,
        counts={state: counter.get(state, 0) for state in PROGRESS_STATES},
        last_reminded=reminded_at[-1] if reminded_at else None,
    )


# ---- recommendations --------------------------------------------------------------------------------------------


def recommendations(round: AssessmentRound):
    """The round's recommendations by Party and number, each with its latest follow-up (`latest_status`,
    `latest_reviewed_on`, None when not reviewed yet). One query."""
    latest = FollowUp.objects.filter(recommendation=OuterRef("pk")).order_by("-reviewed_on", "-pk")
    return (
        Recommendation.objects.filter(round=round)
        .select_related("country", "article")
        .annotate(
            latest_status=Subquery(latest.values("status")[:1]),
            latest_reviewed_on=Subquery(latest.values("reviewed_on")[:1]),
        )
        .order_by("country__name", "number")
    )


@dataclass(frozen=True)
class FollowUpRow:
    country: Country
    counts: dict[str, int]  # a key of FOLLOW_UP_COLUMNS → recommendations whose latest status it is
    total: int


def follow_up_table(items) -> list[FollowUpRow]:
    """Per Party: how many recommendations stand at each latest follow-up status. From `recommendations(round)`
    (no further query)."""
    by_country: dict[int, tuple[Country, Counter]] = {}
    for item in items:
        country, counter = by_country.setdefault(item.country_id, (item.country, Counter()))
        counter[item.latest_status or NO_FOLLOW_UP] += 1
    return [
        FollowUpRow(
            country=country,
            counts={key: counter.get(key, 0) for key, _label in FOLLOW_UP_COLUMNS},
            total=sum(counter.values()),
        )
        for country, counter in sorted(by_country.values(), key=lambda pair: pair[0].name)
    ]


def status_label(status: str | None) -> str:
    return str(dict(FOLLOW_UP_COLUMNS)[status or NO_FOLLOW_UP])
