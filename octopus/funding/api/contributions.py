"""Donors, contributions (pledge → agreement → receipts), earmarks, reporting obligations and exchange rates over
the JSON API.

Reading needs `funding.view_contributions` (a bearer token or the workspace session): staff and the finance officer
read every contribution, a donor its own only (another donor's is a 404 to it, as if it did not exist). Writing
needs a bearer token of the finance officer (`funding.manage_money`). Every write goes through the services, so the
API keeps the pages' rules and audit: a refused one is a 422 problem with the service's message (a receipt above
the amount signed without a reason, earmarks above the contribution, no rate for the day), a stale `version` a 409.

Amounts are exact: JSON strings with two decimals ("1234.50") beside their currency, never JSON numbers (a float
cannot hold every amount in cents). Rates are strings too (units of the currency per 1 EUR, up to 8 decimals).
"""

from decimal import Decimal
from typing import Annotated

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Path, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate
from pydantic import BeforeValidator, Field

from octopus.accounts.api import CONFLICT, Id, Line, Pagination, Text, Version, allowed, form_errors
from octopus.countries.api import body_country
from octopus.events.models import Event
from octopus.funding.models import (
    Contribution,
    ContributionStatus,
    Donor,
    DonorKind,
    Earmark,
    ExchangeRate,
    ObligationKind,
    Receipt,
    ReportingObligation,
)
from octopus.funding.permissions import donor_codes, visible_contributions
from octopus.funding.services import contributions as services
from octopus.funding.services import rates as rate_services
from octopus.lib.dates import IsoDate
from octopus.results.api import IsSample
from octopus.results.models import Programme, ResultNode

router = Router(tags=["funding"])

VIEW = "funding.view_contributions"
POSITION = "funding.view_position"
MANAGE = "funding.manage_money"

# --- exact amounts -------------------------------------------------------------------------------------------------

AMOUNT_NOTE = 'An exact amount as a JSON string with up to two decimals, e.g. "1234.50" — never a JSON number.'


def _text(value):
    """A stored Decimal as the string the API gives ("1234.50"); None stays None."""
    if value is None or isinstance(value, str):
        return value
    return f"{Decimal(value):.2f}"


def _rate_text(value):
    return value if value is None or isinstance(value, str) else str(Decimal(value).normalize())


AmountIn = Annotated[str, Field(pattern=r"^[0-9]{1,12}(\.[0-9]{1,2})?$", description=AMOUNT_NOTE)]
AmountOut = Annotated[str, BeforeValidator(_text), Field(description='Exact amount as a string, e.g. "1234.50".')]
EurOut = Annotated[str, BeforeValidator(_text), Field(description='Exact EUR value as a string, e.g. "1234.50".')]
RateIn = Annotated[
    str,
    Field(
        pattern=r"^[0-9]{1,10}(\.[0-9]{1,8})?$",
        description='Units of the currency per 1 EUR (ECB style) as a string, e.g. "1.0856" — never a number.',
    ),
]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR, USD, GBP.")]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[^\x00]*$")]


def amount(value: str) -> Decimal:
    return Decimal(value)


# --- schemas -------------------------------------------------------------------------------------------------------


class FundingDonorOut(Schema):
    id: int
    code: str = Field(description="The donor code a donor user's role carries.")
    name: str
    kind: DonorKind
    country: str | None = Field(description="ISO alpha-2 of the donor State, if any.")
    is_sample: IsSample
    version: int

    @staticmethod
    def resolve_country(donor) -> str | None:
        return donor.country.iso2 if donor.country_id else None


class FundingDonorIn(Schema):
    code: Annotated[str, Field(pattern=r"^[-a-zA-Z0-9_]{1,32}$")]
    name: Line
    kind: DonorKind
    country: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")] | None = None
    is_sample: bool = False


class ContributionReceiptOut(Schema):
    id: int
    received_on: IsoDate
    amount: AmountOut
    currency: str = Field(validation_alias="contribution.currency")
    eur: EurOut
    rate: str | None = Field(description="Units of the currency per 1 EUR used (None for EUR).")
    override_reason: str
    note: str
    is_sample: IsSample

    @staticmethod
    def resolve_rate(receipt) -> str | None:
        return _rate_text(receipt.rate.units_per_eur) if receipt.rate_id else None


