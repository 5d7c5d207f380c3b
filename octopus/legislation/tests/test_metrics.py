"""The legislation metrics of the logframe (O.3, O.4 and the change in compliance, assisted or not), at the
boundaries of their periods, per country, with their drill-downs and breakdowns, read once per reading."""

import datetime

import pytest

from octopus.accounts.models import Role
from octopus.countries.models import Country
from octopus.legislation.metrics import years_within
from octopus.legislation.services import advice as advice_services
from octopus.legislation.services import profiles
from octopus.legislation.services.statistics import record_figures
from octopus.lib.metrics import MetricError, reading, registry
from octopus.testing.helpers import make_user
from octopus.treaties.models import Article

D = datetime.date
Y2016, Y2017 = (D(2016, 1, 1), D(2016, 12, 31)), (D(2017, 1, 1), D(2017, 12, 31))
BOTH = (D(2016, 1, 1), D(2017, 12, 31))


@pytest.fixture
def staff(db):
    return make_user(Role.PROGRAMME_STAFF)


def country(iso2: str) -> Country:
    return Country.objects.get(iso2=iso2)


def article(number: int) -> Article:
    return Article.objects.get(treaty__number=185, number=number)


def figure(staff, iso2, year, **values):
    record_figures(country(iso2), year, values, source="published", citation="Report", user=staff)


@pytest.fixture
def statistics(staff):
    figure(staff, "GE", 2016, cases_prosecuted=10, cases_convicted=4, mla_median_days=100)
    figure(staff, "GE", 2017, cases_prosecuted=20, mla_median_days=80)
    figure(staff, "AM", 2017, cases_prosecuted=5, cases_convicted=1, mla_median_days=60)
    figure(staff, "AM", 2018, cases_prosecuted=7)
    figure(staff, "MD", 2016, mla_median_days=200)


def test_a_year_counts_when_it_lies_wholly_within_the_period():
    assert list(years_within(*BOTH)) == [2016, 2017]
    assert list(years_within(D(2016, 1, 2), D(2017, 12, 31))) == [2017]
    assert list(years_within(D(2016, 1, 1), D(2017, 12, 30))) == [2016]
    assert list(years_within(D(2017, 3, 1), D(2017, 12, 31))) == []


def test_cases_prosecuted_and_convicted_sum_the_years_within_the_period(statistics):
    def prosecuted(start, end, **params):
        return registry.evaluate("legislation.cases_prosecuted", start, end, **params)

    assert prosecuted(*BOTH) == 35
    assert prosecuted(D(2016, 1, 2), D(2017, 12, 31)) == 25  # 2016 is cut: it does not count
    assert prosecuted(D(2016, 1, 1), D(2017, 12, 30)) == 10  # nor a cut 2017
    assert prosecuted(D(2017, 3, 1), D(2017, 12, 31)) is None  # no whole year: no figure, not 0
    assert prosecuted(D(2014, 1, 1), D(2015, 12, 31)) is None  # nothing reported
    assert prosecuted(D(2016, 1, 1), D(2018, 12, 31), country="ge") == 30
    assert prosecuted(D(2016, 1, 1), D(2018, 12, 31), country="AM") == 12
    assert registry.evaluate("legislation.cases_convicted", *BOTH) == 5
    assert registry.evaluate("legislation.cases_convicted", *Y2017, country="GE") is None
    assert registry.breakdown("legislation.cases_prosecuted", "country", D(2016, 1, 1), D(2018, 12, 31)) == {
        "GE": 30,
        "AM": 12,
    }
    records = registry.records("legislation.cases_prosecuted", *BOTH)
    assert [(r.country.iso2, r.year, r.value) for r in records] == [("AM", 2017, 5), ("GE", 2016, 10), ("GE", 2017, 20)]
    assert sum(r.value for r in records) == registry.evaluate("legislation.cases_prosecuted", *BOTH)
    assert [r.year for r in registry.records("legislation.cases_prosecuted", *Y2016, country="GE")] == [2016]


