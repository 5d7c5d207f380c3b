"""Sample money for looking around (`make run`), on the sample programme only: every row flagged as sample, none
presented as real, none on a real programme (issue 7, acceptance 5; issue 15: sample data never touches a real
programme, and the funding services refuse sample money on a real programme).

The real donors of Cybercrime@Octopus are reference data (`octopus.funding.reference_data`) without any amount: no
source gives one, so the real programme shows no money at all (its funding pages say that no contribution is
recorded yet). The sample contributions go to the sample programme ("sample-programme", 2014–2023, ceiling
EUR 1.2 million, outputs "1" and "2") and come from three sample donors only — "Sample State A" (code
SAMPLE-DONOR, the donor role of the sample donor account), "Sample State B" and "Sample Company C" — never from a
real donor. They are pledged, signed and received in EUR, USD and JPY over 2014–2019 at sample exchange rates
(source "Sample rate (not an official rate)"), with earmarks (output 3, Georgia, the sample workshop in Georgia),
reporting obligations (some submitted, some overdue), one pledge still open and one cancelled. Signed money stays
well below the ceiling, so the funding gap shows. The budget (original and one revision, output × cost category ×
year) stays below the ceiling; staff and expert costs are typed, and the travel of the sample events serving the
sample programme is brought in by `sync_costs`.

Everything goes through the funding services, so every rule of real money holds (rates within 7 days, receipts
within what was signed, earmarks within the contribution, no expenditure in a closed year) and every step is audited.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from octopus.countries.models import Country
from octopus.events.models import Event
from octopus.funding.models import (
    Contribution,
    CostCategory,
    Donor,
    DonorKind,
    ExchangeRate,
    ExpenditureStatus,
    ObligationKind,
)
from octopus.funding.services import budget, contributions, rates
from octopus.legislation.models import Advice
from octopus.results.models import Level, Programme
from octopus.sample.programme import CODE as PROGRAMME

D = datetime.date
DONOR_CODE = "SAMPLE-DONOR"  # the donor code of the sample donor account (load_sample_data)
RATE_SOURCE = "Sample rate (not an official rate)"
WORKSHOP = "sample-workshop-ge-2017"  # the sample in-country workshop in Georgia (octopus.sample.events)
ADVICE_COUNTRY = "UA"  # the sample advisory mission to Ukraine (octopus.sample.legislation)
YEARS = range(2014, 2020)
# The sample programme's outputs: "1" (countries trained) and "2" (events and advice, where the workshops, the
# conferences, the T-CY meetings and the advice are); costs of events and advice go to output "2".
EVENTS_OUTPUT = "2"

DONORS = [  # code, name, kind: invented, tied to no real country
    (DONOR_CODE, "Sample State A", DonorKind.STATE),
    ("SAMPLE-STATE-B", "Sample State B", DonorKind.STATE),
    ("SAMPLE-COMPANY-C", "Sample Company C", DonorKind.COMPANY),
]
# Units per 1 EUR for the sample amounts in that currency: plausible, not official, and dated on Saturdays, when the
# ECB publishes no rate, so that a real rate of a working day is never kept out by a sample one.
RATES = {
    "USD": {
        D(2016, 2, 27): "1.0900",
        D(2016, 5, 28): "1.1200",
        D(2016, 8, 27): "1.1150",
        D(2017, 8, 26): "1.1900",
        D(2018, 1, 27): "1.2400",
        D(2018, 4, 28): "1.2000",
        D(2018, 9, 29): "1.1600",
    },
    "JPY": {D(2015, 8, 29): "135.50", D(2016, 8, 27): "115.00", D(2017, 8, 26): "131.00", D(2018, 9, 1): "129.00"},
    "GBP": {D(2019, 1, 26): "0.8750"},
}


def _amount(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _record_rates(user) -> int:
    """The sample rates not yet there (a rate of that currency and day already recorded is used as it is)."""
    written = 0
    for currency, days in RATES.items():
        for day, units in days.items():
            if not ExchangeRate.objects.filter(currency=currency, day=day).exists():
                rates.record_rate(currency, day, Decimal(units), source=RATE_SOURCE, user=user, is_sample=True)
                written += 1
    return written


def _donors(user) -> dict[str, Donor]:
    found = {}
    for code, name, kind in DONORS:
        donor = Donor.objects.filter(code=code).first()
        if donor is None:
            donor = contributions.record_donor(code=code, name=name, kind=kind, user=user, is_sample=True)
        found[code] = donor
    return found


def _contribution(programme, donor, user, *, title, currency, pledged, signed=None, receipts=(), obligations=()):
    """A contribution through its steps: pledged (day, amount), signed (day, amount), receipts [(day, amount)],
    obligations [(kind, due_on, submitted_on or None)]."""
    contribution = contributions.pledge_contribution(
        programme,
        donor,
        title=f"{title} (sample)",
        currency=currency,
        amount=_amount(pledged[1]),
        pledged_on=pledged[0],
        user=user,
        reference=f"SAMPLE-{donor.pk}-{pledged[0]:%Y%m}",
        is_sample=True,
    )
    if signed is not None:
        contribution = contributions.sign_agreement(
            contribution,
            signed_on=signed[0],
            amount=_amount(signed[1]),
            user=user,
            version=contribution.version,
            conditions="Sample conditions: narrative and financial reports as scheduled.",
        )
    for day, amount in receipts:
        contributions.record_receipt(
            contribution, received_on=day, amount=_amount(amount), user=user, note="Sample instalment", is_sample=True
        )
    for kind, due_on, submitted_on in obligations:
        obligation = contributions.add_obligation(
            contribution, kind=kind, due_on=due_on, user=user, description="Required by the sample agreement."
        )
        if submitted_on is not None:
            contributions.mark_obligation_submitted(
                obligation, submitted_on=submitted_on, user=user, version=obligation.version
            )
    return contribution


def _write_contributions(programme, donors, outputs, user) -> tuple[int, int]:
    """The sample contributions; returns (contributions, earmarks)."""
    a, b, c = (donors[code] for code, _name, _kind in DONORS)
    core = _contribution(
        programme,
        a,
        user,
        title="Core contribution 2014–2016",
        currency="EUR",
        pledged=(D(2014, 2, 10), 300_000),
        signed=(D(2014, 4, 1), 300_000),
        receipts=[(D(2014, 5, 15), 150_000), (D(2015, 5, 15), 100_000), (D(2016, 5, 16), 50_000)],
        obligations=[
            (ObligationKind.NARRATIVE, D(2015, 3, 31), D(2015, 3, 20)),
            (ObligationKind.FINANCIAL, D(2016, 3, 31), D(2016, 4, 12)),
            (ObligationKind.FINAL, D(2017, 3, 31), D(2017, 3, 28)),
        ],
    )
    eastern = _contribution(
        programme,
        a,
        user,
        title="Legislative advice in the Eastern Partnership",
        currency="USD",
        pledged=(D(2016, 3, 1), 200_000),
        signed=(D(2016, 6, 1), 190_000),
        receipts=[(D(2016, 9, 1), 100_000), (D(2017, 9, 1), 50_000)],
        obligations=[
            (ObligationKind.NARRATIVE, D(2017, 6, 30), D(2017, 7, 3)),
            (ObligationKind.FINANCIAL, D(2018, 6, 30), None),
        ],
    )
    asia = _contribution(
        programme,
        b,
        user,
        title="Octopus activities in Asia and the Pacific",
        currency="JPY",
        pledged=(D(2015, 9, 1), 30_000_000),
        signed=(D(2016, 9, 1), 30_000_000),
        receipts=[(D(2017, 9, 1), 15_000_000), (D(2018, 9, 3), 15_000_000)],
        obligations=[
            (ObligationKind.NARRATIVE, D(2018, 3, 31), D(2018, 3, 30)),
            (ObligationKind.FINANCIAL, D(2019, 3, 31), None),
        ],
    )
    _contribution(
        programme,
        c,
        user,
        title="Support to the Octopus conferences",
        currency="USD",
        pledged=(D(2018, 2, 1), 125_000),
        signed=(D(2018, 5, 2), 125_000),
        receipts=[(D(2018, 10, 1), 125_000)],
        obligations=[(ObligationKind.FINAL, D(2019, 12, 31), None)],
    )
    _contribution(
        programme,
        b,
        user,
        title="Extension 2019 (pledged, agreement awaited)",
        currency="GBP",
        pledged=(D(2019, 2, 1), 100_000),
    )
    withdrawn = _contribution(
        programme, c, user, title="Equipment for cybercrime units", currency="EUR", pledged=(D(2017, 3, 15), 40_000)
    )
    contributions.cancel_contribution(
        withdrawn, user=user, version=withdrawn.version, reason="Sample: the donor withdrew the pledge."
    )
    earmarks = [
        (
            core,
            {
                "amount": _amount(75_000),
                "node": outputs.get(EVENTS_OUTPUT),
                "note": "Sample earmark: international cooperation",
            },
        ),
        (
            eastern,
            {
                "amount": _amount(60_000),
                "country": Country.objects.filter(iso2="GE").first(),
                "note": "Sample earmark: Georgia",
            },
        ),
        (
            eastern,
            {
                "amount": _amount(15_000),
                "event": Event.objects.filter(slug=WORKSHOP).first(),
                "note": "Sample earmark: the in-country workshop in Georgia",
            },
        ),
        (asia, {"amount": _amount(10_000_000), "node": outputs.get(EVENTS_OUTPUT), "note": "Sample earmark: output 2"}),
    ]
    written = 0
    for contribution, fields in earmarks:
        purpose = fields.get("node") or fields.get("country") or fields.get("event")
        if purpose is not None:  # the workshop is there only once the sample events are loaded
            contributions.add_earmark(contribution, user=user, **fields)
            written += 1
    return 6, written


# The yearly EUR per output of each cost category (overheads: 7% of the rest), in the original budget.
PLAN = {
    CostCategory.STAFF: 35_000,
    CostCategory.EXPERTS: 15_000,
    CostCategory.TRAVEL: 15_000,
    CostCategory.EVENTS: 12_000,
    CostCategory.LANGUAGE: 4_000,
    CostCategory.EQUIPMENT: 2_000,
}
# The revision of mid-2017: more travel and events for output 2 from 2017 on, no more equipment for output 1.
REVISION = {
    (EVENTS_OUTPUT, CostCategory.TRAVEL): 10_000,
    (EVENTS_OUTPUT, CostCategory.EVENTS): 5_000,
    ("1", CostCategory.EQUIPMENT): -2_000,
}


def _budget_lines(outputs, *, revised: bool) -> list[tuple]:
    lines = []
    for code, node in sorted(outputs.items()):
        for year in YEARS:
            planned = {
                category: amount + (REVISION.get((code, category), 0) if revised and year >= 2017 else 0)
                for category, amount in PLAN.items()
            }
            planned[CostCategory.OVERHEADS] = sum(planned.values()) * Decimal("0.07")
            lines += [(node, category, year, _amount(amount)) for category, amount in planned.items()]
    return lines


def _write_budget(programme, outputs, user) -> int:
    budget.adopt_budget(
        programme,
        adopted_on=D(2014, 1, 15),
        lines=_budget_lines(outputs, revised=False),
        user=user,
        decision="Sample: original budget of the programme.",
        is_sample=True,
    )
    budget.adopt_budget(
        programme,
        adopted_on=D(2017, 6, 30),
        lines=_budget_lines(outputs, revised=True),
        user=user,
        decision="Sample revision: more regional workshops under output 2.",
        is_sample=True,
    )
    return 2


def _write_expenditure(programme, outputs, user) -> int:
    """Staff and expert costs typed year by year; a USD expert fee; a workshop's venue linked to the event, a
    mission's fees to the advice; a commitment still open in 2019."""
    written = 0

    def spend(code, category, day, description, amount, *, currency="EUR", status=ExpenditureStatus.SPENT, **links):
        nonlocal written
        budget.record_expenditure(
            programme,
            node=outputs[code],
            category=category,
            status=status,
            spent_on=day,
            description=f"{description} (sample)",
            currency=currency,
            amount=_amount(amount),
            user=user,
            is_sample=True,
            **links,
        )
        written += 1

    for year in YEARS:
        for n, code in enumerate(sorted(outputs)):
            spend(code, CostCategory.STAFF, D(year, 12, 15), f"Project team, output {code}, {year}", 30_000 + 1_500 * n)
        spend(EVENTS_OUTPUT, CostCategory.EXPERTS, D(year, 11, 20), f"Expert fees, output 2, {year}", 10_000)
    spend("2", CostCategory.EXPERTS, D(2018, 2, 1), "Expert fee invoiced in USD", 9_800, currency="USD")
    workshop = Event.objects.filter(slug=WORKSHOP).first()
    if workshop is not None:
        spend(
            EVENTS_OUTPUT,
            CostCategory.EVENTS,
            workshop.ends_on,
            "Venue and catering, workshop in Georgia",
            6_500,
            event=workshop,
        )
    mission = Advice.objects.filter(is_sample=True, country__iso2=ADVICE_COUNTRY).order_by("starts_on").first()
    if mission is not None:
        spend(
            EVENTS_OUTPUT, CostCategory.EXPERTS, mission.ends_on, "Expert fees, advisory mission", 7_200, advice=mission
        )
    spend(
        "1",
        CostCategory.EQUIPMENT,
        D(2019, 11, 4),
        "Forensic laptops ordered",
        18_000,
        status=ExpenditureStatus.COMMITTED,
    )
    return written


