"""The T-CY's real record of 2014–2020 as reference data (loaded for every test by `load_reference_data`): the
plenaries as held events numbered in the T-CY series and serving Cybercrime@Octopus, the assessment reports and the
Guidance Notes with their adoption as precisely as the sources give it, and Output 2 of the seed logframe reading
them."""

import datetime
import io

from django.core.management import call_command

from octopus.committees.models import Document, Meeting
from octopus.committees.reference_data import load_assessment_reports, load_guidance_notes, load_plenaries
from octopus.events.models import Event
from octopus.events.services import set_event_programmes
from octopus.lib.metrics import reading, registry
from octopus.lib.precision import Precision
from octopus.results.assignments import assignments_of, programme_scope
from octopus.results.models import Assignment, Programme, ResultNode

D = datetime.date
PERIOD = (D(2014, 1, 1), D(2019, 12, 31))


def octopus() -> Programme:
    return Programme.objects.get(code="cybercrime-octopus")


def test_the_plenaries_of_the_period_are_held_numbered_meetings_serving_the_programme(db):
    plenaries = Meeting.objects.filter(committee__code="T-CY", event__source__gt="").select_related("event")
    by_number = {m.number: m for m in plenaries}

    assert sorted(by_number, key=lambda n: n or 0) == [None, 12, 14, 15, 16, 17, 23]
    assert plenaries.count() == 8  # two the sources date without a number (July 2018, November 2019)
    twelfth = by_number[12].event
    assert (twelfth.kind, twelfth.status, twelfth.starts_on, twelfth.ends_on, twelfth.city) == (
        "tcy_plenary",
        "held",
        D(2014, 12, 2),
        D(2014, 12, 3),
        "Strasbourg",
    )
    assert "12th-plenary-of-t-cy" in twelfth.source
    sixteenth = by_number[16].event
    assert sixteenth.dated_as == (D(2016, 11, 1), Precision.MONTH)  # "November 2016": no day is invented
    for meeting in plenaries:
        assert meeting.event.source  # a source on every row
        [served] = assignments_of(meeting.event)
        assert (served.programme.code, served.activity.code, served.share) == ("cybercrime-octopus", "A2.3", 100)


def test_loading_the_reference_data_twice_adds_nothing(db):
    events, meetings, documents = Event.objects.count(), Meeting.objects.count(), Document.objects.count()
    assignments = Assignment.objects.count()

    call_command("load_reference_data", stdout=io.StringIO(), stderr=io.StringIO())
    plenaries, reports, notes = load_plenaries(), load_assessment_reports(), load_guidance_notes()

    assert (plenaries["added"], plenaries["updated"], plenaries["assigned"]) == (0, 0, 0)
    assert reports == {"added": 0, "updated": 0} and notes == {"added": 0, "updated": 0}
    assert (Event.objects.count(), Meeting.objects.count(), Document.objects.count()) == (events, meetings, documents)
    assert Assignment.objects.count() == assignments
    assert [gap.number for gap in plenaries["gaps"]] == [10, 11, 13, 18, 19, 20, 21, 22]  # named, not dated


def test_a_plenary_serving_another_programme_keeps_what_staff_set(db):
    event = Event.objects.get(slug="tcy-plenary-14")
    activity = ResultNode.objects.get(programme=octopus(), code="A2.1")

    set_event_programmes(event, [(octopus(), 100, activity)], user=None)
    load_plenaries()

    assert [a.activity.code for a in assignments_of(event)] == ["A2.1"]


def test_the_assessment_reports_carry_their_adoption_as_the_sources_give_it(db):
    reports = {d.symbol: d for d in Document.objects.filter(type="assessment_report", source__gt="")}

    mla = reports["T-CY(2013)17rev"]
    assert (mla.status, mla.dated_as, mla.adopted_at.number, mla.adoption_shown) == (
        "adopted",
        (D(2014, 12, 1), Precision.MONTH),
        12,
        "December 2014",
    )
    assert reports["T-CY(2016)25"].status == "draft"  # listed June 2017; no source says it was adopted
    assert reports["T-CY(2016)25"].adopted_on is None
    assert reports["T-CY(2015)24"].status == "draft"


def test_guidance_notes_known_to_the_month_or_year_count_in_their_year(db):
    terrorism = Document.objects.get(type="guidance_note", title="Terrorism")
    election = Document.objects.get(type="guidance_note", title="Election interference")
    years = [(D(y, 1, 1), D(y, 12, 31)) for y in range(2014, 2020)]

    assert (terrorism.dated_as, terrorism.adopted_at.number) == ((D(2016, 11, 1), Precision.MONTH), 16)
    assert election.dated_as == (D(2019, 1, 1), Precision.YEAR)
    with reading(programme_scope(octopus())):
        by_year = registry.evaluate_series("committees.documents_adopted", years, type="guidance_note")
        in_2016 = registry.records("committees.documents_adopted", D(2016, 1, 1), D(2016, 12, 31), type="guidance_note")
    assert by_year == [0, 0, 1, 1, 0, 1]  # Terrorism (Nov. 2016), #10 (28 Feb. 2017), election interference (2019)
    assert [d.title for d in in_2016] == ["Terrorism"]


def test_output_2_of_the_seed_logframe_shows_the_plenaries_and_documents_of_the_period(db):
    years = [(D(y, 1, 1), D(y, 12, 31)) for y in range(2014, 2020)]
    kinds = {"kinds": ["tcy_plenary", "tcy_bureau"]}

    with reading(programme_scope(octopus())):
        meetings = registry.evaluate("events.held", *PERIOD, **kinds)
        meetings_by_year = registry.evaluate_series("events.held", years, **kinds)
        numbered = registry.evaluate("committees.meetings_held", *PERIOD)
        notes = registry.evaluate("committees.documents_adopted", *PERIOD, type="guidance_note")
        reports = registry.evaluate("committees.documents_adopted", *PERIOD, type="assessment_report")

    assert meetings_by_year == [1, 1, 2, 1, 1, 1]  # T-CY 12; 14; 15 and 16; 17; July 2018; November 2019
    assert (meetings, numbered, notes, reports) == (7, 7, 3, 1)
