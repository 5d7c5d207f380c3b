"""Every funding page and API route × every kind of visitor (`octopus.testing.helpers.VISITORS`).

Staff (administrators, programme staff, the T-CY secretariat) and the finance officer read the funding position,
the budget, the expenditure, the donors and the rates; they and donors read contributions, a donor its own only.
The finance officer alone writes money. A refused page sends the anonymous to sign in and is a 403 for everyone
else; a refused API call is a problem 401 or 403. Whatever is refused changes nothing; every allowed write takes
effect and is audited under the acting user. A donor never sees another donor's contribution, its amounts or a
total that counts them: its pages and the API are a 404 to it. The tables must cover exactly the routes served
under the prefixes the central matrix leaves here.
"""

import datetime
import io
import json
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from octopus.accounts.models import AuditEntry, Role, User
from octopus.funding import urls
from octopus.funding.models import (
    Budget,
    BudgetLine,
    ClosedYear,
    Contribution,
    ContributionStatus,
    Donor,
    DonorKind,
    Earmark,
    ExchangeRate,
    Expenditure,
    Receipt,
    ReportingObligation,
)
from octopus.funding.services import budget as budget_services
from octopus.funding.services import contributions as services
from octopus.funding.services import rates
from octopus.results.models import Programme, ResultNode
from octopus.testing.access_matrix import (
    StateBefore,
    Visit,
    api_reads,
    api_request,
    api_writes,
    audited,
    bearer,
    check_api_read,
    check_api_write,
    check_page_read,
    check_page_write,
    each_visitor,
    methods_answered_but_not_served,
    page_reads,
    page_writes,
    redirected_to,
    served_api_routes,
    served_pages,
)
from octopus.testing.factories import UserFactory
from octopus.testing.helpers import ROLE_SCOPES, PageAccess, assert_problem, bearer_for, make_user

D = datetime.date
PROGRAMME = "cybercrime-octopus"
OWN_CODE = ROLE_SCOPES[Role.DONOR]["donor_code"]  # "DONOR-1": the donor visitor's
RIVAL_CODE = "RIVAL-DONOR"

STAFF = frozenset({Role.ADMINISTRATOR.value, Role.PROGRAMME_STAFF.value, Role.TCY_SECRETARIAT.value})
FINANCE = frozenset({Role.FINANCE_OFFICER.value})
READERS = STAFF | FINANCE  # funding.view_position
CONTRIBUTION_READERS = READERS | {Role.DONOR.value}  # funding.view_contributions: a donor its own only

# The prefixes the central matrix leaves to this file (its EXCLUDED_PREFIXES).
PREFIXES = ("workspace/funding/",)
API_PREFIX = "/api/v1/funding"

PAGES = {
    # The position.
    "funding:funding_position": PageAccess(read=READERS, write=None),
    "funding:funding_position_export": PageAccess(read=READERS, write=None),
    # Contributions: a donor reads its own.
    "funding:contributions": PageAccess(read=CONTRIBUTION_READERS, write=None),
    "funding:contribution_export": PageAccess(read=CONTRIBUTION_READERS, write=None),
    "funding:contribution_new": PageAccess(read=FINANCE, write=FINANCE),
    "funding:contribution_detail": PageAccess(read=CONTRIBUTION_READERS, write=None),
    "funding:contribution_sign": PageAccess(read=None, write=FINANCE),  # POST only
    "funding:contribution_cancel": PageAccess(read=None, write=FINANCE),  # POST only
    "funding:receipt_add": PageAccess(read=None, write=FINANCE),  # POST only
    "funding:earmark_add": PageAccess(read=None, write=FINANCE),  # POST only
    "funding:earmark_remove": PageAccess(read=None, write=FINANCE),  # POST only
    "funding:obligation_add": PageAccess(read=None, write=FINANCE),  # POST only
    "funding:obligation_submitted": PageAccess(read=None, write=FINANCE),  # POST only
    # Donors and rates: the managers'.
    "funding:donors": PageAccess(read=READERS, write=None),
    "funding:donor_new": PageAccess(read=FINANCE, write=FINANCE),
    "funding:donor_edit": PageAccess(read=READERS, write=FINANCE),
    "funding:exchange_rates": PageAccess(read=READERS, write=None),
    "funding:exchange_rate_add": PageAccess(read=None, write=FINANCE),  # POST only
    # Budget and expenditure.
    "funding:budget": PageAccess(read=READERS, write=None),
    "funding:budget_adopt": PageAccess(read=FINANCE, write=FINANCE),
    "funding:budget_close_year": PageAccess(read=None, write=FINANCE),  # POST only
    "funding:expenditure": PageAccess(read=READERS, write=None),
    "funding:expenditure_export": PageAccess(read=READERS, write=None),
    "funding:expenditure_new": PageAccess(read=FINANCE, write=FINANCE),
    "funding:funding_sync_costs": PageAccess(read=None, write=FINANCE),  # POST only
    "funding:expenditure_edit": PageAccess(
        read=READERS, write=FINANCE
    ),  # staff read it, the finance officer corrects it
    # A donor's own page and reporting calendar.
    "funding:donor_portal": PageAccess(read=CONTRIBUTION_READERS, write=None),
    "funding:funding_donor_calendar": PageAccess(read=CONTRIBUTION_READERS, write=None),
}

