"""Sample legislation records for looking around (`make run`): every row flagged as sample, none presented as real.

For eight countries: a few national laws (titled "(sample)"), dated reviewed assessments of every profile article
from 2014 to 2019 with plausible progress (the countries given advice improve on the articles it covered), legislative
advice to six of them with recommendations (most taken up, each linked to the assessment it changed), two draft
statements of the Georgian focal point awaiting review, and yearly statistics for 2015–2019 cited as "Sample data".
The advice serves the sample programme (activity A2.5) and nothing here counts for a real programme.
The levels and figures are invented from a fixed seed; they describe no country's real law or caseload.

Everything goes through the services, so every rule of the real records holds (articles of the profile, no date in
the future, executed ≤ received…).
"""

import datetime
import heapq
import itertools
import random

from django.db import transaction

from octopus.accounts.models import User
from octopus.countries.models import Country
from octopus.events.models import Event
from octopus.legislation.models import (
    PROFILE_ARTICLES,
    PROFILE_TREATY,
    Advice,
    AdviceMode,
    Assessment,
    Level,
    Source,
    StatisticSource,
)
from octopus.legislation.services import advice as advice_services
from octopus.legislation.services import profiles
from octopus.legislation.services.statistics import record_figures
from octopus.results.models import ResultNode
from octopus.treaties.models import Article

D = datetime.date
SEED = 185
CITATION = "Sample data"
FOCAL_POINT = "focalpoint.ge@sample.octopus.test"
WORKSHOP = "sample-workshop-ge-2017"  # the sample in-country workshop in Georgia (octopus.sample.events)
SAMPLE_PROGRAMME, SAMPLE_ACTIVITY = "sample-programme", "A2.5"  # "Sample legislative advice" (octopus.sample.programme)
LAST_DAY = D(2019, 12, 31)  # the programme's last day: sample assessments stay within it

# Country → (day of the first assessment, share of articles in place then, yearly size of its caseload).
COUNTRIES = {
    "GE": (D(2014, 6, 30), 0.45, 400),
    "MD": (D(2014, 9, 30), 0.40, 300),
    "UA": (D(2015, 3, 31), 0.35, 2500),
    "AM": (D(2014, 11, 30), 0.30, 200),
    "AZ": (D(2015, 6, 30), 0.25, 350),
    "PH": (D(2015, 2, 28), 0.20, 1800),
    "SN": (D(2015, 10, 31), 0.15, 150),
    "MA": (D(2014, 12, 15), 0.30, 900),
}
# Advice given: country, what was reviewed, mode, first and last day, articles covered. Azerbaijan and Morocco get
# none, so assisted and not assisted countries can be compared.
ADVICE = [
    (
        "GE",
        "Draft amendments to the Criminal Code (sample)",
        AdviceMode.DESK_REVIEW,
        D(2015, 3, 10),
        D(2015, 4, 20),
        range(2, 11),
    ),
    (
        "MD",
        "Draft law amending the Criminal Code (sample)",
        AdviceMode.DESK_REVIEW,
        D(2015, 9, 1),
        D(2015, 10, 15),
        range(2, 9),
    ),
    (
        "UA",
        "Draft law on electronic evidence (sample)",
        AdviceMode.MISSION,
        D(2016, 4, 12),
        D(2016, 4, 14),
        [*range(16, 22), 29, 30],
    ),
    (
        "PH",
        "Draft cybercrime prevention regulations (sample)",
        AdviceMode.MISSION,
        D(2016, 10, 3),
        D(2016, 10, 5),
        range(14, 22),
    ),
    (
        "GE",
        "Draft amendments to the Criminal Procedure Code (sample)",
        AdviceMode.WORKSHOP,
        D(2017, 5, 16),
        D(2017, 5, 17),
        range(16, 22),
    ),
    ("AM", "Draft Criminal Code (sample)", AdviceMode.DESK_REVIEW, D(2017, 2, 1), D(2017, 3, 10), range(2, 12)),
    (
        "SN",
        "Draft law on cybercrime (sample)",
        AdviceMode.DESK_REVIEW,
        D(2018, 1, 15),
        D(2018, 2, 28),
        [*range(2, 13), 22],
    ),
]
LAWS = [  # title, how many years before the first assessment it was passed, the articles it implements
    ("Criminal Code (sample)", 12, set(range(1, 14))),
    ("Criminal Procedure Code (sample)", 8, set(range(14, 23))),
    ("Law on international cooperation in criminal matters (sample)", 5, {*range(24, 36), 42}),
]
STEP_UP = {Level.NOT_IN_PLACE: Level.PARTIALLY, Level.PARTIALLY: Level.IN_PLACE}


def _first_level(rng: random.Random, in_place: float) -> str:
    draw = rng.random()
    if draw < in_place:
        return Level.IN_PLACE
    if draw < in_place + 0.35:
        return Level.PARTIALLY
    return Level.NOT_IN_PLACE if draw < 0.96 else Level.NOT_ASSESSED


