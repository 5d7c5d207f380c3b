"""The funding position of a programme (managers: staff and the finance officer), with charts and exports.

Every figure is as at `?at=` (today by default) and every total is shown with the rows it is made of, so people
can check the sum. Definitions: `octopus/funding/queries.py`.
"""

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from octopus.accounts.permissions import permission_required
from octopus.funding.exports import holds_sample, position_csv, position_xlsx
from octopus.funding.queries import cost_per_unit
from octopus.funding.queries import funding_position as position_of
from octopus.funding.views import chosen_programme
from octopus.lib.charts import VEGA_LITE_SCHEMA
from octopus.lib.dates import as_at
from octopus.lib.downloads import CSV, XLSX, attachment

VIEW = "funding.view_position"


def _bar_spec(values: list[dict], *, title: str, stack: bool = False, horizontal: bool = False) -> dict:
    """Grouped (or stacked) bars of EUR amounts: rows {"group": …, "series": …, "eur": number}."""
    category = {"field": "group", "type": "nominal", "title": None, "sort": None}
    amount = {"field": "eur", "type": "quantitative", "title": "EUR", "stack": "zero" if stack else None}
    encoding = {"x": amount, "y": category} if horizontal else {"x": category, "y": amount}
    if stack:  # the series stack in the order given (signed first, then the gap)
        for rank, row in enumerate(values):
            row["rank"] = rank
        encoding["order"] = {"field": "rank", "type": "quantitative"}
    else:
        encoding["xOffset" if not horizontal else "yOffset"] = {"field": "series", "sort": None}
    encoding["color"] = {
        "field": "series",
        "type": "nominal",
        "title": None,
        "sort": None,
        "legend": {"orient": "bottom"},
    }
    encoding["tooltip"] = [
        {"field": "group", "type": "nominal", "title": _("Group")},
        {"field": "series", "type": "nominal", "title": _("Series")},
        {"field": "eur", "type": "quantitative", "title": "EUR", "format": ",.2f"},
    ]
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": title,
        "width": "container",
        "height": 120 if horizontal else 260,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": encoding,
    }


def charts(position) -> dict:
    if position.donor_view or position.is_empty:
        return {}
    per_year = [
        {"group": str(row.year), "series": series, "eur": float(value)}
        for row in position.years
        for series, value in ((_("Received"), row.received), (_("Spent"), row.spent))
    ]
    funded = [
        {"group": _("Budget ceiling"), "series": _("Signed"), "eur": float(min(position.signed, position.ceiling))},
        {"group": _("Budget ceiling"), "series": _("Funding gap"), "eur": float(position.gap)},
    ]
    return {
        "years": _bar_spec(per_year, title=_("Received and spent per year (EUR)")),
        "gap": _bar_spec(funded, title=_("Budget ceiling: signed and funding gap (EUR)"), stack=True, horizontal=True),
    }


@require_GET
@permission_required(VIEW)
def funding_position(request):
    at, date_error = as_at(request)
    programme, programmes = chosen_programme(request)
    position = position_of(programme, at) if programme else None
    if position is not None and not position.is_empty:
        position.unit_costs = cost_per_unit(programme, at)
    context = {
        "programme": programme,
        "programmes": programmes,
        "at": at,
        "date_error": date_error,
        "position": position,
        "unit_costs": position.unit_costs if position else [],
        "charts": charts(position) if position else {},
        "export_query": request.GET.urlencode(),
    }
    return render(request, "funding/position/position.html", context)


@require_GET
@permission_required(VIEW)
def funding_position_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    at, _error = as_at(request)
    programme, _programmes = chosen_programme(request)
    if programme is None:
        raise Http404
    position = position_of(programme, at)
    unit_costs = [] if position.is_empty else cost_per_unit(programme, at)
    name = f"funding-position-{programme.code}-{at:%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        content, content_type = position_csv(position, unit_costs), CSV
    else:
        content, content_type = position_xlsx(position, unit_costs), XLSX
    return attachment(content, name=name, content_type=content_type, sample=holds_sample(position))


urlpatterns = [
    path("workspace/funding/", funding_position, name="funding_position"),
    path("workspace/funding/position.<str:fmt>", funding_position_export, name="funding_position_export"),
]
