"""The one write path of the results framework. Every service checks its input, refuses with a DomainError whose
message people see, writes atomically and leaves an audit entry."""

import datetime
import hashlib
import json
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from octopus.accounts.services import log_action, snapshot
from octopus.lib.errors import DomainError
from octopus.lib.locking import locked_for_update
from octopus.lib.metrics import GLOBAL, MetricError, registry
from octopus.results.assignments import HUNDRED, assignments_of, content_type
from octopus.results.calculations import as_decimal
from octopus.results.models import (
    Accumulation,
    Assignment,
    Assumption,
    AssumptionReview,
    AssumptionStatus,
    Comparator,
    Indicator,
    Level,
    LockedPeriod,
    LogframeVersion,
    ManualValue,
    Measure,
    PeriodKind,
    Programme,
    ProgrammeFunder,
    Restatement,
    ResultNode,
    Snapshot,
    Target,
    ValueStatus,
)
from octopus.results.periods import Period, PeriodError, parse_period

# --- which programmes a record serves ------------------------------------------------------------------------


def check_shares(record, shares: list[tuple[Programme, Decimal, ResultNode | None]]) -> None:
    """Refuse a set of (programme, share %, activity) that cannot stand for `record`; the message says why."""
    seen = set()
    for programme, share, activity in shares:
        if programme.pk in seen:
            raise DomainError(_("%(programme)s is named twice.") % {"programme": programme})
        seen.add(programme.pk)
        if share is None or not Decimal(0) < Decimal(share) <= HUNDRED:
            raise DomainError(_("A share is more than 0 and at most 100 %."))
        if activity is not None and activity.programme_id != programme.pk:
            raise DomainError(
                _("Activity %(code)s is not part of %(programme)s.") % {"code": activity.code, "programme": programme}
            )
        if bool(getattr(record, "is_sample", False)) != programme.is_sample:
            raise DomainError(
                _("Sample records serve only sample programmes, and real records only real ones (%(programme)s).")
                % {"programme": programme}
            )
    total = sum((Decimal(share) for _programme, share, _activity in shares), Decimal(0))
    if shares and total != HUNDRED:
        raise DomainError(
            _("The shares of the cost sum to %(total)s %%; they must sum to 100 %%.") % {"total": f"{total:g}"}
        )


@transaction.atomic
def assign_programmes(record, shares: list[tuple[Programme, Decimal, ResultNode | None]], *, user=None) -> list:
    """Set the programmes `record` serves, each with its share of the cost and optionally the activity it serves
    there; an empty list leaves it serving none (it then counts nowhere and is listed as not assigned)."""
    check_shares(record, shares)
    before = [(a.programme.code, str(a.share), a.activity.code if a.activity else "") for a in assignments_of(record)]
    Assignment.objects.filter(content_type=content_type(type(record)), object_id=record.pk).delete()
    Assignment.objects.bulk_create(
        Assignment(
            content_type=content_type(type(record)),
            object_id=record.pk,
            programme=programme,
            share=Decimal(share),
            activity=activity,
        )
        for programme, share, activity in shares
    )
    after = [(p.code, str(Decimal(s)), a.code if a else "") for p, s, a in shares]
    if before != after:
        log_action(record, "results.assignment.set", user=user, data={"before": before, "after": after})
    return assignments_of(record)


def serve_activity(record, activity: ResultNode | None, *, user=None) -> list:
    """Choosing the activity a record serves sets its programme: a record that served none now serves the
    activity's programme at 100 %; one that served it already keeps its share and takes the activity; one that
    served other programmes gains it and the shares are split equally (staff adjust them on the record's page)."""
    current = [(a.programme, a.share, a.activity) for a in assignments_of(record)]
    if activity is None:
        return assignments_of(record)
    programme = activity.programme
    if any(p.pk == programme.pk for p, _s, _a in current):
        shares = [(p, s, activity if p.pk == programme.pk else a) for p, s, a in current]
    elif not current:
        shares = [(programme, HUNDRED, activity)]
    else:
        shares = [*current, (programme, HUNDRED, activity)]
        even = (HUNDRED / len(shares)).quantize(Decimal("0.01"))
        shares = [(p, even, a) for p, _s, a in shares]
        shares[0] = (shares[0][0], HUNDRED - even * (len(shares) - 1), shares[0][2])
    return assign_programmes(record, shares, user=user)


# --- programmes and logframe versions -------------------------------------------------------------------------


