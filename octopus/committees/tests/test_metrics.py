"""The committee metrics for the logframe, on the meetings world (`test_meetings_world`): exact values, series,
drill-downs that hold as many records as the value counts, and the queries a reading costs."""

import datetime
from decimal import Decimal

import pytest

from octopus.accounts.models import Role
from octopus.committees.models import Document, Meeting
from octopus.committees.services import documents, meetings
from octopus.committees.tests.test_documents import pdf_bytes, tcy, upload
from octopus.committees.tests.test_meetings_world import build_meetings_world
from octopus.events import services as events
from octopus.lib.metrics import GLOBAL, MetricError, Scope, reading, registry
from octopus.results.assignments import programme_scope
from octopus.results.services import create_programme
from octopus.testing.helpers import make_user

D = datetime.date
YEARS = [(D(y, 1, 1), D(y, 12, 31)) for y in (2016, 2017, 2018)]
ALL = (D(2016, 1, 1), D(2018, 12, 31))


@pytest.fixture
def world(db):
    return build_meetings_world()


def test_meetings_held_counts_held_meetings_of_the_committee_and_optionally_its_bureau(world):
    assert registry.evaluate("committees.meetings_held", *ALL) == 2  # T-CY 19 was cancelled
    assert registry.evaluate("committees.meetings_held", *ALL, bureau=True) == 3
    assert registry.evaluate_series("committees.meetings_held", YEARS) == [1, 1, 0]
    assert registry.evaluate_series("committees.meetings_held", YEARS, bureau=True) == [1, 2, 0]
    assert registry.evaluate("committees.meetings_held", *ALL, committee="T-CY Bureau") == 1
    assert [str(m) for m in registry.records("committees.meetings_held", *ALL, bureau=True)] == [
        "T-CY 15",
        "T-CY Bureau 12",
        "T-CY 17",
    ]


def test_meeting_participants_counts_participations_people_and_delegations(world):
    values = {
        m: registry.evaluate("committees.meeting_participants", *ALL, measure=m)
        for m in ("participations", "people", "delegations")
    }
    with_bureau = {
        m: registry.evaluate("committees.meeting_participants", *ALL, measure=m, bureau=True)
        for m in ("participations", "people", "delegations")
    }

    assert values == {"participations": 5, "people": 4, "delegations": 4}
    assert with_bureau == {"participations": 6, "people": 4, "delegations": 5}
    assert registry.evaluate("committees.meeting_participants", *ALL) == 5  # participations by default
    assert registry.evaluate_series("committees.meeting_participants", YEARS, measure="people") == [2, 3, 0]


def test_meeting_participants_drill_down_to_the_records_counted(world):
    participations = registry.records("committees.meeting_participants", *ALL, measure="participations")
    people = registry.records("committees.meeting_participants", *ALL, measure="people")
    delegations = registry.records("committees.meeting_participants", *ALL, measure="delegations")

    assert [(r.event.slug, r.person.last_name) for r in participations] == [
        ("t-cy-15", "Silva"),
        ("t-cy-15", "Tsiklauri"),
        ("t-cy-17", "Silva"),
        ("t-cy-17", "Martin"),
        ("t-cy-17", "Petrosyan"),
    ]
    assert [p.last_name for p in people] == ["Martin", "Petrosyan", "Silva", "Tsiklauri"]
    assert [str(d) for d in delegations] == [
        "France – T-CY 15",
        "Georgia – T-CY 15",
        "Armenia – T-CY 17",
        "France – T-CY 17",
    ]
    assert len({d.pk for d in delegations}) == 4


def test_funded_states_counts_distinct_states_funded_in_the_period(world):
    assert registry.evaluate("committees.funded_states", *ALL) == 3
    assert registry.evaluate_series("committees.funded_states", YEARS) == [1, 2, 0]
    assert [c.iso2 for c in registry.records("committees.funded_states", D(2017, 1, 1), D(2017, 12, 31))] == [
        "AM",
        "FR",
    ]  # China's delegate at the workshop: not a Party, not counted


