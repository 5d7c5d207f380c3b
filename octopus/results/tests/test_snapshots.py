"""Snapshot integrity: what a report said stays what it said; later changes show as restatements with a reason."""

import datetime
import json

import pytest

from octopus.countries.models import Country
from octopus.lib.errors import DomainError
from octopus.results import services
from octopus.results.models import Restatement, Snapshot
from octopus.results.snapshots import differences
from octopus.results.tests.conftest import approved
from octopus.treaties.models import Treaty
from octopus.treaties.services import record_treaty_action

D = datetime.date


@pytest.fixture
def frozen(built):
    approved(built, built.workshops, "2015", 4)
    return services.freeze_snapshot(
        built.programme, title="Progress report 2016", as_of=D(2016, 12, 31), user=built.staff
    )


def test_a_frozen_snapshot_keeps_every_value_and_the_records_behind_it(built, frozen):
    workshops = frozen.data["indicators"]["1.1"]
    parties = frozen.data["indicators"]["O.1"]

    assert (frozen.data["as_of"], frozen.data["logframe_version"]) == ("2016-12-31", 1)
    assert (workshops["to_date"]["actual"], workshops["periods"]["2015"]["actual"]) == ("4.00", "4.00")
    assert workshops["records"] == {"2015": [str(built.workshops.manual_values.get().pk)]}
    assert len(parties["records"]["2016"]) == int(parties["periods"]["2016"]["actual"])
    assert services.snapshot_verifies(frozen)
    assert frozen.digest == services.digest_of(json.loads(json.dumps(frozen.data)))


def test_a_changed_record_changes_current_but_never_the_snapshot(built, frozen):
    stored = Snapshot.objects.get(pk=frozen.pk)
    reported = stored.data["indicators"]["O.1"]["periods"]["2016"]["actual"]
    # A State found, after the report went out, to have been invited in 2016.
    country = Country.objects.exclude(treaty_actions__treaty__number=185).order_by("iso2").first()
    record_treaty_action(
        Treaty.objects.get(number=185),
        country=country,
        kind="invited",
        date=D(2016, 5, 2),
        source="Letter of invitation (test)",
        user=built.staff,
    )

    changed = {(d.code, d.period): d for d in differences(stored)}

    stored.refresh_from_db()
    assert stored.data["indicators"]["O.1"]["periods"]["2016"]["actual"] == reported
    assert services.snapshot_verifies(stored)
    assert changed[("O.1", "2016")].reported == reported
    assert changed[("O.1", "2016")].current == str(int(reported) + 1)
    assert ("1.1", "2015") not in changed


def test_a_restatement_needs_its_reason_and_a_difference(built, frozen):
    approved(built, built.workshops, "2016", 2)  # approved after the report: 2016 and the total now read higher

    with pytest.raises(DomainError, match="A restatement needs its reason."):
        services.restate(frozen, indicator=built.workshops, period="2016", reason="  ", user=built.staff)
    with pytest.raises(DomainError, match="That figure reads as it was reported: there is nothing to restate."):
        services.restate(frozen, indicator=built.workshops, period="2015", reason="Why not", user=built.staff)
    assert Restatement.objects.count() == 0

    services.restate(frozen, indicator=built.workshops, period="2016", reason="Late mission report", user=built.staff)

    explained = {(d.code, d.period): d.reason for d in differences(frozen)}
    assert explained == {("1.1", "2016"): "Late mission report", ("1.1", "life"): ""}
    assert Restatement.objects.get().current == "2.00"


def test_altered_stored_figures_no_longer_verify(frozen):
    data = frozen.data
    data["indicators"]["1.1"]["to_date"]["actual"] = "5.00"
    Snapshot.objects.filter(pk=frozen.pk).update(data=data)

    assert not services.snapshot_verifies(Snapshot.objects.get(pk=frozen.pk))


def test_a_snapshot_needs_a_title_and_a_day_within_the_programme(built):
    with pytest.raises(DomainError, match="Name the report these figures go out in."):
        services.freeze_snapshot(built.programme, title=" ", as_of=D(2016, 12, 31), user=built.staff)
    with pytest.raises(DomainError, match="from the programme's start"):
        services.freeze_snapshot(built.programme, title="Report", as_of=D(2013, 12, 31), user=built.staff)
    assert Snapshot.objects.count() == 0