@transaction.atomic
def create_programme(
    *,
    code: str,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    budget_ceiling: Decimal,
    implementing_office: str,
    user,
    currency: str = "EUR",
    funding: str = "",
    description: str = "",
    source: str = "",
    decision: str = "",
    is_sample: bool = False,
) -> Programme:
    """A programme with its first logframe version, in force from the programme's start."""
    if ends_on <= starts_on:
        raise DomainError(_("The programme must end after it starts."))
    if Programme.objects.filter(code=code).exists():
        raise DomainError(_("A programme with the code “%(code)s” exists already.") % {"code": code})
    programme = Programme.objects.create(
        code=code,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        budget_ceiling=budget_ceiling,
        currency=currency.upper(),
        implementing_office=implementing_office,
        funding=funding,
        description=description,
        source=source,
        is_sample=is_sample,
    )
    LogframeVersion.objects.create(
        programme=programme,
        number=1,
        valid_from=starts_on,
        ends_on=ends_on,
        decision=decision or _("Original logframe."),
    )
    log_action(programme, "results.programme.created", user=user, after=snapshot(programme))
    return programme


def add_funder(programme: Programme, *, donor_code: str, name: str, user, is_sample: bool = False) -> ProgrammeFunder:
    funder, _created = ProgrammeFunder.objects.update_or_create(
        programme=programme, donor_code=donor_code, defaults={"name": name, "is_sample": is_sample}
    )
    log_action(funder, "results.funder.added", user=user, data={"programme": programme.code, "donor": donor_code})
    return funder


