"""Reference data for committees, each row with its source: the T-CY and its Bureau; the Guidance Notes as the
public sources give them (`data/guidance_notes.csv`, copied from ../shared/data, and the months or years of
adoption a later search found, `data/guidance_notes_dates.csv`); the T-CY plenaries of 2014–2020
(`data/tcy_plenaries.csv`) and the assessment reports (`data/assessment_reports.csv`).

Only what a row says is recorded. A note is adopted when a row gives a date or a plenary of adoption, or its source
quotes the adoption ("adopted at the 8th Plenary", "just adopted"); otherwise it stays a draft, as the sources
show it, with the source saying what is not confirmed. A date known only to the month or the year ("adopted
November 2016") is stored as its first day with that precision (lib.precision) and counts in the periods that
contain that day; no day is inferred. A plenary the sources name without dates stays out (a gap the loader lists);
one they date without a number is linked to the committee unnumbered. The plenaries of 2014–2020 serve
Cybercrime@Octopus (activity A2.3, the whole cost) once that programme is loaded; a plenary already serving a
programme keeps what staff set. Loading is idempotent (a note is found by its number, else by its title; a report
by its symbol; a plenary by its slug) through the services, so every entry is audited.
"""

import csv
import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from octopus.committees.models import Circulation, Committee, Document, DocumentStatus, DocumentType, Meeting
from octopus.committees.services import documents, meetings
from octopus.countries.models import Country
from octopus.events.models import Format, Kind, Series, Status
from octopus.events.reference_data import load_reference_event
from octopus.lib.precision import Precision
from octopus.results.models import ResultNode
from octopus.treaties.models import Treaty

FOLDER = Path(__file__).resolve().parent / "data"
DATA = FOLDER / "guidance_notes.csv"
NOTE_DATES = FOLDER / "guidance_notes_dates.csv"
PLENARIES = FOLDER / "tcy_plenaries.csv"
REPORTS = FOLDER / "assessment_reports.csv"
SERIES = "T-CY plenaries"
ORGANISER = "Council of Europe"
# The programme whose years these plenaries fall in, and the activity they served there.
PROGRAMME = "cybercrime-octopus"
ACTIVITY = "A2.3"
PROGRAMME_YEARS = range(2014, 2021)
PUBLISHED = Circulation.PUBLIC  # the sources are the Council of Europe's public pages
TCY_SOURCE = "Convention on Cybercrime (CETS 185), Article 46 – Consultations of the Parties"


def tcy() -> Committee:
    committee, _created = Committee.objects.get_or_create(
        code="T-CY",
        defaults={
            "name": "Cybercrime Convention Committee",
            "treaty": Treaty.objects.get(number=185),
            "source": TCY_SOURCE,
        },
    )
    Committee.objects.get_or_create(
        code="T-CY Bureau",
        defaults={
            "name": "Bureau of the Cybercrime Convention Committee",
            "treaty": committee.treaty,
            "parent": committee,
            "source": TCY_SOURCE,
        },
    )
    return committee


def partial_date(text: str) -> tuple[datetime.date | None, str]:
    """ "2016-11-18", "2016-11" or "2016" as (first day, precision); (None, day) for an empty cell."""
    text = text.strip()
    if not text:
        return None, Precision.DAY
    if re.fullmatch(r"\d{4}", text):
        return datetime.date(int(text), 1, 1), Precision.YEAR
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return datetime.date.fromisoformat(f"{text}-01"), Precision.MONTH
    return datetime.date.fromisoformat(text), Precision.DAY


def _plenary_number(text: str) -> int | None:
    found = re.fullmatch(r"T-CY (\d+)", text.strip())
    return int(found.group(1)) if found else None


def read_note_dates(path: Path = NOTE_DATES) -> dict[str, dict]:
    """Title → {adopted_on, precision, plenary, source} of the notes whose month or year of adoption a source gives."""
    with path.open(encoding="utf-8", newline="") as handle:
        found = {}
        for row in csv.DictReader(handle):
            day, precision = partial_date(row["adopted"])
            found[row["title"].strip()] = {
                "adopted_on": day,
                "precision": precision,
                "plenary": _plenary_number(row["plenary"]),
                "source": row["source"].strip(),
            }
        return found


