"""Legislation profiles over the JSON API: the compliance matrix at a date, a country's profile, the countries by
level on one article (all public: reviewed statements only), and keeping profiles — laws and assessments — with
their review.

Public reads need no authentication and read only reviewed statements, as the public pages do. The workspace lists
(`legislation.view_workspace`, a bearer token or the workspace session) show reviewed rows to every reader, and drafts
and rejected rows only of the countries the reader keeps (`legislation.edit_profile`): a focal point sees its own
country's drafts, never another's. Writes need a bearer token: a statement or law of a country the user keeps (a
focal point's is a draft, staff may send `reviewed: true`), a review by staff (`legislation.review_profiles`). Every
write is done by the services, so the API keeps the pages' rules and audit; a refused one is a 422 problem with the
service's message, a stale `version` a 409.
"""

import datetime
from typing import Annotated

from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Path, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate
from pydantic import Field

from octopus.accounts.api import (
    CONFLICT,
    PUBLIC,
    Id,
    Line,
    Pagination,
    Text,
    Version,
    allowed,
    form_errors,
    require,
)
from octopus.countries.api import body_country
from octopus.countries.models import Country
from octopus.legislation.models import (
    PROFILE_ARTICLES,
    PROFILE_TREATY,
    Assessment,
    Law,
    Level,
    ReviewState,
    Source,
)
from octopus.legislation.queries import (
    GROUPS,
    article_at,
    country_profile,
    group_of,
    heat_map,
    profile_articles,
    reviewed_laws,
    share_from,
)
from octopus.legislation.services import profiles as services
from octopus.lib.dates import IsoDate
from octopus.results.api import IsSample
from octopus.surveys.permissions import focal_countries
from octopus.treaties.models import Article

router = Router(tags=["legislation"])

VIEW = "legislation.view_workspace"
EDIT = "legislation.edit_profile"
REVIEW = "legislation.review_profiles"

ISO2 = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code")]
ArticleNumber = Annotated[int, Field(ge=1, le=10000, description="Article number of CETS 185.")]
Group = Annotated[str, Field(pattern="^(" + "|".join(GROUPS) + ")$", description="Article group: " + ", ".join(GROUPS))]
Url = Annotated[str, Field(max_length=500, pattern=r"^(https?://[^\x00\s]+)?$")]
Year = Annotated[int, Field(ge=1, le=9999)]


# --- schemas -------------------------------------------------------------------------------------------------------


class ProfileArticleOut(Schema):
    number: int
    title: str
    group: str | None = Field(description="substantive, procedural or international; null for the others.")


class CountryLevelsOut(Schema):
    iso2: str
    name: str
    levels: dict[str, Level] = Field(
        description="Article number → compliance level on the day (not_assessed when "
        "no reviewed assessment says otherwise)."
    )
    share_in_place: float | None = Field(description="% of the assessed articles in place; null when none assessed.")
    sample: bool = Field(
        description="True when a level of the row comes from a sample statement, invented for trying Octopus, not real."
    )


class MatrixOut(Schema):
    at: IsoDate
    articles: list[ProfileArticleOut]
    countries: list[CountryLevelsOut]


class LawOut(Schema):
    id: int
    country: str = Field(validation_alias="country.iso2")
    title: str
    year: int | None
    url: str
    file_name: str
    state: ReviewState
    is_sample: IsSample
    version: int


class PublicLawOut(Schema):
    id: int
    title: str
    year: int | None
    url: str
    is_sample: IsSample


class StatementOut(Schema):
    """The reviewed assessment in force for an article of a profile."""

    article: ProfileArticleOut
    level: Level
    source: Source | None
    assessed_on: IsoDate | None
    provisions: str
    note: str
    citation: str
    laws: list[int] = Field(description="Ids of the laws that implement the article.")
    is_sample: IsSample


class ProfileOut(Schema):
    iso2: str
    name: str
    at: IsoDate
    share_in_place: float | None
    sample: bool = Field(
        description="True when a law or statement below is sample data, invented for trying Octopus, not real."
    )
    laws: list[PublicLawOut]
    articles: list[StatementOut]


class ArticleCountryOut(Schema):
    iso2: str
    name: str
    source: Source
    assessed_on: IsoDate
    is_sample: IsSample


class ArticleLevelsOut(Schema):
    article: ProfileArticleOut
    at: IsoDate
    countries: dict[Level, list[ArticleCountryOut]] = Field(
        description="Level → the countries at that level on the day, by name. Countries never assessed on the "
        "article are not listed."
    )


