"""Importing a list of participants from XLSX or CSV, as a declaration on the one pipeline (octopus.lib.imports).

`Participants` says what a line holds and how it is checked and written: add a person, update one matched by
e-mail, or an error with a clear message. The upload page checks the whole file and shows a preview; confirming
starts a job ("events.participants") that checks the file again against the database as it is then and, only if
no line has an error, writes everything in one transaction through the services: any refusal half way (a full
form, say) undoes every line before it. `read_rows`, `plan_import` and `apply_import` do the same on rows in memory
(the command line, the tests).
"""

import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from octopus.accounts.services import log_action
from octopus.countries.models import Country, normalise_name
from octopus.events.models import Event, ParticipantRole, RegistrationForm, RegistrationState
from octopus.events.services import register_person
from octopus.jobs import registry
from octopus.jobs.runner import start_job
from octopus.lib import imports as pipeline
from octopus.lib.errors import DomainError
from octopus.lib.imports import Column, ImportRefused, Row
from octopus.people.models import Organisation, Person, Sector, Sex
from octopus.people.services import create_organisation, create_person, update_person

KIND = "events.participants"
COLUMNS = ("first_name", "last_name", "email", "sex", "organisation", "sector", "country", "role", "state")
# Header spellings accepted for each column (compared normalised: lower case, no accents or punctuation).
HEADERS = {
    "first_name": ("first name", "firstname", "given name", "prenom"),
    "last_name": ("last name", "lastname", "surname", "family name", "nom"),
    "email": ("e-mail", "email", "e mail", "mail"),
    "sex": ("sex", "gender"),
    "organisation": ("organisation", "organization", "institution"),
    "sector": ("sector",),
    "country": ("country", "country represented", "pays"),
    "role": ("role",),
    "state": ("registration state", "status", "state"),
}
REQUIRED_COLUMNS = ("last_name",)
ADD, UPDATE, ERROR = "add", "update", "error"
# What an imported line may say of its registration (empty: approved, as staff registrations are).
IMPORTABLE_STATES = (
    RegistrationState.APPROVED,
    RegistrationState.PENDING,
    RegistrationState.WAITING,
    RegistrationState.DECLINED,
)
SHOWN_LINES = 1000  # the preview lists the first lines and every line in error

__all__ = ["ImportRefused", "Participants", "apply_import", "plan_import", "read_rows", "start_import"]


# --- planning --------------------------------------------------------------------------------------------------


@dataclass
class Line:
    number: int
    values: dict[str, str]
    action: str = ADD
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    person: Person | None = None
    country: Country | None = None
    organisation: Organisation | None = None
    sex: str = ""
    sector: str = ""
    role: str = ParticipantRole.PARTICIPANT
    state: str = RegistrationState.APPROVED
    registered: bool = False

    @property
    def name(self) -> str:
        return f"{self.values['first_name']} {self.values['last_name']}".strip()

    @property
    def message(self) -> str:
        return " ".join(self.errors or self.notes)


@dataclass
class Plan:
    """What importing a file would do: the lines shown (the first ones and every one in error) and the counts of
    the whole file."""

    lines: list[Line]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Line]:
        return [line for line in self.lines if line.action == ERROR]

    @property
    def total(self) -> int:
        return sum(self.counts.values()) if self.counts else len(self.lines)

    def count(self, action: str) -> int:
        return self.counts.get(action, 0) if self.counts else sum(1 for line in self.lines if line.action == action)

    def error_text(self) -> str:
        return "\n".join(
            _("Line %(line)s: %(message)s") % {"line": line.number, "message": line.message} for line in self.errors
        )


def _choice(value: str, choices) -> str | None:
    """The value of a choice typed as its value or its label, in any case; None when unknown."""
    key = normalise_name(value)
    for choice_value, label in choices:
        if key in (normalise_name(choice_value), normalise_name(str(label))):
            return choice_value
    return None


SEX_ALIASES = {"f": Sex.FEMALE, "m": Sex.MALE, "woman": Sex.FEMALE, "man": Sex.MALE}


SEX_ALIASES = {"f": Sex.FEMALE, "m": Sex.MALE, "woman": Sex.FEMALE, "man": Sex.MALE}


@dataclass
class Context:
    event: Event
    form: RegistrationForm | None
    update: bool
    user: object
    countries: dict
    organisations: dict
    seen_emails: dict[str, int] = field(default_factory=dict)
    created_organisations: dict = field(default_factory=dict)
    outcome: "Outcome" = None

    def __post_init__(self):
        self.outcome = Outcome()


