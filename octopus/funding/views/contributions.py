"""Donors, contributions from pledge to receipt, earmarks, reporting obligations and exchange rates.

Who may do what (`octopus.funding.permissions`): staff and the finance officer read every contribution, a donor reads
its own (`visible_contributions`; another donor's is a 404 to it); donors and rates are the managers' pages
(`funding.view_position`). The finance officer alone writes (`funding.manage_money`), every change through
`octopus.funding.services`, which refuse in words users read; a refused form comes back as it was typed.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from octopus.accounts.permissions import permission_required
from octopus.funding.forms.contributions import (
    SORTS,
    AgreementForm,
    CancelForm,
    ContributionFilterForm,
    DonorForm,
    EarmarkForm,
    ObligationForm,
    PledgeForm,
    RateFilterForm,
    RateForm,
    ReceiptForm,
    SubmittedForm,
)
from octopus.funding.models import (
    MONEY,
    Contribution,
    ContributionStatus,
    Donor,
    Earmark,
    ExchangeRate,
    Receipt,
    ReportingObligation,
)
from octopus.funding.money import EUR
from octopus.funding.permissions import visible_contributions
from octopus.funding.services import contributions as services
from octopus.funding.services import rates
from octopus.lib.downloads import table_download
from octopus.lib.errors import ConflictError, DomainError
from octopus.lib.exports import Table
from octopus.lib.forms import show_refusal
from octopus.lib.sorting import sort_link

READ = "funding.view_contributions"
MANAGERS = "funding.view_position"
MANAGE = "funding.manage_money"
ZERO = Decimal("0.00")
OPEN = (ContributionStatus.PLEDGED, ContributionStatus.SIGNED)  # the states a contribution still changes in
BOUND = (ContributionStatus.SIGNED, ContributionStatus.CLOSED)  # an agreement binds the donor


# --- helpers -------------------------------------------------------------------------------------------------------


def rate_text(rate: ExchangeRate | None) -> str:
    """How an EUR figure was reached: "1 EUR = 1.1023 USD, ECB, 2016-03-04" ("" for EUR, which needs no rate)."""
    if rate is None:
        return ""
    units = format(rate.units_per_eur.normalize(), "f")
    return f"1 EUR = {units} {rate.currency}, {rate.source}, {rate.day:%Y-%m-%d}"


def _sum(rows, field: str):
    """Σ `field` of a contribution's `rows` (a related queryset), as a subquery: no join multiplies the others."""
    total = rows.filter(contribution=OuterRef("pk")).order_by().values("contribution").annotate(total=Sum(field))
    return Coalesce(Subquery(total.values("total")), Value(ZERO), output_field=DecimalField(**MONEY))


def with_figures(contributions):
    return contributions.select_related("donor", "programme").annotate(
        received_amount=_sum(Receipt.objects, "amount"),
        received_eur=_sum(Receipt.objects, "eur"),
        earmarked_amount=_sum(Earmark.objects, "amount"),
    )


def counted(contribution: Contribution) -> dict:
    """The EUR a row adds to the totals, by the position's definitions: a cancelled pledge counts for nothing,
    only an agreement signed (or closed) counts as signed; every receipt counts as received."""
    return {
        "pledged": None if contribution.status == ContributionStatus.CANCELLED else contribution.pledged_eur,
        "signed": contribution.signed_eur if contribution.status in BOUND else None,
        "received": contribution.received_eur,
    }


def totals_of(rows) -> dict:
    return {key: sum((row.counted[key] or ZERO for row in rows), ZERO) for key in ("pledged", "signed", "received")}


def get_contribution(user, pk) -> Contribution:
    """A contribution the user may read (another donor's is a 404), with its figures."""
    rows = with_figures(visible_contributions(user, Contribution.objects.all()))
    return get_object_or_404(rows.select_related("pledged_rate", "signed_rate"), pk=pk)


def current_version(model, pk):
    return lambda: model.objects.get(pk=pk).version


# --- the list ------------------------------------------------------------------------------------------------------


def _filtered(request):
    readable = visible_contributions(request.user, Contribution.objects.all())
    filters = ContributionFilterForm(request.GET or None, contributions=readable)
    rows = list(filters.filter(with_figures(readable)))
    for row in rows:
        row.counted = counted(row)
    return filters, rows


@require_GET
@permission_required(READ)
def contributions(request):
    filters, rows = _filtered(request)
    context = {
        "filters": filters,
        "contributions": rows,
        "totals": totals_of(rows),
        "columns": {key: sort_link(request, key, request.GET.get("sort", "")) for key in SORTS},
        "filtered": any(value for key, value in request.GET.items() if key != "sort"),
        "export_query": request.GET.urlencode(),
        "can_manage": request.user.has_perm(MANAGE),
    }
    return render(request, "funding/contributions/list.html", context)


