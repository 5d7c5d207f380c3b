"""Reading a programme's results: the logframe in force on a date and every indicator's values, live.

`programme_results` is what the dashboard, the IPTT, the API and snapshots read. It runs a fixed number of
queries whatever the number of records: five for the logframe, targets and manual values, then each computed
indicator's metric once over all its periods (`registry.evaluate_series`).
"""

import datetime
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _

from octopus.lib.metrics import PROGRAMME, MetricError, Official, reading, registry, scope
from octopus.results.assignments import programme_scope
from octopus.results.calculations import Forecast, Goal, Status, accumulate, as_decimal, assess, forecast, percent_of
from octopus.results.models import (
    Accumulation,
    Assumption,
    AssumptionReview,
    AssumptionStatus,
    Indicator,
    Level,
    LogframeVersion,
    ManualValue,
    Measure,
    Programme,
    ResultNode,
    Target,
    ValueStatus,
)
from octopus.results.periods import LIFE, Period, periods_of


def get_programme_for_user(user, code: str) -> Programme:
    """The programme `code` if the user may read it; 404 otherwise, the same as for one that does not exist, so a
    donor learns nothing of what it does not fund."""
    programme = Programme.objects.filter(code=code).first()
    if programme is None or not user.has_perm("results.view_programme", programme):
        raise Http404(_("No programme “%(code)s”.") % {"code": code})
    return programme


def version_in_force(versions: list[LogframeVersion], at: datetime.date) -> LogframeVersion:
    """The version whose validity covers `at`; before the first one starts, the first one."""
    ordered = sorted(versions, key=lambda v: v.valid_from)
    current = ordered[0]
    for version in ordered:
        if version.valid_from <= at:
            current = version
    return current


def versions_at(
    programme: Programme, at: datetime.date, version: LogframeVersion | None = None
) -> tuple[LogframeVersion, list[LogframeVersion], dict[int, int]]:
    """The version to read (the one in force on `at` unless given), every version by number, and pk → number."""
    versions = sorted(programme.versions.all(), key=lambda v: v.number)
    return version or version_in_force(versions, at), versions, {v.pk: v.number for v in versions}


def indicator_source(indicator: Indicator) -> str:
    """Where an indicator's values come from: "manual", "metric", or "awaiting" while its metric is not registered."""
    if indicator.manual:
        return "manual"
    return "metric" if indicator.metric_key in registry else "awaiting"


def in_version(item, version: LogframeVersion, numbers: dict[int, int]) -> bool:
    """Whether a node or indicator belongs to the logframe of `version` (introduced by then, not yet retired)."""
    if numbers[item.introduced_in_id] > version.number:
        return False
    return item.retired_in_id is None or numbers[item.retired_in_id] > version.number


@dataclass
class PeriodResult:
    period: Period
    goal: Goal | None
    actual: Decimal | None
    percent: Decimal | None
    status: Status
    label: str = ""  # an ordinal value's step of the scale
    # A computed indicator whose period has a published figure (an approved value with its source as evidence, for
    # what no list of records holds, e.g. a past conference's participants): `actual` is that figure and
    # `recorded` what the records give, shown beside it.
    published: bool = False
    recorded: Decimal | None = None
    official: list[Official] = field(default_factory=list)  # published counterparts dated within the period

    @property
    def reconciles(self) -> bool:
        """No published or official figure differs from what the records give."""
        return all(o.difference == 0 for o in self.official) and (not self.published or self.recorded == self.actual)


@dataclass
class IndicatorResult:
    indicator: Indicator
    source: str  # "metric", "manual" or "awaiting"
    baseline: Decimal | None
    periods: list[PeriodResult]
    to_date: PeriodResult  # the value so far against the life-of-programme target
    forecast: Forecast | None = None
    cumulative: list[tuple[Period, Decimal | None]] = field(default_factory=list)  # for charts
    latest_text: str = ""  # qualitative indicators: the latest approved finding
    problem: str = ""
    reach: str = PROGRAMME  # "global": about all States, not only those the programme assisted
    narrowed: bool = False  # a global measure narrowed to the countries the programme assisted

    @property
    def unit(self) -> str:
        return self.indicator.unit or ("%" if self.indicator.measure == Measure.PERCENT else "")

    @property
    def awaiting(self) -> bool:
        return self.source == "awaiting"

    def period(self, key: str) -> PeriodResult | None:
        if key == LIFE:
            return self.to_date
        return next((p for p in self.periods if p.period.key == key), None)


@dataclass
class NodeResults:
    node: ResultNode
    indicators: list[IndicatorResult]