def guidance_note_fields(row: dict, dated: dict | None = None) -> dict:
    source = row["source"].strip()
    plenary = _plenary_number(row["plenary"])
    adopted_on, precision = partial_date(row["adopted_on"])
    if dated and adopted_on is None and dated["adopted_on"] is not None:
        adopted_on, precision = dated["adopted_on"], dated["precision"]
        plenary = plenary or dated["plenary"]
    if dated:
        source = f"{source} | Date of adoption: {dated['source']}"
    adopted = bool(adopted_on or plenary or re.search(r"\badopted\b", source, re.IGNORECASE))
    return {
        "type": DocumentType.GUIDANCE_NOTE,
        "number": int(row["number"]) if row["number"].strip() else None,
        "title": row["title"].strip(),
        "status": DocumentStatus.ADOPTED if adopted else DocumentStatus.DRAFT,
        "adopted_on": adopted_on,
        "adopted_precision": precision,
        "adopted_at": _meeting(plenary),
        "adopted_at_plenary": plenary,
        "written_procedure": "written procedure" in source,
        "source": source,
    }


def _meeting(number: int | None) -> Meeting | None:
    """The T-CY plenary numbered `number`, when it is loaded (the adopting meeting a source names)."""
    if number is None:
        return None
    return Meeting.objects.filter(committee__code="T-CY", number=number).select_related("event").first()


@transaction.atomic
def load_guidance_notes(path: Path = DATA, dates: Path = NOTE_DATES) -> dict[str, int]:
    """Create or correct the Guidance Notes from the file (with the months or years of adoption `dates` gives);
    returns how many were added and updated."""
    committee = tcy()
    counts = {"added": 0, "updated": 0}
    dated = read_note_dates(dates)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            fields = guidance_note_fields(row, dated.get(row["title"].strip()))
            notes = Document.objects.filter(committee=committee, type=DocumentType.GUIDANCE_NOTE)
            found = (
                notes.filter(number=fields["number"]).first()
                if fields["number"]
                else notes.filter(title=fields["title"]).first()
            )
            if found is None:
                documents.record_document(committee, user=None, circulation=PUBLISHED, **fields)
                counts["added"] += 1
            elif any(getattr(found, name) != value for name, value in fields.items()):
                documents.correct_document(found, user=None, **fields)
                counts["updated"] += 1
    return counts


# --- the plenaries -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plenary:
    """A row of `tcy_plenaries.csv`: a T-CY plenary as the sources give it."""

    number: int | None
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    precision: str
    city: str
    format: str
    reported_participants: int | None
    source: str

    @property
    def slug(self) -> str:
        return f"tcy-plenary-{self.number}" if self.number else f"tcy-plenary-{self.starts_on:%Y-%m}"

    @property
    def title(self) -> str:
        if self.number:
            return f"{_ordinal(self.number)} Plenary of the T-CY"
        return f"Plenary of the T-CY ({self.starts_on:%B %Y})"

    @property
    def of_the_programme(self) -> bool:
        return self.starts_on is not None and self.starts_on.year in PROGRAMME_YEARS


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def read_plenaries(path: Path = PLENARIES) -> list[Plenary]:
    def day(text):
        return datetime.date.fromisoformat(text) if text.strip() else None

    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Plenary(
                number=int(row["number"]) if row["number"].strip() else None,
                starts_on=day(row["starts_on"]),
                ends_on=day(row["ends_on"]),
                precision=row["precision"].strip() or Precision.DAY,
                city=row["city"].strip(),
                format=row["format"].strip() or Format.IN_PERSON,
                reported_participants=int(row["reported_participants"])
                if row["reported_participants"].strip()
                else None,
                source=row["source"].strip(),
            )
            for row in csv.DictReader(handle)
        ]


