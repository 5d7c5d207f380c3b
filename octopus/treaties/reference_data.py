"""Reference data for treaties: the treaties, their articles, official counts and dated actions.

`data/treaty_status.csv` holds observations, not a master record: one row is the status of one State under one
treaty as one source reports it on one day. `reconcile` turns them into actions, one per act, keeping every
source that supports it. Its rules, from the data's README:

- A date comes from the most reliable row that gives it: dated official rows first, then undated official rows,
  then third-party sites. Rows that give another date for the same act are named in the action's note.
- A row that calls a State a Party without any date means the Convention binds it: an entry into force whose day
  is not recorded, attested by the earliest such row. Likewise a signatory or invited row without a date.
- Consent to be bound is a ratification for a Council of Europe member State or a State that signed, and an
  accession otherwise (Art. 37 of CETS 185: non-member States that did not sign accede on invitation).
- Invitation dates, which the file keeps inside the source text, come from `data/invitation_dates.csv`.
- A row with no `as_of` only tells that the act happened by the time the data set was compiled: its attestation
  date is the latest `as_of` in the file, unless the source's own words date it (`data/attestation_dates.csv`).
- A State with an entry into force but no deposit date, which a source called a Party before that entry into force,
  had deposited by then: an undated ratification or accession, attested by the earliest such row. The Treaty Office
  counts Parties from the deposit, so this places the State among them as early as the sources allow.
- The loader owns only what it loaded: an act staff recorded or corrected, or an import brought, is kept as it is.
"""

import csv
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from octopus.countries.models import Country
from octopus.treaties.models import CONSENT_KINDS, ActionKind, Article, OfficialCount, Origin, Treaty, TreatyAction
from octopus.treaties.services import sync_treaty_action

DATA_DIR = Path(__file__).resolve().parent / "data"
THIRD_PARTY_SITES = ("cybercrimelaw.net", "netlawgic.com", "cyberpolice.over-blog.com", "cyberlaw.org.uk", "jurist.org")


def read_csv(name: str) -> list[dict]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def parse_date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@dataclass
class Observation:
    iso2: str
    treaty: int
    status: str
    signed_on: datetime.date | None
    ratified_on: datetime.date | None
    in_force_on: datetime.date | None
    source: str
    as_of: datetime.date | None
    attested: datetime.date | None = None  # for an undated row: the day its source's own words date it by
    attested_evidence: str = ""

    @property
    def attested_by(self) -> datetime.date | None:
        """The day by which this row shows its status held, if anything dates it."""
        return self.as_of or self.attested

    @property
    def rank(self) -> int:
        """Lower is more reliable."""
        if any(site in self.source for site in THIRD_PARTY_SITES):
            return 2
        return 0 if self.as_of else 1


@dataclass
class PlannedAction:
    iso2: str
    treaty: int
    kind: str
    date: datetime.date | None
    attested_on: datetime.date | None
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        return "\n".join(dict.fromkeys(self.sources))

    @property
    def note(self) -> str:
        return " ".join(self.notes)


def read_attestations() -> list[dict]:
    return [{**row, "attested_on": parse_date(row["attested_on"])} for row in read_csv("attestation_dates.csv")]


def read_observations() -> list[Observation]:
    attestations = read_attestations()
    observations = []
    for row in read_csv("treaty_status.csv"):
        obs = Observation(
            iso2=row["iso2"],
            treaty=int(row["treaty"]),
            status=row["status"],
            signed_on=parse_date(row["signed_on"]),
            ratified_on=parse_date(row["ratified_on"]),
            in_force_on=parse_date(row["in_force_on"]),
            source=row["source"],
            as_of=parse_date(row["as_of"]),
        )
        stated = next((a for a in attestations if a["site"] in obs.source), None)
        if obs.as_of is None and stated is not None:
            obs.attested, obs.attested_evidence = stated["attested_on"], stated["evidence"]
        observations.append(obs)
    return observations


def _cite(obs: Observation) -> str:
    if obs.as_of:
        return f"{obs.source} (as of {obs.as_of})"
    if obs.attested:
        return f"{obs.source} (undated; by {obs.attested}: {obs.attested_evidence})"
    return f"{obs.source} (undated)"


def _dated_action(group: list[Observation], column: str, kind: str) -> PlannedAction | None:
    giving = sorted((o for o in group if getattr(o, column)), key=lambda o: (o.rank, o.as_of or datetime.date.max))
    if not giving:
        return None
    chosen = getattr(giving[0], column)
    first = giving[0]
    action = PlannedAction(first.iso2, first.treaty, kind, chosen, None)
    action.sources = [_cite(o) for o in giving if getattr(o, column) == chosen]
    for other in giving:
        value = getattr(other, column)
        if value != chosen:
            action.notes.append(f"Another source gives {value}: {_cite(other)}.")
    return action


def _undated_action(
    group: list[Observation], status: str, kind: str, compiled_on, *, before: datetime.date | None = None
) -> PlannedAction | None:
    """An act no row dates, attested by the earliest row in `status` (only rows dated before `before`, if given)."""
    attesting = sorted(
        (o for o in group if o.status == status and (before is None or (o.attested_by and o.attested_by < before))),
        key=lambda o: (o.attested_by or datetime.date.max, o.rank),
    )
    if not attesting:
        return None
    first = attesting[0]
    action = PlannedAction(first.iso2, first.treaty, kind, None, first.attested_by or compiled_on)
    action.sources = [_cite(o) for o in attesting]
    action.notes.append("Date not recorded in the sources at hand.")
    if first.attested_by is None:
        action.notes.append(f"Sources undated: attested by the reference data set of {compiled_on}.")
    return action


