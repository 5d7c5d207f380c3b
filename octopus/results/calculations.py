"""The arithmetic of results: accumulating period values, % of target, status against a comparator, forecasts.

Pure functions over Decimals, so every rule can be tested exactly (tests/test_calculations.py).

Status rules (DESIGN.md §4):
- a floor (at least) met stays met; below it, a running period is "on track" when the value is at least the share
  of the way from the baseline to the target that the time elapsed calls for, "behind" otherwise;
- a ceiling (at most, "up to 25") is no goal to reach: while the period runs it reads "12 of up to 25" with the
  status "under the ceiling" (never met or not met); once the period has ended it is "within ceiling"; a cumulative
  count past it is "ceiling exceeded" at once (it can never come back);
- exactly: reaching the number is "met", passing it "exceeded" (cumulative) or "not met";
- a range is met inside its bounds; past the upper bound it behaves like an exceeded ceiling.
A cumulative value (sum over periods, distinct over the life) only grows, so pace compares it with a straight line
from 0; a latest value (a stock or a rate) is compared with a straight line from the baseline. Pace is measured
within the period's dates only: after its end there is no "on track" and no forecast, only the final status.

The vocabulary (labels and what each status means) is defined here once and shown as the legend of every page that
uses it (`STATUS_MEANINGS`).
"""

import datetime
import enum
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import overload

from django.utils.translation import gettext_lazy as _

ONE_DECIMAL = Decimal("0.1")


class Status(enum.StrEnum):
    MET = "met"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NOT_MET = "not_met"
    EXCEEDED = "exceeded"
    UNDER_CEILING = "under_ceiling"  # a ceiling not reached while the period runs: no met / not met yet
    WITHIN_CEILING = "within_ceiling"  # the period has ended under its ceiling
    NOT_STARTED = "not_started"
    AWAITING = "awaiting"  # no value yet: no record source, or no approved manual value
    NO_TARGET = "no_target"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])

    @property
    def tone(self) -> str:
        """Bootstrap colour name for badges."""
        return STATUS_TONES[self]

    @property
    def colour(self) -> str:
        return TONE_COLOURS[STATUS_TONES[self]]

    @property
    def meaning(self) -> str:
        return str(STATUS_MEANINGS[self])


STATUS_LABELS = {
    Status.MET: _("Met"),
    Status.ON_TRACK: _("On track"),
    Status.BEHIND: _("Behind"),
    Status.NOT_MET: _("Not met"),
    Status.EXCEEDED: _("Ceiling exceeded"),
    Status.UNDER_CEILING: _("Under the ceiling"),
    Status.WITHIN_CEILING: _("Within ceiling"),
    Status.NOT_STARTED: _("Not started"),
    Status.AWAITING: _("Awaiting data"),
    Status.NO_TARGET: _("No target"),
}
STATUS_MEANINGS = {
    Status.MET: _("A target to reach (exactly, at least, between) is reached; a floor once met stays met."),
    Status.ON_TRACK: _("Below the target, but at or above the pace the time elapsed within the period calls for."),
    Status.BEHIND: _("Below the pace the time elapsed within the period calls for."),
    Status.NOT_MET: _("The period has ended without reaching the target."),
    Status.EXCEEDED: _("A ceiling (“up to”) is passed; a count can never come back under it."),
    Status.UNDER_CEILING: _("A ceiling (“up to”) not reached while the period runs: it is a limit, not a goal."),
    Status.WITHIN_CEILING: _("The period has ended and the count stayed within its ceiling."),
    Status.NOT_STARTED: _("The period has not begun."),
    Status.AWAITING: _("No value yet: no record source, or no approved value."),
    Status.NO_TARGET: _("The logframe gives no target for this period; the value is shown as it is."),
}
# The same colours as the Bootstrap badges of each tone, for charts.
TONE_COLOURS = {
    "success": "#198754",
    "primary": "#0d6efd",
    "warning": "#ffc107",
    "danger": "#dc3545",
    "info": "#0dcaf0",
    "secondary": "#6c757d",
    "light": "#adb5bd",
}
STATUS_TONES = {
    Status.MET: "success",
    Status.ON_TRACK: "primary",
    Status.BEHIND: "warning",
    Status.NOT_MET: "danger",
    Status.EXCEEDED: "danger",
    Status.UNDER_CEILING: "info",
    Status.WITHIN_CEILING: "success",
    Status.NOT_STARTED: "secondary",
    Status.AWAITING: "secondary",
    Status.NO_TARGET: "light",
}