API_ROUTES = {
    # Donors and contributions: a donor reads its own only.
    f"GET {API_PREFIX}/donors": CONTRIBUTION_READERS,
    f"POST {API_PREFIX}/donors": FINANCE,
    f"GET {API_PREFIX}/contributions": CONTRIBUTION_READERS,
    f"GET {API_PREFIX}/contributions/{{contribution_id}}": CONTRIBUTION_READERS,
    f"POST {API_PREFIX}/contributions": FINANCE,
    f"POST {API_PREFIX}/contributions/{{contribution_id}}/agreement": FINANCE,
    f"POST {API_PREFIX}/contributions/{{contribution_id}}/receipts": FINANCE,
    f"POST {API_PREFIX}/contributions/{{contribution_id}}/earmarks": FINANCE,
    f"POST {API_PREFIX}/contributions/{{contribution_id}}/obligations": FINANCE,
    # Rates, budgets, expenditure and the position: the managers'.
    f"GET {API_PREFIX}/rates": READERS,
    f"POST {API_PREFIX}/rates": FINANCE,
    f"GET {API_PREFIX}/budgets": READERS,
    f"POST {API_PREFIX}/budgets": FINANCE,
    f"POST {API_PREFIX}/closed-years": FINANCE,
    f"GET {API_PREFIX}/expenditure": READERS,
    f"POST {API_PREFIX}/expenditure": FINANCE,
    f"PUT {API_PREFIX}/expenditure/{{expenditure_id}}": FINANCE,
    f"GET {API_PREFIX}/position": READERS,
}


def test_the_pages_tested_are_the_pages_served():
    assert {f"funding:{pattern.name}" for pattern in urls.urlpatterns} == set(PAGES)
    assert served_pages(PREFIXES) == set(PAGES)  # and no other module serves a page under the funding addresses


def test_the_api_routes_tested_are_the_api_routes_served():
    served = served_api_routes()
    assert served_api_routes((API_PREFIX,)) == set(API_ROUTES)
    # Every funding route lives under /api/v1/funding, none elsewhere.
    assert not {route for route in served if "funding" in route and API_PREFIX not in route}


# Arrange: the money as the visitor finds it, recorded by another finance officer.

# The rival donor's amounts: distinctive, so that finding them anywhere a donor reads is a leak.
RIVAL_PLEDGED = Decimal("987654.32")  # USD; 790123.46 EUR at 1.25
RIVAL_RECEIVED = Decimal("123456.78")  # USD; 98765.42 EUR
RIVAL_EARMARKED = Decimal("55555.55")  # USD


@dataclass
class FundingWorld:
    keeper: User  # a finance officer who recorded everything below
    programme: Programme
    own_donor: Donor  # code DONOR-1: the donor visitor's
    own: Contribution  # USD, signed, with a receipt, an earmark and an obligation
    own_pledge: Contribution  # EUR, pledged only: to sign or cancel
    own_earmark: Earmark
    own_obligation: ReportingObligation
    rival_donor: Donor
    rival: Contribution  # another donor's: its amounts must never reach the donor visitor
    budget: Budget
    expenditure: Expenditure  # typed here
    forbidden: list[str]  # the rival's amounts and the totals counting them, as a page or the API may write them


def node(code: str) -> ResultNode:
    return ResultNode.objects.get(programme__code=PROGRAMME, code=code)


def spellings(amount: Decimal) -> list[str]:
    """How a page, an export or the API may write an amount: 987654.32, 987,654.32, 987 654,32, 987.654,32…"""
    whole, cents = f"{amount:.2f}".split(".")
    grouped = f"{int(whole):,}"
    return [
        f"{amount:.2f}",
        f"{whole},{cents}",
        f"{grouped}.{cents}",
        *(f"{grouped.replace(',', sep)},{cents}" for sep in (" ", "\u00a0", "\u202f", ".", "'")),
    ]