def reconcile(observations: list[Observation], coe_members: set[str], invitations: dict) -> list[PlannedAction]:
    """Turn observation rows into one planned action per act (see the module docstring for the rules)."""
    compiled_on = max(o.as_of for o in observations if o.as_of)
    groups: dict[tuple[str, int], list[Observation]] = defaultdict(list)
    for obs in observations:
        groups[(obs.iso2, obs.treaty)].append(obs)

    planned: list[PlannedAction] = []
    for (iso2, treaty), group in sorted(groups.items()):
        signed = _dated_action(group, "signed_on", ActionKind.SIGNED) or _undated_action(
            group, "signatory", ActionKind.SIGNED, compiled_on
        )
        consent_kind = ActionKind.RATIFIED if (signed or iso2 in coe_members) else ActionKind.ACCEDED
        consent = _dated_action(group, "ratified_on", consent_kind)
        in_force = _dated_action(group, "in_force_on", ActionKind.IN_FORCE)
        if consent is None and in_force is None:
            in_force = _undated_action(group, "party", ActionKind.IN_FORCE, compiled_on)
        elif consent is None and in_force.date is not None:
            consent = _undated_action(group, "party", consent_kind, compiled_on, before=in_force.date)
            if consent is not None:
                consent.notes.append(f"A source calls the State a Party before its entry into force ({in_force.date}).")

        invited = None
        if any(o.status == "invited" for o in group):
            invited = _undated_action(group, "invited", ActionKind.INVITED, compiled_on)
            stated = invitations.get((iso2, treaty))
            if stated:
                invited.date, invited.attested_on = stated["invited_on"], None
                invited.notes = [f"Date stated in the source: {stated['evidence']}."]
        planned.extend(a for a in (invited, signed, consent, in_force) if a is not None)
    return planned


def read_invitations() -> dict[tuple[str, int], dict]:
    return {
        (row["iso2"], int(row["treaty"])): {**row, "invited_on": parse_date(row["invited_on"])}
        for row in read_csv("invitation_dates.csv")
    }


@transaction.atomic
def load_treaties() -> dict[int, Treaty]:
    treaties = {}
    for row in read_csv("treaties.csv"):
        treaty, _created = Treaty.objects.update_or_create(
            number=int(row["number"]),
            defaults={
                "short_name": row["short_name"],
                "title": row["title"],
                "opened_on": parse_date(row["opened_on"]),
                "months_to_entry_into_force": int(row["months_to_entry_into_force"] or 0) or None,
                "source": row["source"],
            },
        )
        treaties[treaty.number] = treaty
    return treaties


@transaction.atomic
def load_articles(treaties: dict[int, Treaty]) -> int:
    rows = read_csv("convention_articles.csv")
    for row in rows:
        Article.objects.update_or_create(
            treaty=treaties[int(row["treaty"])],
            number=int(row["article"]),
            defaults={"title": row["title"], "chapter": row["chapter"], "section": row["section"]},
        )
    return len(rows)


@transaction.atomic
def load_official_counts(treaties: dict[int, Treaty]) -> int:
    def number(value: str) -> int | None:
        return int(value) if value else None

    rows = read_csv("treaty_counts.csv")
    OfficialCount.objects.all().delete()  # reference only: the file is the whole truth
    OfficialCount.objects.bulk_create(
        OfficialCount(
            treaty=treaties[int(row["treaty"])],
            as_of=parse_date(row["as_of"]),
            parties=number(row["parties"]),
            signatories=number(row["signatories"]),
            invited=number(row["invited"]),
            source=row["source"],
        )
        for row in rows
    )
    return len(rows)


def plan_treaty_actions() -> list[PlannedAction]:
    """The reference actions, reconciled from the observations (needs the countries loaded)."""
    coe_members = set(Country.objects.filter(coe_member=True).values_list("iso2", flat=True))
    return reconcile(read_observations(), coe_members, read_invitations())


def _group(kind: str) -> str:
    """Consent kinds share one slot per State and treaty (a State ratifies or accedes, not both)."""
    return "consent" if kind in CONSENT_KINDS else kind


@transaction.atomic
def load_treaty_actions(treaties: dict[int, Treaty], planned: list[PlannedAction], *, progress=None) -> dict[str, int]:
    """Bring recorded actions in line with the planned reference actions; idempotent. An act staff recorded or
    corrected, or an import brought, is kept ("kept"): the reference data never overwrites them."""
    countries = {c.iso2: c for c in Country.objects.all()}
    not_ours = {
        (treaty_id, country_id, _group(kind))
        for treaty_id, country_id, kind in TreatyAction.objects.exclude(origin=Origin.REFERENCE).values_list(
            "treaty_id", "country_id", "kind"
        )
    }
    outcome = {"added": 0, "changed": 0, "unchanged": 0, "kept": 0}
    for action in planned:
        treaty, country = treaties[action.treaty], countries[action.iso2]
        if (treaty.pk, country.pk, _group(action.kind)) in not_ours:
            outcome["kept"] += 1
            if progress:
                progress()
            continue
        _action, result = sync_treaty_action(
            treaty,
            country=country,
            kind=action.kind,
            date=action.date,
            attested_on=action.attested_on,
            source=action.source,
            note=action.note,
            origin=Origin.REFERENCE,
        )
        outcome[result] += 1
        if progress:
            progress()
    return outcome
