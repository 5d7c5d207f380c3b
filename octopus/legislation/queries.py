"""Reading legislation profiles at any date, in a fixed number of queries (DESIGN.md §7.10).

The level of a country × article on a day is that of the latest reviewed assessment dated on or before it (ties:
the one recorded last). Drafts and rejected statements never count.
"""

import datetime
from dataclasses import dataclass

from django.db.models import F, Prefetch
from django.utils.translation import gettext_lazy as _

from octopus.countries.models import Country
from octopus.events.models import Event, Kind
from octopus.legislation.models import PROFILE_ARTICLES, PROFILE_TREATY, Advice, Assessment, Law, Level, ReviewState
from octopus.lib.metrics import reading, scope
from octopus.results.assignments import programme_scope, scoped
from octopus.treaties.models import Article

# The workshops through which a programme assists a country, besides legislative advice.
WORKSHOP_KINDS = (Kind.IN_COUNTRY_WORKSHOP, Kind.REGIONAL_WORKSHOP)

GROUPS = {
    # Article groups of the objective indicator, from the Convention's own structure (chapter and section).
    "substantive": lambda article: article.section.startswith("1 – Substantive"),
    "procedural": lambda article: article.section.startswith("2 – Procedural"),
    "international": lambda article: article.chapter.startswith("III"),
}


def profile_articles() -> list[Article]:
    """The articles a profile covers, in the Convention's order (one query)."""
    return list(Article.objects.filter(treaty__number=PROFILE_TREATY, number__in=PROFILE_ARTICLES).order_by("number"))


def compliance_at(at: datetime.date, *, countries=None, sample: bool = True) -> dict[tuple[int, int], Assessment]:
    """(country id, article id) → the assessment in force on `at`, for every country (or those given) in one
    query; without sample assessments when `sample` is False. A pair with no reviewed assessment yet is absent: not
    assessed."""
    rows = Assessment.objects.reviewed().filter(assessed_on__lte=at).order_by("assessed_on", "pk")
    if countries is not None:
        rows = rows.filter(country__in=countries)
    if not sample:
        rows = rows.filter(is_sample=False)
    latest: dict[tuple[int, int], Assessment] = {}
    for assessment in rows.only("pk", "country_id", "article_id", "level", "source", "assessed_on", "is_sample"):
        latest[(assessment.country_id, assessment.article_id)] = assessment  # later rows replace earlier ones
    return latest


@dataclass(frozen=True)
class Share:
    in_place: int
    assessed: int  # assessed articles: in place, partially or not in place

    @property
    def percent(self) -> float | None:
        return round(100 * self.in_place / self.assessed, 1) if self.assessed else None


def share_of(rows, at: datetime.date, *, articles: set[int], country_id: int | None = None) -> Share:
    """The share in place on `at` from reviewed assessment rows (country id, article id, level, day), oldest first:
    the latest level of each pair wins; pairs not assessed are left out. The one rule the query and the metric use."""
    latest: dict[tuple[int, int], str] = {}
    for country, article, level, day in rows:
        if day > at:
            break
        if article in articles and (country_id is None or country == country_id):
            latest[(country, article)] = level
    assessed = [level for level in latest.values() if level != Level.NOT_ASSESSED]
    return Share(in_place=assessed.count(Level.IN_PLACE), assessed=len(assessed))


def reviewed_rows():
    """Every reviewed assessment as (country id, article id, level, day), oldest first (ties: recorded first)."""
    return (
        Assessment.objects.reviewed()
        .order_by("assessed_on", "pk")
        .values_list("country_id", "article_id", "level", "assessed_on")
    )


# --- assistance, and the change in compliance of the assisted and the others --------------------------------------


def within_scope(queryset, country_field: str = "country"):
    """Rows of a global measure in the current reading: no sample record unless it counts them, and only the
    reading's countries when it names some."""
    current = scope()
    if not current.sample:
        queryset = queryset.filter(is_sample=False)
    if current.countries is not None:
        queryset = queryset.filter(**{f"{country_field}__in": current.countries})
    return queryset


def advice_rows() -> list[tuple[int, datetime.date]]:
    """(country id, first day) of the legislative advice the current reading counts (its programmes' own, no sample
    advice in a real programme's reading): one query."""
    return list(scoped(Advice.objects.all()).values_list("country_id", "starts_on"))