class AssessmentOut(Schema):
    id: int
    country: str = Field(validation_alias="country.iso2")
    article: int = Field(validation_alias="article.number")
    level: Level
    source: Source
    assessed_on: IsoDate
    provisions: str
    note: str
    citation: str
    laws: list[int]
    state: ReviewState
    recorded_at: datetime.datetime
    reviewed_at: datetime.datetime | None
    is_sample: IsSample
    version: int

    @staticmethod
    def resolve_laws(assessment) -> list[int]:
        return [law.pk for law in assessment.laws.all()]


class AssessmentIn(Schema):
    country: ISO2
    article: ArticleNumber
    level: Level
    source: Source
    assessed_on: IsoDate
    provisions: Text = ""
    note: Text = ""
    citation: Annotated[str, Field(max_length=500, pattern=r"^[^\x00]*$")] = ""
    laws: list[Id] = Field(default=[], max_length=100, description="Ids of laws of the same country.")
    reviewed: bool = Field(default=False, description="Staff only: counted and public at once.")


class ReviewIn(Schema):
    accept: bool = Field(description="true: reviewed (counted, public); false: rejected (kept, never counted).")
    version: Version


class LawIn(Schema):
    country: ISO2
    title: Line
    year: Year | None = None
    url: Url = ""
    reviewed: bool = Field(default=False, description="Staff only: public at once.")


class LawChangeIn(Schema):
    title: Line
    year: Year | None = None
    url: Url = ""
    version: Version


# --- helpers -------------------------------------------------------------------------------------------------------


def article_out(article: Article) -> dict:
    return {"number": article.number, "title": article.title, "group": group_of(article) or None}


def level_of(assessment: Assessment | None) -> str:
    return assessment.level if assessment else Level.NOT_ASSESSED


def not_covered(number: int) -> str:
    return _(
        "Article %(number)s of CETS 185 is not one a legislation profile covers (Articles 1–22, 24–35 and 42)."
    ) % {"number": number}


def profile_article(number: int, field: str = "article") -> Article:
    """An article of CETS 185 by number; the service says why one outside the profile is refused."""
    article = Article.objects.select_related("treaty").filter(treaty__number=PROFILE_TREATY, number=number).first()
    if article is None:
        raise form_errors({field: [not_covered(number)]})
    return article


# Who may use each route: each declares it (`allowed`, or PUBLIC); these are the 403s' messages. Changing a
# profile is EDIT on its country (a focal point keeps its own, staff every one): the body checks it on the record.
NO_WORKSPACE = gettext_lazy("Your role does not give access to the legislation workspace.")
NOT_A_REVIEWER = gettext_lazy("Your role does not allow reviewing legislation profiles.")


def check_keeper(user, country: Country) -> None:
    """EDIT on the country, the per-record half of the routes declared `allowed(EDIT, per_object=True)`."""
    message = _("Your role does not allow changing the legislation profile of %(country)s.") % {"country": country}
    require(user, EDIT, country, message)


def check_reviewed_by_staff(user, reviewed: bool) -> None:
    if reviewed:
        message = _("Only staff may record a statement or a law as reviewed; send it as a draft for their review.")
        require(user, REVIEW, message=message)


def visible(user, rows):
    """Reviewed rows for every workspace reader; drafts and rejected ones only of the countries the user keeps."""
    if user.has_perm(EDIT):  # without a country: staff, who keep every profile
        return rows
    return rows.filter(Q(state=ReviewState.REVIEWED) | Q(country__iso2__in=focal_countries(user)))


def today_or(at: datetime.date | None) -> datetime.date:
    return at or timezone.localdate()


def assessments(user):
    """Assessments with the laws they cite that `user` may see (a draft law of another country is not listed)."""
    cited = Prefetch("laws", queryset=visible(user, Law.objects.all()))
    return Assessment.objects.select_related("country", "article").prefetch_related(cited)


def laws():
    return Law.objects.select_related("country")


# --- public reads --------------------------------------------------------------------------------------------------


