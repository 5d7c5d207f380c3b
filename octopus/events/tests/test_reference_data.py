"""The Octopus conferences as reference data: real dates and places with their source, gaps kept visible."""

import datetime
import io

import pytest
from django.core.management import call_command

from octopus.events.models import Event, Kind, Status
from octopus.events.reference_data import DATA, conference_gaps, load_conferences, read_conferences

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_dated_conferences_are_real_held_events_with_their_source_and_reported_figures():
    # The test database is built with the reference data, conferences included.
    events = Event.objects.filter(series__name="Octopus conferences").order_by("starts_on")

    assert [e.slug for e in events] == [f"octopus-{y}" for y in (2007, 2008, 2009, 2011, 2012, 2016, 2018, 2019,
                                                                  2021, 2023)]  # fmt: skip
    assert {(e.kind, e.status, e.is_sample) for e in events} == {(Kind.OCTOPUS_CONFERENCE, Status.HELD, False)}
    octopus_2016 = events.get(slug="octopus-2016")
    assert (octopus_2016.starts_on, octopus_2016.ends_on, octopus_2016.city, octopus_2016.country.iso2) == (
        D(2016, 11, 16), D(2016, 11, 18), "Strasbourg", "FR")  # fmt: skip
    assert (octopus_2016.reported_participants, octopus_2016.reported_countries) == (300, 90)
    assert octopus_2016.source.startswith("https://dig.watch/updates/cybercrime-challenges-discussed-octopus")
    octopus_2018 = events.get(slug="octopus-2018")
    assert (octopus_2018.city, octopus_2018.country, octopus_2018.reported_participants) == ("", None, None)
    octopus_2023 = events.get(slug="octopus-2023")
    assert (octopus_2023.country.iso2, octopus_2023.reported_participants, octopus_2023.reported_countries) == (
        "RO", 500, None)  # fmt: skip
    assert all(e.source for e in events)


def test_conferences_without_dates_are_gaps_not_events():
    gaps = conference_gaps()

    assert [(g.year, g.missing) for g in gaps] == [
        (2004, ["dates", "place", "participants", "countries"]),
        (2013, ["dates", "place", "participants", "countries"]),
        (2015, ["dates", "participants", "countries"]),
    ]
    assert not Event.objects.filter(slug__in=["octopus-2004", "octopus-2013", "octopus-2015"]).exists()
    assert all(g.source for g in gaps)


def test_loading_again_changes_nothing_and_restores_what_was_changed():
    Event.objects.filter(slug="octopus-2016").update(reported_participants=1, city="Paris")
    count = Event.objects.count()

    outcome = load_conferences()

    assert (outcome["added"], outcome["updated"], outcome["unchanged"]) == (0, 1, 9)
    assert Event.objects.count() == count
    assert Event.objects.filter(slug="octopus-2016", reported_participants=300, city="Strasbourg").exists()
    assert load_conferences()["updated"] == 0


def test_the_command_reports_the_conferences_and_each_gap():
    out = io.StringIO()

    call_command("load_reference_data", stdout=out, stderr=io.StringIO())

    text = out.getvalue()
    assert "Octopus conferences: 0 added, 0 updated, 10 unchanged." in text
    assert [line.split(" is named")[0].strip() for line in text.splitlines() if "Gap:" in line] == [
        "Gap: Octopus conference 2004",
        "Gap: Octopus conference 2013",
        "Gap: Octopus conference 2015",
    ]


def test_the_project_copy_keeps_the_source_column():
    assert DATA.read_text(encoding="utf-8").splitlines()[0].endswith(",source")
    assert len(read_conferences()) == 13