def workshop_rows() -> list[tuple[int, datetime.date]]:
    """(country id, first day) of each country an in-country or regional workshop the current reading counts was held
    for: its host (or beneficiary) countries, else its own country. One query (a row per host)."""
    rows = scoped(Event.objects.held().of_kinds(WORKSHOP_KINDS)).values_list(
        "pk", "country_id", "host_countries", "starts_on"
    )
    hosts: dict[int, set[int]] = {}
    places: dict[int, tuple[int | None, datetime.date]] = {}
    for pk, country, host, day in rows:
        places[pk] = (country, day)
        hosts.setdefault(pk, set())
        if host is not None:
            hosts[pk].add(host)
    found: list[tuple[int, datetime.date]] = []
    for pk, (country, day) in places.items():
        found.extend((host, day) for host in sorted(hosts[pk] or ({country} if country is not None else set())))
    return found


def assisted_between(rows, start: datetime.date | None, end: datetime.date) -> set[int]:
    """The countries assisted (rows of `advice_rows` and `workshop_rows`) on a day within [start, end]; with no
    start, by `end`."""
    return {country for country, day in rows if (start is None or start <= day) and day <= end}


@dataclass(frozen=True)
class Change:
    """The share in place among some countries on the eve of a period and on its last day."""

    countries: frozenset[int]  # the countries compared: those with a baseline (assessed before the period)
    before: Share
    after: Share

    @property
    def points(self) -> float | None:
        """The change in percentage points; None without a share on both days."""
        if self.before.percent is None or self.after.percent is None:
            return None
        return round(self.after.percent - self.before.percent, 1)


def compliance_change_among(
    rows, start: datetime.date, end: datetime.date, *, members: set[int] | None, articles: set[int]
) -> Change:
    """The change in the share in place of `articles` from the eve of `start` to `end`, among `members` (every
    country when None) that have a baseline: assessed on one of the articles before the period. `rows` are reviewed
    assessment rows as `share_of` reads them. The one rule of the metric `legislation.compliance_change` and of the
    page comparing assisted countries with the others."""
    baseline = {
        country
        for country, article, _level, day in rows
        if day < start and article in articles and (members is None or country in members)
    }
    chosen = [row for row in rows if row[0] in baseline]  # still oldest first, as share_of reads them
    before = share_of(chosen, start - datetime.timedelta(days=1), articles=articles)
    return Change(frozenset(baseline), before, share_of(chosen, end, articles=articles))


@dataclass(frozen=True)
class ArticleEffect:
    article: Article
    assisted: Change
    others: Change


@dataclass(frozen=True)
class Effect:
    """The change in compliance in the countries a programme assisted and in the others, over a period."""

    start: datetime.date
    end: datetime.date
    assisted: Change
    others: Change
    articles: list[ArticleEffect]
    countries: dict[int, Country]  # every country named, by id
    unmeasured: frozenset[int]  # assisted, but not assessed before the period: no baseline, not compared

    def names(self, ids) -> list[Country]:
        return sorted((self.countries[pk] for pk in ids), key=lambda country: country.name)

    @property
    def assisted_countries(self) -> list[Country]:
        return self.names(self.assisted.countries)

    @property
    def other_countries(self) -> list[Country]:
        return self.names(self.others.countries)

    @property
    def unmeasured_countries(self) -> list[Country]:
        return self.names(self.unmeasured)


def effect_of_assistance(programme, start: datetime.date, end: datetime.date) -> Effect:
    """Compare the change in compliance, overall and per article, from the eve of `start` to `end`, in the countries
    `programme` assisted by `end` (legislative advice or an in-country or regional workshop serving it) with the
    countries it did not assist, by the rule of the metric `legislation.compliance_change`. Sample assessments count
    only for a sample programme. Five queries, whatever the number of records."""
    with reading(programme_scope(programme)):
        assisted = assisted_between([*advice_rows(), *workshop_rows()], None, end)
        rows = list(within_scope(reviewed_rows()))
    articles = profile_articles()
    everyone = {row[0] for row in rows}
    others = everyone - assisted

    def compare(wanted: set[int]) -> tuple[Change, Change]:
        return (
            compliance_change_among(rows, start, end, members=assisted, articles=wanted),
            compliance_change_among(rows, start, end, members=others, articles=wanted),
        )

    overall = compare({article.pk for article in articles})
    per_article = [ArticleEffect(article, *compare({article.pk})) for article in articles]
    countries = {country.pk: country for country in Country.objects.filter(pk__in=everyone | assisted)}
    return Effect(
        start=start,
        end=end,
        assisted=overall[0],
        others=overall[1],
        articles=per_article,
        countries=countries,
        unmeasured=frozenset(assisted - overall[0].countries),
    )