@dataclass
class ProgrammeResults:
    programme: Programme
    version: LogframeVersion
    versions: list[LogframeVersion]
    at: datetime.date
    life: Period
    nodes: list[NodeResults]

    @property
    def indicators(self) -> list[IndicatorResult]:
        return [row for node in self.nodes for row in node.indicators]

    @property
    def ended(self) -> bool:
        """The figures are read on or after the programme's end: statuses are final, nothing is forecast."""
        return self.at >= self.life.end

    def indicator(self, pk: int) -> IndicatorResult | None:
        return next((row for row in self.indicators if row.indicator.pk == pk), None)

    def status_counts(self) -> dict[Status, int]:
        counts: dict[Status, int] = defaultdict(int)
        for row in self.indicators:
            counts[row.to_date.status] += 1
        return dict(counts)


def withheld_from(reader, indicator: Indicator) -> bool:
    """The indicator counts with a metric whose figures `reader` may not see (money, for a donor or a focal
    point: it adds up every donor's amounts)."""
    if reader is None or indicator.metric_key not in registry:
        return False
    restricted_to = registry.get(indicator.metric_key).restricted_to
    return bool(restricted_to) and not reader.has_perm(restricted_to)


def programme_results(
    programme: Programme,
    at: datetime.date,
    *,
    version: LogframeVersion | None = None,
    only: set[int] | None = None,
    reader=None,
) -> ProgrammeResults:
    """Every indicator of the logframe in force on `at` (or of `version`), valued as things stood on `at`. With a
    `reader`, the indicators whose figures it may not see are left out."""
    version, versions, numbers = versions_at(programme, at, version)
    life = Period(programme.starts_on, version.ends_on, LIFE)
    nodes = [n for n in programme.nodes.all() if in_version(n, version, numbers)]
    indicators = [
        i
        for i in Indicator.objects.filter(node__programme=programme).select_related("node")
        if in_version(i, version, numbers) and (only is None or i.pk in only) and not withheld_from(reader, i)
    ]
    # indicator → (period kind, period start) → its goal / approved value
    targets: defaultdict[int, dict[tuple[str, datetime.date], Goal]] = defaultdict(dict)
    for target in Target.objects.filter(logframe_version=version, indicator__node__programme=programme):
        goal = Goal(target.comparator, target.value, target.upper)
        targets[target.indicator_id][(target.period_kind, target.period_start)] = goal
    manual: defaultdict[int, dict[tuple[str, datetime.date], Decimal | None]] = defaultdict(dict)
    texts = {}
    approved = ManualValue.objects.filter(
        indicator__node__programme=programme, status=ValueStatus.APPROVED, category="", period_start__lte=at
    ).order_by("period_start")
    for value in approved:
        manual[value.indicator_id][(value.period_kind, value.period_start)] = value.value
        if value.text:
            texts[value.indicator_id] = value.text
    by_node = defaultdict(list)
    with reading(programme_scope(programme)):  # only the programme's records; indicators share what they load
        assisted = assisted_countries(life, at) if any(i.assisted_only for i in indicators) else None
        for indicator in indicators:
            narrowed = reading(replace(scope(), countries=assisted)) if indicator.assisted_only else nullcontext()
            with narrowed:
                row = indicator_result(indicator, life, at, targets[indicator.pk], manual[indicator.pk])
            row.narrowed = indicator.assisted_only
            row.latest_text = texts.get(indicator.pk, "")
            by_node[indicator.node_id].append(row)
    return ProgrammeResults(
        programme=programme,
        version=version,
        versions=versions,
        at=at,
        life=life,
        nodes=[NodeResults(node, by_node[node.pk]) for node in tree_order(nodes)],
    )


ASSISTED = "legislation.countries_assisted"


def assisted_countries(life: Period, at: datetime.date) -> frozenset[int]:
    """Ids of the countries the programme of the current reading assisted over its life up to `at` (advised, or
    hosting its workshops), for the indicators narrowed to them; none while no app registers that measure."""
    if ASSISTED not in registry:
        return frozenset()
    return frozenset(country.pk for country in registry.records(ASSISTED, life.start, min(life.end, at)))


def tree_order(nodes: list[ResultNode]) -> list[ResultNode]:
    """Objective, then each output followed by its activities, each level by its order."""
    children = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    ordered = []

    def walk(parent_id):
        for node in sorted(children[parent_id], key=lambda n: (Level.values.index(n.level), n.order, n.code)):
            ordered.append(node)
            walk(node.pk)

    walk(None)
    return ordered


def indicator_periods(indicator: Indicator, life: Period) -> list[Period]:
    return periods_of(indicator.frequency, life.start, life.end)


