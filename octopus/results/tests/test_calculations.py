"""The arithmetic of results, exactly: comparators at their boundaries, accumulation, % of target, pace, forecast."""

import datetime
from decimal import Decimal

import pytest

from octopus.results.calculations import Goal, Status, accumulate, assess, forecast, percent_of
from octopus.results.periods import PeriodError, parse_period, periods_of

D = datetime.date
START, END = D(2014, 1, 1), D(2019, 12, 31)
MIDDLE = D(2016, 12, 31)  # 1096 of 2191 days gone: just over half


def status(goal, actual, at, *, cumulative=True, baseline=None):
    value = None if actual is None else Decimal(actual)
    return assess(goal, value, start=START, end=END, at=at, cumulative=cumulative, baseline=baseline)


AT_LEAST_20 = Goal("ge", Decimal(20))
AT_MOST_25 = Goal("le", Decimal(25))
EXACTLY_4 = Goal("eq", Decimal(4))
BETWEEN_10_20 = Goal("range", Decimal(10), Decimal(20))


@pytest.mark.parametrize(
    ("goal", "actual", "at", "expected"),
    [
        # A floor met stays met, during the programme and after it.
        (AT_LEAST_20, 20, MIDDLE, Status.MET),
        (AT_LEAST_20, 21, END, Status.MET),
        (AT_LEAST_20, 19, END, Status.NOT_MET),
        # Below the floor while running: on track if at least the elapsed share of the target (10.00… on MIDDLE).
        (AT_LEAST_20, 11, MIDDLE, Status.ON_TRACK),
        (AT_LEAST_20, 10, MIDDLE, Status.BEHIND),
        # A ceiling is a limit, not a goal: never met while running (even at 0), within it at the end; one over it
        # is flagged at once.
        (AT_MOST_25, 25, MIDDLE, Status.UNDER_CEILING),
        (AT_MOST_25, 0, MIDDLE, Status.UNDER_CEILING),
        (AT_MOST_25, 25, END, Status.WITHIN_CEILING),
        (AT_MOST_25, 26, MIDDLE, Status.EXCEEDED),
        (AT_MOST_25, 0, END, Status.WITHIN_CEILING),
        # Exactly: reached is met, one more is exceeded, short at the end is not met.
        (EXACTLY_4, 4, MIDDLE, Status.MET),
        (EXACTLY_4, 5, END, Status.EXCEEDED),
        (EXACTLY_4, 3, END, Status.NOT_MET),
        (EXACTLY_4, 3, MIDDLE, Status.ON_TRACK),
        (EXACTLY_4, 2, MIDDLE, Status.BEHIND),
        # A range: both bounds count as inside.
        (BETWEEN_10_20, 10, END, Status.MET),
        (BETWEEN_10_20, 20, END, Status.MET),
        (BETWEEN_10_20, 21, MIDDLE, Status.EXCEEDED),
        (BETWEEN_10_20, 9, END, Status.NOT_MET),
        # No value yet, no target, or a period not begun.
        (AT_LEAST_20, None, MIDDLE, Status.AWAITING),
        (None, 12, MIDDLE, Status.NO_TARGET),
        (AT_LEAST_20, 0, D(2013, 12, 31), Status.NOT_STARTED),
    ],
)
def test_status_follows_the_comparator(goal, actual, at, expected):
    assert status(goal, actual, at) == expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [(D(2019, 12, 30), Status.BEHIND), (D(2019, 12, 31), Status.NOT_MET), (D(2020, 1, 1), Status.NOT_MET)],
)
def test_a_floor_not_reached_turns_from_behind_to_not_met_on_the_last_day(at, expected):
    assert status(AT_LEAST_20, 19, at) == expected


def test_the_first_day_counts_as_elapsed():
    # On day 1 of 2191 the pace calls for 20/2191 ≈ 0.009: nothing done is behind, one done is on track.
    assert status(AT_LEAST_20, 0, START) == Status.BEHIND
    assert status(AT_LEAST_20, 1, START) == Status.ON_TRACK


def test_a_latest_value_over_a_ceiling_is_behind_while_it_can_come_back_and_exceeded_at_the_end():
    # "Median days to execute a request: at most 90" can come back under the ceiling while the period runs; at its
    # end a ceiling reads "within ceiling" or "ceiling exceeded", whatever the accumulation.
    assert status(Goal("le", Decimal(90)), 120, MIDDLE, cumulative=False) == Status.BEHIND
    assert status(Goal("le", Decimal(90)), 120, END, cumulative=False) == Status.EXCEEDED
    assert status(Goal("le", Decimal(90)), 80, END, cumulative=False) == Status.WITHIN_CEILING