def test_the_median_days_take_each_countrys_latest_figure_within_the_period(statistics):
    def median(start, end, **params):
        return registry.evaluate("legislation.mla_median_days", start, end, **params)

    assert median(*BOTH) == 80  # GE 80 (2017, its latest), AM 60, MD 200: odd count, the middle one
    assert median(*Y2016) == 150  # GE 100, MD 200: even count, the mean of the two middle ones
    assert median(*Y2017) == 70  # GE 80, AM 60
    assert median(*BOTH, country="GE") == 80
    assert median(D(2016, 1, 2), D(2017, 12, 31), country="MD") is None  # its 2016 figure is outside
    assert median(D(2018, 1, 1), D(2018, 12, 31)) is None
    records = registry.records("legislation.mla_median_days", *BOTH)
    assert sorted((r.country.iso2, r.year, r.value) for r in records) == [
        ("AM", 2017, 60),
        ("GE", 2017, 80),
        ("MD", 2016, 200),
    ]
    assert registry.breakdown("legislation.mla_median_days", "country", *BOTH) == {"GE": 80, "AM": 60, "MD": 200}


def test_an_unknown_country_is_refused(statistics):
    for key in ("legislation.cases_prosecuted", "legislation.cases_convicted", "legislation.mla_median_days"):
        with pytest.raises(MetricError, match="Unknown country 'XX'"):
            registry.evaluate(key, *BOTH, country="XX")
        with pytest.raises(MetricError, match="Unknown country 'XX'"):
            list(registry.records(key, *BOTH, country="XX"))


def test_one_reading_reads_the_figures_once(statistics, django_assert_num_queries):
    years = [Y2016, Y2017, BOTH]
    with reading(), django_assert_num_queries(1):
        registry.evaluate_series("legislation.cases_prosecuted", years)
        registry.evaluate_series("legislation.cases_convicted", years)
        registry.evaluate_series("legislation.mla_median_days", years)
        registry.breakdown("legislation.cases_prosecuted", "country", *BOTH)
        registry.breakdown("legislation.mla_median_days", "country", *BOTH)


# --- compliance change, assisted or not --------------------------------------------------------------------------


def assess(staff, iso2, number, level, day):
    profiles.record_assessment(
        country(iso2), article(number), level=level, source="desk_review", assessed_on=day, user=staff, reviewed=True
    )


@pytest.fixture
def compliance(staff):
    # Georgia, advised from 1 March 2016: Article 2 put in place on 1 June 2016.
    assess(staff, "GE", 2, "not_in_place", D(2015, 6, 1))
    assess(staff, "GE", 3, "in_place", D(2015, 1, 1))
    assess(staff, "GE", 2, "in_place", D(2016, 6, 1))
    advice_services.record_advice(
        country("GE"),
        reviewed="Draft law",
        mode="desk_review",
        starts_on=D(2016, 3, 1),
        ends_on=D(2016, 3, 10),
        articles=[article(2)],
        user=staff,
    )
    # Armenia, never advised: Article 3 in place on the last day of 2016.
    assess(staff, "AM", 2, "not_in_place", D(2015, 1, 1))
    assess(staff, "AM", 3, "partially", D(2015, 1, 1))
    assess(staff, "AM", 4, "not_in_place", D(2015, 1, 1))
    assess(staff, "AM", 3, "in_place", D(2016, 12, 31))
    # Moldova, first assessed within 2016: no baseline, left out.
    assess(staff, "MD", 2, "in_place", D(2016, 1, 1))


def change(start, end, **params):
    return registry.evaluate("legislation.compliance_change", start, end, **params)