def build() -> FundingWorld:
    keeper = UserFactory(email="funding-keeper@example.org", role=Role.FINANCE_OFFICER)
    programme = Programme.objects.get(code=PROGRAMME)
    rates.record_rate("USD", D(2016, 3, 1), Decimal("1.25"), source="Test rate", user=keeper)

    own_donor = services.record_donor(code=OWN_CODE, name="Own Donor State", kind=DonorKind.STATE, user=keeper)
    own = services.pledge_contribution(
        programme,
        own_donor,
        title="Own support",
        currency="USD",
        amount=Decimal("100000.00"),
        pledged_on=D(2016, 3, 1),
        user=keeper,
    )
    own = services.sign_agreement(
        own, signed_on=D(2016, 3, 2), amount=Decimal("100000.00"), user=keeper, version=own.version, reference="OWN-1"
    )
    services.record_receipt(own, received_on=D(2016, 3, 3), amount=Decimal("40000.00"), user=keeper)
    own_earmark = services.add_earmark(own, amount=Decimal("20000.00"), node=node("A3.1"), user=keeper)
    own_obligation = services.add_obligation(
        own, kind="narrative", due_on=D(2016, 6, 30), user=keeper, description="Own narrative report"
    )
    own_pledge = services.pledge_contribution(
        programme,
        own_donor,
        title="Own second pledge",
        currency="EUR",
        amount=Decimal("10000.00"),
        pledged_on=D(2016, 3, 10),
        user=keeper,
    )

    rival_donor = services.record_donor(code=RIVAL_CODE, name="Rival Foundation", kind=DonorKind.COMPANY, user=keeper)
    rival = services.pledge_contribution(
        programme,
        rival_donor,
        title="Rival grant",
        currency="USD",
        amount=RIVAL_PLEDGED,
        pledged_on=D(2016, 3, 1),
        user=keeper,
    )
    rival = services.sign_agreement(
        rival, signed_on=D(2016, 3, 2), amount=RIVAL_PLEDGED, user=keeper, version=rival.version, reference="RIVAL-AGR"
    )
    services.record_receipt(rival, received_on=D(2016, 3, 4), amount=RIVAL_RECEIVED, user=keeper)
    services.add_earmark(rival, amount=RIVAL_EARMARKED, node=node("A3.1"), user=keeper, note="Rival earmark")
    services.add_obligation(rival, kind="audit", due_on=D(2016, 9, 30), user=keeper, description="Rival audit report")

    budget = budget_services.adopt_budget(
        programme,
        adopted_on=D(2016, 1, 15),
        user=keeper,
        decision="Steering committee",
        lines=[(node("3"), "events", 2016, Decimal("400000.00")), (node("1"), "staff", 2016, Decimal("100000.00"))],
    )
    expenditure = budget_services.record_expenditure(
        programme,
        node=node("3"),
        category="events",
        status="spent",
        spent_on=D(2016, 3, 5),
        description="Workshop venue",
        currency="EUR",
        amount=Decimal("12000.00"),
        user=keeper,
    )

    rival = Contribution.objects.get(pk=rival.pk)
    live = Contribution.objects.exclude(status=ContributionStatus.CANCELLED)
    totals = [  # every donor's together: a total a donor sees must not count the rival's
        live.aggregate(total=Sum("pledged_eur"))["total"],
        live.aggregate(total=Sum("signed_eur"))["total"],
        Receipt.objects.aggregate(total=Sum("eur"))["total"],
        live.filter(currency="USD").aggregate(total=Sum("pledged_amount"))["total"],
    ]
    amounts = [RIVAL_PLEDGED, rival.pledged_eur, RIVAL_RECEIVED, rival.receipts.get().eur, RIVAL_EARMARKED, *totals]
    forbidden = [text for amount in amounts for text in spellings(amount)]
    forbidden += ["Rival", RIVAL_CODE, "RIVAL-AGR"]
    return FundingWorld(
        keeper=keeper,
        programme=programme,
        own_donor=own_donor,
        own=Contribution.objects.get(pk=own.pk),
        own_pledge=own_pledge,
        own_earmark=own_earmark,
        own_obligation=own_obligation,
        rival_donor=rival_donor,
        rival=rival,
        budget=budget,
        expenditure=expenditure,
        forbidden=forbidden,
    )


def database_state() -> dict:
    """What a refused request must leave as it was: every funding row and the audit log."""
    models = (
        Donor,
        ExchangeRate,
        Contribution,
        Receipt,
        Earmark,
        ReportingObligation,
        Budget,
        BudgetLine,
        ClosedYear,
        Expenditure,
    )
    state = {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}
    state["audit_entries"] = AuditEntry.objects.count()
    return state


@dataclass
class World(Visit):
    """One visitor in the funding world (see `octopus.testing.access_matrix.each_visitor`)."""

    funding: FundingWorld


