"""Importing legislation profiles and country statistics from XLSX: read, preview, then apply in one transaction.

Two kinds of workbook (`ImportKind`):
- profiles: one sheet per country, named by the country (its name or ISO code); one line per statement about an
  article (article, level, source, date, provisions, laws, note, citation);
- statistics: one sheet, one line per figure (country, year, figure, value, source, citation).

`read_rows` turns a workbook into numbered rows of text (a line number is the spreadsheet's row, the header being
line 1), small enough to wait in the session between the preview and the confirmation. `plan_import` says, line by
line, what would happen — or an error with a clear message — without writing anything. `Workbook` is the
declaration of each kind on the one pipeline (octopus.lib.imports): the job ("legislation.import") plans again
against the database as it is now and, only if no line has an error, writes everything in ONE transaction through
the services (`record_law`, `record_assessment`, `record_figures`): a refusal half way undoes every line before it.
Staff import: laws and assessments are recorded reviewed.
"""

import datetime
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from octopus.countries.models import Country, normalise_name
from octopus.legislation.models import (
    EXECUTED_WITHIN_RECEIVED,
    PROFILE_ARTICLES,
    PROFILE_TREATY,
    Assessment,
    Figure,
    ImportKind,
    Law,
    Level,
    Source,
    Statistic,
    StatisticSource,
)
from octopus.legislation.services import profiles as profile_services
from octopus.legislation.services import statistics as statistics_services
from octopus.lib import imports as pipeline
from octopus.lib.errors import DomainError
from octopus.lib.imports import Column, ImportRefused, Row
from octopus.treaties.models import Article

MAX_ROWS = 20_000
# The columns of each kind, and the header spellings accepted for each (compared normalised: lower case, no accents
# or punctuation). The first spelling is the one the template writes.
HEADERS = {
    ImportKind.PROFILES: {
        "article": ("article", "art", "article number"),
        "level": ("level", "compliance", "compliance level"),
        "source": ("source",),
        "date": ("date", "as of", "assessed on"),
        "provisions": ("provisions", "provisions of national law"),
        "laws": ("laws", "law"),
        "note": ("note", "notes", "comment"),
        "citation": ("citation", "reference"),
    },
    ImportKind.STATISTICS: {
        "country": ("country",),
        "year": ("year",),
        "figure": ("figure", "indicator"),
        "value": ("value", "number"),
        "source": ("source",),
        "citation": ("citation", "reference"),
    },
}
REQUIRED = {
    ImportKind.PROFILES: ("article", "level", "source", "date"),
    ImportKind.STATISTICS: ("country", "year", "figure", "value"),
}
ADD, UPDATE, UNCHANGED, ERROR = "add", "update", "unchanged", "error"
LAW_SEPARATOR = ";"
ARTICLE_NUMBER = re.compile(r"^(?:art(?:icle)?\.?\s*)?(\d+)$", re.IGNORECASE)


# --- reading ---------------------------------------------------------------------------------------------------


class Workbook(pipeline.Declaration):
    """A legislation workbook on the one pipeline: every row is planned at once (duplicates and the figures of one
    year are checked across the file), then written in one transaction."""

    formats = (pipeline.XLSX,)
    batch_size = None
    names_sheets = True

    def __init__(self, kind: str):
        if kind not in ImportKind.values:
            raise ImportRefused(_("Choose what the file holds: profiles or statistics."))
        self.kind = kind
        self.all_sheets = kind == ImportKind.PROFILES
        self.columns = tuple(
            Column(name, spellings, required=name in REQUIRED[kind]) for name, spellings in HEADERS[kind].items()
        )

    def header_problem(self, missing, sheet) -> str:
        return _(
            "Sheet “%(sheet)s”: the first line must name the columns; missing: %(missing)s. Expected: %(all)s."
        ) % {"sheet": sheet, "missing": ", ".join(c.name for c in missing), "all": ", ".join(HEADERS[self.kind])}

    def start(self, options: dict) -> dict:
        return {"user": options.get("user"), "progress": options.get("progress", lambda done: None), "plan": None}

    def check(self, rows: list[Row], context) -> None:
        if len(rows) > MAX_ROWS:
            raise ImportRefused(_("The file has more than %(max)s lines; split it.") % {"max": f"{MAX_ROWS:,}"})
        plan = context["plan"] = plan_import(self.kind, [as_dict(row) for row in rows])
        for row, line in zip(rows, plan.lines, strict=True):
            row.item = line
            if line.action == ERROR:
                row.error(line.message)

    def refuse(self, problems, context) -> ImportRefused:
        return ImportRefused(
            _("Nothing was imported; correct these lines first:") + "\n" + context["plan"].error_text()
        )

    def tally(self, row: Row) -> str:
        return row.item.action

    def write(self, rows: list[Row], context) -> None:
        apply = _apply_profiles if self.kind == ImportKind.PROFILES else _apply_statistics
        context["outcome"] = apply(context["plan"], context["user"], context["progress"])

    def finish(self, context) -> dict:
        return context.get("outcome", {})


