"""The sample money: every row flagged as sample, on the sample programme only (never on the real Cybercrime@Octopus,
whose funding pages then say plainly that no contribution is recorded), from sample donors only (the real donors the
sources name carry no amount), loaded once, visible to the sample donor for its own contributions only, a budget
under the ceiling and a funding gap that shows (issue 7, acceptance 5; issue 15)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from octopus.accounts.models import Membership, Role
from octopus.events.models import Event
from octopus.funding.models import (
    Budget,
    BudgetKind,
    ClosedYear,
    Contribution,
    ContributionStatus,
    Donor,
    Earmark,
    ExchangeRate,
    Expenditure,
    Receipt,
    ReportingObligation,
)
from octopus.funding.permissions import visible_contributions
from octopus.funding.queries import funding_position
from octopus.funding.reference_data import load_donors
from octopus.results.assignments import unassigned
from octopus.results.models import Programme, ResultNode
from octopus.results.services import assign_programmes
from octopus.sample.events import load_sample_events
from octopus.sample.funding import DONOR_CODE, RATE_SOURCE, load_sample_funding
from octopus.sample.programme import load_sample_programme
from octopus.testing.factories import UserFactory
from octopus.testing.helpers import make_user

pytestmark = pytest.mark.django_db
D = datetime.date
REAL_DONORS = {"EE", "HU", "JP", "MC", "RO", "SK", "GB", "US", "microsoft"}
MONEY_ROWS = (Donor, ExchangeRate, Contribution, Receipt, Budget, Expenditure)


@pytest.fixture
def finance():
    return make_user(Role.FINANCE_OFFICER)


@pytest.fixture
def staff():
    return make_user(Role.PROGRAMME_STAFF)


@pytest.fixture
def programme(staff):
    """The sample programme (2014–2023, outputs "1" and "2"), where all the sample money goes."""
    reviewer = UserFactory(email="reviewer@example.org", role=Role.PROGRAMME_STAFF)
    load_sample_programme(staff=staff, reviewer=reviewer, donor_code=DONOR_CODE)
    return Programme.objects.get(code="sample-programme")


@pytest.fixture
def real():
    return Programme.objects.get(code="cybercrime-octopus")


def serve_the_sample_programme(programme) -> None:
    """The sample events serve the sample programme (its workshops activity), as the sample loaders assign them; an
    event a loader already assigned keeps its assignment."""
    activity = ResultNode.objects.get(programme=programme, code="A2.3")
    for event in unassigned(Event.objects.filter(is_sample=True)):
        assign_programmes(event, [(programme, Decimal(100), activity)])


@pytest.fixture
def sample(finance, programme, staff):
    load_sample_events(staff=staff)  # the workshop earmarked and the travel synced
    serve_the_sample_programme(programme)
    return load_sample_funding(finance=finance)


def test_the_real_donors_are_reference_data_without_any_amount():
    donors = {donor.code: donor for donor in Donor.objects.filter(code__in=REAL_DONORS)}

    assert set(donors) == REAL_DONORS
    assert not any(donor.is_sample for donor in donors.values())
    assert donors["JP"].country.iso2 == "JP" and donors["JP"].kind == "state"
    assert donors["microsoft"].kind == "company" and donors["microsoft"].country is None
    assert not Contribution.objects.filter(donor__code__in=REAL_DONORS).exists()
    assert load_donors() == {"added": 0, "updated": 0}


def test_every_money_row_of_the_sample_is_sample_and_a_second_load_adds_nothing(sample, finance, programme):
    real = {model: set(model.objects.filter(is_sample=False).values_list("pk", flat=True)) for model in MONEY_ROWS}
    counts = [model.objects.count() for model in (*MONEY_ROWS, Earmark, ReportingObligation, ClosedYear)]

    assert load_sample_funding(finance=finance) is None

    assert [model.objects.count() for model in (*MONEY_ROWS, Earmark, ReportingObligation, ClosedYear)] == counts
    for model in MONEY_ROWS:
        # Reference donors are the only rows not flagged: the sample added none.
        assert model.objects.filter(is_sample=True).exists(), model
        assert set(model.objects.filter(is_sample=False).values_list("pk", flat=True)) == real[model], model
    assert set(Donor.objects.filter(is_sample=False).values_list("code", flat=True)) == REAL_DONORS
    assert set(ExchangeRate.objects.values_list("source", flat=True)) == {RATE_SOURCE}
    assert {row.currency for row in Contribution.objects.all()} == {"EUR", "USD", "JPY", "GBP"}
    assert all("(sample)" in title for title in Contribution.objects.values_list("title", flat=True))
    assert Expenditure.objects.filter(source_travel__isnull=False).exists()  # brought in by sync_costs
    assert sample["contributions"] == Contribution.objects.count()


def test_sample_money_comes_from_sample_donors_only(sample):
    assert Contribution.objects.exists()
    assert not Contribution.objects.filter(donor__is_sample=False).exists()
    assert not Contribution.objects.filter(donor__code__in=REAL_DONORS).exists()
    assert Earmark.objects.filter(node__code="2", node__programme__code="sample-programme").exists()
    assert Earmark.objects.filter(country__iso2="GE").exists()
    assert Earmark.objects.filter(event__slug="sample-workshop-ge-2017").exists()
    obligations = ReportingObligation.objects.all()
    assert obligations.filter(submitted_on__isnull=False).exists()
    assert obligations.filter(submitted_on__isnull=True, due_on__lt=D(2020, 1, 1)).exists()  # overdue


def test_the_sample_donor_sees_only_its_own_contributions(sample):
    donor = make_user("no_role")
    Membership.objects.create(user=donor, role=Role.DONOR, donor_code=DONOR_CODE)

    seen = visible_contributions(donor, Contribution.objects.all())

    assert seen.exists()
    assert set(seen.values_list("donor__code", flat=True)) == {DONOR_CODE}
    assert Contribution.objects.exclude(donor__code=DONOR_CODE).exists()  # there is something it does not see


def test_the_budget_stays_under_the_ceiling_and_the_programme_is_not_fully_funded(sample, programme):
    budgets = list(Budget.objects.filter(programme=programme).order_by("number"))
    assert [b.kind for b in budgets] == [BudgetKind.ORIGINAL, BudgetKind.REVISED]
    for budget in budgets:
        assert 0 < sum(line.amount_eur for line in budget.lines.all()) < programme.budget_ceiling
    assert not ClosedYear.objects.filter(programme=programme).exists()  # closing a year is not the sample's call

    position = funding_position(programme, D(2019, 12, 31))

    assert position.signed == sum(
        c.signed_eur for c in Contribution.objects.filter(status__in=[ContributionStatus.SIGNED])
    )
    assert position.burn_rate is not None and position.runs_out is not None and position.missing == {}
    assert position.pledged > position.signed > 0  # a pledge awaits its agreement
    assert position.gap == programme.budget_ceiling - position.signed > 0
    assert position.received > position.spent > 0
    assert position.committed > 0


def test_no_sample_money_touches_the_real_programme(sample, real):
    """Every sample contribution, budget, closed year and expenditure is on the sample programme; the real programme
    shows no money at all, since no source gives its real amounts."""
    for model in (Contribution, Budget, ClosedYear, Expenditure):
        assert not model.objects.filter(programme=real).exists(), model
        assert not model.objects.exclude(programme__code="sample-programme").exists(), model
    assert not Receipt.objects.filter(contribution__programme=real).exists()
    assert funding_position(real, D(2019, 12, 31)).is_empty


def test_the_real_programmes_funding_page_says_no_contribution_is_recorded(sample, real, client, finance):
    client.force_login(finance)

    html = client.get(
        reverse("funding:funding_position"), {"programme": real.code, "at": "2019-12-31"}
    ).content.decode()

    assert "No contribution recorded for this programme yet: record a pledge." in html
    assert "data-kpis" not in html and "0.00 <span" not in html  # no zeros that look like facts
    assert "data-sample-warning" not in html


def test_load_sample_data_loads_the_sample_funding(settings):
    settings.DEBUG = True
    out = io.StringIO()

    call_command("load_sample_data", stdout=out)

    assert "Sample funding loaded:" in out.getvalue()
    assert Contribution.objects.filter(donor__code=DONOR_CODE, is_sample=True).exists()
    assert Expenditure.objects.filter(advice__isnull=False, is_sample=True).exists()
    assert set(Contribution.objects.values_list("programme__code", flat=True)) == {"sample-programme"}
    assert set(Expenditure.objects.values_list("programme__code", flat=True)) == {"sample-programme"}
