"""Assessment rounds of the T-CY: the list, opening a round, its page (questionnaire, dispatch, who has answered,
reminders, recommendations per Party, the report, follow-up), a recommendation with its follow-ups, and the export
of recommendations. Reading needs `committees.view_committee`; every change needs `committees.manage_committee` and
goes through `octopus.committees.services.rounds`.

Focal points read rounds too, but see the progress of other Parties only as counts: the table per Party, with links
to each reply, is for the secretariat (the replies themselves are the surveys pages', which check the country).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from octopus.accounts.models import Role
from octopus.accounts.permissions import permission_required, roles_of
from octopus.committees.forms.rounds import (
    CorrectRecommendationForm,
    DispatchForm,
    FollowUpForm,
    OpenRoundForm,
    RecommendationForm,
    ReportForm,
    ServedActivityForm,
)
from octopus.committees.models import AssessmentRound, Committee, Recommendation
from octopus.committees.queries import rounds as queries
from octopus.committees.queries.documents import readable_ids
from octopus.committees.queries.membership import membership_at
from octopus.committees.services import rounds as services
from octopus.lib.downloads import table_download
from octopus.lib.errors import DomainError
from octopus.lib.exports import Table
from octopus.lib.forms import show_refusal
from octopus.results.assignments import assignments_of
from octopus.surveys.models import QuestionnaireStatus

READ = "committees.view_committee"
MANAGE = "committees.manage_committee"
COMMITTEE = "T-CY"


def get_committee() -> Committee:
    return get_object_or_404(Committee.objects.select_related("treaty"), code=COMMITTEE)


def get_round_for_user(user, pk: int) -> AssessmentRound:
    """A T-CY round the user may read (every round, for whoever reads the committee; checked by the decorator)."""
    if not user.has_perm(READ):
        raise PermissionDenied
    rounds = AssessmentRound.objects.filter(committee__code=COMMITTEE).select_related(
        "committee__treaty", "questionnaire", "report", "opened_at__event", "opened_at__committee"
    )
    return get_object_or_404(rounds, pk=pk)


def get_recommendation(round: AssessmentRound, pk: int) -> Recommendation:
    return get_object_or_404(Recommendation.objects.select_related("country", "article", "round"), round=round, pk=pk)


def site_root(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def own_countries(user) -> set[str]:
    """ISO codes of the countries a focal point acts for."""
    return {country for role, country, _donor in roles_of(user) if role == Role.FOCAL_POINT}


# --- the list and opening ------------------------------------------------------------------------------------------


@require_GET
@permission_required(READ)
def round_list(request):
    rows = queries.round_rows(get_committee())
    readable = readable_ids(request.user, [row.round.report_id for row in rows])
    return render(request, "committees/rounds/list.html", {"rows": rows, "readable_reports": readable})


@permission_required(MANAGE)
def round_open(request):
    committee = get_committee()
    form = OpenRoundForm(request.POST or None, committee=committee)
    if request.method == "POST" and form.is_valid():
        try:
            round = services.open_round(committee, user=request.user, **form.cleaned_data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Round opened. Add the questions of its questionnaire, then send it."))
            return redirect("committees:round", round.pk)
    context = {"form": form, "title": _("Open an assessment round")}
    return render(request, "committees/rounds/form.html", context, status=400 if form.errors else 200)


# --- a round -------------------------------------------------------------------------------------------------------


@require_GET
@permission_required(READ)
def round_detail(request, pk):
    round = get_round_for_user(request.user, pk)
    manager = request.user.has_perm(MANAGE)
    progress = queries.round_progress(round)
    items = list(queries.recommendations(round))
    own = own_countries(request.user)
    context = {
        "round": round,
        "articles": list(round.articles.select_related("treaty").order_by("number")),
        "questionnaire": round.questionnaire,
        "is_draft": round.questionnaire_id and round.questionnaire.status == QuestionnaireStatus.DRAFT,
        "is_open": round.questionnaire_id and round.questionnaire.status == QuestionnaireStatus.OPEN,
        # Sent means asked of the Parties; a questionnaire opened in the builder may still wait to be sent.
        "can_send": round.questionnaire_id
        and round.questionnaire.status != QuestionnaireStatus.CLOSED
        and not progress.expected,
        "progress": progress,
        # Focal points see counts only, and the link to their own country's reply.
        "rows": progress.rows if manager else [],
        "own_rows": [row for row in progress.rows if row.country.iso2 in own and row.response],
        "recommendations": items,
        "follow_up": queries.follow_up_table(items),
        "follow_up_columns": queries.FOLLOW_UP_COLUMNS,
        "manager": manager,
        "readable_reports": readable_ids(request.user, [round.report_id]),  # a draft the reader may not read: none
        **_programme_context(round, manager),
    }
    return render(request, "committees/rounds/round.html", context)


def _programme_context(round: AssessmentRound, manager: bool, form: ServedActivityForm | None = None) -> dict:
    assignments = assignments_of(round)
    if manager and form is None:
        served = next((a.activity for a in assignments if a.activity_id), None)
        form = ServedActivityForm(round=round, initial={"activity": served})
    return {"assignments": assignments, "activity_form": form if manager else None}


@require_POST
@permission_required(MANAGE)
def round_programme(request, pk):
    """Set the activity (hence the programme) a round serves; a refusal is shown on the round's page."""
    round = get_round_for_user(request.user, pk)
    form = ServedActivityForm(request.POST, round=round)
    if form.is_valid():
        try:
            services.set_round_activity(round, form.cleaned_data["activity"], user=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The programme this round serves is saved."))
    else:
        messages.error(request, _("Choose one of the activities listed."))
    return redirect("committees:round", round.pk)


@permission_required(MANAGE)
def round_dispatch(request, pk):
    round = get_round_for_user(request.user, pk)
    if request.method == "GET" and services.expected_codes(round):
        messages.info(request, _("The questionnaire of this round has already been sent."))
        return redirect("committees:round", round.pk)
    form = DispatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dispatch_round(
                round, deadline=form.cleaned_data["deadline"], user=request.user, site=site_root(request)
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("The questionnaire was sent to the Parties' focal points."))
            return redirect("committees:round", round.pk)
    context = {"round": round, "form": form, "parties": membership_at(round.committee, timezone.localdate()).members}
    return render(request, "committees/rounds/dispatch.html", context, status=400 if form.errors else 200)


@require_POST
@permission_required(MANAGE)
def round_reminders(request, pk):
    round = get_round_for_user(request.user, pk)
    try:
        sent = services.send_reminders(round, user=request.user, site=site_root(request))
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("committees:round", round.pk)
    if sent["countries"]:
        count = len(sent["countries"])
        message = ngettext(
            "Reminder sent to the focal points of %(count)s Party: %(codes)s.",
            "Reminders sent to the focal points of %(count)s Parties: %(codes)s.",
            count,
        )
        messages.success(request, message % {"count": count, "codes": ", ".join(sent["countries"])})
    else:
        messages.info(request, _("No reminder sent: every Party with a focal point has submitted its reply."))
    if sent["without_focal_point"]:
        messages.warning(
            request,
            _("No focal point account to remind for: %(codes)s.") % {"codes": ", ".join(sent["without_focal_point"])},
        )
    if sent["added"]:
        messages.info(
            request, _("New Parties sent the questionnaire: %(codes)s.") % {"codes": ", ".join(sent["added"])}
        )
    return redirect("committees:round", round.pk)


@permission_required(MANAGE)
def round_report(request, pk):
    round = get_round_for_user(request.user, pk)
    form = ReportForm(request.POST or None, round=round)
    if request.method == "POST" and form.is_valid():
        try:
            services.link_report(
                round, document=form.cleaned_data["document"], user=request.user, version=form.cleaned_data["version"]
            )
        except DomainError as error:
            show_refusal(form, error, current_version=lambda: AssessmentRound.objects.get(pk=round.pk).version)
        else:
            messages.success(request, _("Report link saved."))
            return redirect("committees:round", round.pk)
    context = {
        "form": form,
        "round": round,
        "title": _("Assessment report of round %(number)s") % {"number": round.number},
    }
    return render(request, "committees/rounds/form.html", context, status=400 if form.errors else 200)


# --- recommendations -----------------------------------------------------------------------------------------------


@permission_required(MANAGE)
def recommendation_add(request, pk):
    round = get_round_for_user(request.user, pk)
    form = RecommendationForm(
        request.POST or None,
        round=round,
        countries=services.expected_countries(round),
        initial={"country": request.GET.get("country", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            recommendation = services.record_recommendation(round, user=request.user, **form.cleaned_data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("Recommendation %(number)s to %(country)s recorded.")
                % {"number": recommendation.number, "country": recommendation.country.name},
            )
            return redirect("committees:round", round.pk)
    context = {
        "form": form,
        "round": round,
        "title": _("New recommendation"),
        "intro": _("Recommendations are addressed to the Parties sent the questionnaire."),
    }
    return render(request, "committees/rounds/form.html", context, status=400 if form.errors else 200)


@permission_required(READ)
def recommendation_detail(request, pk, rec):
    """The recommendation and its follow-ups over the plenaries; staff add a follow-up here (POST)."""
    round = get_round_for_user(request.user, pk)
    recommendation = get_recommendation(round, rec)
    manager = request.user.has_perm(MANAGE)
    if request.method == "POST" and not manager:
        raise PermissionDenied
    form = FollowUpForm(request.POST or None, round=round) if manager else None
    if request.method == "POST" and form.is_valid():
        try:
            services.record_follow_up(recommendation, user=request.user, **form.cleaned_data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Follow-up recorded."))
            return redirect("committees:recommendation", round.pk, recommendation.pk)
    follow_ups = recommendation.follow_ups.select_related("meeting__committee", "meeting__event", "report").order_by(
        "reviewed_on", "pk"
    )
    follow_ups = list(follow_ups)
    context = {
        "round": round,
        "recommendation": recommendation,
        "follow_ups": follow_ups,
        "form": form,
        "readable_reports": readable_ids(request.user, [f.report_id for f in follow_ups]),
    }
    return render(
        request, "committees/rounds/recommendation.html", context, status=400 if form and form.errors else 200
    )


@permission_required(MANAGE)
def recommendation_edit(request, pk, rec):
    round = get_round_for_user(request.user, pk)
    recommendation = get_recommendation(round, rec)
    form = CorrectRecommendationForm(request.POST or None, recommendation=recommendation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.correct_recommendation(
                recommendation,
                version=data["version"],
                user=request.user,
                finding=data["finding"],
                text=data["text"],
                article=data["article"],
            )
        except DomainError as error:
            show_refusal(form, error, current_version=lambda: Recommendation.objects.get(pk=recommendation.pk).version)
        else:
            messages.success(request, _("Recommendation corrected."))
            return redirect("committees:recommendation", round.pk, recommendation.pk)
    title = _("Correct recommendation %(number)s to %(country)s") % {
        "number": recommendation.number,
        "country": recommendation.country.name,
    }
    context = {"form": form, "round": round, "recommendation": recommendation, "title": title}
    return render(request, "committees/rounds/form.html", context, status=400 if form.errors else 200)


def recommendations_table(round: AssessmentRound) -> Table:
    header = [
        _("Party"),
        _("ISO code"),
        _("No."),
        _("Article"),
        _("Finding"),
        _("Recommendation"),
        _("Latest status"),
        _("Reviewed on"),
    ]
    rows = (
        [
            item.country.name,
            item.country.iso2,
            item.number,
            item.article.number if item.article else None,
            item.finding,
            item.text,
            queries.status_label(item.latest_status),
            item.latest_reviewed_on,
        ]
        for item in queries.recommendations(round)
    )
    return Table(_("Round %(number)s recommendations") % {"number": round.number}, header, rows, frozen_columns=3)


@require_GET
@permission_required(READ)
def recommendations_export(request, pk, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    round = get_round_for_user(request.user, pk)
    table = recommendations_table(round)
    return table_download(fmt, f"t-cy-round-{round.number}-recommendations", table, sample=round.is_sample)


urlpatterns = [
    path("workspace/t-cy/rounds/", round_list, name="rounds"),
    path("workspace/t-cy/rounds/new/", round_open, name="round_open"),
    path("workspace/t-cy/rounds/<int:pk>/", round_detail, name="round"),
    path("workspace/t-cy/rounds/<int:pk>/dispatch/", round_dispatch, name="round_dispatch"),
    path("workspace/t-cy/rounds/<int:pk>/reminders/", round_reminders, name="round_reminders"),
    path("workspace/t-cy/rounds/<int:pk>/report/", round_report, name="round_report"),
    path("workspace/t-cy/rounds/<int:pk>/programme/", round_programme, name="round_programme"),
    path("workspace/t-cy/rounds/<int:pk>/recommendations/new/", recommendation_add, name="recommendation_add"),
    path("workspace/t-cy/rounds/<int:pk>/recommendations/<int:rec>/", recommendation_detail, name="recommendation"),
    path(
        "workspace/t-cy/rounds/<int:pk>/recommendations/<int:rec>/edit/",
        recommendation_edit,
        name="recommendation_edit",
    ),
    path(
        "workspace/t-cy/rounds/<int:pk>/recommendations.<str:fmt>",
        recommendations_export,
        name="round_recommendations_export",
    ),
]
