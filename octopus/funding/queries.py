"""The funding position of a programme as at a day (issue 7; definitions in the funding briefing).

- Pledged: Σ `pledged_eur` of the contributions not cancelled, pledged on or before the day.
- Signed: Σ `signed_eur` of those signed or closed, the agreement signed on or before the day.
- Received: Σ the receipts' `eur` with a value date on or before the day (money in stays in, even when the
  contribution was cancelled later).
- Spent / Committed: Σ the expenditure's `eur` with that status, dated on or before the day.
- Available = Received − Spent − Committed; Funding gap = ceiling − Signed, not below 0.
- Burn rate: spent in the 12 months up to the day (the day a year before excluded) / 12, per month, to the cent;
  None, with what is missing (`Position.missing`), when no expenditure is recorded yet or the first was less than
  `MIN_MONTHS` months before the day (too short a record to give a rate).
- Runs out: the day Available is used up at that burn rate (the day asked when nothing is available). None, with
  what is missing, without a burn rate or when nothing was spent in the last 12 months. Shown as its month.
- Budget: the lines of the latest budget adopted on or before the day.
- Earmarked: an earmark is in the contribution's currency; its EUR value uses the rate of the binding step as at
  the day (the agreement's rate once signed, else the pledge's), rounded to the cent per contribution.

Every table is read from a grouped SQL query at its finest grain (output × category × year for the budget and
expenditure, donor × year for receipts) and rolled up in Python with Decimals; the totals are separate SQL
aggregates, so that "a total equals the sum of its rows" is a checked fact, not a tautology. The number of queries
does not depend on how many rows there are.

A donor's view (`donor_codes`): every figure is restricted to those donors' contributions — pledged, signed,
received and earmarked. Spending is not attributable to a donor (money is pooled), and the ceiling and the gap are
the programme's, so in a donor's view they are None and the budget, output and category tables are empty; the
year table shows what the donor's money did: received only.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Min, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from octopus.funding.models import (
    Budget,
    BudgetLine,
    Contribution,
    ContributionStatus,
    CostCategory,
    Earmark,
    Expenditure,
    ExpenditureStatus,
    Receipt,
)
from octopus.funding.money import cents, to_eur
from octopus.results.models import Level, ResultNode

ZERO = Decimal("0.00")
MONTH_DAYS = Decimal("365.25") / 12
MIN_MONTHS = 3  # a burn rate needs at least this many months of expenditure behind it
AMOUNT = DecimalField(max_digits=14, decimal_places=2)


def total(field_name: str, **filters):
    """Σ of a stored EUR column (0.00 when there are none), optionally over the rows matching `filters`."""
    condition = Q(**filters) if filters else None
    return Coalesce(Sum(field_name, filter=condition), Value(ZERO), output_field=AMOUNT)


@dataclass
class DonorRow:
    code: str
    name: str
    pledged: Decimal = ZERO
    signed: Decimal = ZERO
    received: Decimal = ZERO
    earmarked: Decimal = ZERO


@dataclass
class OutputRow:
    code: str
    title: str
    budget: Decimal = ZERO
    spent: Decimal = ZERO
    committed: Decimal = ZERO

    @property
    def share_spent(self) -> Decimal | None:
        """% of the budget spent, to one decimal; None without a budget."""
        return percent(self.spent, self.budget)


@dataclass
class YearRow:
    year: int
    budget: Decimal = ZERO
    received: Decimal = ZERO
    spent: Decimal = ZERO
    committed: Decimal = ZERO


@dataclass
class CategoryRow:
    category: str
    label: str
    budget: Decimal = ZERO
    spent: Decimal = ZERO
    committed: Decimal = ZERO


@dataclass
class Position:
    programme: object
    at: datetime.date
    donor_view: bool
    ceiling: Decimal | None
    budget: Budget | None  # the budget in force on `at`
    budget_total: Decimal | None
    pledged: Decimal
    signed: Decimal
    received: Decimal
    earmarked: Decimal
    spent: Decimal | None
    committed: Decimal | None
    available: Decimal | None
    gap: Decimal | None
    spent_last_12_months: Decimal | None
    burn_rate: Decimal | None
    runs_out: datetime.date | None
    sample_rows: int = 0  # rows flagged as sample data behind the figures: the page says so
    # Figure → what is missing for it to mean anything ("no expenditure recorded yet"), for a figure left None:
    # the page, the exports and the API show this text instead of a number.
    missing: dict[str, str] = field(default_factory=dict)
    unit_costs: list = field(default_factory=list)  # [UnitCost], when the caller asks for them (`cost_per_unit`)
    donors: list[DonorRow] = field(default_factory=list)
    outputs: list[OutputRow] = field(default_factory=list)
    years: list[YearRow] = field(default_factory=list)
    categories: list[CategoryRow] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Nothing recorded yet that the position could show."""
        return not (self.donors or self.budget or self.spent or self.committed)

    @property
    def share_spent(self) -> Decimal | None:
        """% of the current budget spent."""
        return percent(self.spent, self.budget_total)

    @property
    def gap_share(self) -> Decimal | None:
        return percent(self.gap, self.ceiling) if self.gap is not None else None


