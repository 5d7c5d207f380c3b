"""Funding over /api/v1/funding: donors, contributions through their life, rates, budgets, expenditure and the
position — amounts as exact strings, a donor never seeing another donor, the finance officer alone writing, and bad
input as RFC 9457 problems with nothing saved."""

import datetime
from decimal import Decimal

import pytest

from octopus.accounts.models import Role
from octopus.api import SAMPLE_HEADER
from octopus.funding.models import Contribution, Earmark, Expenditure, Receipt
from octopus.funding.services import budget as budget_services
from octopus.funding.services import contributions as services
from octopus.funding.services import rates as rate_services
from octopus.results import services as programmes
from octopus.results.models import Programme, ResultNode
from octopus.testing.factories import UserFactory
from octopus.testing.helpers import assert_problem, bearer_for, make_user

D = datetime.date
BASE = "/api/v1/funding"
CODE = "cybercrime-octopus"


@pytest.fixture
def finance(db):
    return make_user(Role.FINANCE_OFFICER)


@pytest.fixture
def staff(db):
    return make_user(Role.PROGRAMME_STAFF)


@pytest.fixture
def donor_user(db):
    return make_user(Role.DONOR)  # donor code DONOR-1


@pytest.fixture
def other_donor_user(db):
    return UserFactory(email="donor-2@example.org", role=Role.DONOR, donor_code="DONOR-2")


@pytest.fixture
def programme(db):
    return Programme.objects.get(code=CODE)


@pytest.fixture
def money(finance, programme):
    """Two donors: DONOR-1 gives USD (signed, part received), DONOR-2 gives EUR."""
    rate_services.record_rate("USD", D(2025, 3, 3), Decimal("1.0500"), source="ECB", user=finance)
    one = services.record_donor(code="DONOR-1", name="Ruritania", kind="state", user=finance)
    two = services.record_donor(code="DONOR-2", name="Acme Corp", kind="company", user=finance)
    usd = services.pledge_contribution(
        programme,
        one,
        title="Ruritania 2025",
        currency="USD",
        amount=Decimal("100000.00"),
        pledged_on=D(2025, 3, 3),
        user=finance,
    )
    usd = services.sign_agreement(
        usd, signed_on=D(2025, 3, 4), amount=Decimal("90000.00"), version=usd.version, user=finance
    )
    services.record_receipt(usd, received_on=D(2025, 3, 5), amount=Decimal("30000.00"), user=finance)
    eur = services.pledge_contribution(
        programme,
        two,
        title="Acme 2025",
        currency="EUR",
        amount=Decimal("77777.77"),
        pledged_on=D(2025, 4, 1),
        user=finance,
    )
    return usd, eur


@pytest.fixture
def sample_money(finance):
    """A sample programme with a sample donor's pledge, a sample budget and sample expenditure (sample money is
    recorded only on a sample programme)."""
    programme = programmes.create_programme(
        code="sample-programme",
        title="Sample programme",
        starts_on=D(2016, 1, 1),
        ends_on=D(2018, 12, 31),
        budget_ceiling=Decimal("1000.00"),
        implementing_office="Sample office",
        user=finance,
        is_sample=True,
    )
    objective = programmes.add_node(programme, level="objective", code="O", title="Objective", user=finance)
    output = programmes.add_node(programme, level="output", code="1", title="Output", parent=objective, user=finance)
    donor = services.record_donor(code="SAMPLE", name="Sample donor", kind="state", user=finance, is_sample=True)
    services.pledge_contribution(
        programme,
        donor,
        title="Sample pledge",
        currency="EUR",
        amount=Decimal("500.00"),
        pledged_on=D(2016, 2, 1),
        user=finance,
        is_sample=True,
    )
    budget_services.adopt_budget(
        programme,
        adopted_on=D(2016, 1, 10),
        lines=[(output, "staff", 2016, Decimal(800))],
        user=finance,
        is_sample=True,
    )
    budget_services.record_expenditure(
        programme,
        node=output,
        category="staff",
        status="spent",
        spent_on=D(2016, 3, 1),
        description="Sample cost",
        currency="EUR",
        amount=Decimal("100.00"),
        user=finance,
        is_sample=True,
    )
    return programme


def post(client, path, body, user):
    return client.post(BASE + path, body, content_type="application/json", **bearer_for(user))


def put(client, path, body, user):
    return client.put(BASE + path, body, content_type="application/json", **bearer_for(user))


def get(client, path, user=None, **params):
    return client.get(BASE + path, params, **bearer_for(user))


