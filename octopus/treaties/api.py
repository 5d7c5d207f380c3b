from typing import Annotated

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Path, Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import ValidationError
from ninja.pagination import paginate
from pydantic import Field

from octopus.accounts.api import PUBLIC, Pagination, allowed, form_errors
from octopus.countries.models import Country
from octopus.lib.dates import IsoDate
from octopus.treaties import services
from octopus.treaties.forms import TreatyActionCorrectionForm, TreatyActionForm
from octopus.treaties.models import ActionKind, Origin, Treaty, TreatyAction
from octopus.treaties.queries import Status, count_statuses, facts_by_country, statuses_at

router = Router(tags=["treaties"])

ISO2 = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code")]
TreatyNumber = Annotated[int, Field(ge=1, le=100000, description="CETS number, e.g. 185")]
Text = Annotated[str, Field(max_length=5000, pattern=r"^[^\x00]*$")]


class TreatyOut(Schema):
    number: int
    short_name: str
    title: str
    opened_on: IsoDate | None


class ArticleOut(Schema):
    number: int
    title: str
    chapter: str
    section: str


class TreatyActionOut(Schema):
    id: int
    treaty: int = Field(validation_alias="treaty.number")
    country: str = Field(validation_alias="country.iso2")
    kind: ActionKind
    date: IsoDate | None
    attested_on: IsoDate | None = Field(description="For an undated act: a date by which it had happened.")
    effective_on: IsoDate | None
    source: str
    note: str
    origin: Origin
    version: int = Field(description="Send it back when correcting; a stale version is refused with 409.")


class TreatyActionFacts(Schema):
    kind: ActionKind
    date: IsoDate | None = None
    attested_on: IsoDate | None = None
    effective_on: IsoDate | None = None
    source: Text
    note: Text = ""


class TreatyActionIn(TreatyActionFacts):
    treaty: TreatyNumber
    country: ISO2


class TreatyActionCorrectionIn(TreatyActionFacts):
    version: int = Field(ge=1)


# Its own name in the OpenAPI document: other apps' enums are called Status too, and would take its place.
type TreatyStatus = Status


class StateStatusOut(Schema):
    country: str
    name: str
    status: TreatyStatus
    since: IsoDate | None = Field(description="Day of the act that gives the status, if recorded.")
    attested_on: IsoDate | None = Field(description="For an undated act: a date by which it had happened.")


class TreatyStatusOut(Schema):
    treaty: int
    at: IsoDate
    recorded: bool = Field(
        description="False when no treaty action is recorded under this treaty yet: its counts are then a gap in the "
        "record, not zeros."
    )
    parties: int = Field(
        description="Parties as the Treaty Office counts them: instrument of ratification, acceptance or accession "
        "deposited, in force or not (counts 'party' + 'ratified')."
    )
    in_force: int = Field(description="Parties for which the treaty is in force (counts 'party').")
    counts: dict[str, int]
    states: list[StateStatusOut]


def _treaty(number: int) -> Treaty:
    return get_object_or_404(Treaty, number=number)


# Treaty actions are read by anyone and changed by roles holding the permission of each change.
CHANGING = gettext_lazy("Your role does not allow changing treaty actions.")


@router.get("/treaties", response=list[TreatyOut], auth=PUBLIC, summary="Treaties held")
def list_treaties(request):
    return Treaty.objects.all()


@router.get("/treaties/{number}", response=TreatyOut, auth=PUBLIC, summary="One treaty")
def get_treaty(request, number: Path[TreatyNumber]):
    return _treaty(number)


@router.get("/treaties/{number}/articles", response=list[ArticleOut], auth=PUBLIC, summary="Articles of a treaty")
def list_articles(request, number: Path[TreatyNumber]):
    return _treaty(number).articles.all()


