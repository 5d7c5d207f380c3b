"""Budgets, closed years and expenditure over the JSON API.

Reading needs `funding.view_position` (staff and the finance officer, a bearer token or the workspace session);
writing needs a bearer token of the finance officer (`funding.manage_money`). Writes go through the services: a
refused one is a 422 problem with their message (expenditure in a closed year, no rate for the day), a stale
`version` a 409. Amounts are JSON strings with two decimals ("1234.50"), never numbers.
"""

from decimal import Decimal
from typing import Annotated

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate
from pydantic import Field

from octopus.accounts.api import Id, Line, Pagination, Version, allowed, form_errors
from octopus.events.models import Event
from octopus.funding.api.contributions import (
    MANAGE,
    NO_FUNDING,
    ONLY_FINANCE,
    POSITION,
    AmountIn,
    AmountOut,
    Code,
    Currency,
    EurOut,
    amount,
    body_node,
    body_programme,
)
from octopus.funding.models import (
    Budget,
    BudgetKind,
    BudgetLine,
    ClosedYear,
    CostCategory,
    Expenditure,
    ExpenditureStatus,
)
from octopus.funding.services import budget as services
from octopus.legislation.models import Advice
from octopus.lib.dates import IsoDate
from octopus.results.api import IsSample

router = Router(tags=["funding"])

Year = Annotated[int, Field(ge=1990, le=2100)]


# --- schemas -------------------------------------------------------------------------------------------------------


class FundingBudgetLineOut(Schema):
    node: str = Field(validation_alias="node.code", description="Code of the output.")
    category: CostCategory
    year: int
    amount_eur: EurOut


class FundingBudgetOut(Schema):
    id: int
    programme: str = Field(validation_alias="programme.code")
    number: int = Field(description="1: the original; 2, 3…: revisions.")
    kind: BudgetKind
    adopted_on: IsoDate
    decision: str
    is_sample: IsSample
    total_eur: EurOut = Field(description="Σ of the lines (string).")
    lines: list[FundingBudgetLineOut]

    @staticmethod
    def resolve_total_eur(budget):
        return sum((line.amount_eur for line in budget.lines.all()), Decimal("0"))

    @staticmethod
    def resolve_lines(budget) -> list:
        return list(budget.lines.all())


class FundingBudgetLineIn(Schema):
    node: Code = Field(description="Code of an output of the programme, e.g. 3.")
    category: CostCategory
    year: Year
    amount_eur: AmountIn


class FundingBudgetIn(Schema):
    programme: Code
    adopted_on: IsoDate
    decision: Line = ""
    is_sample: bool = False
    lines: list[FundingBudgetLineIn] = Field(min_length=1, max_length=2000)


class FundingClosedYearIn(Schema):
    programme: Code
    year: Year


class FundingClosedYearOut(Schema):
    id: int
    programme: str = Field(validation_alias="programme.code")
    year: int
    closed_on: IsoDate
    is_sample: IsSample = Field(validation_alias="programme.is_sample")


class FundingExpenditureOut(Schema):
    id: int
    programme: str = Field(validation_alias="programme.code")
    node: str = Field(validation_alias="node.code", description="Code of the output.")
    category: CostCategory
    status: ExpenditureStatus
    spent_on: IsoDate
    description: str
    currency: str
    amount: AmountOut
    eur: EurOut
    event: int | None = Field(validation_alias="event_id")
    advice: int | None = Field(validation_alias="advice_id")
    brought_in_from: str | None = Field(description="travel, translation or interpretation when brought in.")
    is_sample: IsSample
    version: int

    @staticmethod
    def resolve_brought_in_from(expenditure) -> str | None:
        for source in ("travel", "translation", "interpretation"):
            if getattr(expenditure, f"source_{source}_id"):
                return source
        return None


class FundingExpenditureIn(Schema):
    programme: Code
    node: Code = Field(description="Code of the output.")
    category: CostCategory
    status: ExpenditureStatus
    spent_on: IsoDate
    description: Line
    currency: Currency
    amount: AmountIn
    event: Id | None = None
    advice: Id | None = Field(default=None, description="Id of an advice mission.")
    is_sample: bool = False


class FundingExpenditureChangeIn(FundingExpenditureIn):
    version: Version


# --- helpers -------------------------------------------------------------------------------------------------------


def _one(model, pk, field: str, what: str):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise form_errors({field: [_("No %(what)s with the id %(id)s.") % {"what": what, "id": pk}]})
    return found


def budget_rows():
    return Budget.objects.select_related("programme").prefetch_related(
        Prefetch("lines", BudgetLine.objects.select_related("node"))
    )


