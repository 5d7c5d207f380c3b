"""The events' metrics read the programme from the reading: a programme counts only the events serving it, a shared
event counts once for each programme and once in a reading of both, an event serving none counts for none, and a
real programme never counts a sample event. Scoping adds no query."""

import datetime
from decimal import Decimal

import pytest

from octopus.countries.models import Country
from octopus.events.models import Event, Kind, Status
from octopus.events.services import set_event_programmes
from octopus.events.tests.conftest import make_event
from octopus.lib.metrics import reading, registry
from octopus.people.models import Organisation, Person
from octopus.results import services as results
from octopus.results.assignments import content_type, countables, programme_scope, unassigned
from octopus.results.models import Programme
from octopus.results.queries import programme_results
from octopus.testing.factories import RegistrationFactory
from octopus.testing.helpers import bearer_for

pytestmark = pytest.mark.django_db
D = datetime.date
LIFE = (D(2014, 1, 1), D(2019, 12, 31))
YEARS = [(D(y, 1, 1), D(y, 12, 31)) for y in range(2014, 2020)]
WORKSHOPS = {"kinds": [Kind.IN_COUNTRY_WORKSHOP, Kind.REGIONAL_WORKSHOP]}
CONFERENCES = {"kinds": [Kind.OCTOPUS_CONFERENCE]}
EVENT_METRICS = [m for m in registry if m.key.startswith("events.")]


def make_programme(code: str, *, is_sample: bool = False) -> Programme:
    return results.create_programme(
        code=code,
        title=code.upper(),
        starts_on=D(2013, 10, 1),
        ends_on=D(2024, 12, 31),
        is_sample=is_sample,
        budget_ceiling=Decimal(1_000_000),
        implementing_office="C-PROC",
        user=None,
    )


def octopus() -> Programme:
    return Programme.objects.get(code="cybercrime-octopus")


def attended(event, *names, country="GE"):
    """People at `event`, approved and checked in on its first day."""
    place = Country.objects.get(iso2=country)
    organisation = Organisation.objects.create(name=f"Police {event.slug}", sector="police", country=place)
    for name in names:
        person = Person.objects.create(first_name=name, last_name=event.slug, sex="female", organisation=organisation)
        RegistrationFactory(event=event, person=person, country=place, attended_days=1)


def values_of(programme) -> dict:
    """Every indicator's value to date and per period, as the dashboard reads them."""
    found = programme_results(programme, D(2019, 12, 31))
    return {row.indicator.code: [row.to_date.actual, *(p.actual for p in row.periods)] for row in found.indicators}


@pytest.fixture
def glacy_workshop(staff):
    """An in-country workshop of GLACY+, held in 2016 with two participants trained."""
    glacy = make_programme("glacy-plus")
    workshop = make_event(staff, slug="glacy-workshop-2016", status=Status.HELD, starts_on=D(2016, 6, 1))
    attended(workshop, "Ana", "Eka")
    set_event_programmes(workshop, [(glacy, Decimal(100), None)], user=staff)
    return workshop


def test_a_workshop_of_another_programme_changes_none_of_cybercrime_octopus_values(staff):
    before = values_of(octopus())
    glacy = make_programme("glacy-plus")
    workshop = make_event(staff, slug="glacy-workshop-2016", status=Status.HELD, starts_on=D(2016, 6, 1))
    attended(workshop, "Ana", "Eka")
    set_event_programmes(workshop, [(glacy, Decimal(100), None)], user=staff)

    assert values_of(octopus()) == before
    with reading(programme_scope(glacy)):
        assert registry.evaluate("events.held", *LIFE, **WORKSHOPS) == 1
        assert registry.evaluate("events.trained", *LIFE) == 2
    # Served by Cybercrime@Octopus instead, the same workshop is its indicator 3.1's: the test above is not empty.
    set_event_programmes(workshop, [(octopus(), Decimal(100), None)], user=staff)
    assert values_of(octopus())["3.1"][0] == before["3.1"][0] + 1


def test_through_the_api_too(client, staff):
    def values() -> dict:
        response = client.get(
            "/api/v1/programmes/cybercrime-octopus/values", {"at": "2019-12-31", "period": "life"}, **bearer_for(staff)
        )
        assert response.status_code == 200, response.content
        return {row["indicator"]: (row["value"], row["breakdown"]) for row in response.json()["indicators"]}

    before = values()
    glacy = make_programme("glacy-plus")
    workshop = make_event(staff, slug="glacy-workshop-2016", status=Status.HELD, starts_on=D(2016, 6, 1))
    attended(workshop, "Ana", "Eka")
    set_event_programmes(workshop, [(glacy, Decimal(100), None)], user=staff)

    assert values() == before
    assert before["1.1"][0] == "4"  # the conferences of 2015, 2016, 2018 and 2019


