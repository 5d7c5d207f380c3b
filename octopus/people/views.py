"""Workspace pages of the people registry: people and organisations, filtered, sorted and exported; a person's
record with their consents, their data on request (JSON) and its erasure; duplicates and their merge.

Every page is for staff of the programme office (`people.view_people` to read, `people.manage_people` to change):
personal data is for the people who run events. Opening a person's record and every export is logged."""

import json

from django.apps import apps
from django.contrib import messages
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from octopus.accounts.models import AuditEntry
from octopus.accounts.permissions import permission_required
from octopus.accounts.services import download_log, log_action
from octopus.countries.models import Country
from octopus.lib.downloads import JSON, attachment, contains_sample, table_download
from octopus.lib.errors import ConflictError, DomainError
from octopus.people import services
from octopus.people.exports import OrganisationsExport, PeopleExport
from octopus.people.forms import (
    ConsentForm,
    EraseForm,
    MergeForm,
    OrganisationForm,
    OrganisationMergeForm,
    PersonForm,
)
from octopus.people.models import Organisation, Person, Purpose, Sector, Sex
from octopus.people.queries import (
    duplicate_pairs,
    duplicates_of,
    filter_people,
    get_person_for_user,
    organisations_with_counts,
)

READ = "people.view_people"
MANAGE = "people.manage_people"
PAGE_SIZE = 50


def download(export, fmt: str, name: str, rows, *, sent=None) -> HttpResponse:
    """`export` of the `rows` (a queryset), marked as sample data when one of them is."""
    return table_download(fmt, f"{name}-{timezone.localdate()}", export, sample=contains_sample(rows), sent=sent)


def query_without(request, *names) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


# --- people ------------------------------------------------------------------------------------------------------


