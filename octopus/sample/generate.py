"""Generated sample data at any scale, for `manage.py generate_data` and `make bench` (DESIGN.md §5 and §8).

`generate(scale, seed)` builds one programme, coded `generated-<scale>`, flagged as sample and titled as generated,
with a logframe of twenty-one indicators: four computed by the treaty metrics over a generated treaty (CETS 99999,
whose actions it also writes), eight by the events metrics over generated events (`octopus.sample.events`: by
default `scale` attendance rows, or `attendance=` as many as asked, 1,000,000 for the benchmark), nine entered by
hand (counts and amounts summed over periods, percentages and an ordinal scale read as the latest value; yearly
and by semester), targets of every comparator, and exactly `scale`
approved manual values: one total per indicator and period, the rest disaggregated by country (ISO2), then by
country and sex, sector and role. The same scale and seed give the same rows.

The logframe and targets go through the services (audited like any change); the bulk rows are written with
`bulk_create`, in batches: 100,000 values take about 15 seconds on SQLite. Running it again with the same scale
replaces that generated programme; it never touches a programme that is not generated sample data, nor a treaty
action that it did not generate.

The work is a list of steps (`STEPS`). A later issue that adds records (events, attendance, ...) appends its step:
a function that makes its rows from the `Generation` (using `generation.random(<step name>)`, so adding a step
does not change what the others make) and one that removes them when the programme is generated again.

The generator lives in the `sample` app, above every domain app, since it writes records of each of them.
"""

import datetime
import itertools
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from octopus.accounts.models import User
from octopus.countries.models import Country
from octopus.lib.errors import DomainError
from octopus.lib.metrics import registry
from octopus.results import services
from octopus.results.models import (
    Accumulation,
    Comparator,
    Direction,
    Frequency,
    Indicator,
    Level,
    ManualValue,
    Measure,
    Programme,
    Restatement,
    ResultNode,
    Snapshot,
    ValueStatus,
)
from octopus.results.periods import LIFE, Period, periods_of
from octopus.sample.events import make_events
from octopus.treaties.models import ActionKind, Origin, Treaty, TreatyAction

CODE_PREFIX = "generated-"
GENERATED_TREATY = 99999  # no Council of Europe treaty has this number; shared with the bench's treaty rows
SOURCE = "generated sample data (octopus.sample.generate)"
EVIDENCE_URL = "https://example.org/generated-sample-evidence"
STARTS_ON, ENDS_ON = datetime.date(2020, 1, 1), datetime.date(2025, 12, 31)
ENTRY_EMAIL, REVIEW_EMAIL = "generated-entry@sample.octopus.test", "generated-review@sample.octopus.test"
BATCH = 5000

ORDINAL_SCALE = ["none", "initial", "partial", "largely", "fully"]
SEXES = ["female", "male"]
SECTORS = ["government", "judiciary", "prosecution", "police", "private", "civil-society"]
ROLES = ["participant", "speaker", "organiser"]
TREATY = {"treaty": GENERATED_TREATY}
COMPARATORS = [Comparator.AT_LEAST, Comparator.AT_MOST, Comparator.EXACTLY, Comparator.RANGE]


def computed(key: str, frequency: str, **fields) -> dict:
    """An indicator computed by a treaty metric over the generated treaty: a stock of States, read as latest."""
    fixed = {"metric_key": key, "metric_params": TREATY, "unit": "States", "accumulation": Accumulation.LATEST}
    return fixed | {"frequency": frequency, **fields}


def from_events(key: str, kinds: list[str] | None, accumulation: str, **fields) -> dict:
    """An indicator computed by an events metric over the generated events, yearly."""
    params = {"kinds": kinds} if kinds else {}
    return {
        "metric_key": key,
        "metric_params": params,
        "accumulation": accumulation,
        "frequency": Frequency.YEAR,
        **fields,
    }


def by_hand(measure: str, frequency: str, **fields) -> dict:
    """An indicator entered by hand; percentages and ordinal steps are read as the latest value, the rest summed."""
    latest = measure in (Measure.PERCENT, Measure.ORDINAL)
    return {
        "manual": True,
        "measure": measure,
        "frequency": frequency,
        "accumulation": Accumulation.LATEST if latest else Accumulation.SUM,
        "scale": ORDINAL_SCALE if measure == Measure.ORDINAL else [],
        "disaggregations": ["country"],
        **fields,
    }