@pytest.fixture
def funding(db) -> FundingWorld:
    return build()


def page_args(name: str, w: FundingWorld) -> list:
    return {
        "funding:funding_position_export": ["csv"],
        "funding:contribution_export": ["csv"],
        "funding:contribution_detail": [w.own.pk],  # the donor visitor's own
        "funding:contribution_sign": [w.own_pledge.pk],
        "funding:contribution_cancel": [w.own_pledge.pk],
        "funding:receipt_add": [w.own.pk],
        "funding:earmark_add": [w.own.pk],
        "funding:earmark_remove": [w.own_earmark.pk],
        "funding:obligation_add": [w.own.pk],
        "funding:obligation_submitted": [w.own_obligation.pk],
        "funding:donor_edit": [w.own_donor.pk],
        "funding:expenditure_export": ["csv"],
        "funding:expenditure_edit": [w.expenditure.pk],
    }.get(name, [])


# The calendar is a donor's: staff and the finance officer name the donor they look at.
PAGE_QUERIES = {"funding:funding_donor_calendar": f"?donor={OWN_CODE}"}


def page_path(name: str, w: FundingWorld) -> str:
    return reverse(name, args=page_args(name, w)) + PAGE_QUERIES.get(name, "")


@pytest.mark.parametrize("route", page_reads(PAGES))
def test_page_read(funding, route):
    for visitor, world in each_visitor(World, funding=funding):
        path = page_path(route, funding)
        state = StateBefore(database_state)

        response = world.client.get(path)

        check_page_read(visitor, response, path, PAGES[route].read)
        state.assert_unchanged(visitor)


# Pages: writing. Each write: what it sends, and what it must have done when allowed.


def pledged(world, response):
    contribution = Contribution.objects.get(title="Pledge typed in")
    redirected_to(response, "funding:contribution_detail", contribution.pk)
    assert (contribution.donor.code, contribution.pledged_amount, contribution.created_by) == (
        OWN_CODE,
        Decimal("5000.00"),
        world.user,
    )
    audited(world.user, "funding.contribution.pledged", contribution)


def signed(world, response):
    pledge = world.funding.own_pledge
    redirected_to(response, "funding:contribution_detail", pledge.pk)
    contribution = Contribution.objects.get(pk=pledge.pk)
    assert (contribution.status, contribution.signed_amount) == (ContributionStatus.SIGNED, Decimal("10000.00"))
    audited(world.user, "funding.contribution.signed", contribution)


def cancelled(world, response):
    pledge = world.funding.own_pledge
    redirected_to(response, "funding:contribution_detail", pledge.pk)
    assert Contribution.objects.get(pk=pledge.pk).status == ContributionStatus.CANCELLED
    audited(world.user, "funding.contribution.cancelled", pledge)


def received(world, response):
    redirected_to(response, "funding:contribution_detail", world.funding.own.pk)
    receipt = Receipt.objects.get(contribution=world.funding.own, received_on=D(2016, 3, 4))
    assert (receipt.amount, receipt.eur, receipt.recorded_by) == (Decimal("1000.00"), Decimal("800.00"), world.user)
    audited(world.user, "funding.receipt.recorded", receipt)


def earmarked(world, response):
    redirected_to(response, "funding:contribution_detail", world.funding.own.pk)
    earmark = Earmark.objects.get(contribution=world.funding.own, node__code="A3.2")
    assert earmark.amount == Decimal("5000.00")
    audited(world.user, "funding.earmark.added", earmark)


def earmark_removed(world, response):
    redirected_to(response, "funding:contribution_detail", world.funding.own.pk)
    assert not Earmark.objects.filter(pk=world.funding.own_earmark.pk).exists()
    audited(world.user, "funding.earmark.removed", world.funding.own_earmark)


def obligation_added(world, response):
    redirected_to(response, "funding:contribution_detail", world.funding.own.pk)
    obligation = ReportingObligation.objects.get(contribution=world.funding.own, kind="financial")
    assert (obligation.due_on, obligation.description) == (D(2016, 12, 31), "Financial report 2016")
    audited(world.user, "funding.obligation.added", obligation)


def submitted_form(w: FundingWorld) -> dict:
    prefix = f"o{w.own_obligation.pk}-"
    return {prefix + "submitted_on": "2016-07-01", prefix + "version": w.own_obligation.version}


def submitted(world, response):
    redirected_to(response, "funding:contribution_detail", world.funding.own.pk)
    obligation = ReportingObligation.objects.get(pk=world.funding.own_obligation.pk)
    assert obligation.submitted_on == D(2016, 7, 1)
    audited(world.user, "funding.obligation.submitted", obligation)


