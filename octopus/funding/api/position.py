"""The funding position over the JSON API: budget ceiling, pledged, signed, received, spent, committed, available,
the funding gap, burn rate and when money runs out, as at a day, by donor, output, year and cost category, and the
cost per output unit (`octopus.funding.queries`, the same figures as the dashboard). A figure that needs more data to
mean anything is null, with what is missing in `missing` (the same text as the page and the exports).

Staff and the finance officer only (`funding.view_position`): a donor is refused (403), since the position sums
every donor's money. Amounts are EUR as JSON strings with two decimals ("1234.50"), never numbers.
"""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from octopus.accounts.api import NOT_FOUND, allowed
from octopus.funding.api.contributions import NO_FUNDING, POSITION, Code, EurOut
from octopus.funding.queries import cost_per_unit, funding_position
from octopus.lib.dates import IsoDate
from octopus.results.models import Programme

router = Router(tags=["funding"])


class FundingPositionDonorOut(Schema):
    code: str
    name: str
    pledged: EurOut
    signed: EurOut
    received: EurOut
    earmarked: EurOut


class FundingPositionOutputOut(Schema):
    code: str
    title: str
    budget: EurOut
    spent: EurOut
    committed: EurOut


class FundingPositionYearOut(Schema):
    year: int
    budget: EurOut
    received: EurOut
    spent: EurOut
    committed: EurOut


class FundingPositionCategoryOut(Schema):
    category: str
    label: str
    budget: EurOut
    spent: EurOut
    committed: EurOut

    @staticmethod
    def resolve_label(row) -> str:
        return str(row.label)


class UnitCostOut(Schema):
    key: str = Field(description="workshop, participant or country.")
    label: str
    spent: EurOut = Field(description="EUR spent on these units, from the programme's start (EUR string).")
    units: int = Field(description="Units this programme recorded (its own records only).")
    unit_label: str
    per_unit: EurOut | None = Field(description="EUR per unit (EUR string); null when `missing` says what lacks.")
    missing: str | None = Field(description="What is missing for a cost per unit to mean anything; null if nothing.")

    @staticmethod
    def resolve_label(row) -> str:
        return str(row.label)

    @staticmethod
    def resolve_unit_label(row) -> str:
        return str(row.unit_label)

    @staticmethod
    def resolve_missing(row) -> str | None:
        return row.missing or None


class FundingPositionOut(Schema):
    programme: str = Field(validation_alias="programme.code")
    at: IsoDate = Field(description="Only rows dated on or before this day count.")
    budget: int | None = Field(description="Number of the budget in force (1: original; 2…: revisions).")
    ceiling: EurOut | None = Field(description="The programme's budget ceiling (EUR string).")
    budget_total: EurOut | None
    pledged: EurOut
    signed: EurOut
    received: EurOut
    earmarked: EurOut
    spent: EurOut | None
    committed: EurOut | None
    available: EurOut | None = Field(description="Received − spent − committed (EUR string).")
    gap: EurOut | None = Field(description="Ceiling − signed, not below 0 (EUR string).")
    spent_last_12_months: EurOut | None
    burn_rate: EurOut | None = Field(description="Spent in the last 12 months / 12, per month (EUR string).")
    runs_out: IsoDate | None = Field(
        description="The month money runs out at that rate; null when `missing.runs_out` says what lacks."
    )
    missing: dict[str, str] = Field(
        description="For a figure left null because it needs more data (burn_rate, runs_out): what is missing, e.g. "
        '"no expenditure recorded yet". The page and the exports show the same text.'
    )
    currency: str = Field("EUR", description="The currency of every amount: EUR.")
    unit_costs: list[UnitCostOut] = Field(
        description="Cost per workshop, per participant trained and per country advised, from this programme's own "
        "records; empty in a donor's view."
    )
    donors: list[FundingPositionDonorOut]
    outputs: list[FundingPositionOutputOut]
    years: list[FundingPositionYearOut]
    categories: list[FundingPositionCategoryOut]
    sample_rows: int = Field(description="Rows flagged as sample data behind these figures: not real amounts.")
    sample: bool = Field(
        description="True when these figures are sample data, invented for trying Octopus, not real: the programme "
        "is a sample programme, or a row behind them is flagged as sample data (`sample_rows` above 0)."
    )

    @staticmethod
    def resolve_sample(position) -> bool:
        return position.programme.is_sample or position.sample_rows > 0

    @staticmethod
    def resolve_budget(position) -> int | None:
        return position.budget.number if position.budget is not None else None


@router.get(
    "/funding/position",
    response=FundingPositionOut,
    auth=allowed(POSITION, NO_FUNDING),
    summary="A programme's funding position as at a day",
    description="Budget ceiling, pledged, signed, received, spent, committed, available, the funding gap, burn rate "
    "and the month money runs out, by donor, output, year and cost category. Only rows dated on or before `at` "
    '(today by default) count. Every amount is an exact EUR string such as "1234.50", never a JSON number. Staff '
    "and the finance officer only. An unknown programme code is a 404.",
    openapi_extra=NOT_FOUND,
)
def get_funding_position(request, programme: Code, at: IsoDate | None = None):
    found = Programme.objects.filter(code=programme).first()
    if found is None:
        raise Http404(_("No programme with the code “%(code)s”.") % {"code": programme})
    position = funding_position(found, at or timezone.localdate())
    position.unit_costs = [] if position.is_empty else cost_per_unit(found, position.at)
    return position
