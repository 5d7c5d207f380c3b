"""The finance officer's contribution pages: donors, a contribution from pledge to agreement to receipts in another
currency, earmarks, reporting obligations and exchange rates; what staff and donors may read; the list's totals and
its exports."""

import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from octopus.accounts.models import AuditEntry, Role
from octopus.events.tests.sample_files import file_name, real_sheets, sample_sheets
from octopus.funding.models import Contribution, ContributionStatus, Donor, Earmark, Receipt, ReportingObligation
from octopus.funding.money import to_eur
from octopus.funding.services import contributions as services
from octopus.funding.services import rates
from octopus.results.models import Programme, ResultNode
from octopus.testing.helpers import make_user

D = datetime.date
USD_RATE = Decimal("1.1023")


@pytest.fixture
def finance(db):
    return make_user(Role.FINANCE_OFFICER)


@pytest.fixture
def finance_client(client, finance):
    client.force_login(finance)
    return client


def programme() -> Programme:
    return Programme.objects.get(code="cybercrime-octopus")


def donor(finance, code="DONOR-1", name="Donor State") -> Donor:
    return services.record_donor(code=code, name=name, kind="state", user=finance)


def usd_rate(finance, day=None, units=USD_RATE):
    return rates.record_rate("USD", day or D(2016, 3, 4), units, source="ECB", user=finance)


def signed_contribution(finance, donor_, *, amount="100000.00", currency="EUR", title="Core funding"):
    contribution = services.pledge_contribution(
        programme(),
        donor_,
        title=title,
        currency=currency,
        amount=Decimal(amount),
        pledged_on=D(2016, 3, 4),
        user=finance,
    )
    return services.sign_agreement(
        contribution, signed_on=D(2016, 3, 7), amount=Decimal(amount), user=finance, version=contribution.version
    )


def html_of(response) -> str:
    return response.content.decode()


# --- the life of a contribution, through the pages ------------------------------------------------------------------


def test_finance_records_pledge_agreement_and_receipt_in_usd_through_the_pages(finance_client, finance):
    # A rate first: the page refuses a USD pledge without one, keeping what was typed.
    assert finance_client.get(reverse("funding:donor_new")).status_code == 200
    response = finance_client.post(
        reverse("funding:donor_new"), {"code": "DONOR-1", "name": "Donor State", "kind": "state"}
    )
    assert response.status_code == 302
    state = Donor.objects.get(code="DONOR-1")
    pledge = {
        "programme": programme().pk,
        "donor": state.pk,
        "title": "Support to Output 3",
        "reference": "",
        "currency": "usd",
        "amount": "100000.00",
        "pledged_on": "2016-03-04",
        "conditions": "Annual report",
    }
    refused = finance_client.post(reverse("funding:contribution_new"), pledge)
    assert refused.status_code == 400
    assert "No EUR rate for USD on or up to 7 days before 2016-03-04" in html_of(refused)
    assert 'value="Support to Output 3"' in html_of(refused) and not Contribution.objects.exists()

    response = finance_client.post(
        reverse("funding:exchange_rate_add"),
        {"currency": "USD", "day": "2016-03-04", "units_per_eur": "1.1023", "source": "ECB"},
    )
    assert response.status_code == 302
    assert "1.1023" in html_of(finance_client.get(reverse("funding:exchange_rates") + "?currency=USD"))

    response = finance_client.post(reverse("funding:contribution_new"), pledge)
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert response.url == reverse("funding:contribution_detail", args=[contribution.pk])
    assert (contribution.currency, contribution.pledged_amount) == ("USD", Decimal("100000.00"))
    assert contribution.pledged_eur == to_eur(Decimal("100000"), USD_RATE) == Decimal("90719.40")

    page = html_of(finance_client.get(response.url))
    assert "1 EUR = 1.1023 USD, ECB, 2016-03-04" in page and "90,719.40" in page
    assert "data-agreement-form" in page and "data-receipt-form" not in page  # money comes once signed

    sign = {
        "signed_on": "2016-03-08",
        "amount": "90000.00",
        "reference": "AGR-2016-7",
        "conditions": "",
        "version": contribution.version,
    }
    assert finance_client.post(reverse("funding:contribution_sign", args=[contribution.pk]), sign).status_code == 302
    contribution.refresh_from_db()
    assert (contribution.status, contribution.signed_amount, contribution.reference) == (
        ContributionStatus.SIGNED,
        Decimal("90000.00"),
        "AGR-2016-7",
    )
    assert contribution.signed_eur == to_eur(Decimal("90000"), USD_RATE)

    receipt = {"received_on": "2016-03-10", "amount": "40000.00", "note": "First instalment"}
    assert finance_client.post(reverse("funding:receipt_add", args=[contribution.pk]), receipt).status_code == 302
    row = Receipt.objects.get()
    assert (row.amount, row.eur, row.rate.day) == (Decimal("40000.00"), Decimal("36287.76"), D(2016, 3, 4))
    page = html_of(finance_client.get(reverse("funding:contribution_detail", args=[contribution.pk])))
    assert "36,287.76" in page and "First instalment" in page and "still to receive: 50,000.00 USD" in page

    actions = set(AuditEntry.objects.filter(action__startswith="funding.").values_list("action", flat=True))
    assert {
        "funding.donor.recorded",
        "funding.rate.recorded",
        "funding.contribution.pledged",
        "funding.contribution.signed",
        "funding.receipt.recorded",
    } <= actions


