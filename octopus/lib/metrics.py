"""The metric registry: each domain app registers the measures its records support (`<app>/metrics.py`), so the
results framework can evaluate any of them without importing a domain app (DESIGN.md §2 and §4).

Django-free: a metric is a name, the parameters it accepts, a function giving its value over a period, and a
function giving the records behind that value (the drill-down). Its value is the number of those records unless
its `aggregate` says otherwise.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


class MetricError(ValueError):
    """An unknown metric key or parameters a metric does not accept; the message says which."""


@dataclass(frozen=True)
class Metric:
    key: str  # "<app>.<measure>", e.g. "treaties.parties_and_invited"
    title: str
    value: Callable[..., float]  # value(start, end, **params)
    drilldown: Callable[..., Iterable]  # drilldown(start, end, **params): the records behind the value
    params: frozenset[str] = field(default_factory=frozenset)
    aggregate: str = "count"  # how the value follows from the drill-down: "count" of its records

    def check_params(self, params: dict) -> None:
        unknown = set(params) - self.params
        if unknown:
            accepted = ", ".join(sorted(self.params)) or "none"
            raise MetricError(
                f"Metric {self.key} does not accept {', '.join(sorted(unknown))} (it accepts: {accepted})."
            )


class MetricRegistry:
    def __init__(self) -> None:
        self._metrics: dict[str, Metric] = {}

    def register(self, metric: Metric) -> Metric:
        if metric.key in self._metrics and self._metrics[metric.key] is not metric:
            raise MetricError(f"Metric {metric.key} is registered twice.")
        self._metrics[metric.key] = metric
        return metric

    def get(self, key: str) -> Metric:
        try:
            return self._metrics[key]
        except KeyError:
            raise MetricError(f"No metric {key!r} is registered.") from None

    def evaluate(self, key: str, start: datetime.date, end: datetime.date, **params) -> float:
        metric = self.get(key)
        metric.check_params(params)
        return metric.value(start, end, **params)

    def records(self, key: str, start: datetime.date, end: datetime.date, **params) -> Iterable:
        metric = self.get(key)
        metric.check_params(params)
        return metric.drilldown(start, end, **params)

    def __iter__(self):
        return iter(sorted(self._metrics.values(), key=lambda m: m.key))


registry = MetricRegistry()