# The logframe: (box code, level, parent code, title, [(indicator code, title, fields)]).
EVERY_DIMENSION = ["country", "sex", "sector", "role"]
LOGFRAME = [
    (
        "O",
        Level.OBJECTIVE,
        None,
        "Generated objective: countries apply the generated standards",
        [
            (
                "G.1",
                "Parties and invited States (generated treaty)",
                computed("treaties.parties_and_invited", Frequency.YEAR, disaggregations=["country", "region"]),
            ),
            (
                "G.2",
                "Parties (generated treaty), by semester",
                computed("treaties.parties", Frequency.SEMESTER, disaggregations=["country", "region"]),
            ),
            (
                "G.3",
                "Share of assessed provisions in place (generated)",
                by_hand(Measure.PERCENT, Frequency.YEAR, unit="%"),
            ),
            ("G.4", "Maturity of cooperation (generated ordinal scale)", by_hand(Measure.ORDINAL, Frequency.SEMESTER)),
        ],
    ),
    (
        "1",
        Level.OUTPUT,
        "O",
        "Generated output 1: conferences and their participants",
        [
            (
                "1.1",
                "Participants trained (generated), by year",
                by_hand(Measure.COUNT, Frequency.YEAR, unit="people", disaggregations=EVERY_DIMENSION),
            ),
            (
                "1.2",
                "Experts contributing (generated), by semester",
                by_hand(Measure.COUNT, Frequency.SEMESTER, unit="people", disaggregations=EVERY_DIMENSION),
            ),
            (
                "1.3",
                "Parties and invited States over the life (generated treaty)",
                computed("treaties.parties_and_invited", Frequency.LIFE),
            ),
        ],
    ),
    (
        "2",
        Level.OUTPUT,
        "O",
        "Generated output 2: funding reaches the countries",
        [
            (
                "2.1",
                "Funds disbursed to countries (generated), by year",
                by_hand(Measure.CURRENCY, Frequency.YEAR, unit="EUR", disaggregations=["country", "sector"]),
            ),
            (
                "2.2",
                "Co-funding received (generated), by semester",
                by_hand(Measure.CURRENCY, Frequency.SEMESTER, unit="EUR", disaggregations=["country", "sector"]),
            ),
            (
                "2.3",
                "Requests answered late (generated)",
                by_hand(Measure.PERCENT, Frequency.SEMESTER, unit="%", direction=Direction.DECREASE),
            ),
        ],
    ),
    (
        "3",
        Level.OUTPUT,
        "O",
        "Generated output 3: workshops and advice",
        [
            (
                "3.1",
                "Workshops held (generated), under a ceiling",
                by_hand(Measure.COUNT, Frequency.YEAR, unit="workshops", direction=Direction.NONE),
            ),
            ("3.2", "Parties at the end of each year (generated treaty)", computed("treaties.parties", Frequency.YEAR)),
            ("3.3", "Quality of advice (generated ordinal scale)", by_hand(Measure.ORDINAL, Frequency.YEAR)),
        ],
    ),
    (
        "4",
        Level.OUTPUT,
        "O",
        "Generated output 4: events and their participants",
        [
            (
                "4.1",
                "Conferences held (generated events)",
                from_events(
                    "events.held",
                    ["octopus_conference"],
                    Accumulation.SUM,
                    unit="conferences",
                    disaggregations=["country"],
                ),
            ),
            (
                "4.2",
                "Experts at the conferences (generated events)",
                from_events(
                    "events.participants",
                    ["octopus_conference"],
                    Accumulation.DISTINCT,
                    unit="people",
                    disaggregations=["sex", "country", "sector"],
                ),
            ),
            (
                "4.3",
                "Countries at the conferences (generated events)",
                from_events(
                    "events.countries",
                    ["octopus_conference"],
                    Accumulation.DISTINCT,
                    unit="countries",
                    disaggregations=["region"],
                ),
            ),
            (
                "4.4",
                "Organisations at the conferences (generated events)",
                from_events(
                    "events.organisations",
                    ["octopus_conference"],
                    Accumulation.DISTINCT,
                    unit="organisations",
                    disaggregations=["sector"],
                ),
            ),
            (
                "4.5",
                "Workshops held (generated events)",
                from_events(
                    "events.held",
                    ["in_country_workshop", "regional_workshop"],
                    Accumulation.SUM,
                    unit="workshops",
                    disaggregations=["country"],
                ),
            ),
            (
                "4.6",
                "Participants trained (generated events)",
                from_events(
                    "events.trained", None, Accumulation.DISTINCT, unit="people", disaggregations=["sex", "sector"]
                ),
            ),
            (
                "4.7",
                "Participants in T-CY meetings (generated events)",
                from_events(
                    "events.participants",
                    ["tcy_plenary", "tcy_bureau"],
                    Accumulation.DISTINCT,
                    unit="people",
                    disaggregations=["country", "role"],
                ),
            ),
            (
                "4.8",
                "Contributions to others' events (generated events)",
                from_events("events.contributions", None, Accumulation.SUM, unit="events"),
            ),
        ],
    ),
]


