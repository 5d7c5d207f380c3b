"""Budgets by output, cost category and year, closed years, and expenditure with the costs brought in from events
and the committee.

Who may do what (`octopus.funding.permissions`): staff and the finance officer read (`funding.view_position`); the
finance officer alone writes (`funding.manage_money`): adopting a budget, closing a year, recording and correcting
expenditure, bringing costs in. Every change goes through `octopus.funding.services.budget`, which refuses what
makes no sense (a closed year, an output of another programme, a currency without a rate) in words users read;
the pages keep what was typed and show the refusal.

Every total on these pages is the sum of the cells it totals, added here from the stored cents (money.py).
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from octopus.accounts.permissions import permission_required
from octopus.accounts.services import download_log
from octopus.funding.forms.budget import (
    BudgetForm,
    BudgetSheetForm,
    CloseYearForm,
    ExpenditureFilterForm,
    ExpenditureForm,
    Source,
    outputs_of,
    read_budget_sheet,
)
from octopus.funding.models import Budget, CostCategory, Expenditure
from octopus.funding.services import budget as services
from octopus.funding.views import chosen_programme
from octopus.lib.downloads import contains_sample, table_download
from octopus.lib.errors import DomainError
from octopus.lib.exports import Table
from octopus.lib.forms import show_refusal
from octopus.lib.sorting import sort_columns
from octopus.results.models import Programme, ResultNode

READ = "funding.view_position"
MANAGE = "funding.manage_money"
PAGE_SIZE = 100
CATEGORY_ORDER = {category.value: index for index, category in enumerate(CostCategory)}
ZERO = Decimal("0.00")


# --- helpers -------------------------------------------------------------------------------------------------------


def programme_of(request) -> Programme:
    """The programme of the page (see `chosen_programme`); 404 when none is recorded."""
    programme, _programmes = chosen_programme(request)
    if programme is None:
        raise Http404
    return programme


def with_programme(name: str, programme: Programme, **query) -> str:
    return reverse(name) + "?" + urlencode({"programme": programme.code, **query})


def programme_years(programme: Programme) -> list[int]:
    """The programme's years, from its start to its end (the years a budget may plan)."""
    return list(range(programme.starts_on.year, programme.ends_on.year + 1))


# --- the budget grid -----------------------------------------------------------------------------------------------


def line_amounts(budget: Budget | None) -> dict[tuple[int, str, int], Decimal]:
    """(node pk, category, year) → EUR of a budget's lines."""
    if budget is None:
        return {}
    return {
        (node, category, year): amount
        for node, category, year, amount in budget.lines.values_list("node", "category", "year", "amount_eur")
    }


def budget_grid(programme: Programme, amounts: dict, previous: dict | None) -> dict:
    """The budget as a table: a row per output × cost category with a cell per year, row and column totals and the
    grand total (each the sum of its cells), and, against the budget before it, the difference per cell and row."""
    nodes = {node.pk: node for node in outputs_of(programme)}
    keys = set(amounts) | set(previous or {})
    missing = {node for node, _category, _year in keys} - set(nodes)
    if missing:  # a line on a node that is not (or no longer) an output: still shown, never dropped from a total
        nodes.update({node.pk: node for node in ResultNode.objects.filter(pk__in=missing)})
    years = sorted({year for _node, _category, year in keys})
    order = {pk: index for index, pk in enumerate(nodes)}
    pairs = sorted(
        {(node, category) for node, category, _year in keys},
        key=lambda pair: (order[pair[0]], CATEGORY_ORDER.get(pair[1], 99)),
    )
    rows, column_totals = [], [ZERO for _year in years]
    for node, category in pairs:
        cells = []
        for index, year in enumerate(years):
            amount = amounts.get((node, category, year))
            before = previous.get((node, category, year)) if previous is not None else None
            difference = None
            if previous is not None and (amount or ZERO) != (before or ZERO):
                difference = (amount or ZERO) - (before or ZERO)
            cells.append({"year": year, "amount": amount, "difference": difference})
            column_totals[index] += amount or ZERO
        total = sum((cell["amount"] or ZERO for cell in cells), ZERO)
        row = {
            "node": nodes[node],
            "category": CostCategory(category).label if category in CATEGORY_ORDER else category,
            "category_code": category,
            "cells": cells,
            "total": total,
        }
        if previous is not None:
            before_total = sum((previous.get((node, category, year), ZERO) for year in years), ZERO)
            row["previous"] = before_total
            row["difference"] = total - before_total
        rows.append(row)
    grand = sum(column_totals, ZERO)
    grid = {"years": years, "rows": rows, "column_totals": list(zip(years, column_totals, strict=True)), "total": grand}
    if previous is not None:
        previous_total = sum(previous.values(), ZERO)
        grid["previous_total"] = previous_total
        grid["difference"] = grand - previous_total
    return grid