def percent(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def year_before(day: datetime.date) -> datetime.date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def runs_out_on(at: datetime.date, available: Decimal, burn_rate: Decimal | None) -> datetime.date | None:
    if burn_rate is None or burn_rate <= 0:
        return None
    if available <= 0:
        return at
    days = int(available / burn_rate * MONTH_DAYS)
    try:
        return at + datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.max


def output_of(nodes: dict[int, tuple], node_id: int) -> int:
    """The output a node belongs to: itself when it is an output (or the objective), else its nearest output."""
    seen = set()
    current = node_id
    while current in nodes and current not in seen:
        seen.add(current)
        level, parent = nodes[current][2], nodes[current][3]
        if level != Level.ACTIVITY or parent is None:
            return current
        current = parent
    return node_id


def _contributions(programme, at, donor_codes):
    rows = Contribution.objects.filter(programme=programme, pledged_on__lte=at)
    if donor_codes is not None:
        rows = rows.filter(donor__code__in=list(donor_codes))
    return rows


def funding_position(programme, at: datetime.date, *, donor_codes=None) -> Position:
    """The position of `programme` as at `at` (rows dated on or before it), in a fixed number of queries: 10, or 5
    in a donor's view."""
    donor_view = donor_codes is not None
    contributions = _contributions(programme, at, donor_codes)
    live = ~Q(status=ContributionStatus.CANCELLED)
    signed_filter = Q(status__in=[ContributionStatus.SIGNED, ContributionStatus.CLOSED], signed_on__lte=at) & Q(
        signed_eur__isnull=False
    )
    receipts = Receipt.objects.filter(contribution__programme=programme, received_on__lte=at)
    if donor_view:
        receipts = receipts.filter(contribution__donor__code__in=list(donor_codes))

    # 1. totals of contributions; 2. by donor.
    totals = contributions.aggregate(
        sample=Count("pk", filter=Q(is_sample=True)),
        pledged=Coalesce(Sum("pledged_eur", filter=live), Value(ZERO), output_field=AMOUNT),
        signed=Coalesce(Sum("signed_eur", filter=signed_filter), Value(ZERO), output_field=AMOUNT),
    )
    donors: dict[int, DonorRow] = {}
    by_donor = (
        contributions.values("donor_id", "donor__code", "donor__name")
        .annotate(
            pledged=Coalesce(Sum("pledged_eur", filter=live), Value(ZERO), output_field=AMOUNT),
            signed=Coalesce(Sum("signed_eur", filter=signed_filter), Value(ZERO), output_field=AMOUNT),
        )
        .order_by()
    )
    for row in by_donor:
        donors[row["donor_id"]] = DonorRow(row["donor__code"], row["donor__name"], row["pledged"], row["signed"])

    # 3. received in total; 4. by donor and year.
    receipt_totals = receipts.aggregate(eur=total("eur"), sample=Count("pk", filter=Q(is_sample=True)))
    received = receipt_totals["eur"]
    received_by_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_donor_year = (
        receipts.values("contribution__donor_id", "contribution__donor__code", "contribution__donor__name")
        .annotate(year=ExtractYear("received_on"), eur=total("eur"))
        .order_by()
    )
    for row in by_donor_year:
        donor = donors.setdefault(
            row["contribution__donor_id"],
            DonorRow(row["contribution__donor__code"], row["contribution__donor__name"]),
        )
        donor.received += row["eur"]
        received_by_year[row["year"]] += row["eur"]

    # 5. earmarks by contribution, converted at the binding step's rate as at the day.
    binding_rate = Case(
        When(Q(signed_on__lte=at) & Q(signed_rate__isnull=False), then=F("signed_rate__units_per_eur")),
        When(signed_on__lte=at, then=Value(None)),
        default=F("pledged_rate__units_per_eur"),
        output_field=DecimalField(max_digits=18, decimal_places=8),
    )
    earmark_sums = Earmark.objects.filter(contribution=OuterRef("pk")).values("contribution").annotate(s=Sum("amount"))
    earmarks = (
        contributions.filter(live)
        .annotate(earmarked=Subquery(earmark_sums.values("s")[:1], output_field=AMOUNT), rate=binding_rate)
        .filter(earmarked__isnull=False)
        .values_list("donor_id", "earmarked", "rate")
    )
    earmarked = ZERO
    for donor_id, amount, rate in earmarks:
        eur = cents(amount) if rate is None else to_eur(amount, rate)
        donors[donor_id].earmarked += eur
        earmarked += eur

    donor_rows = sorted(donors.values(), key=lambda row: (row.name.lower(), row.code))
    position = Position(
        programme=programme,
        at=at,
        donor_view=donor_view,
        ceiling=None,
        budget=None,
        budget_total=None,
        pledged=totals["pledged"],
        signed=totals["signed"],
        received=received,
        earmarked=earmarked,
        spent=None,
        committed=None,
        available=None,
        gap=None,
        spent_last_12_months=None,
        burn_rate=None,
        runs_out=None,
        donors=donor_rows,
        sample_rows=totals["sample"] + receipt_totals["sample"],
    )
    if donor_view:
        position.years = [YearRow(year, received=eur) for year, eur in sorted(received_by_year.items())]
        return position
    _add_spending(position, programme, at, received_by_year)
    return position


def _add_spending(position: Position, programme, at: datetime.date, received_by_year) -> None:
    """The programme-wide part: the budget in force, expenditure, the gap and the burn rate (queries 6–10)."""
    # 6. the budget in force; 7. its lines; 8. the programme's boxes (to roll activities up to outputs).
    latest = Budget.objects.filter(programme=programme, adopted_on__lte=at).order_by("-number")
    position.budget = latest.first()
    lines = (
        BudgetLine.objects.filter(budget_id=Subquery(latest.values("pk")[:1]))
        .values("node_id", "category", "year")
        .annotate(eur=total("amount_eur"))
        .order_by()
    )
    nodes = {
        pk: (code, title, level, parent, order)
        for pk, code, title, level, parent, order in ResultNode.objects.filter(programme=programme).values_list(
            "pk", "code", "title", "level", "parent_id", "order"
        )
    }
    expenditure = Expenditure.objects.filter(programme=programme, spent_on__lte=at)
    # 9. expenditure at its finest grain; 10. its totals.
    spending = (
        expenditure.values("node_id", "category", "status")
        .annotate(year=ExtractYear("spent_on"), eur=total("eur"))
        .order_by()
    )
    window = year_before(at)
    sums = expenditure.aggregate(
        spent=total("eur", status=ExpenditureStatus.SPENT),
        committed=total("eur", status=ExpenditureStatus.COMMITTED),
        last_12=total("eur", status=ExpenditureStatus.SPENT, spent_on__gt=window),
        sample=Count("pk", filter=Q(is_sample=True)),
        first_spent=Min("spent_on", filter=Q(status=ExpenditureStatus.SPENT)),
    )

    outputs: dict[int, OutputRow] = {}
    years: dict[int, YearRow] = {year: YearRow(year, received=eur) for year, eur in received_by_year.items()}
    categories = {value: CategoryRow(value, str(label)) for value, label in CostCategory.choices}

    def output_row(node_id) -> OutputRow:
        key = output_of(nodes, node_id)
        if key not in outputs:
            code, title = nodes[key][:2] if key in nodes else ("?", "")
            outputs[key] = OutputRow(code, title)
        return outputs[key]

    budget_total = ZERO
    for line in lines:
        output_row(line["node_id"]).budget += line["eur"]
        years.setdefault(line["year"], YearRow(line["year"])).budget += line["eur"]
        categories[line["category"]].budget += line["eur"]
        budget_total += line["eur"]
    for row in spending:
        attribute = "spent" if row["status"] == ExpenditureStatus.SPENT else "committed"
        for target in (
            output_row(row["node_id"]),
            years.setdefault(row["year"], YearRow(row["year"])),
            categories[row["category"]],
        ):
            setattr(target, attribute, getattr(target, attribute) + row["eur"])

    # Outputs of the logframe with no money yet are shown too, so none is missed.
    for pk, (_code, _title, level, _parent, _order) in nodes.items():
        if level == Level.OUTPUT:
            output_row(pk)
    order = {pk: (values[4], values[0]) for pk, values in nodes.items()}
    position.outputs = [outputs[key] for key in sorted(outputs, key=lambda key: order.get(key, (10**9, "")))]
    position.years = [years[year] for year in sorted(years)]
    position.categories = list(categories.values())
    position.sample_rows += sums["sample"] + (1 if position.budget and position.budget.is_sample else 0)
    position.ceiling = programme.budget_ceiling
    position.budget_total = budget_total if position.budget else None
    position.spent, position.committed = sums["spent"], sums["committed"]
    position.available = available = position.received - position.spent - position.committed
    position.gap = max(position.ceiling - position.signed, ZERO)
    position.spent_last_12_months = sums["last_12"]
    _add_burn_rate(position, available, sums["last_12"], sums["first_spent"])


def _add_burn_rate(position: Position, available: Decimal, last_12: Decimal, first_spent: datetime.date | None) -> None:
    """The burn rate and the month money runs out, or what is missing for them to mean anything."""
    at = position.at
    if first_spent is None:
        position.missing["burn_rate"] = str(_("no expenditure recorded yet"))
    elif first_spent > add_months(at, -MIN_MONTHS):
        position.missing["burn_rate"] = str(
            _("fewer than %(months)s months of expenditure recorded (the first on %(day)s)")
            % {"months": MIN_MONTHS, "day": first_spent.isoformat()}
        )
    else:
        position.burn_rate = cents(last_12 / 12)
    if position.burn_rate is None:
        position.missing["runs_out"] = str(
            _("no burn rate yet (%(reason)s)") % {"reason": position.missing["burn_rate"]}
        )
    elif available <= 0:
        position.runs_out = at  # nothing left: it has run out
    elif position.burn_rate <= 0:
        position.missing["runs_out"] = str(_("nothing spent in the last 12 months: no rate to project"))
    else:
        position.runs_out = runs_out_on(at, available, position.burn_rate)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier when negative), the month's last day when it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last))


