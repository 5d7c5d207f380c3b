"""The budget (original, then revisions) by output, cost category and year; closed years; expenditure, typed in
or brought in once from the apps that already know the cost (travel, translations, interpretation)."""

import datetime
from collections.abc import Callable
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from octopus.accounts.services import log_action, snapshot
from octopus.committees.models import InterpretationRequest, InterpretationStatus, LanguageVersion, TranslationStatus
from octopus.events.models import Event, Kind, RegistrationState, Status, Travel, TravelStatus
from octopus.funding.models import (
    Budget,
    BudgetKind,
    BudgetLine,
    ClosedYear,
    CostCategory,
    Expenditure,
    ExpenditureStatus,
)
from octopus.funding.services.contributions import _check_choice, check_not_future, check_sample_fits
from octopus.funding.services.rates import check_amount, check_currency, convert
from octopus.lib.errors import DomainError
from octopus.lib.locking import locked_for_update
from octopus.results.assignments import HUNDRED, assigned_ids, content_type, shares_by_record
from octopus.results.models import Assignment, Level, Programme, ResultNode

OUTPUT_CODES = ("1", "2", "3")


def _check_output(programme: Programme, node) -> None:
    if node is None:
        raise DomainError(_("Say which output the money is for."))
    if node.programme_id != programme.pk or node.level != Level.OUTPUT:
        raise DomainError(_("%(node)s is not an output of %(programme)s.") % {"node": node, "programme": programme})


def _check_open(programme: Programme, year: int) -> None:
    if ClosedYear.objects.filter(programme=programme, year=year).exists():
        raise DomainError(_("%(year)s is closed: no expenditure can be recorded in it.") % {"year": year})


def _closed_years(programme: Programme) -> set[int]:
    return set(ClosedYear.objects.filter(programme=programme).values_list("year", flat=True))


# Budgets --------------------------------------------------------------------------------------------------------


@transaction.atomic
def adopt_budget(
    programme: Programme,
    *,
    adopted_on: datetime.date,
    lines,
    user,
    decision: str = "",
    is_sample: bool = False,
) -> Budget:
    """A budget as adopted, whole: `lines` are (output node, cost category, year, amount in EUR). The first budget
    of a programme is the original; each later one a revision (the earlier ones stay as they were)."""
    check_not_future(adopted_on, _("of adoption"))
    check_sample_fits(programme, is_sample)
    first_year, last_year = programme.starts_on.year, programme.ends_on.year
    checked, seen = [], set()
    for node, category, year, amount in lines:
        _check_output(programme, node)
        _check_choice(category, CostCategory, _("cost category"))
        if not isinstance(year, int) or not first_year <= year <= last_year:
            raise DomainError(
                _("%(year)s is not a year of the programme (%(first)s–%(last)s).")
                % {"year": year, "first": first_year, "last": last_year}
            )
        label = CostCategory(category).label
        amount = check_amount(
            amount,
            _("The amount for %(code)s %(category)s %(year)s") % {"code": node.code, "category": label, "year": year},
            zero_allowed=True,
        )
        if (node.pk, category, year) in seen:
            raise DomainError(
                _("Output %(code)s, %(category)s, %(year)s is given twice: one line each.")
                % {"code": node.code, "category": label, "year": year}
            )
        seen.add((node.pk, category, year))
        checked.append((node, category, year, amount))
    if not checked:
        raise DomainError(_("A budget needs at least one line."))
    # The programme's row is locked so that two budgets adopted at once do not get the same number.
    Programme.objects.select_for_update().get(pk=programme.pk)
    number = (Budget.objects.filter(programme=programme).aggregate(last=Max("number"))["last"] or 0) + 1
    budget = Budget.objects.create(
        programme=programme,
        number=number,
        kind=BudgetKind.ORIGINAL if number == 1 else BudgetKind.REVISED,
        adopted_on=adopted_on,
        decision=(decision or "").strip(),
        is_sample=is_sample,
        created_by=user,
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(budget=budget, node=node, category=category, year=year, amount_eur=amount)
        for node, category, year, amount in checked
    )
    after = {
        **snapshot(budget),
        "lines": [
            {"node": node.code, "category": category, "year": year, "amount_eur": str(amount)}
            for node, category, year, amount in checked
        ],
    }
    log_action(budget, "funding.budget.adopted", user=user, after=after)
    return budget