def test_a_shared_conference_counts_once_for_each_programme_and_once_for_both(staff):
    glacy = make_programme("glacy-plus")
    shared = make_event(
        staff,
        slug="shared-conference-2017",
        kind=Kind.OCTOPUS_CONFERENCE,
        status=Status.HELD,
        starts_on=D(2017, 6, 1),
        days=3,
    )
    attended(shared, "Ana", "Eka", "Nino")
    set_event_programmes(shared, [(octopus(), Decimal(50), None), (glacy, Decimal(50), None)], user=staff)
    year_2017 = YEARS[3]

    counted = {}
    for name, scope in [
        ("octopus", programme_scope(octopus())),
        ("glacy", programme_scope(glacy)),
        ("both", programme_scope(octopus(), glacy)),
    ]:
        with reading(scope):
            counted[name] = (
                registry.evaluate("events.held", *year_2017, **CONFERENCES),
                registry.evaluate("events.participants", *year_2017, **CONFERENCES),
                [e.slug for e in registry.records("events.held", *year_2017, **CONFERENCES)],
            )

    assert counted == dict.fromkeys(("octopus", "glacy", "both"), (1, 3, ["shared-conference-2017"]))
    with reading(programme_scope(octopus(), glacy)):
        assert registry.evaluate("events.held", *LIFE, **CONFERENCES) == 5  # 2015, 2016, 2017, 2018, 2019


def test_an_event_serving_no_programme_counts_for_none_and_is_listed_as_not_assigned(staff):
    orphan = make_event(staff, slug="orphan-workshop-2017", status=Status.HELD, starts_on=D(2017, 3, 1))
    attended(orphan, "Ana")
    glacy = make_programme("glacy-plus")
    events = next(c for c in countables() if c.model is Event)

    for scope in (programme_scope(octopus()), programme_scope(glacy), programme_scope(octopus(), glacy)):
        with reading(scope):
            assert registry.evaluate("events.held", *LIFE, **WORKSHOPS) == 0
            assert registry.evaluate("events.participants", *LIFE, **WORKSHOPS) == 0
    assert registry.evaluate("events.held", *LIFE, **WORKSHOPS) == 1  # outside a reading, every event counts
    assert orphan in unassigned(events.queryset())
    assert events.edit_url(orphan) == "/workspace/events/orphan-workshop-2017/programmes/"


def test_events_before_2014_and_cancelled_ones_are_not_waiting_for_a_programme(staff):
    make_event(staff, slug="cancelled-2017", status=Status.CANCELLED, starts_on=D(2017, 3, 1))
    events = next(c for c in countables() if c.model is Event)

    listed = set(unassigned(events.queryset()).values_list("slug", flat=True))

    # The conferences of 2021 and 2023 serve no programme Octopus holds yet; those of 2007–2012 predate them all.
    assert not {"octopus-2007", "octopus-2012", "cancelled-2017"} & listed
    assert {"octopus-2021", "octopus-2023"} <= listed


def test_a_real_programme_never_counts_a_sample_event(staff):
    sample = make_programme("sample-test", is_sample=True)
    workshop = make_event(
        staff, slug="sample-workshop-2017", status=Status.HELD, starts_on=D(2017, 3, 1), is_sample=True
    )
    attended(workshop, "Ana")
    set_event_programmes(workshop, [(sample, Decimal(100), None)], user=staff)

    with reading(programme_scope(sample)):
        assert registry.evaluate("events.held", *LIFE, **WORKSHOPS) == 1
    with reading(programme_scope(octopus(), sample)):
        assert registry.evaluate("events.held", *LIFE, **WORKSHOPS) == 0
        assert registry.evaluate("events.participants", *LIFE) == 0


@pytest.mark.parametrize("metric", EVENT_METRICS, ids=lambda m: m.key)
def test_within_a_reading_every_counting_metric_equals_the_records_it_drills_down_to(glacy_workshop, staff, metric):
    make_event(staff, slug="orphan-workshop-2017", status=Status.HELD, starts_on=D(2017, 3, 1))

    for programme in (octopus(), Programme.objects.get(code="glacy-plus")):
        with reading(programme_scope(programme)):
            value = registry.evaluate(metric.key, *LIFE)
            records = list(registry.records(metric.key, *LIFE))
        if metric.aggregate == "count":
            assert value == len(records)


def test_scoping_adds_no_query(glacy_workshop, django_assert_num_queries):
    windows = YEARS + [(LIFE[0], end) for _start, end in YEARS]
    content_type(Event)  # cached once per process, as every reading after the first finds it

    with reading(programme_scope(octopus())), django_assert_num_queries(2):
        for key in ("events.participants", "events.countries", "events.organisations", "events.participations"):
            registry.evaluate_series(key, windows, **CONFERENCES)
        for params in (CONFERENCES, WORKSHOPS, {"kinds": [Kind.CONTRIBUTION]}):
            registry.evaluate_series("events.held", windows, **params)
            registry.planned("events.held", *LIFE, **params)
    with reading(programme_scope(octopus())), django_assert_num_queries(1):
        registry.breakdown("events.participants", "country", *LIFE, **CONFERENCES)
