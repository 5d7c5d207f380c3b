"""What the committees count, for the results framework (DESIGN.md §4).

- `committees.documents_adopted`: documents of the register adopted in the period (Guidance Notes, assessment
  reports, …). The documents are the committee's own output, adopted whatever programme supported the meeting, so
  the measure is global (`reach=GLOBAL`): not narrowed to a programme's records, but never counting a sample document
  unless the reading counts sample records. A date known only to the month or the year counts in the periods that
  contain its first day; an adopted document with no date known counts in no period.
- `committees.meetings_held`: meetings of a committee (default the T-CY; its Bureau's too with `bureau`) whose event
  was held and began in the period. An event of the T-CY kinds that is not numbered as a meeting is not counted here
  (`events.held` with those kinds counts events).
- `committees.meeting_participants`: attendance at those meetings (whether held or not yet marked so, unless
  cancelled), counted as `events.queries` counts attendance — approved registrations with attendance, a merged
  person once — as participations, distinct people, or distinct delegations (a State at one meeting: the pairs of
  meeting and the country a participant represented; a participant who represented no State is in no delegation).
- `committees.funded_states`: distinct States whose delegates' participation was funded at events that began in the
  period, in T-CY meetings or, for member States, in other fora (`queries.meetings` defines it).
- `committees.language_services_cost`: what translation (by its deadline) and interpretation (by the meeting's first
  day) cost in the period, in EUR; cancelled requests cost nothing, and a translation without a deadline is counted
  in no period.

Meetings are events: every metric but the documents' counts only the meetings and events that serve the reading's
programmes (`results.assignments.scoped`), and translation requests that serve them (a translation is paid by a
programme, so it is assigned like an event). Within one reading, each metric reads its rows once
(`lib.metrics.memo`; the scope is fixed within a reading) and counts every period from them.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from octopus.committees.models import (
    AssessmentRound,
    Committee,
    Document,
    DocumentType,
    InterpretationRequest,
    InterpretationStatus,
    LanguageVersion,
    Meeting,
    TranslationStatus,
)
from octopus.committees.queries.meetings import funded_participations
from octopus.countries.models import Country
from octopus.events.models import Event, Status
from octopus.events.queries import PERSON_KEY, participations
from octopus.lib.metrics import GLOBAL, Metric, MetricError, Period, memo, registry, scope
from octopus.people.models import Person
from octopus.results.assignments import register_countable, scoped, serving

DEFAULT_COMMITTEE = "T-CY"
MEASURES = ("participations", "people", "delegations")

# --- documents adopted ------------------------------------------------------------------------------------------


def _check(type: str) -> None:
    if type and type not in DocumentType.values:
        raise MetricError(f"Unknown document type {type!r} (known: {', '.join(DocumentType.values)}).")


def _adopted():
    """The adopted documents a reading counts: the register's, whatever programme supported the meeting, but no
    sample document unless the reading counts sample records."""
    documents = Document.objects.adopted()
    return documents if scope().sample else documents.filter(is_sample=False)


def _adoptions() -> list[tuple[str, datetime.date]]:
    """(type, day) of every dated adoption (a date known to the month or year is stored as its first day), read once
    per reading of many indicators."""
    return memo(
        "committees.adoptions",
        lambda: list(_adopted().filter(adopted_on__isnull=False).values_list("type", "adopted_on")),
    )


def adopted_count(start: datetime.date, end: datetime.date, *, type: str = "") -> int:
    _check(type)
    return sum(1 for kind, day in _adoptions() if start <= day <= end and (not type or kind == type))


def adopted_series(periods: list[Period], *, type: str = "") -> list[int]:
    return [adopted_count(start, end, type=type) for start, end in periods]


def adopted_documents(start: datetime.date, end: datetime.date, *, type: str = "") -> list[Document]:
    # A document adopted on a date no source gives even to the year is counted in no period: a gap, not a guess.
    _check(type)
    documents = _adopted().filter(adopted_on__range=(start, end))
    return list((documents.filter(type=type) if type else documents).order_by("adopted_on", "pk"))


registry.register(
    Metric(
        key="committees.documents_adopted",
        title="Committee documents adopted",
        value=adopted_count,
        drilldown=adopted_documents,
        params={"type": str},
        series=adopted_series,
        description="Documents of the register adopted in the period, of one type if given (guidance_note, "
        "assessment_report, …). The documents are the committee's own output, adopted whatever programme supported "
        "the meeting: they are not narrowed to the programme's records. A date of adoption known only to the month "
        "or the year counts in the period that contains its first day; a document with no date of adoption known is "
        "counted in no period.",
        reach=GLOBAL,
    )
)


# --- meetings held ----------------------------------------------------------------------------------------------


def _committee_ids(code: str, bureau: bool) -> tuple[int, ...]:
    """The committee coded `code` and, with `bureau`, its bodies; read once per reading."""

    def load():
        found = list(Committee.objects.filter(code=code).values_list("pk", flat=True))
        if not found:
            known = ", ".join(Committee.objects.order_by("code").values_list("code", flat=True))
            raise MetricError(f"No committee {code!r} (known: {known}).")
        if bureau:
            found += list(Committee.objects.filter(parent_id=found[0]).values_list("pk", flat=True))
        return tuple(sorted(found))

    return memo(("committees.committee_ids", code, bureau), load)


def _events():
    """The events the reading counts: those serving its programmes, and no sample event unless sample records count."""
    return scoped(Event.objects.all())


def _meetings(code: str, bureau: bool):
    """The committee's meetings whose event the reading counts."""
    return scoped(Meeting.objects.filter(committee__in=_committee_ids(code, bureau)), via="event")