@transaction.atomic
def close_year(programme: Programme, year: int, *, user) -> ClosedYear:
    """Close a financial year: no expenditure may be recorded in it, or moved into or out of it, any more."""
    if not isinstance(year, int) or year > timezone.localdate().year:
        raise DomainError(_("%(year)s is in the future: it cannot be closed yet.") % {"year": year})
    Programme.objects.select_for_update().get(pk=programme.pk)
    if ClosedYear.objects.filter(programme=programme, year=year).exists():
        raise DomainError(_("%(year)s is already closed.") % {"year": year})
    closed = ClosedYear.objects.create(programme=programme, year=year, closed_by=user)
    log_action(closed, "funding.year.closed", user=user, after=snapshot(closed))
    return closed


# Expenditure ----------------------------------------------------------------------------------------------------


def _check_expenditure(
    programme, *, node, category, status, spent_on, description, currency, amount, sample: bool = False
) -> tuple:
    """The rules of an expenditure row; returns the cleaned description, amount, EUR value and rate."""
    # The programme's row is locked (as close_year locks it) so that a year cannot close between the check that it
    # is open and the write.
    Programme.objects.select_for_update(no_key=True).get(pk=programme.pk)
    _check_output(programme, node)
    _check_choice(category, CostCategory, _("cost category"))
    _check_choice(status, ExpenditureStatus, _("status of expenditure"))
    if spent_on is None:
        raise DomainError(_("Give the date of the expenditure."))
    _check_open(programme, spent_on.year)
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Describe the expenditure."))
    check_currency(currency)
    amount = check_amount(amount, _("The amount"), zero_allowed=True)
    eur, rate = convert(amount, currency, spent_on, sample=sample)
    return description, amount, eur, rate


@transaction.atomic
def record_expenditure(
    programme: Programme,
    *,
    node,
    category: str,
    status: str,
    spent_on: datetime.date,
    description: str,
    currency: str,
    amount,
    user,
    event=None,
    advice=None,
    is_sample: bool = False,
) -> Expenditure:
    """Money committed or spent against an output and cost category, in an open year, with its EUR value."""
    check_sample_fits(programme, is_sample)
    description, amount, eur, rate = _check_expenditure(
        programme,
        node=node,
        category=category,
        status=status,
        spent_on=spent_on,
        description=description,
        currency=currency,
        amount=amount,
        sample=is_sample,
    )
    expenditure = Expenditure.objects.create(
        programme=programme,
        node=node,
        category=category,
        status=status,
        spent_on=spent_on,
        description=description,
        currency=currency,
        amount=amount,
        eur=eur,
        rate=rate,
        event=event,
        advice=advice,
        is_sample=is_sample,
        recorded_by=user,
    )
    log_action(expenditure, "funding.expenditure.recorded", user=user, after=snapshot(expenditure))
    return expenditure


@transaction.atomic
def update_expenditure(
    expenditure: Expenditure,
    *,
    user,
    version: int | None,
    node,
    category: str,
    status: str,
    spent_on: datetime.date,
    description: str,
    currency: str,
    amount,
    event=None,
    advice=None,
) -> Expenditure:
    """Correct an expenditure row; neither the year it was in nor the year it would move to may be closed. A cost
    brought in from another app is corrected there (the next sync brings the change)."""
    # The programme first, then the row: the order close_year and sync_costs take them in, so that two of them
    # never wait for each other.
    Programme.objects.select_for_update(no_key=True).get(pk=expenditure.programme_id)
    current = locked_for_update(Expenditure, expenditure.pk, version)
    if current.source_travel_id or current.source_translation_id or current.source_interpretation_id:
        raise DomainError(_("This cost comes from another part of the application: correct it there, then sync."))
    description, amount, eur, rate = _check_expenditure(
        current.programme,
        node=node,
        category=category,
        status=status,
        spent_on=spent_on,
        description=description,
        currency=currency,
        amount=amount,
        sample=current.is_sample,
    )
    _check_open(current.programme, current.spent_on.year)  # nor moved out of a closed year
    before = snapshot(current)
    current.node, current.category, current.status, current.spent_on = node, category, status, spent_on
    current.description, current.currency, current.amount, current.eur, current.rate = (
        description,
        currency,
        amount,
        eur,
        rate,
    )
    current.event, current.advice = event, advice
    current.version += 1
    current.save()
    log_action(current, "funding.expenditure.updated", user=user, before=before, after=snapshot(current))
    return current