def rate_recorded(world, response):
    redirected_to(response, "funding:exchange_rates")
    rate = ExchangeRate.objects.get(currency="GBP", day=D(2016, 3, 1))
    assert (rate.units_per_eur, rate.recorded_by) == (Decimal("0.78"), world.user)
    audited(world.user, "funding.rate.recorded", rate)


def donor_recorded(world, response):
    redirected_to(response, "funding:donors")
    donor = Donor.objects.get(code="NEW-DONOR")
    assert (donor.name, donor.kind) == ("New State", DonorKind.STATE)
    audited(world.user, "funding.donor.recorded", donor)


def donor_changed(world, response):
    redirected_to(response, "funding:donors")
    donor = Donor.objects.get(pk=world.funding.own_donor.pk)
    assert (donor.code, donor.name, donor.version) == (OWN_CODE, "Own Donor State (renamed)", 2)
    audited(world.user, "funding.donor.updated", donor)


def budget_form(w: FundingWorld) -> dict:
    return {"adopted_on": "2016-06-01", "decision": "Revision", f"cell-{node('3').pk}-events-2016": "450000.00"}


def budget_adopted(world, response):
    redirected_to(response, "funding:budget")
    revision = Budget.objects.get(programme=world.funding.programme, number=2)
    lines = list(revision.lines.values_list("node__code", "category", "year", "amount_eur"))
    assert (lines, revision.created_by) == ([("3", "events", 2016, Decimal("450000.00"))], world.user)
    audited(world.user, "funding.budget.adopted", revision)


def year_closed(world, response):
    redirected_to(response, "funding:budget")
    closed = ClosedYear.objects.get(programme=world.funding.programme, year=2016)
    assert closed.closed_by == world.user
    audited(world.user, "funding.year.closed", closed)


def costs_synced(world, response):
    redirected_to(response, "funding:expenditure")
    audited(world.user, "funding.costs.synced", world.funding.programme)


def expenditure_form(w: FundingWorld, *, new=True) -> dict:
    data = {
        "node": node("3").pk,
        "category": "travel",
        "status": "committed",
        "spent_on": "2016-04-02",
        "description": "Expert travel",
        "currency": "EUR",
        "amount": "2500.00",
        "event": "",
        "advice": "",
    }
    if not new:
        data["version"] = w.expenditure.version
    return data


def expenditure_recorded(world, response):
    redirected_to(response, "funding:expenditure")
    row = Expenditure.objects.get(description="Expert travel")
    assert (row.eur, row.status, row.recorded_by) == (Decimal("2500.00"), "committed", world.user)
    audited(world.user, "funding.expenditure.recorded", row)


def expenditure_corrected(world, response):
    redirected_to(response, "funding:expenditure")
    row = Expenditure.objects.get(pk=world.funding.expenditure.pk)
    assert (row.description, row.eur, row.version) == ("Expert travel", Decimal("2500.00"), 2)
    audited(world.user, "funding.expenditure.updated", row)


PAGE_WRITES = {
    "funding:contribution_new": (
        lambda w: {
            "programme": w.programme.pk,
            "donor": w.own_donor.pk,
            "title": "Pledge typed in",
            "currency": "EUR",
            "amount": "5000.00",
            "pledged_on": "2016-04-01",
        },
        pledged,
    ),
    "funding:contribution_sign": (
        lambda w: {
            "signed_on": "2016-03-15",
            "amount": "10000.00",
            "reference": "OWN-2",
            "conditions": "",
            "version": w.own_pledge.version,
        },
        signed,
    ),
    "funding:contribution_cancel": (
        lambda w: {"reason": "Withdrawn by the donor", "version": w.own_pledge.version},
        cancelled,
    ),
    "funding:receipt_add": (
        lambda w: {"received_on": "2016-03-04", "amount": "1000.00", "note": "", "override_reason": ""},
        received,
    ),
    "funding:earmark_add": (
        lambda w: {"amount": "5000.00", "node": node("A3.2").pk, "country": "", "event": "", "note": "Second activity"},
        earmarked,
    ),
    "funding:earmark_remove": (lambda w: {}, earmark_removed),
    "funding:obligation_add": (
        lambda w: {"kind": "financial", "due_on": "2016-12-31", "description": "Financial report 2016"},
        obligation_added,
    ),
    "funding:obligation_submitted": (submitted_form, submitted),
    "funding:exchange_rate_add": (
        lambda w: {
            "currency": "GBP",
            "day": "2016-03-01",
            "units_per_eur": "0.78",
            "source": "ECB euro reference rate",
        },
        rate_recorded,
    ),
    "funding:donor_new": (
        lambda w: {"code": "NEW-DONOR", "name": "New State", "kind": "state", "country": ""},
        donor_recorded,
    ),
    "funding:donor_edit": (
        lambda w: {"name": "Own Donor State (renamed)", "kind": "state", "country": "", "version": w.own_donor.version},
        donor_changed,
    ),
    "funding:budget_adopt": (budget_form, budget_adopted),
    "funding:budget_close_year": (lambda w: {"year": "2016", "confirm": "on"}, year_closed),
    "funding:funding_sync_costs": (lambda w: {}, costs_synced),
    "funding:expenditure_new": (expenditure_form, expenditure_recorded),
    "funding:expenditure_edit": (lambda w: expenditure_form(w, new=False), expenditure_corrected),
}


