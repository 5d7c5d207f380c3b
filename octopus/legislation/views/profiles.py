"""Keeping profiles in the workspace: the countries' profiles, a country's profile with its drafts, recording an
assessment of an article or a law (a focal point: its own country, as a draft), and the review queue of staff.

Reading needs `legislation.view_workspace` (reviewed statements only); a country's drafts and every change need
`legislation.edit_profile` on that country (staff: any; a focal point: its own — another country's editor is a 404
to it, as if the drafts were not there); the queue needs `legislation.review_profiles`. Every change goes through
`octopus.legislation.services.profiles`, which checks, audits and keeps history.
"""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from octopus.accounts.models import AuditEntry
from octopus.accounts.permissions import is_focal_point, is_staff_member, permission_required
from octopus.countries.models import Country
from octopus.legislation.forms.profiles import AssessmentForm, LawForm, ReviewForm, WithdrawForm
from octopus.legislation.models import PROFILE_ARTICLES, PROFILE_TREATY, Assessment, Law, ReviewState
from octopus.legislation.queries import Share, compliance_at, group_articles, profile_articles, reviewed_rows, share_of
from octopus.legislation.services import profiles as services
from octopus.lib.dates import as_at
from octopus.lib.downloads import contains_sample, table_download
from octopus.lib.errors import DomainError
from octopus.lib.exports import Table
from octopus.lib.forms import show_refusal
from octopus.lib.sorting import sort_columns
from octopus.surveys.permissions import focal_countries
from octopus.treaties.models import Article

READ = "legislation.view_workspace"
EDIT = "legislation.edit_profile"
REVIEW = "legislation.review_profiles"


def get_country(iso2: str) -> Country:
    return get_object_or_404(Country, iso2=iso2.upper())


def check_editor(user, country: Country) -> None:
    """The user may keep `country`'s profile. A focal point of another country gets a 404 (its drafts are not its
    business, not even their existence); a reader with no right to edit at all (finance, donors) a 403."""
    if user.has_perm(EDIT, country):
        return
    if is_focal_point(user):
        raise Http404
    raise PermissionDenied


def editable_country(user, iso2: str) -> Country:
    country = get_country(iso2)
    check_editor(user, country)
    return country


def get_profile_article(number: int) -> Article:
    """An article a profile covers; any other number is not a page (the service refuses it too, for the API)."""
    if number not in PROFILE_ARTICLES:
        raise Http404
    return get_object_or_404(Article.objects.select_related("treaty"), treaty__number=PROFILE_TREATY, number=number)


def page_status(form) -> int:
    return 400 if form is not None and form.errors else 200


# --- the countries' profiles ---------------------------------------------------------------------------------------


@dataclass
class ProfileRow:
    country: Country
    reviewed: int  # reviewed statements
    drafts: int  # statements and laws awaiting review (only for a country the user may edit)
    laws: int
    share: Share
    last_change: datetime.datetime | None
    own: bool


def counted_records(user) -> tuple[QuerySet, QuerySet]:
    """The assessments and the laws the rows count: the reviewed ones, and the drafts the user may see."""
    own = Q() if is_staff_member(user) else Q(country__iso2__in=focal_countries(user))
    counted = Q(state=ReviewState.REVIEWED) | (Q(state=ReviewState.DRAFT) & own)
    return Assessment.objects.filter(counted), Law.objects.filter(counted)


def profile_rows(user, today: datetime.date) -> list[ProfileRow]:
    """One row per country with a profile (or drafts the user may see), in a fixed number of queries."""
    own = focal_countries(user)
    counted_assessments, counted_laws = counted_records(user)
    assessments = {
        row["country"]: row
        for row in counted_assessments.values("country").annotate(
            reviewed=Count("pk", filter=Q(state=ReviewState.REVIEWED)),
            drafts=Count("pk", filter=Q(state=ReviewState.DRAFT)),
            last=Max("recorded_at"),
            last_review=Max("reviewed_at"),
        )
    }
    laws = {
        row["country"]: row
        for row in counted_laws.values("country").annotate(
            reviewed=Count("pk", filter=Q(state=ReviewState.REVIEWED)),
            drafts=Count("pk", filter=Q(state=ReviewState.DRAFT)),
            last_review=Max("reviewed_at"),
        )
    }
    by_country: dict[int, list] = {}
    for row in reviewed_rows().filter(assessed_on__lte=today):
        by_country.setdefault(row[0], []).append(row)  # each country's rows, still oldest first
    articles = group_articles(profile_articles())
    countries = Country.objects.filter(Q(pk__in=set(assessments) | set(laws)) | Q(iso2__in=own))
    result = []
    for country in countries:
        said, law = assessments.get(country.pk, {}), laws.get(country.pk, {})
        changes = [day for day in (said.get("last"), said.get("last_review"), law.get("last_review")) if day]
        result.append(
            ProfileRow(
                country=country,
                reviewed=said.get("reviewed", 0),
                drafts=said.get("drafts", 0) + law.get("drafts", 0),
                laws=law.get("reviewed", 0) + law.get("drafts", 0),
                share=share_of(by_country.get(country.pk, []), today, articles=articles),
                last_change=max(changes) if changes else None,
                own=country.iso2 in own,
            )
        )
    return result


