"""The events' metrics, read through the registry as the results framework reads them."""

import datetime

import pytest

from octopus.countries.models import Country
from octopus.events.models import Event, Kind, RegistrationState, Status
from octopus.events.tests.conftest import make_event
from octopus.lib.metrics import MetricError, reading, registry
from octopus.people.models import Organisation, Person
from octopus.testing.factories import CountryFactory, RegistrationFactory

D = datetime.date
LIFE = (D(2014, 1, 1), D(2019, 12, 31))
YEARS = [(D(y, 1, 1), D(y, 12, 31)) for y in range(2014, 2020)]
CONFERENCES = {"kinds": [Kind.OCTOPUS_CONFERENCE]}
WORKSHOPS = {"kinds": [Kind.IN_COUNTRY_WORKSHOP, Kind.REGIONAL_WORKSHOP]}
EVENT_METRICS = [m for m in registry if m.key.startswith("events.")]


def register(event, person, *, country, attended=True, **fields):
    """An approved participant (unless `state=` says otherwise), checked in on the first day if `attended`."""
    place = CountryFactory(iso2=country)
    return RegistrationFactory(event=event, person=person, country=place, attended_days=int(attended), **fields)


@pytest.fixture
def case(staff):
    """The real conferences of 2016, 2018 and 2019 (reference data) with a few participants, workshops (one held in
    two host countries, one planned, one cancelled), a training and contributions to others' events."""
    country = Country.objects.get
    conference = {year: Event.objects.get(slug=f"octopus-{year}") for year in (2016, 2018, 2019)}
    workshop = make_event(
        staff, slug="workshop-ge-2016", status=Status.HELD, host_countries=[country(iso2="GE"), country(iso2="AM")]
    )
    regional = make_event(
        staff,
        slug="regional-2017",
        kind=Kind.REGIONAL_WORKSHOP,
        status=Status.HELD,
        starts_on=D(2017, 3, 1),
        country=country(iso2="UA"),
    )
    make_event(staff, slug="workshop-2019", status=Status.PLANNED, starts_on=D(2019, 10, 1))
    make_event(staff, slug="workshop-2018", status=Status.CANCELLED, starts_on=D(2018, 10, 1))
    training = make_event(staff, slug="training-2018", kind=Kind.TRAINING, status=Status.HELD, starts_on=D(2018, 4, 2))
    for slug, day, status, role, audience in [
        ("contribution-2017", D(2017, 6, 1), Status.HELD, "speaker", 120),
        ("contribution-2018", D(2018, 6, 1), Status.HELD, "trainer", 80),
        ("contribution-2019", D(2019, 6, 1), Status.CONFIRMED, "", None),
    ]:
        make_event(
            staff,
            slug=slug,
            kind=Kind.CONTRIBUTION,
            status=status,
            starts_on=day,
            our_role=role,
            audience_estimate=audience,
        )
    police = Organisation.objects.create(name="Police GE", sector="police", country=country(iso2="GE"))
    prosecution = Organisation.objects.create(name="Parquet", sector="prosecution", country=country(iso2="FR"))
    a = Person.objects.create(first_name="Ana", last_name="A", sex="female", organisation=police)
    b = Person.objects.create(first_name="Bruno", last_name="B", sex="male", organisation=prosecution)
    c = Person.objects.create(first_name="Cem", last_name="C")
    d = Person.objects.create(first_name="B.", last_name="B", sex="male", organisation=prosecution, merged_into=b)
    register(conference[2016], a, country="GE")
    register(workshop, a, country="GE")
    register(training, a, country="GE")
    register(conference[2016], b, country="FR", role="speaker")
    register(conference[2018], b, country="FR")
    register(conference[2019], d, country="FR")  # left behind by a merge: counts as b
    register(regional, c, country="UA")
    register(training, c, country="UA", role="trainer")
    register(conference[2019], c, country="UA", state=RegistrationState.CANCELLED)
    register(conference[2018], c, country="UA", attended=False)
    return conference


@pytest.mark.django_db
@pytest.mark.parametrize("metric", EVENT_METRICS, ids=lambda m: m.key)
@pytest.mark.parametrize("window", [LIFE, YEARS[2], (D(2019, 1, 1), D(2016, 1, 1))], ids=str)
def test_every_counting_metric_equals_the_records_it_drills_down_to(case, metric, window):
    value = registry.evaluate(metric.key, *window)
    records = list(registry.records(metric.key, *window))

    if metric.aggregate == "count":
        assert value == len(records)
    elif metric.key == "events.audience_estimated":
        assert value == sum(e.audience_estimate or 0 for e in records)
    else:
        assert metric.key == "events.conference_interval"
        assert all(e.kind == Kind.OCTOPUS_CONFERENCE for e in records)


@pytest.mark.django_db
def test_events_held_with_planned_series_and_where(case):
    # 2015 is known to the year only: it counts in 2015, by its first day.
    assert registry.evaluate("events.held", *LIFE, **CONFERENCES) == 4
    assert registry.evaluate_series("events.held", YEARS, **CONFERENCES) == [0, 1, 1, 0, 1, 1]
    assert [e.slug for e in registry.records("events.held", *LIFE, **WORKSHOPS)] == [
        "workshop-ge-2016",
        "regional-2017",
    ]
    assert registry.planned("events.held", *LIFE, **WORKSHOPS) == 1
    assert registry.breakdown("events.held", "country", *LIFE, **WORKSHOPS) == {"GE": 1, "AM": 1, "UA": 1}
    assert registry.breakdown("events.held", "region", *LIFE, **WORKSHOPS) == {"Asia": 1, "Europe": 1}
    assert registry.breakdown("events.held", "country", *LIFE, **CONFERENCES) == {"FR": 4}