def expenditure_rows():
    return Expenditure.objects.select_related("programme", "node")


def _expenditure_fields(payload: FundingExpenditureIn):
    programme = body_programme(payload.programme)
    return programme, {
        "node": body_node(programme, payload.node),
        "category": payload.category,
        "status": payload.status,
        "spent_on": payload.spent_on,
        "description": payload.description,
        "currency": payload.currency,
        "amount": amount(payload.amount),
        "event": _one(Event, payload.event, "event", _("event")),
        "advice": _one(Advice, payload.advice, "advice", _("advice mission")),
    }


# --- budgets -------------------------------------------------------------------------------------------------------


@router.get(
    "/funding/budgets",
    response=list[FundingBudgetOut],
    auth=allowed(POSITION, NO_FUNDING),
    summary="A programme's budgets: the original and each revision, by output, cost category and year",
)
def list_funding_budgets(request, programme: Code):
    return list(budget_rows().filter(programme__code=programme))


@router.post(
    "/funding/budgets",
    response={201: FundingBudgetOut},
    auth=allowed(MANAGE, ONLY_FINANCE, token_only=True),
    summary="Adopt a budget (finance officer)",
    description="The first is the original, later ones revisions. `lines`: output code, cost category, year and "
    "EUR amount (a string).",
)
def add_funding_budget(request, payload: FundingBudgetIn):
    programme = body_programme(payload.programme)
    lines = [
        (body_node(programme, line.node, f"lines.{i}.node"), line.category, line.year, amount(line.amount_eur))
        for i, line in enumerate(payload.lines)
    ]
    budget = services.adopt_budget(
        programme,
        adopted_on=payload.adopted_on,
        lines=lines,
        decision=payload.decision,
        is_sample=payload.is_sample,
        user=request.auth,
    )
    return Reply(201, budget_rows().get(pk=budget.pk))


@router.post(
    "/funding/closed-years",
    response={201: FundingClosedYearOut},
    auth=allowed(MANAGE, ONLY_FINANCE, token_only=True),
    summary="Close a financial year (finance officer)",
    description="No expenditure may be recorded in it afterwards.",
)
def close_funding_year(request, payload: FundingClosedYearIn):
    closed = services.close_year(body_programme(payload.programme), payload.year, user=request.auth)
    return Reply(201, ClosedYear.objects.select_related("programme").get(pk=closed.pk))


# --- expenditure ---------------------------------------------------------------------------------------------------


@router.get(
    "/funding/expenditure",
    response=list[FundingExpenditureOut],
    auth=allowed(POSITION, NO_FUNDING),
    summary="Expenditure, committed and spent",
    description="Latest first; amounts in their currency and EUR, as strings.",
)
@paginate(Pagination, page_size=100)
def list_funding_expenditure(
    request, programme: Code | None = None, status: ExpenditureStatus | None = None, year: Year | None = None
):
    rows = expenditure_rows()
    if programme:
        rows = rows.filter(programme__code=programme)
    if status:
        rows = rows.filter(status=status)
    if year:
        rows = rows.filter(spent_on__year=year)
    return rows


@router.post(
    "/funding/expenditure",
    response={201: FundingExpenditureOut},
    auth=allowed(MANAGE, ONLY_FINANCE, token_only=True),
    summary="Record expenditure (finance officer)",
    description="Against a budget line (output × cost category × the year of its day); refused in a closed year.",
)
def add_funding_expenditure(request, payload: FundingExpenditureIn):
    programme, fields = _expenditure_fields(payload)
    expenditure = services.record_expenditure(programme, is_sample=payload.is_sample, user=request.auth, **fields)
    return Reply(201, expenditure_rows().get(pk=expenditure.pk))


@router.put(
    "/funding/expenditure/{expenditure_id}",
    response=FundingExpenditureOut,
    auth=allowed(MANAGE, ONLY_FINANCE, token_only=True),
    summary="Correct expenditure (finance officer)",
    description="Send every field again with the `version` you read; if someone changed it since, 409.",
)
def change_funding_expenditure(request, expenditure_id: Path[Id], payload: FundingExpenditureChangeIn):
    expenditure = get_object_or_404(Expenditure, pk=expenditure_id)
    programme, fields = _expenditure_fields(payload)
    if programme.pk != expenditure.programme_id:
        raise form_errors({"programme": [_("Expenditure stays with its programme.")]})
    services.update_expenditure(expenditure, user=request.auth, version=payload.version, **fields)
    return expenditure_rows().get(pk=expenditure.pk)
