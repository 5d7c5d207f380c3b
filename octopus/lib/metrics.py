"""The metric registry: each domain app registers the measures its records support (`<app>/metrics.py`), so the
results framework can evaluate any of them without importing a domain app (DESIGN.md §2 and §4).

Django-free: a metric is a name, the parameters it accepts (with their types), a function giving its value over a
period, and a function giving the records behind that value (the drill-down). Its value is the number of those
records unless its `aggregate` says otherwise. Optional parts:
- `breakdown`: dimension name → function giving {category: value} (the disaggregation, e.g. by country);
- `series`: the values over many periods at once, for charts (otherwise `value` is called per period);
- `planned`: how many records are planned but not yet held in a period, for forecasts.
"""

import contextlib
import contextvars
import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

Period = tuple[datetime.date, datetime.date]


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


@contextlib.contextmanager
def reading():
    """One reading of many metrics (a dashboard, a report): within it, `memo` lets metrics share what they load,
    such as a treaty's actions read once for every indicator that counts its Parties."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


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

    def __iter__(self):
        return iter(sorted(self._metrics.values(), key=lambda m: m.key))


registry = MetricRegistry()
