"""The reference data: reconciled into actions, sourced, and held against the official counts."""

import datetime
import io

import pytest
from django.core.management import call_command

from octopus.treaties.models import ActionKind, Article, OfficialCount, Origin, Treaty, TreatyAction
from octopus.treaties.queries import compare_with_official_counts
from octopus.treaties.reference_data import (
    Observation,
    load_treaties,
    load_treaty_actions,
    plan_treaty_actions,
    read_observations,
    reconcile,
)
from octopus.treaties.services import correct_treaty_action

D = datetime.date


CHART_DAY = D(2015, 12, 3)


def obs(status, signed=None, ratified=None, in_force=None, source="https://www.coe.int/x", as_of=CHART_DAY):
    return Observation("XX", 185, status, signed, ratified, in_force, source, as_of)


def test_dates_come_from_the_most_reliable_row_and_disagreements_are_noted():
    rows = [
        obs("signatory", signed=D(2001, 11, 30), source="CoE chart", as_of=D(2004, 6, 18)),
        obs("signatory", signed=D(2001, 11, 23), source="http://cyberpolice.over-blog.com/a", as_of=D(2004, 12, 2)),
    ]

    [signed] = reconcile(rows, set(), {})

    assert (signed.kind, signed.date) == (ActionKind.SIGNED, D(2001, 11, 30))
    assert signed.source == "CoE chart (as of 2004-06-18)"
    assert "Another source gives 2001-11-23" in signed.note


def test_party_without_dates_becomes_an_undated_entry_into_force_attested_by_the_earliest_source():
    rows = [
        obs("party", source="T-CY 17th plenary report", as_of=D(2017, 6, 9)),
        obs("party", source="later news", as_of=D(2019, 1, 1)),
    ]

    [in_force] = reconcile(rows, set(), {})

    assert (in_force.kind, in_force.date, in_force.attested_on) == (ActionKind.IN_FORCE, None, D(2017, 6, 9))
    assert in_force.source.splitlines() == [
        "T-CY 17th plenary report (as of 2017-06-09)",
        "later news (as of 2019-01-01)",
    ]


def test_consent_is_an_accession_for_a_non_member_that_did_not_sign():
    rows = [obs("party", ratified=D(2024, 6, 20), in_force=D(2024, 10, 1))]

    kinds = {a.kind for a in reconcile(rows, set(), {})}
    member_kinds = {a.kind for a in reconcile(rows, {"XX"}, {})}

    assert kinds == {ActionKind.ACCEDED, ActionKind.IN_FORCE}
    assert member_kinds == {ActionKind.RATIFIED, ActionKind.IN_FORCE}


def test_a_state_called_a_party_before_its_entry_into_force_had_consented_by_then():
    # The Philippines: "the 57th party" on 6 March 2018, in force 1 July 2018, no deposit date at hand.
    rows = [
        obs("party", in_force=D(2018, 7, 1), source="Verdragenbank", as_of=None),
        obs("party", source="Senator's press release", as_of=D(2018, 3, 6)),
        obs("party", source="later news", as_of=D(2018, 9, 1)),
    ]

    consent, in_force = reconcile(rows, set(), {})

    assert (consent.kind, consent.date, consent.attested_on) == (ActionKind.ACCEDED, None, D(2018, 3, 6))
    assert consent.source == "Senator's press release (as of 2018-03-06)"
    assert (in_force.kind, in_force.date) == (ActionKind.IN_FORCE, D(2018, 7, 1))


def test_a_row_dated_only_by_its_own_words_is_attested_by_that_day():
    # cybercrimelaw.net lists Parties "as of September 2015" but the row has no as_of (data/attestation_dates.csv).
    turkey = [o for o in read_observations() if o.iso2 == "TR" and o.treaty == 185]
    [listed] = [o for o in turkey if o.status == "party"]

    [in_force] = [a for a in reconcile(turkey, set(), {}) if a.kind == ActionKind.IN_FORCE]

    assert (listed.as_of, listed.attested_by) == (None, D(2015, 9, 30))
    assert (in_force.date, in_force.attested_on) == (None, D(2015, 9, 30))
    assert "undated; by 2015-09-30" in in_force.source


