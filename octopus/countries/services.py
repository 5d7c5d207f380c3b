"""Loading and keeping the country list."""

import csv
from pathlib import Path

from django.db import transaction

from octopus.countries.models import Country

COUNTRIES_CSV = Path(__file__).resolve().parent / "data" / "countries.csv"
FIELDS = ["iso3", "numeric", "name", "official_name", "region", "subregion", "coe_member"]


def read_countries_csv(path: Path = COUNTRIES_CSV) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return [{**row, "coe_member": row["coe_member"] == "yes"} for row in csv.DictReader(lines)]


@transaction.atomic
def load_countries(path: Path = COUNTRIES_CSV) -> tuple[int, int]:
    """Create or update every country in the reference file; returns (created, updated). Idempotent."""
    existing = {c.iso2: c for c in Country.objects.all()}
    created, updated = [], []
    for row in read_countries_csv(path):
        country = existing.get(row["iso2"])
        if country is None:
            created.append(Country(iso2=row["iso2"], **{f: row[f] for f in FIELDS}))
        elif any(getattr(country, f) != row[f] for f in FIELDS):
            for f in FIELDS:
                setattr(country, f, row[f])
            updated.append(country)
    Country.objects.bulk_create(created)
    Country.objects.bulk_update(updated, FIELDS)
    return len(created), len(updated)
