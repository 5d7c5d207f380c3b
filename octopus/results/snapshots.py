"""What a snapshot freezes, and how a frozen figure compares with the same figure read from today's records.

Values are written as decimal strings so that a snapshot reads back exactly and hashes the same on any machine.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from octopus.lib.metrics import MetricError, reading, registry
from octopus.results.assignments import programme_scope
from octopus.results.models import Accumulation, ManualValue, Programme, Snapshot, ValueStatus
from octopus.results.periods import LIFE
from octopus.results.queries import IndicatorResult, PeriodResult, programme_results


def _number(value) -> str | None:
    return None if value is None else str(value)


def _figure(row: PeriodResult) -> dict:
    goal = row.goal
    return {
        "actual": _number(row.actual),
        "target": None
        if goal is None
        else {"comparator": goal.comparator, "value": str(goal.value), "upper": _number(goal.upper)},
        "status": row.status.value,
        "start": row.period.start.isoformat(),
        "end": row.period.end.isoformat(),
    }


def _record_ids(result: IndicatorResult, as_of: datetime.date, manual_ids: dict) -> dict[str, list]:
    indicator = result.indicator
    if result.source == "manual":
        return {key: sorted(ids) for key, ids in manual_ids.get(indicator.pk, {}).items()}
    if result.source != "metric":
        return {}
    params = indicator.metric_params or {}
    found = {}
    try:
        for row in result.periods:
            if row.period.start <= as_of:
                end = min(row.period.end, as_of)
                found[row.period.key] = sorted(
                    str(r.pk) for r in registry.records(indicator.metric_key, row.period.start, end, **params)
                )
        if result.to_date.period.key not in found and indicator.accumulation != Accumulation.LATEST:
            life = result.to_date.period
            found[LIFE] = sorted(
                str(r.pk) for r in registry.records(indicator.metric_key, life.start, min(life.end, as_of), **params)
            )
    except MetricError:
        return {}
    return found


def snapshot_data(
    programme: Programme, as_of: datetime.date, *, progress: Callable[[int, int], None] | None = None
) -> dict:
    """Every figure of the programme for `as_of`; `progress(done, total)` hears of each indicator frozen."""
    results = programme_results(programme, as_of)
    rows = results.indicators
    total = len(rows)
    if progress is not None:
        progress(0, total)
    manual_ids: dict[int, dict[str, list]] = {}
    approved = ManualValue.objects.filter(
        indicator__node__programme=programme, status=ValueStatus.APPROVED, period_start__lte=as_of
    )
    for value in approved:
        key = value.period.key
        manual_ids.setdefault(value.indicator_id, {}).setdefault(key, []).append(str(value.pk))
    indicators = {}
    with reading(programme_scope(programme)):
        for done, row in enumerate(rows, start=1):
            indicators[row.indicator.code] = {
                "id": row.indicator.pk,
                "title": row.indicator.title,
                "source": row.source,
                "to_date": _figure(row.to_date),
                "periods": {p.period.key: _figure(p) for p in row.periods if p.period.start <= as_of},
                "records": _record_ids(row, as_of, manual_ids),
            }
            if progress is not None:
                progress(done, total)
    return {
        "programme": programme.code,
        "as_of": as_of.isoformat(),
        "logframe_version": results.version.number,
        "indicators": indicators,
    }


@dataclass(frozen=True)
class Difference:
    indicator_id: int
    code: str
    title: str
    period: str
    reported: str | None
    current: str | None
    reason: str  # the restatement's reason, empty while none is recorded


def differences(frozen: Snapshot) -> list[Difference]:
    """Every frozen figure that reads differently from today's records for the same day."""
    now = programme_results(frozen.programme, frozen.as_of)
    current = {row.indicator.pk: row for row in now.indicators}
    reasons = {(r.indicator_id, r.period): r.reason for r in frozen.restatements.all()}
    found = []
    for code, reported in frozen.data["indicators"].items():
        row = current.get(reported["id"])
        figures = {LIFE: reported["to_date"], **reported["periods"]}
        for key, figure in figures.items():
            result = None if row is None else row.period(key) if key != LIFE else row.to_date
            value = None if result is None else _number(result.actual)
            if value != figure["actual"]:
                found.append(
                    Difference(
                        reported["id"],
                        code,
                        reported["title"],
                        key,
                        figure["actual"],
                        value,
                        reasons.get((reported["id"], key), ""),
                    )
                )
    return found
