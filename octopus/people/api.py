"""The people registry over the JSON API: people and organisations, filtered as on the pages; consent; likely
duplicates and their merge; a person's data (right of access) and its erasure.

Personal data is for staff of the programme office: reading needs a bearer token or the workspace session of a
staff member; writing needs a bearer token. Reading one person's record, and exporting their data, is logged.
"""

import datetime
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Path, Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate
from pydantic import Field

from octopus.accounts.api import Id, Pagination, allowed, form_errors
from octopus.accounts.services import log_action
from octopus.countries.api import body_country
from octopus.lib.errors import DomainError
from octopus.people import services
from octopus.people.forms import ConsentForm, EraseForm, OrganisationForm, PersonForm
from octopus.people.models import Organisation, Person, Purpose
from octopus.people.queries import duplicate_pairs, filter_people, organisations_with_counts
from octopus.results.api import IsSample

router = Router(tags=["people"])

NoNul = r"^[^\x00]*$"


# --- schemas -----------------------------------------------------------------------------------------------------


# Its own name in the OpenAPI document: other apps' enums are called Purpose too, and would take its place.
type ConsentPurpose = Purpose


class PersonOut(Schema):
    id: int
    title: str
    first_name: str
    last_name: str
    sex: str = Field(description="female, male, other, or empty when not stated.")
    email: str
    phone: str
    position: str
    organisation: int | None = Field(description="Id of the organisation.")
    organisation_name: str
    sector: str = Field(description="The organisation's sector; empty without one.")
    country: str | None = Field(description="ISO alpha-2 of the country represented.")
    consents: dict[str, bool] = Field(description="Purpose → whether the person consents (false when not asked).")
    merged_into: int | None = Field(description="Set on a record merged into another: follow it.")
    anonymised_at: datetime.datetime | None = Field(description="When the personal data was erased.")
    is_sample: IsSample
    created_at: datetime.datetime
    version: int = Field(description="Send it back with a change; a change by someone else in between is a 409.")

    # Read from a person of `.with_consents()` with organisation and country selected: no query per row.
    @staticmethod
    def resolve_organisation(person) -> int | None:
        return person.organisation_id

    @staticmethod
    def resolve_organisation_name(person) -> str:
        return str(person.organisation) if person.organisation else ""

    @staticmethod
    def resolve_sector(person) -> str:
        return person.organisation.sector if person.organisation else ""

    @staticmethod
    def resolve_country(person) -> str | None:
        return person.country.iso2 if person.country else None

    @staticmethod
    def resolve_consents(person) -> dict[str, bool]:
        return {purpose: bool(getattr(person, f"consents_{purpose}")) for purpose in Purpose.values}

    @staticmethod
    def resolve_merged_into(person) -> int | None:
        return person.merged_into_id


class PersonIn(Schema):
    title: str = Field("", max_length=30, pattern=NoNul)
    first_name: str = Field("", max_length=100, pattern=NoNul)
    last_name: str = Field(max_length=100, pattern=NoNul)
    sex: str = Field("", max_length=8, description="female, male, other, or empty.")
    email: str = Field("", max_length=254, pattern=NoNul)
    phone: str = Field("", max_length=40, pattern=NoNul)
    position: str = Field("", max_length=200, pattern=NoNul)
    organisation: int | None = Field(None, ge=1, le=2**62, description="Id of an organisation.")
    country: str | None = Field(None, max_length=2, description="ISO alpha-2 of the country represented.")
    different_person: bool = Field(
        False,
        description="When adding: someone with the same or a close name in the same country is refused (422, "
        "naming them) unless this is true.",
    )


class PersonChangeIn(PersonIn):
    version: int = Field(ge=1, le=2**31, description="The version you read.")


class ConsentIn(Schema):
    purpose: ConsentPurpose
    granted: bool
    source: str = Field(max_length=200, pattern=NoNul, description="How it was given: registration form, e-mail…")


class MergeIn(Schema):
    duplicate: int = Field(ge=1, le=2**62, description="Id of the record folded into this one.")


class EraseIn(Schema):
    reason: str = Field(max_length=300, pattern=NoNul, description="The request, or the retention period that ended.")


class DuplicateOut(Schema):
    first: int
    second: int
    reason: str
    sample: bool = Field(description="True when either record is sample data, invented for trying Octopus, not real.")


class OrganisationOut(Schema):
    id: int
    name: str
    acronym: str
    sector: str
    country: str | None = Field(description="ISO alpha-2; null for an international organisation.")
    people: int = Field(description="Current (not merged) people of the organisation.")
    is_sample: IsSample

    @staticmethod
    def resolve_country(organisation) -> str | None:
        return organisation.country.iso2 if organisation.country else None

    @staticmethod
    def resolve_people(organisation) -> int:
        return organisation.people_count


