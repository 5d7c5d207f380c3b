"""The results pages as staff, donors and focal points use them."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from octopus.accounts.models import Membership, Role
from octopus.countries.models import Country
from octopus.legislation.services.advice import record_advice
from octopus.results import services
from octopus.results.assignments import countables
from octopus.results.models import Indicator, ManualValue, Programme, ValueStatus
from octopus.results.tests.conftest import approved, assign_every_countable_record, unassigned_workshops
from octopus.testing.helpers import make_user
from octopus.treaties.models import Article, Origin, Treaty, TreatyAction

D = datetime.date
AT = "?at=2019-12-31"


def not_assigned_kinds() -> int:
    return len(countables())


# The dashboard's queries: session and user (2), memberships (1), the programme (1), versions, boxes, indicators,
# targets and manual values (5), the treaty metric (2), the latest snapshot (1), the sample banner (1): 13 as before.
# New with issue 15: the official counterparts of O.1, whose metric has an `official` hook: the Treaty Office's
# published counts within the programme's dates and the names of the States that may explain a difference (2);
# then the list of records not assigned to a programme: for each registered kind, the count and the first five (2).
# Whatever the number of records, this does not change.
def dashboard_query_count() -> int:
    return 13 + 2 + 2 * not_assigned_kinds()


def dashboard_queries(client, programme) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("results:results_dashboard", args=[programme.code]) + AT)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_dashboard_runs_a_fixed_number_of_queries_whatever_the_data_size(client, built):
    client.force_login(built.staff)
    assign_every_countable_record(built.programme)
    unassigned_workshops(built.staff, 1)
    approved(built, built.workshops, "2015", 3)
    dashboard_queries(client, built.programme)  # content types are cached per process once read
    small = dashboard_queries(client, built.programme)

    for year in ("2014", "2016", "2017", "2018"):
        approved(built, built.workshops, year, 2)
    for index, period in enumerate(["2014", "2015", "2016"]):
        approved(built, built.stage, period, index % 3)
    treaty = Treaty.objects.get(number=185)
    TreatyAction.objects.bulk_create(
        TreatyAction(treaty=treaty, country=c, kind="invited", date=D(2015, 3, 1), source="test", origin=Origin.STAFF)
        for c in Country.objects.exclude(treaty_actions__treaty=treaty)
    )
    unassigned_workshops(built.staff, 8, first=1)  # more than the five listed
    large = dashboard_queries(client, built.programme)

    assert small == large == dashboard_query_count()


def test_the_not_assigned_list_runs_as_many_queries_empty_as_full(client, built):
    client.force_login(built.staff)
    assign_every_countable_record(built.programme)
    dashboard_queries(client, built.programme)  # content types are cached per process once read
    empty = dashboard_queries(client, built.programme)

    unassigned_workshops(built.staff, 3)
    for day in range(1, 8):  # more than the five listed
        record_advice(
            Country.objects.get(iso2="GE"),
            reviewed=f"Draft law on cybercrime ({day})",
            mode="desk_review",
            starts_on=D(2017, 3, day),
            ends_on=D(2017, 3, day),
            articles=[Article.objects.get(treaty__number=185, number=2)],
            user=built.staff,
        )

    assert dashboard_queries(client, built.programme) == empty


def figures(html: str) -> dict[str, str]:
    """Indicator code → the actual shown on the dashboard: the number, without its unit, or what stands for it."""
    shown = {}
    for code, cell in re.findall(r'data-indicator="([^"]+)">.*?data-actual>(.*?)</td>', html, re.S):
        number = re.search(r"data-value>(.*?)</span>", cell)
        shown[code] = (number.group(1) if number else re.sub(r"<[^>]+>", "", cell)).strip()
    return shown


def units(html: str) -> dict[str, str]:
    """Indicator code → the unit shown beside its actual."""
    rows = re.findall(r'data-indicator="([^"]+)">.*?data-actual>(.*?)</td>', html, re.S)
    return {code: m.group(1) for code, cell in rows if (m := re.search(r"data-unit>(.*?)</span>", cell))}


def test_the_dashboard_shows_each_indicator_with_target_actual_and_status(client, built):
    approved(built, built.workshops, "2015", 23)
    client.force_login(built.staff)

    html = client.get(reverse("results:results_dashboard", args=["test-programme"]) + AT).content.decode()

    assert figures(html)["1.1"] == "23"
    row = re.search(r'data-indicator="1.1">(.*?)</tr>', html, re.S).group(1)
    # A ceiling reads as one ("up to 25", "23 of up to 25"), with no percentage of it: it is a limit, not a goal.
    assert "up to 25" in row and 'data-status="within_ceiling"' in row
    assert re.search(r"data-of-ceiling>\s*23 of up to 25\s*</div>", row)
    assert "92.0" not in row
    assert 'data-status="no_target"' in re.search(r'data-indicator="1.2">(.*?)</tr>', html, re.S).group(1)
    assert figures(html)["1.2"] == "not recorded"
    assert "data-status-legend" in html and "it is a limit, not a goal" in html


def test_every_number_drills_down_to_as_many_records(client, built):
    client.force_login(built.staff)
    html = client.get(reverse("results:results_dashboard", args=["test-programme"]) + AT).content.decode()
    shown = int(figures(html)["O.1"])

    records = client.get(
        reverse("results:results_records", args=["test-programme", built.parties.pk]) + AT + "&period=2019"
    ).content.decode()

    assert records.count("<tr>") == shown
    assert f"{shown} records" in records


def test_the_seed_programme_shows_awaiting_data_source_rather_than_a_number(client, staff_user):
    client.force_login(staff_user)

    html = client.get(reverse("results:results_dashboard", args=["cybercrime-octopus"]) + AT).content.decode()

    shown = figures(html)
    assert shown["O.1"].isdigit()
    assert (units(html)["O.1"], units(html)["1.1"]) == ("States", "conferences")
    assert shown["1.1"] == "4"  # the Octopus conferences of 2015 (year known), 2016, 2018 and 2019
    # Computed, but no country has reported statistics here.
    assert shown["O.3"] == shown["O.4"] == "not recorded"


def test_a_donor_sees_only_the_programmes_it_funds(client, built):
    donor = make_user(Role.DONOR)  # donor code DONOR-1
    client.force_login(donor)
    url = reverse("results:results_dashboard", args=["test-programme"])

    assert client.get(url).status_code == 404
    assert "Test programme" not in client.get(reverse("results:results_programmes")).content.decode()

    services.add_funder(built.programme, donor_code="DONOR-1", name="Donor one", user=built.staff)

    assert client.get(url).status_code == 200
    assert "Test programme" in client.get(reverse("results:results_programmes")).content.decode()


def test_a_focal_point_sees_only_its_own_country_in_breakdowns(client, built):
    focal = make_user(Role.FOCAL_POINT)  # Georgia
    Membership.objects.filter(user=focal).update(country_code="AL")
    client.force_login(focal)
    url = reverse("results:results_indicator", args=["test-programme", built.parties.pk]) + AT

    html = client.get(url).content.decode()

    country_table = re.search(r'data-breakdown="country">(.*?)</table>', html, re.S).group(1)
    assert re.findall(r"<td>([A-Z]{2})</td>", country_table) == ["AL"]
    assert 'data-breakdown="region"' not in html
    client.force_login(built.staff)
    staff_view = client.get(url).content.decode()
    assert len(re.findall(r"<td>([A-Z]{2})</td>", staff_view)) > 30


def test_values_entered_per_country_break_down_a_manual_indicator(client, built):
    services.update_indicator(built.workshops, expected_version=1, disaggregations=["country"], user=built.staff)
    for period, country, value in (("2015", "AL", 2), ("2016", "AL", 3), ("2016", "GE", 4)):
        approved(built, built.workshops, period, value, category=country)
    focal = make_user(Role.FOCAL_POINT)  # Georgia
    url = reverse("results:results_indicator", args=["test-programme", built.workshops.pk]) + AT

    client.force_login(built.staff)
    staff_view = re.search(r'data-breakdown="country">(.*?)</table>', client.get(url).content.decode(), re.S)
    client.force_login(focal)
    focal_view = re.search(r'data-breakdown="country">(.*?)</table>', client.get(url).content.decode(), re.S)

    cells = r'<td>([A-Z]{2})</td><td class="text-end">(\d+)</td>'
    assert re.findall(cells, staff_view.group(1)) == [("AL", "5"), ("GE", "4")]
    assert re.findall(cells, focal_view.group(1)) == [("GE", "4")]


def test_a_refused_indicator_keeps_what_was_typed_and_says_why(client, built):
    client.force_login(built.staff)
    before = Indicator.objects.count()

    response = client.post(
        reverse("results:results_indicator_create", args=["test-programme"]),
        {
            "node": built.workshops.node.pk,
            "code": "1.7",
            "title": "Countries trained",
            "measure": "percent",
            "direction": "increase",
            "accumulation": "sum",
            "frequency": "year",
            "metric_key": "",
            "metric_params": "",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "A percentage cannot be added up across periods" in html
    assert 'value="Countries trained"' in html
    assert Indicator.objects.count() == before


def test_bad_metric_parameters_get_a_field_error(client, built):
    client.force_login(built.staff)
    response = client.post(
        reverse("results:results_indicator_create", args=["test-programme"]),
        {
            "node": built.parties.node.pk,
            "code": "O.7",
            "title": "Parties",
            "measure": "count",
            "direction": "increase",
            "accumulation": "latest",
            "frequency": "year",
            "metric_key": "treaties.parties",
            "metric_params": "{treaty: 185",
        },
    )
    assert 'data-field-error="metric_params"' in response.content.decode()


def test_an_evidence_file_is_kept_and_served_only_to_readers_of_the_programme(client, built):
    client.force_login(built.staff)
    client.post(
        reverse("results:results_value_create", args=["test-programme", built.workshops.pk]),
        {"period": "2017", "value": "2", "evidence_file": SimpleUploadedFile("agenda.txt", b"Agenda of the workshop")},
    )
    entry = ManualValue.objects.get(indicator=built.workshops, period_start=D(2017, 1, 1))
    url = reverse("results:results_value_evidence", args=["test-programme", entry.pk])

    download = client.get(url)

    assert b"".join(download.streaming_content) == b"Agenda of the workshop"
    assert download["Content-Disposition"] == 'attachment; filename="agenda.txt"'
    client.force_login(make_user(Role.DONOR))  # funds nothing here
    assert client.get(url).status_code == 404


def test_a_stale_edit_keeps_what_was_typed_and_saving_again_is_deliberate(client, built):
    entry = services.enter_manual_value(built.workshops, period="2016", value=2, user=built.staff)
    services.edit_manual_value(entry, expected_version=1, value=3, user=built.reviewer)  # someone else, meanwhile
    client.force_login(built.staff)
    url = reverse("results:results_value", args=["test-programme", entry.pk])

    stale = client.post(url, {"value": "9", "note": "From the mission report", "version": "1"})

    html = stale.content.decode()
    assert "Someone changed this value while you were looking at it" in html
    assert 'value="9"' in html and "From the mission report" in html
    assert 'name="version" value="2"' in html
    entry.refresh_from_db()
    assert entry.value == 3
    client.post(url, {"value": "9", "note": "From the mission report", "version": "2"})
    entry.refresh_from_db()
    assert (entry.value, entry.version) == (9, 3)


def test_manual_values_go_from_draft_to_approved_through_the_pages(client, built):
    client.force_login(built.staff)
    client.post(
        reverse("results:results_value_create", args=["test-programme", built.workshops.pk]),
        {"period": "2016", "value": "6", "evidence_url": "https://example.org/report", "note": ""},
    )
    entry = ManualValue.objects.get(indicator=built.workshops, period_start=D(2016, 1, 1))
    review = reverse("results:results_value_review", args=["test-programme", entry.pk])
    client.post(review, {"decision": "submit", "version": entry.version})
    entry.refresh_from_db()

    own = client.post(review, {"decision": "approve", "version": entry.version}, follow=True)
    assert "Someone other than the person who entered a value approves it." in own.content.decode()

    client.force_login(built.reviewer)
    client.post(review, {"decision": "approve", "version": entry.version})
    entry.refresh_from_db()
    assert (entry.status, entry.reviewed_by) == (ValueStatus.APPROVED, built.reviewer)


def test_the_dashboard_asks_for_a_restatement_when_a_reported_figure_changed(client, built):
    services.freeze_snapshot(built.programme, title="Report 2016", as_of=D(2016, 12, 31), user=built.staff)
    approved(built, built.workshops, "2016", 2)
    client.force_login(built.staff)

    html = client.get(reverse("results:results_dashboard", args=["test-programme"])).content.decode()

    assert "data-restatement-needed" in html
    assert "2 figures reported in “Report 2016”" in html


@pytest.mark.django_db
def test_the_sample_programme_is_flagged_as_sample(client, settings):
    from django.core.management import call_command

    settings.DEBUG = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_sample_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    programme = Programme.objects.get(code="sample-programme")
    client.force_login(programme.snapshots.get().frozen_by)

    html = client.get(reverse("results:results_dashboard", args=[programme.code])).content.decode()

    assert programme.is_sample and "data-sample-programme" in html and "data-sample-banner" in html
    assert all(v.is_sample for v in ManualValue.objects.filter(indicator__node__programme=programme))
    assert not Programme.objects.get(code="cybercrime-octopus").is_sample


def test_every_number_on_the_indicator_values_and_snapshot_pages_carries_its_unit(client, built):
    workshops = services.update_indicator(
        built.workshops, expected_version=1, unit="workshops", disaggregations=["country"], user=built.staff
    )
    services.update_indicator(built.parties, expected_version=1, unit="States", user=built.staff)
    entry = approved(built, workshops, "2016", 3, category="AL")
    approved(built, workshops, "2016", 4, category="GE")
    frozen = services.freeze_snapshot(built.programme, title="Report 2016", as_of=D(2016, 12, 31), user=built.staff)
    # A State found, after the report went out, to have been invited in 2016: O.1 now differs from the report.
    newcomer = Country.objects.exclude(treaty_actions__treaty__number=185).order_by("iso2").first()
    TreatyAction.objects.create(
        treaty=Treaty.objects.get(number=185), country=newcomer, kind="invited", date=D(2016, 5, 2), source="Test"
    )
    client.force_login(built.staff)
    unit = r'\s*<span class="text-body-secondary" data-unit>{}</span>'

    indicator = client.get(reverse("results:results_indicator", args=[built.programme.code, workshops.pk]) + AT).content
    values = client.get(reverse("results:results_values", args=[built.programme.code])).content.decode()
    value = client.get(reverse("results:results_value", args=[built.programme.code, entry.pk])).content.decode()
    snapshot = client.get(reverse("results:results_snapshot", args=[built.programme.code, frozen.pk])).content.decode()

    breakdown = re.search(r'data-breakdown="country">(.*?)</table>', indicator.decode(), re.S).group(1)
    in_workshops = unit.format("workshops")
    assert re.findall(r'<td>([A-Z]{2})</td><td class="text-end">(\d+)' + in_workshops, breakdown) == [
        ("AL", "3"),
        ("GE", "4"),
    ]
    entered = re.search(r"data-values>(.*?)</table>", indicator.decode(), re.S).group(1)
    assert len(re.findall(r">[34]" + in_workshops, entered)) == 2
    assert len(re.findall(r">[34]" + in_workshops, values)) == 2
    assert re.search(r'<dd class="col-8">3' + in_workshops, value)
    differences = re.search(r"data-differences>(.*?)</table>", snapshot, re.S).group(1)
    reported = frozen.data["indicators"]["O.1"]["periods"]["2016"]["actual"]
    in_states = unit.format("States")
    assert re.findall(r">(\d+)" + in_states, differences)[:2] == [reported, str(int(reported) + 1)]
    frozen_rows = re.search(r"data-frozen>(.*?)</table>", snapshot, re.S).group(1)
    assert re.search(r">\d+" + in_states, frozen_rows) and 'data-status="on_track"' in frozen_rows
    assert "— <span" not in frozen_rows  # a figure not recorded has no unit to carry