def test_a_reading_loads_each_metric_once_whatever_the_periods(world, django_assert_num_queries):
    with reading(), django_assert_num_queries(7):
        registry.evaluate_series("committees.meetings_held", YEARS, bureau=True)
        registry.evaluate("committees.meetings_held", *ALL, bureau=True)
        for measure in ("participations", "people", "delegations"):
            registry.evaluate_series("committees.meeting_participants", YEARS, measure=measure, bureau=True)
        registry.evaluate_series("committees.funded_states", YEARS)
        registry.evaluate("committees.funded_states", *ALL)


def test_wrong_parameters_are_refused_with_a_message(world):
    with pytest.raises(MetricError, match="Unknown measure 'seats'"):
        registry.evaluate("committees.meeting_participants", *ALL, measure="seats")
    with pytest.raises(MetricError, match="No committee 'X'"):
        registry.evaluate("committees.meetings_held", *ALL, committee="X")
    with pytest.raises(MetricError, match="must be true or false"):
        registry.evaluate("committees.meetings_held", *ALL, bureau="yes")


def test_language_services_cost_adds_translations_by_deadline_and_interpretation_by_meeting(world):
    staff = world.user
    report = documents.record_document(tcy(), symbol="T-CY(2017)99", title="Report", type="opinion", user=staff)
    documents.upload_language_version(report, language="en", upload=upload("en.pdf", pdf_bytes()), user=staff)
    documents.request_translation(
        report, language="fr", word_count=6000, deadline=D(2017, 3, 1), cost=Decimal("900.50"), user=staff
    )
    dropped = documents.record_document(tcy(), symbol="T-CY(2018)98", title="Dropped", type="opinion", user=staff)
    documents.upload_language_version(dropped, language="en", upload=upload("en.pdf", pdf_bytes()), user=staff)
    cancelled = documents.request_translation(
        dropped, language="fr", word_count=100, deadline=D(2018, 1, 1), cost=Decimal("50"), user=staff
    )
    documents.update_translation(cancelled, status="cancelled", user=staff, version=cancelled.version)
    meetings.request_interpretation(
        Meeting.objects.get(number=15, committee__code="T-CY"),
        languages=["en", "fr"],
        booths=2,
        days=2,
        cost=Decimal("4000"),
        user=staff,
    )

    assert registry.evaluate_series("committees.language_services_cost", YEARS) == [
        Decimal("4000"),
        Decimal("900.50"),
        Decimal("0"),
    ]
    assert registry.evaluate("committees.language_services_cost", *ALL, service="translation") == Decimal("900.50")
    records = registry.records("committees.language_services_cost", *ALL)
    assert [str(record) for record in records] == ["T-CY(2017)99 (French)", "T-CY 15: en, fr × 2 booths × 2 days"]
    with pytest.raises(MetricError, match="Unknown language service 'catering'"):
        registry.evaluate("committees.language_services_cost", *ALL, service="catering")


# --- a programme's reading counts only its own meetings -------------------------------------------------------------


def programme(code: str, *, sample: bool = False):
    return create_programme(
        code=code,
        title=code,
        starts_on=D(2014, 1, 1),
        ends_on=D(2020, 12, 31),
        user=None,
        budget_ceiling=Decimal(1),
        implementing_office="C-PROC",
        is_sample=sample,
    )


