"""Country statistics over the JSON API: reading the yearly figures and recording them from a published source.

Reading needs `legislation.view_workspace` (a bearer token or the workspace session); a focal point reads its own
country's figures only. Recording needs a bearer token of staff (`legislation.record_statistics`): figures from a
published source, with its citation — focal points report theirs through the yearly questionnaire. The one write
path is `services.statistics.record_figures`: a year's figures are checked together (no negative figure, no year in
the future, no more requests executed than received, counting those recorded) and written together or not at all.
"""

import datetime
from typing import Annotated

from django.utils.translation import gettext_lazy
from ninja import Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate
from pydantic import Field

from octopus.accounts.api import CONFLICT, Pagination, Version, allowed
from octopus.legislation.api.advice import visible
from octopus.legislation.api.profiles import ISO2, Year, body_country
from octopus.legislation.models import Figure, Statistic, StatisticSource
from octopus.legislation.services import statistics as services
from octopus.results.api import IsSample

router = Router(tags=["legislation"])

VIEW = "legislation.view_workspace"
RECORD = "legislation.record_statistics"

# Within what the database holds; a negative value reaches the service, which says why it is refused.
Value = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]


class StatisticOut(Schema):
    id: int
    country: str = Field(validation_alias="country.iso2")
    year: int
    figure: Figure
    value: int
    source: StatisticSource
    citation: str
    response: int | None = Field(validation_alias="response_id", description="Id of the questionnaire response.")
    recorded_at: datetime.datetime
    is_sample: IsSample
    version: int


class FiguresIn(Schema):
    country: ISO2
    year: Year
    figures: dict[Figure, Value] = Field(min_length=1, description="Figure → value for the year.")
    citation: Annotated[str, Field(max_length=500, pattern=r"^[^\x00]*$")] = Field(
        description="The published source of the figures."
    )
    versions: dict[Figure, Version] | None = Field(
        default=None,
        description="Figure → the version you read, for each figure already recorded that you correct: a figure "
        "recorded but not listed here, or changed since, is a 409 and nothing is saved.",
    )


# Who may use each route: each declares it with `allowed`; these are the 403s' messages.
NO_STATISTICS = gettext_lazy("Your role does not give access to country statistics.")
NOT_RECORDING = gettext_lazy("Your role does not allow recording country statistics.")


@router.get(
    "/legislation/statistics",
    response=list[StatisticOut],
    auth=allowed(VIEW, NO_STATISTICS),
    summary="Yearly figures of countries",
    description="A focal point reads its own country's figures only.",
)
@paginate(Pagination, page_size=100)
def list_statistics(request, country: ISO2 | None = None, year: Year | None = None, figure: Figure | None = None):
    rows = visible(request.auth, Statistic.objects.select_related("country"))
    if country:
        rows = rows.filter(country__iso2=country.upper())
    if year:
        rows = rows.filter(year=year)
    if figure:
        rows = rows.filter(figure=figure)
    return rows


@router.post(
    "/legislation/statistics",
    response={201: list[StatisticOut]},
    auth=allowed(RECORD, NOT_RECORDING, token_only=True),
    summary="Record or correct a country's figures of a year from a published source",
    description="Figures already recorded for the year are corrected in place: send the `versions` you read of "
    "them (a recorded figure without its current version is a 409: it is never overwritten unseen). A negative "
    "figure, a year in the future or more requests executed than received is refused (422) and nothing is saved. "
    "Answers with the figures sent, as recorded.",
    openapi_extra=CONFLICT,
)
def record(request, payload: FiguresIn):
    country = body_country(payload.country)
    written = services.record_figures(
        country,
        payload.year,
        {figure.value: value for figure, value in payload.figures.items()},
        source=StatisticSource.PUBLISHED,
        user=request.auth,
        citation=payload.citation,
        versions={figure.value: version for figure, version in (payload.versions or {}).items()},
    )
    return Reply(201, list(Statistic.objects.select_related("country").filter(pk__in=[row.pk for row in written])))
