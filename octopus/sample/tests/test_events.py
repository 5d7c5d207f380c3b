"""Sample participants and events: flagged as sample, at sample conferences (never at the real ones), serving the
sample programme only, so that they count there and never for the real programme; generated attendance at any size,
exactly as many rows as asked, serving the generated programme."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from octopus.accounts.models import Role
from octopus.events.models import Attendance, Event, Kind, Registration, RegistrationState, Status, Travel
from octopus.events.queries import attendance_counts
from octopus.lib.metrics import reading, registry
from octopus.people.models import Organisation, Person
from octopus.results import services as results
from octopus.results.assignments import assignments_of, content_type, programme_scope
from octopus.results.models import Assignment, Level, Programme
from octopus.results.queries import programme_results
from octopus.sample.events import SAMPLE_ACTIVITIES, SAMPLE_PROGRAMME, load_sample_events
from octopus.sample.generate import generate
from octopus.testing.helpers import make_user

pytestmark = pytest.mark.django_db
D = datetime.date
CONFERENCES = {"kinds": [Kind.OCTOPUS_CONFERENCE]}


def sample_programme() -> Programme:
    """The sample programme with the activities sample events serve (octopus.sample.programme makes them for
    `make run`; made here if that is not loaded)."""
    programme = Programme.objects.filter(code=SAMPLE_PROGRAMME).first() or results.create_programme(
        code=SAMPLE_PROGRAMME,
        title="Sample programme (not real data)",
        starts_on=D(2014, 1, 1),
        ends_on=D(2023, 12, 31),
        budget_ceiling=1_200_000,
        implementing_office="Sample office",
        is_sample=True,
        user=None,
    )
    output = programme.nodes.filter(code="2").first() or results.add_node(
        programme, level=Level.OUTPUT, code="2", title="Sample output 2", user=None
    )
    for code in sorted(set(SAMPLE_ACTIVITIES.values())):
        if not programme.nodes.filter(code=code).exists():
            results.add_node(
                programme, level=Level.ACTIVITY, code=code, title=f"Sample {code}", parent=output, user=None
            )
    return programme


@pytest.fixture
def sample(db):
    sample_programme()
    return load_sample_events(staff=make_user(Role.PROGRAMME_STAFF))


def test_the_sample_conferences_get_as_many_people_and_countries_as_a_conference_gathers(sample):
    year_2016 = (D(2016, 1, 1), D(2016, 12, 31))

    with reading(programme_scope(Programme.objects.get(code=SAMPLE_PROGRAMME))):
        assert registry.evaluate("events.participants", *year_2016, **CONFERENCES) == 300
        assert registry.evaluate("events.countries", *year_2016, **CONFERENCES) == 90
    counts = attendance_counts(Event.objects.filter(kind=Kind.OCTOPUS_CONFERENCE, is_sample=True))
    # 300, 280 and 320 participants; 84 of 2018's and 96 of 2019's had come to an earlier one.
    assert (counts.participations, counts.people) == (900, 900 - 84 - 96)
    # Cancelled and pending registrations are there, and never count.
    conference = "sample-conference-2016"
    assert Registration.objects.filter(event__slug=conference).exclude(state=RegistrationState.APPROVED).count()
    assert not Attendance.objects.exclude(registration__state=RegistrationState.APPROVED).exists()
    assert Travel.objects.filter(registration__event__slug=conference).exists()


def test_the_real_conferences_get_no_generated_participant(sample):
    real = Event.objects.filter(is_sample=False)

    assert not Registration.objects.filter(event__in=real).exists()
    assert set(real.filter(kind=Kind.OCTOPUS_CONFERENCE).values_list("is_sample", flat=True)) == {False}


def test_every_record_it_makes_is_flagged_as_sample_and_serves_the_sample_programme(sample):
    sample_events = Event.objects.filter(is_sample=True)

    assert set(Registration.objects.values_list("is_sample", flat=True)) == {True}
    assert set(Person.objects.values_list("is_sample", flat=True)) == {True}
    assert set(Organisation.objects.values_list("is_sample", flat=True)) == {True}
    assert sorted(sample_events.values_list("kind", "status")) == [
        ("contribution", "held"),
        ("in_country_workshop", "confirmed"),
        ("in_country_workshop", "confirmed"),
        ("in_country_workshop", "held"),
        ("octopus_conference", "held"),
        ("octopus_conference", "held"),
        ("octopus_conference", "held"),
        ("regional_workshop", "held"),
        ("tcy_plenary", "held"),
        ("training", "held"),
    ]
    assert all("sample" in title.lower() for title in sample_events.values_list("title", flat=True))
    served = {e.slug: [(a.programme.code, a.activity.code, a.share) for a in assignments_of(e)] for e in sample_events}
    assert served["sample-conference-2016"] == [(SAMPLE_PROGRAMME, "A2.1", 100)]
    assert served["sample-tcy-plenary-2017"] == [(SAMPLE_PROGRAMME, "A2.2", 100)]
    assert served["sample-workshop-upcoming"] == [(SAMPLE_PROGRAMME, "A2.3", 100)]
    assert served["sample-contribution-2018"] == [(SAMPLE_PROGRAMME, "A2.4", 100)]
    assert all(len(rows) == 1 and rows[0][0] == SAMPLE_PROGRAMME for rows in served.values())
    assert sample == {"registrations": 1054, "attendance": 2778, "events": 10}


def test_an_upcoming_sample_event_is_open_for_registration_with_a_timetable(sample):
    upcoming = Event.objects.get(slug="sample-workshop-upcoming")

    assert upcoming.starts_on == timezone.localdate() + datetime.timedelta(days=21)
    assert list(upcoming.forms.values_list("title", "is_open", "capacity")) == [("Participants", True, 40)]
    assert upcoming.sessions.count() == 4


def test_loading_again_adds_nothing(sample):
    counts = (Event.objects.count(), Registration.objects.count(), Attendance.objects.count())

    assert load_sample_events(staff=None) is None
    assert (Event.objects.count(), Registration.objects.count(), Attendance.objects.count()) == counts


def indicator_values(programme) -> dict:
    found = programme_results(programme, D(2019, 12, 31))
    return {row.indicator.code: [row.to_date.actual, *(p.actual for p in row.periods)] for row in found.indicators}


def test_no_sample_event_counts_for_the_real_programme():
    programme = Programme.objects.get(code="cybercrime-octopus")
    sample_programme()
    before = indicator_values(programme)

    load_sample_events(staff=make_user(Role.PROGRAMME_STAFF))

    after = indicator_values(programme)
    assert after == before
    assert after["1.1"][0] == 4  # its real conferences: 2015, 2016, 2018 and 2019
    assert after["3.1"][0] == 0  # no workshop of its real record is loaded


def test_the_sample_programme_counts_its_sample_events(sample):
    with reading(programme_scope(Programme.objects.get(code=SAMPLE_PROGRAMME))):
        counted = {
            "conferences": registry.evaluate("events.held", D(2014, 1, 1), D(2023, 12, 31), **CONFERENCES),
            "participants": registry.evaluate("events.participants", D(2014, 1, 1), D(2019, 12, 31), **CONFERENCES),
            "workshops": registry.evaluate(
                "events.held", D(2014, 1, 1), D(2023, 12, 31), kinds=[Kind.IN_COUNTRY_WORKSHOP, Kind.REGIONAL_WORKSHOP]
            ),
            "contributions": registry.evaluate("events.contributions", D(2014, 1, 1), D(2023, 12, 31)),
        }

    # The third workshop is confirmed, not held; the upcoming one is ahead.
    assert counted == {"conferences": 3, "participants": 900 - 84 - 96, "workshops": 2, "contributions": 1}


def test_load_sample_data_loads_them(settings):
    settings.DEBUG = True
    out = io.StringIO()

    call_command("load_sample_data", stdout=out)

    assert "Sample events loaded" in out.getvalue()
    assert Event.objects.filter(slug="sample-workshop-ge-2017", status=Status.HELD).exists()


def generated_attendance() -> list[tuple]:
    return list(
        Attendance.objects.filter(registration__event__slug__startswith="generated-")
        .order_by("registration__event__slug", "registration__person__last_name", "day")
        .values_list("registration__event__slug", "registration__person__last_name", "day")
    )


def test_the_generator_writes_exactly_the_attendance_asked_for_and_replaces_it():
    made = generate(150, seed=2, attendance=700)
    rows = generated_attendance()

    again = generate(150, seed=2, attendance=700)

    assert made["attendance"] == again["attendance"] == len(rows) == 700
    assert generated_attendance() == rows
    events = Event.objects.filter(slug__startswith="generated-")
    assert set(events.values_list("is_sample", flat=True)) == {True}
    assert events.count() == made["generated_events"]
    people = Person.objects.filter(registrations__event__in=events).distinct()
    assert set(people.values_list("is_sample", flat=True)) == {True}
    assert Registration.objects.filter(event__in=events).count() == made["registrations"]
    generate(150, seed=2, attendance=40)
    assert len(generated_attendance()) == 40
    assert Person.objects.filter(email__endswith="@generated.octopus.test").count() == 10  # the fewest it makes


def test_the_generated_programme_reads_its_events():
    generate(100, seed=1, attendance=2000)
    programme = Programme.objects.get(code="generated-100")

    results = programme_results(programme, D(2025, 12, 31))

    shown = {row.indicator.code: row.to_date.actual for row in results.indicators}
    # Its four generated conferences only: the real ones of 2021 and 2023 (reference data) serve no programme here.
    assert shown["4.1"] == 4
    assert shown["4.2"] == registry.evaluate(
        "events.participants", D(2020, 1, 1), D(2025, 12, 31), kinds=[Kind.OCTOPUS_CONFERENCE]
    )
    assert all(shown[code] > 0 for code in ("4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8"))


def test_every_generated_event_serves_the_generated_programme_and_goes_with_it():
    made = generate(100, seed=1, attendance=500)
    events = Event.objects.filter(slug__startswith="generated-")
    assignments = Assignment.objects.filter(content_type=content_type(Event), object_id__in=events.values("pk"))

    assert assignments.count() == events.count() == made["generated_events"]
    assert set(assignments.values_list("programme__code", "share")) == {("generated-100", 100)}

    generate(100, seed=1, attendance=500)
    again = Assignment.objects.filter(content_type=content_type(Event), programme__code="generated-100")
    assert again.count() == Event.objects.filter(slug__startswith="generated-").count()
    assert (
        not Assignment.objects.filter(content_type=content_type(Event))
        .exclude(object_id__in=Event.objects.values("pk"))
        .exists()
    )
