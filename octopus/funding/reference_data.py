"""Reference data for funding: the donors the public sources name (`data/donors.csv`, with its source column).

The Council of Europe's project summary of Cybercrime@Octopus (2014–2019) names the voluntary contributors: the
States Estonia, Hungary, Japan, Monaco, Romania, Slovakia, the United Kingdom and the USA ("and others over time")
and the company Microsoft. It gives no amount, so only the donors are loaded: no contribution, pledge or receipt is
made up for them (issue 7, acceptance 5). Loading is idempotent: a donor is found by its code and corrected through
the services (audited) only where the file says something else.
"""

import csv
from pathlib import Path

from django.db import transaction

from octopus.countries.models import Country
from octopus.funding.models import Donor
from octopus.funding.services import contributions

DATA = Path(__file__).resolve().parent / "data" / "donors.csv"


@transaction.atomic
def load_donors(path: Path = DATA) -> dict[str, int]:
    """Create or correct the donors of the file; returns how many were added and updated."""
    counts = {"added": 0, "updated": 0}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    countries = Country.objects.in_bulk([row["country"] for row in rows if row["country"]], field_name="iso2")
    for row in rows:
        fields = {"name": row["name"].strip(), "kind": row["kind"].strip(), "country": countries.get(row["country"])}
        found = Donor.objects.filter(code=row["code"]).first()
        if found is None:
            contributions.record_donor(code=row["code"], user=None, **fields)
            counts["added"] += 1
        elif any(getattr(found, name) != value for name, value in fields.items()):
            contributions.update_donor(found, user=None, version=found.version, **fields)
            counts["updated"] += 1
    return counts
