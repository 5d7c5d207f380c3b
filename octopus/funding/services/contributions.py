"""Donors and their contributions through their life: pledge → agreement signed → instalments received, with
the reports the agreement requires and the earmarks that tie money to a purpose. Each step stores its EUR value
with the rate of its day; the finance officer alone calls these (views check funding.manage_money)."""

import datetime
import re
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from octopus.accounts.services import log_action, snapshot
from octopus.funding.models import (
    Contribution,
    ContributionStatus,
    Donor,
    DonorKind,
    Earmark,
    ObligationKind,
    Receipt,
    ReportingObligation,
)
from octopus.funding.services.rates import check_amount, check_currency, convert
from octopus.lib.errors import DomainError
from octopus.lib.locking import locked_for_update
from octopus.results.models import Level

DONOR_CODE = re.compile(r"[-a-zA-Z0-9_]{1,32}")


def money(amount: Decimal, currency: str) -> str:
    """An amount as users read it in messages: 120,000.00 USD."""
    return f"{Decimal(amount):,.2f} {currency}"


def check_not_future(day: datetime.date, what: str) -> None:
    if day is None:
        raise DomainError(_("Give the date %(what)s.") % {"what": what})
    if day > timezone.localdate():
        raise DomainError(_("The date %(what)s cannot be in the future (%(day)s).") % {"what": what, "day": day})


def _check_choice(value: str, choices, what: str) -> None:
    if value not in choices.values:
        known = ", ".join(str(label) for label in choices.labels)
        raise DomainError(
            _("“%(value)s” is not a %(what)s (one of: %(known)s).") % {"value": value, "what": what, "known": known}
        )


