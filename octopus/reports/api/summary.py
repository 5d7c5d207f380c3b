"""The public project summary of a programme over the JSON API: `GET /api/v1/programmes/{code}/summary`.

The same summary as the page (`octopus.reports.summary.project_summary`), open to anyone for a public programme; a
programme not public is a 404 problem, except to a caller who may read it in the workspace (bearer token or
session), who gets it with `public: false`. Amounts are exact strings ("3500000.00"), never JSON numbers."""

import datetime

from django.utils import timezone
from ninja import Path, Router, Schema

from octopus.accounts.api import PUBLIC, viewer
from octopus.lib.dates import IsoDate
from octopus.reports.access import published_programme
from octopus.reports.summary import project_summary
from octopus.results.api import ProgrammeCode

router = Router(tags=["reports"])


def _text(value) -> str | None:
    return None if value is None else str(value)


class PlaceOut(Schema):
    iso2: str
    name: str
    region: str


class ResultOut(Schema):
    code: str
    title: str
    level: str
    value: str | None
    target: str | None
    comparator: str | None
    unit: str
    status: str

    @staticmethod
    def resolve_value(row) -> str | None:
        return _text(row.value)

    @staticmethod
    def resolve_target(row) -> str | None:
        return _text(row.target)


class SummaryOut(Schema):
    code: str
    at: datetime.date
    title: str
    aim: str
    language: str
    starts_on: datetime.date
    ends_on: datetime.date
    budget: str
    currency: str
    funding: str
    funders: list[str]
    implementers: list[str]
    topics: list[str]
    dac_sectors: list[str]
    countries_assisted: list[PlaceOut]
    countries_participating: list[PlaceOut]
    beneficiary_countries: list[PlaceOut]
    regions: list[str]
    results: list[ResultOut]
    public: bool
    is_sample: bool

    @staticmethod
    def resolve_budget(summary) -> str:
        return str(summary.budget)


@router.get(
    "/programmes/{code}/summary",
    response=SummaryOut,
    auth=PUBLIC,
    summary="A programme's public project summary",
    description="Aim, dates, budget ceiling, funders, implementers, beneficiary countries and regions, topics and "
    "each objective and output indicator to date (value, life-of-programme target, unit, status), computed from "
    "the records on `at` (today by default), as registries such as the GFCE's Cybil portal publish them. Title and "
    "aim are in French when the request asks for French and the publication holds them (`language` says which). "
    "Anyone may read a public programme's; one not public is a 404 except to a reader of the programme.",
)
def get_summary(request, code: Path[ProgrammeCode], at: IsoDate | None = None):
    programme = published_programme(viewer(request), code)
    return project_summary(programme, at=at or timezone.localdate())
