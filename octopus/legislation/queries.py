"""Reading legislation profiles at any date, in a fixed number of queries (DESIGN.md §7.10).

The level of a country × article on a day is that of the latest reviewed assessment dated on or before it (ties:
the one recorded last). Drafts and rejected statements never count.
"""

import datetime
from dataclasses import dataclass

from octopus.legislation.models import PROFILE_ARTICLES, PROFILE_TREATY, Assessment, Level
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
