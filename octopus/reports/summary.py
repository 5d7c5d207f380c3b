"""The public project summary of a programme, in the shape registries such as the GFCE's Cybil portal publish: aim,
dates, budget, funders, implementers, beneficiary countries and regions, topics and results to date.

Every figure is read from the records when asked, never typed: the budget is the programme's ceiling, the funders
its `ProgrammeFunder` rows, the beneficiary countries those it assisted (`legislation.countries_assisted`: given
legislative advice, or hosting one of its workshops) and the countries whose people took part in its events, and
the results those of `results.queries.programme_results` to date. The summary is public, so it holds what anyone
may read: no money beyond the ceiling, and no indicator counted from money (read as the anonymous public does).
Its cost is a fixed number of queries, whatever the number of records.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone, translation

from octopus.countries.models import Country
from octopus.events.queries import attended_events, participations
from octopus.lib.metrics import reading, registry
from octopus.results.assignments import programme_scope, scoped
from octopus.results.exports import target_text, value_text
from octopus.results.models import Level, Programme
from octopus.results.queries import ASSISTED, programme_results

UNKNOWN_REGION = "Unknown"


@dataclass
class Place:
    iso2: str
    name: str
    region: str


@dataclass
class Result:
    """One output or objective indicator to date: its value, its life-of-programme target and its unit."""

    code: str
    title: str
    level: str  # "objective" or "output"
    value: Decimal | None
    value_text: str
    target: Decimal | None
    target_text: str
    comparator: str | None
    unit: str
    status: str
    status_label: str


@dataclass
class Summary:
    programme: Programme
    at: datetime.date
    code: str
    title: str
    aim: str
    language: str  # the language of the title and aim: "fr" when the publication holds them in French, else "en"
    starts_on: datetime.date
    ends_on: datetime.date
    budget: Decimal
    currency: str
    funding: str
    funders: list[str]
    implementers: list[str]
    topics: list[str]
    dac_sectors: list[str]
    public: bool
    is_sample: bool
    countries_assisted: list[Place] = field(default_factory=list)
    countries_participating: list[Place] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)

    @property
    def beneficiary_countries(self) -> list[Place]:
        """The countries assisted and those whose people took part, once each, by name."""
        seen = {place.iso2: place for place in [*self.countries_assisted, *self.countries_participating]}
        return sorted(seen.values(), key=lambda place: place.name)

    @property
    def regions(self) -> list[str]:
        return sorted({place.region for place in self.beneficiary_countries if place.region != UNKNOWN_REGION})


def _places(countries) -> list[Place]:
    return sorted((Place(c.iso2, c.name, c.region or UNKNOWN_REGION) for c in countries), key=lambda place: place.name)


def project_summary(programme: Programme, *, at: datetime.date | None = None) -> Summary:
    """The public summary of `programme` as things stood on `at` (today by default)."""
    at = at or timezone.localdate()
    publication = getattr(programme, "publication", None)
    french = (translation.get_language() or "").startswith("fr") and publication is not None
    title = publication.title_fr if french and publication.title_fr else programme.title
    aim = publication.description_fr if french and publication.description_fr else programme.description
    language = "fr" if french and (publication.title_fr or publication.description_fr) else "en"

    # Read as the public reads it: indicators counted from money are left out. A programme with no logframe yet
    # (made outside `results.services.create_programme`) has no results, only its facts.
    has_logframe = programme.versions.exists()
    figures = programme_results(programme, at, reader=AnonymousUser()) if has_logframe else None
    start = programme.starts_on
    ends_on = figures.version.ends_on if figures else programme.ends_on
    end = min(ends_on, at)
    with reading(programme_scope(programme)):
        assisted = list(registry.records(ASSISTED, start, end)) if ASSISTED in registry else []
        events = scoped(attended_events()).filter(starts_on__range=(start, end))
        took_part = Country.objects.filter(
            pk__in=participations(events).exclude(country=None).values("country")
        ).order_by("name")
        participating = list(took_part)

    results = []
    for node in figures.nodes if figures else []:
        if node.node.level == Level.ACTIVITY:
            continue
        for row in node.indicators:
            to_date, indicator = row.to_date, row.indicator
            results.append(
                Result(
                    code=indicator.code,
                    title=indicator.title,
                    level=node.node.level,
                    value=to_date.actual,
                    value_text=value_text(indicator, to_date.actual),
                    target=to_date.goal.value if to_date.goal else None,
                    target_text=target_text(indicator, to_date.goal),
                    comparator=to_date.goal.comparator if to_date.goal else None,
                    unit=row.unit,
                    status=str(to_date.status),
                    status_label=to_date.status.label,
                )
            )
    return Summary(
        programme=programme,
        at=at,
        code=programme.code,
        title=title,
        aim=aim,
        language=language,
        starts_on=programme.starts_on,
        ends_on=ends_on,
        budget=programme.budget_ceiling,
        currency=programme.currency,
        funding=programme.funding,
        funders=[funder.name for funder in programme.funders.all()],
        implementers=[programme.implementing_office] if programme.implementing_office else [],
        topics=list(publication.topics) if publication else [],
        dac_sectors=list(publication.dac_sectors) if publication else [],
        public=bool(publication and publication.public),
        is_sample=programme.is_sample,
        countries_assisted=_places(assisted),
        countries_participating=_places(participating),
        results=results,
    )
