"""Import of a Council of Europe Treaty Office chart of signatures and ratifications, as a declaration on the one
import pipeline (octopus.lib.imports).

The chart is a CSV or XLSX file with the columns State, signature, ratification or accession, entry into force,
notes (header names are matched loosely; dates as YYYY-MM-DD or DD/MM/YYYY; a ratification cell ending in "a"
marks an accession, as on the Treaty Office's charts). `Chart` checks every row — the cells, the row in itself, then
the actions it would leave recorded for that State — and reports every error with its line and column; the preview
shows them, or what would change, before anything is written. Writing applies the whole chart in one transaction
through `services.sync_treaty_action`: one bad row and nothing changes; importing the same chart again changes
nothing. An empty cell leaves what is recorded. The job ("treaties.chart") and `manage.py import_treaty_chart` both
run it.
"""

import copy
import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from octopus.countries.models import Country, normalise_name
from octopus.lib import imports as pipeline
from octopus.lib.errors import DomainError
from octopus.lib.imports import CellError, Column, ImportRefused, Problem, Row
from octopus.treaties.models import CONSENT_KINDS, ActionKind, Origin, Treaty, TreatyAction
from octopus.treaties.services import check_action, sync_treaty_action

ADDED, CHANGED, UNCHANGED = "added", "changed", "unchanged"
CHANGE, ERROR = "change", "error"  # what a row counts as in a preview
SHOWN_LINES = 1000  # the preview lists the first lines and every line in error
DATE_COLUMNS = ("signature", "consent", "in_force")
# How a column is named in an error ("Line 3, signature: …") and in the preview.
LABELS = {
    "state": gettext_lazy("State"),
    "signature": gettext_lazy("signature"),
    "consent": gettext_lazy("ratification or accession"),
    "in_force": gettext_lazy("entry into force"),
    "notes": gettext_lazy("notes"),
}
# The column that holds each kind of act, to blame when the act contradicts what is recorded.
COLUMN_OF = {ActionKind.SIGNED: "signature", ActionKind.IN_FORCE: "in_force", **dict.fromkeys(CONSENT_KINDS, "consent")}


def chart_date(text: str) -> tuple[datetime.date | None, bool]:
    """The date in a chart cell and whether it is marked as an accession ("… a"); CellError when it is no date."""
    value = text.strip()
    accession = value.lower().endswith(("a", "(a)"))
    if accession:
        value = value.rstrip("()aA ").strip()
    if not value:
        return None, False
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date(), accession  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    raise CellError(_("“%(value)s” is not a date (use YYYY-MM-DD or DD/MM/YYYY).") % {"value": text.strip()})


def where(problem: Problem) -> str:
    """ "Line 3, signature" — or "Line 3" for an error about the whole row."""
    if problem.column:
        return _("Line %(line)s, %(column)s") % {"line": problem.line, "column": LABELS.get(problem.column, "")}
    return problem.place()


def describe(problem: Problem) -> str:
    return f"{where(problem)}: {problem.message}"


@dataclass
class Act:
    """One act a chart row names, and what importing it does to the record."""

    kind: str
    date: datetime.date
    outcome: str = ADDED
    before: TreatyAction | None = None  # the recorded act it changes

    @property
    def label(self) -> str:
        return str(ActionKind(self.kind).label)

    @property
    def column(self) -> str:
        return COLUMN_OF[self.kind]


@dataclass
class Line:
    """What a chart row would do: its State and its acts (None until the row is known to be good)."""

    number: int
    values: dict[str, str]
    country: Country | None = None
    acts: list[Act] = field(default_factory=list)
    notes: str = ""

    @property
    def changes(self) -> list[Act]:
        return [act for act in self.acts if act.outcome != UNCHANGED]


@dataclass
class Context:
    treaty: Treaty
    source: str
    user: object
    today: datetime.date
    countries: dict
    seen: dict[str, int] = field(default_factory=dict)  # ISO code → the line that names the State
    acts: Counter = field(default_factory=Counter)  # added, changed, unchanged: over every row checked
    added: list[str] = field(default_factory=list)  # what was written, as the command prints it
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0