SORTS = {
    "name": lambda row: row.country.name,
    "reviewed": lambda row: row.reviewed,
    "drafts": lambda row: row.drafts,
    "share": lambda row: -1 if row.share.percent is None else row.share.percent,
    "last_change": lambda row: row.last_change or datetime.datetime.min.replace(tzinfo=datetime.UTC),
}


def filtered_rows(request, today: datetime.date) -> list[ProfileRow]:
    """The rows the filters keep (name or ISO code, drafts only), sorted; a focal point's own country first."""
    rows = profile_rows(request.user, today)
    text = request.GET.get("q", "").strip().lower()
    if text:
        rows = [row for row in rows if text in row.country.name.lower() or text == row.country.iso2.lower()]
    if request.GET.get("drafts"):
        rows = [row for row in rows if row.drafts]
    sort = request.GET.get("sort", "name")
    key = SORTS.get(sort.lstrip("-"), SORTS["name"])
    rows.sort(key=key, reverse=sort.startswith("-"))
    rows.sort(key=lambda row: not row.own)  # stable: the order chosen stays within each part
    return rows


@require_GET
@permission_required(READ)
def legislation_workspace(request):
    staff = request.user.has_perm(REVIEW)
    picked = request.GET.get("country", "").strip()
    if picked and staff:  # the "record a statement for any country" picker
        country = Country.objects.filter(iso2=picked.upper()).first()
        if country is not None:
            return redirect("legislation:profile_edit", country.iso2)
        messages.error(request, _("“%(code)s” is not a country of the list; choose one.") % {"code": picked})
    today = timezone.localdate()
    rows = filtered_rows(request, today)
    context = {
        "rows": rows,
        "today": today,
        "columns": sort_columns(
            request,
            request.GET.get("sort", "name"),
            {
                "name": _("Country"),
                "reviewed": _("Reviewed statements"),
                "drafts": _("Awaiting review"),
                "share": _("In place today"),
                "last_change": _("Last change"),
            },
        ),
        "filtered": bool(request.GET.get("q") or request.GET.get("drafts")),
        "own": [row for row in rows if row.own],
        "own_codes": sorted(focal_countries(request.user)),
        "staff": staff,
        "countries": Country.objects.only("iso2", "name") if staff else [],
        "export_query": request.GET.urlencode(),
    }
    return render(request, "legislation/profiles/workspace.html", context)


@require_GET
@permission_required(READ)
def legislation_workspace_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    today = timezone.localdate()
    header = [
        _("Country"),
        _("ISO code"),
        _("Reviewed statements"),
        _("Awaiting review"),
        _("Laws"),
        _("Articles in place"),
        _("Articles assessed"),
        _("Share in place (%)"),
        _("Last change"),
    ]
    listed = filtered_rows(request, today)
    rows = (
        [
            row.country.name,
            row.country.iso2,
            row.reviewed,
            row.drafts,
            row.laws,
            row.share.in_place,
            row.share.assessed,
            row.share.percent,
            row.last_change.date() if row.last_change else None,
        ]
        for row in listed
    )
    table = Table(_("Legislation profiles on %(day)s") % {"day": today.isoformat()}, header, rows, frozen_columns=2)
    countries = [row.country for row in listed]
    sample = contains_sample(*(records.filter(country__in=countries) for records in counted_records(request.user)))
    return table_download(fmt, f"legislation-profiles-{today.isoformat()}", table, sample=sample)


# --- a country's profile -------------------------------------------------------------------------------------------


