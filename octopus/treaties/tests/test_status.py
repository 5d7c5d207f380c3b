"""Status is derived from dated acts: every transition, at the day boundaries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from octopus.countries.models import Country
from octopus.treaties.models import ActionKind, Treaty
from octopus.treaties.queries import Fact, Status, status_on, statuses_at, timeline
from octopus.treaties.services import record_treaty_action

D = datetime.date
DAY = datetime.timedelta(days=1)


def fact(kind, date=None, attested_on=None, effective_on=None):
    return Fact(kind, date, attested_on, effective_on)


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (ActionKind.INVITED, Status.INVITED),
        (ActionKind.SIGNED, Status.SIGNATORY),
        (ActionKind.RATIFIED, Status.RATIFIED),
        (ActionKind.ACCEPTED, Status.RATIFIED),
        (ActionKind.APPROVED, Status.RATIFIED),
        (ActionKind.ACCEDED, Status.RATIFIED),
        (ActionKind.IN_FORCE, Status.PARTY),
    ],
)
def test_each_act_gives_its_status_from_its_day_not_the_day_before(kind, status):
    day = D(2010, 3, 1)
    facts = [fact(kind, day)]

    assert status_on(facts, day - DAY).status == Status.NONE
    assert status_on(facts, day).status == status
    assert status_on(facts, day).since == day


def test_full_path_invited_signed_ratified_in_force_at_each_boundary():
    facts = [
        fact(ActionKind.INVITED, D(2015, 2, 23)),
        fact(ActionKind.SIGNED, D(2015, 3, 10)),
        fact(ActionKind.RATIFIED, D(2015, 5, 29)),
        fact(ActionKind.IN_FORCE, D(2015, 9, 1)),
    ]

    assert status_on(facts, D(2015, 2, 22)).status == Status.NONE
    assert status_on(facts, D(2015, 2, 23)).status == Status.INVITED
    assert status_on(facts, D(2015, 3, 9)).status == Status.INVITED
    assert status_on(facts, D(2015, 3, 10)).status == Status.SIGNATORY
    assert status_on(facts, D(2015, 5, 28)).status == Status.SIGNATORY
    assert status_on(facts, D(2015, 5, 29)).status == Status.RATIFIED
    assert status_on(facts, D(2015, 8, 31)).status == Status.RATIFIED
    assert status_on(facts, D(2015, 9, 1)).status == Status.PARTY
    assert status_on(facts, D(2015, 9, 1)).since == D(2015, 9, 1)


def test_denunciation_ends_party_status_on_its_effective_date():
    facts = [
        fact(ActionKind.RATIFIED, D(2005, 1, 10)),
        fact(ActionKind.IN_FORCE, D(2005, 5, 1)),
        fact(ActionKind.DENOUNCED, D(2020, 1, 15), effective_on=D(2020, 5, 1)),
    ]

    assert status_on(facts, D(2020, 4, 30)).status == Status.PARTY
    assert status_on(facts, D(2020, 5, 1)).status == Status.DENOUNCED
    assert status_on(facts, D(2020, 5, 1)).since == D(2020, 5, 1)


def test_denunciation_without_effective_date_takes_effect_on_its_date():
    facts = [fact(ActionKind.IN_FORCE, D(2005, 5, 1)), fact(ActionKind.DENOUNCED, D(2020, 1, 15))]

    assert status_on(facts, D(2020, 1, 14)).status == Status.PARTY
    assert status_on(facts, D(2020, 1, 15)).status == Status.DENOUNCED


def test_undated_act_counts_from_the_day_a_source_attests_it():
    facts = [fact(ActionKind.IN_FORCE, attested_on=D(2017, 6, 9))]

    assert status_on(facts, D(2017, 6, 8)).status == Status.NONE
    on_the_day = status_on(facts, D(2017, 6, 9))
    assert (on_the_day.status, on_the_day.since, on_the_day.attested_on) == (Status.PARTY, None, D(2017, 6, 9))


def test_reservations_and_declarations_do_not_change_status():
    facts = [fact(ActionKind.SIGNED, D(2001, 11, 23)), fact(ActionKind.DECLARATION, D(2002, 1, 1))]

    assert status_on(facts, D(2003, 1, 1)).status == Status.SIGNATORY


@pytest.mark.django_db
def test_recorded_action_changes_the_status_at_once():
    treaty = Treaty.objects.get(number=185)
    kenya = Country.objects.get(iso2="KE")
    assert statuses_at(treaty, D(2025, 1, 1))[kenya.pk].status == Status.INVITED

    record_treaty_action(treaty, country=kenya, kind=ActionKind.ACCEDED, date=D(2025, 3, 3), source="Test chart")

    assert statuses_at(treaty, D(2025, 3, 2))[kenya.pk].status == Status.INVITED
    assert statuses_at(treaty, D(2025, 3, 3))[kenya.pk].status == Status.RATIFIED


@pytest.mark.django_db
def test_reference_data_gives_known_states_their_status():
    treaty = Treaty.objects.get(number=185)
    by_iso = {c.iso2: c.pk for c in Country.objects.filter(iso2__in=["AL", "US", "KE", "IE", "FR"])}

    statuses = statuses_at(treaty, D(2026, 1, 1))

    assert statuses[by_iso["AL"]].status == Status.PARTY
    assert statuses[by_iso["AL"]].since == D(2004, 7, 1)
    assert statuses[by_iso["US"]].status == Status.PARTY
    assert statuses[by_iso["US"]].since == D(2007, 1, 1)
    assert statuses[by_iso["KE"]].status == Status.INVITED
    assert statuses[by_iso["KE"]].since == D(2024, 10, 9)
    assert statuses[by_iso["IE"]].status == Status.SIGNATORY
    assert statuses_at(treaty, D(2006, 4, 30))[by_iso["FR"]].status == Status.RATIFIED
    assert statuses_at(treaty, D(2006, 5, 1))[by_iso["FR"]].status == Status.PARTY


def _timeline_queries(treaty, until):
    with CaptureQueriesContext(connection) as queries:
        rows = timeline(treaty, until)
    return len(queries), rows


@pytest.mark.django_db
def test_timeline_query_count_does_not_grow_with_states_or_years():
    treaty = Treaty.objects.get(number=185)
    short_count, short_rows = _timeline_queries(treaty, D(2005, 1, 1))
    for country in Country.objects.exclude(treaty_actions__treaty=treaty)[:40]:
        record_treaty_action(treaty, country=country, kind=ActionKind.INVITED, date=D(2020, 1, 1), source="Test")

    long_count, long_rows = _timeline_queries(treaty, D(2026, 1, 1))

    assert short_count == long_count == 1
    assert len(long_rows) > len(short_rows) * 5


@pytest.mark.django_db
def test_timeline_counts_parties_and_invited_on_the_first_of_each_month():
    treaty = Treaty.objects.get(number=185)

    rows = timeline(treaty, D(2004, 8, 15))

    by_key = {(r["month"], r["series"]): r["count"] for r in rows}
    assert rows[0]["month"] == "2001-11-01"
    # Parties from the deposit, as the Treaty Office counts them: Albania deposited on 20 June 2002, then Croatia,
    # Estonia, Hungary, Lithuania and Romania (12 May 2004), before the Convention entered into force on 1 July 2004.
    assert by_key[("2002-06-01", "Parties")] == 0
    assert by_key[("2002-07-01", "Parties")] == 1
    assert by_key[("2004-06-01", "Parties")] == 6
    assert by_key[("2004-07-01", "Parties")] == 6
    assert rows[-1]["month"] == "2004-08-15"


kinds = st.sampled_from([k for k in ActionKind if k not in (ActionKind.RESERVATION, ActionKind.DECLARATION)])
days = st.dates(min_value=D(2001, 1, 1), max_value=D(2006, 12, 31))
facts_strategy = st.lists(
    st.builds(Fact, kinds, st.one_of(st.none(), days), days, st.one_of(st.none(), days)), max_size=5
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.integers(1, 30), facts_strategy, max_size=12))
def test_timeline_equals_the_status_of_every_state_on_every_day_it_shows(facts):
    treaty = Treaty(number=1, opened_on=D(2001, 11, 23))
    until = D(2006, 6, 15)

    rows = timeline(treaty, until, facts)

    for row in rows:
        day = D.fromisoformat(row["month"])
        # Parties are counted from the deposit, in force or not, as the Treaty Office counts them.
        expected_statuses = {Status.PARTY, Status.RATIFIED} if row["series"] == "Parties" else {Status.INVITED}
        expected = sum(1 for group in facts.values() if status_on(group, day).status in expected_statuses)
        assert row["count"] == expected, (row, facts)


def test_a_state_that_joins_again_after_denouncing_is_judged_on_its_new_acts_only():
    facts = [
        fact(ActionKind.RATIFIED, D(2004, 3, 1)),
        fact(ActionKind.IN_FORCE, D(2004, 7, 1)),
        fact(ActionKind.DENOUNCED, D(2010, 1, 1), effective_on=D(2010, 5, 1)),
        fact(ActionKind.ACCEDED, attested_on=D(2015, 6, 1)),
    ]

    assert status_on(facts, D(2012, 1, 1)).status == Status.DENOUNCED
    again = status_on(facts, D(2016, 1, 1))
    assert (again.status, again.since, again.attested_on) == (Status.RATIFIED, None, D(2015, 6, 1))


@pytest.mark.django_db
def test_recording_a_new_accession_after_a_denunciation_is_allowed():
    treaty = Treaty.objects.get(number=185)
    albania = Country.objects.get(iso2="AL")
    record_treaty_action(
        treaty, country=albania, kind=ActionKind.DENOUNCED, date=D(2010, 1, 1), effective_on=D(2010, 5, 1), source="T"
    )

    record_treaty_action(treaty, country=albania, kind=ActionKind.ACCEDED, date=D(2015, 6, 1), source="T")
    record_treaty_action(treaty, country=albania, kind=ActionKind.IN_FORCE, date=D(2015, 10, 1), source="T")

    assert statuses_at(treaty, D(2012, 1, 1))[albania.pk].status == Status.DENOUNCED
    assert statuses_at(treaty, D(2015, 10, 1))[albania.pk].status == Status.PARTY
    assert statuses_at(treaty, D(2015, 10, 1))[albania.pk].since == D(2015, 10, 1)
