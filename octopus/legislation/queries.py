"""Reading legislation profiles at any date, in a fixed number of queries (DESIGN.md §7.10).

The level of a country × article on a day is that of the latest reviewed assessment dated on or before it (ties:
the one recorded last). Drafts and rejected statements never count.
"""

import datetime
from dataclasses import dataclass

from django.db.models import F, Prefetch
from django.utils.translation import gettext_lazy as _

from octopus.countries.models import Country
from octopus.legislation.models import PROFILE_ARTICLES, PROFILE_TREATY, Assessment, Law, Level, ReviewState
from octopus.treaties.models import Article

GROUPS = {
    # Article groups of the objective indicator, from the Convention's own structure (chapter and section).
    "substantive": lambda article: article.section.startswith("1 – Substantive"),
    "procedural": lambda article: article.section.startswith("2 – Procedural"),
    "international": lambda article: article.chapter.startswith("III"),
}


def profile_articles() -> list[Article]:
    """The articles a profile covers, in the Convention's order (one query)."""
    return list(Article.objects.filter(treaty__number=PROFILE_TREATY, number__in=PROFILE_ARTICLES).order_by("number"))


def compliance_at(at: datetime.date, *, countries=None) -> dict[tuple[int, int], Assessment]:
    """(country id, article id) → the assessment in force on `at`, for every country (or those given) in one
    query. A pair with no reviewed assessment yet is absent: not assessed."""
    rows = Assessment.objects.reviewed().filter(assessed_on__lte=at).order_by("assessed_on", "pk")
    if countries is not None:
        rows = rows.filter(country__in=countries)
    latest: dict[tuple[int, int], Assessment] = {}
    for assessment in rows.only("pk", "country_id", "article_id", "level", "source", "assessed_on"):
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