def messages(body) -> str:
    return " ".join([body.get("detail", "")] + [e["message"] for e in body.get("errors", [])])


def test_the_openapi_document_lists_the_routes_and_says_amounts_are_strings(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in [
        "/donors",
        "/contributions",
        "/contributions/{contribution_id}",
        "/contributions/{contribution_id}/agreement",
        "/contributions/{contribution_id}/receipts",
        "/contributions/{contribution_id}/earmarks",
        "/contributions/{contribution_id}/obligations",
        "/rates",
        "/budgets",
        "/expenditure",
        "/expenditure/{expenditure_id}",
        "/closed-years",
        "/position",
    ]:
        assert "/api/v1/funding" + path in paths, path
    amount = schema["components"]["schemas"]["ContributionIn"]["properties"]["amount"]
    assert amount["type"] == "string" and "never a JSON number" in amount["description"]
    pledged = schema["components"]["schemas"]["ContributionOut"]["properties"]["pledged_eur"]
    assert pledged["type"] == "string"


def test_the_finance_officer_takes_a_contribution_from_pledge_to_receipt(client, finance, programme):
    assert (
        post(
            client,
            "/rates",
            {"currency": "GBP", "day": "2025-06-02", "units_per_eur": "0.85", "source": "ECB reference rate"},
            finance,
        ).status_code
        == 201
    )
    donor = post(client, "/donors", {"code": "UK", "name": "United Kingdom", "kind": "state", "country": "gb"}, finance)
    assert donor.status_code == 201, donor.content
    assert donor.json()["country"] == "GB"

    pledged = post(
        client,
        "/contributions",
        {
            "programme": CODE,
            "donor": "UK",
            "title": "UK 2025",
            "currency": "GBP",
            "amount": "85000.00",
            "pledged_on": "2025-06-02",
        },
        finance,
    )
    assert pledged.status_code == 201, pledged.content
    body = pledged.json()
    assert (body["pledged_amount"], body["pledged_eur"], body["status"]) == ("85000.00", "100000.00", "pledged")
    cid = body["id"]

    signed = post(
        client,
        f"/contributions/{cid}/agreement",
        {"signed_on": "2025-06-02", "amount": "42500.50", "version": body["version"], "reference": "AGR-7"},
        finance,
    )
    assert signed.status_code == 200, signed.content
    assert (signed.json()["signed_amount"], signed.json()["signed_eur"]) == ("42500.50", "50000.59")

    receipt = post(client, f"/contributions/{cid}/receipts", {"received_on": "2025-06-03", "amount": "0.01"}, finance)
    assert receipt.status_code == 201, receipt.content
    assert receipt.json() | {"id": 0} == {
        "id": 0,
        "received_on": "2025-06-03",
        "amount": "0.01",
        "currency": "GBP",
        "eur": "0.01",
        "rate": "0.85",
        "override_reason": "",
        "note": "",
        "is_sample": False,
    }

    node = ResultNode.objects.get(programme=programme, code="A3.1")
    earmark = post(
        client, f"/contributions/{cid}/earmarks", {"amount": "20000.00", "node": "A3.1", "note": "x"}, finance
    )
    assert earmark.status_code == 201, earmark.content
    assert earmark.json()["node"] == "A3.1" and Earmark.objects.get().node == node
    obligation = post(
        client, f"/contributions/{cid}/obligations", {"kind": "narrative", "due_on": "2026-01-31"}, finance
    )
    assert obligation.status_code == 201 and obligation.json()["submitted_on"] is None

    detail = get(client, f"/contributions/{cid}", finance).json()
    assert (detail["received_amount"], detail["received_eur"], detail["reference"]) == ("0.01", "0.01", "AGR-7")
    assert [e["amount"] for e in detail["earmarks"]] == ["20000.00"]
    assert [o["kind"] for o in detail["obligations"]] == ["narrative"]
    rates = get(client, "/rates", finance, currency="GBP").json()["items"]
    assert rates[0]["units_per_eur"] == "0.85"


def test_amounts_sent_as_numbers_are_refused(client, finance, money):
    _usd, eur = money
    response = post(client, f"/contributions/{eur.pk}/earmarks", {"amount": 10.5, "country": "GE"}, finance)

    body = assert_problem(response, 422)
    assert [e["field"] for e in body["errors"]] == ["amount"]
    assert not Earmark.objects.exists()


def test_a_donor_sees_only_its_own_contributions(client, money, donor_user, other_donor_user):
    usd, eur = money

    listed = get(client, "/contributions", donor_user).json()
    assert [c["id"] for c in listed["items"]] == [usd.pk]
    assert listed["items"][0]["received_eur"] == "28571.43"  # 30000 / 1.05
    assert "77777.77" not in get(client, "/contributions", donor_user).content.decode()
    assert_problem(get(client, f"/contributions/{eur.pk}", donor_user), 404)
    assert get(client, f"/contributions/{eur.pk}", other_donor_user).json()["pledged_amount"] == "77777.77"
    assert [d["code"] for d in get(client, "/donors", donor_user).json()["items"]] == ["DONOR-1"]
    assert_problem(get(client, "/position", donor_user, programme=CODE), 403)
    assert_problem(get(client, "/expenditure", donor_user), 403)
    assert_problem(get(client, "/budgets", donor_user, programme=CODE), 403)


def test_staff_read_everything_but_only_the_finance_officer_writes(client, money, staff, donor_user):
    usd, _eur = money
    assert len(get(client, "/contributions", staff).json()["items"]) == 2

    for user in (staff, donor_user):
        assert_problem(post(client, "/donors", {"code": "X", "name": "X", "kind": "state"}, user), 403)
        assert_problem(
            post(client, f"/contributions/{usd.pk}/receipts", {"received_on": "2025-03-06", "amount": "1.00"}, user),
            403,
        )
        assert_problem(
            post(
                client,
                "/rates",
                {"currency": "USD", "day": "2025-03-06", "units_per_eur": "1.1", "source": "ECB"},
                user,
            ),
            403,
        )
    assert_problem(get(client, "/contributions"), 401)
    assert Receipt.objects.count() == 1


def test_a_receipt_above_what_was_signed_needs_a_reason(client, finance, money):
    usd, _eur = money
    body = {"received_on": "2025-03-06", "amount": "60000.01"}

    refused = assert_problem(post(client, f"/contributions/{usd.pk}/receipts", body, finance), 422)
    assert "more than the 90,000.00 USD signed; give the reason for the override" in refused["detail"]
    assert Receipt.objects.count() == 1

    body["override_reason"] = "The donor added a top-up by letter of 5 March."
    accepted = post(client, f"/contributions/{usd.pk}/receipts", body, finance)
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["override_reason"].startswith("The donor added")


def test_earmarks_cannot_exceed_the_contribution(client, finance, money):
    usd, _eur = money
    assert (
        post(client, f"/contributions/{usd.pk}/earmarks", {"amount": "90000.00", "country": "GE"}, finance).status_code
        == 201
    )

    refused = assert_problem(
        post(client, f"/contributions/{usd.pk}/earmarks", {"amount": "0.01", "country": "AM"}, finance), 422
    )
    assert "Earmarks would total 90,000.01 USD, more than the 90,000.00 USD signed" in refused["detail"]
    unknown = assert_problem(
        post(client, f"/contributions/{usd.pk}/earmarks", {"amount": "1.00", "node": "Z9"}, finance), 422
    )
    assert "No box with the code “Z9”" in messages(unknown)
    assert Earmark.objects.count() == 1


def test_a_stale_version_is_a_conflict(client, finance, money):
    _usd, eur = money
    first = post(
        client,
        f"/contributions/{eur.pk}/agreement",
        {"signed_on": "2025-04-02", "amount": "70000.00", "version": eur.version},
        finance,
    )
    assert first.status_code == 200

    stale = post(
        client,
        f"/contributions/{eur.pk}/agreement",
        {"signed_on": "2025-04-02", "amount": "1.00", "version": eur.version},
        finance,
    )
    assert_problem(stale, 409)
    assert Contribution.objects.get(pk=eur.pk).signed_amount == Decimal("70000.00")


def test_budgets_expenditure_and_closed_years(client, finance, staff, programme):
    lines = [
        {"node": "1", "category": "staff", "year": 2016, "amount_eur": "1000.10"},
        {"node": "3", "category": "events", "year": 2016, "amount_eur": "2000.20"},
    ]
    adopted = post(client, "/budgets", {"programme": CODE, "adopted_on": "2016-01-10", "lines": lines}, finance)
    assert adopted.status_code == 201, adopted.content
    assert (adopted.json()["kind"], adopted.json()["total_eur"]) == ("original", "3000.30")
    budgets = get(client, "/budgets", staff, programme=CODE).json()
    assert [line["amount_eur"] for line in budgets[0]["lines"]] == ["1000.10", "2000.20"]

    spend = {
        "programme": CODE,
        "node": "3",
        "category": "events",
        "status": "committed",
        "spent_on": "2016-05-05",
        "description": "Workshop venue",
        "currency": "EUR",
        "amount": "1500.00",
    }
    recorded = post(client, "/expenditure", spend, finance)
    assert recorded.status_code == 201, recorded.content
    expenditure = recorded.json()
    assert (expenditure["amount"], expenditure["eur"], expenditure["brought_in_from"]) == ("1500.00", "1500.00", None)

    changed = put(
        client,
        f"/expenditure/{expenditure['id']}",
        spend | {"status": "spent", "amount": "1499.99", "version": expenditure["version"]},
        finance,
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["status"], changed.json()["eur"]) == ("spent", "1499.99")
    assert_problem(
        put(client, f"/expenditure/{expenditure['id']}", spend | {"version": expenditure["version"]}, finance), 409
    )

    assert post(client, "/closed-years", {"programme": CODE, "year": 2016}, finance).status_code == 201
    refused = assert_problem(post(client, "/expenditure", spend | {"spent_on": "2016-12-01"}, finance), 422)
    assert "2016 is closed: no expenditure can be recorded in it." in refused["detail"]
    assert Expenditure.objects.count() == 1
    assert [e["eur"] for e in get(client, "/expenditure", staff, programme=CODE).json()["items"]] == ["1499.99"]
    assert_problem(post(client, "/closed-years", {"programme": CODE, "year": 2015}, staff), 403)


def test_the_position_reads_as_exact_strings(client, finance, staff, money):
    response = get(client, "/position", staff, programme=CODE, at="2025-12-31")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["programme"], body["at"], body["ceiling"]) == (CODE, "2025-12-31", "3500000.00")
    # USD 100,000 at 1.05 = 95,238.10; EUR 77,777.77 — both pledged by 31 December 2025.
    assert (body["pledged"], body["signed"], body["received"]) == ("173015.87", "85714.29", "28571.43")
    assert body["gap"] == "3414285.71"
    assert {d["code"]: d["received"] for d in body["donors"]} == {"DONOR-1": "28571.43", "DONOR-2": "0.00"}
    earlier = get(client, "/position", finance, programme=CODE, at="2025-03-31").json()
    assert earlier["pledged"] == "95238.10"
    assert_problem(get(client, "/position", staff, programme="no-such"), 404)


