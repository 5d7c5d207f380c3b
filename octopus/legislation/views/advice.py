"""Legislative advice in the workspace: the list (filters, sorting, CSV/XLSX, the number of countries advised),
recording and correcting advice, its page with recommendations, their take-up, and its documents.

Who may do what (`octopus.legislation.permissions`): the workspace's readers (staff, focal points, the finance
officer, donors) read advice with `legislation.view_workspace`; a focal point reads only the advice given to its own
country (any other is a 404 to it). Staff record and change it with `legislation.manage_advice`. Every change goes
through `octopus.legislation.services.advice`.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from octopus.accounts.permissions import is_donor, is_finance_officer, is_staff_member, permission_required
from octopus.legislation.forms.advice import (
    AdviceDocumentForm,
    AdviceFilterForm,
    AdviceForm,
    RecommendationCorrectionForm,
    RecommendationForm,
    TakeUpForm,
    reviewed_assessments,
)
from octopus.legislation.models import Advice, AdviceDocument, AdviceRecommendation
from octopus.legislation.services import advice as services
from octopus.lib.downloads import contains_sample, table_download
from octopus.lib.errors import ConflictError, DomainError
from octopus.lib.exports import Table
from octopus.lib.files import send_document
from octopus.lib.forms import show_refusal
from octopus.lib.sorting import sort_columns
from octopus.results.assignments import assignments_of
from octopus.results.forms import programme_shares_formset
from octopus.surveys.permissions import focal_countries
from octopus.treaties.models import Article

READ = "legislation.view_workspace"
MANAGE = "legislation.manage_advice"
PAGE_SIZE = 50
TARGET_COUNTRIES = 20  # Output 3 of the logframe: legislative advice to at least 20 countries
# Readers of every country's advice; anyone else with the workspace permission is a focal point, who reads its own.
reads_all_advice = is_staff_member | is_finance_officer | is_donor


# --- helpers -------------------------------------------------------------------------------------------------------


def advice_for(user):
    """The advice `user` may read: all of it, or (a focal point) that given to its own countries."""
    if reads_all_advice(user):
        return Advice.objects.all()
    return Advice.objects.filter(country__iso2__in=focal_countries(user))


def get_advice(user, pk) -> Advice:
    return get_object_or_404(advice_for(user).select_related("country", "law", "event", "activity"), pk=pk)


def compact_numbers(numbers) -> str:
    """Article numbers as ranges: [2, 3, 4, 5, 6, 16, 17, 22] → "2–6, 16–17, 22"."""
    runs: list[list[int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)


def with_figures(advice):
    """Advice with its country, the numbers of the articles it covered and how many recommendations were made and
    taken up: three queries for any number of rows."""
    return (
        advice.select_related("country")
        .prefetch_related(Prefetch("articles", queryset=Article.objects.only("pk", "number").order_by("number")))
        .annotate(
            recommendations_made=Count("recommendations", distinct=True),
            recommendations_taken_up=Count(
                "recommendations", filter=Q(recommendations__taken_up_on__isnull=False), distinct=True
            ),
        )
    )


def articles_text(advice: Advice) -> str:
    return compact_numbers(article.number for article in advice.articles.all())


def profile_url(country) -> str:
    """The workspace profile of a country (the page the profiles module serves)."""
    try:
        return reverse("legislation:profile_edit", args=[country.iso2])
    except NoReverseMatch:
        return f"/workspace/legislation/countries/{country.iso2}/"


# --- the list ------------------------------------------------------------------------------------------------------


def _filtered(request):
    readable = advice_for(request.user)
    filters = AdviceFilterForm(request.GET or None, advice=readable)
    return filters, filters.filter(readable)


@require_GET
@permission_required(READ)
def advice_list(request):
    filters, advice = _filtered(request)
    page = Paginator(with_figures(advice), PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.articles_text = articles_text(row)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "advice": page.object_list,
        "columns": sort_columns(
            request,
            request.GET.get("sort", ""),
            {"country": _("Country"), "reviewed": _("Reviewed"), "mode": _("Mode"), "starts_on": _("Dates")},
        ),
        "countries_advised": advice.order_by().values("country").distinct().count(),
        "target": TARGET_COUNTRIES,
        "filtered": any(value for key, value in request.GET.items() if key not in ("sort", "page")),
        "query": query.urlencode(),
        "export_query": request.GET.urlencode(),
        "can_manage": request.user.has_perm(MANAGE),
    }
    return render(request, "legislation/advice/list.html", context)


def advice_table(advice) -> Table:
    header = [
        _("Country"),
        _("ISO"),
        _("Reviewed"),
        _("Mode"),
        _("From"),
        _("Until"),
        _("Articles covered"),
        _("Recommendations made"),
        _("Recommendations taken up"),
    ]
    rows = (
        [
            row.country.name,
            row.country.iso2,
            row.reviewed,
            row.get_mode_display(),
            row.starts_on,
            row.ends_on,
            articles_text(row),
            row.recommendations_made,
            row.recommendations_taken_up,
        ]
        for row in advice
    )
    return Table(_("Legislative advice"), header, rows, frozen_columns=1)


@require_GET
@permission_required(READ)
def advice_export(request, fmt):
    _filters, advice = _filtered(request)
    table = advice_table(with_figures(advice))
    return table_download(fmt, "legislative-advice", table, sample=contains_sample(advice))


# --- recording and correcting ----------------------------------------------------------------------------------------


def _form_page(request, form, *, title: str, advice: Advice | None = None, template="legislation/advice/form.html"):
    context = {
        "form": form,
        "title": title,
        "advice": advice,
        "back": reverse("legislation:advice_detail", args=[advice.pk])
        if advice
        else reverse("legislation:advice_list"),
    }
    return render(request, template, context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def advice_new(request):
    form = AdviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        country = fields.pop("country")
        try:
            advice = services.record_advice(country, user=request.user, **fields)
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Advice recorded. Add its recommendations and documents next."))
            return redirect("legislation:advice_detail", advice.pk)
    return _form_page(request, form, title=_("Record legislative advice"))


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def advice_edit(request, pk):
    advice = get_advice(request.user, pk)
    form = AdviceForm(request.POST or None, instance=advice)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_advice(
                advice, user=request.user, version=form.cleaned_data["version"], **form.service_fields()
            )
        except DomainError as error:
            show_refusal(form, error, current_version=lambda: Advice.objects.get(pk=advice.pk).version)
        else:
            messages.success(request, _("Advice corrected."))
            return redirect("legislation:advice_detail", advice.pk)
    title = _("Correct the advice to %(country)s") % {"country": advice.country}
    return _form_page(request, form, title=title, advice=advice)


# --- the advice's page -----------------------------------------------------------------------------------------------


def _detail(
    request, advice: Advice, *, recommendation_form=None, take_up_form=None, document_form=None, programmes_form=None
):
    """The advice's page; a refused form posted from it comes back filled in, with its errors (status 400)."""
    can_manage = request.user.has_perm(MANAGE)
    assignments = assignments_of(advice)
    recommendations = list(advice.recommendations.select_related("article", "assessment__article").order_by("number"))
    if can_manage:
        assessments = reviewed_assessments(advice)
        choices = None  # the assessments to pick from, read once for every open recommendation's form
        for recommendation in recommendations:
            if take_up_form is not None and take_up_form.prefix == f"r{recommendation.pk}":
                recommendation.take_up_form = take_up_form
            elif recommendation.taken_up_on is None:
                form = TakeUpForm(
                    advice=advice,
                    assessments=assessments,
                    prefix=f"r{recommendation.pk}",
                    initial={"version": recommendation.version},
                )
                if choices is None:
                    choices = list(form.fields["assessment"].choices)
                form.fields["assessment"].choices = choices
                recommendation.take_up_form = form
    context = {
        "advice": advice,
        "articles": list(advice.articles.order_by("number")),
        "articles_text": compact_numbers(advice.articles.values_list("number", flat=True)),
        "experts": list(advice.experts.select_related("country")),
        "recommendations": recommendations,
        "documents": list(advice.documents.all()),
        "profile_url": profile_url(advice.country),
        "can_manage": can_manage,
        "recommendation_form": recommendation_form or RecommendationForm(advice=advice),
        "document_form": document_form or AdviceDocumentForm(),
        "assignments": assignments,
        "programmes_form": (programmes_form or programme_shares_formset(advice, assignments)) if can_manage else None,
    }
    refused = any(form is not None and form.errors for form in (recommendation_form, take_up_form, document_form))
    refused = refused or (programmes_form is not None and not programmes_form.is_valid())
    return render(request, "legislation/advice/detail.html", context, status=400 if refused else 200)