@transaction.atomic
def load_sample_funding(*, finance) -> dict | None:
    """Sample money for the sample programme, recorded by `finance` (the sample finance officer), unless it is there
    (None then, or when the sample programme is not loaded). Nothing is written on a real programme."""
    programme = Programme.objects.filter(code=PROGRAMME, is_sample=True).first()
    if programme is None or Contribution.objects.filter(programme=programme, is_sample=True).exists():
        return None
    outputs = {node.code: node for node in programme.nodes.filter(level=Level.OUTPUT, code__in=["1", EVENTS_OUTPUT])}
    rate_count = _record_rates(finance)
    donors = _donors(finance)
    contribution_count, earmark_count = _write_contributions(programme, donors, outputs, finance)
    budgets = _write_budget(programme, outputs, finance)
    typed = _write_expenditure(programme, outputs, finance)
    # Costs of events serving an activity go to that activity's output; any other to the events' output.
    events_output = outputs[EVENTS_OUTPUT]
    synced = budget.sync_costs(programme, user=finance, outputs=dict.fromkeys(("1", "2", "3"), events_output))
    return {
        "donors": len(donors),
        "rates": rate_count,
        "contributions": contribution_count,
        "earmarks": earmark_count,
        "budgets": budgets,
        "expenditure": typed,
        "synced": synced,
    }
