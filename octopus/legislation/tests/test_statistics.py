"""Country statistics: reported through the yearly surveys questionnaire (recorded when a reply is submitted, or the
submission refused with the reason on the question), or entered by staff from a published source; the table a
focal point and staff read, and its export."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from octopus.accounts.models import AuditEntry, Role
from octopus.countries.models import Country
from octopus.events.tests.sample_files import file_name, real_sheets, sample_sheets
from octopus.legislation.models import Statistic, StatisticsQuestionnaire
from octopus.legislation.services import statistics as services
from octopus.lib.errors import DomainError
from octopus.surveys import services as surveys
from octopus.surveys.models import Purpose, QuestionType, Response, ResponseState
from octopus.testing.helpers import assert_problem, bearer_for, make_user

LAST_YEAR = timezone.localdate().year - 1


@pytest.fixture
def staff(db):
    return make_user(Role.PROGRAMME_STAFF)


@pytest.fixture
def focal(db):
    return make_user(Role.FOCAL_POINT)  # of GE


def country(iso2: str) -> Country:
    return Country.objects.get(iso2=iso2)


def figures(iso2: str, year: int) -> dict[str, int]:
    return dict(Statistic.objects.filter(country__iso2=iso2, year=year).values_list("figure", "value"))


def open_statistics_questionnaire(staff, year=2018):
    questionnaire = services.create_statistics_questionnaire(year, user=staff)
    surveys.open_questionnaire(questionnaire, user=staff)
    return questionnaire


def reply(questionnaire, focal, answers: dict, iso2="GE") -> Response:
    response = surveys.start_response(questionnaire, country=country(iso2), user=focal)
    return surveys.save_answers(response, answers, version=response.version, user=focal)


# --- the questionnaire ----------------------------------------------------------------------------------------------


def test_the_statistics_questionnaire_of_a_year_asks_every_figure_once(staff):
    questionnaire = services.create_statistics_questionnaire(2018, user=staff)

    assert (questionnaire.code, questionnaire.purpose) == ("country-statistics-2018", Purpose.STATISTICS)
    assert [s.title for s in questionnaire.sections.all()] == ["Criminal justice action", "International cooperation"]
    questions = list(questionnaire.questions.all())
    assert [q.code for q in questions][:4] == [
        "cases_recorded",
        "cases_investigated",
        "cases_prosecuted",
        "cases_convicted",
    ]
    assert len(questions) == 13
    assert all(q.type == QuestionType.NUMBER and q.min_value == 0 and q.help for q in questions)
    assert StatisticsQuestionnaire.objects.get(questionnaire=questionnaire).year == 2018
    with pytest.raises(DomainError, match="for 2018 has already been prepared"):
        services.create_statistics_questionnaire(2018, user=staff)
    with pytest.raises(DomainError, match="is not a year figures can be reported for"):
        services.create_statistics_questionnaire(timezone.localdate().year + 1, user=staff)


def test_a_submitted_reply_records_its_figures_for_the_country_with_a_link_to_it(staff, focal):
    questionnaire = open_statistics_questionnaire(staff)
    response = reply(
        questionnaire,
        focal,
        {"cases_prosecuted": "41", "mla_received": "12", "mla_executed": 9, "mla_median_days": "120"},
    )

    surveys.submit_response(response, version=response.version, user=focal)

    assert figures("GE", 2018) == {
        "cases_prosecuted": 41,
        "mla_received": 12,
        "mla_executed": 9,
        "mla_median_days": 120,
    }
    row = Statistic.objects.get(country__iso2="GE", year=2018, figure="cases_prosecuted")
    assert (row.source, row.response, row.recorded_by) == ("questionnaire", response, focal)
    assert row.citation == "Questionnaire country-statistics-2018, reply 1"
    assert AuditEntry.objects.about(row).get().action == "legislation.statistic.recorded"


def test_a_reply_with_more_requests_executed_than_received_is_refused_and_nothing_is_saved(staff, focal):
    questionnaire = open_statistics_questionnaire(staff)
    response = reply(questionnaire, focal, {"cases_prosecuted": "41", "mla_received": "5", "mla_executed": "9"})

    with pytest.raises(surveys.AnswersInvalid) as refused:
        surveys.submit_response(response, version=response.version, user=focal)

    assert set(refused.value.errors) == {"mla_executed"}
    assert "cannot be more than Mutual legal assistance requests received (5)" in refused.value.errors["mla_executed"]
    response.refresh_from_db()
    assert (response.state, response.revisions.count()) == (ResponseState.DRAFT, 0)
    assert not Statistic.objects.exists()


def test_a_reply_with_an_impossible_figure_is_refused_on_the_question(staff, focal):
    questionnaire = open_statistics_questionnaire(staff)
    response = reply(questionnaire, focal, {"cases_prosecuted": "41"})
    # A questionnaire built before the bound, or edited, may let any number through its own check.
    questionnaire.questions.filter(code="cases_recorded").update(max_value=None)
    response = surveys.save_answers(response, {"cases_recorded": "3000000000"}, version=response.version, user=focal)

    with pytest.raises(surveys.AnswersInvalid) as refused:
        surveys.submit_response(response, version=response.version, user=focal)

    assert refused.value.errors == {"cases_recorded": "A figure cannot be more than 2,000,000,000."}
    assert not Statistic.objects.exists()


def test_a_reply_counts_the_figures_already_recorded_for_the_year(staff, focal):
    services.record_figures(
        country("GE"), 2018, {"contact_247_received": 3}, source="published", citation="Report", user=staff
    )
    questionnaire = open_statistics_questionnaire(staff)
    response = reply(questionnaire, focal, {"contact_247_executed": "4", "cases_recorded": "1.5"})

    with pytest.raises(surveys.AnswersInvalid) as refused:
        surveys.submit_response(response, version=response.version, user=focal)

    assert refused.value.errors == {
        "cases_recorded": "Enter a whole number.",
        "contact_247_executed": "24/7 network requests executed (4) cannot be more than 24/7 network requests "
        "received (3).",
    }
    assert figures("GE", 2018) == {"contact_247_received": 3}


def test_the_response_page_shows_the_refusal_next_to_the_question(client, staff, focal):
    questionnaire = open_statistics_questionnaire(staff)
    response = reply(questionnaire, focal, {})
    client.force_login(focal)

    page = client.post(
        reverse("surveys:response", args=[response.pk]),
        {"version": response.version, "a-mla_received": "2", "a-mla_executed": "3", "action": "submit"},
    )

    assert page.status_code == 400
    text = page.content.decode()
    assert "saved as a draft, but not submitted" in text
    assert "Mutual legal assistance requests executed (3) cannot be more than" in text
    response.refresh_from_db()
    assert response.state == ResponseState.DRAFT
    assert not Statistic.objects.exists()


def test_the_api_refuses_the_submission_with_the_reason_on_the_question(client, staff, focal):
    questionnaire = open_statistics_questionnaire(staff)
    response = reply(questionnaire, focal, {"mla_received": "2", "mla_executed": "3"})

    refused = client.post(
        f"/api/v1/responses/{response.pk}/submit",
        {"version": response.version},
        content_type="application/json",
        **bearer_for(focal),
    )

    assert assert_problem(refused, 422)["errors"] == [
        {
            "field": "mla_executed",
            "message": (
                "Mutual legal assistance requests executed (3) cannot be more than Mutual legal assistance requests "
                "received (2)."
            ),
        }
    ]
    response.refresh_from_db()
    assert response.state == ResponseState.DRAFT


def test_other_questionnaires_are_not_read_for_figures(staff, focal):
    other = surveys.create_questionnaire(user=staff, code="other", title="Other", purpose=Purpose.STATISTICS)
    section = surveys.add_section(other, user=staff, title="S")
    surveys.add_question(section, user=staff, code="cases_prosecuted", text="?", type=QuestionType.NUMBER)
    surveys.open_questionnaire(other, user=staff)
    response = reply(other, focal, {"cases_prosecuted": "-3"})

    surveys.submit_response(response, version=response.version, user=focal)

    assert not Statistic.objects.exists()


def test_staff_prepare_the_questionnaire_from_the_statistics_page(client, staff):
    client.force_login(staff)

    created = client.post(reverse("legislation:statistics_questionnaire_create"), {"year": "2018"})
    again = client.post(reverse("legislation:statistics_questionnaire_create"), {"year": "2018"}, follow=True)

    questionnaire = StatisticsQuestionnaire.objects.get(year=2018).questionnaire
    assert created.url == reverse("surveys:questionnaire", args=[questionnaire.pk])
    assert "already been prepared" in again.content.decode()


# --- staff enter figures from a published source ---------------------------------------------------------------


def edit_url(iso2="GE", year=2018):
    return reverse("legislation:statistics_edit", args=[iso2, year])


def test_staff_enter_figures_with_a_citation_and_they_are_audited(client, staff):
    client.force_login(staff)

    citation = "Annual report of the Prosecutor General, p. 4"
    page = client.post(
        edit_url(),
        {
            "cases_prosecuted": "12",
            "cases_convicted": "",
            "mla_received": "8",
            "mla_executed": "8",
            "citation": citation,
        },
    )

    assert page.status_code == 302
    assert figures("GE", 2018) == {"cases_prosecuted": 12, "mla_received": 8, "mla_executed": 8}
    row = Statistic.objects.get(country__iso2="GE", figure="cases_prosecuted")
    assert (row.source, row.citation) == ("published", citation)
    entry = AuditEntry.objects.about(row).get()
    assert (entry.action, entry.user, entry.after["value"]) == ("legislation.statistic.recorded", staff, 12)


def test_a_year_figures_cannot_be_kept_for_is_not_a_page(client, staff):
    client.force_login(staff)

    assert client.get(edit_url(year=99999)).status_code == 404
    assert client.get(edit_url(year=timezone.localdate().year + 1)).status_code == 404


def test_bad_figures_are_refused_next_to_their_field_keeping_what_was_typed(client, staff):
    client.force_login(staff)

    page = client.post(edit_url(), {"cases_prosecuted": "-4", "mla_received": "3", "mla_executed": "7", "citation": ""})

    assert page.status_code == 400
    errors = page.context["form"].errors
    assert errors["cases_prosecuted"] == ["A figure cannot be negative."]
    assert errors["mla_executed"] == [
        "Mutual legal assistance requests executed (7) cannot be more than Mutual legal "
        "assistance requests received (3)."
    ]
    assert errors["citation"] == ["Cite the published source of these figures."]
    assert 'value="-4"' in page.content.decode()
    assert not Statistic.objects.exists()


def test_a_year_in_the_future_is_refused(client, staff):
    client.force_login(staff)
    future = timezone.localdate().year + 1

    chosen = client.get(reverse("legislation:statistics_enter"), {"country": "GE", "year": future})
    posted = client.post(edit_url(year=future), {"cases_prosecuted": "1", "citation": "Report"})

    assert chosen.status_code == 400
    assert "is not a year figures can be reported for" in chosen.context["form"].errors["year"][0]
    assert posted.status_code == 400
    assert "is not a year figures can be reported for" in posted.content.decode()
    assert client.get(reverse("legislation:statistics_enter"), {"country": "GE", "year": 2018}).url == edit_url()
    assert not Statistic.objects.exists()


def test_a_figure_corrected_meanwhile_is_a_conflict_and_the_typed_values_are_kept(client, staff):
    services.record_figures(country("GE"), 2018, {"cases_prosecuted": 10}, source="published", citation="A", user=staff)
    client.force_login(staff)
    form = client.get(edit_url()).context["form"]
    assert form["version_cases_prosecuted"].value() == 1
    services.record_figures(
        country("GE"),
        2018,
        {"cases_prosecuted": 11},
        source="published",
        citation="B",
        user=staff,
        versions={"cases_prosecuted": 1},
    )

    page = client.post(edit_url(), {"cases_prosecuted": "15", "version_cases_prosecuted": "1", "citation": "C"})

    assert page.status_code == 409
    assert "Someone changed these figures" in page.content.decode()
    assert page.context["form"]["cases_prosecuted"].value() == "15"
    assert page.context["form"].data["version_cases_prosecuted"] == 2  # saving again is deliberate
    assert figures("GE", 2018) == {"cases_prosecuted": 11}
    again = client.post(edit_url(), {"cases_prosecuted": "15", "version_cases_prosecuted": "2", "citation": "C"})
    assert again.status_code == 302
    row = Statistic.objects.get(country__iso2="GE", figure="cases_prosecuted")
    assert (row.value, row.citation, row.version) == (15, "C", 3)
    assert AuditEntry.objects.about(row).filter(action="legislation.statistic.corrected").count() == 2


def test_an_unchanged_figure_keeps_its_questionnaire_source(client, staff, focal):
    questionnaire = open_statistics_questionnaire(staff)
    response = reply(questionnaire, focal, {"cases_prosecuted": "41"})
    surveys.submit_response(response, version=response.version, user=focal)
    client.force_login(staff)

    client.post(
        edit_url(),
        {
            "cases_prosecuted": "41",
            "version_cases_prosecuted": "1",
            "cases_convicted": "7",
            "citation": "Court statistics",
        },
    )

    sources = dict(Statistic.objects.filter(country__iso2="GE").values_list("figure", "source"))
    assert sources == {"cases_prosecuted": "questionnaire", "cases_convicted": "published"}


# --- reading ------------------------------------------------------------------------------------------------------


@pytest.fixture
def recorded(staff):
    services.record_figures(
        country("GE"),
        2017,
        {"cases_prosecuted": 30, "mla_median_days": 90},
        source="published",
        citation="GE report 2017",
        user=staff,
    )
    services.record_figures(
        country("GE"), 2018, {"cases_prosecuted": 41}, source="published", citation="GE report 2018", user=staff
    )
    services.record_figures(
        country("AM"),
        2018,
        {"cases_prosecuted": 5, "mla_received": 2},
        source="published",
        citation="AM report",
        user=staff,
    )


def test_a_focal_point_reads_only_its_country_and_cannot_enter_figures(client, focal, recorded):
    client.force_login(focal)

    page = client.get(reverse("legislation:statistics_list"))
    other = client.get(reverse("legislation:statistics_list"), {"country": "AM"})

    assert page.status_code == 200
    assert [(r.country.iso2, r.year) for r in page.context["rows"]] == [("GE", 2018), ("GE", 2017)]
    assert page.context["chart"] is not None  # its own country's chart
    assert "Enter figures from a published source" not in page.content.decode()
    assert [r.country.iso2 for r in other.context["rows"]] == ["GE", "GE"]  # another country is not a choice
    assert client.get(edit_url()).status_code == 403
    assert client.post(edit_url(), {"cases_prosecuted": "1", "citation": "X"}).status_code == 403
    assert client.get(reverse("legislation:statistics_enter")).status_code == 403
    assert client.post(reverse("legislation:statistics_questionnaire_create"), {"year": "2018"}).status_code == 403


def test_staff_read_every_country_filtered_sorted_with_sources_and_a_chart(client, staff, recorded):
    client.force_login(staff)

    page = client.get(reverse("legislation:statistics_list"))
    sorted_ = client.get(reverse("legislation:statistics_list"), {"sort": "-cases_prosecuted"})
    georgia = client.get(reverse("legislation:statistics_list"), {"country": "GE", "year": "2018"})

    assert [(r.country.iso2, r.year) for r in page.context["rows"]] == [("AM", 2018), ("GE", 2018), ("GE", 2017)]
    text = page.content.decode()
    assert 'title="Published source: GE report 2017"' in text
    assert [text for _n, text in page.context["notes"]] == [
        "Published source: AM report",
        "Published source: GE report 2018",
        "Published source: GE report 2017",
    ]
    assert page.context["chart"] is None  # no country chosen
    assert [r.value("cases_prosecuted") for r in sorted_.context["rows"]] == [41, 30, 5]
    assert [(r.country.iso2, r.year) for r in georgia.context["rows"]] == [("GE", 2018)]
    chart = client.get(reverse("legislation:statistics_list"), {"country": "GE"}).context["chart"]
    assert {(v["year"], v["value"]) for v in chart["data"]["values"]} == {("2017", 30), ("2017", 90), ("2018", 41)}
    empty = client.get(reverse("legislation:statistics_list"), {"year": "2001"})
    assert "No figures match these filters" in empty.content.decode()


def test_the_exports_read_back(client, staff, recorded):
    client.force_login(staff)

    as_csv = client.get(reverse("legislation:statistics_list"), {"format": "csv", "country": "GE"})
    as_xlsx = client.get(reverse("legislation:statistics_list"), {"format": "xlsx"})

    lines = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    header = lines[0]
    assert header[:4] == ["Country", "ISO code", "Year", "Cybercrime cases recorded"]
    rows = [dict(zip(header, line, strict=True)) for line in lines[1:]]
    assert [(r["ISO code"], r["Year"], r["Cybercrime cases prosecuted"]) for r in rows] == [
        ("GE", "2018", "41"),
        ("GE", "2017", "30"),
    ]
    assert rows[1]["Median days to execute a mutual legal assistance request"] == "90"
    assert rows[1]["Sources"] == "Published source: GE report 2017"
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("Country", "ISO code", "Year")
    assert [(v[1], v[2], v[5]) for v in values[1:]] == [("AM", 2018, 5), ("GE", 2018, 41), ("GE", 2017, 30)]


def test_an_export_holding_sample_figures_says_so(client, staff, recorded):
    Statistic.objects.filter(country__iso2="AM").update(is_sample=True)
    client.force_login(staff)

    (rows,) = sample_sheets(client.get(reverse("legislation:statistics_list"), {"format": "xlsx"}))
    (georgia,) = real_sheets(client.get(reverse("legislation:statistics_list"), {"format": "xlsx", "country": "GE"}))

    assert rows[0][:3] == ("Country", "ISO code", "Year") and [row[1] for row in rows[1:]] == ["AM", "GE", "GE"]
    assert georgia[0][:3] == ("Country", "ISO code", "Year") and len(georgia) == 3
    marked = client.get(reverse("legislation:statistics_list"), {"format": "csv"})
    assert file_name(marked) == "country-statistics-SAMPLE-DATA.csv"


def test_no_figures_yet_says_what_to_do(client, staff):
    client.force_login(staff)

    text = client.get(reverse("legislation:statistics_list")).content.decode()

    assert "No figures yet. Prepare the statistics questionnaire" in text
    assert "Prepare the statistics questionnaire for year" in text
    assert f'name="year" id="questionnaire_year" value="{LAST_YEAR}"' in text