class _Profiles:
    """The sample profiles being written: each country's laws and the level each article has reached so far."""

    def __init__(self, staff, articles):
        self.staff, self.articles, self.count = staff, articles, 0
        self.laws: dict[str, list] = {}
        self.levels: dict[tuple[str, int], str] = {}

    def assess(self, country, number, level, day, source, note):
        laws = [law for law, numbers in self.laws[country.iso2] if number in numbers]
        provisions = f"{laws[0].title}, provisions on Article {number} (sample)" if laws else ""
        assessment = profiles.record_assessment(
            country,
            self.articles[number],
            level=level,
            source=source,
            assessed_on=day,
            user=self.staff,
            reviewed=True,
            provisions=provisions,
            laws=laws,
            note=note,
            citation=CITATION,
            is_sample=True,
        )
        self.levels[(country.iso2, number)] = level
        self.count += 1
        return assessment


def _write_laws(book: _Profiles, country: Country, first: datetime.date) -> None:
    book.laws[country.iso2] = [
        (
            profiles.record_law(
                country, title=title, year=first.year - age, user=book.staff, reviewed=True, is_sample=True
            ),
            numbers,
        )
        for title, age, numbers in LAWS
    ]


def _write_history(rng, book: _Profiles, country: Country, context: dict) -> tuple[int, int]:
    """One country's profile over time, in date order: the first assessment of every article; a yearly desk review
    moving one or two articles a step on (most years); the advice given, with recommendations on the articles it
    covered that were not in place; and, some months later, the assessment that raised the level of each
    recommendation taken up (one of each advice is left open). Returns (advice, recommendations) written."""
    iso2 = country.iso2
    first, in_place, _size = COUNTRIES[iso2]
    _write_laws(book, country, first)
    for number in book.articles:
        book.assess(
            country, number, _first_level(rng, in_place), first, Source.TCY_ASSESSMENT, "Sample first assessment."
        )
    agenda = [(D(year, 11, 30), "review", None) for year in range(first.year + 1, 2020)]
    agenda += [(spec[3], "advice", spec) for spec in ADVICE if spec[0] == iso2]
    order = itertools.count()  # ties on a day: in the order planned
    agenda = [(day, next(order), kind, payload) for day, kind, payload in sorted(agenda, key=lambda a: a[0])]
    heapq.heapify(agenda)
    pending: set[int] = set()  # articles with a recommendation awaiting take-up: desk reviews leave them alone
    advice_count = recommendations = 0
    while agenda:
        day, _n, kind, payload = heapq.heappop(agenda)
        if kind == "review":
            movable = [n for n in book.articles if book.levels[(iso2, n)] in STEP_UP and n not in pending]
            for number in rng.sample(movable, min(len(movable), rng.choice((0, 1, 1, 2)))):
                book.assess(
                    country,
                    number,
                    STEP_UP[book.levels[(iso2, number)]],
                    day,
                    Source.DESK_REVIEW,
                    "Sample yearly desk review.",
                )
        elif kind == "advice":
            _iso2, reviewed, mode, starts_on, ends_on, numbers = payload
            advice = advice_services.record_advice(
                country,
                reviewed=reviewed,
                mode=mode,
                starts_on=starts_on,
                ends_on=ends_on,
                user=book.staff,
                articles=[book.articles[n] for n in numbers],
                activity=context["activity"],
                is_sample=True,
                event=context["workshop"] if mode == AdviceMode.WORKSHOP else None,
            )
            advice_count += 1
            weak = [n for n in numbers if book.levels[(iso2, n)] in STEP_UP and n not in pending][:4]
            for position, number in enumerate(weak):
                article = book.articles[number]
                recommendation = advice_services.record_recommendation(
                    advice,
                    article=article,
                    user=book.staff,
                    text=f"Bring the provisions on {article.title[0].lower()}{article.title[1:]} in line with "
                    f"Article {number} of the Convention (sample recommendation).",
                )
                recommendations += 1
                if position == len(weak) - 1 and len(weak) > 1:
                    continue  # still open
                pending.add(number)
                taken = min(ends_on + datetime.timedelta(days=200 + 30 * position + rng.randint(0, 60)), LAST_DAY)
                heapq.heappush(agenda, (taken, next(order), "take_up", (recommendation, number)))
            if not weak:
                advice_services.record_recommendation(
                    advice, user=book.staff, text="Keep the provisions under review as practice develops (sample)."
                )
                recommendations += 1
        else:
            recommendation, number = payload
            current = book.levels[(iso2, number)]
            level = Level.IN_PLACE if rng.random() < 0.6 else STEP_UP[current]
            changed = book.assess(
                country, number, level, day, Source.LEGISLATIVE_ADVICE, "Sample: amended after legislative advice."
            )
            advice_services.take_up_recommendation(
                recommendation, taken_up_on=day, assessment=changed, user=book.staff, version=recommendation.version
            )
            pending.discard(number)
    return advice_count, recommendations