CONTRIBUTION_HEADER = [
    "Donor",
    "Donor code",
    "Programme",
    "Title",
    "Reference",
    "Status",
    "Pledged on",
    "Currency",
    "Pledged",
    "Signed on",
    "Signed",
    "Received",
    "Earmarked",
    "Pledged (EUR)",
    "Signed (EUR)",
    "Received (EUR)",
    "Sample data",
]


def contribution_table(rows) -> Table:
    """The list as a table: amounts in the contribution's currency, then the EUR the totals count."""
    header = [_(name) for name in CONTRIBUTION_HEADER]
    lines = (
        [
            row.donor.name,
            row.donor.code,
            row.programme.code,
            row.title,
            row.reference,
            row.get_status_display(),
            row.pledged_on,
            row.currency,
            row.pledged_amount,
            row.signed_on,
            row.signed_amount,
            row.received_amount,
            row.earmarked_amount,
            row.counted["pledged"],
            row.counted["signed"],
            row.counted["received"],
            row.is_sample,
        ]
        for row in rows
    )
    return Table(_("Contributions"), header, lines, frozen_columns=1)


@require_GET
@permission_required(READ)
def contribution_export(request, fmt):
    _filters, rows = _filtered(request)
    table = contribution_table(rows)
    return table_download(fmt, "contributions", table, sample=any(row.is_sample for row in rows))


