"""Sample participants and events (every row flagged `is_sample`, none presented as real).

Two uses:
- `load_sample_events` (`manage.py load_sample_data`, `make run`): three sample conferences ("Sample conference
  2016", 2018, 2019) with generated participants, roughly as many as a conference of the series gathers (300 experts
  from 90 countries in 2016), and a few sample events titled as such: an in-country and a regional workshop, a
  training, a T-CY plenary and a contribution to another organisation's event, and a workshop three weeks ahead
  open for registration. Every sample event serves the sample programme (`sample-programme`: activity A2.1 for the
  conferences, A2.2 the T-CY meeting, A2.3 the workshops and the training, A2.4 the contribution), never a real
  one; the real Octopus conferences (reference data) get no generated participant, so the real programme counts
  only its real record. Idempotent.
- `make_events` (a step of `octopus.sample.generate`, for `make bench`): generated events in the generated
  programme's years with exactly the asked number of attendance rows (1,000,000 for the benchmark), written with
  `bulk_create` in batches and reported to the progress bar, each serving the generated programme (assigned in one
  bulk write). Generated events, people and organisations are shared by every generated programme, like the
  generated treaty: the latest generation's stand, and they serve the latest generated programme.

Rows are written in bulk rather than through `services.register_person` (which audits and e-mails each one): they
are sample data, and the bulk path is what makes a million rows possible. Events themselves go through
`services.create_event`, audited like any other; choosing a sample event's activity there assigns it to the
sample programme (`results.services.serve_activity`).
"""

import datetime
import itertools
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from octopus.countries.models import Country, normalise_name
from octopus.events import services
from octopus.events.models import (
    Attendance,
    Deployment,
    Event,
    Kind,
    ParticipantRole,
    Registration,
    RegistrationForm,
    RegistrationState,
    Session,
    Status,
    Travel,
    TravelStatus,
)
from octopus.people.models import Organisation, Person, Sector
from octopus.results.assignments import content_type
from octopus.results.models import Assignment, ResultNode

BATCH = 5000
SAMPLE_DOMAIN = "sample.octopus.test"
GENERATED_PREFIX = "generated-"
GENERATED_DOMAIN = "generated.octopus.test"
D = datetime.date

FIRST_NAMES = {
    "female": [
        "Ana",
        "Maria",
        "Nino",
        "Olena",
        "Fatima",
        "Aisha",
        "Elena",
        "Sofia",
        "Amina",
        "Lucia",
        "Ines",
        "Mei",
        "Priya",
        "Zeynep",
        "Grace",
        "Irina",
        "Leila",
        "Marta",
        "Nadia",
        "Yasmin",
    ],
    "male": [
        "David",
        "Giorgi",
        "Ivan",
        "Ahmed",
        "Jean",
        "Luis",
        "Kwame",
        "Arjun",
        "Mehmet",
        "Pavel",
        "Samuel",
        "Tomas",
        "Omar",
        "Ravi",
        "Andrei",
        "Carlos",
        "Emeka",
        "Hiro",
        "Marco",
        "Nikola",
    ],
}
LAST_NAMES = [
    "Sample",
    "Example",
    "Placeholder",
    "Specimen",
    "Testcase",
    "Demo",
    "Mock",
    "Dummy",
    "Fiction",
    "Invented",
    "Madeup",
    "Pretend",
]
SECTORS = list(Sector.values)
NATIONAL_SECTORS = [s for s in SECTORS if s != Sector.INTERNATIONAL_ORGANISATION]
ROLE_WEIGHTS = [
    (ParticipantRole.PARTICIPANT, 85),
    (ParticipantRole.SPEAKER, 10),
    (ParticipantRole.MODERATOR, 3),
    (ParticipantRole.MEDIA, 2),
]


# --- building blocks ---------------------------------------------------------------------------------------------


