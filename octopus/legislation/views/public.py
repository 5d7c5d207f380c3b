"""Public pages: the compliance heat map (countries × articles), a country's legislation profile as it stood on
any date, the per-article pages and the files of reviewed laws. Open to all; only reviewed statements are shown
(a draft or rejected law's file only to those who keep that country's profile).

Each page reads a fixed number of queries, whatever the number of countries and assessments (DESIGN.md §7.10).
"""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from octopus.countries.models import Country
from octopus.legislation.models import PROFILE_ARTICLES, PROFILE_TREATY, Law, Level, ReviewState
from octopus.legislation.queries import (
    GROUP_LABELS,
    GROUPS,
    article_at,
    country_profile,
    group_of,
    heat_map,
    profile_articles,
    reviewed_laws,
    share_from,
)
from octopus.lib.dates import as_at, render_as_at
from octopus.lib.downloads import table_download
from octopus.lib.exports import Table
from octopus.lib.files import send_document
from octopus.treaties.models import Article

# How a level shows in a cell: a short sign read with its title and the legend, and a colour that is never the only
# cue. "" is a pair with no reviewed statement at all.
LOOK = {
    Level.IN_PLACE: ("✓", "text-bg-success"),
    Level.PARTIALLY: ("½", "text-bg-warning"),
    Level.NOT_IN_PLACE: ("✗", "text-bg-danger"),
    Level.NOT_ASSESSED: ("–", "text-bg-secondary"),
    "": ("·", "bg-body-tertiary text-body-secondary"),
}
NO_STATEMENT = _lazy("No reviewed statement")


def legend() -> list[dict]:
    return [{"sign": LOOK[level][0], "css": LOOK[level][1], "label": level.label} for level in Level] + [
        {"sign": LOOK[""][0], "css": LOOK[""][1], "label": NO_STATEMENT}
    ]


def cell(assessment) -> dict:
    level = assessment.level if assessment is not None else ""
    sign, css = LOOK.get(level, LOOK[""])
    label = assessment.get_level_display() if assessment is not None else NO_STATEMENT
    return {"sign": sign, "css": css, "label": label, "assessment": assessment}


def column_groups(articles: list[Article]) -> list[dict]:
    """Consecutive articles of one group (or of one chapter, outside the groups) under one header cell."""
    runs: list[dict] = []
    for article in articles:
        key = group_of(article) or article.section or article.chapter
        if runs and runs[-1]["key"] == key:
            runs[-1]["span"] += 1
        else:
            label = GROUP_LABELS.get(key) or _short(article.section or article.chapter)
            runs.append({"key": key, "label": label, "span": 1})
    return runs


def _short(heading: str) -> str:
    """'3 – Jurisdiction' → 'Jurisdiction'; 'IV – Final provisions' → 'Final provisions'."""
    return heading.split("–", 1)[-1].strip() if "–" in heading else heading


# --- the heat map ----------------------------------------------------------------------------------------------------


def map_filters(request) -> tuple[dict, str]:
    """The filters of the map as chosen, and a message when one was not understood (it is then ignored)."""
    group = request.GET.get("group", "")
    region = request.GET.get("region", "").strip()[:50]
    problem = ""
    if group and group not in GROUPS:
        problem = _("“%(value)s” is not an article group; showing all articles.") % {"value": group[:40]}
        group = ""
    return {"group": group, "region": region, "all": request.GET.get("all") == "1"}, problem


@require_GET
def legislation_map(request, export: str = ""):
    at, date_error = as_at(request)
    filters, filter_error = map_filters(request)
    articles = [a for a in profile_articles() if not filters["group"] or group_of(a) == filters["group"]]
    rows = heat_map(at, articles, region=filters["region"], include_all=filters["all"])
    if not any(any(r.cells) for r in rows):
        rows = []  # nothing assessed: the empty state, not a table of blank rows
    export = export or request.GET.get("format", "")
    if export in ("csv", "xlsx"):
        return map_export(rows, articles, at, export)
    export_query = request.GET.copy()
    export_query.pop("format", None)
    context = {
        "at": at,
        "articles": articles,
        "column_groups": column_groups(articles),
        "rows": [{"country": r.country, "share": r.share, "cells": [cell(a) for a in r.cells]} for r in rows],
        "filters": filters,
        "filter_error": filter_error,
        "groups": GROUP_LABELS,
        "regions": Country.objects.regions(),
        "legend": legend(),
        "export_query": export_query.urlencode(),
    }
    return render_as_at(request, "legislation/public/map.html", context, date_error)


