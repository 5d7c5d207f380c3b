"""Days as the site reads them: the `?at=YYYY-MM-DD` day that every dated page takes (the status map, country pages,
legislation, results: `as_at` reads it, `render_as_at` shows the page), and `IsoDate`, the strict day every API route
reads (`0` or `1700000000` is not a day)."""

import datetime
import re
from typing import Annotated

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_day(text: str) -> datetime.date:
    """The day written YYYY-MM-DD, and nothing else: not a number, a week date, a basic 20240101 or a timestamp
    (which `date.fromisoformat` and pydantic would each read as some day). Raises ValueError."""
    if not ISO_DAY.fullmatch(text):
        raise ValueError(_("Use a date written YYYY-MM-DD."))
    return datetime.date.fromisoformat(text)


def _strict_day(value):
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value  # a day already (an answer built from a record)
    try:
        if isinstance(value, str):
            return iso_day(value)
        raise ValueError(_("Use a date written YYYY-MM-DD."))
    except ValueError as exc:  # pydantic would prefix its message with "Value error, "
        raise PydanticCustomError("iso_date", str(exc)) from None


IsoDate = Annotated[datetime.date, BeforeValidator(_strict_day)]
"""A day in an API query string or body: only a YYYY-MM-DD string (a number is never a day). Refused → 422 naming it."""


def as_at(request) -> tuple[datetime.date, str]:
    """The `?at=YYYY-MM-DD` day of a page (today by default) and an error message when it is not a usable date (the
    page then shows today)."""
    today = timezone.localdate()
    raw = request.GET.get("at", "").strip()
    if not raw:
        return today, ""
    try:
        day = iso_day(raw)
    except ValueError:
        return today, _("“%(value)s” is not a date (use YYYY-MM-DD); showing today instead.") % {"value": raw[:40]}
    if day > today:
        return today, _("%(value)s is in the future; showing today instead.") % {"value": day}
    if day < datetime.date(1990, 1, 1):
        return today, _("There are no records before 1990; showing today instead.")
    return day, ""


def render_as_at(request, template: str, context: dict, error: str = "") -> HttpResponse:
    """A page as at a day: the error (from `as_at`, or the page's own about its query) is shown in the date picker
    and answered 400, so that a link with a bad date is not taken for the page it asked for; else 200."""
    return render(request, template, {**context, "date_error": error}, status=400 if error else 200)