def test_every_page_write_has_a_scenario():
    assert set(PAGE_WRITES) == set(page_writes(PAGES))


@pytest.mark.parametrize("route", page_writes(PAGES))
def test_page_write(funding, route):
    form, took_effect = PAGE_WRITES[route]
    for visitor, world in each_visitor(World, funding=funding):
        path = page_path(route, funding)
        state = StateBefore(database_state)

        response = world.client.post(path, form(funding))

        check_page_write(visitor, world, response, path, PAGES[route].write, took_effect, state)


def test_a_page_answers_only_the_methods_it_serves(client, funding):
    # A GET-only page refuses POST, a POST-only page refuses GET, and none takes PUT or DELETE (405, before any
    # look-up): a page must not treat another method as a GET. Checked as the finance officer, who passes every
    # funding permission.
    client.force_login(make_user(Role.FINANCE_OFFICER))

    assert methods_answered_but_not_served(client, PAGES, lambda route: page_path(route, funding)) == {}


# API.


def api_url(route: str, w: FundingWorld) -> str:
    path = route.split(" ", 1)[1]
    path = path.format(
        contribution_id=w.own_pledge.pk if path.endswith("/agreement") else w.own.pk, expenditure_id=w.expenditure.pk
    )
    if path.endswith(("/budgets", "/position")) and route.startswith("GET "):
        path += f"?programme={PROGRAMME}"  # required: the programme asked about
    return path


def api_created(model, action, **expected):
    """The API answered 201 with a new row of `model` that has the `expected` values, audited under the visitor."""

    def took_effect(world, response):
        assert response.status_code == 201, response.content
        row = model.objects.get(pk=response.json()["id"])
        assert {name: getattr(row, name) for name in expected} == expected
        audited(world.user, action, row)

    return took_effect


def api_signed(world, response):
    assert (response.status_code, response.json()["status"]) == (200, "signed"), response.content
    assert Contribution.objects.get(pk=world.funding.own_pledge.pk).signed_amount == Decimal("10000.00")
    audited(world.user, "funding.contribution.signed", world.funding.own_pledge)


def api_closed(world, response):
    assert (response.status_code, response.json()["year"]) == (201, 2016), response.content
    closed = ClosedYear.objects.get(programme=world.funding.programme, year=2016)
    assert closed.closed_by == world.user
    audited(world.user, "funding.year.closed", closed)


def api_expenditure_corrected(world, response):
    assert (response.status_code, response.json()["eur"]) == (200, "2500.00"), response.content
    row = Expenditure.objects.get(pk=world.funding.expenditure.pk)
    assert (row.description, row.version) == ("API travel", 2)
    audited(world.user, "funding.expenditure.updated", row)


def api_expenditure_body(w: FundingWorld, *, new=True) -> dict:
    body = {
        "programme": PROGRAMME,
        "node": "3",
        "category": "travel",
        "status": "committed",
        "spent_on": "2016-04-02",
        "description": "API travel",
        "currency": "EUR",
        "amount": "2500.00",
    }
    if not new:
        body["version"] = w.expenditure.version
    return body