@transaction.atomic
def revise_logframe(
    programme: Programme, *, valid_from: datetime.date, decision: str, user, ends_on: datetime.date | None = None
) -> LogframeVersion:
    """A new logframe version in force from `valid_from`. Targets of the version it replaces are carried over, to be
    revised; nothing of the earlier version changes, so reports for earlier dates read as they did."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    latest = latest_version(programme)
    decision = (decision or "").strip()
    if not decision:
        raise DomainError(_("Say which decision made the revision (who, when, why)."))
    if valid_from <= latest.valid_from:
        raise DomainError(
            _(
                "A revision in force from %(day)s would overlap version %(number)s, in force from %(start)s: a new "
                "version must start after the last one."
            )
            % {"day": valid_from, "number": latest.number, "start": latest.valid_from}
        )
    ends_on = ends_on or latest.ends_on
    if not programme.starts_on < valid_from <= ends_on:
        raise DomainError(
            _("%(day)s is outside the programme (%(start)s – %(end)s).")
            % {"day": valid_from, "start": programme.starts_on, "end": ends_on}
        )
    version = LogframeVersion.objects.create(
        programme=programme, number=latest.number + 1, valid_from=valid_from, ends_on=ends_on, decision=decision
    )
    carried = [
        Target(
            indicator_id=t.indicator_id,
            logframe_version=version,
            period_kind=t.period_kind,
            period_start=t.period_start,
            period_end=version.ends_on if t.period_kind == PeriodKind.LIFE else t.period_end,
            comparator=t.comparator,
            value=t.value,
            upper=t.upper,
            note=t.note,
        )
        for t in latest.targets.all()
        if t.period_start <= version.ends_on
    ]
    Target.objects.bulk_create(carried)
    log_action(
        version,
        "results.logframe.revised",
        user=user,
        after=snapshot(version),
        data={"programme": programme.code, "targets_carried": len(carried)},
    )
    return version


def latest_version(programme: Programme) -> LogframeVersion:
    """The version in force last; every programme has one from its creation (`create_programme`)."""
    return programme.versions.latest("number")


ALLOWED_PARENTS: dict[str, set[str | None]] = {
    Level.OBJECTIVE: {None},
    Level.OUTPUT: {None, Level.OBJECTIVE},
    Level.ACTIVITY: {Level.OUTPUT},
}


def add_node(
    programme: Programme,
    *,
    level: str,
    code: str,
    title: str,
    user,
    parent: ResultNode | None = None,
    description: str = "",
    assumptions: str = "",
    risks: str = "",
    order: int = 0,
    version: LogframeVersion | None = None,
) -> ResultNode:
    """A box of the logframe, part of it from `version` (the latest by default)."""
    if parent is not None and parent.programme_id != programme.pk:
        raise DomainError(_("The parent belongs to another programme."))
    if (parent.level if parent else None) not in ALLOWED_PARENTS[level]:
        raise DomainError(_("An activity sits under an output; an objective or output sits at the top."))
    if programme.nodes.filter(code=code).exists():
        raise DomainError(_("The logframe has a box coded “%(code)s” already.") % {"code": code})
    node = ResultNode.objects.create(
        programme=programme,
        parent=parent,
        level=level,
        code=code,
        title=title,
        description=description,
        assumptions=assumptions,
        risks=risks,
        order=order,
        introduced_in=version or latest_version(programme),
    )
    log_action(node, "results.node.added", user=user, after=snapshot(node))
    return node


def add_assumption(node: ResultNode, *, text: str, user, order: int = 0) -> Assumption:
    """An assumption the box relies on, in force from the latest logframe version."""
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the assumption."))
    assumption = Assumption.objects.create(
        node=node, text=text, order=order, introduced_in=latest_version(node.programme)
    )
    log_action(assumption, "results.assumption.added", user=user, after=snapshot(assumption))
    return assumption


def review_assumption(assumption: Assumption, *, on: datetime.date, status: str, note: str, user) -> AssumptionReview:
    """What staff found of an assumption on a day. Earlier reviews stay: the status over time is their series."""
    note = (note or "").strip()
    if status not in AssumptionStatus.values:
        raise DomainError(_("Choose a status."))
    if not note:
        raise DomainError(_("Say what shows it: the events, decisions or sources behind the finding."))
    if on > timezone.localdate():
        raise DomainError(_("A finding cannot be dated in the future."))
    review = AssumptionReview.objects.create(assumption=assumption, on=on, status=status, note=note, reviewed_by=user)
    log_action(review, "results.assumption.reviewed", user=user, after=snapshot(review))
    return review


# --- indicators --------------------------------------------------------------------------------------------------

# Measures whose values cannot be added up across periods.
LATEST_ONLY = {Measure.PERCENT, Measure.ORDINAL, Measure.QUALITATIVE}


def check_indicator(fields: dict, *, allow_unregistered: bool = False) -> None:
    """Refuse a definition whose parts do not fit together; the message names the part."""
    measure, accumulation = fields.get("measure", Measure.COUNT), fields.get("accumulation", Accumulation.SUM)
    manual, key = fields.get("manual", False), (fields.get("metric_key") or "").strip()
    if manual and key:
        raise DomainError(_("An indicator is either computed by a metric or entered by hand, not both."))
    if not manual and not key:
        raise DomainError(_("Choose the metric that computes this indicator, or mark it as entered by hand."))
    if measure in LATEST_ONLY and accumulation != Accumulation.LATEST:
        raise DomainError(
            _("A %(measure)s cannot be added up across periods: its accumulation must be “latest value”.")
            % {"measure": Measure(measure).label.lower()}
        )
    if manual and accumulation == Accumulation.DISTINCT:
        raise DomainError(_("“Distinct over the life of the programme” needs the records: choose a metric."))
    if measure == Measure.QUALITATIVE and not manual:
        raise DomainError(_("A qualitative indicator is entered by hand."))
    if measure == Measure.ORDINAL and len(fields.get("scale") or []) < 2:
        raise DomainError(_("An ordinal indicator needs its scale: at least two labels, lowest first."))
    if key:
        params = fields.get("metric_params") or {}
        if not isinstance(params, dict):
            raise DomainError(_('Metric parameters are a JSON object, e.g. {"treaty": 185}.'))
        if key in registry:
            try:
                registry.get(key).check_params(params)
            except MetricError as error:
                raise DomainError(str(error)) from None
        elif not allow_unregistered:
            raise DomainError(_("No metric “%(key)s” is registered.") % {"key": key})
    if fields.get("assisted_only") and (not key or key not in registry or registry.get(key).reach != GLOBAL):
        raise DomainError(
            _(
                "Only a measure about all States (such as Parties or compliance of law) can be narrowed to the "
                "countries the programme assisted."
            )
        )


INDICATOR_FIELDS = (
    "title",
    "definition",
    "means_of_verification",
    "measure",
    "unit",
    "scale",
    "direction",
    "accumulation",
    "frequency",
    "disaggregations",
    "metric_key",
    "metric_params",
    "manual",
    "assisted_only",
    "baseline_value",
    "baseline_on",
    "baseline_note",
    "order",
)


def define_indicator(
    node: ResultNode, *, code: str, title: str, user, allow_unregistered: bool = False, **fields
) -> Indicator:
    """An indicator of a logframe box. `allow_unregistered` lets the reference data declare the metric an app will
    register in a later release; such an indicator shows "awaiting data source" until then."""
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise TypeError(f"define_indicator() got unexpected fields {sorted(unknown)}")
    check_indicator(fields, allow_unregistered=allow_unregistered)
    if Indicator.objects.filter(node__programme_id=node.programme_id, code=code).exists():
        raise DomainError(_("The programme has an indicator coded “%(code)s” already.") % {"code": code})
    indicator = Indicator.objects.create(
        node=node, code=code, title=title, introduced_in=latest_version(node.programme), **fields
    )
    log_action(indicator, "results.indicator.defined", user=user, after=snapshot(indicator))
    return indicator


@transaction.atomic
def update_indicator(indicator: Indicator, *, expected_version: int, user, **fields) -> Indicator:
    current = locked_for_update(Indicator, indicator.pk, expected_version)
    merged = {name: getattr(current, name) for name in INDICATOR_FIELDS} | fields
    if merged["manual"] != current.manual and current.manual_values.exists():
        raise DomainError(_("Values have been entered by hand for this indicator; it cannot become computed."))
    check_indicator(merged)
    before = snapshot(current)
    for name, value in fields.items():
        setattr(current, name, value)
    current.version += 1
    current.save()
    log_action(current, "results.indicator.updated", user=user, before=before, after=snapshot(current))
    return current


# --- targets ---------------------------------------------------------------------------------------------------


def programme_period(programme: Programme, version: LogframeVersion, key: str) -> Period:
    try:
        return parse_period(key, programme.starts_on, version.ends_on)
    except PeriodError as error:
        raise DomainError(str(error)) from None


@transaction.atomic
def set_target(
    indicator: Indicator,
    *,
    version: LogframeVersion,
    period: str,
    comparator: str,
    value: Decimal,
    user,
    upper: Decimal | None = None,
    note: str = "",
) -> Target:
    """Set (or change) the target of a period under one logframe version; other versions keep theirs."""
    programme = indicator.node.programme
    if version.programme_id != programme.pk:
        raise DomainError(_("That logframe version belongs to another programme."))
    found = programme_period(programme, version, period)
    if indicator.measure == Measure.QUALITATIVE:
        raise DomainError(_("A qualitative indicator has no numeric target."))
    value, upper = as_decimal(value), as_decimal(upper)
    if comparator == Comparator.RANGE:
        if upper is None or upper <= value:
            raise DomainError(_("A range needs an upper bound above its lower bound."))
    elif upper is not None:
        raise DomainError(_("Only a range has an upper bound."))
    if value < 0:
        raise DomainError(_("A target cannot be negative."))
    if indicator.measure == Measure.PERCENT and max(value, upper or 0) > 100:
        raise DomainError(_("A percentage target is at most 100."))
    if indicator.measure == Measure.ORDINAL:
        top = len(indicator.scale) - 1
        if any(v != int(v) or not 0 <= v <= top for v in (value, upper) if v is not None):
            raise DomainError(_("An ordinal target is a step of the scale, from 0 to %(top)s.") % {"top": top})
    existing = Target.objects.filter(
        indicator=indicator, logframe_version=version, period_kind=found.kind, period_start=found.start
    ).first()
    before = snapshot(existing) if existing else None
    target, _created = Target.objects.update_or_create(
        indicator=indicator,
        logframe_version=version,
        period_kind=found.kind,
        period_start=found.start,
        defaults={"period_end": found.end, "comparator": comparator, "value": value, "upper": upper, "note": note},
    )
    log_action(
        target, "results.target.set", user=user, before=before, after=snapshot(target), data={"period": found.key}
    )
    return target


# --- manual values ---------------------------------------------------------------------------------------------


def _check_not_locked(programme: Programme, period: Period) -> None:
    for lock in programme.locked_periods.all():
        if lock.period_start <= period.end and period.start <= lock.period_end:
            raise DomainError(
                _("The period %(start)s – %(end)s is locked; values in it can no longer change.")
                % {"start": lock.period_start, "end": lock.period_end}
            )


def _check_value(indicator: Indicator, value: Decimal | None, text: str) -> None:
    if indicator.measure == Measure.QUALITATIVE:
        if not text.strip():
            raise DomainError(_("Write the finding: this indicator is qualitative."))
        return
    if value is None:
        raise DomainError(_("Enter the value."))
    if value < 0:
        raise DomainError(_("A value cannot be negative."))
    if indicator.measure == Measure.PERCENT and value > 100:
        raise DomainError(_("A percentage is at most 100."))
    if indicator.measure == Measure.ORDINAL:
        top = len(indicator.scale) - 1
        if value != int(value) or not 0 <= value <= top:
            raise DomainError(_("Choose a step of the scale, from 0 to %(top)s.") % {"top": top})


@transaction.atomic
def enter_manual_value(
    indicator: Indicator,
    *,
    period: str,
    user,
    value: Decimal | None = None,
    text: str = "",
    category: str = "",
    note: str = "",
    evidence_url: str = "",
    evidence_file=None,
    is_sample: bool = False,
) -> ManualValue:
    """A draft value for a period of an indicator that no record holds. For a computed indicator it is a published
    figure (e.g. the participants a past conference reported, where no list of participants exists): it needs its
    source as evidence, and the records' own count stays shown beside it."""
    programme = indicator.node.programme
    if not indicator.manual and not (evidence_url or evidence_file):
        raise DomainError(
            _(
                "%(code)s is computed from the records (metric %(key)s); only a published figure can be entered for "
                "it, with its source as evidence (a link or a file)."
            )
            % {"code": indicator.code, "key": indicator.metric_key}
        )
    if not indicator.manual and category:
        raise DomainError(_("A published figure is entered for the total only."))
    found = programme_period(programme, latest_version(programme), period)
    _check_not_locked(programme, found)
    value = as_decimal(value)
    _check_value(indicator, value, text)
    if ManualValue.objects.filter(
        indicator=indicator, period_kind=found.kind, period_start=found.start, category=category
    ).exists():
        raise DomainError(_("A value for %(period)s is there already: edit it instead.") % {"period": found.label})
    entry = ManualValue.objects.create(
        indicator=indicator,
        period_kind=found.kind,
        period_start=found.start,
        period_end=found.end,
        category=category,
        value=value,
        text=text,
        note=note,
        evidence_url=evidence_url,
        evidence_file=evidence_file or "",
        entered_by=user,
        is_sample=is_sample,
    )
    log_action(entry, "results.value.entered", user=user, after=snapshot(entry))
    return entry


