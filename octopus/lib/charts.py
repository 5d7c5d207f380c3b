"""Vega-Lite chart specs for Octopus (pure Python, no Django).

The specs are plain JSON-serialisable dicts, meant to be emitted with
Django's ``json_script`` and rendered by ``static/octopus/charts.js``
(vega-embed with the CSP-safe expression interpreter).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from typing import Any, Final

__all__ = [
    "DEFAULT_STATUS_LABELS",
    "STATUSES",
    "STATUS_COLOURS",
    "VEGA_LITE_SCHEMA",
    "status_map_spec",
    "percent_of_target_spec",
    "progress_spec",
    "timeline_spec",
]

#: Schema of the vendored Vega-Lite major version (vega-lite 6.x).
VEGA_LITE_SCHEMA: Final = "https://vega.github.io/schema/vega-lite/v6.json"

#: Map statuses, in legend / colour-scale domain order.
STATUSES: Final[tuple[str, ...]] = ("party", "ratified", "signatory", "invited", "none")

#: Fixed colour per status (same order as STATUSES).
STATUS_COLOURS: Final[Mapping[str, str]] = {
    "party": "#1b7837",  # dark green
    "ratified": "#7fbf7b",  # light green: ratified, not yet in force
    "signatory": "#f1a340",  # orange
    "invited": "#998ec3",  # purple
    "none": "#e0e0e0",  # light grey: no row / no status
}

#: Fallback legend/tooltip labels; labels found in rows take precedence.
DEFAULT_STATUS_LABELS: Final[Mapping[str, str]] = {
    "party": "Party",
    "ratified": "Ratified (not yet in force)",
    "signatory": "Signatory",
    "invited": "Invited",
    "none": "No status",
}


def _numeric_code(value: object) -> str:
    """Return an ISO 3166-1 numeric code as a zero-padded 3-char string."""
    text = str(value).strip()
    if not text.isdigit() or len(text) > 3:
        raise ValueError(f"invalid ISO 3166-1 numeric code: {value!r}")
    return text.zfill(3)


def _month_iso(value: object) -> str:
    """Return a month value as an ISO date string (YYYY-MM-DD)."""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = str(value)
    _dt.date.fromisoformat(text)  # raises ValueError on garbage
    return text


def _js_string(text: str) -> str:
    """Quote text as a Vega expression string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def status_map_spec(
    rows: Iterable[Mapping[str, Any]],
    *,
    topojson_url: str,
    title: str,
    height: int = 420,
    status_labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Build a Vega-Lite world map coloured by status.

    ``rows``: ``{"numeric": "008", "name": ..., "status": ..., "status_label": ...,
    "url": ...}``; ``numeric`` matches the feature ``id`` in world-atlas
    countries-110m.json. Countries without a row are drawn as ``none``.
    ``status_labels`` overrides legend/tooltip labels per status.
    """
    row_labels: dict[str, str] = {}
    values: list[dict[str, Any]] = []
    for row in rows:
        status = str(row.get("status") or "none")
        if status not in STATUS_COLOURS:
            raise ValueError(f"unknown status {status!r}; expected one of {STATUSES}")
        label = str(row.get("status_label") or DEFAULT_STATUS_LABELS[status])
        row_labels.setdefault(status, label)  # first label seen wins for the legend
        values.append(
            {
                "numeric": _numeric_code(row["numeric"]),
                "name": str(row.get("name") or ""),
                "status": status,
                "status_label": label,
                "url": row.get("url") or None,
            }
        )
    labels = {**DEFAULT_STATUS_LABELS, **row_labels, **(status_labels or {})}

    label_map = "{" + ", ".join(f"{_js_string(s)}: {_js_string(labels[s])}" for s in STATUSES) + "}"
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": title,
        "width": "container",
        "height": height,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {
            "url": topojson_url,
            "format": {"type": "topojson", "feature": "countries"},
        },
        "projection": {"type": "equalEarth"},
        "transform": [
            {
                "lookup": "id",
                "from": {
                    "data": {"values": values},
                    "key": "numeric",
                    "fields": ["name", "status", "status_label", "url"],
                },
            },
            {"calculate": "datum.name || datum.properties.name", "as": "country"},
            {"calculate": "datum.status || 'none'", "as": "map_status"},
            {"calculate": f"{label_map}[datum.map_status]", "as": "map_status_label"},
            {
                "calculate": "datum.country + ': ' + datum.map_status_label",
                "as": "aria_label",
            },
        ],
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.5},
        "encoding": {
            "color": {
                "field": "map_status",
                "type": "nominal",
                "scale": {
                    "domain": list(STATUSES),
                    "range": [STATUS_COLOURS[s] for s in STATUSES],
                },
                "legend": {
                    "title": None,
                    "orient": "bottom",
                    "direction": "horizontal",
                    "labelExpr": f"{label_map}[datum.value]",
                },
            },
            "tooltip": [
                {"field": "country", "type": "nominal", "title": "Country"},
                {"field": "map_status_label", "type": "nominal", "title": "Status"},
            ],
            "href": {"field": "url", "type": "nominal"},
            "description": {"field": "aria_label", "type": "nominal"},
        },
        "config": {"view": {"stroke": None}},
    }


def timeline_spec(
    rows: Iterable[Mapping[str, Any]],
    *,
    title: str,
    height: int = 260,
) -> dict[str, Any]:
    """Build a Vega-Lite step line chart of counts per month and series.

    ``rows``: ``{"month": "2001-11-01", "series": "Parties", "count": 0}``;
    ``month`` may also be a ``date``/``datetime``.
    """
    values = [
        {
            "month": _month_iso(row["month"]),
            "series": str(row["series"]),
            "count": int(row["count"]),
        }
        for row in rows
    ]
    # Months are ISO dates (parsed as UTC midnight): use UTC time units so the
    # month never shifts in browsers west of Greenwich.
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": title,
        "width": "container",
        "height": height,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": values},
        "mark": {"type": "line", "interpolate": "step-after", "strokeWidth": 2},
        "encoding": {
            "x": {
                "field": "month",
                "type": "temporal",
                "timeUnit": "utcyearmonth",
                "title": None,
            },
            "y": {"field": "count", "type": "quantitative", "title": "Count"},
            "color": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "legend": {"orient": "bottom"},
            },
            "tooltip": [
                {
                    "field": "month",
                    "type": "temporal",
                    "timeUnit": "utcyearmonth",
                    "title": "Month",
                },
                {"field": "series", "type": "nominal", "title": "Series"},
                {"field": "count", "type": "quantitative", "title": "Count"},
            ],
        },
    }


def progress_spec(rows: Iterable[Mapping[str, Any]], *, title: str, height: int = 240) -> dict[str, Any]:
    """A line chart of an indicator's value to date against its target, one point per period, in period order.

    ``rows``: ``{"period": "2016", "series": "Actual (to date)" | "Target", "value": number}``.
    """
    values = [
        {"period": str(row["period"]), "series": str(row["series"]), "value": float(row["value"])} for row in rows
    ]
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": title,
        "width": "container",
        "height": height,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": values},
        "mark": {"type": "line", "point": True, "strokeWidth": 2},
        "encoding": {
            "x": {"field": "period", "type": "ordinal", "sort": None, "title": None},
            "y": {"field": "value", "type": "quantitative", "title": None},
            "color": {"field": "series", "type": "nominal", "title": None, "legend": {"orient": "bottom"}},
            "strokeDash": {"field": "series", "type": "nominal", "legend": None},
            "tooltip": [
                {"field": "period", "type": "ordinal", "title": "Period"},
                {"field": "series", "type": "nominal", "title": "Series"},
                {"field": "value", "type": "quantitative", "title": "Value"},
            ],
        },
    }


def percent_of_target_spec(
    rows: Iterable[Mapping[str, Any]], *, title: str, colours: Mapping[str, str], height: int = 40
) -> dict[str, Any]:
    """Horizontal bars: each indicator's actual as a percentage of its target, with a rule at 100 %.

    ``rows``: ``{"indicator": "3.1", "percent": 92.0, "status": "On track"}``; ``colours``: status → colour, so a
    status has the same colour on every chart; ``height`` is per bar.
    """
    values = [
        {"indicator": str(row["indicator"]), "percent": float(row["percent"]), "status": str(row["status"])}
        for row in rows
    ]
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": title,
        "width": "container",
        "height": {"step": height // 2},
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": values},
        "layer": [
            {
                "mark": {"type": "bar"},
                "encoding": {
                    "y": {"field": "indicator", "type": "nominal", "title": None, "sort": None},
                    "x": {"field": "percent", "type": "quantitative", "title": "% of target"},
                    "color": {
                        "field": "status",
                        "type": "nominal",
                        "title": None,
                        "legend": {"orient": "bottom"},
                        "scale": {"domain": list(colours), "range": list(colours.values())},
                    },
                    "tooltip": [
                        {"field": "indicator", "type": "nominal", "title": "Indicator"},
                        {"field": "percent", "type": "quantitative", "title": "% of target"},
                        {"field": "status", "type": "nominal", "title": "Status"},
                    ],
                },
            },
            {"mark": {"type": "rule", "strokeDash": [4, 4]}, "encoding": {"x": {"datum": 100}}},
        ],
    }
