"""Recording and correcting treaty actions: checked, audited, and never silently overwritten."""

import datetime
import re

import pytest

from octopus.accounts.models import AuditEntry
from octopus.countries.models import Country
from octopus.lib.errors import ConflictError
from octopus.treaties.models import ActionKind, Treaty, TreatyAction
from octopus.treaties.services import (
    InvalidAction,
    correct_treaty_action,
    record_treaty_action,
    withdraw_treaty_action,
)

D = datetime.date


@pytest.fixture
def cets185(db):
    return Treaty.objects.get(number=185)


@pytest.mark.django_db
def test_recording_an_action_writes_an_audit_entry_with_who_and_what(cets185, staff_user):
    kenya = Country.objects.get(iso2="KE")

    action = record_treaty_action(
        cets185, country=kenya, kind=ActionKind.ACCEDED, date=D(2025, 3, 3), source="CoE news", user=staff_user
    )

    entry = AuditEntry.objects.get(object_id=str(action.pk), object_type="treaties.treatyaction")
    assert (entry.user, entry.action, entry.before) == (staff_user, "treaties.action.acceded.recorded", None)
    assert entry.after["date"] == "2025-03-03"
    assert entry.after["source"] == "CoE news"


@pytest.mark.django_db
def test_correction_with_a_stale_version_is_refused_and_changes_nothing(cets185, staff_user):
    action = TreatyAction.objects.get(country__iso2="AL", treaty=cets185, kind=ActionKind.SIGNED)
    read_by_first_user = action.version
    correct_treaty_action(action, version=read_by_first_user, user=staff_user, note="Checked against the chart")
    audit_count = AuditEntry.objects.count()

    with pytest.raises(ConflictError, match="Someone else changed this action"):
        correct_treaty_action(action, version=read_by_first_user, user=staff_user, date=D(2001, 11, 24))

    action.refresh_from_db()
    assert (action.date, action.note, action.version) == (D(2001, 11, 23), "Checked against the chart", 2)
    assert AuditEntry.objects.count() == audit_count


@pytest.mark.django_db
def test_correction_is_audited_with_before_and_after(cets185, staff_user):
    action = TreatyAction.objects.get(country__iso2="AL", treaty=cets185, kind=ActionKind.SIGNED)

    correct_treaty_action(action, version=action.version, user=staff_user, date=D(2001, 11, 24))

    entry = AuditEntry.objects.filter(action="treaties.action.corrected").get()
    # A person's correction takes the act over from the reference loader, which then leaves it alone.
    assert entry.changed_fields() == [("date", "2001-11-23", "2001-11-24"), ("origin", "reference", "staff")]
    assert entry.user == staff_user


@pytest.mark.django_db
def test_a_correction_that_changes_nothing_keeps_the_origin(cets185, staff_user):
    action = TreatyAction.objects.get(country__iso2="AL", treaty=cets185, kind=ActionKind.SIGNED)

    same = correct_treaty_action(action, version=action.version, user=staff_user, date=action.date)

    assert (same.origin, same.version) == ("reference", 1)
    assert not AuditEntry.objects.filter(action="treaties.action.corrected").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("iso2", "kind", "day", "message"),
    [
        ("AL", ActionKind.RATIFIED, D(2003, 1, 1), "already has a ratification"),
        ("KE", ActionKind.SIGNED, D(2000, 1, 1), "before CETS 185 was opened for signature (2001-11-23)"),
        ("KE", ActionKind.SIGNED, D(2099, 1, 1), "is in the future"),
        ("IE", ActionKind.RATIFIED, D(2002, 1, 1), "Ratification (2002-01-01) cannot come before the signature"),
        ("IE", ActionKind.IN_FORCE, D(2001, 1, 1), None),
    ],
)
def test_impossible_actions_are_refused_with_a_reason(cets185, iso2, kind, day, message):
    country = Country.objects.get(iso2=iso2)
    count = TreatyAction.objects.count()

    if message is None:  # an entry into force alone is allowed: the ratification may not be recorded yet
        record_treaty_action(cets185, country=country, kind=kind, date=day, source="Test")
        assert TreatyAction.objects.count() == count + 1
        return
    with pytest.raises(InvalidAction, match=re.escape(message)):
        record_treaty_action(cets185, country=country, kind=kind, date=day, source="Test")
    assert TreatyAction.objects.count() == count


@pytest.mark.django_db
def test_an_action_needs_a_source(cets185):
    with pytest.raises(InvalidAction, match="needs a source"):
        record_treaty_action(
            cets185, country=Country.objects.get(iso2="KE"), kind="signed", date=D(2020, 1, 1), source=" "
        )


@pytest.mark.django_db
def test_withdrawing_keeps_the_record_in_the_audit_log(cets185, staff_user):
    action = TreatyAction.objects.get(country__iso2="KE", treaty=cets185, kind=ActionKind.INVITED)

    withdraw_treaty_action(action, version=action.version, reason="Recorded twice", user=staff_user)

    assert not TreatyAction.objects.filter(pk=action.pk).exists()
    entry = AuditEntry.objects.get(action="treaties.action.withdrawn")
    assert entry.before["date"] == "2024-10-09"
    assert entry.data == {"reason": "Recorded twice"}