def test_ratified_without_entry_into_force_stays_ratified():
    # CETS 224: Japan ratified, the Protocol is not in force: no entry into force may be invented.
    rows = [obs("party", signed=D(2022, 5, 12), ratified=D(2023, 8, 10))]

    kinds = [a.kind for a in reconcile(rows, set(), {})]

    assert kinds == [ActionKind.SIGNED, ActionKind.RATIFIED]


@pytest.mark.django_db
def test_every_reference_action_keeps_a_source():
    actions = TreatyAction.objects.filter(origin=Origin.REFERENCE)

    assert actions.count() == 335
    assert not actions.filter(source="").exists()
    assert Article.objects.filter(treaty__number=185).count() == 48
    assert Article.objects.filter(treaty__number=189).count() == 16
    assert Article.objects.get(treaty__number=185, number=2).section == "1 – Substantive criminal law"


@pytest.mark.django_db
def test_loading_again_changes_nothing():
    before = list(TreatyAction.objects.order_by("pk").values())
    out = io.StringIO()

    call_command("load_reference_data", stdout=out, stderr=io.StringIO())

    assert "0 added, 0 changed, 335 unchanged" in out.getvalue()
    assert list(TreatyAction.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_reloading_keeps_what_staff_corrected_and_adds_nothing(django_user_model):
    staff = django_user_model.objects.create_user(email="staff@example.org", password="a-long-test-password")
    action = TreatyAction.objects.get(treaty__number=185, country__iso2="PE", kind=ActionKind.IN_FORCE)
    corrected = correct_treaty_action(
        action, version=action.version, user=staff, date=D(2019, 12, 1), attested_on=None, source="Treaty Office chart"
    )
    before = list(TreatyAction.objects.order_by("pk").values())

    outcome = load_treaty_actions(load_treaties(), plan_treaty_actions())

    assert corrected.origin == Origin.STAFF
    assert outcome == {"added": 0, "changed": 0, "unchanged": 334, "kept": 1}
    assert list(TreatyAction.objects.order_by("pk").values()) == before


def _comparisons(number):
    treaty = Treaty.objects.get(number=number)
    return compare_with_official_counts(treaty, OfficialCount.objects.filter(treaty=treaty, as_of__isnull=False))


@pytest.mark.django_db
def test_second_protocol_matches_every_official_count():
    comparisons = _comparisons(224)

    assert [(c.as_of, c.differences) for c in comparisons] == [(D(2024, 6, 20), {}), (D(2025, 1, 16), {})]


@pytest.mark.django_db
@pytest.mark.parametrize("number", [185, 189])
def test_recorded_parties_and_invited_never_exceed_the_official_counts(number):
    # The record is incomplete (see the data README), so it may count fewer Parties than the Council of Europe,
    # never more: more would mean an action recorded wrongly.
    comparisons = _comparisons(number)

    assert comparisons
    for comparison in comparisons:
        for key in ("parties", "invited"):
            official = comparison.official[key]
            if official is not None:
                assert comparison.recorded[key] <= official, (comparison.as_of, key)


@pytest.mark.django_db
def test_latest_official_count_for_the_convention_is_shown_beside_the_recorded_one():
    latest = _comparisons(185)[-1]

    assert latest.as_of == D(2024, 10, 9)
    assert latest.official == {"parties": 76, "signatories": 2, "invited": 18}
    # Parties counted from the deposit (Benin, Fiji and Kiribati of 20 June 2024 among them, in force 1 October).
    assert latest.recorded == {"parties": 75, "signatories": 2, "invited": 9}
    assert (latest.bounds.lower, latest.bounds.upper) == (75, 77)
    assert latest.explained_by == ("Ecuador", "Peru")