def _check_donor(name: str, kind: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the donor's name."))
    _check_choice(kind, DonorKind, _("kind of donor"))
    return name


# Donors ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def record_donor(*, code: str, name: str, kind: str, user, country=None, is_sample: bool = False) -> Donor:
    """A State, organisation or company that contributes; `code` is the donor code its people's role carries."""
    code = (code or "").strip()
    if not DONOR_CODE.fullmatch(code):
        raise DomainError(_("A donor code is 1 to 32 letters, digits, hyphens or underscores (e.g. DONOR-1)."))
    name = _check_donor(name, kind)
    if Donor.objects.filter(code=code).exists():
        raise DomainError(_("The donor code %(code)s is already used.") % {"code": code})
    donor = Donor.objects.create(code=code, name=name, kind=kind, country=country, is_sample=is_sample)
    log_action(donor, "funding.donor.recorded", user=user, after=snapshot(donor))
    return donor


@transaction.atomic
def update_donor(donor: Donor, *, user, version: int | None, name: str, kind: str, country=None) -> Donor:
    """Correct a donor's name, kind or country (its code, which roles carry, stays)."""
    current = locked_for_update(Donor, donor.pk, version)
    name = _check_donor(name, kind)
    before = snapshot(current)
    current.name, current.kind, current.country = name, kind, country
    current.version += 1
    current.save()
    log_action(current, "funding.donor.updated", user=user, before=before, after=snapshot(current))
    return current


def check_sample_fits(programme, is_sample: bool) -> None:
    """Sample money only on a sample programme, and real money only on a real one (sample data never touches a real
    programme's figures)."""
    if bool(is_sample) != bool(programme.is_sample):
        raise DomainError(
            _("Sample money is recorded only on a sample programme, and real money only on a real one (%(programme)s).")
            % {"programme": programme}
        )


# Contributions --------------------------------------------------------------------------------------------------


@transaction.atomic
def pledge_contribution(
    programme,
    donor: Donor,
    *,
    title: str,
    currency: str,
    amount,
    pledged_on: datetime.date,
    user,
    reference: str = "",
    conditions: str = "",
    is_sample: bool = False,
) -> Contribution:
    """A donor's pledge to a programme, in its currency, with its EUR value at the rate of the pledge's day."""
    if programme is None:
        raise DomainError(_("Say which programme the contribution is for."))
    if donor is None:
        raise DomainError(_("Say which donor pledges."))
    check_sample_fits(programme, is_sample)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the contribution a title."))
    check_currency(currency)
    amount = check_amount(amount, _("The amount pledged"))
    check_not_future(pledged_on, _("of the pledge"))
    eur, rate = convert(amount, currency, pledged_on, sample=is_sample)
    contribution = Contribution.objects.create(
        programme=programme,
        donor=donor,
        title=title,
        currency=currency,
        pledged_on=pledged_on,
        pledged_amount=amount,
        pledged_eur=eur,
        pledged_rate=rate,
        reference=(reference or "").strip(),
        conditions=(conditions or "").strip(),
        is_sample=is_sample,
        created_by=user,
    )
    log_action(contribution, "funding.contribution.pledged", user=user, after=snapshot(contribution))
    return contribution


def _receipts_total(contribution: Contribution) -> Decimal:
    return contribution.receipts.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def _earmarks_total(contribution: Contribution) -> Decimal:
    return contribution.earmarks.aggregate(total=Sum("amount"))["total"] or Decimal(0)


@transaction.atomic
def sign_agreement(
    contribution: Contribution,
    *,
    signed_on: datetime.date,
    amount,
    user,
    version: int | None,
    reference: str | None = None,
    conditions: str | None = None,
) -> Contribution:
    """The agreement signed: the amount that binds (it may differ from the pledge), with its EUR value at the rate
    of the day of signature. A signed agreement may be corrected the same way (with the version read)."""
    current = locked_for_update(Contribution, contribution.pk, version)
    if current.status not in (ContributionStatus.PLEDGED, ContributionStatus.SIGNED):
        raise DomainError(
            _("Only a pledged contribution can have its agreement signed; this one is %(status)s.")
            % {"status": current.get_status_display().lower()}
        )
    amount = check_amount(amount, _("The amount signed"))
    check_not_future(signed_on, _("of signature"))
    if signed_on < current.pledged_on:
        raise DomainError(
            _("The agreement cannot be signed (%(signed)s) before the pledge (%(pledged)s).")
            % {"signed": signed_on, "pledged": current.pledged_on}
        )
    earmarked = _earmarks_total(current)
    if amount < earmarked:
        raise DomainError(
            _("Earmarks already total %(earmarked)s, more than the %(amount)s signed; remove earmarks first.")
            % {"earmarked": money(earmarked, current.currency), "amount": money(amount, current.currency)}
        )
    first_receipt = current.receipts.order_by("received_on").first()
    if first_receipt is not None and signed_on > first_receipt.received_on:
        raise DomainError(
            _("A receipt is dated %(received)s, before the agreement would be signed (%(signed)s).")
            % {"received": first_receipt.received_on, "signed": signed_on}
        )
    received = _receipts_total(current)
    if received > amount and not current.receipts.exclude(override_reason="").exists():
        raise DomainError(
            _("Receipts already total %(received)s, more than the %(amount)s that would be signed.")
            % {"received": money(received, current.currency), "amount": money(amount, current.currency)}
        )
    eur, rate = convert(amount, current.currency, signed_on, sample=current.is_sample)
    before = snapshot(current)
    current.status = ContributionStatus.SIGNED
    current.signed_on, current.signed_amount, current.signed_eur, current.signed_rate = signed_on, amount, eur, rate
    if reference is not None:
        current.reference = reference.strip()
    if conditions is not None:
        current.conditions = conditions.strip()
    current.version += 1
    current.save()
    verb = "signed" if before["status"] == ContributionStatus.PLEDGED else "corrected"
    log_action(current, f"funding.contribution.{verb}", user=user, before=before, after=snapshot(current))
    return current


@transaction.atomic
def record_receipt(
    contribution: Contribution,
    *,
    received_on: datetime.date,
    amount,
    user,
    override_reason: str = "",
    note: str = "",
    is_sample: bool = False,
) -> Receipt:
    """An instalment received, with its EUR value at the rate of the value date. Receipts together may exceed the
    amount signed only with the reason written down."""
    # The contribution's row is locked so that two receipts recorded at once cannot both pass the limit.
    current = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if current.status == ContributionStatus.CANCELLED:
        raise DomainError(_("This contribution is cancelled: no receipt can be recorded against it."))
    if current.status == ContributionStatus.PLEDGED:
        raise DomainError(_("Sign the agreement first: a receipt is recorded against a signed agreement."))
    if current.status != ContributionStatus.SIGNED:
        raise DomainError(_("This contribution is closed: no receipt can be recorded against it."))
    signed_on, signed_amount = current.signed_on, current.signed_amount
    assert signed_on is not None and signed_amount is not None  # signing records both
    amount = check_amount(amount, _("The amount received"))
    check_not_future(received_on, _("of receipt"))
    if received_on < signed_on:
        raise DomainError(
            _("The money cannot be received (%(received)s) before the agreement was signed (%(signed)s).")
            % {"received": received_on, "signed": signed_on}
        )
    override_reason = (override_reason or "").strip()
    total = _receipts_total(current) + amount
    if total > signed_amount and not override_reason:
        raise DomainError(
            _("Receipts would total %(total)s, more than the %(signed)s signed; give the reason for the override.")
            % {"total": money(total, current.currency), "signed": money(signed_amount, current.currency)}
        )
    eur, rate = convert(amount, current.currency, received_on, sample=is_sample or current.is_sample)
    receipt = Receipt.objects.create(
        contribution=current,
        received_on=received_on,
        amount=amount,
        eur=eur,
        rate=rate,
        override_reason=override_reason,
        note=(note or "").strip(),
        is_sample=is_sample,
        recorded_by=user,
    )
    log_action(receipt, "funding.receipt.recorded", user=user, after=snapshot(receipt))
    return receipt


@transaction.atomic
def cancel_contribution(contribution: Contribution, *, user, version: int | None, reason: str) -> Contribution:
    """A pledge or agreement that will not be honoured; refused once money has been received."""
    current = locked_for_update(Contribution, contribution.pk, version)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the contribution is cancelled."))
    if current.status == ContributionStatus.CANCELLED:
        raise DomainError(_("This contribution is already cancelled."))
    if current.receipts.exists():
        raise DomainError(_("Money has been received for this contribution: it cannot be cancelled."))
    before = snapshot(current)
    current.status = ContributionStatus.CANCELLED
    current.version += 1
    current.save()
    log_action(
        current,
        "funding.contribution.cancelled",
        user=user,
        before=before,
        after=snapshot(current),
        data={"reason": reason},
    )
    return current


# Reporting obligations ------------------------------------------------------------------------------------------


@transaction.atomic
def add_obligation(
    contribution: Contribution, *, kind: str, due_on: datetime.date, user, description: str = ""
) -> ReportingObligation:
    """A report the agreement requires, by a date."""
    _check_choice(kind, ObligationKind, _("kind of report"))
    if due_on is None:
        raise DomainError(_("Give the date the report is due."))
    if contribution.status == ContributionStatus.CANCELLED:
        raise DomainError(_("This contribution is cancelled: it requires no report."))
    obligation = ReportingObligation.objects.create(
        contribution=contribution, kind=kind, due_on=due_on, description=(description or "").strip()
    )
    log_action(obligation, "funding.obligation.added", user=user, after=snapshot(obligation))
    return obligation


@transaction.atomic
def mark_obligation_submitted(
    obligation: ReportingObligation, *, submitted_on: datetime.date, user, version: int | None
) -> ReportingObligation:
    """The report was sent to the donor on `submitted_on`."""
    current = locked_for_update(ReportingObligation, obligation.pk, version)
    check_not_future(submitted_on, _("of submission"))
    before = snapshot(current)
    current.submitted_on = submitted_on
    current.version += 1
    current.save()
    log_action(current, "funding.obligation.submitted", user=user, before=before, after=snapshot(current))
    return current


# Earmarks -------------------------------------------------------------------------------------------------------


@transaction.atomic
def add_earmark(
    contribution: Contribution, *, amount, user, node=None, country=None, event=None, note: str = ""
) -> Earmark:
    """Tie part of a contribution (in its currency) to an output or activity, a country or an event. All earmarks
    together stay within what the donor is bound to give (signed, else pledged)."""
    # Locked so that two earmarks added at once cannot both pass the limit.
    current = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if current.status == ContributionStatus.CANCELLED:
        raise DomainError(_("This contribution is cancelled: nothing of it can be earmarked."))
    amount = check_amount(amount, _("The amount earmarked"))
    if node is None and country is None and event is None:
        raise DomainError(_("Say what the money is earmarked for: an output or activity, a country or an event."))
    purposes = (Level.OUTPUT, Level.ACTIVITY)
    if node is not None and (node.programme_id != current.programme_id or node.level not in purposes):
        raise DomainError(
            _("%(node)s is not an output or activity of %(programme)s.")
            % {"node": node, "programme": current.programme}
        )
    total = _earmarks_total(current) + amount
    if total > current.binding_amount:
        raise DomainError(
            _("Earmarks would total %(total)s, more than the %(binding)s %(what)s.")
            % {
                "total": money(total, current.currency),
                "binding": money(current.binding_amount, current.currency),
                "what": _("signed") if current.signed_amount is not None else _("pledged"),
            }
        )
    earmark = Earmark.objects.create(
        contribution=current, amount=amount, node=node, country=country, event=event, note=(note or "").strip()
    )
    log_action(earmark, "funding.earmark.added", user=user, after=snapshot(earmark))
    return earmark


@transaction.atomic
def remove_earmark(earmark: Earmark, *, user) -> None:
    """The money is no longer tied to that purpose: it becomes unearmarked."""
    current = Earmark.objects.select_for_update().get(pk=earmark.pk)
    before = snapshot(current)
    log_action(current, "funding.earmark.removed", user=user, before=before, after=None)
    current.delete()