def as_dict(row: Row) -> dict:
    return {"sheet": row.sheet, "line": row.line, "values": row.values}


def read_rows(file, kind: str) -> list[dict]:
    """Numbered rows of a workbook: every sheet for profiles (each one a country), the first for statistics.
    ImportRefused when it is not a workbook, a header lacks a column, or it is too long."""
    declaration = Workbook(kind)
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as copy:
        while chunk := file.read(pipeline.CHUNK):
            copy.write(chunk)
        copy.flush()
        try:
            rows = [as_dict(row) for row in pipeline.read(declaration, copy.name, pipeline.XLSX)]
        except ImportRefused as error:
            if "no line below" in str(error):
                return []
            raise
    if len(rows) > MAX_ROWS:
        raise ImportRefused(_("The file has more than %(max)s lines; split it.") % {"max": f"{MAX_ROWS:,}"})
    return rows


# --- planning --------------------------------------------------------------------------------------------------


@dataclass
class Line:
    sheet: str
    number: int
    values: dict[str, str]
    action: str = ADD
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    country: Country | None = None
    # profiles
    article: Article | None = None
    level: str = ""
    source: str = ""
    day: datetime.date | None = None
    law_titles: list[str] = field(default_factory=list)
    # statistics
    year: int | None = None
    figure: str = ""
    value: int | None = None

    @property
    def message(self) -> str:
        # The first message follows "line 5: " in lower case; the ones after it are sentences of their own.
        first, *more = self.errors or self.notes or [""]
        return " ".join([first, *(capfirst(text) for text in more)])

    @property
    def place(self) -> str:
        return _("Sheet “%(sheet)s”, line %(line)s") % {"sheet": self.sheet, "line": self.number}


@dataclass
class Plan:
    kind: str
    lines: list[Line]
    sheet_errors: dict[str, str] = field(default_factory=dict)  # sheet → what is wrong with it as a whole

    @property
    def errors(self) -> list[Line]:
        return [line for line in self.lines if line.action == ERROR]

    def count(self, action: str) -> int:
        return sum(1 for line in self.lines if line.action == action)

    def error_messages(self) -> list[str]:
        """Each error once, with where it is: the sheet's own errors, then the lines'."""
        messages = [
            _("Sheet “%(sheet)s”: %(message)s") % {"sheet": sheet, "message": message}
            for sheet, message in self.sheet_errors.items()
        ]
        messages += [f"{line.place}: {line.message}" for line in self.errors if line.sheet not in self.sheet_errors]
        return messages

    def error_text(self) -> str:
        return "\n".join(self.error_messages())

    def sheets(self) -> list[dict]:
        """Per sheet: its country and how many lines would do what."""
        found: dict[str, dict] = {}
        for line in self.lines:
            entry = found.setdefault(
                line.sheet,
                {
                    "name": line.sheet,
                    "country": None,
                    "lines": 0,
                    "errors": 0,
                    "error": self.sheet_errors.get(line.sheet, ""),
                },
            )
            entry["lines"] += 1
            entry["errors"] += line.action == ERROR
            entry["country"] = entry["country"] or (line.country if self.kind == ImportKind.PROFILES else None)
        return list(found.values())


def _choice(value: str, choices) -> str | None:
    """The value of a choice typed as its value or its label, in any case; None when unknown."""
    key = normalise_name(value)
    for choice_value, label in choices:
        if key in (normalise_name(choice_value), normalise_name(str(label))):
            return choice_value
    return None


def _spans(numbers) -> str:
    """1–22, 24–35, 42: the articles a profile covers, as people write them."""
    numbers, spans = sorted(numbers), []
    start = previous = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        spans.append(f"{start}–{previous}" if previous > start else str(start))
        if number is not None:
            start = previous = number
    return ", ".join(spans)


def _one_of(choices) -> str:
    # "in place, …, T-CY assessment": labels in lower case as in a sentence, acronyms kept.
    labels = [str(label) for label in choices.labels]
    return ", ".join(label if label[:2].isupper() else label[0].lower() + label[1:] for label in labels)