def map_export(rows, articles, at, kind: str) -> HttpResponse:
    header = [_("Country"), _("ISO alpha-2"), _("Region")]
    header += [f"Art. {a.number}" for a in articles] + [_("Share in place (%)")]
    lines = (
        [r.country.name, r.country.iso2, r.country.region]
        + [a.get_level_display() if a is not None else "" for a in r.cells]
        + [r.share.percent]
        for r in rows
    )
    table = Table(_("Compliance on %(day)s") % {"day": at}, header, lines, frozen_columns=1)
    return table_download(kind, f"octopus-legislation-map-{at}", table, sample=any(r.sample for r in rows))


@require_GET
def legislation_map_export(request, kind):
    if kind not in ("csv", "xlsx"):
        raise Http404
    return legislation_map(request, export=kind)


# --- a country's profile ---------------------------------------------------------------------------------------------


@require_GET
def legislation_profile(request, iso2):
    at, date_error = as_at(request)
    country = get_object_or_404(Country, iso2=iso2.upper())
    articles = profile_articles()
    entries = country_profile(country, at, articles)
    sections: list[dict] = []
    for entry in entries:
        heading = entry.article.section or entry.article.chapter
        if not sections or sections[-1]["heading"] != heading:
            sections.append({"heading": heading, "chapter": entry.article.chapter, "entries": []})
        sections[-1]["entries"].append({"entry": entry, "cell": cell(entry.current)})
    current = [e.current for e in entries]
    shares = [{"label": _("All articles"), "share": share_from(current)}] + [
        {"label": label, "share": share_from(e.current for e in entries if group_of(e.article) == key)}
        for key, label in GROUP_LABELS.items()
    ]
    context = {
        "at": at,
        "country": country,
        "laws": reviewed_laws(country, at),
        "sections": sections,
        "shares": shares,
        "assessed": any(current),
        "legend": legend(),
    }
    return render_as_at(request, "legislation/public/profile.html", context, date_error)


# --- an article's page -----------------------------------------------------------------------------------------------


@require_GET
def legislation_article(request, number):
    if number not in PROFILE_ARTICLES:
        raise Http404
    at, date_error = as_at(request)
    article = get_object_or_404(Article.objects.select_related("treaty"), treaty__number=PROFILE_TREATY, number=number)
    statements = article_at(article, at)
    levels = [
        {"level": level, "cell": cell_of(level), "statements": [s for s in statements if s.level == level]}
        for level in Level
    ]
    context = {
        "at": at,
        "article": article,
        "group": GROUP_LABELS.get(group_of(article), ""),
        "levels": levels,
        "statements": statements,
    }
    return render_as_at(request, "legislation/public/article.html", context, date_error)


def cell_of(level: str) -> dict:
    sign, css = LOOK[level]
    return {"sign": sign, "css": css, "label": Level(level).label}


# --- the file of a law -----------------------------------------------------------------------------------------------


# Public route with an explicit check: a reviewed law's file is public; a draft's or a rejected one's exists only for
# those who keep that country's profile (a 404 for anyone else).
@require_GET
def law_file(request, pk):
    law = get_object_or_404(Law.objects.select_related("country"), pk=pk)
    if law.state != ReviewState.REVIEWED and not request.user.has_perm("legislation.edit_profile", law.country):
        raise Http404
    name = law.file_name or f"{slugify(law.title)[:80] or 'law'}.{law.file_type}"
    return send_document(law.file, name=name, file_type=law.file_type, private=law.state != ReviewState.REVIEWED)


urlpatterns = [
    path("legislation/", legislation_map, name="legislation_map"),
    path("legislation/export.<str:kind>", legislation_map_export, name="legislation_map_export"),
    path("legislation/articles/<int:number>/", legislation_article, name="legislation_article"),
    path("legislation/laws/<int:pk>/file", law_file, name="law_file"),
    path("legislation/<str:iso2>/", legislation_profile, name="legislation_profile"),
]