@permission_required(READ)
def people_list(request):
    people, chosen = filter_people(request.GET)
    page = Paginator(people.with_consents(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "chosen": chosen,
        "filtered": any(k != "sort" for k in chosen),
        "countries": Country.objects.only("iso2", "name"),
        "sectors": Sector.choices,
        "sexes": [*Sex.choices, ("unknown", _("Not stated"))],
        "purposes": Purpose.choices,
        "query": query_without(request, "page"),
        "sort_query": query_without(request, "page", "sort"),
        "page_query": query_without(request, "page"),
    }
    return render(request, "people/list.html", context)


@permission_required(READ)
def people_export(request, fmt):
    people, chosen = filter_people(request.GET)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    # A list of the registry is about no one record: it is logged about the user who takes it.
    sent = download_log(request.user, request.user, "people.people", filters=chosen)
    return download(PeopleExport(people), fmt, "people", people, sent=sent)


@permission_required(MANAGE)
def person_create(request):
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(user=request.user, **form.person_fields())
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(person)s added to the registry.") % {"person": person})
            return redirect("people:people_person", person.pk)
    return render(request, "people/form.html", {"form": form, "title": _("Add a person")})


@permission_required(READ)
def person_detail(request, pk):
    person = get_person_for_user(request.user, pk)
    if person.merged_into_id:
        messages.info(request, _("Record #%(pk)s was merged into this one.") % {"pk": pk})
        return redirect("people:people_person", person.merged_into_id)
    # Reading personal data is logged (DESIGN.md §9); an erased record holds none.
    if not person.anonymised_at:
        log_action(person, "people.person.viewed", user=request.user)
    consents = {c.purpose: c for c in person.consents.select_related("recorded_by")}
    history = list(AuditEntry.objects.about(person).exclude(action="people.person.viewed").select_related("user")[:20])
    for entry in history:
        entry.label = str(HISTORY_LABELS.get(entry.action, entry.action))
    context = {
        "person": person,
        "consents": [(value, label, consents.get(value)) for value, label in Purpose.choices],
        "consent_form": ConsentForm(),
        "registrations": registrations_of(person),
        "links": linked_records(person),
        "duplicates": [] if person.anonymised_at else duplicates_of(person),
        "merged": person.merged.all(),
        "history": history,
    }
    return render(request, "people/person.html", context)


# What each recorded action on a person reads as in their history; an unknown one shows as recorded.
HISTORY_LABELS = {
    "people.person.created": gettext_lazy("Record created"),
    "people.person.updated": gettext_lazy("Details changed"),
    "people.person.merged": gettext_lazy("Another record merged into this one"),
    "people.person.anonymised": gettext_lazy("Erased on request"),
    "people.person.exported": gettext_lazy("Their data exported"),
    "people.consent.recorded": gettext_lazy("Consent answer recorded"),
    "events.certificate.downloaded": gettext_lazy("Certificate of attendance downloaded"),
}


def registrations_of(person: Person) -> list:
    """The person's registrations across events, newest event first, in one query. Events sit above this app, so
    the model is looked up by name rather than imported."""
    registration = apps.get_model("events", "Registration")
    return list(
        registration._base_manager.filter(person=person).select_related("event").order_by("-event__starts_on", "-pk")
    )


def linked_records(person: Person) -> list[tuple[str, int]]:
    """How many records of each kind point at the person (registrations, session roles, …), read through the model
    graph so that this app needs to know none of the apps above it."""
    found = []
    for relation in services._person_links():
        if relation.related_model._meta.label_lower == "events.registration":
            continue  # listed one by one on the page
        count = relation.related_model._base_manager.filter(**{relation.field.name: person}).count()
        if count:
            found.append((str(relation.related_model._meta.verbose_name_plural).capitalize(), count))
    return found


@permission_required(MANAGE)
def person_edit(request, pk):
    person = get_person_for_user(request.user, pk)
    if person.merged_into_id or person.anonymised_at:
        messages.error(request, _("This record cannot be edited: it was merged into another one or erased."))
        return redirect("people:people_person", pk)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(
                person, version=form.cleaned_data["version"], user=request.user, **form.person_fields()
            )
        except DomainError as error:
            if isinstance(error, ConflictError):
                # Set against the current version: saving again is a deliberate choice, not an overwrite.
                form.data = form.data.copy()
                form.data["version"] = Person.objects.get(pk=pk).version
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect("people:people_person", pk)
    return render(
        request,
        "people/form.html",
        {"form": form, "person": person, "title": _("Edit %(person)s") % {"person": person}},
    )


@require_POST
@permission_required(MANAGE)
def person_consent(request, pk):
    person = get_person_for_user(request.user, pk)
    form = ConsentForm(request.POST)
    if person.merged_into_id or person.anonymised_at:
        messages.error(
            request, _("Consent is recorded on the current record of a person, not an erased or merged one.")
        )
    elif form.is_valid():
        services.record_consent(person, user=request.user, **form.cleaned_data)
        messages.success(request, _("Consent recorded."))
    else:
        messages.error(request, _("Choose the purpose and the answer, and say how it was given; nothing changed."))
    return redirect("people:people_person", pk)


@permission_required(MANAGE)
def person_data(request, pk):
    """Everything held about a person, as JSON, for a request under the right of access."""
    person = get_person_for_user(request.user, pk)
    if person.merged_into_id:
        return redirect("people:people_person_data", person.merged_into_id)
    data = services.export_person_data(person, user=request.user)
    content = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    return attachment(content, name=f"person-{person.pk}-{timezone.localdate()}.json", content_type=JSON)


@permission_required(MANAGE)
def person_erase(request, pk):
    person = get_person_for_user(request.user, pk)
    if person.merged_into_id:
        return redirect("people:people_person_erase", person.merged_into_id)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.anonymise_person(person, user=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The person's name and contact details are erased; the counts they are part of stay.")
            )
            return redirect("people:people_person", pk)
    context = {"form": form, "person": person, "links": linked_records(person)}
    return render(request, "people/erase.html", context, status=400 if form.errors else 200)


@permission_required(READ)
def people_duplicates(request):
    pairs = duplicate_pairs()
    return render(request, "people/duplicates.html", {"pairs": pairs})


@permission_required(MANAGE)
def people_merge(request, first, second):
    people = Person.objects.select_related("organisation", "country").in_bulk([first, second])
    if first == second or len(people) != 2:
        raise Http404
    a, b = people[first], people[second]
    form = MergeForm(request.POST or None, first=a, second=b)
    if request.method == "POST" and form.is_valid():
        keep, other = (a, b) if form.cleaned_data["keep"] == str(a.pk) else (b, a)
        try:
            kept = services.merge_people(keep, other, user=request.user)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Merged: %(other)s is now part of this record.") % {"other": f"#{other.pk}"})
            return redirect("people:people_person", kept.pk)
    context = {
        "form": form,
        "pair": [(p, linked_records(p), Person.objects.filter(pk=p.pk).with_consents().get()) for p in (a, b)],
        "fields": [(Person._meta.get_field(name).verbose_name, name) for name in services.PERSON_FIELDS],
    }
    return render(request, "people/merge.html", context, status=400 if form.errors else 200)


# --- organisations -----------------------------------------------------------------------------------------------


@permission_required(READ)
def organisation_list(request):
    organisations, chosen = organisations_with_counts(request.GET)
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "chosen": chosen,
        "filtered": bool(chosen),
        "countries": Country.objects.only("iso2", "name"),
        "sectors": Sector.choices,
        "query": query_without(request, "page"),
    }
    return render(request, "people/organisations.html", context)


@permission_required(READ)
def organisation_export(request, fmt):
    organisations, _chosen = organisations_with_counts(request.GET)
    return download(OrganisationsExport(organisations), fmt, "organisations", organisations)


@permission_required(MANAGE)
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_organisation(user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Organisation added."))
            return redirect("people:people_organisations")
    return render(request, "people/form.html", {"form": form, "title": _("Add an organisation")})


@permission_required(MANAGE)
def organisation_edit(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    form = OrganisationForm(request.POST or None, instance=Organisation.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(organisation, user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Organisation saved."))
            return redirect(reverse("people:people_organisations") + f"?q={organisation.name[:40]}")
    title = _("Edit %(name)s") % {"name": organisation}
    return render(request, "people/form.html", {"form": form, "title": title, "organisation": organisation})


@permission_required(MANAGE)
def organisation_merge(request, pk):
    keep = get_object_or_404(Organisation, pk=pk)
    form = OrganisationMergeForm(request.POST or None, keep=keep)
    if request.method == "POST" and form.is_valid():
        try:
            services.merge_organisations(keep, form.cleaned_data["duplicate"], user=request.user)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Merged into %(name)s.") % {"name": keep})
            return redirect(reverse("people:people_list") + f"?organisation={keep.pk}")
    title = _("Merge another organisation into %(name)s") % {"name": keep}
    return render(request, "people/form.html", {"form": form, "title": title, "submit": _("Merge")})