def _locked_for_update(entry: ManualValue, expected_version: int | None) -> ManualValue:
    current = locked_for_update(
        ManualValue.objects.select_related("indicator__node__programme"),
        entry.pk,
        expected_version,
        stale=_("Someone changed this value while you were looking at it; reload to see their change."),
    )
    _check_not_locked(
        current.indicator.node.programme, Period(current.period_start, current.period_end, current.period_kind)
    )
    return current


@transaction.atomic
def edit_manual_value(
    entry: ManualValue,
    *,
    expected_version: int,
    user,
    value: Decimal | None = None,
    text: str = "",
    note: str = "",
    evidence_url: str = "",
    evidence_file=None,
) -> ManualValue:
    current = _locked_for_update(entry, expected_version)
    if current.status not in (ValueStatus.DRAFT, ValueStatus.RETURNED):
        raise DomainError(_("Only a draft or a returned value can be edited."))
    value = as_decimal(value)
    _check_value(current.indicator, value, text)
    before = snapshot(current)
    current.value, current.text, current.note, current.evidence_url = value, text, note, evidence_url
    if evidence_file:
        current.evidence_file = evidence_file
    current.version += 1
    current.save()
    log_action(current, "results.value.edited", user=user, before=before, after=snapshot(current))
    return current


def _move(entry: ManualValue, *, to: str, allowed_from: set[str], action: str, user, expected_version, **changes):
    current = _locked_for_update(entry, expected_version)
    if current.status not in allowed_from:
        raise DomainError(
            _("A value that is %(status)s cannot be %(verb)s.")
            % {"status": current.get_status_display().lower(), "verb": ValueStatus(to).label.lower()}
        )
    before = snapshot(current)
    current.status = to
    for name, value in changes.items():
        setattr(current, name, value)
    current.version += 1
    current.save()
    log_action(current, action, user=user, before=before, after=snapshot(current))
    return current


