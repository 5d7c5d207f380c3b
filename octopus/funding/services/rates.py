"""Exchange rates and the one conversion to EUR every amount goes through (money.py rounds it).

A value date uses the latest rate of its currency on or before the day, at most `RATE_WINDOW_DAYS` before it
(no rates are published on weekends and holidays); nothing older, so a stale rate is never used silently.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from octopus.accounts.services import log_action, snapshot
from octopus.funding.models import ExchangeRate
from octopus.funding.money import EUR, cents, to_eur
from octopus.lib.errors import DomainError

RATE_WINDOW_DAYS = 7
MAX_WHOLE_DIGITS = 12  # MONEY fields: 14 digits, 2 of them after the point
CURRENCY_CODE = re.compile(r"[A-Z]{3}")


def check_currency(currency: str) -> str:
    """An ISO 4217 code: three upper-case letters."""
    if not isinstance(currency, str) or not CURRENCY_CODE.fullmatch(currency):
        raise DomainError(
            _("“%(currency)s” is not a currency code: give three upper-case letters (ISO 4217), e.g. EUR, USD.")
            % {"currency": currency}
        )
    return currency


def check_amount(amount, what: str, *, zero_allowed: bool = False) -> Decimal:
    """A Decimal above 0 (or at least 0), at most 2 decimal places and 12 digits before the point."""
    if isinstance(amount, float):
        raise DomainError(_("%(what)s must be an exact decimal amount, not a float.") % {"what": what})
    try:
        value = Decimal(str(amount).strip()) if not isinstance(amount, Decimal) else amount
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(_("%(what)s is not an amount: “%(amount)s”.") % {"what": what, "amount": amount}) from None
    if not value.is_finite():
        raise DomainError(_("%(what)s is not an amount: “%(amount)s”.") % {"what": what, "amount": amount})
    if zero_allowed and value < 0:
        raise DomainError(_("%(what)s cannot be negative (%(amount)s).") % {"what": what, "amount": value})
    if not zero_allowed and value <= 0:
        raise DomainError(_("%(what)s must be more than 0 (%(amount)s).") % {"what": what, "amount": value})
    if value != value.quantize(Decimal("0.01")):
        raise DomainError(
            _("%(what)s has more than 2 decimal places (%(amount)s): give it to the cent.")
            % {"what": what, "amount": value}
        )
    if value >= Decimal(10) ** MAX_WHOLE_DIGITS:
        raise DomainError(
            _("%(what)s is too large (%(amount)s): at most %(digits)s digits before the decimal point.")
            % {"what": what, "amount": value, "digits": MAX_WHOLE_DIGITS}
        )
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def record_rate(
    currency: str,
    day: datetime.date,
    units_per_eur,
    *,
    source: str,
    user,
    is_sample: bool = False,
) -> ExchangeRate:
    """Record how many units of `currency` 1 EUR was worth on `day`, and where the figure comes from."""
    check_currency(currency)
    if currency == EUR:
        raise DomainError(_("EUR is the reporting currency: it needs no rate."))
    source = (source or "").strip()
    if not source:
        raise DomainError(_("Say where the rate comes from (e.g. “ECB euro foreign exchange reference rates”)."))
    try:
        rate = Decimal(str(units_per_eur).strip()) if not isinstance(units_per_eur, Decimal) else units_per_eur
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(_("“%(rate)s” is not a rate.") % {"rate": units_per_eur}) from None
    if not rate.is_finite() or rate <= 0:
        raise DomainError(_("A rate must be more than 0 (%(rate)s).") % {"rate": units_per_eur})
    if rate != rate.quantize(Decimal("0.00000001")) or rate >= Decimal(10) ** 10:
        raise DomainError(
            _("A rate has at most 8 decimal places and 10 digits before the point (%(rate)s).") % {"rate": rate}
        )
    rate = rate.quantize(Decimal("0.00000001"))  # as stored, so the audit shows what the row holds
    if ExchangeRate.objects.filter(currency=currency, day=day).exists():
        raise DomainError(
            _("A rate for %(currency)s on %(day)s is already recorded.") % {"currency": currency, "day": day}
        )
    row = ExchangeRate.objects.create(
        currency=currency, day=day, units_per_eur=rate, source=source, recorded_by=user, is_sample=is_sample
    )
    log_action(row, "funding.rate.recorded", user=user, after=snapshot(row))
    return row


MAX_EUR = Decimal(10) ** 12  # the EUR columns hold 12 digits before the point


def rate_on(currency: str, day: datetime.date, *, sample: bool = False) -> ExchangeRate:
    """The rate used for a value date: the latest on or before `day`, at most 7 days before it. A sample rate is
    used only for sample amounts, never for real ones."""
    check_currency(currency)
    rates = ExchangeRate.objects.filter(
        currency=currency, day__lte=day, day__gte=day - datetime.timedelta(days=RATE_WINDOW_DAYS)
    )
    if not sample:
        rates = rates.filter(is_sample=False)
    row = rates.order_by("-day").first()
    if row is None:
        raise DomainError(
            _(
                "No EUR rate for %(currency)s on or up to %(window)s days before %(day)s; record the rate first "
                "(with its source)."
            )
            % {"currency": currency, "window": RATE_WINDOW_DAYS, "day": day}
        )
    return row


def convert(
    amount: Decimal, currency: str, day: datetime.date, *, sample: bool = False
) -> tuple[Decimal, ExchangeRate | None]:
    """EUR of `amount` in `currency` on `day`, and the rate used (None for EUR, which converts to itself); a sample
    amount may use a sample rate."""
    check_currency(currency)
    if currency == EUR:
        return cents(amount), None
    row = rate_on(currency, day, sample=sample)
    eur = to_eur(amount, row.units_per_eur)
    if abs(eur) >= MAX_EUR:
        raise DomainError(
            _(
                "%(amount)s %(currency)s is %(eur)s EUR at %(rate)s: more than any amount a programme handles; check "
                "the amount and the rate."
            )
            % {"amount": amount, "currency": currency, "eur": eur, "rate": row}
        )
    return eur, row