@require_GET
@permission_required(READ)
def profile_edit(request, iso2):
    country = get_country(iso2)
    editor = request.user.has_perm(EDIT, country)
    at, date_error = as_at(request)
    in_force = compliance_at(at, countries=[country])
    drafts: dict[int, list[Assessment]] = {}
    if editor:
        for draft in (
            Assessment.objects.filter(country=country, state=ReviewState.DRAFT)
            .select_related("recorded_by")
            .order_by("recorded_at", "pk")
        ):
            drafts.setdefault(draft.article_id, []).append(draft)
    articles = [
        {"article": article, "current": in_force.get((country.pk, article.pk)), "drafts": drafts.get(article.pk, [])}
        for article in profile_articles()
    ]
    laws = Law.objects.filter(country=country).select_related("recorded_by").order_by("title")
    if not editor:
        laws = laws.filter(state=ReviewState.REVIEWED)
    context = {
        "country": country,
        "editor": editor,
        "articles": articles,
        "laws": list(laws),
        "at": at,
        "is_today": at == timezone.localdate(),
        "date_error": date_error,
        "share": share_of(
            reviewed_rows().filter(country=country, assessed_on__lte=at),
            at,
            articles=group_articles([row["article"] for row in articles]),
            country_id=country.pk,
        ),
        "pending": sum(len(items) for items in drafts.values()),
    }
    return render(request, "legislation/profiles/country.html", context)


# --- recording a statement -----------------------------------------------------------------------------------------


def article_history(country: Country, article: Article):
    return (
        Assessment.objects.filter(country=country, article=article)
        .select_related("recorded_by", "reviewed_by")
        .prefetch_related("laws")
        .order_by("-assessed_on", "-recorded_at", "-pk")
    )