def _write_drafts(book: _Profiles, country: Country, focal_point) -> int:
    """Two statements of the country's focal point, awaiting staff review (the review queue has something)."""
    open_articles = [n for n in book.articles if book.levels[(country.iso2, n)] in STEP_UP][:2] or [20, 21]
    for number in open_articles:
        profiles.record_assessment(
            country,
            book.articles[number],
            level=Level.IN_PLACE,
            source=Source.SELF_REPORT,
            assessed_on=D(2020, 2, 10),
            user=focal_point,
            reviewed=False,
            is_sample=True,
            provisions=f"Amended provisions on Article {number} (sample)",
            note="Sample statement of the focal point, awaiting review.",
        )
    return len(open_articles)


def _write_statistics(rng, staff, countries: dict[str, Country]) -> int:
    """Yearly figures, 2015–2019: caseloads growing; requests executed never more than those received; the days
    to execute a request falling faster where advice was given."""
    advised = {row[0] for row in ADVICE}
    written = 0
    for iso2, (_first, _in_place, size) in COUNTRIES.items():
        country = countries.get(iso2)
        if country is None:
            continue
        days = rng.randint(150, 240)
        for n, year in enumerate(range(2015, 2020)):
            recorded = round(size * (1 + 0.12 * n) * rng.uniform(0.9, 1.1))
            investigated = round(recorded * rng.uniform(0.55, 0.8))
            prosecuted = round(investigated * rng.uniform(0.3, 0.5))
            received = round(size / 20 * (1 + 0.1 * n)) + rng.randint(2, 10)
            received_247 = round(size / 40) + rng.randint(1, 8)
            values = {
                "cases_recorded": recorded,
                "cases_investigated": investigated,
                "cases_prosecuted": prosecuted,
                "cases_convicted": round(prosecuted * rng.uniform(0.5, 0.8)),
                "mla_sent": round(received * rng.uniform(0.6, 1.2)),
                "mla_received": received,
                "mla_executed": round(received * rng.uniform(0.6, 0.95)),
                "mla_median_days": days,
                "contact_247_sent": round(received_247 * rng.uniform(0.5, 1.5)),
                "contact_247_received": received_247,
                "contact_247_executed": round(received_247 * rng.uniform(0.7, 1.0)),
                "preservation_sent": rng.randint(1, 20),
                "preservation_received": rng.randint(1, 25),
            }
            record_figures(
                country, year, values, source=StatisticSource.PUBLISHED, citation=CITATION, user=staff, is_sample=True
            )
            written += len(values)
            days = max(30, round(days * (rng.uniform(0.8, 0.9) if iso2 in advised else rng.uniform(0.93, 1.02))))
    return written


@transaction.atomic
def load_sample_legislation(*, staff, focal_point=None) -> dict | None:
    """Make the sample legislation records unless they exist (None then). `focal_point` records the draft
    statements (by default the sample focal point of Georgia; staff's drafts if there is none)."""
    if Assessment.objects.filter(is_sample=True).exists() or Advice.objects.filter(is_sample=True).exists():
        return None
    # The countries of the reference data (all eight once it is loaded; a missing one is left out).
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in=COUNTRIES)}
    if not countries:
        return None
    rng = random.Random(SEED)
    # With their treaty: the services check each article's, and it is read once here, not once per assessment.
    articles = Article.objects.select_related("treaty").filter(
        treaty__number=PROFILE_TREATY, number__in=PROFILE_ARTICLES
    )
    book = _Profiles(staff, {article.number: article for article in articles.order_by("number")})
    context = {
        "workshop": Event.objects.filter(slug=WORKSHOP).first(),
        # Sample advice serves the sample programme only (its activity A2.5), never a real one; the sample
        # assessments and statistics stay flagged sample, which keeps them out of every real programme's reading.
        "activity": ResultNode.objects.filter(programme__code=SAMPLE_PROGRAMME, code=SAMPLE_ACTIVITY).first(),
    }
    advice = recommendations = 0
    for iso2 in (code for code in COUNTRIES if code in countries):
        given, made = _write_history(rng, book, countries[iso2], context)
        advice, recommendations = advice + given, recommendations + made
    focal_point = focal_point or User.objects.filter(email=FOCAL_POINT).first() or staff
    drafts = _write_drafts(book, countries["GE"], focal_point) if "GE" in countries else 0
    statistics = _write_statistics(rng, staff, countries)
    return {
        "countries": len(countries),
        "assessments": book.count,
        "drafts": drafts,
        "advice": advice,
        "recommendations": recommendations,
        "statistics": statistics,
    }