# --- cost per output unit ----------------------------------------------------------------------------------------

WORKSHOP_KINDS = ["in_country_workshop", "regional_workshop"]
TRAINING_KINDS = ["training", "in_country_workshop", "regional_workshop"]


# What a cost per unit lacks to mean anything: no unit recorded for the programme, or no spending attributed.
NO_UNITS = {
    "workshop": _("no workshops recorded for this programme"),
    "participant": _("no participants at trainings or workshops recorded for this programme"),
    "country": _("no legislative advice recorded for this programme"),
}
NO_SPENDING = {
    "workshop": _("no spending on output 3 recorded for this programme"),
    "participant": _("no spending linked to trainings or workshops recorded for this programme"),
    "country": _("no spending linked to legislative advice recorded for this programme"),
}


@dataclass
class UnitCost:
    key: str
    label: StrOrPromise
    spent: Decimal
    units: int
    unit_label: StrOrPromise

    @property
    def missing(self) -> str:
        """What is missing for the cost per unit to mean anything ("" when nothing is)."""
        if not self.units:
            return str(NO_UNITS[self.key])
        if not self.spent:
            return str(NO_SPENDING[self.key])
        return ""

    @property
    def per_unit(self) -> Decimal | None:
        """EUR per unit, to the cent; None when a unit or the spending is missing (`missing` says which)."""
        return None if self.missing else cents(self.spent / self.units)