def group_articles(articles: list[Article], group: str = "") -> set[int]:
    return {article.pk for article in articles if not group or GROUPS[group](article)}


def share_in_place(at: datetime.date, *, group: str = "", country=None) -> Share:
    """How many of the assessed country × article pairs are in place on `at`: overall, in one article group
    (substantive, procedural, international), and/or for one country. Two queries."""
    rows = reviewed_rows().filter(assessed_on__lte=at)
    if country is not None:
        rows = rows.filter(country=country)
    wanted = group_articles(profile_articles(), group)
    return share_of(rows, at, articles=wanted, country_id=country.pk if country is not None else None)


# --- the public pages: the heat map, a country's profile and an article's page, each in a fixed number of queries ---

GROUP_LABELS = {
    "substantive": _("Substantive criminal law"),
    "procedural": _("Procedural law"),
    "international": _("International co-operation"),
}


def group_of(article: Article) -> str:
    """The article group of the indicator an article belongs to; "" for definitions, jurisdiction, reservations."""
    return next((name for name, belongs in GROUPS.items() if belongs(article)), "")


def share_from(assessments) -> Share:
    """The share in place of the assessments in force (one per pair), by the rule of `share_of`."""
    assessed = [a.level for a in assessments if a is not None and a.level != Level.NOT_ASSESSED]
    return Share(in_place=assessed.count(Level.IN_PLACE), assessed=len(assessed))


@dataclass(frozen=True)
class MapRow:
    country: Country
    cells: list  # the assessment in force per article shown, None where there is none
    share: Share

    @property
    def sample(self) -> bool:
        """A level of the row comes from a sample statement."""
        return any(cell is not None and cell.is_sample for cell in self.cells)


def heat_map(
    at: datetime.date, articles: list[Article], *, region: str = "", include_all: bool = False
) -> list[MapRow]:
    """Countries × `articles` on `at` in two queries: every country with a reviewed statement on one of the
    articles (or every country of the region, with `include_all`), by name."""
    countries = Country.objects.order_by("name")
    if region:
        countries = countries.filter(region=region)
    latest = compliance_at(at, countries=countries if region else None)
    rows = []
    for country in countries:
        cells = [latest.get((country.pk, article.pk)) for article in articles]
        if include_all or any(cells):
            rows.append(MapRow(country=country, cells=cells, share=share_from(cells)))
    return rows


@dataclass(frozen=True)
class ArticleEntry:
    article: Article
    current: Assessment | None  # the statement in force on the day, None when nothing is reviewed yet
    history: list[Assessment]  # the reviewed statements up to the day, newest first


def country_profile(country: Country, at: datetime.date, articles: list[Article]) -> list[ArticleEntry]:
    """A country's profile as it stood on `at`, per article in the Convention's order, from its reviewed
    assessments (two queries: the assessments and the reviewed laws they cite)."""
    cited = Prefetch("laws", queryset=Law.objects.filter(state=ReviewState.REVIEWED).order_by("title"))
    rows = (
        Assessment.objects.reviewed()
        .filter(country=country, assessed_on__lte=at)
        .order_by("assessed_on", "pk")
        .prefetch_related(cited)
    )
    by_article: dict[int, list[Assessment]] = {}
    for assessment in rows:
        by_article.setdefault(assessment.article_id, []).append(assessment)
    entries = []
    for article in articles:
        history = by_article.get(article.pk, [])[::-1]
        entries.append(ArticleEntry(article=article, current=history[0] if history else None, history=history))
    return entries


def reviewed_laws(country: Country, at: datetime.date) -> list[Law]:
    """The country's reviewed laws, leaving out those passed after the year of `at` (one query)."""
    laws = Law.objects.filter(country=country, state=ReviewState.REVIEWED).exclude(year__gt=at.year)
    return list(laws.order_by(F("year").desc(nulls_last=True), "title"))


def article_at(article: Article, at: datetime.date) -> list[Assessment]:
    """Per country, the reviewed statement on `article` in force on `at`, by country name (one query)."""
    rows = (
        Assessment.objects.reviewed()
        .filter(article=article, assessed_on__lte=at)
        .select_related("country")
        .order_by("assessed_on", "pk")
    )
    latest: dict[int, Assessment] = {}
    for assessment in rows:
        latest[assessment.country_id] = assessment
    return sorted(latest.values(), key=lambda a: a.country.name)