class OrganisationIn(Schema):
    name: str = Field(max_length=200, pattern=NoNul)
    acronym: str = Field("", max_length=30, pattern=NoNul)
    sector: str = Field(max_length=32)
    country: str | None = Field(None, max_length=2, description="ISO alpha-2; null for an international one.")


class PeopleFilters(Schema):
    q: str = Field("", max_length=100, pattern=NoNul, description="Words of the name or e-mail.")
    country: str = Field("", max_length=2, description="ISO alpha-2 of the country represented.")
    organisation: int | None = Field(None, ge=1, le=2**62)
    sector: str = Field("", max_length=32)
    sex: str = Field("", max_length=8, description="female, male, other or unknown.")
    consent: str = Field("", max_length=32, description="Only people consenting to this purpose.")
    sort: str = Field("name", max_length=20, description="name, country, organisation, created; - for descending.")


class OrganisationFilters(Schema):
    q: str = Field("", max_length=100, pattern=NoNul)
    sector: str = Field("", max_length=32)
    country: str = Field("", max_length=3, description="ISO alpha-2, or INT for international organisations.")


# Who may use each route: each declares it with `allowed`; a refusal is this 403.
NO_ACCESS = gettext_lazy("Your role does not give access to people's data.")


# --- helpers -----------------------------------------------------------------------------------------------------


def _person(person_id: int) -> Person:
    person = Person.objects.select_related("organisation", "country").with_consents().filter(pk=person_id).first()
    if person is None:
        raise Http404(_("No such person."))
    return person


def _country_pk(iso2: str | None, field: str = "country") -> int | str:
    country = body_country(iso2, field)
    return country.pk if country else ""


def _person_form(payload: PersonIn, instance: Person | None = None) -> PersonForm:
    data = payload.dict()
    data["country"] = _country_pk(payload.country)
    data["organisation"] = payload.organisation or ""
    form = PersonForm(data=data, instance=instance)
    if not form.is_valid():
        raise form_errors(form.errors)
    return form


# --- people ------------------------------------------------------------------------------------------------------


@router.get(
    "/people",
    response=list[PersonOut],
    auth=allowed("people.view_people", NO_ACCESS),
    summary="People, filtered as on the list page",
)
@paginate(Pagination, page_size=100)
def list_people(request, filters: Query[PeopleFilters]):
    people, _chosen = filter_people({k: v for k, v in filters.dict().items() if v not in (None, "")})
    return people.with_consents()


@router.get(
    "/people/duplicates",
    response=list[DuplicateOut],
    auth=allowed("people.view_people", NO_ACCESS),
    summary="Pairs of people probably recorded twice",
    description="The same e-mail, or the same or close names in the same country; at most 200 pairs.",
)
def list_duplicates(request):
    return [
        {
            "first": p.first.pk,
            "second": p.second.pk,
            "reason": p.reason,
            "sample": p.first.is_sample or p.second.is_sample,
        }
        for p in duplicate_pairs()
    ]


@router.get(
    "/people/{person_id}",
    response=PersonOut,
    auth=allowed("people.view_people", NO_ACCESS),
    summary="One person (the read is logged)",
)
def get_person(request, person_id: Path[Id]):
    person = _person(person_id)
    if not person.anonymised_at:
        log_action(person, "people.person.viewed", user=request.auth)
    return person


@router.post(
    "/people",
    response={201: PersonOut},
    auth=allowed("people.manage_people", NO_ACCESS, token_only=True),
    summary="Add a person",
)
def create_person(request, payload: PersonIn):
    form = _person_form(payload)
    person = services.create_person(user=request.auth, **form.person_fields())
    return Reply(201, _person(person.pk))


@router.put(
    "/people/{person_id}",
    response=PersonOut,
    auth=allowed("people.manage_people", NO_ACCESS, token_only=True),
    summary="Change a person's details",
)
def update_person(request, person_id: Path[Id], payload: PersonChangeIn):
    person = _person(person_id)
    form = _person_form(payload, instance=Person.objects.get(pk=person.pk))
    services.update_person(person, version=payload.version, user=request.auth, **form.person_fields())
    return _person(person_id)


@router.post(
    "/people/{person_id}/consents",
    response=PersonOut,
    auth=allowed("people.manage_people", NO_ACCESS, token_only=True),
    summary="Record a consent answer",
)
def record_consent(request, person_id: Path[Id], payload: ConsentIn):
    person = _person(person_id)
    form = ConsentForm(data={**payload.dict(), "granted": "yes" if payload.granted else "no"})
    if not form.is_valid():
        raise form_errors(form.errors)
    if person.merged_into_id or person.anonymised_at:
        raise DomainError(_("Consent is recorded on a person's current record, not an erased or merged one."))
    services.record_consent(person, user=request.auth, **form.cleaned_data)
    return _person(person_id)