def programme_activity() -> ResultNode | None:
    """Activity A2.3 of Cybercrime@Octopus, which its plenaries served; None while the logframe is not loaded."""
    return ResultNode.objects.filter(programme__code=PROGRAMME, code=ACTIVITY).select_related("programme").first()


def _event_fields(plenary: Plenary, series: Series, france: Country | None) -> dict:
    return {
        "title": plenary.title,
        "kind": Kind.TCY_PLENARY,
        "series": series,
        "status": Status.HELD,
        "starts_on": plenary.starts_on,
        "ends_on": plenary.ends_on or plenary.starts_on,
        "date_precision": plenary.precision,
        "format": plenary.format,
        "city": plenary.city,
        "country": france if plenary.city == "Strasbourg" else None,
        "organiser": ORGANISER,
        "is_public": True,
        "source": plenary.source,
        "reported_participants": plenary.reported_participants,
    }


@transaction.atomic
def load_plenaries(path: Path = PLENARIES) -> dict:
    """Add or update the dated plenaries as held events numbered in the T-CY's series, and assign those of
    2014–2020 to Cybercrime@Octopus where they serve no programme yet; returns the counts and the plenaries the
    sources name without dates (gaps, not loaded)."""
    committee = tcy()
    series, _created = Series.objects.get_or_create(name=SERIES, defaults={"kind": Kind.TCY_PLENARY})
    france = Country.objects.filter(iso2="FR").first()
    activity = programme_activity()
    outcome = {"added": 0, "updated": 0, "unchanged": 0, "assigned": 0, "gaps": []}
    for plenary in read_plenaries(path):
        if plenary.starts_on is None:
            outcome["gaps"].append(plenary)
            continue
        fields = _event_fields(plenary, series, france)
        serves = activity if plenary.of_the_programme else None
        event, how, assigned = load_reference_event(plenary.slug, fields, serves=serves)
        outcome[how] += 1
        outcome["assigned"] += assigned
        if not Meeting.objects.filter(event=event).exists():
            meetings.record_meeting(
                committee, event=event, number=plenary.number, user=None, number_unknown=plenary.number is None
            )
    return outcome


# --- the assessment reports ----------------------------------------------------------------------------------------


def assessment_report_fields(row: dict) -> dict:
    source = row["source"].strip()
    adopted_on, _precision = partial_date(row["adopted_on"])
    precision = row["precision"].strip() or Precision.DAY
    plenary = _plenary_number(row["plenary"])
    # Adopted only where the row gives a date or a plenary of adoption; a report only listed or on an agenda as a
    # draft stays a draft, its source saying what is not confirmed.
    adopted = bool(adopted_on or plenary)
    return {
        "type": DocumentType.ASSESSMENT_REPORT,
        "title": row["title"].strip(),
        "status": DocumentStatus.ADOPTED if adopted else DocumentStatus.DRAFT,
        "adopted_on": adopted_on,
        "adopted_precision": precision if adopted_on else Precision.DAY,
        "adopted_at": _meeting(plenary),
        "adopted_at_plenary": plenary,
        "source": source,
    }


@transaction.atomic
def load_assessment_reports(path: Path = REPORTS) -> dict[str, int]:
    """Create or correct the assessment reports from the file, found by their symbol; returns how many were added
    and updated. Load the plenaries first, so a report is linked to the meeting that adopted it."""
    committee = tcy()
    counts = {"added": 0, "updated": 0}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            symbol = row["symbol"].strip()
            fields = assessment_report_fields(row)
            found = Document.objects.filter(committee=committee, symbol=symbol).first()
            if found is None:
                documents.record_document(committee, user=None, symbol=symbol, circulation=PUBLISHED, **fields)
                counts["added"] += 1
            elif any(getattr(found, name) != value for name, value in fields.items()):
                documents.correct_document(found, user=None, **fields)
                counts["updated"] += 1
    return counts


def load_tcy_record() -> dict:
    """The T-CY's plenaries, then the assessment reports that name the meeting that adopted them (load the
    Guidance Notes after these, for the same reason)."""
    plenaries = load_plenaries()
    return {"plenaries": plenaries, "reports": load_assessment_reports()}