def organisation_rows(rng: random.Random, countries: list[Country], count: int, *, prefix: str) -> list[Organisation]:
    """`count` sample organisations: a few international, the rest national, spread over `countries`."""
    rows = []
    for n in range(count):
        if n % 20 == 0:
            name = f"{prefix} international organisation {n}"
            rows.append(Organisation(name=name, sector=Sector.INTERNATIONAL_ORGANISATION, is_sample=True))
            continue
        country = countries[n % len(countries)]
        sector = rng.choice(NATIONAL_SECTORS)
        label = Sector(sector).label
        rows.append(Organisation(name=f"{prefix} {label} {n}", sector=sector, country=country, is_sample=True))
    return rows


def person_rows(rng: random.Random, organisations: list[Organisation], count: int, *, domain: str, start: int = 0):
    """`count` sample people (unsaved), each with an organisation and the country it is in (the international
    organisations' staff get a country of their own at random)."""
    national = [o for o in organisations if o.country_id]
    for n in range(start, start + count):
        sex = rng.choices(["female", "male", ""], weights=[45, 50, 5])[0]
        first = rng.choice(FIRST_NAMES[sex or rng.choice(["female", "male"])])
        last = f"{rng.choice(LAST_NAMES)}-{n}"
        organisation = rng.choice(organisations)
        country_id = organisation.country_id or rng.choice(national).country_id
        yield Person(
            first_name=first,
            last_name=last,
            sex=sex,
            email=f"{first.lower()}.{last.lower()}@{domain}",
            name_key=normalise_name(f"{first} {last}"),  # bulk_create skips save(), which sets it
            organisation=organisation,
            country_id=country_id,
            is_sample=True,
        )


def _role(rng: random.Random) -> str:
    roles, weights = zip(*ROLE_WEIGHTS, strict=True)
    return rng.choices(roles, weights=weights)[0]


def _checked_in(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(8, 30), datetime.UTC)


def write_participation(
    rng,
    event: Event,
    people: list[Person],
    *,
    days: list[list[datetime.date]] | None = None,
    roles: list[str] | None = None,
    travel_share: float = 0.0,
    extra: list[Person] = (),
) -> int:
    """Approved registrations of `people` at `event` with their attendance (every day of the event, or `days[i]`),
    funded travel for a share of them, and `extra` people whose registration does not count (cancelled or
    pending, without attendance). Returns the attendance rows written."""
    registrations = [
        Registration(
            event=event,
            person=person,
            state=RegistrationState.APPROVED,
            country_id=person.country_id,
            role=roles[i] if roles else _role(rng),
            is_sample=True,
        )
        for i, person in enumerate(people)
    ]
    registrations += [
        Registration(
            event=event,
            person=person,
            country_id=person.country_id,
            is_sample=True,
            state=rng.choice([RegistrationState.CANCELLED, RegistrationState.PENDING]),
        )
        for person in extra
    ]
    Registration.objects.bulk_create(registrations, batch_size=BATCH)
    attendance = [
        Attendance(registration=registration, day=day, checked_in_at=_checked_in(day))
        for i, registration in enumerate(registrations[: len(people)])
        for day in (days[i] if days else event.days)
    ]
    Attendance.objects.bulk_create(attendance, batch_size=BATCH)
    travel = [
        Travel(
            registration=r,
            status=TravelStatus.RECONCILED,
            requested_on=event.starts_on - datetime.timedelta(40),
            ticket_cost=Decimal(rng.randint(250, 1400)),
            nights=len(event.days) + 1,
            dsa_rate=event.dsa_rate or Decimal("180.00"),
            advance_paid=Decimal(0),
            proof_received=True,
            actual_cost=None,
        )
        for r in registrations[: len(people)]
        if rng.random() < travel_share
    ]
    for item in travel:
        item.actual_cost = item.committed_cost - Decimal(rng.randint(0, 60))
        item.reconciled_on = item.registration.event.ends_on + datetime.timedelta(days=30)
        item.itinerary = "Sample itinerary"
    Travel.objects.bulk_create(travel, batch_size=BATCH)
    return len(attendance)


# --- make run: the sample events ------------------------------------------------------------------------------