# Costs other apps know ------------------------------------------------------------------------------------------

SYNCED_FIELDS = ("node", "category", "status", "spent_on", "description", "amount", "event", "share")


def _output_code(event) -> str:
    """Which output an event's costs go to: the conference is output 1, T-CY meetings output 2, the rest 3."""
    if event is not None and event.kind == Kind.OCTOPUS_CONFERENCE:
        return "1"
    if event is not None and event.kind in (Kind.TCY_PLENARY, Kind.TCY_BUREAU):
        return "2"
    return "3"


def _travel_cost(travel: Travel, today: datetime.date) -> dict | None:
    event = travel.registration.event
    if not travel.eligible:
        return None
    called_off = event.status == Status.CANCELLED or travel.registration.state in (
        RegistrationState.CANCELLED,
        RegistrationState.DECLINED,
    )
    if called_off and travel.status != TravelStatus.RECONCILED:
        return None  # nobody travels: nothing stays bound (a reconciled cost was paid all the same)
    if travel.status in (TravelStatus.APPROVED, TravelStatus.BOOKED, TravelStatus.ADVANCE_PAID):
        status, day, amount = ExpenditureStatus.COMMITTED, event.starts_on, travel.committed_cost
    elif travel.status == TravelStatus.RECONCILED:
        amount = travel.actual_cost if travel.actual_cost is not None else travel.committed_cost
        status, day = ExpenditureStatus.SPENT, travel.reconciled_on or event.ends_on
    else:  # requested or refused: no money is bound
        return None
    return {
        "category": CostCategory.TRAVEL,
        "status": status,
        "spent_on": day,
        "amount": amount,
        "event": event,
        "description": _("Travel of %(person)s to %(event)s")
        % {"person": travel.registration.person, "event": event.title},
    }


def _translation_cost(version: LanguageVersion, today: datetime.date) -> dict | None:
    if version.translation_status == TranslationStatus.DELIVERED:
        status = ExpenditureStatus.SPENT
        day = timezone.localdate(version.uploaded_at) if version.uploaded_at else version.deadline or today
    elif version.translation_status in (TranslationStatus.REQUESTED, TranslationStatus.IN_PROGRESS):
        status, day = ExpenditureStatus.COMMITTED, version.deadline or today
    else:  # the original, or a translation cancelled
        return None
    meeting = version.document.adopted_at
    return {
        "category": CostCategory.LANGUAGE,
        "status": status,
        "spent_on": day,
        "amount": version.cost,
        "event": meeting.event if meeting else None,
        "code": _output_code(meeting.event) if meeting else "2",
        "description": _("Translation into %(language)s of %(document)s")
        % {"language": version.get_language_display(), "document": version.document.symbol or version.document.title},
    }


def _interpretation_cost(request: InterpretationRequest, today: datetime.date) -> dict | None:
    if request.status == InterpretationStatus.CANCELLED:
        return None
    event = request.meeting.event
    if event.status == Status.CANCELLED:
        return None
    ended = event.ends_on < today or event.status == Status.HELD
    return {
        "category": CostCategory.LANGUAGE,
        "event": event,
        "amount": request.cost,
        "status": ExpenditureStatus.SPENT if ended else ExpenditureStatus.COMMITTED,
        "spent_on": event.ends_on if ended else event.starts_on,
        "description": _("Interpretation at %(meeting)s") % {"meeting": request.meeting},
    }


def _source_is_sample(field: str, source) -> bool:
    """A cost brought in from sample data is sample data."""
    if field == "source_travel":
        return source.registration.is_sample
    if field == "source_translation":
        return source.document.is_sample
    return source.meeting.event.is_sample