@router.get(
    "/legislation/compliance",
    response=MatrixOut,
    auth=PUBLIC,
    summary="Compliance of every country with every article on a day (the heat map)",
    description="For each country (of a region, if given) the level on each article of the profile (of a group, "
    "if given) from the latest reviewed assessment not after `at` (default today), and the share of the assessed "
    "ones in place. Public; drafts never count. A fixed number of queries whatever the size.",
)
def compliance(
    request,
    at: IsoDate | None = None,
    region: Annotated[str, Field(max_length=50, pattern=r"^[^\x00]*$")] = "",
    group: Group | None = None,
):
    at = today_or(at)
    articles = [article for article in profile_articles() if not group or GROUPS[group](article)]
    rows = heat_map(at, articles, region=region, include_all=True)
    if region and not rows:
        raise form_errors({"region": [_("No country is in the region “%(region)s”.") % {"region": region}]})
    rows = [
        {
            "iso2": row.country.iso2,
            "name": row.country.name,
            "share_in_place": row.share.percent,
            "levels": {str(article.number): level_of(cell) for article, cell in zip(articles, row.cells, strict=True)},
            "sample": row.sample,
        }
        for row in rows
    ]
    return {"at": at, "articles": [article_out(a) for a in articles], "countries": rows}


@router.get(
    "/legislation/profiles/{iso2}",
    response=ProfileOut,
    auth=PUBLIC,
    summary="A country's legislation profile as it stood on a day",
    description="The reviewed laws (those passed by `at`'s year, or of no known year) and, per article of the "
    "profile, the reviewed assessment in force on `at` (default today). Public.",
)
def profile(request, iso2: Path[ISO2], at: IsoDate | None = None):
    at = today_or(at)
    country = get_object_or_404(Country, iso2=iso2.upper())
    entries = country_profile(country, at, profile_articles())
    statements = [
        {
            "article": article_out(entry.article),
            "level": level_of(entry.current),
            "source": entry.current.source if entry.current else None,
            "assessed_on": entry.current.assessed_on if entry.current else None,
            "provisions": entry.current.provisions if entry.current else "",
            "note": entry.current.note if entry.current else "",
            "citation": entry.current.citation if entry.current else "",
            "laws": [law.pk for law in entry.current.laws.all()] if entry.current else [],
            "is_sample": bool(entry.current and entry.current.is_sample),
        }
        for entry in entries
    ]
    laws = [
        {"id": law.pk, "title": law.title, "year": law.year, "url": law.url, "is_sample": law.is_sample}
        for law in reviewed_laws(country, at)
    ]
    return {
        "iso2": country.iso2,
        "name": country.name,
        "at": at,
        "share_in_place": share_from(entry.current for entry in entries).percent,
        "sample": any(row["is_sample"] for row in [*laws, *statements]),
        "laws": laws,
        "articles": statements,
    }


@router.get(
    "/legislation/articles/{number}",
    response=ArticleLevelsOut,
    auth=PUBLIC,
    summary="Which countries implement an article, by level, on a day",
    description="E.g. who has criminalised misuse of devices (Article 6): the countries at each level on `at` "
    "(default today), from reviewed assessments. Public.",
)
def article_levels(request, number: Path[ArticleNumber], at: IsoDate | None = None):
    at = today_or(at)
    article = Article.objects.filter(treaty__number=PROFILE_TREATY, number=number).first()
    if article is None or number not in PROFILE_ARTICLES:
        raise Http404(not_covered(number))
    by_level = {level: [] for level in Level.values}
    for assessment in article_at(article, at):
        by_level[assessment.level].append(
            {
                "iso2": assessment.country.iso2,
                "name": assessment.country.name,
                "source": assessment.source,
                "assessed_on": assessment.assessed_on,
                "is_sample": assessment.is_sample,
            }
        )
    return {"article": article_out(article), "at": at, "countries": by_level}


# --- assessments ---------------------------------------------------------------------------------------------------


@router.get(
    "/legislation/assessments",
    response=list[AssessmentOut],
    auth=allowed(VIEW, NO_WORKSPACE),
    summary="Assessments of legislation profiles, with their review state",
    description="Every dated statement (the history of the profiles). Drafts and rejected statements only of the "
    "countries you keep: a focal point sees its own country's, never another's.",
)
@paginate(Pagination, page_size=100)
def list_assessments(
    request,
    country: ISO2 | None = None,
    article: ArticleNumber | None = None,
    state: ReviewState | None = None,
):
    rows = visible(request.auth, assessments(request.auth))
    if country:
        rows = rows.filter(country__iso2=country.upper())
    if article:
        rows = rows.filter(article__treaty__number=PROFILE_TREATY, article__number=article)
    if state:
        rows = rows.filter(state=state)
    return rows