# The sample conferences: (year, first day, participants, countries), of the size a conference of the series
# gathers (the real 2016 one: 300 experts from 90 countries); invented, like their dates.
CONFERENCE_SIZES = [(2016, D(2016, 10, 4), 300, 90), (2018, D(2018, 6, 12), 280, 85), (2019, D(2019, 10, 8), 320, 95)]
RETURNING = 0.3  # share of a conference's participants who came to an earlier one
SAMPLE_EVENTS = "sample-workshop-ge-2017"  # the marker that the sample events are loaded
SAMPLE_PROGRAMME = "sample-programme"
# The sample programme's activity each kind of sample event serves.
SAMPLE_ACTIVITIES = {
    Kind.OCTOPUS_CONFERENCE: "A2.1",
    Kind.TCY_PLENARY: "A2.2",
    Kind.TCY_BUREAU: "A2.2",
    Kind.IN_COUNTRY_WORKSHOP: "A2.3",
    Kind.REGIONAL_WORKSHOP: "A2.3",
    Kind.TRAINING: "A2.3",
    Kind.CONTRIBUTION: "A2.4",
}


def sample_activities() -> dict[str, ResultNode]:
    """Kind → the sample programme's activity its sample events serve (kinds whose activity is missing are left
    out: their events then serve no programme, and are listed as not assigned)."""
    nodes = {
        n.code: n
        for n in ResultNode.objects.filter(
            programme__code=SAMPLE_PROGRAMME, code__in=set(SAMPLE_ACTIVITIES.values())
        ).select_related("programme")
    }
    return {kind: nodes[code] for kind, code in SAMPLE_ACTIVITIES.items() if code in nodes}


def _people_in(rng, pool: dict[int, list[Person]], new: list[int], known: set[int], count: int, used: set[int]):
    """`count` people not in `used`: one from each of the `new` countries while they last, the rest from the people
    of those and the `known` countries (already represented), so the event's countries are `new` and `known`."""
    chosen = []
    for cid in new:
        free = [p for p in pool.get(cid, []) if p.pk not in used]
        if free and len(chosen) < count:
            person = rng.choice(free)
            chosen.append(person)
            used.add(person.pk)
    everyone = [p for cid in [*new, *sorted(known)] for p in pool.get(cid, []) if p.pk not in used]
    for person in rng.sample(everyone, min(len(everyone), count - len(chosen))):
        chosen.append(person)
        used.add(person.pk)
    return chosen


@transaction.atomic
def load_sample_events(*, staff) -> dict | None:
    """The sample conferences with their generated participants, and the other sample events, all serving the
    sample programme. None when they are there already."""
    if Event.objects.filter(slug=SAMPLE_EVENTS).exists():
        return None
    activities = sample_activities()
    rng = random.Random("sample events")
    countries = list(Country.objects.order_by("iso2"))
    by_iso = {c.iso2: c for c in countries}
    organisations = organisation_rows(rng, countries, 400, prefix="Sample")
    Organisation.objects.bulk_create(organisations)
    people = list(person_rows(rng, organisations, 1400, domain=SAMPLE_DOMAIN))
    Person.objects.bulk_create(people, batch_size=BATCH)
    pool: dict[int, list[Person]] = {}
    for person in people:
        pool.setdefault(person.country_id, []).append(person)
    attended: list[Person] = []
    made = {"registrations": 0, "attendance": 0}
    for year, starts_on, size, country_count in CONFERENCE_SIZES:
        event = services.create_event(
            user=staff,
            slug=f"sample-conference-{year}",
            title=f"Sample conference {year}",
            kind=Kind.OCTOPUS_CONFERENCE,
            status=Status.HELD,
            starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(days=2),
            city="Strasbourg",
            country=by_iso["FR"],
            dsa_rate=Decimal("180.00"),
            activity=activities.get(Kind.OCTOPUS_CONFERENCE),
            is_sample=True,
            description="Sample conference for trying Octopus: invented, not a record of a real conference.",
        )
        returning = rng.sample(attended, min(len(attended), int(size * RETURNING)))
        used = {p.pk for p in attended}  # newcomers are new: nobody who came to an earlier one
        have = {p.country_id for p in returning}
        more = [c.pk for c in rng.sample(countries, len(countries)) if c.pk in pool and c.pk not in have]
        new = more[: max(0, country_count - len(have))]
        newcomers = _people_in(rng, pool, new, have, size - len(returning), used)
        present = returning + newcomers
        # Most stay the three days; some come for one or two.
        days = [event.days if rng.random() < 0.8 else rng.sample(event.days, rng.randint(1, 2)) for _ in present]
        extra = rng.sample([p for p in people if p.pk not in used], 12)
        made["attendance"] += write_participation(rng, event, present, days=days, travel_share=0.15, extra=extra)
        made["registrations"] += len(present) + len(extra)
        attended += newcomers
    made["events"] = len(CONFERENCE_SIZES) + _sample_events(rng, staff, by_iso, pool, people, made, activities)
    return made