class ContributionEarmarkOut(Schema):
    id: int
    amount: AmountOut
    currency: str = Field(validation_alias="contribution.currency")
    node: str | None = Field(description="Code of the output or activity financed.")
    country: str | None = Field(description="ISO alpha-2 of the country financed.")
    event: int | None = Field(validation_alias="event_id", description="Id of the event financed.")
    note: str
    is_sample: IsSample = Field(validation_alias="contribution.is_sample")

    @staticmethod
    def resolve_node(earmark) -> str | None:
        return earmark.node.code if earmark.node_id else None

    @staticmethod
    def resolve_country(earmark) -> str | None:
        return earmark.country.iso2 if earmark.country_id else None


class ContributionObligationOut(Schema):
    id: int
    kind: ObligationKind
    due_on: IsoDate
    description: str
    submitted_on: IsoDate | None
    is_sample: IsSample = Field(validation_alias="contribution.is_sample")
    version: int


class ContributionOut(Schema):
    id: int
    programme: str = Field(validation_alias="programme.code")
    donor: str = Field(validation_alias="donor.code", description="The donor's code.")
    donor_name: str = Field(validation_alias="donor.name")
    reference: str
    title: str
    currency: str
    status: ContributionStatus
    pledged_on: IsoDate
    pledged_amount: AmountOut
    pledged_eur: EurOut
    signed_on: IsoDate | None
    signed_amount: AmountOut | None
    signed_eur: EurOut | None
    received_amount: AmountOut = Field(description="Σ of the receipts, in the contribution's currency (string).")
    received_eur: EurOut = Field(description="Σ of the receipts' EUR values (string).")
    conditions: str
    is_sample: IsSample
    receipts: list[ContributionReceiptOut]
    earmarks: list[ContributionEarmarkOut]
    obligations: list[ContributionObligationOut]
    version: int

    @staticmethod
    def resolve_received_amount(contribution) -> Decimal:
        return sum((r.amount for r in contribution.receipts.all()), Decimal("0"))

    @staticmethod
    def resolve_received_eur(contribution) -> Decimal:
        return sum((r.eur for r in contribution.receipts.all()), Decimal("0"))

    @staticmethod
    def resolve_receipts(contribution) -> list:
        return list(contribution.receipts.all())

    @staticmethod
    def resolve_earmarks(contribution) -> list:
        return list(contribution.earmarks.all())

    @staticmethod
    def resolve_obligations(contribution) -> list:
        return list(contribution.obligations.all())


class ContributionIn(Schema):
    programme: Code = Field(description="The programme's code, e.g. cybercrime-octopus.")
    donor: Code = Field(description="The donor's code.")
    title: Line
    currency: Currency
    amount: AmountIn
    pledged_on: IsoDate
    reference: Annotated[str, Field(max_length=60, pattern=r"^[^\x00]*$")] = ""
    conditions: Text = ""
    is_sample: bool = False


class ContributionAgreementIn(Schema):
    signed_on: IsoDate
    amount: AmountIn
    version: Version
    reference: Annotated[str, Field(max_length=60, pattern=r"^[^\x00]*$")] | None = None
    conditions: Text | None = None


class ContributionReceiptIn(Schema):
    received_on: IsoDate = Field(description="The value date: the EUR value uses the rate of that day.")
    amount: AmountIn
    override_reason: Text = Field(
        default="", description="Required when the receipts would exceed the amount signed (else 422)."
    )
    note: Line = ""
    is_sample: bool = False


class ContributionEarmarkIn(Schema):
    amount: AmountIn
    node: Code | None = Field(default=None, description="Code of an output or activity of the programme, e.g. A3.1.")
    country: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")] | None = None
    event: Id | None = Field(default=None, description="Id of an event.")
    note: Line = ""


class ContributionObligationIn(Schema):
    kind: ObligationKind
    due_on: IsoDate
    description: Line = ""


class FundingRateOut(Schema):
    id: int
    currency: str
    day: IsoDate
    units_per_eur: str = Field(description="Units of the currency per 1 EUR, as a string.")
    source: str
    is_sample: IsSample

    @staticmethod
    def resolve_units_per_eur(rate) -> str:
        return _rate_text(rate.units_per_eur)


class FundingRateIn(Schema):
    currency: Currency
    day: IsoDate
    units_per_eur: RateIn
    source: Line = Field(description="Where the rate comes from, e.g. ECB euro foreign exchange reference rates.")
    is_sample: bool = False


# Who may use each route (here, in budget.py and position.py): each declares it with `allowed`, reading with VIEW
# or POSITION, recording money with MANAGE; these are the 403s' messages.
NO_FUNDING = gettext_lazy("Your role does not give access to funding.")
ONLY_FINANCE = gettext_lazy("Only the finance officer records money.")