def test_sample_money_says_so_in_the_body_and_a_header(client, staff, money, sample_money):
    real = get(client, "/contributions", staff, programme=CODE)
    sample = get(client, "/contributions", staff, programme="sample-programme")
    budgets = get(client, "/budgets", staff, programme="sample-programme")
    expenditure = get(client, "/expenditure", staff, programme="sample-programme")

    assert ([c["is_sample"] for c in real.json()["items"]], SAMPLE_HEADER in real.headers) == ([False, False], False)
    assert [c["is_sample"] for c in sample.json()["items"]] == [True]
    assert ([b["is_sample"] for b in budgets.json()], [e["is_sample"] for e in expenditure.json()["items"]]) == (
        [True],
        [True],
    )
    assert {sample.headers[SAMPLE_HEADER], budgets.headers[SAMPLE_HEADER], expenditure.headers[SAMPLE_HEADER]} == {
        "true"
    }


def test_the_position_of_a_sample_programme_says_so(client, staff, money, sample_money):
    real = get(client, "/position", staff, programme=CODE, at="2025-12-31")
    sample = get(client, "/position", staff, programme="sample-programme", at="2016-12-31")

    assert (real.json()["sample"], real.json()["sample_rows"], SAMPLE_HEADER in real.headers) == (False, 0, False)
    assert (sample.json()["sample"], sample.json()["spent"], sample.headers[SAMPLE_HEADER]) == (True, "100.00", "true")


def test_bad_input_is_refused_with_the_field(client, finance, money):
    refused = assert_problem(
        post(
            client,
            "/contributions",
            {
                "programme": "nope",
                "donor": "DONOR-1",
                "title": "T",
                "currency": "EUR",
                "amount": "1.00",
                "pledged_on": "2025-01-01",
            },
            finance,
        ),
        422,
    )
    assert refused["errors"] == [{"field": "programme", "message": "No programme with the code “nope”."}]
    no_rate = assert_problem(
        post(
            client,
            "/contributions",
            {
                "programme": CODE,
                "donor": "DONOR-1",
                "title": "T",
                "currency": "JPY",
                "amount": "1.00",
                "pledged_on": "2025-01-01",
            },
            finance,
        ),
        422,
    )
    assert "No EUR rate for JPY" in no_rate["detail"]
    assert Contribution.objects.count() == 2