def _check_length(line: Line, column: str, limit: int) -> None:
    if len(line.values[column]) > limit:
        line.errors.append(
            _("the %(column)s is longer than %(limit)s characters.") % {"column": column, "limit": limit}
        )


def _parse_day(text: str) -> datetime.date | None:
    """A date written as ISO text: 2016-03-31, or with a time as some spreadsheets export it."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.datetime.fromisoformat(text).date()
    except ValueError:
        return None


def _whole(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def plan_profiles(rows: list[dict]) -> Plan:
    """What importing profile `rows` would do, line by line; reads the database, writes nothing."""
    countries = Country.objects.by_name_key()
    articles = {a.number: a for a in Article.objects.filter(treaty__number=PROFILE_TREATY).select_related("treaty")}
    covered = _spans(PROFILE_ARTICLES)
    today = timezone.localdate()
    plan = Plan(ImportKind.PROFILES, [])
    sheet_countries: dict[str, Country | None] = {}
    for row in rows:
        sheet = row["sheet"]
        if sheet not in sheet_countries:
            sheet_countries[sheet] = countries.get(normalise_name(sheet))
            if sheet_countries[sheet] is None:
                plan.sheet_errors[sheet] = _(
                    "“%(sheet)s” is not a country; name each sheet after its country (its name or ISO code)."
                ) % {"sheet": sheet}
    in_file = {c.pk for c in sheet_countries.values() if c is not None}
    laws = {(law.country_id, normalise_name(law.title)): law for law in Law.objects.filter(country__in=in_file)}
    recorded = set(
        Assessment.objects.reviewed()
        .filter(country__in=in_file)
        .values_list(
            "country_id", "article__number", "assessed_on", "level", "source", "provisions", "note", "citation"
        )
    )
    seen: dict[tuple, Line] = {}
    new_laws: set[tuple] = set()
    for row in rows:
        line = Line(row["sheet"], row["line"], row["values"], country=sheet_countries[row["sheet"]])
        values, errors = line.values, line.errors
        plan.lines.append(line)
        if line.sheet in plan.sheet_errors:
            line.action = ERROR
            line.errors.append(plan.sheet_errors[line.sheet])
            continue
        match = ARTICLE_NUMBER.match(values["article"].strip())
        if not values["article"]:
            errors.append(_("the article is missing."))
        elif match is None:
            errors.append(_("“%(article)s” is not an article number.") % {"article": values["article"]})
        elif int(match[1]) not in PROFILE_ARTICLES or int(match[1]) not in articles:
            errors.append(
                _("article %(number)s is not one a profile covers (%(covered)s).")
                % {"number": int(match[1]), "covered": covered}
            )
        else:
            line.article = articles[int(match[1])]
        for column, choices in (("level", Level), ("source", Source)):
            if not values[column]:
                errors.append(_("the %(column)s is missing.") % {"column": column})
                continue
            chosen = _choice(values[column], choices.choices)
            if chosen is None:
                errors.append(
                    _("%(column)s “%(value)s” is not one of: %(known)s.")
                    % {"column": column, "value": values[column], "known": _one_of(choices)}
                )
            setattr(line, column, chosen or "")
        if not values["date"]:
            errors.append(_("the date is missing."))
        else:
            line.day = _parse_day(values["date"])
            if line.day is None:
                errors.append(
                    _("“%(date)s” is not a date; use a date cell or write it as 2016-03-31.") % {"date": values["date"]}
                )
            elif line.day > today:
                errors.append(_("the date %(date)s is in the future.") % {"date": line.day.isoformat()})
        for column, limit in (("citation", 500),):
            _check_length(line, column, limit)
        titles = {}
        for title in values["laws"].split(LAW_SEPARATOR):
            if title.strip():
                titles.setdefault(normalise_name(title), title.strip())
        for title in titles.values():
            if len(title) > 300:
                errors.append(_("a law's title is longer than 300 characters."))
        line.law_titles = list(titles.values())
        if line.article is not None and line.day is not None:
            key = (line.country.pk, line.article.number, line.day)
            if key in seen:
                other = seen[key]
                where = (_("line %(line)s") if other.sheet == line.sheet else _("sheet “%(sheet)s”, line %(line)s")) % {
                    "line": other.number,
                    "sheet": other.sheet,
                }
                errors.append(_("the same article and date as %(where)s.") % {"where": where})
            seen.setdefault(key, line)
        if errors:
            line.action = ERROR
            continue
        statement = (
            line.country.pk,
            line.article.number,
            line.day,
            line.level,
            line.source,
            values["provisions"].strip(),
            values["note"].strip(),
            values["citation"].strip(),
        )
        if statement in recorded:
            line.action = UNCHANGED
            line.notes.append(_("Already recorded; left as it is."))
            continue
        line.notes.append(
            _("Art. %(number)s: %(level)s as of %(date)s (%(source)s).")
            % {
                "number": line.article.number,
                "level": Level(line.level).label,
                "date": line.day.isoformat(),
                "source": Source(line.source).label,
            }
        )
        for key, title in titles.items():
            if (line.country.pk, key) not in laws and (line.country.pk, key) not in new_laws:
                new_laws.add((line.country.pk, key))
                line.notes.append(_("New law “%(title)s”.") % {"title": title})
    return plan


def plan_statistics(rows: list[dict]) -> Plan:
    """What importing statistics `rows` would do, line by line; reads the database, writes nothing."""
    countries = Country.objects.by_name_key()
    figure_codes = ", ".join(Figure.values)
    plan = Plan(ImportKind.STATISTICS, [])
    seen: dict[tuple, Line] = {}
    for row in rows:
        line = Line(row["sheet"], row["line"], row["values"])
        values, errors = line.values, line.errors
        plan.lines.append(line)
        if not values["country"]:
            errors.append(_("the country is missing."))
        else:
            line.country = countries.get(normalise_name(values["country"]))
            if line.country is None:
                errors.append(_("unknown country “%(country)s”.") % {"country": values["country"]})
        line.year = _whole(values["year"])
        if line.year is None:
            errors.append(
                _("“%(year)s” is not a year.") % {"year": values["year"]}
                if values["year"]
                else _("the year is missing.")
            )
        else:
            try:
                statistics_services.check_year(line.year)
            except DomainError as error:
                errors.append(str(error))
                line.year = None
        if not values["figure"]:
            errors.append(_("the figure is missing."))
        else:
            line.figure = _choice(values["figure"], Figure.choices) or ""
            if not line.figure:
                errors.append(
                    _("figure “%(figure)s” is not one of: %(known)s.")
                    % {"figure": values["figure"], "known": figure_codes}
                )
        line.value = _whole(values["value"])
        if line.value is None:
            errors.append(
                _("“%(value)s” is not a whole number.") % {"value": values["value"]}
                if values["value"]
                else _("the value is missing.")
            )
        elif line.value < 0:
            errors.append(_("the value cannot be negative (%(value)s).") % {"value": line.value})
        elif line.value > statistics_services.MAX_FIGURE:
            errors.append(
                _("the value cannot be more than %(max)s (%(value)s).")
                % {"max": f"{statistics_services.MAX_FIGURE:,}", "value": line.value}
            )
        citation = values["citation"].strip()
        if values["source"]:
            line.source = _choice(values["source"], StatisticSource.choices) or ""
            if not line.source:
                errors.append(
                    _("source “%(source)s” is not one of: questionnaire, published.") % {"source": values["source"]}
                )
        elif citation:
            line.source = StatisticSource.PUBLISHED  # a cited figure comes from what staff read
        else:
            errors.append(_("the source is missing (questionnaire, or published with a citation)."))
        if line.source == StatisticSource.PUBLISHED and not citation:
            errors.append(_("a published source needs a citation."))
        _check_length(line, "citation", 500)
        if line.country is not None and line.year is not None and line.figure:
            key = (line.country.pk, line.year, line.figure)
            if key in seen:
                errors.append(_("the same country, year and figure as line %(line)s.") % {"line": seen[key].number})
            seen.setdefault(key, line)
    _check_years(plan)
    return plan


def _check_years(plan: Plan) -> None:
    """The figures of one country and year together, with those already recorded: executed ≤ received. The line
    whose figure breaks the rule carries the error, naming the other line (or the figure already recorded)."""
    groups: dict[tuple, dict[str, Line]] = defaultdict(dict)
    for line in plan.lines:
        if line.country is not None and line.year is not None and line.figure and line.value is not None:
            groups[(line.country.pk, line.year)].setdefault(line.figure, line)
    recorded: dict[tuple, dict[str, Statistic]] = defaultdict(dict)
    countries = {country for country, _year in groups}
    for row in Statistic.objects.filter(country__in=countries, year__in={year for _c, year in groups}):
        recorded[(row.country_id, row.year)][row.figure] = row
    for key, lines in groups.items():
        before = recorded[key]
        values = {figure: row.value for figure, row in before.items()}
        values.update({figure: line.value for figure, line in lines.items()})
        for executed, received in EXECUTED_WITHIN_RECEIVED.items():
            try:
                statistics_services.check_consistent({executed: values.get(executed), received: values.get(received)})
            except DomainError as error:
                if executed in lines and received in lines:
                    blamed = lines[executed]
                    where = _("see line %(line)s") % {"line": lines[received].number}
                elif executed in lines:
                    blamed, where = lines[executed], _("the received figure is already recorded")
                else:
                    blamed, where = lines[received], _("the executed figure is already recorded")
                blamed.errors.append(f"{str(error).rstrip('.')}; {where}.")
        for figure, line in lines.items():
            row = before.get(figure)
            if line.errors:
                continue
            if row is None:
                line.notes.append(_("New figure."))
            elif (row.value, row.source, row.citation) == (line.value, line.source, line.values["citation"].strip()):
                line.action = UNCHANGED
                line.notes.append(_("Already recorded; left as it is."))
            else:
                line.action = UPDATE
                line.notes.append(_("Replaces %(value)s recorded before.") % {"value": row.value})
    for line in plan.lines:
        if line.errors:
            line.action = ERROR


PLANNERS = {ImportKind.PROFILES: plan_profiles, ImportKind.STATISTICS: plan_statistics}


def plan_import(kind: str, rows: list[dict]) -> Plan:
    return PLANNERS[kind](rows)


# --- applying --------------------------------------------------------------------------------------------------


def _refused(line: Line, error: DomainError) -> ImportRefused:
    return ImportRefused(_("%(place)s: %(message)s Nothing was imported.") % {"place": line.place, "message": error})


def _apply_profiles(plan: Plan, user, progress: Callable[[int], None]) -> dict:
    laws = {
        (law.country_id, normalise_name(law.title)): law
        for law in Law.objects.filter(country__in={line.country.pk for line in plan.lines})
    }
    outcome = {"assessments": 0, "laws": 0, "unchanged": 0}
    for done, line in enumerate(plan.lines, start=1):
        if line.action == UNCHANGED:
            outcome["unchanged"] += 1
        else:
            try:
                linked = []
                for title in line.law_titles:
                    key = (line.country.pk, normalise_name(title))
                    if key not in laws:
                        laws[key] = profile_services.record_law(line.country, title=title, user=user, reviewed=True)
                        outcome["laws"] += 1
                    linked.append(laws[key])
                profile_services.record_assessment(
                    line.country,
                    line.article,
                    level=line.level,
                    source=line.source,
                    assessed_on=line.day,
                    provisions=line.values["provisions"],
                    note=line.values["note"],
                    citation=line.values["citation"],
                    laws=linked,
                    user=user,
                    reviewed=True,
                )
            except DomainError as error:
                raise _refused(line, error)
            outcome["assessments"] += 1
        progress(done)
    return outcome


def _apply_statistics(plan: Plan, user, progress: Callable[[int], None]) -> dict:
    # record_figures writes one country × year from one source at a time; lines are grouped so, in file order.
    groups: dict[tuple, list[Line]] = defaultdict(list)
    outcome = {"added": 0, "corrected": 0, "unchanged": 0}
    done = 0
    for line in plan.lines:
        if line.action == UNCHANGED:
            outcome["unchanged"] += 1
            done += 1
        else:
            groups[(line.country.pk, line.year, line.source, line.values["citation"].strip())].append(line)
    progress(done)
    for (_country, year, source, citation), lines in groups.items():
        try:
            statistics_services.record_figures(
                lines[0].country,
                year,
                {line.figure: line.value for line in lines},
                source=source,
                citation=citation,
                user=user,
            )
        except DomainError as error:
            raise _refused(lines[0], error)
        outcome["added"] += sum(1 for line in lines if line.action == ADD)
        outcome["corrected"] += sum(1 for line in lines if line.action == UPDATE)
        done += len(lines)
        progress(done)
    return outcome


# --- templates -------------------------------------------------------------------------------------------------


def template_rows(kind: str) -> tuple[str, list[str], list[list]]:
    """(sheet name, header, example rows) of the template of `kind`: a workbook that imports as it is."""
    if kind == ImportKind.PROFILES:
        header = list(HEADERS[kind])
        example = [
            6,
            "in place",
            "T-CY assessment",
            datetime.date(2016, 3, 1),
            "Criminal Code, Article 284",
            "Criminal Code; Law on Electronic Communications",
            "",
            "T-CY assessment report, 2016, p. 12",
        ]
        return "GE", header, [example]
    header = list(HEADERS[kind])
    cite = "Annual report of the Prosecutor's Office, 2016"
    return (
        "Statistics",
        header,
        [
            ["GE", 2016, "mla_received", 42, "published", cite],
            ["GE", 2016, "mla_executed", 37, "published", cite],
        ],
    )
