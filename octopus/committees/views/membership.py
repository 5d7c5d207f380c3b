"""Committee pages: membership of the T-CY at any date (public and workspace), observer admissions, representatives
and the Bureau. Members are the Parties, derived from the treaty actions; only admissions, representatives and
Bureau terms are written here, through `octopus.committees.services.membership`.

Reading the workspace needs `committees.view_committee`; every change needs `committees.manage_committee`."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from octopus.accounts.permissions import permission_required
from octopus.committees.forms.membership import AdmissionForm, BureauTermForm, EndForm, RepresentativeForm
from octopus.committees.models import BureauTerm, Committee, ObserverAdmission, Representative
from octopus.committees.queries.membership import (
    Membership,
    bureau_of,
    bureau_terms,
    membership_at,
    representatives_at,
    representatives_by_holder,
)
from octopus.committees.services import membership as services
from octopus.lib.dates import as_at, render_as_at
from octopus.lib.downloads import table_download
from octopus.lib.errors import DomainError
from octopus.lib.exports import Table

READ = "committees.view_committee"
MANAGE = "committees.manage_committee"
TCY = "T-CY"


def get_committee(code: str = TCY) -> Committee:
    return get_object_or_404(Committee.objects.select_related("treaty"), code=code)


def membership_table(membership: Membership) -> Table:
    """Members, observer States and observer organisations on one day, one row each."""
    rows = [
        [_("Member"), row.country.name, row.country.iso2, row.since, _("Party")] for row in membership.member_rows()
    ]
    rows += [
        [_("Observer State"), row.country.name, row.country.iso2, row.since, "; ".join(row.reasons)]
        for row in membership.observer_state_rows()
    ]
    rows += [
        [_("Observer organisation"), row.organisation.name, "", row.since, row.admission.decision or _("Admitted")]
        for row in membership.organisation_rows()
    ]
    header = [_("Category"), _("State or organisation"), _("ISO code"), _("Since"), _("Why")]
    return Table(_("T-CY membership on %(date)s") % {"date": membership.at.isoformat()}, header, rows)


def membership_download(membership: Membership) -> HttpResponse:
    name = f"t-cy-membership-{membership.at}"
    return table_download("csv", name, membership_table(membership), sample=membership.holds_sample)


def _membership_context(request, committee: Committee) -> tuple[dict, str]:
    at, date_error = as_at(request)
    membership = membership_at(committee, at)
    context = {
        "committee": committee,
        "at": at,
        "membership": membership,
        "members": membership.member_rows(),
        "observer_states": membership.observer_state_rows(),
        "observer_organisations": membership.organisation_rows(),
        "counts": membership.counts,
        "date_error": date_error,
    }
    return context, date_error


def tcy_public(request):
    """The public list of the T-CY's members and observers on a day (`?at=`, today by default); `?format=csv`."""
    committee = get_committee()
    context, date_error = _membership_context(request, committee)
    if request.GET.get("format") == "csv" and not date_error:
        return membership_download(context["membership"])
    return render_as_at(request, "committees/membership/public.html", context, date_error)


@permission_required(READ)
def tcy_workspace(request):
    """Membership on a day with each holder's representatives, the admissions, and the Bureau with its terms."""
    committee = get_committee()
    context, date_error = _membership_context(request, committee)
    if request.GET.get("format") == "csv" and not date_error:
        return membership_download(context["membership"])
    seats = representatives_by_holder(representatives_at(committee, context["at"]))
    for row in context["members"] + context["observer_states"]:
        row.seats = seats.get(("country", row.country.pk), [])
    for row in context["observer_organisations"]:
        row.seats = seats.get(("organisation", row.organisation.pk), [])
    bureau = bureau_of(committee)
    terms = bureau_terms(bureau)
    at = context["at"]
    context.update(
        bureau=bureau,
        current_terms=[t for t in terms if t.starts_on <= at and (t.ends_on is None or t.ends_on >= at)],
        terms=terms,
        admissions=list(committee.admissions.select_related("country", "organisation").order_by("-admitted_on", "pk")),
        can_manage=request.user.has_perm(MANAGE),
    )
    return render_as_at(request, "committees/membership/workspace.html", context, date_error)


def _form_page(request, form, *, title: str, intro: str = "", status=None):
    context = {"form": form, "title": title, "intro": intro}
    return render(request, "committees/membership/form.html", context, status=status or (400 if form.errors else 200))


