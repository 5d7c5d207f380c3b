"""The Octopus conferences as reference data: real dates and places with their source, gaps kept visible."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from octopus.events.models import Event, Kind, Status
from octopus.events.reference_data import (
    DATA,
    conference_gaps,
    load_conferences,
    published_participation,
    read_conferences,
)
from octopus.events.services import set_event_programmes
from octopus.events.tests.test_metrics_scoped import make_programme
from octopus.lib.metrics import reading, registry
from octopus.lib.precision import Precision
from octopus.results.assignments import assignments_of, programme_scope
from octopus.results.models import Assignment, Programme, ResultNode

pytestmark = pytest.mark.django_db
D = datetime.date
CONFERENCES = {"kinds": [Kind.OCTOPUS_CONFERENCE]}
YEARS = [(D(y, 1, 1), D(y, 12, 31)) for y in range(2014, 2020)]


def test_the_dated_conferences_are_real_held_events_with_their_source_and_reported_figures():
    # The test database is built with the reference data, conferences included.
    events = Event.objects.filter(series__name="Octopus conferences").order_by("starts_on")

    assert [e.slug for e in events] == [
        f"octopus-{y}" for y in (2007, 2008, 2009, 2011, 2012, 2015, 2016, 2018, 2019, 2021, 2023)
    ]
    assert {(e.kind, e.status, e.is_sample) for e in events} == {(Kind.OCTOPUS_CONFERENCE, Status.HELD, False)}
    octopus_2016 = events.get(slug="octopus-2016")
    assert (octopus_2016.starts_on, octopus_2016.ends_on, octopus_2016.city, octopus_2016.country.iso2) == (
        D(2016, 11, 16),
        D(2016, 11, 18),
        "Strasbourg",
        "FR",
    )
    assert (octopus_2016.reported_participants, octopus_2016.reported_countries) == (300, 90)
    assert octopus_2016.source.startswith("https://dig.watch/updates/cybercrime-challenges-discussed-octopus")
    octopus_2018 = events.get(slug="octopus-2018")
    # The city from the CoE speaking points (research of issue 15); no source gives its participation.
    assert (octopus_2018.city, octopus_2018.country.iso2, octopus_2018.reported_participants) == (
        "Strasbourg",
        "FR",
        None,
    )
    assert "rm.coe.int/octopus-conference-on-cybercrime-strasbourg-11-13-july-2018" in octopus_2018.source
    octopus_2023 = events.get(slug="octopus-2023")
    assert (octopus_2023.country.iso2, octopus_2023.reported_participants, octopus_2023.reported_countries) == (
        "RO",
        500,
        None,
    )
    assert all(e.source for e in events)


def test_conferences_without_dates_are_gaps_not_events():
    gaps = conference_gaps()

    assert [(g.year, g.missing) for g in gaps] == [
        (2004, ["dates", "place", "participants", "countries"]),
        (2013, ["dates", "place", "participants", "countries"]),
    ]
    assert not Event.objects.filter(slug__in=["octopus-2004", "octopus-2013"]).exists()
    assert all(g.source for g in gaps)


def test_the_2015_conference_is_known_to_the_year_and_counts_in_2015():
    octopus_2015 = Event.objects.get(slug="octopus-2015")
    conference = next(c for c in read_conferences() if c.year == 2015)

    assert octopus_2015.dated_as == (D(2015, 1, 1), Precision.YEAR)
    assert (octopus_2015.ends_on, octopus_2015.city, octopus_2015.country.iso2) == (D(2015, 1, 1), "Strasbourg", "FR")
    assert octopus_2015.dates_vague == "2015 (year known, month not)"
    assert conference.missing == ["month and day", "participants", "countries"]
    assert "deputy-secretary-general" in octopus_2015.source


def test_the_conferences_of_2014_to_2020_serve_cybercrime_octopus_and_the_others_none():
    served = {
        e.slug: [(a.programme.code, a.activity.code, a.share) for a in assignments_of(e)]
        for e in Event.objects.filter(series__name="Octopus conferences")
    }

    octopus = [("cybercrime-octopus", "A1.1", Decimal("100.00"))]
    assert {slug for slug, rows in served.items() if rows} == {f"octopus-{y}" for y in (2015, 2016, 2018, 2019)}
    assert all(served[f"octopus-{y}"] == octopus for y in (2015, 2016, 2018, 2019))
    assert Event.objects.get(slug="octopus-2016").activity.code == "A1.1"


def test_output_1_1_counts_the_four_conferences_of_2014_to_2019():
    programme = Programme.objects.get(code="cybercrime-octopus")

    with reading(programme_scope(programme)):
        held = registry.evaluate("events.held", D(2014, 1, 1), D(2019, 12, 31), **CONFERENCES)
        series = registry.evaluate_series("events.held", YEARS, **CONFERENCES)

    assert (held, series) == (4, [0, 1, 1, 0, 1, 1])


def test_an_assignment_staff_set_is_kept_and_a_missing_one_is_restored():
    event = Event.objects.get(slug="octopus-2016")
    glacy = make_programme("glacy-plus")
    octopus = Programme.objects.get(code="cybercrime-octopus")
    set_event_programmes(event, [(octopus, Decimal(50), None), (glacy, Decimal(50), None)], user=None)
    Assignment.objects.filter(object_id=Event.objects.get(slug="octopus-2018").pk, programme=octopus).delete()

    outcome = load_conferences()

    assert outcome["assigned"] == 1  # 2018, which served none
    assert sorted((a.programme.code, a.share) for a in assignments_of(event)) == [
        ("cybercrime-octopus", Decimal("50.00")),
        ("glacy-plus", Decimal("50.00")),
    ]
    assert [a.programme.code for a in assignments_of(Event.objects.get(slug="octopus-2018"))] == ["cybercrime-octopus"]
    assert load_conferences()["assigned"] == 0


def test_loading_before_the_programme_assigns_on_the_next_load():
    Assignment.objects.filter(programme__code="cybercrime-octopus").delete()
    node = ResultNode.objects.get(programme__code="cybercrime-octopus", code="A1.1")
    ResultNode.objects.filter(pk=node.pk).update(code="A1.1-hidden")  # as if the logframe were not loaded yet

    assert load_conferences()["assigned"] == 0
    ResultNode.objects.filter(pk=node.pk).update(code="A1.1")
    assert load_conferences()["assigned"] == 4


def test_published_participation_is_handed_over_with_its_source():
    published = [(e.slug, p, c, s.split(" ")[0]) for e, p, c, s in published_participation()]

    assert published == [
        (
            "octopus-2007",
            140,
            55,
            "https://www.coe.int/t/dg1/legalcooperation/economiccrime/cybercrime/cy%20activity"
            "%20interface2007/interface2007_en.asp?toPrint=yes&",
        ),
        ("octopus-2012", 280, 80, "https://www.coe.int/en/web/cybercrime/octopus-interface-2012"),
        ("octopus-2016", 300, 90, "https://dig.watch/updates/cybercrime-challenges-discussed-octopus-conference-2016"),
        (
            "octopus-2023",
            500,
            None,
            "https://coe.int/web/cybercrime/-/c-proc-over-500-professionals-from-around-130-"
            "countries-attend-the-octopus-conference-2023",
        ),
    ]


def test_loading_again_changes_nothing_and_restores_what_was_changed():
    Event.objects.filter(slug="octopus-2016").update(reported_participants=1, city="Paris")
    count = Event.objects.count()

    outcome = load_conferences()

    assert (outcome["added"], outcome["updated"], outcome["unchanged"]) == (0, 1, 10)
    assert Event.objects.count() == count
    assert Event.objects.filter(slug="octopus-2016", reported_participants=300, city="Strasbourg").exists()
    assert load_conferences()["updated"] == 0


def test_the_command_reports_the_conferences_and_each_gap():
    out = io.StringIO()

    call_command("load_reference_data", stdout=out, stderr=io.StringIO())

    text = out.getvalue()
    assert "Octopus conferences: 0 added, 0 updated, 11 unchanged." in text
    conference_gaps_listed = [
        line.split(" is named")[0].strip() for line in text.splitlines() if "Gap: Octopus" in line
    ]
    assert conference_gaps_listed == ["Gap: Octopus conference 2004", "Gap: Octopus conference 2013"]


def test_the_project_copy_keeps_the_source_column():
    assert DATA.read_text(encoding="utf-8").splitlines()[0].endswith(",source")
    assert len(read_conferences()) == 13
    assert {c.precision for c in read_conferences() if c.starts_on} == {Precision.DAY, Precision.YEAR}