class Chart(pipeline.Declaration):
    columns = (
        Column("state", ("state", "country", "states"), required=True),
        Column("signature", ("signature", "signed", "date of signature"), required=True, parse=chart_date),
        Column(
            "consent",
            ("ratification or accession", "ratification", "accession", "r a a", "ratification accession"),
            required=True,
            parse=chart_date,
        ),
        # A trailing "a" in the entry into force is not an accession: it is read and ignored, as on the charts.
        Column(
            "in_force",
            ("entry into force", "in force", "e i f", "date of entry into force"),
            required=True,
            parse=chart_date,
        ),
        Column("notes", ("notes", "note", "remarks")),
    )
    batch_size = 200

    def header_problem(self, missing, sheet) -> str:
        return _(
            "Line 1: the header must name the columns State, signature, ratification or accession, entry into force "
            "(and optionally notes); missing: %(missing)s."
        ) % {"missing": ", ".join(str(LABELS[column.name]) for column in missing)}

    def start(self, options: dict) -> Context:
        return Context(
            treaty=options["treaty"],
            source=options["source"],
            user=options.get("user"),
            today=options.get("today") or timezone.localdate(),
            countries=Country.objects.all().by_name_key(),
        )

    def check(self, rows: list[Row], context: Context) -> None:
        for row in rows:
            row.item = _check_row(row, context)
        good = [row for row in rows if row.ok]
        recorded = _recorded(context.treaty, [row.item.country for row in good])
        for row in good:
            _plan_acts(row, recorded.get(row.item.country.pk, []), context)

    def write(self, rows: list[Row], context: Context) -> None:
        for row in rows:
            _write_row(row, context)

    def finish(self, context: Context) -> dict:
        return {"added": context.added, "changed": context.changed, "unchanged": context.unchanged}

    def refuse(self, problems: list[Problem], context) -> ImportRefused:
        return ImportRefused(
            _("Nothing was imported; correct these lines first:") + "\n" + "\n".join(describe(p) for p in problems)
        )

    def tally(self, row: Row) -> str:
        if row.problems:
            return ERROR
        return CHANGE if row.item.changes else UNCHANGED


def _check_row(row: Row, context: Context) -> Line:
    """The row in itself: a known State named once, dates that follow each other and are not in the future."""
    values = row.values
    line = Line(row.line, values, notes=values["notes"].strip())
    name = values["state"].strip()
    if not name:
        row.error(_("the State is missing."), "state")
    else:
        line.country = context.countries.get(normalise_name(name))
        if line.country is None:
            row.error(_("unknown State “%(name)s”.") % {"name": name}, "state")
        elif line.country.iso2 in context.seen:
            row.error(
                _("%(country)s is already on line %(line)s.")
                % {"country": line.country, "line": context.seen[line.country.iso2]},
                "state",
            )
        else:
            context.seen[line.country.iso2] = row.line
    unreadable = {problem.column for problem in row.problems}
    signed, _mark = row.parsed.get("signature", (None, False))
    consent, accession = row.parsed.get("consent", (None, False))
    in_force, _mark = row.parsed.get("in_force", (None, False))
    for column, day in (("signature", signed), ("consent", consent)):
        if day and day > context.today:
            row.error(
                _("the %(column)s date %(date)s is in the future.") % {"column": LABELS[column], "date": day}, column
            )
    if consent and signed and consent < signed:
        row.error(
            _("ratification (%(consent)s) is before signature (%(signed)s).") % {"consent": consent, "signed": signed},
            "consent",
        )
    if in_force and consent and in_force < consent:
        row.error(
            _("entry into force (%(in_force)s) is before ratification (%(consent)s).")
            % {"in_force": in_force, "consent": consent},
            "in_force",
        )
    if in_force and not consent and "consent" not in unreadable:
        row.error(
            _("entry into force (%(in_force)s) without a ratification or accession.") % {"in_force": in_force},
            "in_force",
        )
    line.acts = [Act(ActionKind.SIGNED, signed)] if signed else []
    if consent:
        line.acts.append(Act(ActionKind.ACCEDED if accession else "", consent))  # the kind is settled by _plan_acts
    if in_force:
        line.acts.append(Act(ActionKind.IN_FORCE, in_force))
    return line


def _recorded(treaty: Treaty, countries: list[Country]) -> dict[int, list[TreatyAction]]:
    """The recorded actions of these States under the treaty, per State, in one query."""
    found: dict[int, list[TreatyAction]] = {}
    actions = TreatyAction.objects.filter(treaty=treaty, country__in=countries).select_related("treaty", "country")
    for action in actions:  # in the model's order, as sync_treaty_action finds them
        found.setdefault(action.country_id, []).append(action)
    return found


