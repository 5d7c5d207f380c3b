"""Country statistics in the workspace: the figures per country and year (a table with its sources, a chart for one
country, CSV/XLSX), entering a country's year from a published source (staff), and preparing the yearly
questionnaire through which focal points report them (`surveys`).

Who sees what: `legislation.view_workspace` reads the table, a focal point only its own countries' rows;
`legislation.record_statistics` (staff) enters figures and prepares questionnaires. Every write goes through
`octopus.legislation.services.statistics`.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from octopus.accounts.permissions import is_focal_point, is_staff_member, permission_required
from octopus.countries.models import Country
from octopus.legislation.forms.statistics import (
    ChooseYearForm,
    FiguresForm,
    QuestionnaireYearForm,
    StatisticsFilterForm,
    default_questionnaire_year,
)
from octopus.legislation.models import Figure, Statistic, StatisticSource, StatisticsQuestionnaire
from octopus.legislation.services import statistics as services
from octopus.lib.charts import VEGA_LITE_SCHEMA
from octopus.lib.downloads import table_download
from octopus.lib.errors import ConflictError, DomainError
from octopus.lib.exports import Table
from octopus.lib.forms import show_refusal
from octopus.lib.sorting import sort_link
from octopus.surveys.permissions import focal_countries

READ = "legislation.view_workspace"
RECORD = "legislation.record_statistics"
PAGE_SIZE = 50
CHART_FIGURES = (Figure.CASES_PROSECUTED, Figure.MLA_MEDIAN_DAYS)


def visible_countries(user) -> set[str] | None:
    """ISO codes of the countries whose figures the user reads: None for all (staff, finance, donors), a focal
    point its own."""
    if is_staff_member(user) or not is_focal_point(user):
        return None
    return focal_countries(user)


# Column headers within their section ("Criminal justice action: cases recorded"); the full label is the title.
SHORT_LABELS = {
    Figure.CASES_RECORDED: gettext_lazy("Cases recorded"),
    Figure.CASES_INVESTIGATED: gettext_lazy("Investigated"),
    Figure.CASES_PROSECUTED: gettext_lazy("Prosecuted"),
    Figure.CASES_CONVICTED: gettext_lazy("Convicted"),
    Figure.MLA_SENT: gettext_lazy("MLA sent"),
    Figure.MLA_RECEIVED: gettext_lazy("MLA received"),
    Figure.MLA_EXECUTED: gettext_lazy("MLA executed"),
    Figure.MLA_MEDIAN_DAYS: gettext_lazy("MLA median days"),
    Figure.CONTACT_247_SENT: gettext_lazy("24/7 sent"),
    Figure.CONTACT_247_RECEIVED: gettext_lazy("24/7 received"),
    Figure.CONTACT_247_EXECUTED: gettext_lazy("24/7 executed"),
    Figure.PRESERVATION_SENT: gettext_lazy("Preservation sent"),
    Figure.PRESERVATION_RECEIVED: gettext_lazy("Preservation received"),
}


class CountryYear:
    """One row of the table: a country's figures for a year, each a `Statistic` (or absent: not reported)."""

    def __init__(self, country: Country, year: int):
        self.country, self.year = country, year
        self.figures: dict[str, Statistic] = {}
        self.cells: list = []  # [(figure, Statistic | None, footnote number | None)] in column order

    def value(self, figure: str) -> int | None:
        row = self.figures.get(figure)
        return row.value if row is not None else None

    @property
    def is_sample(self) -> bool:
        return any(row.is_sample for row in self.figures.values())


def country_years(statistics) -> list[CountryYear]:
    rows: dict[tuple[int, int], CountryYear] = {}
    for statistic in statistics:
        key = (statistic.country_id, statistic.year)
        if key not in rows:
            rows[key] = CountryYear(statistic.country, statistic.year)
        rows[key].figures[statistic.figure] = statistic
    return list(rows.values())


def source_text(statistic: Statistic) -> str:
    if statistic.citation:
        return f"{statistic.get_source_display()}: {statistic.citation}"
    return str(statistic.get_source_display())


