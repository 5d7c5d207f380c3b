"""Importing a list of participants from XLSX or CSV: read, preview, then apply in one transaction.

`read_rows` turns a file into numbered rows of text (the line number is the spreadsheet's row, the header being
line 1). `plan_import` says, line by line, what would happen — add a person, update one matched by e-mail, or an
error with a clear message — without writing anything. `apply_import` re-plans against the database as it is
now and, only if no line has an error, writes everything in one transaction through the services: any refusal
half way (a full form, say) undoes every line before it.
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from octopus.accounts.services import DomainError, log_action
from octopus.countries.models import Country, normalise_name
from octopus.events.models import Event, ParticipantRole, RegistrationForm, RegistrationState
from octopus.events.services import register_person
from octopus.people.models import Organisation, Person, Sector, Sex
from octopus.people.services import create_organisation, create_person, update_person

MAX_ROWS = 5000
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


class ImportRefused(DomainError):
    """The file cannot be read, or some lines are wrong; nothing was written."""


Row = tuple[int, dict[str, str]]


# --- reading ---------------------------------------------------------------------------------------------------


def _header_map(header: Iterable) -> dict[int, str]:
    """Column index → field, from the header row; unknown columns are ignored."""
    names = [normalise_name(str(cell or "")) for cell in header]
    found: dict[int, str] = {}
    for index, name in enumerate(names):
        for column, spellings in HEADERS.items():
            if name in {normalise_name(s) for s in spellings} and column not in found.values():
                found[index] = column
                break
    missing = [c for c in REQUIRED_COLUMNS if c not in found.values()]
    if missing:
        raise ImportRefused(
            _("The first line must name the columns; none is called “%(column)s”. Expected: %(all)s.")
            % {"column": "last name", "all": ", ".join(c.replace("_", " ") for c in COLUMNS)}
        )
    return found


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows_from(lines: Iterable[tuple[int, list]]) -> list[Row]:
    lines = iter(lines)
    for _number, header in lines:
        if any(_text(cell) for cell in header):
            columns = _header_map(header)
            break
    else:
        raise ImportRefused(_("The file is empty."))
    rows: list[Row] = []
    for number, cells in lines:
        values = {column: _text(cells[i]) if i < len(cells) else "" for i, column in columns.items()}
        if not any(values.values()):
            continue
        rows.append((number, {column: values.get(column, "") for column in COLUMNS}))
        if len(rows) > MAX_ROWS:
            raise ImportRefused(_("The file has more than %(max)s lines; split it.") % {"max": MAX_ROWS})
    return rows


def read_rows(file, name: str) -> list[Row]:
    """Numbered rows of an uploaded .xlsx or .csv file (UTF-8, or Windows-1252 as Excel writes it)."""
    if name.lower().endswith(".xlsx"):
        try:
            workbook = load_workbook(file, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise ImportRefused(_("This file could not be read as an XLSX workbook."))
        try:
            sheet = workbook.worksheets[0]
            return _rows_from(enumerate(sheet.iter_rows(values_only=True), start=1))
        finally:
            workbook.close()
    if name.lower().endswith(".csv"):
        raw = file.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return _rows_from((reader.line_num, cells) for cells in reader)
    raise ImportRefused(_("Upload an .xlsx or .csv file."))


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
    lines: list[Line]

    @property
    def errors(self) -> list[Line]:
        return [line for line in self.lines if line.action == ERROR]

    def count(self, action: str) -> int:
        return sum(1 for line in self.lines if line.action == action)

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


def plan_import(event: Event, rows: list[Row]) -> Plan:
    """What importing `rows` into `event` would do, line by line; reads the database, writes nothing."""
    countries = Country.objects.by_name_key()
    emails = [values["email"].strip().lower() for _n, values in rows if values["email"].strip()]
    people = {p.email: p for p in Person.objects.current().filter(email__in=emails).order_by("-pk")}
    registered = set(
        event.registrations.exclude(state=RegistrationState.CANCELLED)
        .filter(person__in=people.values())
        .values_list("person_id", flat=True)
    )
    organisations = {(normalise_name(o.name), o.country_id): o for o in Organisation.objects.all()}
    seen_emails: dict[str, int] = {}
    lines = []
    for number, values in rows:
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
                errors.append(_("a registration cannot be imported as “%(state)s” (approved, pending, waiting list or "
                                "declined).") % {"state": values["state"]})  # fmt: skip
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
                errors.append(_("“%(organisation)s” is a new organisation: give its sector.") % {
                    "organisation": values["organisation"]})  # fmt: skip
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
    return Plan(lines)


# --- applying --------------------------------------------------------------------------------------------------


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


def apply_import(
    event: Event,
    form: RegistrationForm,
    rows: list[Row],
    *,
    update: bool,
    user,
    progress: Callable[[list[Line]], Iterable[Line]] = iter,
) -> Outcome:
    """Import `rows` into `event` through `form`. With `update`, people matched by e-mail have their details
    updated and are registered; without, those lines are left out. All or nothing: ImportRefused lists the lines
    in error and nothing is written; a service refusing a line undoes the lines before it."""
    if form.event_id != event.pk:
        raise ImportRefused(_("That registration form belongs to another event."))
    with transaction.atomic():
        plan = plan_import(event, rows)
        if plan.errors:
            raise ImportRefused(_("Nothing was imported; correct these lines first:") + "\n" + plan.error_text())
        outcome = Outcome()
        created_organisations: dict = {}
        for line in progress(plan.lines):
            if line.action == UPDATE and not update:
                outcome.skipped += 1
                continue
            fields = {
                "first_name": line.values["first_name"],
                "last_name": line.values["last_name"],
                "email": line.values["email"].strip().lower(),
                "sex": line.sex,
                "country": line.country,
                "organisation": _organisation(line, user, created_organisations),
            }
            try:
                if line.action == UPDATE:
                    person = _update_person(line.person, fields, user=user)
                    outcome.updated += 1
                else:
                    person = create_person(user=user, **{k: v for k, v in fields.items() if v not in ("", None)})
                    outcome.added += 1
                if not line.registered:
                    register_person(form, person=person, role=line.role, state=line.state, user=user, by_staff=True)
            except DomainError as error:
                raise ImportRefused(_("Line %(line)s: %(message)s Nothing was imported.") % {
                    "line": line.number, "message": error})  # fmt: skip
        log_action(event, "events.participants.imported", user=user, data={
            "added": outcome.added, "updated": outcome.updated, "skipped": outcome.skipped})  # fmt: skip
        return outcome