@pytest.mark.django_db
def test_participants_countries_and_organisations_of_the_conferences(case):
    assert registry.evaluate("events.participants", *LIFE, **CONFERENCES) == 2
    assert [p.first_name for p in registry.records("events.participants", *LIFE, **CONFERENCES)] == ["Ana", "Bruno"]
    assert registry.evaluate_series("events.participants", YEARS, **CONFERENCES) == [0, 0, 2, 0, 1, 1]
    assert registry.evaluate("events.participations", *LIFE, **CONFERENCES) == 4
    assert registry.breakdown("events.participants", "sex", *LIFE, **CONFERENCES) == {"female": 1, "male": 1}
    assert registry.breakdown("events.participants", "role", *LIFE, **CONFERENCES) == {"participant": 2, "speaker": 1}
    assert registry.breakdown("events.participants", "country", *LIFE, **CONFERENCES) == {"GE": 1, "FR": 1}
    assert registry.breakdown("events.participants", "region", *LIFE, **CONFERENCES) == {"Asia": 1, "Europe": 1}
    assert registry.breakdown("events.participants", "sector", *LIFE, **CONFERENCES) == {"police": 1, "prosecution": 1}
    assert registry.evaluate("events.countries", *LIFE, **CONFERENCES) == 2
    assert registry.breakdown("events.countries", "region", *LIFE, **CONFERENCES) == {"Asia": 1, "Europe": 1}
    assert [o.name for o in registry.records("events.organisations", *LIFE, **CONFERENCES)] == ["Parquet", "Police GE"]
    assert registry.breakdown("events.organisations", "sector", *LIFE, **CONFERENCES) == {"police": 1, "prosecution": 1}
    # Without kinds: every event (c at the regional workshop, a and c at the training, as participant or trainer).
    assert registry.evaluate("events.participants", *LIFE) == 3


@pytest.mark.django_db
def test_participants_trained_at_trainings_and_workshops_as_participants(case):
    assert registry.evaluate("events.trained", *LIFE) == 2  # a and c; c was a trainer at the training
    assert registry.breakdown("events.trained", "sex", *LIFE) == {"female": 1, "—": 1}
    assert registry.breakdown("events.trained", "sector", *LIFE) == {"police": 1, "—": 1}
    assert registry.evaluate("events.trained", *LIFE, kinds=[Kind.TRAINING]) == 1


@pytest.mark.django_db
def test_the_longest_interval_between_conferences_in_months(case):
    metric = registry.get("events.conference_interval")

    # 2015 (the year is all that is known: taken at its last day, 31 Dec 2015, so the unknown never lengthens an
    # interval) → 16 Nov 2016: 321 days; 16 Nov 2016 → 11 Jul 2018: 602 days; 11 Jul 2018 → 20 Nov 2019: 497 days.
    assert registry.evaluate("events.conference_interval", *LIFE) == 19.8
    assert registry.evaluate("events.conference_interval", D(2016, 1, 1), D(2019, 12, 31)) == 19.8
    assert registry.evaluate("events.conference_interval", D(2018, 1, 1), D(2019, 12, 31)) == 16.3
    assert registry.evaluate("events.conference_interval", *YEARS[2]) is None
    assert [e.slug for e in registry.records("events.conference_interval", *LIFE)] == [
        "octopus-2015",
        "octopus-2016",
        "octopus-2018",
        "octopus-2019",
    ]
    assert metric.aggregate != "count"


@pytest.mark.django_db
def test_contributions_by_our_role_and_their_estimated_audience(case):
    assert registry.evaluate("events.contributions", *LIFE) == 2
    assert registry.breakdown("events.contributions", "role", *LIFE) == {"speaker": 1, "trainer": 1}
    assert registry.planned("events.contributions", *LIFE) == 1
    assert registry.evaluate("events.audience_estimated", *LIFE) == 200
    assert "estimate" in registry.get("events.audience_estimated").description


@pytest.mark.django_db
def test_one_reading_loads_the_events_once_and_the_attendance_once_per_kinds(case, django_assert_num_queries):
    windows = YEARS + [(LIFE[0], end) for _start, end in YEARS]

    with reading(), django_assert_num_queries(2):
        for key in ("events.participants", "events.countries", "events.organisations", "events.participations"):
            registry.evaluate_series(key, windows, **CONFERENCES)
        for params in (CONFERENCES, WORKSHOPS, {"kinds": [Kind.CONTRIBUTION]}):
            registry.evaluate_series("events.held", windows, **params)
            registry.planned("events.held", *LIFE, **params)


@pytest.mark.django_db
def test_an_unknown_kind_is_refused_with_the_known_ones():
    with pytest.raises(MetricError, match="Unknown event kind conference "):
        registry.evaluate("events.held", *LIFE, kinds=["conference"])
    with pytest.raises(MetricError, match="must be a list"):
        registry.evaluate("events.participants", *LIFE, kinds="octopus_conference")


@pytest.mark.django_db
def test_a_breakdown_costs_one_query(case, django_assert_num_queries):
    with django_assert_num_queries(1):
        registry.breakdown("events.participants", "country", *LIFE, **CONFERENCES)
    with django_assert_num_queries(1):
        registry.breakdown("events.held", "country", *LIFE, **WORKSHOPS)
    with django_assert_num_queries(1):
        registry.breakdown("events.organisations", "sector", *LIFE, **CONFERENCES)