def _plan_acts(row: Row, recorded: list[TreatyAction], context: Context) -> None:
    """What each act of the row does to the record (as `sync_treaty_action` would do it), and whether the State's
    actions would then still agree with each other: an error on the column of the act that contradicts them."""
    line = row.item
    planned = list(recorded)
    for act in line.acts:
        if not act.kind:
            act.kind = _consent_kind(line, recorded)
        group = CONSENT_KINDS if act.kind in CONSENT_KINDS else {act.kind}
        existing = next((action for action in planned if action.kind in group), None)
        if existing is None:
            planned.append(
                TreatyAction(
                    treaty=context.treaty,
                    country=line.country,
                    kind=act.kind,
                    date=act.date,
                    source=context.source,
                    note=line.notes,
                    origin=Origin.IMPORT,
                )
            )
            act.outcome = ADDED
        elif (existing.kind, existing.date, existing.attested_on) == (act.kind, act.date, None):
            act.outcome = UNCHANGED
        else:
            act.outcome, act.before = CHANGED, existing
            moved = copy.copy(existing)
            moved.kind, moved.date, moved.attested_on = act.kind, act.date, None
            moved.source, moved.note, moved.origin = context.source, line.notes, Origin.IMPORT
            planned[planned.index(existing)] = moved
        context.acts[act.outcome] += 1
    changed = {id(action) for action in planned} - {id(action) for action in recorded}
    for action in planned:
        if id(action) not in changed:
            continue
        try:
            check_action(action, today=context.today, others=[other for other in planned if other is not action])
        except DomainError as error:
            row.error(str(error), COLUMN_OF.get(action.kind, ""))
            return


def _consent_kind(line: Line, recorded: list[TreatyAction]) -> str:
    """Accession when the chart marks it (set when the row is read); else the kind already recorded; else
    ratification for a member State or a State that signed, accession for the others (Art. 37)."""
    existing = next((a.kind for a in recorded if a.kind in CONSENT_KINDS), None)
    if existing:
        return existing
    signed = any(act.kind == ActionKind.SIGNED for act in line.acts) or any(
        a.kind == ActionKind.SIGNED for a in recorded
    )
    return ActionKind.RATIFIED if signed or line.country.coe_member else ActionKind.ACCEDED


def _write_row(row: Row, context: Context) -> None:
    line = row.item
    try:
        for act in line.acts:
            # Checked together below: moving a ratification and its entry into force is one change.
            action, outcome = sync_treaty_action(
                context.treaty,
                country=line.country,
                kind=act.kind,
                date=act.date,
                source=context.source,
                note=line.notes,
                origin=Origin.IMPORT,
                user=context.user,
                check=False,
            )
            if outcome == UNCHANGED:
                context.unchanged += 1
            else:
                getattr(context, outcome).append(f"{line.country}: {action.get_kind_display()} {act.date}")
        for action in TreatyAction.objects.filter(treaty=context.treaty, country=line.country).select_related(
            "treaty", "country"
        ):
            check_action(action, today=context.today)
    except DomainError as error:
        # Found by the check already, unless the record changed in between: refused the same way.
        raise ImportRefused(
            _("Nothing was imported; correct these lines first:") + "\n" + describe(Problem(row.line, str(error)))
        ) from error


def check_chart(treaty: Treaty, path: str, *, source: str, keep: int = SHOWN_LINES) -> pipeline.Report:
    """Every error of the chart at `path`, or what it would change; writes nothing."""
    return pipeline.check_file(Chart(), path, {"treaty": treaty, "source": source}, keep=keep)


def import_chart(treaty: Treaty, path: str, *, source: str, user=None, progress=lambda done: None) -> dict:
    """Bring the recorded actions in line with the chart at `path`, in one transaction; ImportRefused lists every
    error and nothing is written. The outcome: what was added and changed (one line each), how many unchanged."""
    options = {"treaty": treaty, "source": source, "user": user}
    return pipeline.write_file(Chart(), path, options, progress=progress)


def default_source(treaty: Treaty, file_name: str) -> str:
    return _("Treaty Office chart of CETS %(number)s (%(file)s, imported %(day)s)") % {
        "number": treaty.number,
        "file": file_name,
        "day": timezone.localdate(),
    }
