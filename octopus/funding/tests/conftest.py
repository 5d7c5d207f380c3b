"""Fixtures the funding tests share: the finance officer, the seed programme and its outputs, a USD rate, and
a donor with a signed contribution to build on. Days are in 2016, a year of the seed programme, in the past."""

import datetime
from decimal import Decimal

import pytest

from octopus.accounts.models import Role
from octopus.funding.models import DonorKind
from octopus.funding.services import contributions, rates
from octopus.results.models import Programme
from octopus.testing.helpers import make_user

RATE_DAY = datetime.date(2016, 3, 1)  # the day of the `usd_rate` fixture
USD_PER_EUR = Decimal("1.25")


@pytest.fixture
def finance(db):
    """The finance officer: the one role that writes money."""
    return make_user(Role.FINANCE_OFFICER)


@pytest.fixture
def programme(db):
    """The seed programme Cybercrime@Octopus (reference data; budget ceiling EUR 3,500,000.00)."""
    return Programme.objects.get(code="cybercrime-octopus")


@pytest.fixture
def output(programme):
    """`output("3")`: the seed programme's result node of that code (outputs "1"–"3", activities "A3.1"…)."""
    return lambda code: programme.nodes.get(code=code)


@pytest.fixture
def usd_rate(finance):
    """1 EUR = 1.25 USD on 2016-03-01 (so 100.00 USD = 80.00 EUR), good for value dates up to 2016-03-08."""
    return rates.record_rate("USD", RATE_DAY, USD_PER_EUR, source="Test rate", user=finance)


@pytest.fixture
def donor(finance):
    return contributions.record_donor(code="TEST-DONOR", name="Test State", kind=DonorKind.STATE, user=finance)


@pytest.fixture
def signed_usd(programme, donor, finance, usd_rate):
    """A USD contribution pledged on 2016-03-01 and signed on 2016-03-02 for 100,000.00 USD."""
    pledge = contributions.pledge_contribution(
        programme,
        donor,
        title="Support",
        currency="USD",
        amount=Decimal("100000.00"),
        pledged_on=RATE_DAY,
        user=finance,
    )
    return contributions.sign_agreement(
        pledge,
        signed_on=RATE_DAY + datetime.timedelta(days=1),
        amount=Decimal("100000.00"),
        user=finance,
        version=pledge.version,
    )