@require_http_methods(["GET", "POST"])
@permission_required(READ)  # and edit_profile on the country, checked below
def assessment_new(request, iso2, number):
    country = editable_country(request.user, iso2)
    article = get_profile_article(number)
    staff = is_staff_member(request.user)
    current = compliance_at(timezone.localdate(), countries=[country]).get((country.pk, article.pk))
    initial = {"assessed_on": timezone.localdate()}
    if current is not None:  # start from what is in force: most statements change a level, not the provisions
        current = Assessment.objects.prefetch_related("laws").get(pk=current.pk)
        initial.update(provisions=current.provisions, laws=list(current.laws.all()))
    form = AssessmentForm(request.POST or None, country=country, staff=staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reviewed = staff and data.pop("reviewed", False)
        try:
            services.record_assessment(country, article, user=request.user, reviewed=reviewed, **data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            if reviewed:
                messages.success(
                    request, _("Statement on Article %(number)s recorded as reviewed.") % {"number": article.number}
                )
            else:
                messages.success(
                    request,
                    _(
                        "Statement on Article %(number)s recorded as a draft; it counts and is "
                        "public once staff review it."
                    )
                    % {"number": article.number},
                )
            return redirect("legislation:profile_edit", country.iso2)
    context = {
        "country": country,
        "article": article,
        "form": form,
        "staff": staff,
        "current": current,
        "history": list(article_history(country, article)),
        "user_pk": request.user.pk,
    }
    return render(request, "legislation/profiles/assessment_form.html", context, status=page_status(form))


@require_POST
@permission_required(READ)  # and edit_profile on the statement's country, checked below
def assessment_withdraw(request, pk):
    assessment = get_object_or_404(Assessment.objects.select_related("country", "article"), pk=pk)
    check_editor(request.user, assessment.country)
    form = WithdrawForm(request.POST)
    back = redirect("legislation:assessment_new", assessment.country.iso2, assessment.article.number)
    if not form.is_valid():
        messages.error(request, _("The request lacks the version of the statement; reload the page and try again."))
        return back
    try:
        services.withdraw_assessment(assessment, user=request.user, version=form.cleaned_data["version"])
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your draft was withdrawn; it will not be reviewed."))
    return back


# --- laws ----------------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(READ)  # and edit_profile on the country, checked below
def law_new(request, iso2):
    country = editable_country(request.user, iso2)
    staff = is_staff_member(request.user)
    form = LawForm(request.POST or None, request.FILES or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # a refused file saves no law either
                reviewed = staff and data.get("reviewed", False)
                law = services.record_law(
                    country,
                    title=data["title"],
                    year=data["year"],
                    url=data["url"],
                    user=request.user,
                    reviewed=reviewed,
                )
                if data["file"]:
                    law = services.attach_law_file(law, data["file"], user=request.user, version=law.version)
        except DomainError as error:
            show_refusal(form, error)
        else:
            if law.state == ReviewState.REVIEWED:
                messages.success(request, _("Law “%(title)s” recorded.") % {"title": law.title})
            else:
                messages.success(
                    request,
                    _("Law “%(title)s” recorded as a draft; it is public once staff review it.") % {"title": law.title},
                )
            return redirect("legislation:profile_edit", country.iso2)
    context = {"country": country, "form": form, "title": _("Add a law of %(country)s") % {"country": country.name}}
    return render(request, "legislation/profiles/law_form.html", context, status=page_status(form))


@require_http_methods(["GET", "POST"])
@permission_required(READ)  # and edit_profile on the law's country, checked below
def law_edit(request, pk):
    law = get_object_or_404(Law.objects.select_related("country", "recorded_by", "reviewed_by"), pk=pk)
    check_editor(request.user, law.country)
    staff = is_staff_member(request.user)
    form = LawForm(request.POST or None, request.FILES or None, staff=staff, law=law)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # the text and the file change together or not at all
                changed = services.update_law(
                    law,
                    user=request.user,
                    version=data["version"],
                    title=data["title"],
                    year=data["year"],
                    url=data["url"],
                )
                if data["file"]:
                    changed = services.attach_law_file(
                        changed, data["file"], user=request.user, version=changed.version
                    )
        except DomainError as error:
            show_refusal(form, error, current_version=lambda: Law.objects.get(pk=law.pk).version)
        else:
            if changed.state == ReviewState.DRAFT and law.state != ReviewState.DRAFT:
                messages.success(request, _("Law saved; it is a draft again until staff review your change."))
            else:
                messages.success(request, _("Law saved."))
            return redirect("legislation:profile_edit", law.country.iso2)
    context = {
        "country": law.country,
        "law": law,
        "form": form,
        "staff": staff,
        "title": _("Edit “%(title)s”") % {"title": law.title},
    }
    return render(request, "legislation/profiles/law_form.html", context, status=page_status(form))


# --- the review queue ----------------------------------------------------------------------------------------------


@require_GET
@permission_required(REVIEW)
def legislation_review(request):
    drafts = list(
        Assessment.objects.filter(state=ReviewState.DRAFT)
        .select_related("country", "article", "recorded_by")
        .prefetch_related("laws")
        .order_by("recorded_at", "pk")
    )
    in_force = compliance_at(timezone.localdate(), countries={draft.country_id for draft in drafts})
    for draft in drafts:
        draft.current = in_force.get((draft.country_id, draft.article_id))
    laws = list(Law.objects.filter(state=ReviewState.DRAFT).select_related("country", "recorded_by").order_by("pk"))
    # A law keeps no date of its own: when it was proposed is the last change the audit log holds.
    proposed = dict(
        AuditEntry.objects.filter(object_type="legislation.law", object_id__in=[str(law.pk) for law in laws])
        .values("object_id")
        .annotate(last=Max("at"))
        .values_list("object_id", "last")
    )
    for law in laws:
        law.proposed_at = proposed.get(str(law.pk))
    context = {"drafts": drafts, "laws": laws}
    return render(request, "legislation/profiles/review.html", context)


def _review(request, model, pk, review, what):
    item = get_object_or_404(model.objects.select_related("country"), pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose Accept or Reject, from the page (the request lacked the version seen)."))
        return redirect("legislation:legislation_review")
    accept = form.cleaned_data["decision"] == "accept"
    try:
        review(item, accept=accept, user=request.user, version=form.cleaned_data["version"])
    except DomainError as error:
        messages.error(request, str(error))
    else:
        done = _("accepted; it now counts and is public") if accept else _("rejected; it will never count")
        messages.success(
            request,
            _("%(what)s of %(country)s %(done)s.") % {"what": what(item), "country": item.country.name, "done": done},
        )
    return redirect("legislation:legislation_review")


@require_POST
@permission_required(REVIEW)
def assessment_review(request, pk):
    return _review(
        request,
        Assessment,
        pk,
        services.review_assessment,
        lambda item: _("The statement on Article %(number)s") % {"number": item.article.number},
    )


@require_POST
@permission_required(REVIEW)
def law_review(request, pk):
    return _review(request, Law, pk, services.review_law, lambda item: _("The law “%(title)s”") % {"title": item})


urlpatterns = [
    path("workspace/legislation/", legislation_workspace, name="legislation_workspace"),
    path("workspace/legislation/profiles.<str:fmt>", legislation_workspace_export, name="legislation_workspace_export"),
    path("workspace/legislation/countries/<str:iso2>/", profile_edit, name="profile_edit"),
    path("workspace/legislation/countries/<str:iso2>/articles/<int:number>/", assessment_new, name="assessment_new"),
    path("workspace/legislation/countries/<str:iso2>/laws/new/", law_new, name="law_new"),
    path("workspace/legislation/laws/<int:pk>/", law_edit, name="law_edit"),
    path("workspace/legislation/assessments/<int:pk>/withdraw/", assessment_withdraw, name="assessment_withdraw"),
    path("workspace/legislation/review/", legislation_review, name="legislation_review"),
    path("workspace/legislation/review/assessments/<int:pk>/", assessment_review, name="assessment_review"),
    path("workspace/legislation/review/laws/<int:pk>/", law_review, name="law_review"),
]
