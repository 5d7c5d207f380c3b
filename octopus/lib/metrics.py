"""The metric registry: each domain app registers the measures its records support (`<app>/metrics.py`), so the
results framework can evaluate any of them without importing a domain app (DESIGN.md §2 and §4).

Django-free: a metric is a name, the parameters it accepts (with their types), a function giving its value over a
period, and a function giving the records behind that value (the drill-down). Its value is the number of those
records unless its `aggregate` says otherwise. Optional parts:
- `breakdown`: dimension name → function giving {category: value} (the disaggregation, e.g. by country);
- `series`: the values over many periods at once, for charts (otherwise `value` is called per period);
- `planned`: how many records are planned but not yet held in a period, for forecasts;
- `official`: the figures an outside authority published for the same measure (the Treaty Office's count of
  Parties), each beside the value computed on its day, so a dashboard shows both and the difference;
- `reach`: "programme" when only the records a programme's reading selects count (its events, its advice), or
  "global" when the measure is about every State whatever the programme did (Parties to CETS 185, compliance).

A reading carries its `Scope`: the programmes whose records count (a record serves one or more programmes, and a
programme's indicators count only its own), whether sample records count, and optionally the countries a global
measure is narrowed to. Metrics read it with `scope()`; outside a reading every record counts.
"""

import contextlib
import contextvars
import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

Period = tuple[datetime.date, datetime.date]

PROGRAMME, GLOBAL = "programme", "global"


@dataclass(frozen=True)
class Scope:
    """Which records a reading counts."""

    programmes: frozenset[int] | None = None  # ids of the programmes served; None: every record, assigned or not
    sample: bool = True  # whether records flagged as sample count (only in a sample programme's reading)
    countries: frozenset[int] | None = None  # a global measure narrowed to these country ids (those assisted)


EVERYTHING = Scope()


@dataclass(frozen=True)
class Official:
    """A published figure and the value computed from the records on the same day."""

    as_of: datetime.date
    value: float
    computed: float
    source: str
    explained_by: tuple[str, ...] = ()  # the records that explain a difference (e.g. States whose dates are missing)

    @property
    def difference(self) -> float:
        return self.computed - self.value


class MetricError(ValueError):
    """An unknown metric key, dimension or parameter, or a parameter of the wrong type; the message says which."""


@dataclass(frozen=True)
class Metric:
    key: str  # "<app>.<measure>", e.g. "treaties.parties_and_invited"
    title: str
    value: Callable[..., float]  # value(start, end, **params)
    drilldown: Callable[..., Iterable]  # drilldown(start, end, **params): the records behind the value
    params: Mapping[str, type] = field(default_factory=lambda: MappingProxyType({}))
    aggregate: str = "count"  # how the value follows from the drill-down: "count" of its records
    breakdown: Mapping[str, Callable[..., dict[str, float]]] = field(default_factory=lambda: MappingProxyType({}))
    series: Callable[..., list[float]] | None = None  # series(periods, **params)
    planned: Callable[..., float] | None = None  # planned(start, end, **params)
    description: str = ""
    # A permission a reader needs to see this metric's figures at all (e.g. money, which adds up every donor's
    # amounts); "" for figures every reader of a programme may see.
    restricted_to: str = ""
    official: Callable[..., list[Official]] | None = None  # official(start, end, **params)
    reach: str = PROGRAMME

    def check_params(self, params: dict) -> None:
        unknown = set(params) - set(self.params)
        if unknown:
            accepted = ", ".join(sorted(self.params)) or "none"
            raise MetricError(
                f"Metric {self.key} does not accept {', '.join(sorted(unknown))} (it accepts: {accepted})."
            )
        for name, value in params.items():
            wanted = self.params[name]
            if not isinstance(value, wanted) or (wanted is int and isinstance(value, bool)):
                raise MetricError(f"Parameter {name} of metric {self.key} must be {_TYPE_NAMES.get(wanted, wanted)}.")


_TYPE_NAMES = {int: "a whole number", str: "text", list: "a list", bool: "true or false"}


_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("metric_memo", default=None)
_scope: contextvars.ContextVar[Scope] = contextvars.ContextVar("metric_scope", default=EVERYTHING)


@contextlib.contextmanager
def reading(scope: Scope | None = None):
    """One reading of many metrics (a dashboard, a report) over the records `scope` selects (the enclosing
    reading's scope when none is given): within it, `memo` lets metrics share what they load, such as a treaty's
    actions read once for every indicator that counts its Parties. A nested reading has a memo of its own."""
    memo_token = _memo.set({})
    scope_token = _scope.set(scope if scope is not None else _scope.get())
    try:
        yield
    finally:
        _scope.reset(scope_token)
        _memo.reset(memo_token)


def scope() -> Scope:
    """The scope of the current reading (every record outside one)."""
    return _scope.get()


def memo(key, load: Callable):
    """`load()` once per key within a `reading()`; outside one, every call loads afresh."""
    cache = _memo.get()
    if cache is None:
        return load()
    if key not in cache:
        cache[key] = load()
    return cache[key]


class MetricRegistry:
    def __init__(self) -> None:
        self._metrics: dict[str, Metric] = {}

    def register(self, metric: Metric) -> Metric:
        if metric.key in self._metrics and self._metrics[metric.key] is not metric:
            raise MetricError(f"Metric {metric.key} is registered twice.")
        self._metrics[metric.key] = metric
        return metric

    def unregister(self, key: str) -> None:
        self._metrics.pop(key, None)

    def __contains__(self, key: str) -> bool:
        return key in self._metrics

    def get(self, key: str) -> Metric:
        try:
            return self._metrics[key]
        except KeyError:
            raise MetricError(f"No metric {key!r} is registered.") from None

    def checked(self, key: str, params: dict) -> Metric:
        metric = self.get(key)
        metric.check_params(params)
        return metric

    def evaluate(self, key: str, start: datetime.date, end: datetime.date, **params) -> float:
        return self.checked(key, params).value(start, end, **params)

    def records(self, key: str, start: datetime.date, end: datetime.date, **params) -> Iterable:
        return self.checked(key, params).drilldown(start, end, **params)

    def evaluate_series(self, key: str, periods: list[Period], **params) -> list[float]:
        metric = self.checked(key, params)
        if metric.series is not None:
            return metric.series(periods, **params)
        return [metric.value(start, end, **params) for start, end in periods]

    def breakdown(self, key: str, dimension: str, start: datetime.date, end: datetime.date, **params) -> dict:
        metric = self.checked(key, params)
        if dimension not in metric.breakdown:
            offered = ", ".join(sorted(metric.breakdown)) or "none"
            raise MetricError(f"Metric {key} cannot be broken down by {dimension} (it can by: {offered}).")
        return metric.breakdown[dimension](start, end, **params)

    def planned(self, key: str, start: datetime.date, end: datetime.date, **params) -> float | None:
        metric = self.checked(key, params)
        return None if metric.planned is None else metric.planned(start, end, **params)

    def official(self, key: str, start: datetime.date, end: datetime.date, **params) -> list[Official]:
        """The published figures dated within the period, each with the value computed on its day."""
        metric = self.checked(key, params)
        return [] if metric.official is None else metric.official(start, end, **params)

    def __iter__(self):
        return iter(sorted(self._metrics.values(), key=lambda m: m.key))


registry = MetricRegistry()
