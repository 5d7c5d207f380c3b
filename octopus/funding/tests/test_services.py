"""The write path of money: each rule refused with a message users read and nothing saved; every change audited
with what it was before and after; stale versions refused; costs of other apps brought in once."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from octopus.accounts.models import AuditEntry
from octopus.committees.models import (
    Committee,
    Document,
    DocumentType,
    InterpretationRequest,
    LanguageVersion,
    Meeting,
    TranslationStatus,
)
from octopus.events.models import Event, Kind, Registration, Travel, TravelStatus
from octopus.funding.models import (
    Budget,
    BudgetKind,
    BudgetLine,
    ClosedYear,
    Contribution,
    ContributionStatus,
    CostCategory,
    Donor,
    Earmark,
    ExchangeRate,
    Expenditure,
    ExpenditureStatus,
    Receipt,
    ReportingObligation,
)
from octopus.funding.services import budget, contributions, rates
from octopus.funding.tests.conftest import RATE_DAY
from octopus.lib.errors import ConflictError, DomainError
from octopus.people.models import Person
from octopus.results.models import Level, Programme
from octopus.results.services import assign_programmes

D = datetime.date
ROWS = [
    Donor,
    ExchangeRate,
    Contribution,
    Receipt,
    ReportingObligation,
    Earmark,
    Budget,
    BudgetLine,
    ClosedYear,
    Expenditure,
    AuditEntry,
]
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)

pytestmark = pytest.mark.django_db


def refused(call, message: str) -> str:
    """`call` raises a DomainError whose message contains `message`, and no row of money or audit was written."""
    counts = [model.objects.count() for model in ROWS]
    with pytest.raises(DomainError) as error:
        call()
    assert message in str(error.value)
    assert [model.objects.count() for model in ROWS] == counts
    return str(error.value)


def last_audit(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).latest("pk")


def pledge(programme, donor, finance, *, currency="EUR", amount="1000.00", pledged_on=RATE_DAY):
    return contributions.pledge_contribution(
        programme,
        donor,
        title="Support",
        currency=currency,
        amount=Decimal(amount),
        pledged_on=pledged_on,
        user=finance,
    )


# Rates ----------------------------------------------------------------------------------------------------------


def test_record_rate_rules(finance):
    refused(lambda: rates.record_rate("usd", RATE_DAY, "1.1", source="ECB", user=finance), "three upper-case")
    refused(lambda: rates.record_rate("EUR", RATE_DAY, "1", source="ECB", user=finance), "needs no rate")
    refused(lambda: rates.record_rate("USD", RATE_DAY, "1.1", source=" ", user=finance), "where the rate comes from")
    refused(lambda: rates.record_rate("USD", RATE_DAY, "0", source="ECB", user=finance), "more than 0")
    rate = rates.record_rate("USD", RATE_DAY, "1.1", source="ECB", user=finance)
    assert (rate.units_per_eur, rate.source, rate.recorded_by) == (Decimal("1.1"), "ECB", finance)
    assert last_audit("funding.rate.recorded").after["units_per_eur"] == "1.10000000"
    refused(lambda: rates.record_rate("USD", RATE_DAY, "1.2", source="ECB", user=finance), "already recorded")


# Donors ---------------------------------------------------------------------------------------------------------


def test_donor_rules_and_version(finance):
    refused(lambda: contributions.record_donor(code="a b", name="X", kind="state", user=finance), "donor code")
    refused(lambda: contributions.record_donor(code="X-1", name=" ", kind="state", user=finance), "name")
    refused(lambda: contributions.record_donor(code="X-1", name="X", kind="alien", user=finance), "kind of donor")
    donor = contributions.record_donor(code="X-1", name="State X", kind="state", user=finance)
    refused(lambda: contributions.record_donor(code="X-1", name="Y", kind="state", user=finance), "already used")
    updated = contributions.update_donor(donor, user=finance, version=1, name="State Y", kind="company")
    assert (updated.name, updated.version) == ("State Y", 2)
    entry = last_audit("funding.donor.updated")
    assert (entry.before["name"], entry.after["name"], entry.user) == ("State X", "State Y", finance)
    with pytest.raises(ConflictError):
        contributions.update_donor(donor, user=finance, version=1, name="Stale", kind="state")
    assert Donor.objects.get(pk=donor.pk).name == "State Y"


# Pledges --------------------------------------------------------------------------------------------------------


def test_pledge_rules(programme, donor, finance, usd_rate):
    call = contributions.pledge_contribution
    kwargs = {"title": "Support", "currency": "USD", "amount": Decimal("10.00"), "pledged_on": RATE_DAY}

    def attempt(**changes):
        return lambda: call(programme, donor, user=finance, **{**kwargs, **changes})

    refused(attempt(currency="usd"), "“usd” is not a currency code")
    refused(attempt(currency="EURO"), "not a currency code")
    refused(attempt(amount=Decimal("0")), "must be more than 0")
    refused(attempt(amount=Decimal("-5.00")), "must be more than 0")
    message = refused(attempt(amount=Decimal("10.005")), "more than 2 decimal places")
    assert "10.005" in message
    refused(attempt(amount=Decimal("1000000000000")), "at most 12 digits")
    refused(attempt(pledged_on=TOMORROW), "cannot be in the future")
    refused(attempt(pledged_on=D(2016, 3, 9)), "No EUR rate for USD on or up to 7 days before 2016-03-09")
    refused(attempt(title=" "), "title")
    refused(lambda: call(programme, None, user=finance, **kwargs), "which donor")
    refused(lambda: call(None, donor, user=finance, **kwargs), "which programme")

    usd = call(programme, donor, user=finance, **{**kwargs, "amount": Decimal("100000.00")})
    assert (usd.pledged_eur, usd.pledged_rate, usd.status) == (Decimal("80000.00"), usd_rate, "pledged")
    after = last_audit("funding.contribution.pledged").after
    assert (after["pledged_amount"], after["pledged_eur"], after["pledged_rate"]) == (
        "100000.00",
        "80000.00",
        usd_rate.pk,
    )
    eur = call(programme, donor, user=finance, **{**kwargs, "currency": "EUR", "pledged_on": D(2010, 1, 1)})
    assert (eur.pledged_eur, eur.pledged_rate) == (Decimal("10.00"), None)  # EUR needs no rate, whatever the day


# Agreements -----------------------------------------------------------------------------------------------------


def test_sign_agreement_rules(programme, donor, finance, usd_rate):
    contribution = pledge(programme, donor, finance, currency="USD", amount="100000.00")

    def sign(**changes):
        kwargs = {"signed_on": D(2016, 3, 2), "amount": Decimal("90000.00"), "user": finance, "version": 1}
        return lambda: contributions.sign_agreement(contribution, **{**kwargs, **changes})

    refused(sign(signed_on=D(2016, 2, 29)), "cannot be signed (2016-02-29) before the pledge (2016-03-01)")
    refused(sign(signed_on=TOMORROW), "cannot be in the future")
    refused(sign(amount=Decimal("0.001")), "more than 2 decimal places")
    with pytest.raises(ConflictError):
        sign(version=7)()
    signed = sign()()  # the amount signed may differ from the pledge
    assert (signed.status, signed.signed_amount, signed.signed_eur, signed.signed_rate, signed.version) == (
        ContributionStatus.SIGNED,
        Decimal("90000.00"),
        Decimal("72000.00"),
        usd_rate,
        2,
    )
    entry = last_audit("funding.contribution.signed")
    assert (entry.before["status"], entry.after["status"], entry.after["signed_eur"]) == (
        "pledged",
        "signed",
        "72000.00",
    )
    # A signed agreement is corrected the same way, with the version read.
    contributions.add_earmark(signed, amount=Decimal("50000.00"), node=programme.nodes.get(code="3"), user=finance)
    message = refused(sign(amount=Decimal("40000.00"), version=2), "Earmarks already total")
    assert "50,000.00 USD" in message and "40,000.00 USD" in message
    corrected = sign(amount=Decimal("95000.00"), version=2)()
    assert (corrected.signed_amount, corrected.version) == (Decimal("95000.00"), 3)
    entry = last_audit("funding.contribution.corrected")
    assert (entry.before["signed_amount"], entry.after["signed_amount"]) == ("90000.00", "95000.00")
    contributions.cancel_contribution(corrected, user=finance, version=3, reason="Withdrawn")
    refused(sign(version=4), "Only a pledged contribution")


# Receipts -------------------------------------------------------------------------------------------------------


def test_receipt_against_a_pledge_is_refused(programme, donor, finance):
    contribution = pledge(programme, donor, finance)
    refused(
        lambda: contributions.record_receipt(contribution, received_on=RATE_DAY, amount="10.00", user=finance),
        "Sign the agreement first",
    )


def test_receipt_rules_and_override(signed_usd, finance):
    def receive(amount, **changes):
        kwargs = {"received_on": D(2016, 3, 4), "amount": Decimal(amount), "user": finance}
        return lambda: contributions.record_receipt(signed_usd, **{**kwargs, **changes})

    refused(receive("10.00", received_on=D(2016, 3, 1)), "before the agreement was signed (2016-03-02)")
    refused(receive("10.00", received_on=TOMORROW), "cannot be in the future")
    refused(receive("10.005"), "more than 2 decimal places")
    refused(receive("10.00", received_on=D(2016, 3, 10)), "No EUR rate for USD")
    first = receive("60000.00")()
    assert (first.eur, first.rate.units_per_eur, first.recorded_by) == (Decimal("48000.00"), Decimal("1.25"), finance)
    assert last_audit("funding.receipt.recorded").after["eur"] == "48000.00"
    message = refused(receive("60000.00"), "give the reason for the override")
    assert message == (
        "Receipts would total 120,000.00 USD, more than the 100,000.00 USD signed; give the reason for the override."
    )
    refused(receive("60000.00", override_reason="   "), "give the reason for the override")
    over = receive("60000.00", override_reason="Donor topped up for the extra workshop")()
    assert over.override_reason == "Donor topped up for the extra workshop"
    assert last_audit("funding.receipt.recorded").after["override_reason"] == over.override_reason
    assert signed_usd.receipts.count() == 2
    # Money received: the contribution can no longer be cancelled.
    refused(
        lambda: contributions.cancel_contribution(signed_usd, user=finance, version=signed_usd.version, reason="x"),
        "cannot be cancelled",
    )


def test_cancel_contribution(programme, donor, finance):
    contribution = pledge(programme, donor, finance)
    refused(lambda: contributions.cancel_contribution(contribution, user=finance, version=1, reason=" "), "Say why")
    with pytest.raises(ConflictError):
        contributions.cancel_contribution(contribution, user=finance, version=9, reason="Withdrawn")
    cancelled = contributions.cancel_contribution(contribution, user=finance, version=1, reason="Withdrawn")
    assert cancelled.status == ContributionStatus.CANCELLED
    entry = last_audit("funding.contribution.cancelled")
    assert (entry.before["status"], entry.after["status"], entry.data["reason"]) == (
        "pledged",
        "cancelled",
        "Withdrawn",
    )
    refused(lambda: contributions.cancel_contribution(cancelled, user=finance, version=2, reason="x"), "already")
    refused(
        lambda: contributions.record_receipt(cancelled, received_on=RATE_DAY, amount="1.00", user=finance),
        "cancelled",
    )
    refused(lambda: contributions.add_earmark(cancelled, amount="1.00", node=None, user=finance), "cancelled")


# Earmarks -------------------------------------------------------------------------------------------------------


def test_earmarks_stay_within_the_contribution(programme, donor, finance, output):
    contribution = pledge(programme, donor, finance, amount="1000.00")
    objective = programme.nodes.filter(level=Level.OBJECTIVE).first()

    def earmark(amount, **purpose):
        return lambda: contributions.add_earmark(contribution, amount=Decimal(amount), user=finance, **purpose)

    refused(earmark("10.00"), "Say what the money is earmarked for")
    refused(earmark("0.00", node=output("3")), "more than 0")
    if objective is not None:
        refused(earmark("10.00", node=objective), "is not an output or activity of")
    first = earmark("600.00", node=output("3"))()
    activity = programme.nodes.filter(level=Level.ACTIVITY).first()
    earmark("300.00", node=activity)()
    message = refused(earmark("100.01", node=output("1")), "Earmarks would total 1,000.01 EUR")
    assert message == "Earmarks would total 1,000.01 EUR, more than the 1,000.00 EUR pledged."
    earmark("100.00", node=output("1"))()  # exactly the pledge
    assert Earmark.objects.filter(contribution=contribution).count() == 3
    assert last_audit("funding.earmark.added").after["amount"] == "100.00"
    contributions.remove_earmark(first, user=finance)
    entry = last_audit("funding.earmark.removed")
    assert (entry.before["amount"], entry.after) == ("600.00", None)
    assert not Earmark.objects.filter(pk=first.pk).exists()


# Reporting obligations ------------------------------------------------------------------------------------------


def test_obligations(signed_usd, finance):
    refused(
        lambda: contributions.add_obligation(signed_usd, kind="poem", due_on=D(2017, 1, 31), user=finance),
        "not a kind of report",
    )
    obligation = contributions.add_obligation(signed_usd, kind="financial", due_on=D(2017, 1, 31), user=finance)
    refused(
        lambda: contributions.mark_obligation_submitted(obligation, submitted_on=TOMORROW, user=finance, version=1),
        "cannot be in the future",
    )
    with pytest.raises(ConflictError):
        contributions.mark_obligation_submitted(obligation, submitted_on=D(2017, 1, 30), user=finance, version=5)
    done = contributions.mark_obligation_submitted(obligation, submitted_on=D(2017, 1, 30), user=finance, version=1)
    assert (done.submitted_on, done.version) == (D(2017, 1, 30), 2)
    entry = last_audit("funding.obligation.submitted")
    assert (entry.before["submitted_on"], entry.after["submitted_on"]) == (None, "2017-01-30")


# Budgets --------------------------------------------------------------------------------------------------------


def test_adopt_budget_rules_and_numbers(programme, finance, output):
    year = programme.starts_on.year

    def adopt(*lines):
        return lambda: budget.adopt_budget(programme, adopted_on=D(2016, 1, 15), lines=lines, user=finance)

    refused(adopt((output("A3.1"), "staff", year, Decimal("1.00"))), "is not an output of")
    refused(adopt((output("1"), "food", year, Decimal("1.00"))), "not a cost category")
    refused(adopt((output("1"), "staff", programme.ends_on.year + 1, Decimal("1.00"))), "not a year of the programme")
    refused(adopt((output("1"), "staff", year - 1, Decimal("1.00"))), "not a year of the programme")
    refused(adopt((output("1"), "staff", year, Decimal("-1.00"))), "cannot be negative")
    refused(adopt((output("1"), "staff", year, Decimal("1.001"))), "more than 2 decimal places")
    refused(
        adopt((output("1"), "staff", year, Decimal("1.00")), (output("1"), "staff", year, Decimal("2.00"))),
        "given twice",
    )
    refused(adopt(), "at least one line")
    original = adopt((output("1"), "staff", year, Decimal("1000.00")), (output("2"), "travel", year, Decimal("0")))()
    revised = adopt((output("1"), "staff", year, Decimal("1500.00")))()
    assert [(b.number, b.kind) for b in (original, revised)] == [(1, BudgetKind.ORIGINAL), (2, BudgetKind.REVISED)]
    assert original.lines.count() == 2 and revised.lines.get().amount_eur == Decimal("1500.00")
    assert last_audit("funding.budget.adopted").after["lines"] == [
        {"node": "1", "category": "staff", "year": year, "amount_eur": "1500.00"}
    ]


def test_close_year(programme, finance):
    future = timezone.localdate().year + 1
    refused(lambda: budget.close_year(programme, future, user=finance), f"{future} is in the future")
    closed = budget.close_year(programme, 2016, user=finance)
    assert (closed.year, closed.closed_by) == (2016, finance)
    assert last_audit("funding.year.closed").after["year"] == 2016
    refused(lambda: budget.close_year(programme, 2016, user=finance), "2016 is already closed")


# Expenditure ----------------------------------------------------------------------------------------------------


def spend(programme, finance, output, **changes):
    kwargs = {
        "node": output("3"),
        "category": "experts",
        "status": "spent",
        "spent_on": D(2016, 3, 4),
        "description": "Expert mission",
        "currency": "EUR",
        "amount": Decimal("500.00"),
        "user": finance,
    }
    return lambda: budget.record_expenditure(programme, **{**kwargs, **changes})


def test_record_expenditure_rules(programme, finance, output, usd_rate):
    refused(spend(programme, finance, output, node=output("A3.1")), "is not an output of")
    refused(spend(programme, finance, output, category="food"), "not a cost category")
    refused(spend(programme, finance, output, status="hoped"), "not a status of expenditure")
    refused(spend(programme, finance, output, amount=Decimal("-1.00")), "cannot be negative")
    refused(spend(programme, finance, output, description=""), "Describe")
    refused(spend(programme, finance, output, currency="USD", spent_on=D(2016, 4, 1)), "No EUR rate for USD")
    usd = spend(programme, finance, output, currency="USD", amount=Decimal("125.00"))()
    assert (usd.eur, usd.rate, usd.recorded_by) == (Decimal("100.00"), usd_rate, finance)
    assert last_audit("funding.expenditure.recorded").after["eur"] == "100.00"
    free = spend(programme, finance, output, amount=Decimal("0"))()  # a cost of nothing may be recorded
    assert free.eur == Decimal("0.00")
    budget.close_year(programme, 2016, user=finance)
    message = refused(spend(programme, finance, output), "2016 is closed")
    assert message == "2016 is closed: no expenditure can be recorded in it."


def test_update_expenditure_rules(programme, finance, output, usd_rate):
    row = spend(programme, finance, output, spent_on=D(2017, 5, 1))()
    fields = {
        "node": output("3"),
        "category": "experts",
        "status": "spent",
        "spent_on": D(2017, 5, 1),
        "description": "Expert mission",
        "currency": "EUR",
        "amount": Decimal("500.00"),
    }

    def update(version=1, **changes):
        return lambda: budget.update_expenditure(row, user=finance, version=version, **{**fields, **changes})

    budget.close_year(programme, 2016, user=finance)
    refused(update(spent_on=D(2016, 3, 4)), "2016 is closed: no expenditure can be recorded in it.")  # into it
    with pytest.raises(ConflictError):
        update(version=3, amount=Decimal("600.00"))()
    updated = update(currency="USD", amount=Decimal("250.00"), spent_on=D(2017, 5, 1), status="committed")
    refused(updated, "No EUR rate for USD on or up to 7 days before 2017-05-01")
    changed = update(amount=Decimal("600.00"), status="committed")()
    assert (changed.amount, changed.eur, changed.status, changed.version) == (
        Decimal("600.00"),
        Decimal("600.00"),
        ExpenditureStatus.COMMITTED,
        2,
    )
    entry = last_audit("funding.expenditure.updated")
    assert (entry.before["amount"], entry.after["amount"], entry.after["status"]) == ("500.00", "600.00", "committed")
    # Out of a closed year: refused too.
    old = spend(programme, finance, output, spent_on=D(2015, 6, 1))()
    budget.close_year(programme, 2015, user=finance)
    refused(
        lambda: budget.update_expenditure(old, user=finance, version=1, **{**fields, "spent_on": D(2017, 5, 2)}),
        "2015 is closed: no expenditure can be recorded in it.",
    )


# Costs other apps know ------------------------------------------------------------------------------------------


def make_event(kind, starts_on, ends_on=None, slug=None, *, serves=("cybercrime-octopus",)):
    """An event serving the programmes `serves` names, in equal shares (the seed programme alone by default)."""
    event = Event.objects.create(
        title=f"Test {kind} {starts_on}",
        slug=slug or f"test-{kind}-{starts_on}".replace("_", "-"),
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on or starts_on,
    )
    programmes = [Programme.objects.get(code=code) for code in serves]
    if programmes:
        assign_programmes(event, [(p, Decimal(100) / len(programmes), None) for p in programmes])
    return event


def make_travel(event, **fields):
    person = Person.objects.create(first_name="Ana", last_name=f"Traveller {event.pk}")
    registration = Registration.objects.create(event=event, person=person, state="approved")
    defaults = {
        "status": TravelStatus.APPROVED,
        "ticket_cost": Decimal("400.00"),
        "nights": 3,
        "dsa_rate": Decimal("100.00"),
    }
    return Travel.objects.create(registration=registration, **{**defaults, **fields})


def synced_rows(programme):
    return sorted(
        Expenditure.objects.filter(programme=programme).values_list(
            "source_travel",
            "source_translation",
            "source_interpretation",
            "node__code",
            "category",
            "status",
            "spent_on",
            "amount",
            "eur",
        ),
        key=str,
    )


@pytest.fixture
def committee(db):
    committee = Committee.objects.order_by("pk").first()
    assert committee is not None, "the reference data has the T-CY"
    return committee


def test_sync_costs_brings_each_cost_once(programme, finance, committee):
    conference = make_event(Kind.OCTOPUS_CONFERENCE, D(2016, 6, 1), D(2016, 6, 3))
    workshop = make_event(Kind.IN_COUNTRY_WORKSHOP, D(2016, 9, 5))
    plenary = make_event(Kind.TCY_PLENARY, D(2016, 7, 10), D(2016, 7, 12))
    committed = make_travel(conference)  # 400 + 3 × 100
    reconciled = make_travel(
        workshop, status=TravelStatus.RECONCILED, actual_cost=Decimal("555.55"), reconciled_on=D(2016, 10, 1)
    )
    refused_travel = make_travel(workshop, status=TravelStatus.REFUSED)
    ineligible = make_travel(conference, eligible=False)
    meeting = Meeting.objects.create(committee=committee, event=plenary)
    # Adopted at the plenary: its translation follows the plenary's programmes.
    document = Document.objects.create(
        committee=committee, title="Test guidance", type=DocumentType.GUIDANCE_NOTE, adopted_at=meeting
    )
    delivered = LanguageVersion.objects.create(
        document=document,
        language="fr",
        translation_status=TranslationStatus.DELIVERED,
        cost=Decimal("900.00"),
        deadline=D(2016, 5, 1),
        uploaded_at=datetime.datetime(2016, 4, 20, 12, tzinfo=datetime.UTC),
    )
    interpretation = InterpretationRequest.objects.create(
        meeting=meeting, languages=["en", "fr"], booths=2, days=3, cost=Decimal("7000.00")
    )
    first = budget.sync_costs(programme, user=finance)
    assert first["added"] >= 4 and first["removed"] == 0
    mine = Expenditure.objects.filter(programme=programme)
    row = mine.get(source_travel=committed)
    assert (row.node.code, row.category, row.status, row.spent_on, row.amount, row.eur, row.event) == (
        "1",
        CostCategory.TRAVEL,
        ExpenditureStatus.COMMITTED,
        D(2016, 6, 1),
        Decimal("700.00"),
        Decimal("700.00"),
        conference,
    )
    row = mine.get(source_travel=reconciled)
    assert (row.node.code, row.status, row.spent_on, row.amount) == ("3", "spent", D(2016, 10, 1), Decimal("555.55"))
    assert not mine.filter(source_travel__in=[refused_travel, ineligible]).exists()
    row = mine.get(source_translation=delivered)
    assert (row.node.code, row.category, row.status, row.spent_on, row.amount) == (
        "2",
        CostCategory.LANGUAGE,
        "spent",
        D(2016, 4, 20),
        Decimal("900.00"),
    )
    row = mine.get(source_interpretation=interpretation)
    assert (row.node.code, row.category, row.status, row.spent_on, row.amount) == (
        "2",
        CostCategory.LANGUAGE,
        "spent",
        D(2016, 7, 12),
        Decimal("7000.00"),
    )  # its meeting has ended
    assert AuditEntry.objects.filter(action="funding.expenditure.brought_in", object_id=str(row.pk)).exists()

    # Run again: nothing new, the same rows.
    before = synced_rows(programme)
    assert budget.sync_costs(programme, user=finance) == {
        "added": 0,
        "updated": 0,
        "removed": 0,
        "skipped_closed": 0,
        "not_assigned": 0,
    }
    assert synced_rows(programme) == before

    # A change at the source is followed; a cost that no longer binds money is removed.
    Travel.objects.filter(pk=committed.pk).update(ticket_cost=Decimal("500.00"))
    Travel.objects.filter(pk=reconciled.pk).update(status=TravelStatus.REFUSED)
    LanguageVersion.objects.filter(pk=delivered.pk).update(translation_status=TranslationStatus.CANCELLED)
    again = budget.sync_costs(programme, user=finance)
    assert again == {"added": 0, "updated": 1, "removed": 2, "skipped_closed": 0, "not_assigned": 0}
    assert mine.get(source_travel=committed).amount == Decimal("800.00")
    entry = last_audit("funding.expenditure.resynced")
    assert (entry.before["amount"], entry.after["amount"]) == ("700.00", "800.00")
    assert last_audit("funding.expenditure.removed").after is None


def test_sync_costs_leaves_closed_years_alone(programme, finance):
    conference = make_event(Kind.OCTOPUS_CONFERENCE, D(2016, 6, 1))
    travel = make_travel(conference)
    assert budget.sync_costs(programme, user=finance)["added"] >= 1
    budget.close_year(programme, 2016, user=finance)
    late = make_travel(make_event(Kind.TRAINING, D(2016, 11, 1)))  # arrives after its year was closed
    Travel.objects.filter(pk=travel.pk).update(ticket_cost=Decimal("1.00"))
    counts = budget.sync_costs(programme, user=finance)
    assert counts["skipped_closed"] >= 2 and counts["updated"] == 0 and counts["added"] == 0
    assert Expenditure.objects.get(source_travel=travel).amount == Decimal("700.00")
    assert not Expenditure.objects.filter(source_travel=late).exists()
    Travel.objects.filter(pk=travel.pk).update(status=TravelStatus.REFUSED)
    counts = budget.sync_costs(programme, user=finance)
    assert counts["removed"] == 0 and Expenditure.objects.filter(source_travel=travel).exists()


def test_sync_costs_to_given_outputs(programme, finance, output):
    travel = make_travel(make_event(Kind.OCTOPUS_CONFERENCE, D(2016, 6, 1)))
    outputs = {"1": output("3"), "2": output("3"), "3": output("3")}
    budget.sync_costs(programme, user=finance, outputs=outputs)
    assert Expenditure.objects.get(source_travel=travel).node == output("3")
    refused(lambda: budget.sync_costs(programme, user=finance, outputs={"1": output("1")}), "has no output 2, 3")


def test_synced_cost_is_not_edited_by_hand(programme, finance, output):
    travel = make_travel(make_event(Kind.OCTOPUS_CONFERENCE, D(2016, 6, 1)))
    budget.sync_costs(programme, user=finance)
    row = Expenditure.objects.get(source_travel=travel)
    refused(
        lambda: budget.update_expenditure(
            row,
            user=finance,
            version=row.version,
            node=output("1"),
            category="travel",
            status="spent",
            spent_on=D(2016, 6, 1),
            description="x",
            currency="EUR",
            amount=Decimal("1.00"),
        ),
        "correct it there",
    )


def test_sync_costs_drops_what_no_longer_costs_and_what_falls_outside_the_programme(programme, finance):
    workshop = make_event(Kind.IN_COUNTRY_WORKSHOP, D(2017, 5, 10))
    cancelled_later = make_travel(workshop)
    declined = make_travel(make_event(Kind.TRAINING, D(2017, 9, 1)))
    long_after = make_travel(make_event(Kind.TRAINING, D(2021, 3, 1)))  # after the programme's years
    assert budget.sync_costs(programme, user=finance)["added"] == 2

    Event.objects.filter(pk=workshop.pk).update(status="cancelled")
    Registration.objects.filter(pk=declined.registration_id).update(state="declined")
    counts = budget.sync_costs(programme, user=finance)

    assert counts["removed"] == 2
    sources = [cancelled_later, declined, long_after]
    assert not Expenditure.objects.filter(source_travel__in=sources).exists()


def test_an_amount_worth_more_euros_than_a_programme_handles_is_refused(programme, donor, finance):
    rates.record_rate("XAU", RATE_DAY, Decimal("0.00000100"), source="Test rate", user=finance)

    message = refused(
        lambda: pledge(programme, donor, finance, currency="XAU", amount="2000000.00"),
        "more than any amount a programme handles",
    )

    assert "check the amount and the rate" in message
    assert not Contribution.objects.filter(currency="XAU").exists()