def test_a_receipt_above_the_signed_amount_needs_a_reason(finance_client, finance):
    contribution = signed_contribution(finance, donor(finance), amount="50000.00")
    url = reverse("funding:receipt_add", args=[contribution.pk])
    page = html_of(finance_client.get(reverse("funding:contribution_detail", args=[contribution.pk])))
    assert 'name="override_reason"' not in page  # asked for only when needed

    refused = finance_client.post(url, {"received_on": "2016-04-01", "amount": "50000.01", "note": "All of it"})
    assert refused.status_code == 400
    html = html_of(refused)
    assert "Receipts would total 50,000.01 EUR, more than the 50,000.00 EUR signed" in html
    assert 'data-field-error="override_reason"' in html and 'name="override_reason"' in html
    assert 'value="50000.01"' in html and 'value="All of it"' in html and 'value="2016-04-01"' in html
    assert not Receipt.objects.exists()

    accepted = finance_client.post(
        url, {"received_on": "2016-04-01", "amount": "50000.01", "note": "All of it", "override_reason": "Bank fee"}
    )
    assert accepted.status_code == 302
    assert Receipt.objects.get().override_reason == "Bank fee"
    assert "Bank fee" in html_of(finance_client.get(reverse("funding:contribution_detail", args=[contribution.pk])))


def test_earmarks_cannot_exceed_the_contribution(finance_client, finance):
    contribution = signed_contribution(finance, donor(finance), amount="30000.00")
    output_3 = ResultNode.objects.get(programme=programme(), code="3")
    url = reverse("funding:earmark_add", args=[contribution.pk])

    none_said = finance_client.post(url, {"amount": "1000.00"})
    assert none_said.status_code == 400 and 'data-field-error="node"' in html_of(none_said)

    assert finance_client.post(url, {"amount": "20000.00", "node": output_3.pk}).status_code == 302
    refused = finance_client.post(url, {"amount": "10000.01", "node": output_3.pk, "note": "Workshops"})
    assert refused.status_code == 400
    assert "Earmarks would total 30,000.01 EUR, more than the 30,000.00 EUR signed." in html_of(refused)
    assert 'value="Workshops"' in html_of(refused)
    assert Earmark.objects.count() == 1

    page = html_of(finance_client.get(reverse("funding:contribution_detail", args=[contribution.pk])))
    assert "Unearmarked: 10,000.00 EUR" in page
    earmark = Earmark.objects.get()
    assert finance_client.post(reverse("funding:earmark_remove", args=[earmark.pk])).status_code == 302
    assert not Earmark.objects.exists()