@transaction.atomic
def submit_manual_value(entry: ManualValue, *, user, expected_version: int | None = None) -> ManualValue:
    if not (entry.evidence_url or entry.evidence_file):
        raise DomainError(_("Attach the evidence (a file or a link) before submitting."))
    return _move(
        entry,
        to=ValueStatus.SUBMITTED,
        allowed_from={ValueStatus.DRAFT, ValueStatus.RETURNED},
        action="results.value.submitted",
        user=user,
        expected_version=expected_version,
    )


@transaction.atomic
def approve_manual_value(entry: ManualValue, *, user, expected_version: int | None = None) -> ManualValue:
    if entry.entered_by_id == user.pk:
        raise DomainError(_("Someone other than the person who entered a value approves it."))
    return _move(
        entry,
        to=ValueStatus.APPROVED,
        allowed_from={ValueStatus.SUBMITTED},
        action="results.value.approved",
        user=user,
        expected_version=expected_version,
        reviewed_by=user,
        reviewed_at=timezone.now(),
        review_comment="",
    )


@transaction.atomic
def return_manual_value(entry: ManualValue, *, user, comment: str, expected_version: int | None = None) -> ManualValue:
    if not comment.strip():
        raise DomainError(_("Say what needs to change: a returned value needs a comment."))
    return _move(
        entry,
        to=ValueStatus.RETURNED,
        allowed_from={ValueStatus.SUBMITTED},
        action="results.value.returned",
        user=user,
        expected_version=expected_version,
        reviewed_by=user,
        reviewed_at=timezone.now(),
        review_comment=comment.strip(),
    )