def _held_days(code: str, bureau: bool) -> list[datetime.date]:
    return memo(
        ("committees.held_days", code, bureau),
        lambda: list(
            _meetings(code, bureau).filter(event__status=Status.HELD).values_list("event__starts_on", flat=True)
        ),
    )


def meetings_held(start, end, *, committee: str = DEFAULT_COMMITTEE, bureau: bool = False) -> int:
    return sum(1 for day in _held_days(committee, bureau) if start <= day <= end)


def meetings_held_records(start, end, *, committee: str = DEFAULT_COMMITTEE, bureau: bool = False):
    return (
        _meetings(committee, bureau)
        .filter(event__status=Status.HELD, event__starts_on__range=(start, end))
        .select_related("committee", "event")
        .order_by("event__starts_on", "pk")
    )


registry.register(
    Metric(
        key="committees.meetings_held",
        title="Committee meetings held",
        value=meetings_held,
        drilldown=meetings_held_records,
        params={"committee": str, "bureau": bool},
        series=lambda periods, **params: [meetings_held(s, e, **params) for s, e in periods],
        description="Meetings of the committee (code, default T-CY; with bureau=true its Bureau's too) whose event "
        "was held and began in the period. Events not numbered as meetings are not counted.",
    )
)


# --- participants in meetings -----------------------------------------------------------------------------------


def _check_measure(measure: str) -> None:
    if measure not in MEASURES:
        raise MetricError(f"Unknown measure {measure!r} (known: {', '.join(MEASURES)}).")


def _meeting_events(code: str, bureau: bool):
    return scoped(Event.objects.filter(meeting__committee__in=_committee_ids(code, bureau))).exclude(
        status=Status.CANCELLED
    )


def _attendance_rows(code: str, bureau: bool) -> list[tuple]:
    """(first day, event, person counted, country) of every participation in the meetings; one query a reading."""
    return memo(
        ("committees.attendance_rows", code, bureau),
        lambda: list(
            participations(_meeting_events(code, bureau))
            .annotate(key=PERSON_KEY)
            .values_list("event__starts_on", "event_id", "key", "country_id")
            .order_by()
        ),
    )


def meeting_participants(start, end, *, committee=DEFAULT_COMMITTEE, bureau=False, measure="participations") -> int:
    _check_measure(measure)
    rows = [row for row in _attendance_rows(committee, bureau) if start <= row[0] <= end]
    if measure == "participations":
        return len(rows)
    if measure == "people":
        return len({person for _day, _event, person, _country in rows})
    return len({(event, country) for _day, event, _person, country in rows if country})


@dataclass(frozen=True)
class MeetingDelegation:
    """The delegation of one State at one meeting, as the attendance shows it (a drill-down record)."""

    pk: str  # "<meeting>-<country>"
    meeting: Meeting
    country: Country

    def __str__(self):
        return f"{self.country.name} – {self.meeting}"


def meeting_participants_records(start, end, *, committee=DEFAULT_COMMITTEE, bureau=False, measure="participations"):
    _check_measure(measure)
    rows = participations(_meeting_events(committee, bureau).between(start, end))
    if measure == "participations":
        return rows.select_related("person", "event", "country").order_by("event__starts_on", "event_id", "pk")
    if measure == "people":
        keys = rows.annotate(key=PERSON_KEY).values("key")
        return Person.objects.filter(pk__in=keys).order_by("last_name", "first_name", "pk")
    pairs = set(rows.filter(country__isnull=False).values_list("event_id", "country_id"))
    meetings = {
        m.event_id: m
        for m in Meeting.objects.filter(event_id__in={e for e, _c in pairs}).select_related("committee", "event")
    }
    countries = Country.objects.in_bulk({c for _e, c in pairs})
    found = [MeetingDelegation(f"{meetings[e].pk}-{c}", meetings[e], countries[c]) for e, c in pairs if e in meetings]
    return sorted(found, key=lambda d: (d.meeting.event.starts_on, d.meeting.pk, d.country.name))


registry.register(
    Metric(
        key="committees.meeting_participants",
        title="Participants in committee meetings",
        value=meeting_participants,
        drilldown=meeting_participants_records,
        params={"committee": str, "bureau": bool, "measure": str},
        series=lambda periods, **params: [meeting_participants(s, e, **params) for s, e in periods],
        description="Attendance at the meetings of the committee (default T-CY; with bureau=true its Bureau's too) "
        "that began in the period, as events count it (approved registrations with attendance): measure "
        "participations (one per person and meeting), people (distinct), or delegations (distinct pairs of meeting "
        "and State represented).",
    )
)