def cost_per_unit(programme, at: datetime.date) -> list[UnitCost]:
    """EUR spent (status spent, on or before `at`) per workshop held, per participant trained and per country
    advised, counting units from the programme's start to `at` through the metric registry, in a reading of this
    programme alone (its own events and advice; no sample record for a real programme). Per workshop: spent on
    output 3 (its activities included) / workshops held (in-country and regional); per participant: spent on
    trainings and workshops (expenditure linked to such events) / distinct participants at them; per country:
    spent linked to legislative advice / countries advised. Sample expenditure counts only for a sample programme."""
    from octopus.lib.metrics import reading, registry
    from octopus.results.assignments import programme_scope

    start = min(programme.starts_on, at)
    spent = Expenditure.objects.filter(programme=programme, status=ExpenditureStatus.SPENT, spent_on__lte=at)
    if not programme.is_sample:
        spent = spent.filter(is_sample=False)
    output_3 = Q(node__code="3") | Q(node__parent__code="3", node__level=Level.ACTIVITY)
    sums = spent.aggregate(
        output_3=Coalesce(Sum("eur", filter=output_3), Value(ZERO), output_field=AMOUNT),
        training=total("eur", event__kind__in=TRAINING_KINDS),
        advice=total("eur", advice__isnull=False),
    )
    with reading(programme_scope(programme)):
        workshops = int(registry.evaluate("events.held", start, at, kinds=WORKSHOP_KINDS) or 0)
        trained = int(registry.evaluate("events.participants", start, at, kinds=TRAINING_KINDS) or 0)
        advised = int(registry.evaluate("legislation.countries_advised", start, at) or 0)
    return [
        UnitCost("workshop", _("per workshop held"), sums["output_3"], workshops, _("workshops held")),
        UnitCost("participant", _("per participant trained"), sums["training"], trained, _("participants trained")),
        UnitCost("country", _("per country advised"), sums["advice"], advised, _("countries advised")),
    ]
