"""Treaty metrics, as the results framework will read them through the registry in lib."""

import datetime

import pytest

from octopus.lib.metrics import Metric, MetricError, MetricRegistry, registry

D = datetime.date
DAYS = [D(2004, 7, 1), D(2015, 12, 31), D(2019, 12, 31), D(2026, 1, 14)]


@pytest.mark.django_db
# Metrics that count their records; the others (a longest interval, a sum of estimates) are tested by their app.
@pytest.mark.parametrize("metric", [m for m in registry if m.aggregate == "count"], ids=lambda m: m.key)
@pytest.mark.parametrize("day", DAYS, ids=str)
def test_every_counting_metric_equals_the_records_it_drills_down_to(metric, day):
    start = D(2014, 1, 1)

    value = registry.evaluate(metric.key, start, day)

    assert value == len(list(registry.records(metric.key, start, day)))


@pytest.mark.django_db
def test_parties_and_invited_on_the_day_five_states_were_first_bound():
    countries = registry.records("treaties.parties_and_invited", D(2001, 11, 23), D(2004, 7, 1), treaty=185)

    assert sorted(c.iso2 for c in countries) == ["AL", "EE", "HR", "HU", "LT"]


@pytest.mark.django_db
def test_an_unknown_treaty_has_no_states():
    assert registry.evaluate("treaties.parties", D(2014, 1, 1), D(2019, 12, 31), treaty=999) == 0


def test_an_unknown_metric_and_unknown_parameters_are_refused_with_a_reason():
    with pytest.raises(MetricError, match="No metric 'nothing.registered' is registered."):
        registry.evaluate("nothing.registered", D(2014, 1, 1), D(2019, 12, 31))
    with pytest.raises(MetricError, match=r"does not accept kind \(it accepts: treaty\)"):
        registry.evaluate("treaties.parties", D(2014, 1, 1), D(2019, 12, 31), kind="workshop")


def test_a_key_cannot_be_registered_twice():
    own = MetricRegistry()
    own.register(Metric("x.y", "One", value=lambda s, e: 0, drilldown=lambda s, e: []))

    with pytest.raises(MetricError, match="registered twice"):
        own.register(Metric("x.y", "Other", value=lambda s, e: 1, drilldown=lambda s, e: []))