API_WRITES = {
    f"POST {API_PREFIX}/donors": (
        lambda w: {"code": "API-DONOR", "name": "API State", "kind": "state"},
        api_created(Donor, "funding.donor.recorded", code="API-DONOR"),
    ),
    f"POST {API_PREFIX}/contributions": (
        lambda w: {
            "programme": PROGRAMME,
            "donor": OWN_CODE,
            "title": "API pledge",
            "currency": "EUR",
            "amount": "2500.00",
            "pledged_on": "2016-04-01",
        },
        api_created(Contribution, "funding.contribution.pledged", title="API pledge", pledged_eur=Decimal("2500.00")),
    ),
    f"POST {API_PREFIX}/contributions/{{contribution_id}}/agreement": (
        lambda w: {"signed_on": "2016-03-15", "amount": "10000.00", "version": w.own_pledge.version},
        api_signed,
    ),
    f"POST {API_PREFIX}/contributions/{{contribution_id}}/receipts": (
        lambda w: {"received_on": "2016-03-04", "amount": "1000.00"},
        api_created(Receipt, "funding.receipt.recorded", eur=Decimal("800.00")),
    ),
    f"POST {API_PREFIX}/contributions/{{contribution_id}}/earmarks": (
        lambda w: {"amount": "5000.00", "node": "A3.2"},
        api_created(Earmark, "funding.earmark.added", amount=Decimal("5000.00")),
    ),
    f"POST {API_PREFIX}/contributions/{{contribution_id}}/obligations": (
        lambda w: {"kind": "final", "due_on": "2017-01-31"},
        api_created(ReportingObligation, "funding.obligation.added", kind="final"),
    ),
    f"POST {API_PREFIX}/rates": (
        lambda w: {"currency": "GBP", "day": "2016-03-01", "units_per_eur": "0.78", "source": "ECB"},
        api_created(ExchangeRate, "funding.rate.recorded", currency="GBP", units_per_eur=Decimal("0.78")),
    ),
    f"POST {API_PREFIX}/budgets": (
        lambda w: {
            "programme": PROGRAMME,
            "adopted_on": "2016-06-01",
            "lines": [{"node": "3", "category": "events", "year": 2016, "amount_eur": "450000.00"}],
        },
        api_created(Budget, "funding.budget.adopted", number=2),
    ),
    f"POST {API_PREFIX}/closed-years": (lambda w: {"programme": PROGRAMME, "year": 2016}, api_closed),
    f"POST {API_PREFIX}/expenditure": (
        api_expenditure_body,
        api_created(Expenditure, "funding.expenditure.recorded", description="API travel", eur=Decimal("2500.00")),
    ),
    f"PUT {API_PREFIX}/expenditure/{{expenditure_id}}": (
        lambda w: api_expenditure_body(w, new=False),
        api_expenditure_corrected,
    ),
}
API_READS = api_reads(API_ROUTES)


def test_every_api_write_has_a_scenario():
    assert set(API_WRITES) == set(api_writes(API_ROUTES))


@pytest.mark.parametrize("route", API_READS)
def test_api_read(client, funding, route):
    for visitor, world in each_visitor(World, funding=funding):
        state = StateBefore(database_state)

        response = api_request(client, route, api_url(route, funding), **bearer(world))  # a token, never a session

        check_api_read(visitor, response, API_ROUTES[route])
        state.assert_unchanged(visitor)


@pytest.mark.parametrize("route", API_WRITES)
def test_api_write(client, funding, route):
    body, took_effect = API_WRITES[route]
    for visitor, world in each_visitor(World, funding=funding):
        state = StateBefore(database_state)

        response = api_request(client, route, api_url(route, funding), body(funding), **bearer(world))

        check_api_write(visitor, world, response, API_ROUTES[route], took_effect, state)


@pytest.mark.parametrize("route", API_WRITES)
def test_api_write_with_a_signed_in_session_but_no_token_is_refused(client, funding, route):
    # A workspace session is no authority for API writes, not even the finance officer's: a page elsewhere could
    # otherwise forge them.
    client.force_login(make_user(Role.FINANCE_OFFICER))
    body, _took_effect = API_WRITES[route]
    before = database_state()

    response = api_request(client, route, api_url(route, funding), body(funding))  # no token

    assert_problem(response, 401)
    assert database_state() == before


# Donor isolation: another donor's contribution, amounts and the totals counting them never reach a donor.