@router.post(
    "/legislation/assessments",
    response={201: AssessmentOut},
    auth=allowed(EDIT, per_object=True, token_only=True),
    summary="State what a country's law provides on an article, as of a day",
    description="A focal point's statement (its own country) is a draft until staff review it; staff may send "
    "`reviewed: true`. An article outside the profile, a level or source outside the scale, a date in the future "
    "or a law of another country is refused (422) and nothing is saved.",
)
def add_assessment(request, payload: AssessmentIn):
    country = body_country(payload.country)
    check_keeper(request.auth, country)
    check_reviewed_by_staff(request.auth, payload.reviewed)
    article = profile_article(payload.article)
    found = {law.pk: law for law in Law.objects.filter(pk__in=payload.laws)}
    missing = [pk for pk in payload.laws if pk not in found]
    if missing:
        raise form_errors({"laws": [_("No law with the id %(id)s.") % {"id": missing[0]}]})
    assessment = services.record_assessment(
        country,
        article,
        level=payload.level,
        source=payload.source,
        assessed_on=payload.assessed_on,
        user=request.auth,
        reviewed=payload.reviewed,
        provisions=payload.provisions,
        note=payload.note,
        citation=payload.citation,
        laws=list(found.values()),
    )
    return Reply(201, assessments(request.auth).get(pk=assessment.pk))


@router.post(
    "/legislation/assessments/{assessment_id}/review",
    response=AssessmentOut,
    auth=allowed(REVIEW, NOT_A_REVIEWER, token_only=True),
    summary="Accept or reject a draft statement",
    description="Staff only. Send the `version` you read; if the statement changed since, 409.",
    openapi_extra=CONFLICT,
)
def review_assessment(request, assessment_id: Path[Id], payload: ReviewIn):
    assessment = get_object_or_404(Assessment, pk=assessment_id)
    services.review_assessment(assessment, accept=payload.accept, user=request.auth, version=payload.version)
    return assessments(request.auth).get(pk=assessment.pk)


# --- laws ----------------------------------------------------------------------------------------------------------


def _law_for(user, law_id: int) -> Law:
    """A law the user may read: a draft or rejected one of a country they do not keep is a 404."""
    return get_object_or_404(visible(user, laws()), pk=law_id)


@router.get(
    "/legislation/laws",
    response=list[LawOut],
    auth=allowed(VIEW, NO_WORKSPACE),
    summary="National laws of the legislation profiles",
    description="Drafts and rejected laws only of the countries you keep.",
)
@paginate(Pagination, page_size=100)
def list_laws(request, country: ISO2 | None = None, state: ReviewState | None = None):
    rows = visible(request.auth, laws())
    if country:
        rows = rows.filter(country__iso2=country.upper())
    if state:
        rows = rows.filter(state=state)
    return rows


@router.post(
    "/legislation/laws",
    response={201: LawOut},
    auth=allowed(EDIT, per_object=True, token_only=True),
    summary="Record a national law",
    description="A focal point's law (its own country) is a draft until staff review it; staff may send "
    "`reviewed: true`. A title the country already has is refused (422).",
)
def add_law(request, payload: LawIn):
    country = body_country(payload.country)
    check_keeper(request.auth, country)
    check_reviewed_by_staff(request.auth, payload.reviewed)
    law = services.record_law(
        country, title=payload.title, user=request.auth, year=payload.year, url=payload.url, reviewed=payload.reviewed
    )
    return Reply(201, laws().get(pk=law.pk))


@router.put(
    "/legislation/laws/{law_id}",
    response=LawOut,
    auth=allowed(EDIT, per_object=True, token_only=True),
    summary="Correct a national law",
    description="Title, year and link, with the `version` you read; if someone changed it since, 409.",
)
def change_law(request, law_id: Path[Id], payload: LawChangeIn):
    law = _law_for(request.auth, law_id)
    check_keeper(request.auth, law.country)
    services.update_law(
        law, user=request.auth, version=payload.version, title=payload.title, year=payload.year, url=payload.url
    )
    return laws().get(pk=law.pk)


@router.post(
    "/legislation/laws/{law_id}/review",
    response=LawOut,
    auth=allowed(REVIEW, NOT_A_REVIEWER, token_only=True),
    summary="Accept or reject a draft law",
    description="Staff only. Send the `version` you read; if the law changed since, 409.",
    openapi_extra=CONFLICT,
)
def review_law(request, law_id: Path[Id], payload: ReviewIn):
    law = get_object_or_404(Law, pk=law_id)
    services.review_law(law, accept=payload.accept, user=request.auth, version=payload.version)
    return laws().get(pk=law.pk)