# --- a pledge ------------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def contribution_new(request):
    form = PledgeForm(request.POST or None, initial={"donor": request.GET.get("donor")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        programme, donor = data.pop("programme"), data.pop("donor")
        try:
            contribution = services.pledge_contribution(programme, donor, user=request.user, **data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Pledge recorded. Record the agreement once it is signed."))
            return redirect("funding:contribution_detail", contribution.pk)
    return render(
        request,
        "funding/contributions/pledge.html",
        {"form": form, "no_donor": not Donor.objects.exists()},
        status=400 if form.errors else 200,
    )


# --- the life of a contribution ------------------------------------------------------------------------------------


def _detail(request, contribution: Contribution, **forms):
    """The contribution's page; a refused form posted from it comes back filled in, with its errors (status 400)."""
    can_manage = request.user.has_perm(MANAGE)
    receipts = list(contribution.receipts.select_related("rate"))
    for receipt in receipts:
        receipt.rate_text = rate_text(receipt.rate)
    obligations = list(contribution.obligations.all())
    open_ = contribution.status in OPEN
    submitted_form = forms.get("submitted_form")
    if can_manage:
        for obligation in obligations:
            if submitted_form is not None and submitted_form.prefix == f"o{obligation.pk}":
                obligation.form = submitted_form
            elif obligation.submitted_on is None:
                obligation.form = SubmittedForm(prefix=f"o{obligation.pk}", initial={"version": obligation.version})
    agreement = {
        "version": contribution.version,
        "reference": contribution.reference,
        "conditions": contribution.conditions,
    }
    if contribution.signed_amount is not None:
        agreement |= {"signed_on": contribution.signed_on, "amount": contribution.signed_amount}
    context = {
        "contribution": contribution,
        "counted": counted(contribution),
        "pledged_rate": rate_text(contribution.pledged_rate),
        "signed_rate": rate_text(contribution.signed_rate),
        "receipts": receipts,
        "earmarks": list(contribution.earmarks.select_related("node", "country", "event")),
        "unearmarked": contribution.binding_amount - contribution.earmarked_amount,
        "outstanding": (contribution.signed_amount or ZERO) - contribution.received_amount,
        "obligations": obligations,
        "can_manage": can_manage,
        "open": open_,
        "is_eur": contribution.currency == EUR,
        "can_audit": request.user.has_perm("accounts.view_audit"),
    }
    if can_manage and open_:
        context |= {
            "agreement_form": forms.get("agreement_form") or AgreementForm(initial=agreement),
            "earmark_form": forms.get("earmark_form") or EarmarkForm(contribution=contribution),
            "obligation_form": forms.get("obligation_form") or ObligationForm(),
            "cancel_form": forms.get("cancel_form") or CancelForm(initial={"version": contribution.version}),
        }
        if contribution.status == ContributionStatus.SIGNED:  # money is received against a signed agreement
            context["receipt_form"] = forms.get("receipt_form") or ReceiptForm()
    refused = any(form is not None and form.errors for form in forms.values())
    return render(request, "funding/contributions/detail.html", context, status=400 if refused else 200)


@require_GET
@permission_required(READ)
def contribution_detail(request, pk):
    return _detail(request, get_contribution(request.user, pk))


@require_POST
@permission_required(MANAGE)
def contribution_sign(request, pk):
    contribution = get_contribution(request.user, pk)
    form = AgreementForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.sign_agreement(contribution, user=request.user, **data)
        except DomainError as error:
            show_refusal(form, error, current_version=current_version(Contribution, contribution.pk))
        else:
            messages.success(request, _("Agreement recorded."))
            return redirect("funding:contribution_detail", contribution.pk)
    return _detail(request, contribution, agreement_form=form)


def needs_reason(contribution: Contribution, amount) -> bool:
    """Would a receipt of `amount` take the receipts above what was signed (the case that needs a reason)?"""
    if amount is None or contribution.signed_amount is None:
        return False
    return contribution.received_amount + amount > contribution.signed_amount


@require_POST
@permission_required(MANAGE)
def receipt_add(request, pk):
    contribution = get_contribution(request.user, pk)
    form = ReceiptForm(request.POST)
    form.needs_reason = bool(request.POST.get("override_reason", "").strip())  # keep a reason typed in view
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_receipt(contribution, user=request.user, **data)
        except DomainError as error:
            if needs_reason(contribution, data["amount"]) and not data["override_reason"].strip():
                form.needs_reason = True  # the service asks for a reason: show the field, with its message on it
                form.add_error("override_reason", str(error))
            else:
                show_refusal(form, error)
        else:
            messages.success(request, _("Receipt recorded."))
            return redirect("funding:contribution_detail", contribution.pk)
    return _detail(request, contribution, receipt_form=form)


@require_POST
@permission_required(MANAGE)
def contribution_cancel(request, pk):
    contribution = get_contribution(request.user, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_contribution(contribution, user=request.user, **form.cleaned_data)
        except DomainError as error:
            show_refusal(form, error, current_version=current_version(Contribution, contribution.pk))
        else:
            messages.success(request, _("Contribution cancelled."))
            return redirect("funding:contribution_detail", contribution.pk)
    return _detail(request, contribution, cancel_form=form)


@require_POST
@permission_required(MANAGE)
def earmark_add(request, pk):
    contribution = get_contribution(request.user, pk)
    form = EarmarkForm(request.POST, contribution=contribution)
    if form.is_valid():
        try:
            services.add_earmark(contribution, user=request.user, **form.cleaned_data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Earmark recorded."))
            return redirect("funding:contribution_detail", contribution.pk)
    return _detail(request, contribution, earmark_form=form)


@require_POST
@permission_required(MANAGE)
def earmark_remove(request, pk):
    earmark = get_object_or_404(Earmark, pk=pk)
    contribution = get_contribution(request.user, earmark.contribution_id)
    try:
        services.remove_earmark(earmark, user=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Earmark removed: that money is unearmarked again."))
    return redirect("funding:contribution_detail", contribution.pk)


@require_POST
@permission_required(MANAGE)
def obligation_add(request, pk):
    contribution = get_contribution(request.user, pk)
    form = ObligationForm(request.POST)
    if form.is_valid():
        try:
            services.add_obligation(contribution, user=request.user, **form.cleaned_data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Reporting obligation recorded."))
            return redirect("funding:contribution_detail", contribution.pk)
    return _detail(request, contribution, obligation_form=form)


@require_POST
@permission_required(MANAGE)
def obligation_submitted(request, pk):
    obligation = get_object_or_404(ReportingObligation, pk=pk)
    contribution = get_contribution(request.user, obligation.contribution_id)
    form = SubmittedForm(request.POST, prefix=f"o{obligation.pk}")
    if form.is_valid():
        try:
            services.mark_obligation_submitted(obligation, user=request.user, **form.cleaned_data)
        except ConflictError as error:
            # The form is prefixed: carry the current version under its own name, so saving again is deliberate.
            form.data = form.data.copy()
            form.data[form.add_prefix("version")] = ReportingObligation.objects.get(pk=obligation.pk).version
            form.add_error(None, str(error))
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Report marked as submitted."))
            return redirect("funding:contribution_detail", contribution.pk)
    return _detail(request, contribution, submitted_form=form)


# --- donors --------------------------------------------------------------------------------------------------------


@require_GET
@permission_required(MANAGERS)
def donors(request):
    not_cancelled = ~Q(contributions__status=ContributionStatus.CANCELLED)
    pledged = Sum("contributions__pledged_eur", filter=not_cancelled)
    rows = Donor.objects.select_related("country").annotate(
        pledged_eur=Coalesce(pledged, Value(ZERO), output_field=DecimalField(**MONEY))
    )
    context = {"donors": rows, "can_manage": request.user.has_perm(MANAGE)}
    return render(request, "funding/contributions/donors.html", context)


def _donor_page(request, form, *, donor=None):
    title = _("Correct donor %(name)s") % {"name": donor.name} if donor else _("Record a donor")
    context = {"form": form, "donor": donor, "title": title, "can_manage": request.user.has_perm(MANAGE)}
    if donor is not None:
        context["contributions"] = list(donor.contributions.select_related("programme"))
    return render(request, "funding/contributions/donor.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def donor_new(request):
    form = DonorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            donor = services.record_donor(user=request.user, **form.service_fields())
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Donor %(name)s recorded.") % {"name": donor.name})
            return redirect("funding:donors")
    return _donor_page(request, form)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGERS)
def donor_edit(request, pk):
    donor = get_object_or_404(Donor.objects.select_related("country"), pk=pk)
    if request.method == "POST" and not request.user.has_perm(MANAGE):
        raise PermissionDenied
    form = DonorForm(request.POST or None, instance=donor)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_donor(
                donor, user=request.user, version=form.cleaned_data["version"], **form.service_fields()
            )
        except DomainError as error:
            show_refusal(form, error, current_version=current_version(Donor, donor.pk))
        else:
            messages.success(request, _("Donor corrected."))
            return redirect("funding:donors")
    return _donor_page(request, form, donor=donor)


# --- exchange rates ------------------------------------------------------------------------------------------------


def _rates_page(request, form=None):
    currencies = list(ExchangeRate.objects.order_by("currency").values_list("currency", flat=True).distinct())
    filters = RateFilterForm(request.GET or None, currencies=currencies)
    rows = ExchangeRate.objects.select_related("recorded_by")
    if filters.is_valid() and filters.cleaned_data["currency"]:
        rows = rows.filter(currency=filters.cleaned_data["currency"])
    can_manage = request.user.has_perm(MANAGE)
    context = {
        "filters": filters,
        "rates": rows.order_by("currency", "-day")[:500],
        "can_manage": can_manage,
        "form": form or (RateForm(initial={"currency": filters.data.get("currency", "")}) if can_manage else None),
    }
    return render(request, "funding/contributions/rates.html", context, status=400 if form and form.errors else 200)


@require_GET
@permission_required(MANAGERS)
def exchange_rates(request):
    return _rates_page(request)


@require_POST
@permission_required(MANAGE)
def exchange_rate_add(request):
    form = RateForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            rate = rates.record_rate(data.pop("currency"), data.pop("day"), user=request.user, **data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Rate recorded: %(rate)s.") % {"rate": rate_text(rate)})
            return redirect(reverse("funding:exchange_rates") + f"?currency={rate.currency}")
    return _rates_page(request, form)


urlpatterns = [
    path("workspace/funding/contributions/", contributions, name="contributions"),
    path("workspace/funding/contributions/export.<str:fmt>", contribution_export, name="contribution_export"),
    path("workspace/funding/contributions/new/", contribution_new, name="contribution_new"),
    path("workspace/funding/contributions/<int:pk>/", contribution_detail, name="contribution_detail"),
    path("workspace/funding/contributions/<int:pk>/agreement/", contribution_sign, name="contribution_sign"),
    path("workspace/funding/contributions/<int:pk>/cancel/", contribution_cancel, name="contribution_cancel"),
    path("workspace/funding/contributions/<int:pk>/receipts/", receipt_add, name="receipt_add"),
    path("workspace/funding/contributions/<int:pk>/earmarks/", earmark_add, name="earmark_add"),
    path("workspace/funding/contributions/earmarks/<int:pk>/remove/", earmark_remove, name="earmark_remove"),
    path("workspace/funding/contributions/<int:pk>/obligations/", obligation_add, name="obligation_add"),
    path(
        "workspace/funding/contributions/obligations/<int:pk>/submitted/",
        obligation_submitted,
        name="obligation_submitted",
    ),
    path("workspace/funding/donors/", donors, name="donors"),
    path("workspace/funding/donors/new/", donor_new, name="donor_new"),
    path("workspace/funding/donors/<int:pk>/", donor_edit, name="donor_edit"),
    path("workspace/funding/rates/", exchange_rates, name="exchange_rates"),
    path("workspace/funding/rates/new/", exchange_rate_add, name="exchange_rate_add"),
]