def readable_text(response) -> str:
    """What the visitor gets, as text: a page, a CSV, an .ics or JSON as sent, a workbook's every cell."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # an XLSX
        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)
    text = content.decode()
    if response.get("Content-Type", "").startswith("application/json"):
        text += json.dumps(response.json(), ensure_ascii=False)  # "\u00a0" and the like, unescaped
    return text


def leaks(text: str, funding: FundingWorld, path: str = "") -> list[str]:
    """The forbidden texts found, but for one the visitor typed in the address itself (a page echoes its query)."""
    return [forbidden for forbidden in funding.forbidden if forbidden in text and forbidden not in path]


def donor_reads(w: FundingWorld) -> list[str]:
    """Every funding page and API read the donor visitor may make (with the addresses its pages link to)."""
    pages = [page_path(name, w) for name, access in PAGES.items() if access.read and Role.DONOR.value in access.read]
    pages += [
        reverse("funding:contribution_export", args=["xlsx"]),
        reverse("funding:funding_donor_calendar"),  # the donor's own link: no ?donor=
        reverse("funding:donor_portal") + f"?donor={OWN_CODE}",
        reverse("funding:contributions") + "?sort=-pledged",
        reverse("funding:contributions") + f"?donor={RIVAL_CODE}",  # not a donor it may filter on: nothing listed
    ]
    api = [api_url(route, w) for route in API_READS if Role.DONOR.value in API_ROUTES[route]]
    api += [f"{API_PREFIX}/contributions?donor={RIVAL_CODE}", f"{API_PREFIX}/donors?page=1"]
    return pages + api


def test_the_scan_finds_the_rivals_amounts_where_they_are_shown(client, funding):
    # The finance officer reads every donor's: the spellings scanned for are the ones the pages and API use.
    finance = make_user(Role.FINANCE_OFFICER)
    client.force_login(finance)
    for path in (
        reverse("funding:contributions"),
        reverse("funding:contribution_detail", args=[funding.rival.pk]),
        reverse("funding:contribution_export", args=["xlsx"]),
        f"{API_PREFIX}/contributions",
    ):
        text = readable_text(client.get(path))
        assert any(spelling in text for spelling in spellings(RIVAL_PLEDGED)), path
        assert "Rival" in text, path


def test_a_donor_never_sees_another_donors_contribution_or_amounts(client, funding):
    donor = make_user(Role.DONOR)  # of DONOR-1
    client.force_login(donor)
    headers = bearer_for(donor)
    before = database_state()

    found = {}
    for path in donor_reads(funding):
        response = client.get(path, **headers) if path.startswith(API_PREFIX) else client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        text = readable_text(response)
        if leaks(text, funding, path):
            found[path] = leaks(text, funding, path)
        if path == reverse("funding:funding_donor_calendar"):
            assert "Own narrative report" in text  # its own calendar, so the scan read something
    assert found == {}

    # The donor's own figures are there: the scan above read real pages.
    own = client.get(reverse("funding:contribution_detail", args=[funding.own.pk])).content.decode()
    assert "Own support" in own and "100,000.00" in own
    # The rival's contribution does not exist for it, on a page, in the API or as a donor to pick.
    assert client.get(reverse("funding:contribution_detail", args=[funding.rival.pk])).status_code == 404
    assert_problem(client.get(f"{API_PREFIX}/contributions/{funding.rival.pk}", **headers), 404)
    assert client.get(reverse("funding:donor_portal") + f"?donor={RIVAL_CODE}").status_code == 404
    assert client.get(reverse("funding:funding_donor_calendar") + f"?donor={RIVAL_CODE}").status_code == 404
    listed = client.get(f"{API_PREFIX}/contributions", **headers).json()["items"]
    assert {row["id"] for row in listed} == {funding.own.pk, funding.own_pledge.pk}
    donors = client.get(f"{API_PREFIX}/donors", **headers).json()["items"]
    assert [row["code"] for row in donors] == [OWN_CODE]
    assert client.get(f"{API_PREFIX}/contributions?donor={RIVAL_CODE}", **headers).json()["items"] == []
    assert database_state() == before


def test_a_donor_writes_nothing_to_another_donors_contribution(client, funding):
    # Refused as every donor write is (403), never a 404 that would confirm the id, and nothing changes.
    donor = make_user(Role.DONOR)
    client.force_login(donor)
    headers = bearer_for(donor)
    before = database_state()
    rival = funding.rival
    for name in (
        "funding:contribution_sign",
        "funding:contribution_cancel",
        "funding:receipt_add",
        "funding:earmark_add",
        "funding:obligation_add",
    ):
        assert client.post(reverse(name, args=[rival.pk]), {"version": rival.version}).status_code == 403, name
    for suffix, body in (
        ("agreement", {"signed_on": "2016-03-15", "amount": "1.00", "version": rival.version}),
        ("receipts", {"received_on": "2016-03-04", "amount": "1.00"}),
    ):
        response = client.post(
            f"{API_PREFIX}/contributions/{rival.pk}/{suffix}", body, content_type="application/json", **headers
        )
        assert_problem(response, 403)
    assert database_state() == before


def test_what_a_donor_financed_shows_no_total_counting_another_donors_money(client, funding):
    # The portal shows, for each earmark, the indicators of the box financed. An indicator computed from the funding
    # metrics (funds pledged, for the logframe) sums every donor's money: on a donor's page it would give away the
    # others' amounts (880,123.46 EUR here, of which 790,123.46 the rival's).
    from octopus.results.services import define_indicator

    define_indicator(
        node("A3.1"),
        code="F-PLEDGED",
        title="Funds pledged",
        user=funding.keeper,
        measure="currency",
        unit="EUR",
        metric_key="funding.pledged",
        metric_params={"programme": PROGRAMME},
    )
    client.force_login(make_user(Role.DONOR))

    response = client.get(reverse("funding:donor_portal"))

    assert response.status_code == 200
    assert leaks(response.content.decode(), funding) == []
