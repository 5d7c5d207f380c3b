"""Committee API: membership of the T-CY at any date (public) and observer admissions (a bearer token of staff who
keep the committee). Writes are validated by the workspace's form and done by the service, as on the pages."""

from typing import Annotated

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Schema
from ninja import Status as Reply
from pydantic import Field

from octopus.accounts.api import PUBLIC, Id, allowed, form_errors
from octopus.committees.forms.membership import AdmissionForm
from octopus.committees.models import Committee, ObserverAdmission
from octopus.committees.queries.membership import membership_at
from octopus.committees.services import membership as services
from octopus.countries.models import Country
from octopus.lib.dates import IsoDate
from octopus.results.api import IsSample

router = Router(tags=["committee"])

ISO2 = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code")]
TCY = "T-CY"


class MemberOut(Schema):
    iso2: str
    name: str
    since: IsoDate | None = Field(description="The day the Convention entered into force for the State.")


class ObserverStateOut(Schema):
    iso2: str
    name: str
    reasons: list[str] = Field(description="Why it observes: invited, signatory, ratified not yet in force, admitted.")
    since: IsoDate | None
    admission: int | None = Field(description="Id of the admission, when the committee admitted it.")
    is_sample: IsSample = Field(
        description="True when the committee's admission of it is sample data, invented for trying Octopus, not real."
    )


class ObserverOrganisationOut(Schema):
    id: int
    name: str
    since: IsoDate
    decision: str
    admission: int
    is_sample: IsSample


class MembershipOut(Schema):
    committee: str
    at: IsoDate
    counts: dict[str, int]
    sample: bool = Field(
        description="True when an observer below is sample data, invented for trying Octopus, not real: the counts "
        "include it."
    )
    members: list[MemberOut]
    observer_states: list[ObserverStateOut]
    observer_organisations: list[ObserverOrganisationOut]


class AdmissionIn(Schema):
    country: ISO2 | None = Field(default=None, description="A State (or give an organisation).")
    organisation: Id | None = Field(default=None, description="Id of an international organisation.")
    admitted_on: IsoDate
    decision: Annotated[str, Field(max_length=300, pattern=r"^[^\x00]*$")] = ""


class AdmissionOut(Schema):
    id: int
    country: str | None
    organisation: int | None = Field(validation_alias="organisation_id")
    admitted_on: IsoDate
    ended_on: IsoDate | None
    decision: str
    is_sample: IsSample

    @staticmethod
    def resolve_country(admission) -> str | None:
        return admission.country.iso2 if admission.country_id else None


# Who may use each route: each declares it (`allowed`, or PUBLIC); a refusal is this 403.
NOT_THE_SECRETARIAT = gettext_lazy("Your role does not allow changing the committee.")


def _committee() -> Committee:
    return get_object_or_404(Committee.objects.select_related("treaty"), code=TCY)


@router.get(
    "/committee/members",
    response=MembershipOut,
    auth=PUBLIC,
    summary="Members and observers of the T-CY on a day",
    description="Members are the Parties (from the entry into force); observer States are invited, signatories, "
    "ratified not yet in force, or admitted; observer organisations are admitted. Public.",
)
def members(request, at: IsoDate | None = None):
    committee = _committee()
    membership = membership_at(committee, at or timezone.localdate())
    states = [
        {
            "iso2": r.country.iso2,
            "name": r.country.name,
            "reasons": r.reasons,
            "since": r.since,
            "admission": r.admission.pk if r.admission else None,
            "is_sample": bool(r.admission and r.admission.is_sample),
        }
        for r in membership.observer_state_rows()
    ]
    organisations = [
        {
            "id": r.organisation.pk,
            "name": r.organisation.name,
            "since": r.since,
            "decision": r.admission.decision,
            "admission": r.admission.pk,
            "is_sample": r.admission.is_sample or r.organisation.is_sample,
        }
        for r in membership.organisation_rows()
    ]
    return {
        "committee": committee.code,
        "at": membership.at,
        "counts": membership.counts,
        "sample": membership.holds_sample,
        "members": [
            {"iso2": r.country.iso2, "name": r.country.name, "since": r.since} for r in membership.member_rows()
        ],
        "observer_states": states,
        "observer_organisations": organisations,
    }


@router.post(
    "/committee/admissions",
    response={201: AdmissionOut},
    auth=allowed("committees.manage_committee", NOT_THE_SECRETARIAT, token_only=True),
    summary="Admit an observer",
    description="A State (by ISO code) or an international organisation (by id) from a day; a Party, or an "
    "observer already admitted, is refused (422).",
)
def admit(request, payload: AdmissionIn):
    data = payload.dict()
    country = None
    if data["country"]:
        country = Country.objects.filter(iso2=data["country"].upper()).first()
        if country is None:
            raise form_errors({"country": [_("No country with the ISO code “%(code)s”.") % {"code": data["country"]}]})
    form = AdmissionForm(
        data={
            "country": country.pk if country else "",
            "organisation": data["organisation"] or "",
            "admitted_on": data["admitted_on"].isoformat(),
            "decision": data["decision"],
        }
    )
    if not form.is_valid():
        raise form_errors(form)
    cleaned = form.cleaned_data
    admission = services.admit_observer(
        _committee(),
        admitted_on=cleaned["admitted_on"],
        country=cleaned["country"],
        organisation=cleaned["organisation"],
        decision=cleaned["decision"],
        user=request.auth,
    )
    return Reply(201, ObserverAdmission.objects.select_related("country").get(pk=admission.pk))