def test_the_change_in_compliance_of_assisted_and_other_countries(compliance):
    assert change(*Y2016) == 50.0  # GE: 1 of 2 in place on 31 Dec 2015, 2 of 2 on 31 Dec 2016
    assert change(*Y2016, assisted=True) == 50.0
    assert change(*Y2016, assisted=False) == 33.3  # AM: 0 of 3, then 1 of 3 (MD has no baseline)
    assert change(D(2016, 1, 1), D(2016, 12, 30), assisted=False) == 0.0  # the change on the 31st is after it
    assert change(D(2016, 6, 1), D(2016, 12, 31)) == 50.0  # a change on the first day counts in the period
    assert change(D(2016, 6, 2), D(2016, 12, 31)) == 0.0
    assert change(*Y2016, group="substantive") == 50.0
    assert change(D(2014, 1, 1), D(2014, 12, 31)) is None  # nobody assessed before: no baseline
    assert [c.iso2 for c in registry.records("legislation.compliance_change", *Y2016)] == ["GE"]
    assert [c.iso2 for c in registry.records("legislation.compliance_change", *Y2016, assisted=False)] == ["AM"]


def test_a_country_is_assisted_once_advice_began_by_the_period_end(compliance):
    before_advice = (D(2016, 1, 1), D(2016, 2, 29))

    assert change(*before_advice) is None  # nobody assisted yet
    assert [c.iso2 for c in registry.records("legislation.compliance_change", *before_advice, assisted=False)] == [
        "AM",
        "GE",
    ]
    with pytest.raises(MetricError, match="Unknown article group 'civil'"):
        change(*Y2016, group="civil")
    with pytest.raises(MetricError, match="must be true or false"):
        change(*Y2016, assisted="yes")


def test_workshops_and_contributions_per_country_come_from_the_events_metric():
    # Indicators 3.1 and 3.2 read events.held (workshops, contributions), which is broken down by country already.
    assert "country" in registry.get("events.held").breakdown


def test_the_share_in_place_and_the_countries_advised_break_down_by_country(staff):
    for number, level in ((2, "in_place"), (3, "not_in_place")):
        profiles.record_assessment(
            country("GE"),
            article(number),
            level=level,
            source="desk_review",
            assessed_on=D(2016, 1, 1),
            reviewed=True,
            user=staff,
        )
    profiles.record_assessment(
        country("AM"),
        article(2),
        level="in_place",
        source="desk_review",
        assessed_on=D(2016, 1, 1),
        reviewed=True,
        user=staff,
    )
    for iso2 in ("GE", "AM"):
        advice_services.record_advice(
            country(iso2),
            reviewed="Criminal Code",
            mode="desk_review",
            starts_on=D(2017, 3, 1),
            ends_on=D(2017, 3, 2),
            articles=[article(2)],
            user=staff,
        )
    start, end = D(2017, 1, 1), D(2017, 12, 31)

    with reading():
        shares = registry.breakdown("legislation.share_in_place", "country", start, end)
        one = registry.breakdown("legislation.share_in_place", "country", start, end, country="GE")
        advised = registry.breakdown("legislation.countries_advised", "country", start, end)
        regions = registry.breakdown("legislation.countries_advised", "region", start, end)

    assert shares == {"GE": 50.0, "AM": 100.0} and one == {"GE": 50.0}
    assert advised == {"GE": 1, "AM": 1}
    assert regions == {"Asia": 2}  # Georgia and Armenia, as the country data places them


def test_a_focal_point_sees_only_its_own_countrys_figures_behind_an_indicator(client, statistics):
    from django.urls import reverse

    from octopus.results.models import Indicator

    indicator = Indicator.objects.get(code="O.3", node__programme__code="cybercrime-octopus")
    url = reverse("results:results_records", args=["cybercrime-octopus", indicator.pk])
    client.force_login(make_user(Role.FOCAL_POINT))  # Georgia's

    page = client.get(url, {"at": "2019-12-31"}).content.decode()
    exported = client.get(url, {"at": "2019-12-31", "format": "csv"}).content.decode()

    assert "Georgia 2016" in page and "Georgia 2017" in page
    assert "Armenia" not in page and "Armenia" not in exported