def test_a_latest_value_is_paced_from_its_baseline():
    # Baseline 40 %, target 70 %: on MIDDLE (1096/2191 gone) the line stands at 40 + 30 × 1096/2191 ≈ 55.007.
    goal = Goal("ge", Decimal(70))
    assert status(goal, 55, MIDDLE, cumulative=False, baseline=Decimal(40)) == Status.BEHIND
    assert status(goal, Decimal("55.01"), MIDDLE, cumulative=False, baseline=Decimal(40)) == Status.ON_TRACK


@pytest.mark.parametrize(
    ("accumulation", "values", "whole", "expected"),
    [
        ("sum", [Decimal(2), None, Decimal(3)], None, Decimal(5)),
        ("sum", [None, None], None, None),
        ("latest", [Decimal(2), Decimal(7), None], None, Decimal(7)),
        ("latest", [], None, None),
        # Distinct over the life: a country advised in 2015 and in 2016 counts once, whatever the periods add to.
        ("distinct", [Decimal(1), Decimal(1)], Decimal(1), Decimal(1)),
        ("distinct", [Decimal(1), Decimal(1)], None, None),
    ],
)
def test_accumulation(accumulation, values, whole, expected):
    assert accumulate(accumulation, values, whole) == expected


@pytest.mark.parametrize(
    ("actual", "goal", "expected"),
    [
        (Decimal(23), AT_MOST_25, Decimal("92.0")),
        (Decimal(1), Goal("eq", Decimal(3)), Decimal("33.3")),
        (Decimal(2), Goal("eq", Decimal(3)), Decimal("66.7")),
        (Decimal("0.05"), Goal("ge", Decimal(1000)), Decimal("0.0")),
        (Decimal("0.15"), Goal("ge", Decimal(1000)), Decimal("0.0")),
        (Decimal(1), Goal("ge", Decimal(8)), Decimal("12.5")),  # half up, not banker's rounding
        (Decimal(15), BETWEEN_10_20, Decimal("75.0")),  # a range is measured against its upper bound
        (Decimal(5), Goal("ge", Decimal(0)), None),
        (None, AT_LEAST_20, None),
        (Decimal(5), None, None),
    ],
)
def test_percent_of_target(actual, goal, expected):
    assert percent_of(actual, goal) == expected


def test_forecast_carries_the_pace_to_the_end_and_warns():
    # 10 workshops after 1096 of 2191 days → 10 × 2191 / 1096 = 19.99… → 20.0, short of a floor of 20.5.
    outlook = forecast(Goal("ge", Decimal("20.5")), Decimal(10), start=START, end=END, at=MIDDLE)
    assert (outlook.value, outlook.method) == (Decimal("20.0"), "pace")
    assert outlook.warning == "Unlikely to reach the target at this pace."


def test_forecast_uses_planned_records_when_the_metric_knows_them():
    outlook = forecast(AT_MOST_25, Decimal(20), start=START, end=END, at=MIDDLE, planned=Decimal(7))
    assert (outlook.value, outlook.method, outlook.warning) == (
        Decimal(27),
        "planned",
        "On course to exceed the ceiling.",
    )


def test_no_forecast_without_a_value_nor_once_the_period_has_ended():
    assert forecast(AT_MOST_25, None, start=START, end=END, at=MIDDLE) is None
    assert forecast(AT_MOST_25, Decimal(24), start=START, end=END, at=END) is None
    assert forecast(AT_MOST_25, Decimal(24), start=START, end=END, at=D(2020, 3, 1)) is None


def test_periods_are_clipped_to_the_programme():
    years = periods_of("year", D(2014, 7, 1), D(2016, 3, 31))
    assert [(p.key, p.start, p.end) for p in years] == [
        ("2014", D(2014, 7, 1), D(2014, 12, 31)),
        ("2015", D(2015, 1, 1), D(2015, 12, 31)),
        ("2016", D(2016, 1, 1), D(2016, 3, 31)),
    ]
    semesters = periods_of("semester", D(2014, 1, 1), D(2014, 12, 31))
    assert [p.key for p in semesters] == ["2014-S1", "2014-S2"]
    assert parse_period("2015-S2", START, END).start == D(2015, 7, 1)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("2020", "2020 is outside the programme (2014-01-01 – 2019-12-31)."),
        ("2013-S2", "2013-S2 is outside the programme (2014-01-01 – 2019-12-31)."),
        ("2016-S3", "“2016-S3” is not a period: use life, a year (2016) or a semester (2016-S1)."),
        ("", "“” is not a period: use life, a year (2016) or a semester (2016-S1)."),
    ],
)
def test_a_period_outside_the_programme_or_malformed_is_refused(key, message):
    with pytest.raises(PeriodError) as error:
        parse_period(key, START, END)
    assert str(error.value) == message
