"""What the funding app counts, for the results framework and reports (DESIGN.md §4; issue 7).

All in EUR (Decimal, to the cent), from the stored EUR columns. Every metric counts the money of the programmes of
the reading (`lib.metrics.scope`: a programme's indicators count only its own money; every programme outside a
programme's reading) and leaves out sample rows unless the reading counts them; an explicit `programme` (its code)
wins over the reading's programmes:
- `funding.pledged`: Σ EUR of the contributions pledged in the period (not cancelled); by donor.
- `funding.received`: Σ EUR of the receipts with a value date in the period; by donor.
- `funding.spent`: Σ EUR of the expenditure spent (status spent) in the period; by output and by cost category.
- `funding.gap`: on the period's last day, the budget ceiling minus what was signed by then, not below 0 (per
  programme, then summed); the drill-down lists the signed contributions it deducts.
- `funding.budget_spent_share` (`output`: an output's code, e.g. "3"): the % of that output's current budget (the
  lines of the latest budget adopted by the period's end) spent by the period's end (its activities included);
  None without a budget for it.

Within one reading, each metric reads its rows once (`lib.metrics.memo`) and computes every period from them.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from octopus.funding.models import (
    BudgetLine,
    Contribution,
    ContributionStatus,
    CostCategory,
    Expenditure,
    ExpenditureStatus,
    Receipt,
)
from octopus.funding.queries import ZERO, percent
from octopus.lib.metrics import Metric, MetricError, memo, registry, scope
from octopus.results.models import Level, Programme

PROGRAMME = {"programme": str}
SIGNED = (ContributionStatus.SIGNED, ContributionStatus.CLOSED)


def _programmes(code: str) -> dict[int, Decimal]:
    """Programme id → budget ceiling: the programme asked for by its code (an explicit code wins), else the
    programmes of the reading (`scope().programmes`; every programme outside a programme's reading)."""
    programmes = scope().programmes

    def load():
        if code:
            rows = Programme.objects.filter(code=code)
        elif programmes is not None:
            rows = Programme.objects.filter(pk__in=list(programmes))
        else:
            rows = Programme.objects.all()
        return dict(rows.values_list("pk", "budget_ceiling"))

    found = memo(("funding.programmes", code), load)
    if code and not found:
        raise MetricError(f"Unknown programme {code!r} (give its code, e.g. cybercrime-octopus).")
    return found


def _counted(queryset, *sample_fields: str):
    """`queryset` without sample rows unless the reading counts them (a real programme's reading never does)."""
    if scope().sample:
        return queryset
    return queryset.filter(**dict.fromkeys(sample_fields or ("is_sample",), False))


def _contributions() -> list[tuple]:
    """(programme, donor name, status, pledged on, pledged EUR, signed on, signed EUR) of every contribution."""
    return memo(
        "funding.contributions",
        lambda: list(
            _counted(Contribution.objects.all()).values_list(
                "programme_id", "donor__name", "status", "pledged_on", "pledged_eur", "signed_on", "signed_eur"
            )
        ),
    )


RECEIPT_SAMPLE = ("is_sample", "contribution__is_sample")


def _receipts() -> list[tuple]:
    return memo(
        "funding.receipts",
        lambda: list(
            _counted(Receipt.objects.all(), *RECEIPT_SAMPLE).values_list(
                "contribution__programme_id", "contribution__donor__name", "received_on", "eur"
            )
        ),
    )


def _output_code(code: str, level: str, parent: str | None) -> str:
    return parent if level == Level.ACTIVITY and parent else code


def _spending() -> list[tuple]:
    """(programme, output code, category, status, day, EUR) of all expenditure; activities rolled up to outputs."""

    def load():
        rows = _counted(Expenditure.objects.all()).values_list(
            "programme_id", "node__code", "node__level", "node__parent__code", "category", "status", "spent_on", "eur"
        )
        return [
            (p, _output_code(code, level, parent), cat, st, day, eur)
            for p, code, level, parent, cat, st, day, eur in rows
        ]

    return memo("funding.spending", load)


def _budget_lines() -> list[tuple]:
    """(programme, budget number, adopted on, output code, EUR) of every budget line."""

    def load():
        rows = _counted(BudgetLine.objects.all(), "budget__is_sample").values_list(
            "budget__programme_id",
            "budget__number",
            "budget__adopted_on",
            "node__code",
            "node__level",
            "node__parent__code",
            "amount_eur",
        )
        return [(p, n, day, _output_code(code, level, parent), eur) for p, n, day, code, level, parent, eur in rows]

    return memo("funding.budget_lines", load)


def _sum(values) -> Decimal:
    return sum(values, ZERO)


# --- pledged -------------------------------------------------------------------------------------------------------


def _pledged_rows(start, end, programme):
    wanted = _programmes(programme)
    return [
        row
        for row in _contributions()
        if row[0] in wanted and start <= row[3] <= end and row[2] != ContributionStatus.CANCELLED
    ]


def pledged(start: datetime.date, end: datetime.date, programme: str = "") -> Decimal:
    return _sum(row[4] for row in _pledged_rows(start, end, programme))


def pledged_by_donor(start, end, programme: str = "") -> dict[str, Decimal]:
    found = defaultdict(lambda: ZERO)
    for row in _pledged_rows(start, end, programme):
        found[row[1]] += row[4]
    return dict(found)


def pledged_records(start, end, programme: str = ""):
    return (
        _counted(
            Contribution.objects.filter(programme__in=list(_programmes(programme)), pledged_on__range=(start, end))
        )
        .exclude(status=ContributionStatus.CANCELLED)
        .select_related("donor", "programme")
        .order_by("pledged_on", "pk")
    )


# --- received ------------------------------------------------------------------------------------------------------


def _received_rows(start, end, programme):
    wanted = _programmes(programme)
    return [row for row in _receipts() if row[0] in wanted and start <= row[2] <= end]


def received(start: datetime.date, end: datetime.date, programme: str = "") -> Decimal:
    return _sum(row[3] for row in _received_rows(start, end, programme))


def received_by_donor(start, end, programme: str = "") -> dict[str, Decimal]:
    found = defaultdict(lambda: ZERO)
    for row in _received_rows(start, end, programme):
        found[row[1]] += row[3]
    return dict(found)


def received_records(start, end, programme: str = ""):
    return (
        _counted(
            Receipt.objects.filter(
                contribution__programme__in=list(_programmes(programme)), received_on__range=(start, end)
            ),
            *RECEIPT_SAMPLE,
        )
        .select_related("contribution__donor")
        .order_by("received_on", "pk")
    )


# --- spent ---------------------------------------------------------------------------------------------------------


def _spent_rows(start, end, programme):
    wanted = _programmes(programme)
    return [
        row for row in _spending() if row[0] in wanted and row[3] == ExpenditureStatus.SPENT and start <= row[4] <= end
    ]


def spent(start: datetime.date, end: datetime.date, programme: str = "") -> Decimal:
    return _sum(row[5] for row in _spent_rows(start, end, programme))


def _spent_by(index: int, labels: dict | None = None):
    def breakdown(start, end, programme: str = "") -> dict[str, Decimal]:
        found = defaultdict(lambda: ZERO)
        for row in _spent_rows(start, end, programme):
            key = row[index]
            found[str(labels.get(key, key)) if labels else key] += row[5]
        return dict(found)

    return breakdown


def spent_records(start, end, programme: str = ""):
    return (
        _counted(
            Expenditure.objects.filter(
                programme__in=list(_programmes(programme)), status=ExpenditureStatus.SPENT, spent_on__range=(start, end)
            )
        )
        .select_related("node")
        .order_by("spent_on", "pk")
    )


# --- gap -----------------------------------------------------------------------------------------------------------


def _signed_by(end, programme_id) -> Decimal:
    return _sum(
        row[6]
        for row in _contributions()
        if row[0] == programme_id and row[2] in SIGNED and row[5] is not None and row[5] <= end and row[6] is not None
    )


def gap(start: datetime.date, end: datetime.date, programme: str = "") -> Decimal:
    return _sum(max(ceiling - _signed_by(end, pk), ZERO) for pk, ceiling in _programmes(programme).items())


def gap_records(start, end, programme: str = ""):
    return (
        _counted(
            Contribution.objects.filter(
                programme__in=list(_programmes(programme)),
                status__in=SIGNED,
                signed_on__lte=end,
                signed_eur__isnull=False,
            )
        )
        .select_related("donor", "programme")
        .order_by("signed_on", "pk")
    )


# --- share of the budget spent per output ----------------------------------------------------------------------------


def _current_budgets(end, wanted) -> dict[int, int]:
    """Programme → the number of its latest budget adopted on or before `end`."""
    latest: dict[int, int] = {}
    for programme_id, number, adopted_on, _code, _eur in _budget_lines():
        if programme_id in wanted and adopted_on <= end and number > latest.get(programme_id, 0):
            latest[programme_id] = number
    return latest


def _check_output(output: str) -> str:
    if not output:
        raise MetricError('Give the output\'s code (output, e.g. "3").')
    return output


def budget_spent_share(start: datetime.date, end: datetime.date, output: str = "", programme: str = ""):
    output = _check_output(output)
    wanted = _programmes(programme)
    latest = _current_budgets(end, wanted)
    budget = _sum(eur for p, number, _day, code, eur in _budget_lines() if code == output and latest.get(p) == number)
    used = _sum(
        row[5]
        for row in _spending()
        if row[0] in wanted and row[1] == output and row[3] == ExpenditureStatus.SPENT and row[4] <= end
    )
    return percent(used, budget)


def budget_spent_records(start, end, output: str = "", programme: str = ""):
    output = _check_output(output)
    node = Q(node__code=output) | Q(node__parent__code=output, node__level=Level.ACTIVITY)
    return (
        _counted(
            Expenditure.objects.filter(
                node, programme__in=list(_programmes(programme)), status=ExpenditureStatus.SPENT, spent_on__lte=end
            )
        )
        .select_related("node")
        .order_by("spent_on", "pk")
    )


SUM = "sum of EUR"
# Money adds up every donor's amounts: only staff and the finance officer see these figures on any results page.
MONEY_READERS = "funding.view_position"

registry.register(
    Metric(
        key="funding.pledged",
        restricted_to=MONEY_READERS,
        title="Funds pledged (EUR)",
        value=pledged,
        drilldown=pledged_records,
        breakdown={"donor": pledged_by_donor},
        aggregate=SUM,
        params=PROGRAMME,
        description="EUR value of the contributions pledged in the period (not cancelled); programme = its code.",
    )
)
registry.register(
    Metric(
        key="funding.received",
        restricted_to=MONEY_READERS,
        title="Funds received (EUR)",
        value=received,
        drilldown=received_records,
        breakdown={"donor": received_by_donor},
        aggregate=SUM,
        params=PROGRAMME,
        description="EUR value, at the value date, of the instalments received in the period.",
    )
)
registry.register(
    Metric(
        key="funding.spent",
        restricted_to=MONEY_READERS,
        title="Funds spent (EUR)",
        value=spent,
        drilldown=spent_records,
        breakdown={"output": _spent_by(1), "category": _spent_by(2, dict(CostCategory.choices))},
        aggregate=SUM,
        params=PROGRAMME,
        description="EUR spent (expenditure with status spent) in the period; commitments are not counted.",
    )
)
registry.register(
    Metric(
        key="funding.gap",
        restricted_to=MONEY_READERS,
        title="Funding gap (EUR)",
        value=gap,
        drilldown=gap_records,
        aggregate="budget ceiling minus EUR signed",
        params=PROGRAMME,
        description="On the period's last day: the budget ceiling minus the contributions signed by then, not "
        "below 0. The drill-down lists the signed contributions.",
    )
)
registry.register(
    Metric(
        key="funding.budget_spent_share",
        restricted_to=MONEY_READERS,
        title="Share of the output's budget spent (%)",
        value=budget_spent_share,
        drilldown=budget_spent_records,
        aggregate="percent",
        params={"output": str, **PROGRAMME},
        description="Of the output's current budget (the latest adopted by the period's end), the % spent by the "
        'period\'s end, its activities included; output = its code, e.g. "3".',
    )
)