def test_obligations_cancellation_and_stale_versions(finance_client, finance):
    contribution = signed_contribution(finance, donor(finance))
    response = finance_client.post(
        reverse("funding:obligation_add", args=[contribution.pk]),
        {"kind": "financial", "due_on": "2017-01-31", "description": "Interim financial report"},
    )
    assert response.status_code == 302
    obligation = ReportingObligation.objects.get()
    url = reverse("funding:obligation_submitted", args=[obligation.pk])
    prefix = f"o{obligation.pk}-"
    assert finance_client.post(url, {prefix + "submitted_on": "2017-01-20", prefix + "version": 1}).status_code == 302
    obligation.refresh_from_db()
    assert obligation.submitted_on == D(2017, 1, 20)

    # Someone signed a correction meanwhile: the page's version is stale, nothing is written, the message says so.
    stale = contribution.version
    services.sign_agreement(
        contribution, signed_on=D(2016, 3, 7), amount=Decimal("99000.00"), user=finance, version=stale
    )
    refused = finance_client.post(
        reverse("funding:contribution_sign", args=[contribution.pk]),
        {"signed_on": "2016-03-07", "amount": "98000.00", "version": stale},
    )
    assert refused.status_code == 400
    contribution.refresh_from_db()
    assert contribution.signed_amount == Decimal("99000.00")
    assert 'value="98000.00"' in html_of(refused)
    assert f'name="version" value="{contribution.version}"' in html_of(refused)  # saving again is deliberate

    no_reason = finance_client.post(
        reverse("funding:contribution_cancel", args=[contribution.pk]), {"reason": "", "version": contribution.version}
    )
    assert no_reason.status_code == 400 and 'data-field-error="reason"' in html_of(no_reason)
    cancelled = finance_client.post(
        reverse("funding:contribution_cancel", args=[contribution.pk]),
        {"reason": "Parliament cut the budget", "version": contribution.version},
    )
    assert cancelled.status_code == 302
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.CANCELLED
    assert "data-receipt-form" not in html_of(
        finance_client.get(reverse("funding:contribution_detail", args=[contribution.pk]))
    )


def test_donors_and_rates_pages(finance_client, finance):
    state = donor(finance)
    page = finance_client.get(reverse("funding:donor_edit", args=[state.pk]))
    assert page.status_code == 200
    edit = {"name": "Donor State (MFA)", "kind": "state", "version": state.version}
    assert finance_client.post(reverse("funding:donor_edit", args=[state.pk]), edit).status_code == 302
    stale = finance_client.post(reverse("funding:donor_edit", args=[state.pk]), {**edit, "name": "Old name"})
    assert stale.status_code == 400 and 'value="Old name"' in html_of(stale)
    assert Donor.objects.get(code="DONOR-1").name == "Donor State (MFA)"
    assert "Donor State (MFA)" in html_of(finance_client.get(reverse("funding:donors")))

    taken = finance_client.post(reverse("funding:donor_new"), {"code": "DONOR-1", "name": "Another", "kind": "company"})
    assert taken.status_code == 400 and "already used" in html_of(taken) and 'value="Another"' in html_of(taken)

    usd_rate(finance)
    twice = {"currency": "USD", "day": "2016-03-04", "units_per_eur": "1.2", "source": "Guess"}
    refused = finance_client.post(reverse("funding:exchange_rate_add"), twice)
    assert refused.status_code == 400 and 'value="Guess"' in html_of(refused)
    bad = finance_client.post(reverse("funding:exchange_rate_add"), {**twice, "currency": "US$"})
    assert bad.status_code == 400 and 'data-field-error="currency"' in html_of(bad)


def test_empty_list_invites_the_finance_officer_to_record_a_pledge(finance_client, client, staff_user):
    page = html_of(finance_client.get(reverse("funding:contributions")))
    assert "data-empty" in page and reverse("funding:contribution_new") in page
    client.force_login(staff_user)
    assert reverse("funding:contribution_new") not in html_of(client.get(reverse("funding:contributions")))


# --- who may read and write -----------------------------------------------------------------------------------------


