"""Regenerate octopus/countries/data/countries.csv from the country_converter package's country table.

Run once when the table should be refreshed: `pip install country_converter && python scripts/build_countries.py`.
country_converter (https://github.com/IndEcol/country_converter) compiles ISO 3166-1 codes, UN M49 regions and
Council of Europe membership with its own sources; we keep only those columns.
"""

import csv
import re
from importlib.metadata import version
from pathlib import Path

import country_converter

SOURCE = Path(country_converter.__file__).with_name("country_data.tsv")
TARGET = Path(__file__).resolve().parent.parent / "octopus" / "countries" / "data" / "countries.csv"


def code(cell: str) -> str:
    # A few codes are stored as regular expressions such as "^GR$|^EL$"; the first alternative is the ISO code.
    return re.sub(r"[\^$]", "", cell.split("|")[0]).strip()


def main() -> None:
    with SOURCE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    out = []
    for row in rows:
        iso2, iso3 = code(row["ISO2"]), code(row["ISO3"])
        if not re.fullmatch(r"[A-Z]{2}", iso2) or not row["ISOnumeric"]:
            continue
        out.append(
            {
                "iso2": iso2,
                "iso3": iso3,
                "numeric": f"{int(float(row['ISOnumeric'])):03d}",
                "name": row["name_short"],
                "official_name": row["name_official"],
                "region": row["continent"],
                "subregion": row["UNregion"],
                "coe_member": "yes" if row["CoE"] == "CoE" else "",
            }
        )
    out.sort(key=lambda r: r["name"])
    with TARGET.open("w", encoding="utf-8", newline="") as handle:
        handle.write(f"# source: country_converter {version('country_converter')}, country_data.tsv\n")
        writer = csv.DictWriter(handle, fieldnames=list(out[0]))
        writer.writeheader()
        writer.writerows(out)
    print(f"{len(out)} countries written to {TARGET}")


if __name__ == "__main__":
    main()
