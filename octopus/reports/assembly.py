"""A progress report assembled from the records for its period: the programme's progress per output and on the
objective (the IPTT columns within the period), the events held with their participation, the T-CY's results,
the countries assisted and the legislative advice given, and the funding position at the end of the period.

Nothing here is stored: every figure is read when the report is read, through the same queries and metrics the
dashboard uses, inside the programme's scope (`results.assignments.programme_scope`), so a programme counts only
the records that serve it. The cost is a fixed number of queries whatever the number of records."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from octopus.committees.models import DocumentType
from octopus.events.models import Event
from octopus.events.queries import AttendanceCounts, attendance_counts
from octopus.funding.queries import Position, funding_position
from octopus.legislation.models import Advice
from octopus.lib.metrics import reading, registry
from octopus.people.models import Sex
from octopus.reports.models import Report, ReportSection
from octopus.results.assignments import programme_scope, scoped
from octopus.results.exports import IPTTCell, IPTTRow, IPTTSection, iptt_table
from octopus.results.models import Level
from octopus.results.periods import SEMESTER, YEAR, Period
from octopus.results.queries import programme_results


@dataclass
class Figure:
    """One number of the report with its unit, as the report prints it."""

    key: str
    label: str
    value: int | float | None
    unit: str


@dataclass
class ProgressRow:
    code: str
    title: str
    unit: str
    life_target: str
    to_date: str
    status: str
    cells: list[IPTTCell]  # the columns within the period


@dataclass
class ProgressSection:
    heading: str
    level: str
    rows: list[ProgressRow]


@dataclass
class HeldEvent:
    title: str
    kind: str
    starts_on: datetime.date
    place: str
    url: str


@dataclass
class AdviceLine:
    country: str
    reviewed: str
    mode: str
    starts_on: datetime.date
    recommendations: int
    taken_up: int
    url: str


@dataclass
class Assembled:
    report: Report
    programme: object
    start: datetime.date
    end: datetime.date
    is_sample: bool
    sections: list[ReportSection]
    columns: list[Period] = field(default_factory=list)
    progress: list[ProgressSection] = field(default_factory=list)
    events: list[HeldEvent] = field(default_factory=list)
    attendance: AttendanceCounts = field(default_factory=AttendanceCounts)
    event_figures: list[Figure] = field(default_factory=list)
    tcy_figures: list[Figure] = field(default_factory=list)
    legislation_figures: list[Figure] = field(default_factory=list)
    advice: list[AdviceLine] = field(default_factory=list)
    funding: Position | None = None


def _columns_within(table_columns: list[Period], start: datetime.date, end: datetime.date) -> list[int]:
    return [n for n, column in enumerate(table_columns) if column.start <= end and column.end >= start]


def _frequency(start: datetime.date, end: datetime.date) -> str:
    """Semesters for a period shorter than a year (a semester), years otherwise: a yearly indicator shows in yearly
    columns only."""
    return SEMESTER if (end - start).days < 200 else YEAR


def _progress(programme, start, end) -> tuple[list[Period], list[ProgressSection]]:
    if not programme.versions.exists():
        return [], []
    results = programme_results(programme, end)
    table = iptt_table(results, frequency=_frequency(start, end))
    wanted = _columns_within(table.columns, start, end)
    sections = []
    for section in table.sections:
        if section.node.level == Level.ACTIVITY:
            continue
        sections.append(_section(section, wanted))
    return [table.columns[n] for n in wanted], sections


def _section(section: IPTTSection, wanted: list[int]) -> ProgressSection:
    heading = f"{section.node.get_level_display()} {section.node.code}: {section.node.title}"
    return ProgressSection(heading, section.node.level, [_row(row, wanted) for row in section.rows])


def _row(row: IPTTRow, wanted: list[int]) -> ProgressRow:
    return ProgressRow(
        code=row.indicator.code,
        title=row.indicator.title,
        unit=row.unit,
        life_target=row.life.target,
        to_date=row.life.actual_text,
        status=row.life.status_label,
        cells=[row.cells[n] for n in wanted],
    )


def _events(start, end) -> tuple[list[HeldEvent], AttendanceCounts]:
    held = scoped(Event.objects.held().between(start, end))
    events = [
        HeldEvent(
            title=event.title,
            kind=event.get_kind_display(),
            starts_on=event.starts_on,
            place=", ".join(filter(None, [event.city, event.country.name if event.country else ""])),
            url=reverse("events:event", args=[event.slug]),
        )
        for event in held.select_related("country").order_by("starts_on", "title")
    ]
    return events, attendance_counts(held)


def _metric(key: str, start, end, **params) -> int | float | None:
    """The value of a registered metric, or None where the app that registers it is not installed."""
    return registry.evaluate(key, start, end, **params) if key in registry else None


def _advice(start, end) -> list[AdviceLine]:
    given = (
        scoped(Advice.objects.filter(starts_on__range=(start, end)))
        .select_related("country")
        .annotate(
            recommended=Count("recommendations"),
            taken=Count("recommendations", filter=Q(recommendations__taken_up_on__isnull=False)),
        )
        .order_by("starts_on", "pk")
    )
    return [
        AdviceLine(
            country=advice.country.name,
            reviewed=advice.reviewed,
            mode=advice.get_mode_display(),
            starts_on=advice.starts_on,
            recommendations=advice.recommended,
            taken_up=advice.taken,
            url=advice.get_absolute_url(),
        )
        for advice in given
    ]


def assemble(report: Report) -> Assembled:
    """Every part of `report` computed from the records of its period."""
    programme = report.programme
    start, end = report.period_start, report.period_end
    assembled = Assembled(
        report=report,
        programme=programme,
        start=start,
        end=end,
        is_sample=report.is_sample or programme.is_sample,
        sections=sorted(report.sections.select_related("approved_by"), key=lambda section: section.order),
    )
    assembled.columns, assembled.progress = _progress(programme, start, end)
    with reading(programme_scope(programme)):
        assembled.events, counts = _events(start, end)
        assembled.attendance = counts
        people = str(_("people"))
        assembled.event_figures = [
            Figure("events", str(_("Events held")), len(assembled.events), str(_("events"))),
            Figure("participants", str(_("Participants")), counts.people, people),
            Figure("participations", str(_("Participations")), counts.participations, str(_("attendances"))),
            Figure("countries", str(_("Countries represented")), counts.countries, str(_("countries"))),
            Figure("women", str(_("Women")), counts.by_sex.get(Sex.FEMALE, 0), people),
            Figure("men", str(_("Men")), counts.by_sex.get(Sex.MALE, 0), people),
            Figure("organisations", str(_("Organisations")), counts.organisations, str(_("organisations"))),
        ]
        assembled.tcy_figures = [
            Figure(
                "plenaries",
                str(_("T-CY plenaries held")),
                _metric("committees.meetings_held", start, end),
                str(_("meetings")),
            ),
            Figure(
                "guidance_notes",
                str(_("Guidance Notes adopted")),
                _metric("committees.documents_adopted", start, end, type=DocumentType.GUIDANCE_NOTE),
                str(_("documents")),
            ),
            Figure(
                "assessment_reports",
                str(_("Assessment reports adopted")),
                _metric("committees.documents_adopted", start, end, type=DocumentType.ASSESSMENT_REPORT),
                str(_("documents")),
            ),
        ]
        assembled.advice = _advice(start, end)
        assembled.legislation_figures = [
            Figure(
                "countries_assisted",
                str(_("Countries assisted (legislative advice or workshops)")),
                _metric("legislation.countries_assisted", start, end),
                str(_("countries")),
            ),
            Figure(
                "countries_advised",
                str(_("Countries given legislative advice")),
                _metric("legislation.countries_advised", start, end),
                str(_("countries")),
            ),
            Figure("advice", str(_("Legislative advice given")), len(assembled.advice), str(_("reviews"))),
            Figure(
                "recommendations_taken_up",
                str(_("Recommendations taken up")),
                sum(line.taken_up for line in assembled.advice),
                str(_("recommendations")),
            ),
        ]
    assembled.funding = funding_position(programme, end)
    return assembled