def sort_rows(rows: list[CountryYear], sort: str) -> list[CountryYear]:
    """By country then latest year first (the default), or by a column; a figure not reported sorts last."""
    key, reverse_ = sort.removeprefix("-"), sort.startswith("-")
    if key == "year":
        return sorted(rows, key=lambda r: (r.year, r.country.name), reverse=reverse_)
    if key in Figure.values:
        known = sorted((r for r in rows if r.value(key) is not None), key=lambda r: r.value(key), reverse=reverse_)
        return known + [r for r in rows if r.value(key) is None]
    ordered = sorted(rows, key=lambda r: -r.year)
    return sorted(ordered, key=lambda r: r.country.name, reverse=key == "country" and reverse_)


def statistics_table(rows: list[CountryYear]) -> Table:
    header = [_("Country"), _("ISO code"), _("Year"), *[str(figure.label) for figure in Figure], _("Sources")]

    def lines():
        for row in rows:
            sources = sorted({source_text(statistic) for statistic in row.figures.values()})
            yield [row.country.name, row.country.iso2, row.year, *[row.value(f) for f in Figure], "; ".join(sources)]

    return Table(_("Country statistics"), header, lines(), frozen_columns=3)


def statistics_chart(country: Country, rows: list[CountryYear]) -> dict | None:
    """Cases prosecuted (bars, left axis) and median days to execute an MLA request (line, right axis) per year
    of one country; None when it reported neither."""
    values = [
        {"year": str(row.year), "figure": str(figure.label), "value": row.value(figure)}
        for row in sorted(rows, key=lambda r: r.year)
        for figure in CHART_FIGURES
        if row.value(figure) is not None
    ]
    if not values:
        return None

    def layer(figure: Figure, mark: dict, orient: str, colour: str) -> dict:
        return {
            "transform": [{"filter": {"field": "figure", "equal": str(figure.label)}}],
            "mark": {**mark, "color": colour},
            "encoding": {
                "x": {"field": "year", "type": "ordinal", "title": None},
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": str(figure.label),
                    "axis": {"orient": orient, "titleColor": colour},
                },
                "tooltip": [
                    {"field": "year", "type": "ordinal", "title": _("Year")},
                    {"field": "figure", "type": "nominal", "title": _("Figure")},
                    {"field": "value", "type": "quantitative", "title": _("Value")},
                ],
            },
        }

    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": _("%(country)s: cases prosecuted and median days to execute an MLA request") % {"country": country},
        "width": "container",
        "height": 220,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": values},
        "layer": [
            layer(Figure.CASES_PROSECUTED, {"type": "bar", "opacity": 0.7}, "left", "#4c78a8"),
            layer(Figure.MLA_MEDIAN_DAYS, {"type": "line", "point": {"color": "#e45756"}}, "right", "#e45756"),
        ],
        "resolve": {"scale": {"y": "independent"}},
    }


@require_GET
@permission_required(READ)
def statistics_list(request):
    """Every country's figures per year (a focal point: its own countries'), filtered, sorted, with each figure's
    source on hover and as a numbered note, CSV/XLSX, and a chart for the country chosen."""
    allowed = visible_countries(request.user)
    filters = StatisticsFilterForm(request.GET or None, countries=allowed)
    statistics = Statistic.objects.select_related("country")
    if allowed is not None:
        statistics = statistics.filter(country__iso2__in=allowed)
    country = year = None
    if filters.is_valid():
        country, year = filters.cleaned_data["country"], filters.cleaned_data["year"]
        if country:
            statistics = statistics.filter(country=country)
        if year:
            statistics = statistics.filter(year=year)
    if country is None and allowed is not None and len(allowed) == 1:
        country = Country.objects.filter(iso2__in=allowed).first()  # a focal point's chart is its country's
    sort = request.GET.get("sort", "")
    rows = sort_rows(country_years(statistics), sort)
    fmt = request.GET.get("format")
    if fmt:
        sample = any(row.is_sample for row in rows)
        return table_download(fmt, "country-statistics", statistics_table(rows), sample=sample)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    notes: dict[str, int] = {}  # source text → its footnote number, in order of appearance on the page
    for row in page.object_list:
        for figure in Figure:
            statistic = row.figures.get(figure)
            note = notes.setdefault(source_text(statistic), len(notes) + 1) if statistic is not None else None
            row.cells.append((figure, statistic, note))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    may_record = request.user.has_perm(RECORD)
    context = {
        "filters": filters,
        "page": page,
        "rows": page.object_list,
        "sections": [(title, len(figures)) for title, figures in services.SECTIONS],
        "figures": [(figure, SHORT_LABELS[figure], sort_link(request, figure.value, sort)) for figure in Figure],
        "sort_country": sort_link(request, "country", sort),
        "sort_year": sort_link(request, "year", sort),
        "notes": [(number, text) for text, number in notes.items()],
        "query": query.urlencode(),
        "filtered": bool(request.GET.get("country") or request.GET.get("year")),
        "chart": statistics_chart(country, rows) if country is not None else None,
        "chart_country": country,
        "may_record": may_record,
        "questionnaire_form": QuestionnaireYearForm(
            initial={"year": default_questionnaire_year()}, auto_id="questionnaire_%s"
        ),
        "questionnaires": (
            StatisticsQuestionnaire.objects.select_related("questionnaire").order_by("-year") if may_record else []
        ),
    }
    return render(request, "legislation/statistics/list.html", context)


