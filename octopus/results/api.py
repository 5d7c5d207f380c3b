"""The results framework over the JSON API: programmes, their logframe at a date, indicators, targets, values for a
period as things stood on a date, and the snapshots frozen for reports.

Reading needs a signed-in user (bearer token, or the workspace session) whose role reads results; a donor reads
only the programmes its donor code funds, and any other programme is a 404 to it, as if it did not exist. Focal
points see only their own country in breakdowns. Freezing a snapshot needs a bearer token of programme staff.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Path, Router, Schema
from ninja import Status as Reply
from ninja.errors import ValidationError
from ninja.pagination import paginate
from pydantic import Field

from octopus.accounts.api import Pagination, allowed, form_errors
from octopus.lib.dates import IsoDate
from octopus.lib.metrics import MetricError, Official, reading, registry
from octopus.results import services
from octopus.results.assignments import programme_scope
from octopus.results.calculations import Goal, Status, as_decimal
from octopus.results.forms import SnapshotForm, plain, programme_shares_formset
from octopus.results.models import Indicator, Programme, ResultNode, Snapshot, Target
from octopus.results.periods import LIFE, Period, PeriodError, parse_period
from octopus.results.permissions import visible_categories, visible_programmes
from octopus.results.queries import (
    IndicatorResult,
    get_programme_for_user,
    in_version,
    indicator_source,
    programme_results,
    tree_order,
    versions_at,
)

router = Router(tags=["results"])


ProgrammeCode = Annotated[str, Field(max_length=40, pattern=r"^[-a-zA-Z0-9_]+$", description="e.g. cybercrime-octopus")]
IndicatorCode = Annotated[str, Field(max_length=20, pattern=r"^[-A-Za-z0-9._]+$", description="e.g. O.1")]
SnapshotId = Annotated[int, Field(ge=1, le=2**62)]
AT_DESCRIPTION = "The day the logframe in force and the values are read for; defaults to today."


# --- schemas -----------------------------------------------------------------------------------------------------


def _number(value) -> str | None:
    return None if value is None else str(value)


# --- sample data (shared by every router whose records can be sample data) ----------------------------------------

SAMPLE_DESCRIPTION = "True for sample data, invented for trying Octopus, not real."
# A record's own flag, or that of the record it belongs to (`Field(validation_alias=...)` beside it says which).
IsSample = Annotated[bool, Field(description=SAMPLE_DESCRIPTION)]


# --- the programmes a record serves (shared by every router whose records serve programmes) ------------------------

ActivityCode = Annotated[str, Field(max_length=20, pattern=r"^[-A-Za-z0-9._]+$", description="e.g. A1.1")]


class ProgrammeShareOut(Schema):
    programme: str = Field(
        validation_alias="programme.code", description="Code of the programme, e.g. cybercrime-octopus."
    )
    share: str = Field(description="Share of the record's cost this programme bears (%), a decimal string.")
    activity: str | None = Field(description="Code of the logframe activity served there, e.g. A1.1.")

    @staticmethod
    def resolve_share(assignment) -> str:
        return str(assignment.share)

    @staticmethod
    def resolve_activity(assignment) -> str | None:
        return assignment.activity.code if assignment.activity_id else None


class ProgrammeShareIn(Schema):
    programme: ProgrammeCode
    share: Decimal = Field(gt=0, le=100, max_digits=5, decimal_places=2, description="% of the record's cost.")
    activity: ActivityCode | None = Field(default=None, description="An activity of that programme, by its code.")


def programme_shares_form(record, rows: list[ProgrammeShareIn]):
    """The rows sent, checked by the pages' form (`results.forms.ProgrammeShareFormSet`): a 422 naming the row and
    field of each refusal (`programmes.<row>.<field>`), an unknown activity code included."""
    codes = {row.programme for row in rows}
    known = set(Programme.objects.filter(code__in=codes).values_list("code", flat=True))
    activities = {
        (n.programme.code, n.code): n.pk
        for n in ResultNode.objects.filter(programme__code__in=codes).select_related("programme")
    }
    data = {"programmes-TOTAL_FORMS": str(len(rows)), "programmes-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        if row.programme not in known:
            message = _("No programme with the code “%(code)s”.") % {"code": row.programme}
            raise ValidationError([{"loc": ("programmes", index, "programme"), "msg": message}])
        activity = ""
        if row.activity:
            activity = activities.get((row.programme, row.activity), "")
            if not activity:
                message = _("%(programme)s has no activity coded “%(code)s”.") % {
                    "programme": row.programme,
                    "code": row.activity,
                }
                raise ValidationError([{"loc": ("programmes", index, "activity"), "msg": message}])
        data[f"programmes-{index}-programme"] = row.programme
        data[f"programmes-{index}-share"] = plain(row.share)
        data[f"programmes-{index}-activity"] = str(activity)
    form = programme_shares_formset(record, [], data=data)
    if not form.is_valid():
        errors = {}
        for index, found in enumerate(form.errors):
            for field, messages in found.items():
                errors.setdefault(f"programmes.{index}.{field}", []).extend(messages)
        if form.non_form_errors():
            errors["programmes"] = list(form.non_form_errors())
        raise form_errors(errors)
    return form


class ProgrammeOut(Schema):
    code: str
    title: str
    starts_on: IsoDate
    ends_on: IsoDate = Field(description="The end as first planned; a logframe version may move it.")
    budget_ceiling: str
    currency: str
    implementing_office: str
    funding: str
    description: str
    source: str
    is_sample: IsSample

    @staticmethod
    def resolve_budget_ceiling(programme) -> str:
        return str(programme.budget_ceiling)


class VersionOut(Schema):
    number: int
    valid_from: IsoDate
    ends_on: IsoDate = Field(description="The programme's end under this version.")
    decision: str


class LogframeNodeOut(Schema):
    code: str
    level: str
    title: str
    description: str
    assumptions: str
    risks: str
    indicators: list[str] = Field(description="Codes of the box's indicators under this version.")
    children: list["LogframeNodeOut"]


LogframeNodeOut.model_rebuild()


class LogframeOut(Schema):
    programme: str
    at: IsoDate
    sample: bool = Field(description="True for a sample programme: its logframe is sample data, not real.")
    version: VersionOut = Field(description="The version in force on `at`.")
    versions: list[VersionOut]
    nodes: list[LogframeNodeOut] = Field(description="The boxes at the top (the objective), each with its children.")


class BaselineOut(Schema):
    value: str | None
    on: IsoDate | None
    note: str


class IndicatorOut(Schema):
    code: str
    title: str
    definition: str
    means_of_verification: str
    node: str = Field(description="Code of the logframe box the indicator measures.")
    measure: str
    unit: str
    scale: list[str] = Field(description="For an ordinal measure: the labels of its steps, lowest first.")
    direction: str
    accumulation: str
    frequency: str
    disaggregations: list[str]
    metric_key: str
    metric_params: dict[str, Any]
    manual: bool
    baseline: BaselineOut
    source: str = Field(
        description="metric: computed from the records; manual: entered by hand with evidence; awaiting: its metric "
        "is not registered yet."
    )
    is_sample: IsSample


class TargetOut(Schema):
    indicator: str
    period: str = Field(description='"life", a year ("2016") or a semester ("2016-S1").')
    start: IsoDate
    end: IsoDate
    comparator: str = Field(description="eq (exactly), le (at most), ge (at least) or range.")
    value: str
    upper: str | None = Field(description="Upper bound of a range.")
    note: str
    is_sample: IsSample


class GoalOut(Schema):
    comparator: str
    value: str
    upper: str | None


class OfficialOut(Schema):
    as_of: IsoDate
    value: str
    computed: str
    difference: str = Field(description="computed − official")
    source: str
    explained_by: list[str]


# Its own name in the OpenAPI document: other apps' enums are called Status too, and would take its place.
type IndicatorStatus = Status


class IndicatorValueOut(Schema):
    indicator: str
    title: str
    unit: str
    source: str
    period: str | None = Field(
        description="The indicator's period matching the one asked; null when it reports "
        "at another frequency (e.g. a yearly indicator asked for a semester)."
    )
    value: str | None = Field(description="Null while there is no value: awaiting a source, or none approved.")
    text: str = Field(description="For a qualitative indicator: the latest approved finding.")
    label: str = Field(description="For an ordinal indicator: the step of the scale the value stands for.")
    target: GoalOut | None
    percent: str | None = Field(description="The value as a percentage of the target.")
    status: IndicatorStatus | None
    problem: str = Field(description="Why a computed value could not be read, if it could not.")
    reach: str = Field(
        description="programme: counts only the programme's own records; global: about all States, not only "
        "those the programme assisted."
    )
    published: bool = Field(
        description="The value is a published figure (with its source as evidence) for what no list of records holds."
    )
    recorded: str | None = Field(description="What the records give for the period, shown beside a published figure.")
    official: list[OfficialOut] = Field(
        description="Official figures dated within the period, each with the value computed on its day, the "
        "difference and the records that explain it."
    )
    breakdown: dict[str, str] | None = Field(
        description="By country (ISO code → value), when the indicator is disaggregated by country and its metric "
        "offers it; only the countries you may see."
    )


class ValuesOut(Schema):
    programme: str
    at: IsoDate
    period: str
    start: IsoDate
    end: IsoDate
    logframe_version: int
    sample: bool = Field(description="True for a sample programme: every figure is sample data, not real.")
    indicators: list[IndicatorValueOut]


class SnapshotSummaryOut(Schema):
    id: int
    title: str
    as_of: IsoDate
    digest: str = Field(description="SHA-256 of the canonical JSON of the data (sorted keys, no spaces).")
    frozen_at: datetime.datetime
    sample: bool = Field(
        validation_alias="programme.is_sample",
        description="True for a snapshot of a sample programme: every figure is sample data, not real.",
    )


class SnapshotOut(SnapshotSummaryOut):
    data: dict[str, Any]
    verifies: bool = Field(description="Whether the data still hashes to the digest.")


class SnapshotIn(Schema):
    title: str = Field(max_length=300, pattern=r"^[^\x00]*$", description="The report these figures go out in.")
    as_of: IsoDate = Field(description="The day the figures are frozen for.")


# --- helpers -----------------------------------------------------------------------------------------------------


# Who may use each route: each declares it with `allowed` (a role that reads no programme is refused with a 403
# before any lookup); these are the 403s' messages.
NO_RESULTS = gettext_lazy("Your role does not give access to programme results.")
NOT_FREEZING = gettext_lazy("Your role does not allow freezing snapshots.")


def programme_for(user, code: str) -> Programme:
    """The programme if the user reads it; a 404 otherwise (the route's declaration has let a reader in)."""
    return get_programme_for_user(user, code)


def _day(at: datetime.date | None) -> datetime.date:
    return at or timezone.localdate()


def _indicator_out(indicator: Indicator, programme: Programme) -> dict:
    return {
        "code": indicator.code,
        "title": indicator.title,
        "definition": indicator.definition,
        "means_of_verification": indicator.means_of_verification,
        "node": indicator.node.code,
        "measure": indicator.measure,
        "unit": indicator.unit,
        "scale": indicator.scale or [],
        "direction": indicator.direction,
        "accumulation": indicator.accumulation,
        "frequency": indicator.frequency,
        "disaggregations": indicator.disaggregations or [],
        "metric_key": indicator.metric_key,
        "metric_params": indicator.metric_params or {},
        "manual": indicator.manual,
        "baseline": {
            "value": _number(indicator.baseline_value),
            "on": indicator.baseline_on,
            "note": indicator.baseline_note,
        },
        "source": indicator_source(indicator),
        "is_sample": programme.is_sample,
    }


def _goal_out(goal: Goal | None) -> dict | None:
    if goal is None:
        return None
    return {"comparator": goal.comparator, "value": str(goal.value), "upper": _number(goal.upper)}


def _breakdown(row: IndicatorResult, period: Period, at: datetime.date, visible: set[str] | None) -> dict | None:
    """The value by country over the period as it stood on `at`, keeping only the countries the user may see."""
    indicator = row.indicator
    if row.source != "metric" or "country" not in (indicator.disaggregations or []) or period.start > at:
        return None
    try:
        found = registry.breakdown(
            indicator.metric_key, "country", period.start, min(period.end, at), **(indicator.metric_params or {})
        )
    except MetricError:
        return None
    return {
        str(country): str(as_decimal(value))
        for country, value in sorted(found.items())
        if visible is None or country in visible
    }


def _snapshot_out(frozen: Snapshot) -> Snapshot:
    frozen.verifies = services.snapshot_verifies(frozen)
    return frozen


# --- routes ------------------------------------------------------------------------------------------------------


@router.get(
    "/programmes",
    response=list[ProgrammeOut],
    auth=allowed("results.view_programmes", NO_RESULTS),
    summary="Programmes you may read",
)
@paginate(Pagination, page_size=100)
def list_programmes(request):
    return visible_programmes(request.auth, Programme.objects.all())


@router.get(
    "/programmes/{code}",
    response=ProgrammeOut,
    auth=allowed("results.view_programmes", NO_RESULTS),
    summary="One programme",
)
def get_programme(request, code: Path[ProgrammeCode]):
    return programme_for(request.auth, code)


@router.get(
    "/programmes/{code}/logframe",
    response=LogframeOut,
    auth=allowed("results.view_programmes", NO_RESULTS),
    summary="The logframe in force at a date",
    description="The version in force on `at` (default today), every version, and the tree of boxes with the codes "
    "of their indicators.",
)
def get_logframe(
    request, code: Path[ProgrammeCode], at: Annotated[IsoDate | None, Field(description=AT_DESCRIPTION)] = None
):
    programme = programme_for(request.auth, code)
    day = _day(at)
    version, versions, numbers = versions_at(programme, day)
    nodes = [
        n
        for n in tree_order(list(programme.nodes.prefetch_related("assumption_set")))
        if in_version(n, version, numbers)
    ]
    codes: dict[int, list[str]] = {n.pk: [] for n in nodes}
    for indicator in Indicator.objects.filter(node__programme=programme):
        if indicator.node_id in codes and in_version(indicator, version, numbers):
            codes[indicator.node_id].append(indicator.code)
    children: dict[int | None, list[ResultNode]] = {}
    for node in nodes:  # in tree order, so each list of children is in order too
        parent = node.parent_id if node.parent_id in codes else None
        children.setdefault(parent, []).append(node)

    def branch(node: ResultNode) -> dict:
        return {
            "code": node.code,
            "level": node.level,
            "title": node.title,
            "description": node.description,
            "assumptions": "\n".join(filter(None, [node.assumptions, *(a.text for a in node.assumption_set.all())])),
            "risks": node.risks,
            "indicators": codes[node.pk],
            "children": [branch(child) for child in children.get(node.pk, [])],
        }

    return {
        "programme": programme.code,
        "at": day,
        "sample": programme.is_sample,
        "version": version,
        "versions": versions,
        "nodes": [branch(node) for node in children.get(None, [])],
    }


@router.get(
    "/programmes/{code}/indicators",
    response=list[IndicatorOut],
    auth=allowed("results.view_programmes", NO_RESULTS),
    summary="Indicators of the logframe in force at a date",
)
def list_indicators(
    request, code: Path[ProgrammeCode], at: Annotated[IsoDate | None, Field(description=AT_DESCRIPTION)] = None
):
    programme = programme_for(request.auth, code)
    version, _versions_, numbers = versions_at(programme, _day(at))
    indicators = Indicator.objects.filter(node__programme=programme).select_related("node")
    return [_indicator_out(i, programme) for i in indicators if in_version(i, version, numbers)]


@router.get(
    "/programmes/{code}/indicators/{indicator_code}",
    response=IndicatorOut,
    auth=allowed("results.view_programmes", NO_RESULTS),
    summary="One indicator's definition",
)
def get_indicator(request, code: Path[ProgrammeCode], indicator_code: Path[IndicatorCode]):
    programme = programme_for(request.auth, code)
    indicator = Indicator.objects.filter(node__programme=programme, code=indicator_code).select_related("node").first()
    if indicator is None:
        raise Http404(_("No indicator “%(code)s” in this programme.") % {"code": indicator_code})
    return _indicator_out(indicator, programme)


@router.get(
    "/programmes/{code}/targets",
    response=list[TargetOut],
    auth=allowed("results.view_programmes", NO_RESULTS),
    summary="Targets of the logframe in force at a date",
)
def list_targets(
    request, code: Path[ProgrammeCode], at: Annotated[IsoDate | None, Field(description=AT_DESCRIPTION)] = None
):
    programme = programme_for(request.auth, code)
    version, _versions_, _numbers = versions_at(programme, _day(at))
    targets = (
        Target.objects.filter(logframe_version=version)
        .select_related("indicator__node")
        .order_by("indicator__node__order", "indicator__order", "indicator__code", "period_start", "period_kind")
    )
    return [
        {
            "indicator": t.indicator.code,
            "period": Period(t.period_start, t.period_end, t.period_kind).key,
            "start": t.period_start,
            "end": t.period_end,
            "comparator": t.comparator,
            "value": str(t.value),
            "upper": _number(t.upper),
            "note": t.note,
            "is_sample": programme.is_sample,
        }
        for t in targets
    ]


@router.get(
    "/programmes/{code}/values",
    response=ValuesOut,
    auth=allowed("results.view_programmes", NO_RESULTS),
    summary="Every indicator's value for a period, as things stood at a date",
    description="`period` is life (the default: the value to date), a year (2016) or a semester (2016-S1). Values "
    "are decimal strings, null while there is none. Breakdowns by country show only the countries you may see.",
)
def get_values(
    request,
    code: Path[ProgrammeCode],
    at: Annotated[IsoDate | None, Field(description=AT_DESCRIPTION)] = None,
    period: Annotated[str, Field(max_length=40)] = LIFE,
):
    programme = programme_for(request.auth, code)
    day = _day(at)
    results = programme_results(programme, day, reader=request.auth)
    try:
        asked = parse_period(period, programme.starts_on, results.version.ends_on)
    except PeriodError as error:
        raise ValidationError([{"loc": ("query", "period"), "msg": str(error)}]) from None
    visible = visible_categories(request.auth)
    rows = []
    with reading(programme_scope(programme)):  # the programme's records; the breakdowns share what they load
        for row in results.indicators:
            found = row.period(asked.key)
            rows.append(
                {
                    "indicator": row.indicator.code,
                    "title": row.indicator.title,
                    "unit": row.indicator.unit,
                    "source": row.source,
                    "period": None if found is None else found.period.key,
                    "value": None if found is None else _number(found.actual),
                    "text": row.latest_text,
                    "label": "" if found is None else found.label,
                    "target": None if found is None else _goal_out(found.goal),
                    "percent": None if found is None else _number(found.percent),
                    "status": None if found is None else found.status,
                    "problem": row.problem,
                    "reach": row.reach,
                    "published": found is not None and found.published,
                    "recorded": None if found is None else _number(found.recorded),
                    "official": [] if found is None else [_official_out(o) for o in found.official],
                    "breakdown": None if found is None else _breakdown(row, found.period, day, visible),
                }
            )
    return {
        "programme": programme.code,
        "at": day,
        "period": asked.key,
        "start": asked.start,
        "end": asked.end,
        "logframe_version": results.version.number,
        "sample": programme.is_sample,
        "indicators": rows,
    }


def _official_out(official: Official) -> dict:
    return {
        "as_of": official.as_of,
        "value": _number(official.value),
        "computed": _number(official.computed),
        "difference": _number(official.difference),
        "source": official.source,
        "explained_by": list(official.explained_by),
    }


@router.get(
    "/programmes/{code}/snapshots",
    response=list[SnapshotSummaryOut],
    auth=allowed("results.view_programmes", NO_RESULTS),
    summary="Snapshots frozen for reports",
)
@paginate(Pagination, page_size=100)
def list_snapshots(request, code: Path[ProgrammeCode]):
    programme = programme_for(request.auth, code)
    return programme.snapshots.order_by("-frozen_at", "-pk")


@router.get(
    "/programmes/{code}/snapshots/{snapshot_id}",
    response=SnapshotOut,
    auth=allowed("results.view_programmes", NO_RESULTS),
    summary="One snapshot, with its data and whether it still verifies",
)
def get_snapshot(request, code: Path[ProgrammeCode], snapshot_id: Path[SnapshotId]):
    programme = programme_for(request.auth, code)
    frozen = programme.snapshots.filter(pk=snapshot_id).first()
    if frozen is None:
        raise Http404(_("No such snapshot of this programme."))
    return _snapshot_out(frozen)


@router.post(
    "/programmes/{code}/snapshots",
    response={201: SnapshotOut},
    auth=allowed("results.manage", NOT_FREEZING, token_only=True),
    summary="Freeze the programme's figures for a report",
)
def freeze_snapshot(request, code: Path[ProgrammeCode], payload: SnapshotIn):
    programme = programme_for(request.auth, code)
    form = SnapshotForm(data={"title": payload.title, "as_of": payload.as_of.isoformat()})
    if not form.is_valid():
        raise form_errors(form)
    frozen = services.freeze_snapshot(
        programme, title=form.cleaned_data["title"], as_of=form.cleaned_data["as_of"], user=request.auth
    )
    return Reply(201, _snapshot_out(frozen))
