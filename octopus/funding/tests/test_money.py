"""Money is exact (issue 7, acceptance 1): rounding half up to the cent, EUR values reproducible from the stored
rate, the 7-day rate window, and — on generated data — every total equal to the sum of its stored parts."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from octopus.funding.models import Contribution, ContributionStatus, CostCategory, Expenditure, Receipt
from octopus.funding.money import cents, to_eur
from octopus.funding.services import budget, contributions, rates
from octopus.funding.tests.conftest import RATE_DAY
from octopus.lib.errors import DomainError

D = datetime.date


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("2.345", "2.35"),
        ("-2.345", "-2.35"),  # half away from zero, as accountants round
        ("2.344", "2.34"),
        ("0.005", "0.01"),
        ("-0.005", "-0.01"),
        ("0.0049999", "0.00"),
        ("1.995", "2.00"),
        ("10", "10.00"),
        ("999999999999.995", "1000000000000.00"),
    ],
)
def test_cents_rounds_half_up(amount, expected):
    assert cents(Decimal(amount)) == Decimal(expected)
    assert str(cents(Decimal(amount))) == expected


@pytest.mark.parametrize(
    ("amount", "rate", "expected"),
    [
        ("100.00", "1.25", "80.00"),
        ("1.00", "3", "0.33"),
        ("2.00", "3", "0.67"),
        ("0.01", "2", "0.01"),  # 0.005 rounds up
        ("-0.01", "2", "-0.01"),  # and a negative one away from zero
        ("0.03", "2", "0.02"),  # 0.015 → 0.02
        ("1000000.00", "131.00", "7633.59"),
        ("123456.78", "1.08950000", "113315.08"),
    ],
)
def test_to_eur_divides_by_units_per_eur_and_rounds_once(amount, rate, expected):
    assert to_eur(Decimal(amount), Decimal(rate)) == Decimal(expected)


def test_amounts_take_two_decimal_places_at_most():
    with pytest.raises(DomainError, match="more than 2 decimal places"):
        rates.check_amount(Decimal("10.005"), "The amount")
    assert rates.check_amount(Decimal("10.5"), "The amount") == Decimal("10.50")
    assert rates.check_amount("10.50", "The amount") == Decimal("10.50")
    with pytest.raises(DomainError, match="not a float"):
        rates.check_amount(10.5, "The amount")
    with pytest.raises(DomainError, match="at most 12 digits"):
        rates.check_amount(Decimal("1000000000000.00"), "The amount")
    assert rates.check_amount(Decimal("999999999999.99"), "The amount") == Decimal("999999999999.99")


@pytest.mark.django_db
def test_eur_is_reproducible_from_the_stored_rate(signed_usd, finance):
    receipt = contributions.record_receipt(signed_usd, received_on=D(2016, 3, 4), amount="33333.33", user=finance)
    receipt.refresh_from_db()
    contribution = Contribution.objects.get(pk=signed_usd.pk)
    assert receipt.rate.units_per_eur == Decimal("1.25")
    assert receipt.eur == to_eur(receipt.amount, receipt.rate.units_per_eur) == Decimal("26666.66")
    assert contribution.pledged_eur == to_eur(contribution.pledged_amount, contribution.pledged_rate.units_per_eur)
    assert contribution.signed_eur == to_eur(contribution.signed_amount, contribution.signed_rate.units_per_eur)


@pytest.mark.django_db
def test_eur_needs_no_rate():
    assert rates.convert(Decimal("12.34"), "EUR", D(2016, 3, 4)) == (Decimal("12.34"), None)


@pytest.mark.django_db
def test_rate_window_is_the_day_and_seven_days_before(finance):
    first = rates.record_rate("CHF", D(2016, 3, 1), "1.10", source="Test", user=finance)
    assert rates.rate_on("CHF", D(2016, 3, 1)) == first
    assert rates.rate_on("CHF", D(2016, 3, 8)) == first  # 7 days later: still used
    with pytest.raises(DomainError) as refused:
        rates.rate_on("CHF", D(2016, 3, 9))  # 8 days later: too old
    assert str(refused.value) == (
        "No EUR rate for CHF on or up to 7 days before 2016-03-09; record the rate first (with its source)."
    )
    with pytest.raises(DomainError, match="before 2016-02-29"):
        rates.rate_on("CHF", D(2016, 2, 29))  # a rate is never taken from after the day
    later = rates.record_rate("CHF", D(2016, 3, 4), "1.20", source="Test", user=finance)
    assert rates.rate_on("CHF", D(2016, 3, 6)) == later  # the latest one on or before the day
    assert rates.rate_on("CHF", D(2016, 3, 3)) == first
    assert rates.convert(Decimal("120.00"), "CHF", D(2016, 3, 11)) == (Decimal("100.00"), later)


# Totals are sums of their parts, on generated data ---------------------------------------------------------------

CURRENCIES = {"EUR": None, "USD": "1.1234", "JPY": "131.37"}
money_amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2)
contribution_data = st.tuples(
    st.sampled_from(range(3)),  # which donor
    st.sampled_from(sorted(CURRENCIES)),
    money_amounts,  # pledged
    st.booleans(),  # signed?
    st.lists(money_amounts, max_size=3),  # receipts
)
expenditure_data = st.tuples(
    st.sampled_from(["1", "2", "3"]),
    st.sampled_from([CostCategory.TRAVEL, CostCategory.STAFF, CostCategory.LANGUAGE]),
    st.sampled_from(["committed", "spent"]),
    st.sampled_from(sorted(CURRENCIES)),
    st.decimals(min_value=Decimal("0.00"), max_value=Decimal("9999999.99"), places=2),
)


def _sql_total(queryset, field):
    return queryset.aggregate(total=Sum(field))["total"] or Decimal("0.00")


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    generated=st.lists(contribution_data, min_size=1, max_size=6),
    spending=st.lists(expenditure_data, max_size=8),
)
def test_totals_equal_the_sum_of_their_parts(programme, output, finance, generated, spending):
    # Each example runs in a transaction of its own, rolled back, so examples do not add up.
    with transaction.atomic():
        for currency, rate in CURRENCIES.items():
            if rate:
                rates.record_rate(currency, RATE_DAY, rate, source="Generated", user=finance)
        donors = [
            contributions.record_donor(code=f"GEN-{n}", name=f"Generated {n}", kind="state", user=finance)
            for n in range(3)
        ]
        for n, (which, currency, pledged, signed, receipts) in enumerate(generated):
            contribution = contributions.pledge_contribution(
                programme,
                donors[which],
                title=f"Generated {n}",
                currency=currency,
                amount=pledged,
                pledged_on=RATE_DAY,
                user=finance,
            )
            if signed:
                contribution = contributions.sign_agreement(
                    contribution, signed_on=RATE_DAY, amount=pledged, user=finance, version=contribution.version
                )
                for amount in receipts:
                    contributions.record_receipt(
                        contribution, received_on=D(2016, 3, 5), amount=amount, user=finance, override_reason="test"
                    )
        for code, category, status, currency, amount in spending:
            budget.record_expenditure(
                programme,
                node=output(code),
                category=category,
                status=status,
                spent_on=D(2016, 3, 8),
                description="Generated",
                currency=currency,
                amount=amount,
                user=finance,
            )

        mine = Contribution.objects.filter(donor__in=donors)
        receipts = Receipt.objects.filter(contribution__in=mine)
        spent = Expenditure.objects.filter(programme=programme, description="Generated")
        # Every stored EUR part is its amount at its stored rate.
        for contribution in mine:
            rate = contribution.pledged_rate
            assert contribution.pledged_eur == (
                to_eur(contribution.pledged_amount, rate.units_per_eur) if rate else contribution.pledged_amount
            )
        for row in [*receipts, *spent]:
            assert row.eur == (to_eur(row.amount, row.rate.units_per_eur) if row.rate else row.amount)
        # By donor, SQL Sum equals the sum of the stored parts; the overall total is the sum of the donors'.
        for field, rows, donor_path in [
            ("pledged_eur", mine.exclude(status=ContributionStatus.CANCELLED), "donor"),
            ("signed_eur", mine.filter(status=ContributionStatus.SIGNED), "donor"),
            ("eur", receipts, "contribution__donor"),
        ]:
            by_donor = {row[donor_path]: row["total"] for row in rows.values(donor_path).annotate(total=Sum(field))}
            for donor in donors:
                parts = [getattr(row, field) for row in rows if _donor_of(row) == donor]
                assert by_donor.get(donor.pk, Decimal(0)) == sum(parts, Decimal(0))
            assert _sql_total(rows, field) == sum(by_donor.values(), Decimal(0))
        # Expenditure by output, by category and by status, each adding up to the overall total.
        overall = _sql_total(spent, "eur")
        assert overall == sum((row.eur for row in spent), Decimal(0))
        for dimension in ("node", "category", "status"):
            groups = {row[dimension]: row["total"] for row in spent.values(dimension).annotate(total=Sum("eur"))}
            for key, total in groups.items():
                assert total == sum((row.eur for row in spent if _key_of(row, dimension) == key), Decimal(0))
            assert sum(groups.values(), Decimal(0)) == overall
        transaction.set_rollback(True)


def _donor_of(row):
    return row.contribution.donor if isinstance(row, Receipt) else row.donor


def _key_of(row, dimension):
    return row.node_id if dimension == "node" else getattr(row, dimension)