def _end_page(request, end, *, done: str, title: str, intro: str = ""):
    """The page that ends an admission, a seat or a term on a day: `end(ends_on)` calls the service."""
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            end(form.cleaned_data["ends_on"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            return redirect("committees:tcy_workspace")
    return _form_page(request, form, title=title, intro=intro)


@permission_required(MANAGE)
def tcy_admit(request):
    committee = get_committee()
    form = AdmissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            admission = services.admit_observer(
                committee,
                admitted_on=data["admitted_on"],
                country=data["country"],
                organisation=data["organisation"],
                decision=data["decision"],
                user=request.user,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("%(who)s admitted as observer.") % {"who": admission.country or admission.organisation}
            )
            return redirect("committees:tcy_workspace")
    return _form_page(
        request,
        form,
        title=_("Admit an observer"),
        intro=_("Parties are members from the entry into force: they need no admission."),
    )


@permission_required(MANAGE)
def tcy_admission_end(request, pk):
    admission = get_object_or_404(
        ObserverAdmission.objects.select_related("country", "organisation"), pk=pk, committee__code=TCY
    )
    who = admission.country or admission.organisation
    return _end_page(
        request,
        lambda day: services.end_admission(admission, ended_on=day, user=request.user),
        done=_("Admission of %(who)s ended.") % {"who": who},
        title=_("End the admission of %(who)s") % {"who": who},
        intro=_("Admitted on %(date)s.") % {"date": admission.admitted_on},
    )


@permission_required(MANAGE)
def tcy_representative_add(request):
    committee = get_committee()
    initial = {key: request.GET[key] for key in ("country", "organisation") if request.GET.get(key, "").isdigit()}
    form = RepresentativeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            seat = services.appoint_representative(
                committee,
                country=data["country"],
                organisation=data["organisation"],
                role=data["role"],
                starts_on=data["starts_on"],
                person_fields=form.person_fields(),
                user=request.user,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(seat)s recorded.") % {"seat": seat})
            return redirect("committees:tcy_workspace")
    return _form_page(
        request,
        form,
        title=_("Add a representative"),
        intro=_("Who represents a member or an observer on the committee between meetings."),
    )


@permission_required(MANAGE)
def tcy_representative_end(request, pk):
    seat = get_object_or_404(
        Representative.objects.select_related("person", "country", "organisation"), pk=pk, committee__code=TCY
    )
    return _end_page(
        request,
        lambda day: services.end_representation(seat, ends_on=day, user=request.user),
        done=_("Seat of %(person)s ended.") % {"person": seat.person},
        title=_("End the seat of %(seat)s") % {"seat": seat},
    )


@permission_required(MANAGE)
def tcy_bureau_elect(request):
    bureau = bureau_of(get_committee())
    if bureau is None:
        messages.error(request, _("The T-CY has no Bureau recorded; load the reference data."))
        return redirect("committees:tcy_workspace")
    form = BureauTermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            term = services.elect_bureau_member(
                bureau,
                country=data["country"],
                role=data["role"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                person_fields=form.person_fields(),
                user=request.user,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(term)s recorded.") % {"term": term})
            return redirect("committees:tcy_workspace")
    return _form_page(
        request, form, title=_("Record an election to the Bureau"), intro=_("The Bureau is elected among the Parties.")
    )


@permission_required(MANAGE)
def tcy_bureau_end(request, pk):
    term = get_object_or_404(
        BureauTerm.objects.select_related("person", "committee"), pk=pk, committee__parent__code=TCY
    )
    return _end_page(
        request,
        lambda day: services.end_bureau_term(term, ends_on=day, user=request.user),
        done=_("Term of %(person)s ended.") % {"person": term.person},
        title=_("End the term of %(term)s") % {"term": term},
    )


urlpatterns = [
    path("t-cy/", tcy_public, name="tcy_public"),
    path("workspace/t-cy/", tcy_workspace, name="tcy_workspace"),
    path("workspace/t-cy/admissions/new/", tcy_admit, name="tcy_admit"),
    path("workspace/t-cy/admissions/<int:pk>/end/", tcy_admission_end, name="tcy_admission_end"),
    path("workspace/t-cy/representatives/new/", tcy_representative_add, name="tcy_representative_add"),
    path("workspace/t-cy/representatives/<int:pk>/end/", tcy_representative_end, name="tcy_representative_end"),
    path("workspace/t-cy/bureau/new/", tcy_bureau_elect, name="tcy_bureau_elect"),
    path("workspace/t-cy/bureau/<int:pk>/end/", tcy_bureau_end, name="tcy_bureau_end"),
]
