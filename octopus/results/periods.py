"""Reporting periods: the life of the programme, calendar years and semesters, clipped to the programme's dates.

A period has a key people and the API use: "life", "2016", "2016-S1".
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

LIFE, YEAR, SEMESTER = "life", "year", "semester"
_KEY = re.compile(r"^(?P<year>\d{4})(?:-S(?P<half>[12]))?$")


@dataclass(frozen=True, order=True)
class Period:
    start: datetime.date
    end: datetime.date
    kind: str

    @property
    def key(self) -> str:
        if self.kind == LIFE:
            return LIFE
        if self.kind == YEAR:
            return str(self.start.year)
        return f"{self.start.year}-S{1 if self.start.month <= 6 else 2}"

    @property
    def label(self) -> str:
        return _("Life of programme") if self.kind == LIFE else self.key.replace("-", " ")

    def elapsed(self, at: datetime.date) -> tuple[int, int]:
        """Days of the period gone by on `at` (inclusive), and its length in days."""
        total = (self.end - self.start).days + 1
        gone = (min(at, self.end) - self.start).days + 1
        return max(0, min(gone, total)), total

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def _calendar(kind: str, year: int, half: int | None) -> tuple[datetime.date, datetime.date]:
    if kind == YEAR:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (
        (datetime.date(year, 1, 1), datetime.date(year, 6, 30))
        if half == 1
        else (
            datetime.date(year, 7, 1),
            datetime.date(year, 12, 31),
        )
    )


def periods_of(kind: str, starts_on: datetime.date, ends_on: datetime.date) -> list[Period]:
    """Every period of `kind` that overlaps the programme window, clipped to it."""
    if kind == LIFE:
        return [Period(starts_on, ends_on, LIFE)]
    found = []
    for year in range(starts_on.year, ends_on.year + 1):
        for half in (1, 2) if kind == SEMESTER else (None,):
            start, end = _calendar(kind, year, half)
            if end >= starts_on and start <= ends_on:
                found.append(Period(max(start, starts_on), min(end, ends_on), kind))
    return found


class PeriodError(ValueError):
    pass


def parse_period(key: str, starts_on: datetime.date, ends_on: datetime.date) -> Period:
    """The period a key names, within the programme window; PeriodError says what is wrong with it."""
    key = (key or "").strip()
    if key == LIFE:
        return Period(starts_on, ends_on, LIFE)
    match = _KEY.match(key)
    if not match:
        raise PeriodError(
            _("“%(key)s” is not a period: use life, a year (2016) or a semester (2016-S1).") % {"key": key[:40]}
        )
    year, half = int(match["year"]), match["half"]
    kind = SEMESTER if half else YEAR
    start, end = _calendar(kind, year, int(half) if half else None)
    if end < starts_on or start > ends_on:
        raise PeriodError(
            _("%(key)s is outside the programme (%(start)s – %(end)s).")
            % {"key": key, "start": starts_on, "end": ends_on}
        )
    return Period(max(start, starts_on), min(end, ends_on), kind)