def indicator_result(
    indicator: Indicator, life: Period, at: datetime.date, goals: dict, manual: dict
) -> IndicatorResult:
    periods = indicator_periods(indicator, life)
    started = [p for p in periods if p.start <= at]
    cumulative = indicator.accumulation in (Accumulation.SUM, Accumulation.DISTINCT)
    values: list[Decimal | None]
    wholes: list[Decimal | None]
    problem, planned = "", None
    officials: list[Official] = []
    source = indicator_source(indicator)
    if source == "manual":
        values = [as_decimal(manual.get((p.kind, p.start))) for p in started]
        wholes = [None] * len(started)
    elif source == "metric":
        params = indicator.metric_params or {}
        windows = [(p.start, min(p.end, at)) for p in started]
        if indicator.accumulation == Accumulation.DISTINCT:
            windows += [(life.start, min(p.end, at)) for p in started]
        try:
            computed: list[Decimal | None] = [
                as_decimal(v) for v in registry.evaluate_series(indicator.metric_key, windows, **params)
            ]
            if at < life.end:
                planned = as_decimal(
                    registry.planned(indicator.metric_key, at + datetime.timedelta(days=1), life.end, **params)
                )
        except MetricError as error:
            computed, problem = [None] * len(windows), str(error)
        values, wholes = computed[: len(started)], computed[len(started) :] or [None] * len(started)
        officials = official_figures(indicator, life, at)
    else:
        values = wholes = [None] * len(started)

    # Published figures stand for what no list of records holds; the records' own count is kept beside them.
    recorded = list(values)
    published = [source == "metric" and (p.kind, p.start) in manual for p in started]
    if any(published):
        values = [
            as_decimal(manual[(p.kind, p.start)]) if published[i] else v
            for i, (p, v) in enumerate(zip(started, values, strict=True))
        ]
        if indicator.accumulation == Accumulation.DISTINCT:
            # Published totals cannot be de-duplicated across periods: the running value adds the periods up.
            wholes = [None] * len(started)

    running = []
    for index in range(len(started)):
        how = Accumulation.SUM if any(published) and indicator.accumulation == Accumulation.DISTINCT else None
        running.append(accumulate(how or indicator.accumulation, values[: index + 1], wholes[index]))
    to_date_value = running[-1] if running else None
    baseline = indicator.baseline_value
    rows = []
    for index, period in enumerate(periods):
        actual = values[index] if index < len(started) else None
        goal = goals.get((period.kind, period.start))
        status = assess(
            goal, actual, start=period.start, end=period.end, at=at, cumulative=cumulative, baseline=baseline
        )
        row = PeriodResult(period, goal, actual, percent_of(actual, goal), status, ordinal_label(indicator, actual))
        if index < len(started):
            row.published, row.recorded = published[index], recorded[index]
            row.official = [o for o in officials if period.start <= o.as_of <= period.end]
        rows.append(row)
    if indicator.frequency == LIFE and rows:
        to_date = rows[0]
    else:
        goal = goals.get((LIFE, life.start))
        status = assess(
            goal, to_date_value, start=life.start, end=life.end, at=at, cumulative=cumulative, baseline=baseline
        )
        to_date = PeriodResult(
            life, goal, to_date_value, percent_of(to_date_value, goal), status, ordinal_label(indicator, to_date_value)
        )
        to_date.official = [o for o in officials if o.as_of <= min(at, life.end)][-1:]
    if indicator.measure == Measure.QUALITATIVE:
        to_date.status = Status.AWAITING if source == "awaiting" else to_date.status
    outlook = None
    if cumulative:
        outlook = forecast(to_date.goal, to_date_value, start=life.start, end=life.end, at=at, planned=planned)
    return IndicatorResult(
        indicator=indicator,
        reach=registry.get(indicator.metric_key).reach if source == "metric" else PROGRAMME,
        source=source,
        baseline=baseline,
        periods=rows,
        to_date=to_date,
        forecast=outlook,
        cumulative=list(zip(started, running, strict=True)),
        problem=problem,
    )


def official_figures(indicator: Indicator, life: Period, at: datetime.date) -> list[Official]:
    """The published counterparts of a computed indicator over the life so far (one call, shared by its periods)."""
    try:
        found = registry.official(
            indicator.metric_key, life.start, min(life.end, at), **(indicator.metric_params or {})
        )
    except MetricError:
        return []
    return sorted(found, key=lambda o: o.as_of)


def ordinal_label(indicator: Indicator, value: Decimal | None) -> str:
    return indicator.label_for(value) if indicator.measure == Measure.ORDINAL and value is not None else ""


def assumptions_at(programme: Programme, at) -> dict[int, list[dict]]:
    """Each box's assumptions with their status on `at` (the latest review not after it) and their history up to
    it. Two queries."""
    reviews: dict[int, list[AssumptionReview]] = {}
    for review in AssumptionReview.objects.filter(assumption__node__programme=programme, on__lte=at).order_by(
        "on", "pk"
    ):
        reviews.setdefault(review.assumption_id, []).append(review)
    found: dict[int, list[dict]] = {}
    for assumption in Assumption.objects.filter(node__programme=programme):
        history = reviews.get(assumption.pk, [])
        latest = history[-1] if history else None
        status = AssumptionStatus(latest.status if latest else AssumptionStatus.NOT_ASSESSED)
        found.setdefault(assumption.node_id, []).append(
            {
                "assumption": assumption,
                "status": status.value,
                "label": status.label,
                "review": latest,
                "history": history,
            }
        )
    return found
