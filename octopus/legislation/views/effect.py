"""Effect of assistance: per programme, the change in compliance of legislation (overall and per article, over the
programme's dates) in the countries the programme assisted — legislative advice or in-country and regional workshops
serving it — beside the countries it did not assist, with the countries on each side, a chart and CSV/XLSX.

A comparison, not proof of cause: the page says so. Who may read it: those who read the programme's results pages
(`results.view_programmes` and `results.queries.get_programme_for_user`: staff, the finance officer and focal points;
a donor the programmes it funds, any other is a 404 to it). A fixed number of queries, whatever the records.
"""

import datetime

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from octopus.accounts.permissions import permission_required
from octopus.legislation.queries import Change, Effect, effect_of_assistance
from octopus.lib.charts import VEGA_LITE_SCHEMA
from octopus.lib.dates import as_at, render_as_at
from octopus.lib.downloads import table_download
from octopus.lib.exports import Table
from octopus.results.queries import get_programme_for_user

READ = "results.view_programmes"
FEW = 5  # fewer countries than this on a side: its average moves with any one of them


def programme_period(request, programme) -> tuple[datetime.date, datetime.date, str]:
    """The programme's dates: from its start to its end under its latest logframe version, or to today if it has
    not ended; `?at=` ends the period earlier (a day before the programme starts is refused)."""
    latest = programme.versions.order_by("-number").values_list("ends_on", flat=True).first()
    ends_on = latest or programme.ends_on
    today = timezone.localdate()
    at, error = as_at(request)
    if not error and "at" in request.GET and at <= programme.starts_on:
        error = _("The programme starts on %(day)s; showing its whole period instead.") % {"day": programme.starts_on}
    end = min(ends_on, today) if error or "at" not in request.GET else min(ends_on, at)
    return programme.starts_on, max(end, programme.starts_on), error


def effect_for(request, code: str):
    programme = get_programme_for_user(request.user, code)
    start, end, error = programme_period(request, programme)
    return programme, effect_of_assistance(programme, start, end), error


def difference(assisted: Change, others: Change) -> float | None:
    if assisted.points is None or others.points is None:
        return None
    return round(assisted.points - others.points, 1)


def effect_rows(effect: Effect) -> list[dict]:
    """The overall comparison, then one row per article."""
    rows = [
        {"label": _("All articles"), "title": "", "number": None, "assisted": effect.assisted, "others": effect.others}
    ]
    for row in effect.articles:
        rows.append(
            {
                "label": _("Art. %(number)s") % {"number": row.article.number},
                "title": row.article.title,
                "number": row.article.number,
                "assisted": row.assisted,
                "others": row.others,
            }
        )
    for row in rows:
        row["difference"] = difference(row["assisted"], row["others"])
    return rows


def effect_chart(rows: list[dict], *, title: str) -> dict:
    """Grouped bars: per article (and overall), the change in percentage points on each side."""
    sides = (("assisted", _("Assisted countries")), ("others", _("Countries not assisted")))
    values = [
        {"article": row["label"], "side": label, "points": row[key].points, "countries": len(row[key].countries)}
        for row in rows
        for key, label in sides
        if row[key].points is not None
    ]
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": title,
        "width": "container",
        "height": 260,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "article", "type": "nominal", "sort": None, "title": None},
            "xOffset": {"field": "side", "type": "nominal", "sort": None},
            "y": {"field": "points", "type": "quantitative", "title": _("Change (percentage points)")},
            "color": {
                "field": "side",
                "type": "nominal",
                "title": None,
                "sort": None,
                "legend": {"orient": "bottom"},
                "scale": {"range": ["#1b7837", "#998ec3"]},
            },
            "tooltip": [
                {"field": "article", "type": "nominal", "title": _("Article")},
                {"field": "side", "type": "nominal", "title": _("Side")},
                {"field": "points", "type": "quantitative", "title": _("Change (percentage points)")},
                {"field": "countries", "type": "quantitative", "title": _("Countries")},
            ],
        },
    }


@require_GET
@permission_required(READ)
def effect_page(request, code):
    programme, effect, error = effect_for(request, code)
    rows = effect_rows(effect)
    context = {
        "programme": programme,
        "effect": effect,
        "overall": rows[0],
        "rows": rows[1:],
        "chart": effect_chart(rows, title=_("Change in articles in place, assisted countries and the others")),
        "few": FEW,
        "fragile": min(len(effect.assisted.countries), len(effect.others.countries)) < FEW,
        "query": request.GET.urlencode(),
    }
    return render_as_at(request, "legislation/effect.html", context, error)


def effect_tables(effect: Effect) -> tuple[Table, Table]:
    header = [
        _("Article"),
        _("Title"),
        _("Assisted countries compared"),
        _("Change in assisted countries (pp)"),
        _("Countries not assisted compared"),
        _("Change in countries not assisted (pp)"),
        _("Difference (pp)"),
    ]
    rows = (
        [
            row["label"],
            row["title"],
            len(row["assisted"].countries),
            row["assisted"].points,
            len(row["others"].countries),
            row["others"].points,
            row["difference"],
        ]
        for row in effect_rows(effect)
    )
    title = _("Effect of assistance")  # the sheet's name: the file's name says which programme
    sides = [
        *([c.name, c.iso2, _("Assisted")] for c in effect.assisted_countries),
        *([c.name, c.iso2, _("Not assisted")] for c in effect.other_countries),
        *([c.name, c.iso2, _("Assisted, no baseline (not compared)")] for c in effect.unmeasured_countries),
    ]
    countries = Table(_("Countries"), [_("Country"), _("ISO"), _("Side")], sides, frozen_columns=1)
    return Table(title, header, rows, frozen_columns=1), countries


@require_GET
@permission_required(READ)
def effect_export(request, code, fmt):
    programme, effect, _error = effect_for(request, code)
    table, countries = effect_tables(effect)
    name = f"effect-of-assistance-{programme.code}"
    return table_download(fmt, name, table, countries, sample=programme.is_sample)


urlpatterns = [
    path("workspace/legislation/effect/<slug:code>/", effect_page, name="legislation_effect"),
    path("workspace/legislation/effect/<slug:code>/export/<str:fmt>/", effect_export, name="legislation_effect_export"),
]