class Participants(pipeline.Declaration):
    batch_size = 100  # a person and a registration a line: progress shows every hundred
    columns = tuple(Column(name, HEADERS[name], required=name in REQUIRED_COLUMNS) for name in COLUMNS)

    def header_problem(self, missing, sheet) -> str:
        return _("The first line must name the columns; none is called “%(column)s”. Expected: %(all)s.") % {
            "column": "last name",
            "all": ", ".join(c.replace("_", " ") for c in COLUMNS),
        }

    def start(self, options: dict) -> Context:
        return Context(
            event=options["event"],
            form=options.get("form"),
            update=options.get("update", False),
            user=options.get("user"),
            countries=Country.objects.by_name_key(),
            organisations={(normalise_name(o.name), o.country_id): o for o in Organisation.objects.all()},
        )

    def check(self, rows: list[Row], context: Context) -> None:
        for row, line in zip(rows, _plan_lines(rows, context), strict=True):
            row.item = line
            for message in line.errors:
                row.error(message)

    def write(self, rows: list[Row], context: Context) -> None:
        for row in rows:
            _write_line(row.item, context)

    def tally(self, row: Row) -> str:
        return row.item.action

    def finish(self, context: Context) -> dict:
        outcome = context.outcome
        data = {"added": outcome.added, "updated": outcome.updated, "skipped": outcome.skipped}
        log_action(context.event, "events.participants.imported", user=context.user, data=data)
        return data


def _plan_lines(rows: list[Row], context: Context) -> list[Line]:
    """What importing `rows` would do, line by line; reads the database, writes nothing."""
    event, countries, organisations = context.event, context.countries, context.organisations
    emails = [row.values["email"].strip().lower() for row in rows if row.values["email"].strip()]
    people = {p.email: p for p in Person.objects.current().filter(email__in=emails).order_by("-pk")}
    registered = set(
        event.registrations.exclude(state=RegistrationState.CANCELLED)
        .filter(person__in=people.values())
        .values_list("person_id", flat=True)
    )
    seen_emails = context.seen_emails
    lines = []
    for row in rows:
        number, values = row.line, row.values
        line = Line(number, values)
        errors = line.errors
        if not values["last_name"]:
            errors.append(_("the last name is missing."))
        email = values["email"].strip().lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(_("“%(email)s” is not a valid e-mail address.") % {"email": values["email"]})
            else:
                if email in seen_emails:
                    errors.append(_("the same e-mail as line %(line)s.") % {"line": seen_emails[email]})
                seen_emails.setdefault(email, number)
        if values["country"]:
            line.country = countries.get(normalise_name(values["country"]))
            if line.country is None:
                errors.append(_("unknown country “%(country)s”.") % {"country": values["country"]})
        if values["sex"]:
            line.sex = SEX_ALIASES.get(values["sex"].strip().lower()) or _choice(values["sex"], Sex.choices) or ""
            if not line.sex:
                errors.append(_("unknown sex “%(sex)s” (female, male, other or blank).") % {"sex": values["sex"]})
        if values["role"]:
            line.role = _choice(values["role"], ParticipantRole.choices) or ""
            if not line.role:
                roles = ", ".join(str(r.label).lower() for r in ParticipantRole)
                errors.append(
                    _("unknown role “%(role)s”; use one of: %(roles)s.") % {"role": values["role"], "roles": roles}
                )
        if values["state"]:
            state = _choice(values["state"], RegistrationState.choices)
            if state not in IMPORTABLE_STATES:
                errors.append(
                    _("a registration cannot be imported as “%(state)s” (approved, pending, waiting list or declined).")
                    % {"state": values["state"]}
                )
            else:
                line.state = state
        if values["sector"]:
            line.sector = _choice(values["sector"], Sector.choices) or ""
            if not line.sector:
                errors.append(_("unknown sector “%(sector)s”.") % {"sector": values["sector"]})
        if values["organisation"]:
            key = normalise_name(values["organisation"])
            line.organisation = organisations.get(
                (key, line.country.pk if line.country else None)
            ) or organisations.get((key, None))
            if line.organisation is None and not line.sector:
                errors.append(
                    _("“%(organisation)s” is a new organisation: give its sector.")
                    % {"organisation": values["organisation"]}
                )
        line.person = people.get(email) if email else None
        if errors:
            line.action = ERROR
        elif line.person is not None:
            line.action = UPDATE
            line.registered = line.person.pk in registered
            line.notes.append(
                _("%(person)s is already registered; their details will be updated.") % {"person": line.person}
                if line.registered
                else _("%(person)s is in the registry (same e-mail); will be updated and registered.")
                % {"person": line.person}
            )
        else:
            line.notes.append(_("New person, registered as %(role)s.") % {"role": ParticipantRole(line.role).label})
        lines.append(line)
    return lines


# --- writing ---------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    added: int = 0
    updated: int = 0
    skipped: int = 0


def _organisation(line: Line, user, created: dict) -> Organisation | None:
    if line.organisation is not None or not line.values["organisation"]:
        return line.organisation
    key = (normalise_name(line.values["organisation"]), line.country.pk if line.country else None)
    if key not in created:
        country = None if line.sector == Sector.INTERNATIONAL_ORGANISATION else line.country
        created[key] = create_organisation(
            name=line.values["organisation"], sector=line.sector, country=country, user=user, existing_ok=True
        )
    return created[key]