@transaction.atomic
def lock_period(programme: Programme, *, period: str, user) -> LockedPeriod:
    found = programme_period(programme, latest_version(programme), period)
    lock, created = LockedPeriod.objects.get_or_create(
        programme=programme, period_start=found.start, period_end=found.end, defaults={"locked_by": user}
    )
    if created:
        log_action(lock, "results.period.locked", user=user, data={"programme": programme.code, "period": found.key})
    return lock


# --- snapshots -------------------------------------------------------------------------------------------------


def digest_of(data) -> str:
    """SHA-256 of the canonical JSON of a snapshot's data (sorted keys, no spaces), so anyone can re-check it."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def snapshot_verifies(frozen: Snapshot) -> bool:
    return digest_of(frozen.data) == frozen.digest


def check_snapshot(programme: Programme, *, title: str, as_of: datetime.date) -> None:
    """Refuse at once what `freeze_snapshot` would refuse, so that a page says so before it starts a job."""
    if not title.strip():
        raise DomainError(_("Name the report these figures go out in."))
    if not programme.starts_on <= as_of <= timezone.localdate():
        raise DomainError(
            _("Figures can be frozen for a day from the programme's start (%(start)s) to today.")
            % {"start": programme.starts_on}
        )


@transaction.atomic
def freeze_snapshot(
    programme: Programme,
    *,
    title: str,
    as_of: datetime.date,
    user,
    progress: Callable[[int, int], None] | None = None,
    confirm: Callable[[], None] | None = None,
) -> Snapshot:
    """Freeze every figure of the programme as it stands for `as_of`, with the ids of the records behind it, in one
    transaction. A job passes `progress(done, total)`, called once per indicator, and `confirm()`, called just before
    the commit: either may raise to stop it, and then nothing is written."""
    from octopus.results.snapshots import snapshot_data

    check_snapshot(programme, title=title, as_of=as_of)
    data = snapshot_data(programme, as_of, progress=progress)
    frozen = Snapshot.objects.create(
        programme=programme, title=title.strip(), as_of=as_of, data=data, digest=digest_of(data), frozen_by=user
    )
    log_action(frozen, "results.snapshot.frozen", user=user, data={"digest": frozen.digest, "as_of": str(as_of)})
    if confirm is not None:
        confirm()
    return frozen


@transaction.atomic
def restate(frozen: Snapshot, *, indicator: Indicator, period: str, reason: str, user) -> Restatement:
    """Record why a reported figure now reads differently. The snapshot itself never changes."""
    from octopus.results.snapshots import differences

    if not reason.strip():
        raise DomainError(_("A restatement needs its reason."))
    changed = {(d.indicator_id, d.period): d for d in differences(frozen)}
    found = changed.get((indicator.pk, period))
    if found is None:
        raise DomainError(_("That figure reads as it was reported: there is nothing to restate."))
    restatement = Restatement.objects.create(
        snapshot=frozen,
        indicator=indicator,
        period=period,
        reported=found.reported,
        current=found.current,
        reason=reason.strip(),
        stated_by=user,
    )
    log_action(
        restatement,
        "results.snapshot.restated",
        user=user,
        data={"snapshot": frozen.pk, "indicator": indicator.code, "period": period, "reason": reason.strip()},
    )
    return restatement
