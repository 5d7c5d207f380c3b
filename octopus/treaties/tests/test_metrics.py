"""Treaty metrics, as the results framework will read them through the registry in lib."""

import datetime

import pytest

from octopus.countries.models import Country
from octopus.lib.metrics import GLOBAL, Metric, MetricError, MetricRegistry, Scope, reading, registry

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
def test_on_the_day_the_convention_entered_into_force_six_states_had_deposited_and_five_were_bound():
    # Parties are counted from the deposit, as the Treaty Office counts them: Romania deposited on 12 May 2004, and
    # the Convention entered into force for it on 1 September 2004.
    def states(key):
        return sorted(c.iso2 for c in registry.records(key, D(2001, 11, 23), D(2004, 7, 1), treaty=185))

    assert states("treaties.parties") == ["AL", "EE", "HR", "HU", "LT", "RO"]
    assert states("treaties.parties_and_invited") == ["AL", "EE", "HR", "HU", "LT", "RO"]
    assert states("treaties.parties_in_force") == ["AL", "EE", "HR", "HU", "LT"]


def test_treaty_metrics_are_global_and_only_parties_have_official_counterparts():
    keys = ["treaties.parties", "treaties.parties_and_invited", "treaties.parties_in_force"]

    metrics = [registry.get(key) for key in keys]

    assert [m.reach for m in metrics] == [GLOBAL, GLOBAL, GLOBAL]
    assert [m.official is not None for m in metrics] == [True, True, False]


@pytest.mark.django_db
def test_a_reading_narrowed_to_some_countries_counts_only_those():
    assisted = frozenset(Country.objects.filter(iso2__in=["AL", "RO", "FR"]).values_list("pk", flat=True))

    with reading(Scope(countries=assisted)):
        parties = registry.evaluate("treaties.parties", D(2001, 11, 23), D(2004, 7, 1), treaty=185)
        in_force = registry.evaluate("treaties.parties_in_force", D(2001, 11, 23), D(2004, 7, 1), treaty=185)
        by_country = registry.breakdown("treaties.parties", "country", D(2001, 11, 23), D(2004, 7, 1), treaty=185)
        series = registry.evaluate_series("treaties.parties", [(D(2004, 1, 1), D(2004, 7, 1))], treaty=185)

    assert (parties, in_force) == (2, 1)
    assert by_country == {"AL": 1, "RO": 1}
    assert series == [2]


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