# --- helpers (budget.py and position.py use them too) ----------------------------------------------------------------


def body_programme(code: str, field: str = "programme") -> Programme:
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        raise form_errors({field: [_("No programme with the code “%(code)s”.") % {"code": code}]})
    return programme


def body_node(programme: Programme, code: str | None, field: str = "node") -> ResultNode | None:
    if code is None:
        return None
    node = ResultNode.objects.filter(programme=programme, code=code).first()
    if node is None:
        raise form_errors({field: [_("No box with the code “%(code)s” in this programme.") % {"code": code}]})
    return node


def contribution_rows():
    return Contribution.objects.select_related("programme", "donor").prefetch_related(
        Prefetch("receipts", Receipt.objects.select_related("rate", "contribution")),
        Prefetch("earmarks", Earmark.objects.select_related("node", "country", "contribution")),
        "obligations",
    )


def visible_contribution(user, pk: int) -> Contribution:
    """The contribution if the user may read it; 404 otherwise (a donor learns nothing of another's)."""
    return get_object_or_404(visible_contributions(user, contribution_rows()), pk=pk)


# --- donors --------------------------------------------------------------------------------------------------------


@router.get(
    "/funding/donors",
    response=list[FundingDonorOut],
    auth=allowed(VIEW, NO_FUNDING),
    summary="Donors",
    description="Every donor for staff and the finance officer; a donor reads only itself.",
)
@paginate(Pagination, page_size=100)
def list_funding_donors(request):
    rows = Donor.objects.select_related("country")
    if not request.auth.has_perm(POSITION):
        rows = rows.filter(code__in=donor_codes(request.auth))
    return rows


@router.post(
    "/funding/donors",
    response={201: FundingDonorOut},
    auth=allowed(MANAGE, ONLY_FINANCE, token_only=True),
    summary="Record a donor (finance officer)",
    description="A State, an international organisation or a company; its code is the donor code of its users.",
)
def add_funding_donor(request, payload: FundingDonorIn):
    donor = services.record_donor(
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        country=body_country(payload.country),
        is_sample=payload.is_sample,
        user=request.auth,
    )
    return Reply(201, Donor.objects.select_related("country").get(pk=donor.pk))


# --- contributions -------------------------------------------------------------------------------------------------


@router.get(
    "/funding/contributions",
    response=list[ContributionOut],
    auth=allowed(VIEW, NO_FUNDING),
    summary="Contributions, with their receipts, earmarks and reporting obligations",
    description="Latest pledge first. A donor reads its own contributions only. Amounts are strings (exact).",
)
@paginate(Pagination, page_size=100)
def list_contributions(
    request, programme: Code | None = None, donor: Code | None = None, status: ContributionStatus | None = None
):
    rows = visible_contributions(request.auth, contribution_rows())
    if programme:
        rows = rows.filter(programme__code=programme)
    if donor:
        rows = rows.filter(donor__code=donor)
    if status:
        rows = rows.filter(status=status)
    return rows


@router.get(
    "/funding/contributions/{contribution_id}",
    response=ContributionOut,
    auth=allowed(VIEW, NO_FUNDING),
    summary="One contribution",
    description="Another donor's contribution is a 404 to a donor.",
)
def get_contribution(request, contribution_id: Path[Id]):
    return visible_contribution(request.auth, contribution_id)


@router.post(
    "/funding/contributions",
    response={201: ContributionOut},
    auth=allowed(MANAGE, ONLY_FINANCE, token_only=True),
    summary="Record a pledge (finance officer)",
    description="In its own currency; the EUR value uses the stored rate of the pledge day (422 when none).",
)
def add_contribution(request, payload: ContributionIn):
    programme = body_programme(payload.programme)
    donor = Donor.objects.filter(code=payload.donor).first()
    if donor is None:
        raise form_errors({"donor": [_("No donor with the code “%(code)s”.") % {"code": payload.donor}]})
    contribution = services.pledge_contribution(
        programme,
        donor,
        title=payload.title,
        currency=payload.currency,
        amount=amount(payload.amount),
        pledged_on=payload.pledged_on,
        reference=payload.reference,
        conditions=payload.conditions,
        is_sample=payload.is_sample,
        user=request.auth,
    )
    return Reply(201, contribution_rows().get(pk=contribution.pk))