@router.get(
    "/treaty-status",
    response=TreatyStatusOut,
    auth=PUBLIC,
    summary="Status of every State under a treaty at a date",
    description="Derived from dated treaty actions. `at` defaults to today. States with no act are omitted. Parties "
    "are counted from the deposit of their instrument, as the Treaty Office counts them; `in_force` is its own figure.",
)
def treaty_status(request, treaty: Query[TreatyNumber], at: IsoDate | None = None):
    found = Treaty.objects.filter(number=treaty).first()
    if found is None:
        raise ValidationError([{"loc": ("query", "treaty"), "msg": f"No treaty CETS {treaty} is held."}])
    day = at or timezone.localdate()
    facts = facts_by_country(found)
    statuses = statuses_at(found, day, facts)
    countries = Country.objects.filter(pk__in=statuses).values_list("pk", "iso2", "name")
    states = [
        StateStatusOut(
            country=iso2,
            name=name,
            status=statuses[pk].status,
            since=statuses[pk].since,
            attested_on=statuses[pk].attested_on,
        )
        for pk, iso2, name in countries
        if statuses[pk].status != Status.NONE
    ]
    counted = count_statuses(statuses.values())
    return {
        "treaty": found.number,
        "at": day,
        "recorded": bool(facts),
        "parties": counted[Status.PARTY] + counted[Status.RATIFIED],
        "in_force": counted[Status.PARTY],
        "counts": {str(status.value): n for status, n in counted.items()},
        "states": states,
    }


@router.get("/treaty-actions", response=list[TreatyActionOut], auth=PUBLIC, summary="Recorded treaty actions")
@paginate(Pagination, page_size=100)
def list_actions(
    request,
    treaty: Query[TreatyNumber | None] = None,
    country: Query[ISO2 | None] = None,
    kind: ActionKind | None = None,
):
    actions = TreatyAction.objects.select_related("treaty", "country")
    if treaty is not None:
        actions = actions.filter(treaty__number=treaty)
    if country:
        actions = actions.filter(country__iso2=country.upper())
    if kind:
        actions = actions.filter(kind=kind)
    return actions


@router.get("/treaty-actions/{action_id}", response=TreatyActionOut, auth=PUBLIC, summary="One treaty action")
def get_action(request, action_id: Path[Annotated[int, Field(ge=1, le=2**62)]]):
    return get_object_or_404(TreatyAction.objects.select_related("treaty", "country"), pk=action_id)


@router.post(
    "/treaty-actions",
    response={201: TreatyActionOut},
    auth=allowed("treaties.record_action", CHANGING, token_only=True),
    summary="Record a treaty action",
)
def record_action(request, payload: TreatyActionIn):
    data = payload.dict()
    data["country"] = data["country"].upper()
    form = TreatyActionForm(data=data)
    if not form.is_valid():
        raise form_errors(form)
    action = services.record_treaty_action(
        form.cleaned_data["treaty"], country=form.cleaned_data["country"], user=request.auth, **form.service_kwargs()
    )
    return Reply(201, action)


@router.put(
    "/treaty-actions/{action_id}",
    response=TreatyActionOut,
    auth=allowed("treaties.correct_action", CHANGING, token_only=True),
    summary="Correct a treaty action",
)
def correct_action(request, action_id: Path[Annotated[int, Field(ge=1, le=2**62)]], payload: TreatyActionCorrectionIn):
    action = get_object_or_404(TreatyAction.objects.select_related("treaty", "country"), pk=action_id)
    # The form validates the input; the service re-reads the row under lock and checks `version`.
    form = TreatyActionCorrectionForm(data=payload.dict(), instance=action)
    if not form.is_valid():
        raise form_errors(form)
    return services.correct_treaty_action(
        action, version=form.cleaned_data["version"], user=request.auth, **form.service_kwargs()
    )


@router.delete(
    "/treaty-actions/{action_id}",
    response={204: None},
    auth=allowed("treaties.withdraw_action", CHANGING, token_only=True),
    summary="Withdraw a treaty action recorded in error",
)
def withdraw_action(
    request,
    action_id: Path[Annotated[int, Field(ge=1, le=2**62)]],
    version: Query[Annotated[int, Field(ge=1)]],
    reason: Query[Annotated[str, Field(min_length=1, max_length=1000, pattern=r"^[^\x00]*$")]],
):
    action = TreatyAction.objects.filter(pk=action_id).first()
    if action is None:
        raise Http404("No such treaty action.")
    services.withdraw_treaty_action(action, version=version, reason=reason, user=request.auth)
    return Reply(204, None)