class GenerationError(DomainError):
    """The generator refused: it would touch data that is not generated, or the scale is out of reach."""


@dataclass
class Generation:
    """What the steps share: the arguments, the sample users, the programme and what each step made."""

    scale: int
    seed: int
    progress: Callable[[int], object]
    attendance: int = 0  # attendance rows to generate (octopus.sample.events)
    programme: Programme | None = None
    entry_user: User | None = None
    review_user: User | None = None
    indicators: dict[str, Indicator] = field(default_factory=dict)
    totals: dict[tuple[str, str], Decimal] = field(default_factory=dict)  # (indicator code, period key) → total
    made: dict[str, object] = field(default_factory=dict)

    def random(self, step: str) -> random.Random:
        """A generator of its own for each step: adding or changing a step leaves the others' rows as they were.
        It does not depend on the scale, so one seed gives the same treaty history at every scale."""
        return random.Random(f"{self.seed}:{step}")

    def periods(self, indicator: Indicator) -> list[Period]:
        return periods_of(indicator.frequency, self.programme.starts_on, self.programme.ends_on)


@dataclass(frozen=True)
class Step:
    name: str
    make: Callable[[Generation], None]
    remove: Callable[[Programme], None] | None = None  # removes what `make` wrote for an earlier generation


def programme_code(scale: int) -> str:
    return f"{CODE_PREFIX}{scale}"


# --- the steps -----------------------------------------------------------------------------------------------


def make_logframe(generation: Generation) -> None:
    """The programme, its boxes and indicators, through the services (each audited)."""
    programme = services.create_programme(
        code=programme_code(generation.scale),
        title=f"Generated sample programme ({generation.scale:,} values, seed {generation.seed}) — not real data",
        starts_on=STARTS_ON,
        ends_on=ENDS_ON,
        budget_ceiling=Decimal("2500000.00"),
        implementing_office="Generated sample office",
        funding="Generated sample funding",
        description="Generated sample data for trying the product and measuring it. None of it is real.",
        source=SOURCE,
        decision="Generated sample logframe.",
        user=generation.entry_user,
        is_sample=True,
    )
    services.add_funder(
        programme,
        donor_code="GENERATED-DONOR",
        name="Generated sample donor",
        user=generation.entry_user,
        is_sample=True,
    )
    generation.programme = programme
    boxes: dict[str, ResultNode] = {}
    for order, (code, level, parent, title, specs) in enumerate(LOGFRAME):
        node = boxes[code] = services.add_node(
            programme,
            level=level,
            code=code,
            title=title,
            parent=boxes.get(parent),
            order=order,
            user=generation.entry_user,
        )
        for position, (indicator_code, indicator_title, fields) in enumerate(specs):
            generation.indicators[indicator_code] = services.define_indicator(
                node,
                code=indicator_code,
                title=indicator_title,
                definition="Generated sample indicator.",
                order=position,
                user=generation.entry_user,
                **fields,
            )
        if level == Level.OUTPUT:
            services.add_node(
                programme,
                level=Level.ACTIVITY,
                code=f"{code}.A",
                title=f"Generated activity under output {code}",
                parent=node,
                order=0,
                user=generation.entry_user,
            )
    generation.made["indicators"] = len(generation.indicators)


def remove_logframe(programme: Programme) -> None:
    Restatement.objects.filter(snapshot__programme=programme).delete()
    Snapshot.objects.filter(programme=programme).delete()
    Indicator.objects.filter(node__programme=programme).delete()  # and their targets
    ResultNode.objects.filter(programme=programme, parent__isnull=False).delete()
    ResultNode.objects.filter(programme=programme).delete()