CENT = Decimal("0.01")


def split_cost(amount: Decimal, shares: dict[int, Decimal]) -> dict[int, Decimal]:
    """`amount` split among programmes (id → share %) in proportion to their shares, to the cent: each part is
    rounded down, and the cents left over go to the largest share (of equal shares, to the programme recorded first,
    the lowest id), so that the parts always sum to the amount exactly. EUR 1,000.01 shared 50/50 gives 500.01 to
    the programme recorded first and 500.00 to the other."""
    if not shares:
        return {}
    parts = {
        pk: (amount * Decimal(share) / HUNDRED).quantize(CENT, rounding=ROUND_DOWN) for pk, share in shares.items()
    }
    largest = min(shares, key=lambda pk: (-Decimal(shares[pk]), pk))
    parts[largest] += amount - sum(parts.values(), Decimal(0))
    return parts


def _event_of(field: str, source):
    """The event whose programmes a cost follows (None for a translation of a document not adopted at a meeting)."""
    if field == "source_travel":
        return source.registration.event
    if field == "source_translation":
        meeting = source.document.adopted_at
        return meeting.event if meeting else None
    return source.meeting.event


def _output_of_activity(nodes: dict, activity_id) -> ResultNode | None:
    """The output an activity of the programme belongs to (None when the activity is not under an output)."""
    seen = set()
    current = nodes.get(activity_id)
    while current is not None and current.pk not in seen:
        if current.level == Level.OUTPUT:
            return current
        seen.add(current.pk)
        current = nodes.get(current.parent_id)
    return None


