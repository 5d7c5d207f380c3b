"""A small programme built through the services, as staff would build it: 2014–2019, one objective, one output."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from octopus.accounts.models import Membership, Role, User
from octopus.countries.models import Country
from octopus.events import services as events
from octopus.events.models import Event, Kind
from octopus.events.models import Status as EventStatus
from octopus.results import services
from octopus.results.assignments import content_type, countables, unassigned
from octopus.results.models import Assignment, Indicator, Programme
from octopus.testing.helpers import make_user

D = datetime.date


@dataclass
class Built:
    programme: Programme
    staff: User
    reviewer: User
    parties: Indicator  # computed: treaties.parties_and_invited, latest, yearly
    workshops: Indicator  # manual count, summed over years, at most 25 over the life
    stage: Indicator  # manual ordinal, latest
    finding: Indicator  # manual qualitative


def make_reviewer() -> User:
    reviewer = User.objects.create_user(email="reviewer@example.org", password="a-long-test-password")
    Membership.objects.create(user=reviewer, role=Role.PROGRAMME_STAFF)
    return reviewer


def build_programme(staff: User, reviewer: User) -> Built:
    programme = services.create_programme(
        code="test-programme",
        title="Test programme",
        starts_on=D(2014, 1, 1),
        ends_on=D(2019, 12, 31),
        budget_ceiling=Decimal("3500000"),
        implementing_office="Test office",
        user=staff,
    )
    version = services.latest_version(programme)
    objective = services.add_node(programme, level="objective", code="O", title="Objective", user=staff)
    output = services.add_node(programme, level="output", code="1", title="Output", parent=objective, user=staff)
    parties = services.define_indicator(
        objective,
        code="O.1",
        title="Parties and invited States",
        metric_key="treaties.parties_and_invited",
        metric_params={"treaty": 185},
        accumulation="latest",
        disaggregations=["country", "region"],
        user=staff,
    )
    workshops = services.define_indicator(output, code="1.1", title="Workshops held", manual=True, user=staff)
    stage = services.define_indicator(
        output,
        code="1.2",
        title="Stage of the law",
        manual=True,
        measure="ordinal",
        scale=["None", "Draft", "Adopted"],
        accumulation="latest",
        user=staff,
    )
    finding = services.define_indicator(
        output, code="1.3", title="Lessons", manual=True, measure="qualitative", accumulation="latest", user=staff
    )
    services.set_target(workshops, version=version, period="life", comparator="le", value=Decimal(25), user=staff)
    services.set_target(parties, version=version, period="life", comparator="ge", value=Decimal(60), user=staff)
    return Built(programme, staff, reviewer, parties, workshops, stage, finding)


def approved(built: Built, indicator, period: str, value=None, **fields):
    entry = services.enter_manual_value(
        indicator, period=period, value=value, evidence_url="https://example.org/evidence", user=built.staff, **fields
    )
    entry = services.submit_manual_value(entry, user=built.staff)
    return services.approve_manual_value(entry, user=built.reviewer)


@pytest.fixture
def built(db) -> Built:
    return build_programme(make_user(Role.PROGRAMME_STAFF), make_reviewer())


# Records that count for programmes (issue 15).


def assign_every_countable_record(programme) -> None:
    """Test set-up: every record of every registered kind serves `programme` (a real one), so that what the
    not-assigned list holds is only what the test makes."""
    for countable in countables():
        records = unassigned(countable.queryset())
        if any(field.name == "is_sample" for field in countable.model._meta.get_fields()):
            records = records.filter(is_sample=False)
        Assignment.objects.bulk_create(
            Assignment(content_type=content_type(countable.model), object_id=pk, programme=programme)
            for pk in records.values_list("pk", flat=True)
        )


def unassigned_workshops(staff, count: int, first: int = 0, **fields) -> list[Event]:
    """In-country workshops held in Tbilisi in May 2016, serving no programme (no activity chosen)."""
    return [
        events.create_event(
            user=staff,
            slug=f"unassigned-workshop-{n}",
            title=f"Unassigned workshop {n}",
            kind=Kind.IN_COUNTRY_WORKSHOP,
            status=EventStatus.HELD,
            starts_on=D(2016, 5, 10),
            ends_on=D(2016, 5, 11),
            city="Tbilisi",
            country=Country.objects.get(iso2="GE"),
            **fields,
        )
        for n in range(first, first + count)
    ]
