"""The meetings world the meeting, participation and metric tests share (without the real plenaries the reference
data loads): three T-CY meetings with their attendance and funded travel, a cancelled plenary, a workshop (another
forum) and a plenary event not yet numbered. None of its events serves a programme.

What it holds (the tests assert on these numbers):
- T-CY 15 (2016-05-24/25, public): Ana (FR) and Giorgi (GE) attended; Nino (GE) approved, not checked in; Li (CN)
  pending. Funded: Giorgi 300 + 2 × 200 = 700, reconciled at 650; Nino 100 + 1 × 200 = 300.
- Bureau 12 (2017-03-01/02, not public): Giorgi (GE) attended.
- T-CY 17 (2017-07-10/12, public): Ana (FR), Paul (FR) and Aram (AM) attended. Funded: Paul 250 + 2 × 200 = 650;
  Aram's travel refused.
- T-CY 19 (2018-06-04/05): cancelled; Ana had attended the first day before it was called off (not counted).
- A regional workshop (2017-11-20/21), another forum: Aram (AM, a Party) funded 200 + 1 × 100 = 300; Li (CN, no
  Party) funded 50 + 1 × 100 = 150, not counted.
- An event of kind T-CY plenary on 2019-07-08, not numbered.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from octopus.accounts.models import Role
from octopus.committees.models import Committee, Document, Meeting
from octopus.committees.services import meetings
from octopus.countries.models import Country
from octopus.events import services as events
from octopus.events.models import Event, Kind, Registration, RegistrationState, Status
from octopus.testing.factories import RegistrationFormFactory
from octopus.testing.helpers import make_user

D = datetime.date


@dataclass
class MeetingsWorld:
    user: object
    tcy: Committee
    bureau: Committee
    t15: Meeting
    b12: Meeting
    t17: Meeting
    t19: Meeting
    workshop: Event
    unlinked: Event
    people: dict[str, Registration]  # "<name>@<meeting>" → registration


def _event(user, slug, title, kind, start, end, *, status=Status.HELD, public=True, dsa=200):
    return events.create_event(
        user=user,
        title=title,
        slug=slug,
        kind=kind,
        status=status,
        starts_on=start,
        ends_on=end,
        city="Strasbourg",
        country=Country.objects.get(iso2="FR"),
        is_public=public,
        dsa_rate=dsa,
    )


def _register(user, event, first, last, iso2, *, attended=True, state=None):
    form = event.forms.first() or RegistrationFormFactory(event=event, title="Delegates", requires_approval=False)
    registration = events.register_person(
        form,
        person_fields={
            "first_name": first,
            "last_name": last,
            "email": f"{first.lower()}@example.org",
            "country": Country.objects.get(iso2=iso2),
        },
        by_staff=True,
        user=user,
        state=state,
    )
    if attended:
        events.check_in(registration, day=event.starts_on, user=user)
    return registration


def _fund(user, registration, ticket, nights, *, rate=None, **changes):
    fields = {"ticket_cost": Decimal(ticket), "nights": nights}
    if rate is not None:
        fields["dsa_rate"] = Decimal(rate)
    travel = events.fund_travel(registration, user=user, **fields)
    if changes:
        travel = events.update_travel(travel, version=None, user=user, **changes)
    return travel


def clear_reference_plenaries() -> None:
    """Take the real plenaries the reference data loads (T-CY 12 … 23) out of a test's database (the test's
    transaction brings them back), so that a test numbers its own meetings and counts only them."""
    Document.objects.filter(adopted_at__isnull=False).update(adopted_at=None)
    event_ids = list(Meeting.objects.values_list("event_id", flat=True))
    Meeting.objects.all().delete()
    Event.objects.filter(pk__in=event_ids).delete()


def build_meetings_world() -> MeetingsWorld:
    clear_reference_plenaries()
    user = make_user(Role.TCY_SECRETARIAT)
    tcy = Committee.objects.get(code="T-CY")
    bureau = Committee.objects.get(code="T-CY Bureau")
    e15 = _event(user, "t-cy-15", "15th T-CY plenary", Kind.TCY_PLENARY, D(2016, 5, 24), D(2016, 5, 25))
    e12 = _event(
        user, "t-cy-bureau-12", "12th Bureau meeting", Kind.TCY_BUREAU, D(2017, 3, 1), D(2017, 3, 2), public=False
    )
    e17 = _event(user, "t-cy-17", "17th T-CY plenary", Kind.TCY_PLENARY, D(2017, 7, 10), D(2017, 7, 12))
    e19 = _event(user, "t-cy-19", "19th T-CY plenary", Kind.TCY_PLENARY, D(2018, 6, 4), D(2018, 6, 5))
    workshop = _event(
        user,
        "regional-workshop",
        "Regional workshop",
        Kind.REGIONAL_WORKSHOP,
        D(2017, 11, 20),
        D(2017, 11, 21),
        dsa=100,
    )
    unlinked = _event(
        user, "t-cy-21", "21st T-CY plenary", Kind.TCY_PLENARY, D(2019, 7, 8), D(2019, 7, 10), status=Status.PLANNED
    )
    t15 = meetings.record_meeting(tcy, event=e15, number=15, user=user)
    b12 = meetings.record_meeting(tcy, event=e12, number=12, user=user)
    t17 = meetings.record_meeting(tcy, event=e17, number=17, user=user)
    t19 = meetings.record_meeting(tcy, event=e19, number=19, user=user)
    people = {
        "ana@15": _register(user, e15, "Ana", "Silva", "FR"),
        "giorgi@15": _register(user, e15, "Giorgi", "Tsiklauri", "GE"),
        "nino@15": _register(user, e15, "Nino", "Beridze", "GE", attended=False),
        "li@15": _register(user, e15, "Li", "Wei", "CN", attended=False, state=RegistrationState.PENDING),
        "giorgi@b12": _register(user, e12, "Giorgi", "Tsiklauri", "GE"),
        "ana@17": _register(user, e17, "Ana", "Silva", "FR"),
        "paul@17": _register(user, e17, "Paul", "Martin", "FR"),
        "aram@17": _register(user, e17, "Aram", "Petrosyan", "AM"),
        "ana@19": _register(user, e19, "Ana", "Silva", "FR"),
        "aram@workshop": _register(user, workshop, "Aram", "Petrosyan", "AM"),
        "li@workshop": _register(user, workshop, "Li", "Wei", "CN"),
    }
    _fund(user, people["giorgi@15"], 300, 2, status="reconciled", proof_received=True, actual_cost=Decimal(650))
    _fund(user, people["nino@15"], 100, 1)
    _fund(user, people["paul@17"], 250, 2)
    _fund(user, people["aram@17"], 400, 3, status="refused")
    _fund(user, people["aram@workshop"], 200, 1)
    _fund(user, people["li@workshop"], 50, 1)
    e19 = events.update_event(e19, version=None, user=user, status=Status.CANCELLED)
    return MeetingsWorld(
        user=user,
        tcy=tcy,
        bureau=bureau,
        t15=t15,
        b12=b12,
        t17=t17,
        t19=t19,
        workshop=workshop,
        unlinked=unlinked,
        people=people,
    )


def test_the_world_holds_what_its_docstring_says(db):
    world = build_meetings_world()

    assert [str(m) for m in Meeting.objects.order_by("event__starts_on")] == [
        "T-CY 15",
        "T-CY Bureau 12",
        "T-CY 17",
        "T-CY 19",
    ]
    assert Registration.objects.filter(attendance__isnull=False).distinct().count() == 9
    assert (world.unlinked.kind, Event.objects.get(slug="t-cy-19").status) == (Kind.TCY_PLENARY, Status.CANCELLED)