def _sample_events(rng, staff, by_iso: dict[str, Country], pool, people, made, activities) -> int:
    """The sample workshops, training, T-CY plenary and contribution, through the services."""

    def event(slug, title, kind, starts_on, days, country, **fields):
        return services.create_event(
            user=staff,
            slug=slug,
            title=f"{title} (sample)",
            kind=kind,
            starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(days=days - 1),
            country=by_iso[country],
            is_sample=True,
            description="Sample event for trying Octopus: invented, not a record of a real event.",
            activity=activities.get(kind),
            **fields,
        )

    def locals_of(*iso2s, count):
        found = [p for iso in iso2s for p in pool.get(by_iso[iso].pk, [])]
        return rng.sample(found, min(count, len(found)))

    trainers = locals_of("FR", "RO", "NL", count=3)
    created = []
    held = {"status": Status.HELD, "dsa_rate": Decimal("120.00")}
    workshop = event(
        SAMPLE_EVENTS,
        "In-country workshop on cybercrime legislation, Georgia",
        Kind.IN_COUNTRY_WORKSHOP,
        D(2017, 5, 16),
        2,
        "GE",
        city="Tbilisi",
        host_countries=[by_iso["GE"]],
        **held,
    )
    regional = event(
        "sample-regional-workshop-2018",
        "Regional workshop on international cooperation, Eastern Partnership",
        Kind.REGIONAL_WORKSHOP,
        D(2018, 3, 13),
        3,
        "UA",
        city="Kyiv",
        host_countries=[by_iso[c] for c in ("AM", "AZ", "GE", "MD", "UA")],
        **held,
    )
    training = event(
        "sample-training-judges-2019",
        "Training of judges on electronic evidence",
        Kind.TRAINING,
        D(2019, 4, 9),
        2,
        "MD",
        city="Chisinau",
        **held,
    )
    plenary = event(
        "sample-tcy-plenary-2017", "T-CY plenary", Kind.TCY_PLENARY, D(2017, 7, 10), 3, "FR", city="Strasbourg", **held
    )
    planned = event(
        "sample-workshop-am-2019",
        "In-country workshop on data protection and cybercrime, Armenia",
        Kind.IN_COUNTRY_WORKSHOP,
        D(2019, 12, 10),
        2,
        "AM",
        city="Yerevan",
        status=Status.CONFIRMED,
    )
    contribution = event(
        "sample-contribution-2018",
        "Contribution to a regional cybercrime conference of another organisation",
        Kind.CONTRIBUTION,
        D(2018, 10, 2),
        2,
        "SG",
        city="Singapore",
        organiser="Another organisation (sample)",
        status=Status.HELD,
    )
    created += [workshop, regional, training, plenary, planned, contribution, _upcoming(event, staff, by_iso)]
    for target, locals_, count in [
        (workshop, ("GE",), 25),
        (regional, ("AM", "AZ", "GE", "MD", "UA"), 40),
        (training, ("MD",), 20),
        (plenary, tuple(rng.sample(sorted(by_iso), 60)), 60),
    ]:
        present = [p for p in locals_of(*locals_, count=count) if p not in trainers]
        roles = [ParticipantRole.PARTICIPANT] * len(present)
        if target.kind != Kind.TCY_PLENARY:
            present, roles = present + trainers[:2], roles + [ParticipantRole.TRAINER] * 2
        made["attendance"] += write_participation(rng, target, present, roles=roles, travel_share=0.3)
        made["registrations"] += len(present)
    services.record_contribution(
        contribution,
        user=staff,
        our_role="speaker",
        audience_estimate=150,
        countries_reached=[by_iso[c] for c in ("SG", "MY", "ID", "PH", "TH")],
        deployed=[(person, "speaker") for person in trainers[2:3]],
    )
    return len(created)


