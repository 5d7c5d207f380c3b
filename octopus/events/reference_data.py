"""Reference data for events: the Octopus conferences as the public sources give them (`data/octopus_conferences.csv`,
copied from ../shared/data with its source column; see that folder's README).

Each row with dates becomes a real event (kind Octopus conference, status held, not sample data) with its source
and the participants and countries the source reports (approximate, or lower bounds, as the source says). A row
without dates stays out of the events: it is a gap in our facts, listed by `conference_gaps()` and by the loader,
never filled by invention. Loading is idempotent: an event is found by its slug `octopus-<year>` and updated
through the services (audited) only where the file says something else.
"""

import csv
import datetime
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from octopus.countries.models import Country, normalise_name
from octopus.events import services
from octopus.events.models import Event, Kind, Series, Status

DATA = Path(__file__).resolve().parent / "data" / "octopus_conferences.csv"
SERIES = "Octopus conferences"
ORGANISER = "Council of Europe"


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

    @property
    def slug(self) -> str:
        return f"octopus-{self.year}"

    @property
    def missing(self) -> list[str]:
        """What the sources do not tell, in words for a page."""
        gaps = []
        if self.starts_on is None:
            gaps.append("dates")
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
            )
            for row in csv.DictReader(handle)
        ]


def conference_gaps(path: Path = DATA) -> list[Conference]:
    """The conferences the sources name without their dates: not events in the database, shown as gaps."""
    return [conference for conference in read_conferences(path) if conference.starts_on is None]


def _fields(conference: Conference, series: Series, countries: dict[str, Country]) -> dict:
    country = countries.get(normalise_name(conference.country)) if conference.country else None
    return {
        "title": f"Octopus Conference {conference.year}",
        "kind": Kind.OCTOPUS_CONFERENCE,
        "series": series,
        "status": Status.HELD,
        "starts_on": conference.starts_on,
        "ends_on": conference.ends_on or conference.starts_on,
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


@transaction.atomic
def load_conferences(path: Path = DATA) -> dict:
    """Add or update the dated conferences; return counts of added, updated and unchanged events, and the gaps."""
    series, _created = Series.objects.get_or_create(name=SERIES, defaults={"kind": Kind.OCTOPUS_CONFERENCE})
    countries = Country.objects.by_name_key()
    outcome = {"added": 0, "updated": 0, "unchanged": 0, "gaps": []}
    for conference in read_conferences(path):
        if conference.starts_on is None:
            outcome["gaps"].append(conference)
            continue
        fields = _fields(conference, series, countries)
        event = Event.objects.filter(slug=conference.slug).first()
        if event is None:
            services.create_event(user=None, slug=conference.slug, **fields)
            outcome["added"] += 1
            continue
        changed = {name: value for name, value in fields.items() if getattr(event, name) != value}
        if changed:
            services.update_event(event, version=None, user=None, **changed)
            outcome["updated"] += 1
        else:
            outcome["unchanged"] += 1
    return outcome