def test_a_donor_sees_its_own_contributions_only(client, finance):
    own = signed_contribution(finance, donor(finance, "DONOR-1", "Donor One"), title="Our contribution")
    other = signed_contribution(finance, donor(finance, "DONOR-2", "Donor Two"), title="Their contribution")
    client.force_login(make_user(Role.DONOR))

    listing = html_of(client.get(reverse("funding:contributions")))
    assert "Our contribution" in listing and "Their contribution" not in listing and "Donor Two" not in listing
    assert client.get(reverse("funding:contribution_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("funding:contribution_detail", args=[other.pk])).status_code == 404
    exported = client.get(reverse("funding:contribution_export", args=["csv"])).content.decode()
    assert "Our contribution" in exported and "Their contribution" not in exported
    for name in ("funding:donors", "funding:exchange_rates"):
        assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse("funding:receipt_add", args=[own.pk]), {}).status_code == 403


def test_staff_read_everything_but_write_nothing(client, staff_user, finance):
    contribution = signed_contribution(finance, donor(finance))
    obligation = services.add_obligation(contribution, kind="narrative", due_on=D(2017, 1, 1), user=finance)
    earmark = services.add_earmark(
        contribution, amount=Decimal("1.00"), node=ResultNode.objects.get(programme=programme(), code="3"), user=finance
    )
    client.force_login(staff_user)
    for url in (
        reverse("funding:contributions"),
        reverse("funding:contribution_detail", args=[contribution.pk]),
        reverse("funding:donors"),
        reverse("funding:donor_edit", args=[contribution.donor_id]),
        reverse("funding:exchange_rates"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert html_of(response).count('method="post"') == 1, url  # signing out only
    writes = [
        reverse("funding:contribution_new"),
        reverse("funding:contribution_sign", args=[contribution.pk]),
        reverse("funding:contribution_cancel", args=[contribution.pk]),
        reverse("funding:receipt_add", args=[contribution.pk]),
        reverse("funding:earmark_add", args=[contribution.pk]),
        reverse("funding:earmark_remove", args=[earmark.pk]),
        reverse("funding:obligation_add", args=[contribution.pk]),
        reverse("funding:obligation_submitted", args=[obligation.pk]),
        reverse("funding:donor_new"),
        reverse("funding:donor_edit", args=[contribution.donor_id]),
        reverse("funding:exchange_rate_add"),
    ]
    for url in writes:
        assert client.post(url, {}).status_code == 403, url
    assert client.get(reverse("funding:contribution_new")).status_code == 403
    assert client.get(reverse("funding:receipt_add", args=[contribution.pk])).status_code in (403, 405)


# --- the list: totals and exports -----------------------------------------------------------------------------------


def generated_contributions(finance):
    """Contributions in EUR and USD at every step: pledged only, signed, received in parts, cancelled."""
    usd_rate(finance)
    usd_rate(finance, day=D(2016, 3, 7), units=Decimal("1.0987"))
    one, two = donor(finance, "DONOR-1", "Donor One"), donor(finance, "DONOR-2", "Donor Two")
    pledged = services.pledge_contribution(
        programme(),
        one,
        title="Pledged only",
        currency="USD",
        amount=Decimal("33333.33"),
        pledged_on=D(2016, 3, 5),
        user=finance,
    )
    received = signed_contribution(finance, two, amount="77777.77", currency="USD", title="Received in parts")
    for day, amount in ((D(2016, 3, 7), "11111.11"), (D(2016, 3, 8), "22222.23"), (D(2016, 3, 9), "0.01")):
        services.record_receipt(received, received_on=day, amount=Decimal(amount), user=finance)
    signed_eur = signed_contribution(finance, one, amount="250000.55", title="Signed in EUR")
    cancelled = signed_contribution(finance, two, amount="1000.00", title="Cancelled")
    services.cancel_contribution(cancelled, user=finance, version=cancelled.version, reason="Withdrawn")
    return pledged, received, signed_eur, cancelled


def page_figures(html: str) -> tuple[dict, dict]:
    """Σ of the rows' EUR cells and the totals row, by column, as the page shows them."""
    rows = {key: Decimal(0) for key in ("pledged", "signed", "received")}
    for key, value in re.findall(r'data-eur="(\w+)" data-value="([\d.]+)"', html):
        rows[key] += Decimal(value)
    totals = {key: Decimal(value) for key, value in re.findall(r'data-total="(\w+)" data-value="([\d.]+)"', html)}
    return rows, totals


def test_list_totals_equal_the_sum_of_the_rows_shown(finance_client, finance):
    pledged, received, signed_eur, cancelled = generated_contributions(finance)
    for query in ("", "?donor=DONOR-2", "?status=signed", "?sort=-received", "?year=2016&sort=donor"):
        html = html_of(finance_client.get(reverse("funding:contributions") + query))
        rows, totals = page_figures(html)
        assert rows == totals, query
    none = html_of(finance_client.get(reverse("funding:contributions") + "?year=2015"))
    assert "No contribution matches these filters." in none
    html = html_of(finance_client.get(reverse("funding:contributions")))
    _rows, totals = page_figures(html)
    assert totals["pledged"] == pledged.pledged_eur + received.pledged_eur + signed_eur.pledged_eur  # not cancelled
    assert totals["signed"] == received.signed_eur + signed_eur.signed_eur
    assert totals["received"] == sum(Receipt.objects.values_list("eur", flat=True), Decimal(0))
    assert html.count("data-contribution=") == 4
    only_two = html_of(finance_client.get(reverse("funding:contributions") + "?donor=DONOR-2"))
    assert only_two.count("data-contribution=") == 2 and "Pledged only" not in only_two
    ordered = html_of(finance_client.get(reverse("funding:contributions") + "?sort=-received"))
    assert ordered.index("Received in parts") < ordered.index("Signed in EUR")


def test_exports_open_back_with_the_rows_of_the_page(finance_client, finance):
    generated_contributions(finance)
    html = html_of(finance_client.get(reverse("funding:contributions")))
    _rows, totals = page_figures(html)

    response = finance_client.get(reverse("funding:contribution_export", args=["csv"]))
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(lines) == 4
    assert {line["Title"] for line in lines} == {"Pledged only", "Received in parts", "Signed in EUR", "Cancelled"}
    for key, column in (("pledged", "Pledged (EUR)"), ("signed", "Signed (EUR)"), ("received", "Received (EUR)")):
        assert sum((Decimal(line[column] or 0) for line in lines), Decimal(0)) == totals[key]
    parts = next(line for line in lines if line["Title"] == "Received in parts")
    assert (parts["Currency"], parts["Received"]) == ("USD", "33333.35")

    response = finance_client.get(reverse("funding:contribution_export", args=["xlsx"]) + "?donor=DONOR-1")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.values)
    assert header[:4] == ("Donor", "Donor code", "Programme", "Title")
    assert sorted(row[3] for row in rows) == ["Pledged only", "Signed in EUR"]
    pledged_eur = header.index("Pledged (EUR)")
    assert sum(Decimal(str(row[pledged_eur])) for row in rows) == sum(
        Contribution.objects.filter(donor__code="DONOR-1").values_list("pledged_eur", flat=True), Decimal(0)
    )
    assert finance_client.get(reverse("funding:contribution_export", args=["pdf"])).status_code == 404


def test_an_export_holding_a_sample_contribution_says_so(finance_client, finance):
    generated_contributions(finance)
    Contribution.objects.filter(title="Signed in EUR").update(is_sample=True)

    (rows,) = sample_sheets(
        finance_client.get(reverse("funding:contribution_export", args=["xlsx"]) + "?donor=DONOR-1")
    )
    real = real_sheets(finance_client.get(reverse("funding:contribution_export", args=["xlsx"]) + "?donor=DONOR-2"))

    assert rows[0][:2] == ("Donor", "Donor code")  # the note above the header
    assert sorted(row[3] for row in rows[1:]) == ["Pledged only", "Signed in EUR"]
    assert real[0][0][:2] == ("Donor", "Donor code") and len(real[0]) == 3
    marked = finance_client.get(reverse("funding:contribution_export", args=["csv"]))
    assert file_name(marked) == "contributions-SAMPLE-DATA.csv"