def _upcoming(event, staff, by_iso) -> Event:
    """An event three weeks from the day the sample is loaded, open for registration, with a timetable: the one to
    try registering, approving, nominating a delegation and (on its days) checking in."""
    starts_on = timezone.localdate() + datetime.timedelta(days=21)
    upcoming = event(
        "sample-workshop-upcoming",
        "In-country workshop on electronic evidence, Georgia",
        Kind.IN_COUNTRY_WORKSHOP,
        starts_on,
        2,
        "GE",
        city="Batumi",
        host_countries=[by_iso["GE"]],
        status=Status.CONFIRMED,
        dsa_rate=Decimal("120.00"),
        languages=["en", "ka"],
    )
    services.save_registration_form(
        RegistrationForm(event=upcoming, title="Participants", is_open=True, capacity=40, requires_approval=True),
        user=staff,
    )
    for day, (title, hour, kind) in itertools.product(
        range(2),
        [
            ("Plenary: the Budapest Convention and electronic evidence", 9, "plenary"),
            ("Working groups: requests for subscriber information", 14, "workshop"),
        ],
    ):
        on = starts_on + datetime.timedelta(days=day)
        start = timezone.make_aware(datetime.datetime.combine(on, datetime.time(hour)))
        services.save_session(
            Session(
                event=upcoming,
                title=title,
                kind=kind,
                room="Main hall",
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=3),
            ),
            user=staff,
        )
    return upcoming


# --- the generator step ---------------------------------------------------------------------------------------

# Weights of each kind in the generated attendance (× the days of the event), and days per event.
GENERATED_KINDS = {
    Kind.OCTOPUS_CONFERENCE: (10, 3),
    Kind.TCY_PLENARY: (2, 3),
    Kind.IN_COUNTRY_WORKSHOP: (1, 2),
    Kind.REGIONAL_WORKSHOP: (1, 2),
    Kind.TRAINING: (1, 3),
}


def generated_events():
    return Event.objects.filter(slug__startswith=GENERATED_PREFIX, is_sample=True)


def remove_generated_events() -> None:
    """Remove every generated event with its registrations and attendance, and the generated people and
    organisations, with plain DELETEs (a million rows are not loaded to be deleted one by one)."""
    events = generated_events()
    registrations = Registration.objects.filter(event__in=events)
    for queryset in (
        Attendance.objects.filter(registration__in=registrations),
        Travel.objects.filter(registration__in=registrations),
        Deployment.objects.filter(event__in=events),
        registrations,
    ):
        queryset._raw_delete(queryset.db)
    people = Person.objects.filter(is_sample=True, email__endswith=f"@{GENERATED_DOMAIN}")
    people._raw_delete(people.db)
    organisations = Organisation.objects.filter(is_sample=True, name__startswith="Generated ")
    organisations._raw_delete(organisations.db)
    events.delete()


def assign_generated(events: list[Event], programme) -> None:
    """Every generated event serves the generated programme, whole: one bulk write, not one audited service call per
    event (there are thousands). The programme is generated sample data, the events too, so the rule that sample
    records serve only sample programmes holds."""
    kind = content_type(Event)
    Assignment.objects.bulk_create(
        (Assignment(content_type=kind, object_id=e.pk, programme=programme, share=Decimal(100)) for e in events),
        batch_size=BATCH,
    )


