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


def share_in_place(at: datetime.date, *, group: str = "", country=None) -> Share:
    """How many of the assessed country × article pairs are in place on `at`: overall, in one article group
    (substantive, procedural, international), and/or for one country. Two queries."""
    articles = profile_articles()
    if group:
        articles = [article for article in articles if GROUPS[group](article)]
    wanted = {article.pk for article in articles}
    levels = [
        assessment.level
        for (_country, article), assessment in compliance_at(at, countries=[country] if country else None).items()
        if article in wanted and assessment.level != Level.NOT_ASSESSED
    ]
    return Share(in_place=sum(1 for level in levels if level == Level.IN_PLACE), assessed=len(levels))