@transaction.atomic
def sync_costs(programme: Programme, *, user, outputs: dict | None = None) -> dict:
    """Bring in, once each, this programme's part of the costs the other apps know (funded travel, translations,
    interpretation) dated within the programme's years; a re-run updates what changed and removes what no longer
    costs anything (a cancelled event, a declined registration) or no longer serves the programme. Rows in a closed
    year are left as they are and counted.

    A cost follows the programmes its event serves (`results.assignments`): each programme brings in its share of
    it (`split_cost`: to the cent, the parts summing to the cost once every programme has synced), to the output of
    the activity the event serves there, else by the kind of event (`outputs` maps "1", "2", "3" to output nodes;
    default: the programme's outputs of those codes). A cost whose event serves no programme (or a translation of a
    document adopted at no meeting) is brought in nowhere and counted as not assigned.
    Returns the counts: added, updated, removed, skipped_closed, not_assigned."""
    Programme.objects.select_for_update().get(pk=programme.pk)  # one sync at a time
    if outputs is None:
        outputs = {node.code: node for node in programme.nodes.filter(level=Level.OUTPUT, code__in=OUTPUT_CODES)}
    missing = [code for code in OUTPUT_CODES if code not in outputs]
    if missing:
        raise DomainError(
            _("%(programme)s has no output %(codes)s to bring costs to.")
            % {"programme": programme, "codes": ", ".join(missing)}
        )
    for node in outputs.values():
        _check_output(programme, node)
    today = timezone.localdate()
    closed = _closed_years(programme)
    counts = {"added": 0, "updated": 0, "removed": 0, "skipped_closed": 0, "not_assigned": 0}
    # Travel of the events serving this programme, and of those serving none (reported as not assigned).
    events_assigned = Assignment.objects.filter(content_type=content_type(Event)).values("object_id")
    travel = Travel.objects.filter(
        Q(registration__event__in=assigned_ids(Event, [programme.pk])) | ~Q(registration__event__in=events_assigned)
    )
    # (the Expenditure field, the records that may cost money, the cost of one of them or None)
    sources: list[tuple[str, QuerySet[Any], Callable[[Any, datetime.date], dict | None]]] = [
        ("source_travel", travel.select_related("registration__event", "registration__person"), _travel_cost),
        (
            "source_translation",
            LanguageVersion.objects.filter(cost__gt=0).select_related("document__adopted_at__event"),
            _translation_cost,
        ),
        (
            "source_interpretation",
            InterpretationRequest.objects.filter(cost__gt=0).select_related("meeting__event", "meeting__committee"),
            _interpretation_cost,
        ),
    ]
    nodes = {node.pk: node for node in programme.nodes.all()}
    for field, records, cost_of in sources:
        rows = list(records)
        event_ids = {event.pk for event in (_event_of(field, source) for source in rows) if event is not None}
        shares = shares_by_record(Event, event_ids)
        activities = dict(
            Assignment.objects.filter(
                content_type=content_type(Event), object_id__in=event_ids, programme=programme, activity__isnull=False
            ).values_list("object_id", "activity_id")
        )
        by_source = {
            getattr(row, f"{field}_id"): row
            for row in Expenditure.objects.filter(programme=programme, **{f"{field}__isnull": False})
        }
        seen = set()
        for source in rows:
            event = _event_of(field, source)
            served = shares.get(event.pk, {}) if event is not None else {}
            wanted = cost_of(source, today)
            if wanted is not None and not (
                wanted["amount"] > 0 and programme.starts_on <= wanted["spent_on"] <= programme.ends_on
            ):
                wanted = None  # nothing to pay, or a cost of another programme's years
            if wanted is not None and _source_is_sample(field, source) != programme.is_sample:
                wanted = None  # sample costs only for a sample programme, real costs only for a real one
            if wanted is not None and not served:
                counts["not_assigned"] += 1  # its event serves no programme: it counts for none until assigned
                wanted = None
            if programme.pk not in served:
                continue  # another programme's cost: its own sync brings it in (our row, if any, is removed below)
            seen.add(source.pk)
            if wanted is not None:
                wanted["amount"] = split_cost(wanted["amount"], served)[programme.pk]
                wanted["share"] = served[programme.pk]
                code = wanted.pop("code", None) or _output_code(wanted["event"])
                wanted["node"] = _output_of_activity(nodes, activities.get(event.pk)) or outputs[code]
                wanted["description"] = str(wanted["description"])[:300]
                if wanted["amount"] <= 0:
                    wanted = None  # a share too small for a cent
            _apply(programme, field, source, by_source.get(source.pk), wanted, closed, counts, user)
        # A row whose source no longer qualifies at all (its cost set back to 0, its event moved to another
        # programme) is removed like the others.
        for source_pk, row in by_source.items():
            if source_pk not in seen:
                _apply(programme, field, getattr(row, field), row, None, closed, counts, user)
    log_action(programme, "funding.costs.synced", user=user, data=counts)
    return counts


def _apply(programme, field, source, row, wanted, closed, counts, user) -> None:
    """Make the expenditure row of one source what it should be: added, updated, removed, or left (closed year)."""
    if wanted is None:
        if row is None:
            return
        if row.spent_on.year in closed:
            counts["skipped_closed"] += 1
            return
        before = snapshot(row)
        log_action(row, "funding.expenditure.removed", user=user, before=before, after=None, data={"source": field})
        row.delete()
        counts["removed"] += 1
        return
    if row is None:
        if wanted["spent_on"].year in closed:
            counts["skipped_closed"] += 1
            return
        row = Expenditure.objects.create(
            programme=programme,
            currency="EUR",
            eur=wanted["amount"],
            rate=None,
            recorded_by=user,
            is_sample=_source_is_sample(field, source),
            **wanted,
            **{field: source},
        )
        log_action(row, "funding.expenditure.brought_in", user=user, after=snapshot(row), data={"source": field})
        counts["added"] += 1
        return
    if all(getattr(row, name) == wanted[name] for name in SYNCED_FIELDS):
        return
    if row.spent_on.year in closed or wanted["spent_on"].year in closed:
        counts["skipped_closed"] += 1
        return
    before = snapshot(row)
    for name in SYNCED_FIELDS:
        setattr(row, name, wanted[name])
    row.currency, row.eur, row.rate = "EUR", wanted["amount"], None
    row.version += 1
    row.save()
    log_action(
        row, "funding.expenditure.resynced", user=user, before=before, after=snapshot(row), data={"source": field}
    )
    counts["updated"] += 1