def _plan(rng: random.Random, attendance: int, starts: datetime.date, ends: datetime.date):
    """The generated events: (kind, first day, days, attendance rows), the rows adding up to `attendance`."""
    workshops = max(2, min(1500, attendance // 600))
    counts = {
        Kind.OCTOPUS_CONFERENCE: 4,
        Kind.TCY_PLENARY: 2 * (ends.year - starts.year + 1),
        Kind.IN_COUNTRY_WORKSHOP: workshops - workshops // 3,
        Kind.REGIONAL_WORKSHOP: workshops // 3,
        Kind.TRAINING: workshops // 3,
    }
    span = (ends - starts).days - 5
    plan = []
    for kind, count in counts.items():
        weight, days = GENERATED_KINDS[kind]
        for n in range(count):
            # Conferences spread evenly (one every ~18 months), the rest at random days.
            offset = (n * span) // count + 120 if kind == Kind.OCTOPUS_CONFERENCE else rng.randint(0, span)
            plan.append([kind, starts + datetime.timedelta(days=offset), days, weight * days])
    total = sum(row[3] for row in plan)
    for row in plan:
        row[3] = attendance * row[3] // total
    plan[0][3] += attendance - sum(row[3] for row in plan)  # the rounding goes to the first conference
    return plan


def make_events(generation) -> None:
    """Generated events in the programme's years with exactly `generation.attendance` attendance rows, the people
    and organisations they need, some cancelled or pending registrations (which do not count), some funded travel,
    and contributions to others' events (which have no registrations)."""
    remove_generated_events()
    rng = generation.random("events")
    programme = generation.programme
    target = generation.attendance
    countries = list(Country.objects.order_by("iso2"))
    plan = _plan(rng, target, programme.starts_on, programme.ends_on)
    people_count = max(10, target // 8, max(-(-rows // days) for _k, _s, days, rows in plan))
    organisations = organisation_rows(rng, countries, max(3, people_count // 25), prefix="Generated")
    Organisation.objects.bulk_create(organisations, batch_size=BATCH)
    people: list[Person] = []
    for batch in itertools.batched(person_rows(rng, organisations, people_count, domain=GENERATED_DOMAIN), BATCH):
        people += Person.objects.bulk_create(batch)
    user = generation.entry_user
    made = {"events": 0, "registrations": 0, "attendance": 0}
    by_kind: dict[str, int] = {}
    created: list[Event] = []
    now = timezone.now()
    for kind, starts_on, days, rows in sorted(plan, key=lambda row: (row[1], row[0])):
        by_kind[kind] = by_kind.get(kind, 0) + 1
        event = services.create_event(
            user=user,
            slug=f"{GENERATED_PREFIX}{kind.replace('_', '-')}-{by_kind[kind]}",
            kind=kind,
            title=f"Generated {Kind(kind).label.lower()} {by_kind[kind]} (not real)",
            starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(days=days - 1),
            status=Status.HELD if starts_on < now.date() else Status.CONFIRMED,
            country=rng.choice(countries),
            dsa_rate=Decimal("150.00"),
            is_sample=True,
        )
        created.append(event)
        made["events"] += 1
        registrations = -(-rows // days)
        chosen = rng.sample(people, registrations + max(1, registrations // 50))
        present, extra = chosen[:registrations], chosen[registrations:]
        every = event.days
        attend = [every] * registrations
        if registrations:
            attend[-1] = every[: rows - (registrations - 1) * days]  # the last one makes the total exact
        travel = 0.05 if kind in (Kind.OCTOPUS_CONFERENCE, Kind.TCY_PLENARY) else 0.0
        written = write_participation(rng, event, present, days=attend, travel_share=travel, extra=extra)
        made["attendance"] += written
        made["registrations"] += len(chosen)
        generation.progress(written)
    for n in range(max(1, len(plan) // 8)):
        day = programme.starts_on + datetime.timedelta(
            days=rng.randint(0, (programme.ends_on - programme.starts_on).days)
        )
        created.append(
            services.create_event(
                user=user,
                slug=f"{GENERATED_PREFIX}contribution-{n + 1}",
                kind=Kind.CONTRIBUTION,
                starts_on=day,
                ends_on=day,
                title=f"Generated contribution to another organisation's event {n + 1} (not real)",
                status=Status.HELD,
                our_role=rng.choice(["speaker", "trainer", "co_organiser", "panellist"]),
                audience_estimate=rng.randint(30, 400),
                country=rng.choice(countries),
                is_sample=True,
            )
        )
        made["events"] += 1
    assign_generated(created, programme)
    made["people"] = len(people)
    generation.made.update({f"generated_{k}" if k == "events" else k: v for k, v in made.items()})
