"""Reference data for committees: the T-CY and its Bureau, and the Guidance Notes as the public sources give them
(`data/guidance_notes.csv`, copied from ../shared/data with its source column; see that folder's README).

Only what a row says is recorded. A note is adopted when the row gives a date or a plenary of adoption, or its source
quotes the adoption ("adopted at the 8th Plenary", "just adopted"); otherwise it stays a draft, as the sources
show it, with the source saying what is not confirmed. No day of adoption is inferred from a month or a plenary:
a note without `adopted_on` is counted in no period. Loading is idempotent (a note is found by its number, else
by its title) through the services, so every entry is audited.
"""

import csv
import datetime
import re
from pathlib import Path

from django.db import transaction

from octopus.committees.models import Committee, Document, DocumentStatus, DocumentType
from octopus.committees.services import documents
from octopus.treaties.models import Treaty

DATA = Path(__file__).resolve().parent / "data" / "guidance_notes.csv"
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
        defaults={"name": "Bureau of the Cybercrime Convention Committee", "treaty": committee.treaty,
                  "parent": committee, "source": TCY_SOURCE},
    )  # fmt: skip
    return committee


def guidance_note_fields(row: dict) -> dict:
    source = row["source"].strip()
    plenary = re.fullmatch(r"T-CY (\d+)", row["plenary"].strip())
    adopted_on = datetime.date.fromisoformat(row["adopted_on"]) if row["adopted_on"].strip() else None
    adopted = bool(adopted_on or plenary or re.search(r"\badopted\b", source, re.IGNORECASE))
    return {
        "type": DocumentType.GUIDANCE_NOTE,
        "number": int(row["number"]) if row["number"].strip() else None,
        "title": row["title"].strip(),
        "status": DocumentStatus.ADOPTED if adopted else DocumentStatus.DRAFT,
        "adopted_on": adopted_on,
        "adopted_at_plenary": int(plenary.group(1)) if plenary else None,
        "written_procedure": "written procedure" in source,
        "source": source,
    }


@transaction.atomic
def load_guidance_notes(path: Path = DATA) -> dict[str, int]:
    """Create or correct the Guidance Notes from the file; returns how many were added and updated."""
    committee = tcy()
    counts = {"added": 0, "updated": 0}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            fields = guidance_note_fields(row)
            notes = Document.objects.filter(committee=committee, type=DocumentType.GUIDANCE_NOTE)
            found = (
                notes.filter(number=fields["number"]).first()
                if fields["number"]
                else notes.filter(title=fields["title"]).first()
            )
            if found is None:
                documents.record_document(committee, user=None, **fields)
                counts["added"] += 1
            elif any(getattr(found, name) != value for name, value in fields.items()):
                documents.correct_document(found, user=None, **fields)
                counts["updated"] += 1
    return counts