@require_GET
@permission_required(READ)
def budget(request):
    programme = programme_of(request)
    budgets = list(programme.budgets.annotate(total=Sum("lines__amount_eur")))
    current = budgets[-1] if budgets else None
    chosen = current
    if request.GET.get("version"):
        try:
            number = int(request.GET["version"])
        except ValueError:
            raise Http404 from None
        chosen = next((b for b in budgets if b.number == number), None)
        if chosen is None:
            raise Http404
    previous = next((b for b in budgets if chosen and b.number == chosen.number - 1), None)
    grid = budget_grid(programme, line_amounts(chosen), line_amounts(previous) if previous else None)
    closed = list(programme.closed_years.select_related("closed_by"))
    closed_numbers = {row.year for row in closed}
    can_manage = request.user.has_perm(MANAGE)
    # Years that may be closed: the programme's years not closed yet, up to this one (never a future year).
    closable = [year for year in programme_years(programme) if year not in closed_numbers]
    closable = [year for year in closable if year <= timezone.localdate().year]
    context = {
        "programme": programme,
        "programmes": Programme.objects.order_by("starts_on", "code"),
        "budgets": budgets,
        "current": current,
        "chosen": chosen,
        "previous": previous,
        "grid": grid,
        "closed_years": closed,
        "closable_years": closable,
        "can_manage": can_manage,
    }
    return render(request, "funding/budget/budget.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def budget_adopt(request):
    programme = programme_of(request)
    current = programme.budgets.order_by("-number").first()
    amounts = line_amounts(current)
    years = sorted(set(programme_years(programme)) | {year for _node, _category, year in amounts})
    outputs = list(outputs_of(programme))
    sheet_form = BudgetSheetForm()
    if request.method == "POST" and "load" in request.POST:
        # A spreadsheet fills the grid, to be checked and adopted with the button below it: nothing is saved yet.
        sheet_form = BudgetSheetForm(request.POST, request.FILES)
        if sheet_form.is_valid():
            loaded, errors = read_budget_sheet(sheet_form.cleaned_data["sheet"], outputs=outputs, years=years)
            for error in errors:
                sheet_form.add_error("sheet", error)
            if not errors:
                amounts = loaded
                messages.info(
                    request,
                    _(
                        "The grid is filled from the sheet: %(count)s lines, %(total)s EUR. Check "
                        "it, say when and by what decision it was adopted, and adopt it."
                    )
                    % {"count": len(loaded), "total": f"{sum(loaded.values(), ZERO):,.2f}"},
                )
        form = BudgetForm(outputs=outputs, years=years, amounts=amounts, initial={"adopted_on": timezone.localdate()})
        return _adopt_page(request, form, sheet_form, programme=programme, current=current)
    form = BudgetForm(
        request.POST or None,
        outputs=outputs,
        years=years,
        amounts=amounts,
        initial={"adopted_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            adopted = services.adopt_budget(
                programme,
                adopted_on=form.cleaned_data["adopted_on"],
                lines=form.lines(),
                user=request.user,
                decision=form.cleaned_data["decision"],
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("Budget %(number)s (%(kind)s) adopted: %(total)s EUR.")
                % {
                    "number": adopted.number,
                    "kind": adopted.get_kind_display().lower(),
                    "total": f"{sum((line[3] for line in form.lines()), ZERO):,.2f}",
                },
            )
            return redirect(with_programme("funding:budget", programme))
    return _adopt_page(request, form, sheet_form, programme=programme, current=current)


def _adopt_page(request, form, sheet_form, *, programme, current):
    context = {"form": form, "sheet_form": sheet_form, "programme": programme, "current": current}
    refused = form.errors or sheet_form.errors
    return render(request, "funding/budget/adopt.html", context, status=400 if refused else 200)


@require_POST
@permission_required(MANAGE)
def budget_close_year(request):
    programme = programme_of(request)
    form = CloseYearForm(request.POST)
    if form.is_valid():
        year = form.cleaned_data["year"]
        try:
            services.close_year(programme, year, user=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("%(year)s is closed: no expenditure can be recorded in it any more.") % {"year": year}
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(with_programme("funding:budget", programme))


# --- expenditure ---------------------------------------------------------------------------------------------------


def source_of(row: Expenditure) -> dict | None:
    """Where a brought-in cost comes from: what it is and the page where it is kept; None for a typed one."""
    if row.source_travel_id:
        travel = row.source_travel
        return {
            "kind": Source.TRAVEL,
            "label": _("Travel of %(who)s") % {"who": travel.registration},
            "url": reverse("events:event_travel", args=[travel.registration.event.slug]),
        }
    if row.source_translation_id:
        version = row.source_translation
        return {
            "kind": Source.TRANSLATION,
            "label": _("Translation: %(doc)s (%(lang)s)")
            % {"doc": version.document, "lang": version.get_language_display()},
            "url": reverse("committees:tcy_translation", args=[version.pk]),
        }
    if row.source_interpretation_id:
        request = row.source_interpretation
        return {
            "kind": Source.INTERPRETATION,
            "label": _("Interpretation: %(what)s") % {"what": request},
            "url": reverse("committees:tcy_meeting", args=[request.meeting_id]),
        }
    return None


SOURCE_LABELS = dict(Source.CHOICES)


def source_kind(row: Expenditure) -> str:
    if row.source_travel_id:
        return Source.TRAVEL
    if row.source_translation_id:
        return Source.TRANSLATION
    if row.source_interpretation_id:
        return Source.INTERPRETATION
    return Source.TYPED


def _filtered(request, programme):
    filters = ExpenditureFilterForm(request.GET, programme=programme)
    rows = Expenditure.objects.filter(programme=programme).select_related("node")
    return filters, filters.filter(rows)


@require_GET
@permission_required(READ)
def expenditure(request):
    programme = programme_of(request)
    filters, rows = _filtered(request, programme)
    totals = rows.aggregate(eur=Sum("eur"), count=Count("pk"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.source_kind = source_kind(row)
        row.source_label = SOURCE_LABELS[row.source_kind]
    query = request.GET.copy()
    query.pop("page", None)
    query["programme"] = programme.code
    labels = {
        "spent_on": _("Date"),
        "output": _("Output"),
        "category": _("Category"),
        "description": _("Description"),
        "status": _("Status"),
        "eur": _("EUR"),
    }
    context = {
        "programme": programme,
        "programmes": Programme.objects.order_by("starts_on", "code"),
        "filters": filters,
        "page": page,
        "rows": page.object_list,
        "total": totals["eur"] or ZERO,
        "count": totals["count"],
        "columns": sort_columns(request, request.GET.get("sort", ""), labels),
        "filtered": any(value for key, value in request.GET.items() if key not in ("sort", "page", "programme")),
        "query": query.urlencode(),
        "export_query": query.urlencode(),
        "can_manage": request.user.has_perm(MANAGE),
        "closed_years": sorted(programme.closed_years.values_list("year", flat=True)),
    }
    return render(request, "funding/budget/expenditure_list.html", context)


def expenditure_table(programme, rows) -> Table:
    header = [
        _("Date"),
        _("Output"),
        _("Category"),
        _("Description"),
        _("Status"),
        _("Source"),
        _("Currency"),
        _("Amount"),
        _("Rate (units per EUR)"),
        _("EUR"),
        _("Sample data"),
    ]
    data = (
        [
            row.spent_on,
            row.node.code,
            row.get_category_display(),
            row.description,
            row.get_status_display(),
            SOURCE_LABELS[source_kind(row)],
            row.currency,
            row.amount,
            row.rate.units_per_eur if row.rate else None,
            row.eur,
            row.is_sample,
        ]
        for row in rows.select_related("rate")
    )
    return Table(_("Expenditure %(code)s") % {"code": programme.code}, header, data, frozen_columns=1)


@require_GET
@permission_required(READ)
def expenditure_export(request, fmt):
    programme = programme_of(request)
    _filters, rows = _filtered(request, programme)
    table = expenditure_table(programme, rows)
    sample = programme.is_sample or contains_sample(rows)
    # Travel costs name the traveller ("Travel of … to …"): a list holding them is written to the audit log.
    travellers = rows.filter(source_travel__isnull=False).count()
    sent = download_log(request.user, programme, "funding.expenditure", travellers=travellers) if travellers else None
    return table_download(fmt, f"expenditure-{programme.code}", table, sample=sample, sent=sent)


# The counts `sync_costs` returns, in words (a count it may add later is shown by its key).
SYNC_LABELS = {
    "added": _("added"),
    "updated": _("updated"),
    "removed": _("removed (no longer a cost)"),
    "skipped_closed": _("left as they are (closed year)"),
    "not_assigned": _("not brought in: their event serves no programme (assign it to bring its costs in)"),
}


def sync_summary(counts: dict) -> str:
    return ", ".join(f"{value} {SYNC_LABELS.get(key, key.replace('_', ' '))}" for key, value in counts.items())


@require_POST
@permission_required(MANAGE)
def funding_sync_costs(request):
    programme = programme_of(request)
    try:
        counts = services.sync_costs(programme, user=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        summary = sync_summary(counts)
        if any(counts.get(key) for key in ("added", "updated", "removed")):
            messages.success(
                request, _("Costs brought in from events and the committee: %(counts)s.") % {"counts": summary}
            )
        else:
            messages.info(
                request, _("Nothing new to bring in from events and the committee: %(counts)s.") % {"counts": summary}
            )
    return redirect(with_programme("funding:expenditure", programme))


def _form_page(request, form, *, programme, row=None, source=None):
    context = {
        "form": form,
        "programme": programme,
        "row": row,
        "source": source,
        "back": with_programme("funding:expenditure", programme),
        "closed_years": sorted(programme.closed_years.values_list("year", flat=True)),
    }
    return render(request, "funding/budget/expenditure_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def expenditure_new(request):
    programme = programme_of(request)
    form = ExpenditureForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_expenditure(programme, user=request.user, **form.service_fields())
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Expenditure recorded."))
            return redirect(with_programme("funding:expenditure", programme))
    return _form_page(request, form, programme=programme)


@require_http_methods(["GET", "POST"])
@permission_required(READ)
def expenditure_edit(request, pk):
    """A typed expenditure, to correct (finance officer) or read (staff). A cost brought in from another app is
    read-only here: it is corrected where it comes from, and brought in again from there."""
    row = get_object_or_404(
        Expenditure.objects.select_related(
            "programme",
            "node",
            "rate",
            "event",
            "advice__country",
            "source_travel__registration__event",
            "source_translation__document",
            "source_interpretation__meeting",
        ),
        pk=pk,
    )
    can_manage = request.user.has_perm(MANAGE)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    source = source_of(row)
    if source is not None or not can_manage:
        if request.method == "POST":
            messages.error(request, _("This cost is brought in from another record: edit it where it comes from."))
        context = {
            "row": row,
            "programme": row.programme,
            "source": source,
            "can_manage": can_manage,
            "back": with_programme("funding:expenditure", row.programme),
        }
        return render(
            request, "funding/budget/expenditure_detail.html", context, status=400 if request.method == "POST" else 200
        )
    form = ExpenditureForm(request.POST or None, instance=row, programme=row.programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_expenditure(
                row, user=request.user, version=form.cleaned_data["version"], **form.service_fields()
            )
        except DomainError as error:
            show_refusal(form, error, current_version=lambda: Expenditure.objects.get(pk=row.pk).version)
        else:
            messages.success(request, _("Expenditure corrected."))
            return redirect(with_programme("funding:expenditure", row.programme))
    return _form_page(request, form, programme=row.programme, row=row)


urlpatterns = [
    path("workspace/funding/budget/", budget, name="budget"),
    path("workspace/funding/budget/adopt/", budget_adopt, name="budget_adopt"),
    path("workspace/funding/budget/close/", budget_close_year, name="budget_close_year"),
    path("workspace/funding/expenditure/", expenditure, name="expenditure"),
    path("workspace/funding/expenditure/export/<str:fmt>/", expenditure_export, name="expenditure_export"),
    path("workspace/funding/expenditure/new/", expenditure_new, name="expenditure_new"),
    path("workspace/funding/expenditure/sync/", funding_sync_costs, name="funding_sync_costs"),
    path("workspace/funding/expenditure/<int:pk>/", expenditure_edit, name="expenditure_edit"),
]
