"""The `?at=YYYY-MM-DD` day that every dated page takes (the status map, country pages, results)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _


def chosen_date(request) -> tuple[datetime.date, str]:
    """The `?at=YYYY-MM-DD` day (today by default) and an error message when it is not a usable date."""
    today = timezone.localdate()
    raw = request.GET.get("at", "").strip()
    if not raw:
        return today, ""
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        return today, _("“%(value)s” is not a date (use YYYY-MM-DD); showing today instead.") % {"value": raw[:40]}
    if day > today:
        return today, _("%(value)s is in the future; showing today instead.") % {"value": day}
    if day < datetime.date(1990, 1, 1):
        return today, _("There are no records before 1990; showing today instead.")
    return day, ""
