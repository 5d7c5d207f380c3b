"""Dates known only to the month or the year.

A source may say "adopted in November 2016" or "held in 2015". Such a date is stored as the first day of what is
known (2016-11-01, 2015-01-01) with its precision, so it sorts and counts in the period that contains that day. A
period finer than the precision (a semester for a date known to the year) may not wholly contain what is known:
the record still counts there, and the drill-down says "month known, day not" (`vaguer_than`), so it is never
dropped and never passed off as exact.
"""

import datetime

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class Precision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month known, day not")
    YEAR = "year", _("Year known, month not")


def first_day(day: datetime.date, precision: str) -> datetime.date:
    """The day stored for a date of `precision`: the first of its month or year."""
    if precision == Precision.MONTH:
        return day.replace(day=1)
    if precision == Precision.YEAR:
        return day.replace(month=1, day=1)
    return day


def last_day(day: datetime.date, precision: str) -> datetime.date:
    """The last day the known part of a date can stand for."""
    if precision == Precision.MONTH:
        following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return following - datetime.timedelta(days=1)
    if precision == Precision.YEAR:
        return day.replace(month=12, day=31)
    return day


def vaguer_than(day: datetime.date, precision: str, start: datetime.date, end: datetime.date) -> bool:
    """Whether what is known of the date spills out of the period start–end (the record counts there all the same,
    by its stored first day, and the drill-down says how little is known)."""
    return precision != Precision.DAY and (first_day(day, precision) < start or last_day(day, precision) > end)


def shown(day: datetime.date | None, precision: str = Precision.DAY) -> str:
    """A date as far as it is known: "18 November 2016", "November 2016", "2015"."""
    if day is None:
        return ""
    if precision == Precision.YEAR:
        return str(day.year)
    if precision == Precision.MONTH:
        return date_format(day, "F Y")
    return date_format(day, "j F Y")