@dataclass(frozen=True)
class Goal:
    comparator: str  # "eq", "le", "ge", "range"
    value: Decimal
    upper: Decimal | None = None

    @property
    def reference(self) -> Decimal:
        """The number % of target is taken against: the target, or for a range its upper bound (the whole of it)."""
        return self.upper if self.comparator == "range" and self.upper is not None else self.value


@overload
def as_decimal(value: None) -> None: ...
@overload
def as_decimal(value: Decimal | int | float | str) -> Decimal: ...
def as_decimal(value: Decimal | int | float | str | None) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def accumulate(accumulation: str, period_values: list[Decimal | None], whole: Decimal | None = None) -> Decimal | None:
    """The to-date value from the values of the periods so far (in order).

    sum: their total; latest: the last period that has a value; distinct: `whole`, the count of distinct records
    over the whole span, which is not the sum of the periods (a country advised in 2015 and 2016 counts once).
    """
    known = [v for v in period_values if v is not None]
    if accumulation == "distinct":
        return whole
    if not known:
        return None
    if accumulation == "latest":
        return known[-1]
    return sum(known, Decimal(0))


def percent_of(actual: Decimal | None, goal: Goal | None) -> Decimal | None:
    """Actual as a percentage of the target, to one decimal, rounding half up; None without both or for 0."""
    if actual is None or goal is None or goal.reference == 0:
        return None
    return (Decimal(actual) * 100 / goal.reference).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def assess(
    goal: Goal | None,
    actual: Decimal | None,
    *,
    start: datetime.date,
    end: datetime.date,
    at: datetime.date,
    cumulative: bool,
    baseline: Decimal | None = None,
) -> Status:
    """The status of a value against its target over the period start–end, as it stands on `at`."""
    if goal is None:
        return Status.NO_TARGET
    if at < start:
        return Status.NOT_STARTED
    if actual is None:
        return Status.AWAITING
    ended = at >= end
    low, high = _bounds(goal)
    if high is not None and actual > high:
        if cumulative or (ended and goal.comparator == "le"):
            return Status.EXCEEDED
        return Status.NOT_MET if ended else Status.BEHIND
    if low is None or actual >= low:
        if goal.comparator == "le":
            return Status.WITHIN_CEILING if ended else Status.UNDER_CEILING
        return Status.MET
    if ended:
        return Status.NOT_MET
    return Status.ON_TRACK if actual >= expected(goal, start, end, at, cumulative, baseline) else Status.BEHIND


def _bounds(goal: Goal) -> tuple[Decimal | None, Decimal | None]:
    """(lowest value that meets the goal, highest value that meets it); None where there is no bound."""
    if goal.comparator == "ge":
        return goal.value, None
    if goal.comparator == "le":
        return None, goal.value
    if goal.comparator == "eq":
        return goal.value, goal.value
    return goal.value, goal.upper


def expected(goal: Goal, start, end, at, cumulative: bool, baseline: Decimal | None) -> Decimal:
    """Where a straight line from the start value to the target stands on `at` (the pace called for)."""
    gone, total = _elapsed(start, end, at)
    origin = Decimal(0) if cumulative or baseline is None else baseline
    return origin + (goal.value - origin) * Decimal(gone) / Decimal(total)


def _elapsed(start: datetime.date, end: datetime.date, at: datetime.date) -> tuple[int, int]:
    total = (end - start).days + 1
    gone = (min(at, end) - start).days + 1
    return max(0, min(gone, total)), total


@dataclass(frozen=True)
class Forecast:
    value: Decimal
    method: str  # "pace" or "planned"
    warning: str = ""


def forecast(
    goal: Goal | None,
    actual: Decimal | None,
    *,
    start: datetime.date,
    end: datetime.date,
    at: datetime.date,
    planned: Decimal | None = None,
) -> Forecast | None:
    """The end-of-period value of a cumulative count: the value so far plus what is planned when the records say,
    otherwise the pace so far carried to the end. Warns when a floor looks out of reach or a ceiling overshot.
    None once the period has ended: there is nothing left to forecast."""
    if actual is None or at < start or at >= end:
        return None
    gone, total = _elapsed(start, end, at)
    if planned is not None:
        value, method = actual + planned, "planned"
    else:
        value, method = (actual * total / gone).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP), "pace"
    warning = ""
    if goal is not None:
        low, high = _bounds(goal)
        if low is not None and value < low:
            warning = str(_("Unlikely to reach the target at this pace."))
        elif high is not None and value > high:
            warning = str(_("On course to exceed the ceiling."))
    return Forecast(value, method, warning)