@router.post(
    "/people/{person_id}/merge",
    response=PersonOut,
    auth=allowed("people.manage_people", NO_ACCESS, token_only=True),
    summary="Fold a duplicate into this person",
    description="Every record of the duplicate (registrations, …) moves to this person; the duplicate keeps "
    "`merged_into`. Two registrations for the same event refuse the merge (422) and change nothing.",
)
def merge_person(request, person_id: Path[Id], payload: MergeIn):
    keep = _person(person_id)
    duplicate = Person.objects.filter(pk=payload.duplicate).first()
    if duplicate is None:
        raise form_errors({"duplicate": [_("No such person.")]})
    services.merge_people(keep, duplicate, user=request.auth)
    return _person(person_id)


@router.get(
    "/people/{person_id}/data",
    response=dict[str, Any],
    auth=allowed("people.manage_people", NO_ACCESS),
    summary="Everything held about a person (right of access; logged)",
)
def person_data(request, person_id: Path[Id]):
    return services.export_person_data(_person(person_id), user=request.auth)


@router.post(
    "/people/{person_id}/erase",
    response=PersonOut,
    auth=allowed("people.manage_people", NO_ACCESS, token_only=True),
    summary="Erase a person's name and contact details, keeping every count",
)
def erase_person(request, person_id: Path[Id], payload: EraseIn):
    person = _person(person_id)
    form = EraseForm(data={"reason": payload.reason, "confirm": True})
    if not form.is_valid():
        raise form_errors(form.errors)
    services.anonymise_person(person, user=request.auth, reason=form.cleaned_data["reason"])
    return _person(person_id)


# --- organisations -----------------------------------------------------------------------------------------------


@router.get(
    "/organisations",
    response=list[OrganisationOut],
    auth=allowed("people.view_people", NO_ACCESS),
    summary="Organisations",
)
@paginate(Pagination, page_size=100)
def list_organisations(request, filters: Query[OrganisationFilters]):
    organisations, _chosen = organisations_with_counts({k: v for k, v in filters.dict().items() if v})
    return organisations


def _organisation(organisation_id: int) -> Organisation:
    found, _chosen = organisations_with_counts({})
    organisation = found.filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404(_("No such organisation."))
    return organisation


@router.get(
    "/organisations/{organisation_id}",
    response=OrganisationOut,
    auth=allowed("people.view_people", NO_ACCESS),
    summary="One organisation",
)
def get_organisation(request, organisation_id: Path[Id]):
    return _organisation(organisation_id)


def _organisation_form(payload: OrganisationIn) -> OrganisationForm:
    form = OrganisationForm(data={**payload.dict(), "country": _country_pk(payload.country)})
    if not form.is_valid():
        raise form_errors(form.errors)
    return form


@router.post(
    "/organisations",
    response={201: OrganisationOut},
    auth=allowed("people.manage_people", NO_ACCESS, token_only=True),
    summary="Add an organisation",
)
def create_organisation(request, payload: OrganisationIn):
    form = _organisation_form(payload)
    organisation = services.create_organisation(user=request.auth, **form.cleaned_data)
    return Reply(201, _organisation(organisation.pk))


@router.put(
    "/organisations/{organisation_id}",
    response=OrganisationOut,
    auth=allowed("people.manage_people", NO_ACCESS, token_only=True),
    summary="Change an organisation",
)
def update_organisation(request, organisation_id: Path[Id], payload: OrganisationIn):
    organisation = _organisation(organisation_id)
    form = _organisation_form(payload)
    services.update_organisation(organisation, user=request.auth, **form.cleaned_data)
    return _organisation(organisation_id)


@router.post(
    "/organisations/{organisation_id}/merge",
    response=OrganisationOut,
    auth=allowed("people.manage_people", NO_ACCESS, token_only=True),
    summary="Fold an organisation recorded twice into this one",
    description="The duplicate's people move to this organisation; the duplicate is deleted.",
)
def merge_organisation(request, organisation_id: Path[Id], payload: MergeIn):
    keep = _organisation(organisation_id)
    duplicate = Organisation.objects.filter(pk=payload.duplicate).first()
    if duplicate is None:
        raise form_errors({"duplicate": [_("No such organisation.")]})
    services.merge_organisations(keep, duplicate, user=request.auth)
    return _organisation(organisation_id)
