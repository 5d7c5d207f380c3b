"""Import of a Council of Europe Treaty Office chart of signatures and ratifications.

The chart is a CSV with the columns State, signature, ratification or accession, entry into force, notes (header
names are matched loosely; dates as YYYY-MM-DD or DD/MM/YYYY; a ratification cell ending in "a" marks an
accession, as on the Treaty Office's charts). Every row is checked before anything is written, and the whole
chart is applied in one transaction: one bad row and nothing changes. An empty cell leaves what is recorded.
"""

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from octopus.countries.models import Country, normalise_name
from octopus.lib.errors import DomainError
from octopus.treaties.models import CONSENT_KINDS, ActionKind, Origin, Treaty, TreatyAction
from octopus.treaties.services import check_action, sync_treaty_action

COLUMNS = {
    "state": ("state", "country"),
    "signature": ("signature", "signed"),
    "consent": ("ratification", "accession", "r/a/a"),
    "in_force": ("entry into force", "in force", "e.i.f"),
    "notes": ("notes", "note", "remarks"),
}


class ChartError(DomainError):
    """A chart row that cannot be imported; the message names the line and the reason."""


@dataclass
class ChartRow:
    line: int
    country: Country
    signed: datetime.date | None
    consent: datetime.date | None
    accession: bool
    in_force: datetime.date | None
    notes: str


@dataclass
class ImportResult:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0


def _column_map(header: list[str]) -> dict[str, int]:
    found = {}
    for index, name in enumerate(header):
        key = name.strip().lower()
        for column, prefixes in COLUMNS.items():
            if column not in found and key.startswith(prefixes):
                found[column] = index
    missing = [c for c in ("state", "signature", "consent", "in_force") if c not in found]
    if missing:
        raise ChartError(
            "Line 1: the header must name the columns State, signature, ratification or accession, "
            f"entry into force (and optionally notes); missing: {', '.join(missing)}."
        )
    return found


def parse_chart_date(value: str, *, line: int, column: str) -> tuple[datetime.date | None, bool]:
    """The date in a chart cell and whether it is marked as an accession ("… a")."""
    text = value.strip()
    accession = text.lower().endswith(("a", "(a)"))
    if accession:
        text = text.rstrip("()aA ").strip()
    if not text:
        return None, False
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date(), accession  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    raise ChartError(f"Line {line}, {column}: “{value.strip()}” is not a date (use YYYY-MM-DD or DD/MM/YYYY).")


def read_chart(text: str, *, today: datetime.date | None = None) -> list[ChartRow]:
    """Parse and check every row; raises ChartError naming the first bad line."""
    today = today or timezone.localdate()
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if not header:
        raise ChartError("The file is empty.")
    columns = _column_map(header)
    countries = Country.objects.all().by_name_key()
    rows: list[ChartRow] = []
    seen: dict[str, int] = {}
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        cells = cells + [""] * (len(header) - len(cells))
        name = cells[columns["state"]].strip()
        country = countries.get(normalise_name(name))
        if country is None:
            raise ChartError(f"Line {line}: unknown State “{name}”.")
        if country.iso2 in seen:
            raise ChartError(f"Line {line}: {country} is already on line {seen[country.iso2]}.")
        seen[country.iso2] = line
        signed, _ = parse_chart_date(cells[columns["signature"]], line=line, column="signature")
        consent, accession = parse_chart_date(cells[columns["consent"]], line=line, column="ratification")
        in_force, _ = parse_chart_date(cells[columns["in_force"]], line=line, column="entry into force")
        for label, day in (("signature", signed), ("ratification or accession", consent)):
            if day and day > today:
                raise ChartError(f"Line {line}: the {label} date {day} is in the future.")
        if consent and signed and consent < signed:
            raise ChartError(f"Line {line}: ratification ({consent}) is before signature ({signed}).")
        if in_force and consent and in_force < consent:
            raise ChartError(f"Line {line}: entry into force ({in_force}) is before ratification ({consent}).")
        if in_force and not consent:
            raise ChartError(f"Line {line}: entry into force ({in_force}) without a ratification or accession.")
        notes = cells[columns["notes"]].strip() if "notes" in columns else ""
        rows.append(ChartRow(line, country, signed, consent, accession, in_force, notes))
    return rows


def import_chart(
    treaty: Treaty,
    text: str,
    *,
    source: str,
    user=None,
    progress: Callable[[], None] | None = None,
) -> ImportResult:
    """Bring the recorded actions in line with a chart; idempotent and atomic."""
    rows = read_chart(text)
    result = ImportResult()
    with transaction.atomic():
        for row in rows:
            recorded = list(TreatyAction.objects.filter(treaty=treaty, country=row.country))
            acts = [
                (ActionKind.SIGNED, row.signed),
                (_consent_kind(row, recorded), row.consent),
                (ActionKind.IN_FORCE, row.in_force),
            ]
            try:
                for kind, day in acts:
                    if day is None:
                        continue
                    # Checked together below: moving a ratification and its entry into force is one change.
                    action, outcome = sync_treaty_action(
                        treaty,
                        country=row.country,
                        kind=kind,
                        date=day,
                        source=source,
                        note=row.notes,
                        origin=Origin.IMPORT,
                        user=user,
                        check=False,
                    )
                    if outcome == "unchanged":
                        result.unchanged += 1
                    else:
                        getattr(result, outcome).append(f"{row.country}: {action.get_kind_display()} {day}")
                for action in TreatyAction.objects.filter(treaty=treaty, country=row.country).select_related(
                    "treaty", "country"
                ):
                    check_action(action)
            except DomainError as error:
                raise ChartError(f"Line {row.line}: {error}") from error
            if progress:
                progress()
    return result


def _consent_kind(row: ChartRow, recorded: list[TreatyAction]) -> str:
    """Accession when the chart marks it; else the kind already recorded; else ratification for a member State
    or a State that signed, accession for the others (Art. 37)."""
    if row.accession:
        return ActionKind.ACCEDED
    existing = next((a.kind for a in recorded if a.kind in CONSENT_KINDS), None)
    if existing:
        return existing
    signed = row.signed or any(a.kind == ActionKind.SIGNED for a in recorded)
    return ActionKind.RATIFIED if signed or row.country.coe_member else ActionKind.ACCEDED