@require_GET
@permission_required(READ)
def advice_detail(request, pk):
    return _detail(request, get_advice(request.user, pk))


@require_POST
@permission_required(MANAGE)
def advice_programmes(request, pk):
    """Set the programmes the advice serves, with their shares and activities."""
    advice = get_advice(request.user, pk)
    form = programme_shares_formset(advice, assignments_of(advice), data=request.POST)
    if form.is_valid():
        try:
            services.set_advice_programmes(advice, form.shares(), user=request.user)
        except DomainError as error:
            form._non_form_errors.append(str(error))
        else:
            messages.success(request, _("Programmes served saved."))
            return redirect("legislation:advice_detail", advice.pk)
    return _detail(request, advice, programmes_form=form)


@require_POST
@permission_required(MANAGE)
def recommendation_add(request, pk):
    advice = get_advice(request.user, pk)
    form = RecommendationForm(request.POST, advice=advice)
    if form.is_valid():
        try:
            recommendation = services.record_recommendation(advice, user=request.user, **form.cleaned_data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Recommendation %(number)s recorded.") % {"number": recommendation.number})
            return redirect("legislation:advice_detail", advice.pk)
    return _detail(request, advice, recommendation_form=form)


@require_POST
@permission_required(MANAGE)
def recommendation_take_up(request, pk):
    recommendation = get_object_or_404(AdviceRecommendation, pk=pk, advice__in=advice_for(request.user))
    advice = get_advice(request.user, recommendation.advice_id)
    form = TakeUpForm(request.POST, advice=advice, prefix=f"r{recommendation.pk}")
    if form.is_valid():
        try:
            services.take_up_recommendation(recommendation, user=request.user, **form.cleaned_data)
        except ConflictError as error:
            # The form is prefixed: carry the current version under its own name, so saving again is deliberate.
            form.data = form.data.copy()
            form.data[form.add_prefix("version")] = AdviceRecommendation.objects.get(pk=recommendation.pk).version
            form.add_error(None, str(error))
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Recommendation %(number)s taken up.") % {"number": recommendation.number})
            return redirect("legislation:advice_detail", advice.pk)
    return _detail(request, advice, take_up_form=form)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def recommendation_edit(request, pk):
    recommendation = get_object_or_404(AdviceRecommendation, pk=pk, advice__in=advice_for(request.user))
    advice = get_advice(request.user, recommendation.advice_id)
    initial = {"text": recommendation.text, "article": recommendation.article_id, "version": recommendation.version}
    form = RecommendationCorrectionForm(request.POST or None, advice=advice, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_recommendation(recommendation, user=request.user, **form.cleaned_data)
        except DomainError as error:
            show_refusal(
                form, error, current_version=lambda: AdviceRecommendation.objects.get(pk=recommendation.pk).version
            )
        else:
            messages.success(request, _("Recommendation %(number)s corrected.") % {"number": recommendation.number})
            return redirect("legislation:advice_detail", advice.pk)
    title = _("Correct recommendation %(number)s") % {"number": recommendation.number}
    return _form_page(request, form, title=title, advice=advice, template="legislation/advice/recommendation.html")


@require_POST
@permission_required(MANAGE)
def advice_document_add(request, pk):
    advice = get_advice(request.user, pk)
    form = AdviceDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_advice_document(
                advice, title=form.cleaned_data["title"], upload=form.cleaned_data["file"], user=request.user
            )
        except DomainError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, _("Document stored."))
            return redirect("legislation:advice_detail", advice.pk)
    return _detail(request, advice, document_form=form)


def get_document(user, pk) -> AdviceDocument:
    return get_object_or_404(AdviceDocument.objects.select_related("advice"), pk=pk, advice__in=advice_for(user))


# The file is sent as an attachment under the name it was uploaded with, of the type found at upload, never
# rendered by the browser; a focal point gets only its own country's.
@require_GET
@permission_required(READ)
def advice_document(request, pk):
    document = get_document(request.user, pk)
    name = document.file_name or f"document.{document.file_type}"
    return send_document(document.file, name=name, file_type=document.file_type, private=True)


@require_POST
@permission_required(MANAGE)
def advice_document_delete(request, pk):
    document = get_document(request.user, pk)
    services.remove_advice_document(document, user=request.user)
    messages.success(request, _("Document “%(title)s” removed.") % {"title": document.title})
    return redirect("legislation:advice_detail", document.advice_id)


urlpatterns = [
    path("workspace/legislation/advice/", advice_list, name="advice_list"),
    path("workspace/legislation/advice/export/<str:fmt>/", advice_export, name="advice_export"),
    path("workspace/legislation/advice/new/", advice_new, name="advice_new"),
    path("workspace/legislation/advice/<int:pk>/", advice_detail, name="advice_detail"),
    path("workspace/legislation/advice/<int:pk>/edit/", advice_edit, name="advice_edit"),
    path("workspace/legislation/advice/<int:pk>/programmes/", advice_programmes, name="advice_programmes"),
    path(
        "workspace/legislation/advice/<int:pk>/recommendations/", recommendation_add, name="advice_recommendation_add"
    ),
    path("workspace/legislation/advice/<int:pk>/documents/", advice_document_add, name="advice_document_add"),
    path(
        "workspace/legislation/recommendations/<int:pk>/edit/", recommendation_edit, name="advice_recommendation_edit"
    ),
    path(
        "workspace/legislation/recommendations/<int:pk>/take-up/",
        recommendation_take_up,
        name="advice_recommendation_take_up",
    ),
    path("workspace/legislation/advice-documents/<int:pk>/", advice_document, name="advice_document"),
    path(
        "workspace/legislation/advice-documents/<int:pk>/delete/",
        advice_document_delete,
        name="advice_document_delete",
    ),
]