# --- States funded --------------------------------------------------------------------------------------------


def _funded(code: str) -> list[tuple[datetime.date, int]]:
    """(first day of the event, country) of every funded participation; read once per reading."""

    def load():
        committee = Committee.objects.select_related("treaty").filter(code=code).first()
        if committee is None:
            raise MetricError(f"No committee {code!r}.")
        return [(row.starts_on, row.country) for row in funded_participations(committee, events=_events())]

    return memo(("committees.funded", code), load)


def funded_states(start, end, *, committee: str = DEFAULT_COMMITTEE) -> int:
    return len({country for day, country in _funded(committee) if start <= day <= end})


def funded_states_records(start, end, *, committee: str = DEFAULT_COMMITTEE):
    ids = {country for day, country in _funded(committee) if start <= day <= end}
    return Country.objects.filter(pk__in=ids).order_by("name")


registry.register(
    Metric(
        key="committees.funded_states",
        title="States whose delegates were funded",
        value=funded_states,
        drilldown=funded_states_records,
        params={"committee": str},
        series=lambda periods, **params: [funded_states(s, e, **params) for s, e in periods],
        description="Distinct States whose delegates' participation the programme funded (travel eligible and not "
        "refused, registration not declined or cancelled) at events that began in the period: T-CY meetings, and "
        "other fora for States that were Parties on the event's first day.",
    )
)


LANGUAGE_SERVICES = ("translation", "interpretation")


def translation_requests():
    """Translations a programme pays for: neither an original nor cancelled (what serves a programme)."""
    return LanguageVersion.objects.exclude(
        translation_status__in=[TranslationStatus.ORIGINAL, TranslationStatus.CANCELLED]
    )


def _paid_translations():
    """Translations serving the reading's programmes (of no sample document unless sample records count), dated by
    their deadline."""
    rows = translation_requests().filter(deadline__isnull=False)
    current = scope()
    if current.programmes is not None:
        rows = serving(rows, current.programmes)
    return rows if current.sample else rows.filter(document__is_sample=False)


def _paid_interpretation():
    """Interpretation not cancelled at meetings whose event the reading counts; dated by the meeting's first day."""
    return InterpretationRequest.objects.exclude(status=InterpretationStatus.CANCELLED).filter(
        meeting__event__in=_events()
    )


def _language_costs() -> list[tuple[str, datetime.date, Decimal]]:
    """(service, day, cost) of every paid translation and interpretation, read once per reading."""

    def load():
        translations = _paid_translations().values_list("deadline", "cost")
        interpretation = _paid_interpretation().values_list("meeting__event__starts_on", "cost")
        return [("translation", day, cost) for day, cost in translations] + [
            ("interpretation", day, cost) for day, cost in interpretation
        ]

    return memo("committees.language_costs", load)


def _check_service(service: str) -> None:
    if service and service not in LANGUAGE_SERVICES:
        raise MetricError(f"Unknown language service {service!r} (known: {', '.join(LANGUAGE_SERVICES)}).")


def language_services_cost(start: datetime.date, end: datetime.date, *, service: str = "") -> Decimal:
    _check_service(service)
    return sum(
        (cost for kind, day, cost in _language_costs() if start <= day <= end and (not service or kind == service)),
        Decimal(0),
    )


def language_services_records(start: datetime.date, end: datetime.date, *, service: str = "") -> list:
    _check_service(service)
    records: list = []
    if service in ("", "translation"):
        records += (
            _paid_translations()
            .filter(deadline__range=(start, end))
            .select_related("document")
            .order_by("deadline", "pk")
        )
    if service in ("", "interpretation"):
        records += (
            _paid_interpretation()
            .filter(meeting__event__starts_on__range=(start, end))
            .select_related("meeting__event")
            .order_by("meeting__event__starts_on", "pk")
        )
    return records


registry.register(
    Metric(
        key="committees.language_services_cost",
        title="Cost of translation and interpretation (EUR)",
        value=language_services_cost,
        drilldown=language_services_records,
        params={"service": str},
        series=lambda periods, **params: [language_services_cost(s, e, **params) for s, e in periods],
        description="What translations of the register's documents (counted by their deadline) and interpretation "
        "at meetings (by the meeting's first day) cost in the period, in EUR; service=translation or "
        "interpretation for one of them. Cancelled requests cost nothing; a translation without a deadline is "
        "counted in no period.",
    )
)


# --- records that count for programmes ----------------------------------------------------------------------------

# Questionnaire rounds serve a programme when one runs them (its research activity); staff choose the activity on
# the round's page. Translation requests serve the programme that pays for them; their cost counts for it only.
register_countable(
    AssessmentRound,
    label=_("Questionnaire rounds"),
    edit_url=lambda round: reverse("committees:round", args=[round.pk]) + "#programmes",
)
register_countable(
    LanguageVersion,
    label=_("Translation requests"),
    edit_url=lambda row: reverse("committees:tcy_translation", args=[row.pk]),
    queryset=translation_requests,
)