@require_GET
@permission_required(RECORD)
def statistics_enter(request):
    """Choose the country and year to enter figures for; then their form."""
    form = ChooseYearForm(request.GET or None)
    if form.is_valid():
        return redirect("legislation:statistics_edit", form.cleaned_data["country"].iso2, form.cleaned_data["year"])
    return render(request, "legislation/statistics/enter.html", {"form": form}, status=400 if form.errors else 200)


def _recorded(country: Country, year: int) -> dict[str, Statistic]:
    return {row.figure: row for row in Statistic.objects.filter(country=country, year=year)}


@require_http_methods(["GET", "POST"])
@permission_required(RECORD)
def statistics_edit(request, iso2: str, year: int):
    """Every figure of a country's year from a published source (cited): blank is not reported, a figure already
    recorded is corrected only if its value changes, and one corrected meanwhile is a conflict."""
    country = get_object_or_404(Country, iso2=iso2.upper())
    recorded = _recorded(country, year)
    status = 200
    if request.method == "POST":
        form = FiguresForm(request.POST, recorded=recorded)
        if form.is_valid():
            values, versions = form.changed_figures()
            if not values:
                messages.info(request, _("No figure changed: nothing was saved."))
                return redirect(f"{reverse('legislation:statistics_list')}?country={country.iso2}")
            try:
                services.record_figures(
                    country,
                    year,
                    values,
                    source=StatisticSource.PUBLISHED,
                    user=request.user,
                    citation=form.cleaned_data["citation"],
                    versions=versions,
                )
            except ConflictError:
                current = _recorded(country, year)
                form.recorded = current
                form.show_current_versions(current)
                form.add_error(
                    None,
                    _(
                        "Someone changed these figures since you opened the form: the values now "
                        "recorded are shown next to each field. Your figures are kept below; save "
                        "again to replace them."
                    ),
                )
                status = 409
            except DomainError as error:
                show_refusal(form, error)
                status = 400
            else:
                messages.success(
                    request,
                    _("%(n)s figures of %(country)s for %(year)s recorded.")
                    % {"n": len(values), "country": country, "year": year},
                )
                return redirect(f"{reverse('legislation:statistics_list')}?country={country.iso2}")
        else:
            form.add_error(None, _("Some figures need correcting: nothing was saved."))
            status = 400
    else:
        form = FiguresForm(recorded=recorded)
        try:
            services.check_year(year)
        except DomainError:
            raise Http404 from None  # no figures are kept for such a year: there is no such page
    context = {"form": form, "country": country, "year": year, "recorded": form.recorded}
    return render(request, "legislation/statistics/edit.html", context, status=status)


@require_POST
@permission_required(RECORD)
def statistics_questionnaire_create(request):
    """Prepare the questionnaire of a year (in draft), then build, open and send it on its surveys page."""
    form = QuestionnaireYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("legislation:statistics_list")
    try:
        questionnaire = services.create_statistics_questionnaire(form.cleaned_data["year"], user=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("legislation:statistics_list")
    ready = _(
        "The statistics questionnaire for %(year)s is ready as a draft: check it, open it and choose the "
        "countries to answer."
    )
    messages.success(request, ready % {"year": form.cleaned_data["year"]})
    return redirect("surveys:questionnaire", questionnaire.pk)


urlpatterns = [
    path("workspace/legislation/statistics/", statistics_list, name="statistics_list"),
    path("workspace/legislation/statistics/enter/", statistics_enter, name="statistics_enter"),
    path(
        "workspace/legislation/statistics/questionnaire/",
        statistics_questionnaire_create,
        name="statistics_questionnaire_create",
    ),
    path("workspace/legislation/statistics/<str:iso2>/<int:year>/", statistics_edit, name="statistics_edit"),
]