@router.post(
    "/funding/contributions/{contribution_id}/agreement",
    response=ContributionOut,
    auth=allowed(MANAGE, ONLY_FINANCE, token_only=True),
    summary="Record the signed agreement (finance officer)",
    description="The amount that binds, on the day signed. Send the `version` you read; if it changed since, 409.",
    openapi_extra=CONFLICT,
)
def sign_contribution(request, contribution_id: Path[Id], payload: ContributionAgreementIn):
    contribution = get_object_or_404(Contribution, pk=contribution_id)
    services.sign_agreement(
        contribution,
        signed_on=payload.signed_on,
        amount=amount(payload.amount),
        version=payload.version,
        reference=payload.reference,
        conditions=payload.conditions,
        user=request.auth,
    )
    return contribution_rows().get(pk=contribution.pk)


@router.post(
    "/funding/contributions/{contribution_id}/receipts",
    response={201: ContributionReceiptOut},
    auth=allowed(MANAGE, ONLY_FINANCE, token_only=True),
    summary="Record an instalment received (finance officer)",
    description="In the contribution's currency, valued in EUR at the value date. Receipts above the amount signed "
    "are refused (422) unless `override_reason` says why.",
)
def add_contribution_receipt(request, contribution_id: Path[Id], payload: ContributionReceiptIn):
    contribution = get_object_or_404(Contribution, pk=contribution_id)
    receipt = services.record_receipt(
        contribution,
        received_on=payload.received_on,
        amount=amount(payload.amount),
        override_reason=payload.override_reason,
        note=payload.note,
        is_sample=payload.is_sample,
        user=request.auth,
    )
    return Reply(201, Receipt.objects.select_related("rate", "contribution").get(pk=receipt.pk))


@router.post(
    "/funding/contributions/{contribution_id}/earmarks",
    response={201: ContributionEarmarkOut},
    auth=allowed(MANAGE, ONLY_FINANCE, token_only=True),
    summary="Earmark part of a contribution (finance officer)",
    description="For an output or activity (its code), a country or an event; all earmarks together never exceed "
    "what the donor is bound to (422).",
)
def add_contribution_earmark(request, contribution_id: Path[Id], payload: ContributionEarmarkIn):
    contribution = get_object_or_404(Contribution.objects.select_related("programme"), pk=contribution_id)
    event = None
    if payload.event is not None:
        event = Event.objects.filter(pk=payload.event).first()
        if event is None:
            raise form_errors({"event": [_("No event with the id %(id)s.") % {"id": payload.event}]})
    earmark = services.add_earmark(
        contribution,
        amount=amount(payload.amount),
        node=body_node(contribution.programme, payload.node),
        country=body_country(payload.country),
        event=event,
        note=payload.note,
        user=request.auth,
    )
    return Reply(201, Earmark.objects.select_related("node", "country", "contribution").get(pk=earmark.pk))


@router.post(
    "/funding/contributions/{contribution_id}/obligations",
    response={201: ContributionObligationOut},
    auth=allowed(MANAGE, ONLY_FINANCE, token_only=True),
    summary="Add a reporting obligation the agreement sets (finance officer)",
)
def add_contribution_obligation(request, contribution_id: Path[Id], payload: ContributionObligationIn):
    contribution = get_object_or_404(Contribution, pk=contribution_id)
    obligation = services.add_obligation(
        contribution, kind=payload.kind, due_on=payload.due_on, description=payload.description, user=request.auth
    )
    return Reply(201, ReportingObligation.objects.select_related("contribution").get(pk=obligation.pk))


# --- exchange rates ------------------------------------------------------------------------------------------------


@router.get(
    "/funding/rates",
    response=list[FundingRateOut],
    auth=allowed(POSITION, NO_FUNDING),
    summary="Exchange rates behind every EUR value",
    description="Units of the currency per 1 EUR, by currency then latest day first, with their source.",
)
@paginate(Pagination, page_size=100)
def list_funding_rates(request, currency: Currency | None = None):
    rows = ExchangeRate.objects.all()
    return rows.filter(currency=currency) if currency else rows


@router.post(
    "/funding/rates",
    response={201: FundingRateOut},
    auth=allowed(MANAGE, ONLY_FINANCE, token_only=True),
    summary="Record an exchange rate (finance officer)",
    description="Once per currency and day, with its source.",
)
def add_funding_rate(request, payload: FundingRateIn):
    if Decimal(payload.units_per_eur) <= 0:
        raise form_errors({"units_per_eur": [_("A rate must be above zero.")]})
    rate = rate_services.record_rate(
        payload.currency,
        payload.day,
        Decimal(payload.units_per_eur),
        source=payload.source,
        is_sample=payload.is_sample,
        user=request.auth,
    )
    return Reply(201, rate)
