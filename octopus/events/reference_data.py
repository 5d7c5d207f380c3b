"""Reference data for events: the Octopus conferences as the public sources give them (`data/octopus_conferences.csv`,
copied from ../shared/data with its source column; see that folder's README).

Each row with dates becomes a real event (kind Octopus conference, status held, not sample data) with its source
and the participants and countries the source reports (approximate, or lower bounds, as the source says). A row
whose source gives only the month or the year says so in `date_precision` (month, year): the first day of what is
known is stored with that precision, and pages show only what is known ("2015 (year known, month not)"). A row
without any date stays out of the events: it is a gap in our facts, listed by `conference_gaps()` and by the loader,
never filled by invention. Loading is idempotent: an event is found by its slug `octopus-<year>` and updated
through the services (audited) only where the file says something else.

The conferences of 2014–2020 were held by Cybercrime@Octopus: each serves the programme "cybercrime-octopus" (its
activity A1.1, the whole cost). `load_reference_data` loads the logframes before the conferences, so the programme
is there; if it is not (a partial load), the conferences are loaded without it and assigned on the next load. An
event already serving a programme keeps what staff set. Earlier and later conferences serve no programme here.
The participation the sources publish stays on the event (`reported_participants`, `reported_countries`):
`published_participation()` hands it to the results framework as published figures beside the counted ones.
"""

import csv
import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from octopus.countries.models import Country, normalise_name
from octopus.events import services
from octopus.events.models import Event, Kind, Series, Status
from octopus.lib.precision import Precision
from octopus.results.assignments import assignments_of
from octopus.results.models import ResultNode

DATA = Path(__file__).resolve().parent / "data" / "octopus_conferences.csv"
SERIES = "Octopus conferences"
ORGANISER = "Council of Europe"
# The programme whose conferences these were, the activity they served there, and its years.
PROGRAMME = "cybercrime-octopus"
ACTIVITY = "A1.1"
PROGRAMME_YEARS = range(2014, 2021)


@dataclass(frozen=True)
class Conference:
    year: int
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    city: str
    country: str
    participants: int | None
    countries: int | None
    source: str
    precision: str = Precision.DAY

    @property
    def slug(self) -> str:
        return f"octopus-{self.year}"

    @property
    def of_the_programme(self) -> bool:
        """Held in the years of Cybercrime@Octopus, so one of its conferences."""
        return self.year in PROGRAMME_YEARS

    @property
    def missing(self) -> list[str]:
        """What the sources do not tell, in words for a page."""
        gaps = []
        if self.starts_on is None:
            gaps.append("dates")
        elif self.precision == Precision.YEAR:
            gaps.append("month and day")
        elif self.precision == Precision.MONTH:
            gaps.append("day")
        if not self.city and not self.country:
            gaps.append("place")
        if self.participants is None:
            gaps.append("participants")
        if self.countries is None:
            gaps.append("countries")
        return gaps


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value.strip() else None


def _number(value: str) -> int | None:
    return int(value) if value.strip() else None


def read_conferences(path: Path = DATA) -> list[Conference]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Conference(
                year=int(row["year"]),
                starts_on=_date(row["start_date"]),
                ends_on=_date(row["end_date"]),
                city=row["city"].strip(),
                country=row["country"].strip(),
                participants=_number(row["participants"]),
                countries=_number(row["countries"]),
                source=row["source"].strip(),
                precision=(row.get("date_precision") or "").strip() or Precision.DAY,
            )
            for row in csv.DictReader(handle)
        ]


def conference_gaps(path: Path = DATA) -> list[Conference]:
    """The conferences the sources name without their dates: not events in the database, shown as gaps."""
    return [conference for conference in read_conferences(path) if conference.starts_on is None]


def _fields(conference: Conference, series: Series, countries: dict[str, Country], activity) -> dict:
    country = countries.get(normalise_name(conference.country)) if conference.country else None
    return {
        "title": f"Octopus Conference {conference.year}",
        "kind": Kind.OCTOPUS_CONFERENCE,
        "series": series,
        "status": Status.HELD,
        "starts_on": conference.starts_on,
        "ends_on": conference.ends_on or conference.starts_on,
        "date_precision": conference.precision,
        "activity": activity if conference.of_the_programme else None,
        "city": conference.city,
        "country": country,
        "organiser": ORGANISER,
        "description": "Octopus Conference on Cooperation against Cybercrime, as recorded in public sources. "
        "Participants and countries are the figures the source reports (approximate or lower bounds); "
        "participant records, where any, are our own.",
        "source": conference.source,
        "reported_participants": conference.participants,
        "reported_countries": conference.countries,
    }


def programme_activity() -> ResultNode | None:
    """Activity A1.1 of Cybercrime@Octopus, which its conferences served; None while the logframe is not loaded."""
    return ResultNode.objects.filter(programme__code=PROGRAMME, code=ACTIVITY).select_related("programme").first()


@transaction.atomic
def load_conferences(path: Path = DATA) -> dict:
    """Add or update the dated conferences, and assign those of 2014–2020 to Cybercrime@Octopus where they serve
    no programme yet; return counts of added, updated, unchanged and assigned events, and the gaps."""
    series, _created = Series.objects.get_or_create(name=SERIES, defaults={"kind": Kind.OCTOPUS_CONFERENCE})
    countries = Country.objects.by_name_key()
    activity = programme_activity()
    outcome = {"added": 0, "updated": 0, "unchanged": 0, "assigned": 0, "gaps": []}
    for conference in read_conferences(path):
        if conference.starts_on is None:
            outcome["gaps"].append(conference)
            continue
        fields = _fields(conference, series, countries, activity)
        serves = activity if conference.of_the_programme else None
        _event, how, assigned = load_reference_event(conference.slug, fields, serves=serves)
        outcome[how] += 1
        outcome["assigned"] += assigned
    return outcome


def load_reference_event(slug: str, fields: dict, *, serves: ResultNode | None = None) -> tuple[Event, str, bool]:
    """Create or update an event of the reference data (a conference, a plenary) from its source's fields. With
    `serves`, an event serving no programme yet comes to serve that activity's programme at 100 %; what staff set
    since is kept. Returns the event, "added", "updated" or "unchanged", and whether it was assigned now."""
    event = Event.objects.filter(slug=slug).first()
    served_before = event is not None and bool(assignments_of(event))
    if event is None:
        event, how = services.create_event(user=None, slug=slug, **fields), "added"
    else:
        changed = {name: value for name, value in fields.items() if getattr(event, name) != value}
        how = "updated" if changed else "unchanged"
        if changed:
            event = services.update_event(event, version=None, user=None, **changed)
    if serves is None or served_before:
        return event, how, False
    if not assignments_of(event):  # choosing the activity in `fields` may have assigned it already
        services.set_event_programmes(event, [(serves.programme, Decimal(100), serves)], user=None)
    return event, how, True


def published_participation() -> list[tuple[Event, int | None, int | None, str]]:
    """(event, participants, countries, source) of each loaded conference whose source publishes its participation
    (either figure may be missing: None), earliest first; the results framework shows them as published figures of
    the participation indicators beside what the records count. One query."""
    conferences = (
        Event.objects.filter(series__name=SERIES, kind=Kind.OCTOPUS_CONFERENCE, is_sample=False)
        .exclude(reported_participants__isnull=True, reported_countries__isnull=True)
        .order_by("starts_on", "pk")
    )
    return [(e, e.reported_participants, e.reported_countries, e.source) for e in conferences]