def test_a_programme_counts_only_the_meetings_and_costs_of_the_events_it_serves(world):
    """T-CY 15 serves GLACY+ only, T-CY 17 serves both, the Bureau meeting and the workshop serve Octopus."""
    octopus, glacy = programme("test-octopus"), programme("test-glacy")
    events.set_event_programmes(world.t15.event, [(glacy, 100, None)], user=None)
    events.set_event_programmes(world.t17.event, [(octopus, 60, None), (glacy, 40, None)], user=None)
    events.set_event_programmes(world.b12.event, [(octopus, 100, None)], user=None)
    events.set_event_programmes(world.workshop, [(octopus, 100, None)], user=None)
    meetings.request_interpretation(
        world.t15, languages=["en", "fr"], booths=2, days=2, cost=Decimal("4000"), user=world.user
    )
    meetings.request_interpretation(
        world.t17, languages=["en", "fr"], booths=2, days=3, cost=Decimal("6000"), user=world.user
    )

    def read(scope):
        with reading(scope):
            return (
                registry.evaluate("committees.meetings_held", *ALL, bureau=True),
                registry.evaluate("committees.meeting_participants", *ALL, bureau=True),
                registry.evaluate("committees.funded_states", *ALL),
                registry.evaluate("committees.language_services_cost", *ALL),
                [str(m) for m in registry.records("committees.meetings_held", *ALL, bureau=True)],
            )

    assert read(programme_scope(octopus)) == (2, 4, 2, Decimal("6000"), ["T-CY Bureau 12", "T-CY 17"])
    assert read(programme_scope(glacy)) == (2, 5, 2, Decimal("10000"), ["T-CY 15", "T-CY 17"])
    # Over both, a shared meeting counts once (T-CY 17 and its three participations).
    assert read(programme_scope(octopus, glacy))[:2] == (3, 6)
    # Funded: for Octopus Paul (FR) at T-CY 17 and Aram (AM) at the workshop; for GLACY+ Giorgi and Nino (GE) at
    # T-CY 15 and Paul (FR) at T-CY 17.


def test_sample_meetings_count_only_for_a_sample_programme(world):
    sample = programme("test-sample", sample=True)
    plenary = events.create_event(
        user=world.user,
        title="Sample plenary",
        slug="sample-plenary",
        kind="tcy_plenary",
        status="held",
        starts_on=D(2016, 3, 1),
        ends_on=D(2016, 3, 2),
        is_sample=True,
    )
    meetings.record_meeting(world.tcy, event=plenary, number=901, user=world.user)
    events.set_event_programmes(plenary, [(sample, 100, None)], user=None)

    with reading(programme_scope(sample)):
        assert registry.evaluate("committees.meetings_held", *ALL) == 1
    with reading(Scope(programmes=None, sample=False)):  # a reading of every real record
        assert registry.evaluate("committees.meetings_held", *ALL) == 2  # T-CY 15 and 17, not the sample
    assert registry.evaluate("committees.meetings_held", *ALL) == 3  # outside a reading: every record


def test_documents_are_the_committees_whatever_the_programme_but_sample_ones_count_only_in_a_sample_reading(db):
    staff = make_user(Role.TCY_SECRETARIAT)
    octopus, sample = programme("test-octopus"), programme("test-sample", sample=True)
    for symbol, is_sample in (("T-CY(2099)7", False), ("T-CY(2099)8", True)):
        draft = documents.record_document(
            tcy(), symbol=symbol, title=symbol, type="assessment_report", user=staff, is_sample=is_sample
        )
        documents.change_document_status(
            draft, to="adopted", user=staff, written_procedure=True, adopted_on=D(2099, 3, 5), adopted_precision="month"
        )
    year = (D(2099, 1, 1), D(2099, 12, 31))

    with reading(programme_scope(octopus)):
        real = [d.symbol for d in registry.records("committees.documents_adopted", *year)]
    with reading(programme_scope(sample)):
        with_sample = registry.evaluate("committees.documents_adopted", *year)

    assert real == ["T-CY(2099)7"] and with_sample == 2
    assert registry.get("committees.documents_adopted").reach == GLOBAL
    assert Document.objects.get(symbol="T-CY(2099)7").dated_as == (D(2099, 3, 1), "month")  # stored as its first day
    # Known to the month, it counts in March's period and in no earlier one.
    assert registry.evaluate("committees.documents_adopted", D(2099, 3, 1), D(2099, 3, 31)) == 2
    assert registry.evaluate("committees.documents_adopted", D(2099, 1, 1), D(2099, 2, 28)) == 0