def make_treaty_actions(generation: Generation) -> None:
    """A history for every country under the generated treaty (invitation, signature, ratification, entry into
    force; some denounce and some of those accede again), plus reservations and declarations, one per 20 values.
    The treaty is shared by every generated programme: the latest generation's actions stand."""
    rng = generation.random("treaty")
    existing = Treaty.objects.filter(number=GENERATED_TREATY).first()
    if existing and existing.actions.exclude(source__startswith="generated").exists():
        raise GenerationError(f"CETS {GENERATED_TREATY} holds actions that were not generated; refusing to replace.")
    treaty, _created = Treaty.objects.update_or_create(
        number=GENERATED_TREATY,
        defaults={
            "short_name": "Generated sample",
            "title": "Generated sample treaty (not a Council of Europe treaty)",
            "opened_on": datetime.date(2000, 1, 1),
            "source": SOURCE,
        },
    )
    TreatyAction.objects.filter(treaty=treaty).delete()
    cutoff = datetime.date(2026, 6, 30)

    def day(low: datetime.date, high: datetime.date) -> datetime.date:
        return low + datetime.timedelta(days=rng.randint(0, (high - low).days))

    def later(after: datetime.date, low: int, high: int) -> datetime.date:
        return after + datetime.timedelta(days=rng.randint(low, high))

    actions, parties = [], []
    for country in Country.objects.order_by("iso2"):
        if rng.random() < 0.25:
            continue  # no relation to the treaty
        acts = [(ActionKind.INVITED, day(datetime.date(2000, 1, 1), datetime.date(2025, 6, 30)), None)]
        if rng.random() < 0.8:
            acts.append((ActionKind.SIGNED, later(acts[-1][1], 30, 720), None))
            if rng.random() < 0.8:
                acts.append((ActionKind.RATIFIED, later(acts[-1][1], 90, 1100), None))
                acts.append((ActionKind.IN_FORCE, later(acts[-1][1], 90, 120), None))
                parties.append(country)
                if rng.random() < 0.1:
                    denounced = later(acts[-1][1], 365, 2000)
                    takes_effect = later(denounced, 180, 365)
                    acts.append((ActionKind.DENOUNCED, denounced, takes_effect))
                    if rng.random() < 0.5:
                        acts.append((ActionKind.ACCEDED, later(takes_effect, 200, 1500), None))
                        acts.append((ActionKind.IN_FORCE, later(acts[-1][1], 90, 120), None))
        for kind, date, effective_on in acts:
            if date <= cutoff:
                actions.append((country, kind, date, effective_on))
    for _index in range(generation.scale // 20 if parties else 0):
        country = rng.choice(parties)
        kind = rng.choice([ActionKind.RESERVATION, ActionKind.DECLARATION])
        actions.append((country, kind, day(datetime.date(2001, 1, 1), datetime.date(2025, 12, 31)), None))
    rows = (
        TreatyAction(
            treaty=treaty,
            country=country,
            kind=kind,
            date=date,
            effective_on=effective_on,
            source=SOURCE,
            note="Generated sample data.",
            origin=Origin.IMPORT,
        )
        for country, kind, date, effective_on in actions
    )
    for batch in itertools.batched(rows, BATCH):
        TreatyAction.objects.bulk_create(batch)
    generation.made["treaty"] = GENERATED_TREATY
    generation.made["treaty_actions"] = len(actions)


def category_tiers(iso2s: list[str]) -> list[list[str]]:
    """The categories a value can be disaggregated by, coarsest first: country, then country by sex, by sector,
    by sex and sector, and by sex, sector and role."""
    return [
        iso2s,
        [f"{c}/{s}" for c in iso2s for s in SEXES],
        [f"{c}/{t}" for c in iso2s for t in SECTORS],
        [f"{c}/{s}/{t}" for c in iso2s for s in SEXES for t in SECTORS],
        [f"{c}/{s}/{t}/{r}" for c in iso2s for s in SEXES for t in SECTORS for r in ROLES],
    ]


def _categories(rng: random.Random, tiers: list[list[str]], count: int) -> list[str]:
    """`count` categories, every country before any finer one, each tier in a random order."""
    chosen: list[str] = []
    for tier in tiers:
        if len(chosen) >= count:
            break
        chosen.extend(rng.sample(tier, min(len(tier), count - len(chosen))))
    return chosen


def _value(rng: random.Random, indicator: Indicator, *, total: bool, step: int = 0, steps: int = 1) -> Decimal:
    if indicator.measure == Measure.PERCENT:
        return Decimal(rng.randint(200 if total else 0, 950 if total else 1000)) / 10
    if indicator.measure == Measure.ORDINAL:
        top = len(indicator.scale) - 1
        trend = step * top // max(steps - 1, 1) if total else rng.randint(0, top)
        return Decimal(min(top, max(0, trend + rng.choice([-1, 0, 0, 1]))))
    if indicator.measure == Measure.CURRENCY:
        return Decimal(rng.randint(0, 5_000_000 if total else 2_500_000)) / 100
    return Decimal(rng.randint(5, 60) if total else rng.randint(0, 12))


def make_manual_values(generation: Generation) -> None:
    """Exactly `scale` approved values over the hand-entered indicators × periods × categories: one total per
    indicator and period (while the scale allows), the rest spread evenly over the same slots by category. The
    total of a count or an amount is the sum of its countries' values when it has them."""
    rng = generation.random("manual values")
    tiers = category_tiers(list(Country.objects.order_by("iso2").values_list("iso2", flat=True)))
    capacity = sum(len(tier) for tier in tiers)
    slots = [
        (indicator, period, position, len(periods))
        for indicator in generation.indicators.values()
        if indicator.manual
        for periods in [generation.periods(indicator)]
        for position, period in enumerate(periods)
    ]
    scale = generation.scale
    if scale > len(slots) * (capacity + 1):
        raise GenerationError(f"At most {len(slots) * (capacity + 1):,} values fit the generated logframe.")
    with_total = set(range(len(slots))) if scale >= len(slots) else set(rng.sample(range(len(slots)), scale))
    base, extra = divmod(scale - len(with_total), len(slots))

    def rows() -> Iterable[ManualValue]:
        for index, (indicator, period, position, steps) in enumerate(slots):
            categories = _categories(rng, tiers, base + (1 if index < extra else 0))
            values = [(category, _value(rng, indicator, total=False)) for category in categories]
            if index in with_total:
                countries = [value for category, value in values if "/" not in category]
                summed = indicator.measure in (Measure.COUNT, Measure.CURRENCY) and countries
                total = (
                    sum(countries, Decimal(0))
                    if summed
                    else _value(rng, indicator, total=True, step=position, steps=steps)
                )
                generation.totals[(indicator.code, period.key)] = total
                values.insert(0, ("", total))
            # Reviewed a month after the period, at noon UTC: a fixed time, so the rows repeat from the seed.
            reviewed_at = datetime.datetime.combine(
                period.end + datetime.timedelta(days=30), datetime.time(12), datetime.UTC
            )
            for category, value in values:
                yield ManualValue(
                    indicator=indicator,
                    period_kind=period.kind,
                    period_start=period.start,
                    period_end=period.end,
                    category=category,
                    value=value,
                    note="Generated sample value.",
                    evidence_url=EVIDENCE_URL,
                    status=ValueStatus.APPROVED,
                    entered_by=generation.entry_user,
                    reviewed_by=generation.review_user,
                    reviewed_at=reviewed_at,
                    is_sample=True,
                )

    made = 0
    for batch in itertools.batched(rows(), BATCH):
        ManualValue.objects.bulk_create(batch)
        made += len(batch)
        generation.progress(len(batch))
    generation.made["manual_values"] = made


def remove_manual_values(programme: Programme) -> None:
    ManualValue.objects.filter(indicator__node__programme=programme).delete()


def _goal(rng: random.Random, indicator: Indicator, actual: Decimal, comparator: str) -> tuple[Decimal, Decimal | None]:
    """A target near the actual, so the statuses come out mixed: met, not met, exceeded, on track."""
    if indicator.measure == Measure.ORDINAL:
        top = len(indicator.scale) - 1
        near = min(top, max(0, int(actual) + rng.choice([-1, 0, 1])))
        if comparator == Comparator.RANGE:
            low = min(near, top - 1)
            return Decimal(low), Decimal(rng.randint(low + 1, top))
        return Decimal(near), None
    ceiling = Decimal(100) if indicator.measure == Measure.PERCENT else None
    whole = indicator.measure in (Measure.COUNT,) or not indicator.manual
    places = Decimal(1) if whole else Decimal("0.01")

    def near(low: float, high: float) -> Decimal:
        found = (actual * Decimal(str(round(rng.uniform(low, high), 2)))).quantize(places)
        return min(found, ceiling) if ceiling is not None else found

    if comparator == Comparator.RANGE:
        low = near(0.75, 1.0)
        upper = max(near(1.0, 1.3), low + places)
        if ceiling is not None and upper > ceiling:
            low, upper = min(low, ceiling - places), ceiling
        return low, upper
    if comparator == Comparator.EXACTLY:
        return (actual.quantize(places) if rng.random() < 0.5 else near(0.9, 1.1)), None
    return (near(0.8, 1.2) if comparator == Comparator.AT_LEAST else near(0.9, 1.3)), None


def make_targets(generation: Generation) -> None:
    """Targets for every period and the life of the programme, the four comparators in turn, set near what the
    values turned out to be (the computed indicators' values are read through their metric)."""
    rng = generation.random("targets")
    version = services.latest_version(generation.programme)
    made = 0
    for indicator in generation.indicators.values():
        periods = generation.periods(indicator)
        if indicator.manual:
            actuals = [generation.totals.get((indicator.code, p.key)) for p in periods]
        else:
            windows = [(p.start, p.end) for p in periods]
            actuals = [
                Decimal(v) for v in registry.evaluate_series(indicator.metric_key, windows, **indicator.metric_params)
            ]
        actuals = [a if a is not None else _value(rng, indicator, total=True) for a in actuals]
        keyed = [(p.key, a) for p, a in zip(periods, actuals, strict=True)]
        if indicator.frequency != Frequency.LIFE:
            life = sum(actuals, Decimal(0)) if indicator.accumulation == Accumulation.SUM else actuals[-1]
            keyed.append((LIFE, life))
        offset = rng.randrange(len(COMPARATORS))
        for index, (key, actual) in enumerate(keyed):
            comparator = COMPARATORS[(offset + index) % len(COMPARATORS)]
            value, upper = _goal(rng, indicator, actual, comparator)
            services.set_target(
                indicator,
                version=version,
                period=key,
                comparator=comparator,
                value=value,
                upper=upper,
                note="Generated sample target.",
                user=generation.entry_user,
            )
            made += 1
    generation.made["targets"] = made


STEPS: list[Step] = [
    Step("logframe", make_logframe, remove_logframe),
    Step("treaty", make_treaty_actions),
    Step("manual values", make_manual_values, remove_manual_values),
    # Events, participants and attendance (shared by every generated programme: the latest generation's stand),
    # before the targets, which are set near the values the events metrics read.
    Step("events", make_events),
    Step("targets", make_targets),
    # Later issues add their records here, each step with the removal of what it made.
]


# --- running them ----------------------------------------------------------------------------------------------


def _sample_user(email: str, first: str, last: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        # No usable password: these accounts only sign generated values, nobody signs in as them.
        user = User.objects.create_user(email=email, password=None, first_name=first, last_name=last, is_sample=True)
    return user


def remove_generated(code: str) -> bool:
    """Remove the generated programme `code` and everything the steps made for it; False when there is none."""
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        return False
    if not (programme.is_sample and code.startswith(CODE_PREFIX)):
        raise GenerationError(f"Programme {code} is not generated sample data; refusing to replace it.")
    for step in reversed(STEPS):
        if step.remove is not None:
            step.remove(programme)
    programme.delete()
    return True


@transaction.atomic
def generate(
    scale: int, seed: int, progress: Callable[[int], object] | None = None, *, attendance: int | None = None
) -> dict:
    """Generate the sample programme `generated-<scale>` from `seed`, replacing an earlier one of that code, with
    `attendance` attendance rows at generated events (default: `scale`). `progress(n)` is told of each batch of
    `n` manual values or attendance rows written (`scale + attendance` in all). Returns what it made: the
    programme's code, counts of indicators, targets, manual values, treaty actions, events, registrations,
    attendance rows and people."""
    if scale < 1:
        raise GenerationError("The scale is the number of manual values: at least 1.")
    attendance = scale if attendance is None else attendance
    if attendance < 0:
        raise GenerationError("The number of attendance rows cannot be negative.")
    generation = Generation(scale=scale, seed=seed, progress=progress or (lambda n: None), attendance=attendance)
    replaced = remove_generated(programme_code(scale))
    generation.entry_user = _sample_user(ENTRY_EMAIL, "Generated", "Entry")
    generation.review_user = _sample_user(REVIEW_EMAIL, "Generated", "Review")
    for step in STEPS:
        step.make(generation)
    return {"programme": generation.programme.code, "replaced": replaced, **generation.made}