def _update_person(person: Person, fields: dict, *, user) -> Person:
    """Fill in or correct a person's details from the file; blank cells leave what is recorded."""
    changes = {
        name: value for name, value in fields.items() if value not in ("", None) and getattr(person, name) != value
    }
    return update_person(person, version=None, user=user, **changes) if changes else person


def _write_line(line: Line, context: Context) -> None:
    outcome, user = context.outcome, context.user
    if line.action == UPDATE and not context.update:
        outcome.skipped += 1
        return
    fields = {
        "first_name": line.values["first_name"],
        "last_name": line.values["last_name"],
        "email": line.values["email"].strip().lower(),
        "sex": line.sex,
        "country": line.country,
        "organisation": _organisation(line, user, context.created_organisations),
    }
    try:
        if line.action == UPDATE:
            person = _update_person(line.person, fields, user=user)
            outcome.updated += 1
        else:
            person = create_person(user=user, **{k: v for k, v in fields.items() if v not in ("", None)})
            outcome.added += 1
        if not line.registered:
            register_person(context.form, person=person, role=line.role, state=line.state, user=user, by_staff=True)
    except DomainError as error:
        raise ImportRefused(
            _("Line %(line)s: %(message)s Nothing was imported.") % {"line": line.number, "message": error}
        )


# --- rows in memory: the command line and the tests ------------------------------------------------------------


def read_rows(file, name: str) -> list[tuple[int, dict[str, str]]]:
    """Numbered rows of an .xlsx or .csv file (UTF-8, or Windows-1252 as Excel writes it), read by the pipeline."""
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in (".xlsx", ".csv"):
        raise ImportRefused(_("Upload an .xlsx or .csv file."))
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        while chunk := file.read(pipeline.CHUNK):
            copy.write(chunk)
        copy.flush()
        return [(row.line, row.values) for row in pipeline.read(Participants(), copy.name)]


def _rows(rows: Iterable[tuple[int, dict[str, str]]]) -> Iterable[Row]:
    return (Row(number, {column: values.get(column, "") for column in COLUMNS}) for number, values in rows)


def plan_import(event: Event, rows) -> Plan:
    """What importing `rows` into `event` would do, line by line; reads the database, writes nothing."""
    report = pipeline.check_rows(Participants(), _rows(rows), {"event": event}, keep=len(rows))
    return Plan([row.item for row in report.shown])


def apply_import(
    event: Event,
    form: RegistrationForm,
    rows,
    *,
    update: bool,
    user,
    progress: Callable[[int], None] = lambda done: None,
) -> Outcome:
    """Import `rows` into `event` through `form`. With `update`, people matched by e-mail have their details
    updated and are registered; without, those lines are left out. All or nothing: ImportRefused lists the lines
    in error and nothing is written; a service refusing a line undoes the lines before it."""
    if form.event_id != event.pk:
        raise ImportRefused(_("That registration form belongs to another event."))
    options = {"event": event, "form": form, "update": update, "user": user}
    data = pipeline.write_rows(Participants(), _rows(rows), options, progress=progress)
    return Outcome(**data)


# --- the job ---------------------------------------------------------------------------------------------------


def start_import(event: Event, form: RegistrationForm, staged: str, *, total: int, update: bool, file_name: str, user):
    """Queue an import of a checked file (already stored: `staged`); the job's page shows how far it has got."""
    payload = {"event": event.pk, "form": form.pk, "update": update}
    return start_job(KIND, user=user, payload=payload, file=staged, file_name=file_name, target=event, total=total)


def run_import(job, progress) -> dict:
    event = Event.objects.get(pk=job.payload["event"])
    form = event.forms.get(pk=job.payload["form"])
    if not job.file:
        raise ImportRefused(_("The file of this import is no longer kept; upload it again."))
    options = {"event": event, "form": form, "update": job.payload["update"], "user": job.created_by}
    return pipeline.write_file(Participants(), job.file.path, options, progress=progress, confirm=progress.confirm)


def _summary(job) -> str:
    return _("Imported: %(added)s added, %(updated)s updated, %(skipped)s left out.") % {
        "added": job.outcome.get("added", 0),
        "updated": job.outcome.get("updated", 0),
        "skipped": job.outcome.get("skipped", 0),
    }


def _links(job) -> list:
    event = Event.objects.filter(pk=job.payload.get("event")).first()
    if event is None:
        return []
    if job.status == "done":
        return [(_("See the registrations"), reverse("events:event_registrations", args=[event.slug]))]
    return [
        (_("Upload a corrected file"), reverse("events:event_import", args=[event.slug])),
        (event.title, reverse("events:event", args=[event.slug])),
    ]


def register_kind() -> None:
    registry.register(
        KIND,
        run_import,
        permission="events.manage_events",
        label=gettext_lazy("Import of participants"),
        summary=_summary,
        links=_links,
    )
