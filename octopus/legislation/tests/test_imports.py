"""The XLSX import of legislation profiles and statistics: real workbooks, a preview with line-numbered errors, all or
nothing, a job with a progress bar, and templates that import as they are."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from octopus.accounts.models import Role
from octopus.countries.models import Country
from octopus.jobs.models import Job
from octopus.legislation import imports
from octopus.legislation.jobs import start_import
from octopus.legislation.models import Assessment, Law, ReviewState, Statistic
from octopus.legislation.services import statistics as statistics_services
from octopus.lib.imports import stage
from octopus.testing.helpers import make_user

D = datetime.date
PROFILE_HEADER = ["Article", "Level", "Source", "Date", "Provisions", "Laws", "Note", "Citation"]
STATS_HEADER = ["Country", "Year", "Figure", "Value", "Source", "Citation"]
URL = "/workspace/legislation/import/"


def workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def country(iso2: str) -> Country:
    return Country.objects.get(iso2=iso2)


@pytest.fixture
def staff(db):
    return make_user(Role.PROGRAMME_STAFF)


@pytest.fixture
def office(client, staff):
    client.force_login(staff)
    return client


def upload(office, content: bytes, kind: str, name: str = "file.xlsx"):
    return office.post(URL, {"kind": kind, "file": SimpleUploadedFile(name, content)})


def confirm(office, capture):
    """Confirm the previewed import; the job runs when the request's transaction commits."""
    with capture(execute=True):
        return office.post(f"{URL}preview/", {"confirm": "1"})


GOOD_PROFILES = {
    "Georgia": [
        PROFILE_HEADER,
        [2, "In place", "T-CY assessment", D(2016, 3, 1), "Criminal Code, Art. 284", "Criminal Code", "", "T-CY 2016"],
        [
            "Art. 6",
            "partially",
            "desk_review",
            "2017-05-02 00:00:00",
            "",
            "Criminal Code; Law on Electronic Communications",
            "Devices only",
            "",
        ],
    ],
    "AM": [
        PROFILE_HEADER,
        [],  # a blank line is skipped, and the numbering stays the spreadsheet's
        [14, "NOT_IN_PLACE", "self-report", D(2018, 1, 10), "", "", "", ""],
    ],
}


def test_a_profile_workbook_is_previewed_then_imported_reviewed_with_new_laws(
    office, staff, django_capture_on_commit_callbacks
):
    response = upload(office, workbook(GOOD_PROFILES), "profiles", "profiles.xlsx")
    assert response.status_code == 302 and response["Location"] == f"{URL}preview/"

    html = office.get(f"{URL}preview/").content.decode()
    assert '<span data-count="add">3</span>' in html and '<span data-count="error">0</span>' in html
    assert 'data-line="3" data-sheet="AM" data-action="add"' in html
    assert "New law “Law on Electronic Communications”." in html
    assert not Assessment.objects.exists()  # a preview writes nothing

    response = confirm(office, django_capture_on_commit_callbacks)

    job = Job.objects.get()
    assert response["Location"] == f"/workspace/jobs/{job.pk}/"
    assert (job.payload["kind"], job.status, job.total) == ("profiles", "done", 3)
    assert job.outcome == {"assessments": 3, "laws": 2, "unchanged": 0}
    georgia = Assessment.objects.filter(country=country("GE")).order_by("assessed_on")
    assert [(a.article.number, a.level, a.source, a.assessed_on) for a in georgia] == [
        (2, "in_place", "tcy_assessment", D(2016, 3, 1)),
        (6, "partially", "desk_review", D(2017, 5, 2)),
    ]
    assert {a.state for a in Assessment.objects.all()} == {ReviewState.REVIEWED}
    assert sorted(law.title for law in georgia[1].laws.all()) == ["Criminal Code", "Law on Electronic Communications"]
    assert set(Law.objects.values_list("country__iso2", "state")) == {("GE", ReviewState.REVIEWED)}
    assert Assessment.objects.get(country=country("AM")).level == "not_in_place"

    page = office.get(response["Location"]).content.decode()
    assert 'data-job-status="done"' in page
    assert '<progress id="import-progress" class="w-100 mb-3" max="3" value="3">' in page
    assert 'http-equiv="refresh"' not in page  # finished: the page stops reloading

    # The same file again records nothing twice.
    upload(office, workbook(GOOD_PROFILES), "profiles")
    assert '<span data-count="unchanged">3</span>' in office.get(f"{URL}preview/").content.decode()


def test_a_bad_line_among_good_ones_is_named_and_nothing_is_written(office, django_capture_on_commit_callbacks):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    sheets = {
        "GE": [
            PROFILE_HEADER,
            [2, "in place", "desk review", D(2016, 3, 1)],
            [23, "in place", "desk review", D(2016, 3, 1)],
            [5, "maybe", "desk review", D(2016, 3, 1)],
            [7, "in place", "rumour", D(2016, 3, 1)],
            [8, "in place", "desk review", tomorrow],
            ["Art. 2", "partially", "desk review", "2016-03-01"],
            [9, "in place", "desk review", "31/12/2016"],
        ],
        "Atlantis": [PROFILE_HEADER, [2, "in place", "desk review", D(2016, 3, 1)]],
    }
    upload(office, workbook(sheets), "profiles")

    html = office.get(f"{URL}preview/").content.decode()

    assert 'data-line="2" data-sheet="GE" data-action="add"' in html
    assert "Sheet “GE”, line 3: article 23 is not one a profile covers (1–22, 24–35, 42)." in html
    assert (
        "Sheet “GE”, line 4: level “maybe” is not one of: in place, partially in place, not in place, not assessed."
        in html
    )
    assert (
        "Sheet “GE”, line 5: source “rumour” is not one of: T-CY assessment, legislative advice, self-report, "
        "desk review." in html
    )
    assert f"Sheet “GE”, line 6: the date {tomorrow.isoformat()} is in the future." in html
    assert "Sheet “GE”, line 7: the same article and date as line 2." in html
    assert "Sheet “GE”, line 8: “31/12/2016” is not a date" in html
    assert "Sheet “Atlantis”: “Atlantis” is not a country" in html
    assert 'name="confirm"' not in html  # nothing can be confirmed while a line is wrong

    response = confirm(office, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "Nothing was imported; correct these lines first:" in response.content.decode()
    assert not Job.objects.exists()
    assert not Assessment.objects.exists() and not Law.objects.exists()


def stats(*rows) -> bytes:
    return workbook({"Figures": [STATS_HEADER, *rows]})


def test_a_statistics_workbook_adds_and_corrects_figures_per_country_and_year(
    office, staff, django_capture_on_commit_callbacks
):
    statistics_services.record_figures(
        country("GE"),
        2016,
        {"mla_received": 10, "cases_recorded": 50},
        source="published",
        citation="Report 2016",
        user=staff,
    )
    content = stats(
        ["Georgia", 2016, "mla_executed", 8, "published", "Report 2016"],  # within the 10 already recorded
        ["GE", 2016, "Cybercrime cases recorded", 55, "published", "Report 2016, corrected"],
        ["GE", 2016, "mla_received", 10, "published", "Report 2016"],  # as recorded: left alone
        ["AM", 2017, "cases_prosecuted", 4, "questionnaire", ""],
        ["Armenia", 2017, "Cases_Convicted", 2, "", "Court statistics 2017"],  # cited: published
    )
    upload(office, content, "statistics")

    html = office.get(f"{URL}preview/").content.decode()
    assert '<span data-count="add">3</span>' in html and '<span data-count="update">1</span>' in html
    assert '<span data-count="unchanged">1</span>' in html and "Replaces 50 recorded before." in html

    confirm(office, django_capture_on_commit_callbacks)

    job = Job.objects.get()
    assert (job.status, job.outcome) == ("done", {"added": 3, "corrected": 1, "unchanged": 1})
    figures = dict(Statistic.objects.filter(country=country("GE"), year=2016).values_list("figure", "value"))
    assert figures == {"mla_received": 10, "mla_executed": 8, "cases_recorded": 55}
    assert dict(Statistic.objects.filter(country=country("AM")).values_list("figure", "source")) == {
        "cases_prosecuted": "questionnaire",
        "cases_convicted": "published",
    }


def test_bad_statistics_are_named_line_by_line_and_nothing_is_written(office, django_capture_on_commit_callbacks):
    next_year = timezone.localdate().year + 1
    content = stats(
        ["GE", 2016, "mla_received", 10, "questionnaire", ""],
        ["GE", 2016, "cases_recorded", 12, "questionnaire", ""],
        ["GE", 2016, "mla_executed", 12, "questionnaire", ""],
        ["AM", 2016, "cases_recorded", -3, "questionnaire", ""],
        ["AM", next_year, "cases_recorded", 3, "questionnaire", ""],
        ["AM", 2016, "mla_sent", 3, "published", ""],
        ["AM", 2016, "luck", 3, "questionnaire", ""],
        ["AM", 2016, "mla_received", 2.5, "questionnaire", ""],
        ["AM", 2016, "mla_sent", 3, "", ""],
        ["AM", 2017, "cases_recorded", 3_000_000_000, "questionnaire", ""],
    )
    upload(office, content, "statistics")

    html = office.get(f"{URL}preview/").content.decode()

    assert 'data-line="3" data-sheet="Figures" data-action="add"' in html
    assert (
        "Sheet “Figures”, line 4: Mutual legal assistance requests executed (12) cannot be more than Mutual legal "
        "assistance requests received (10); see line 2." in html
    )
    assert "Sheet “Figures”, line 5: the value cannot be negative (-3)." in html
    assert f"Sheet “Figures”, line 6: {next_year} is not a year figures can be reported for" in html
    assert "Sheet “Figures”, line 7: a published source needs a citation." in html
    assert "Sheet “Figures”, line 8: figure “luck” is not one of: cases_recorded" in html
    assert "Sheet “Figures”, line 9: “2.5” is not a whole number." in html
    assert "Sheet “Figures”, line 10: the source is missing (questionnaire, or published with a citation)." in html
    assert "Sheet “Figures”, line 11: the value cannot be more than 2,000,000,000 (3000000000)." in html

    confirm(office, django_capture_on_commit_callbacks)

    assert not Job.objects.exists()
    assert not Statistic.objects.exists()


def test_a_line_that_fails_when_the_job_runs_fails_the_job_and_writes_nothing(
    staff, django_capture_on_commit_callbacks
):
    statistics_services.record_figures(country("GE"), 2016, {"mla_received": 10}, source="questionnaire", user=staff)
    staged = stage(
        SimpleUploadedFile(
            "figures.xlsx",
            stats(
                ["AM", 2016, "cases_recorded", 7, "questionnaire", ""],
                ["GE", 2016, "mla_executed", 8, "questionnaire", ""],
            ),
        )
    )
    # Between the preview and the job, someone corrects the figure received: executing 8 is now too many.
    statistics_services.record_figures(country("GE"), 2016, {"mla_received": 5}, source="questionnaire", user=staff)

    with django_capture_on_commit_callbacks(execute=True):
        job = start_import("statistics", staged, total=2, file_name="figures.xlsx", user=staff)

    job.refresh_from_db()
    assert job.status == "failed"
    assert "Sheet “Figures”, line 3: Mutual legal assistance requests executed (8) cannot be more than" in job.message
    assert not Statistic.objects.filter(country=country("AM")).exists()
    assert not Statistic.objects.filter(figure="mla_executed").exists()


@pytest.mark.parametrize("kind", ["profiles", "statistics"])
def test_a_template_downloads_and_imports_as_it_is(office, kind, django_capture_on_commit_callbacks):
    response = office.get(f"{URL}template/{kind}.xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="octopus-{kind}-template.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == (("article", "level") if kind == "profiles" else ("country", "year"))
    assert len(rows) >= 2  # an example below the header

    upload(office, response.content, kind, f"{kind}.xlsx")
    assert '<span data-count="error">0</span>' in office.get(f"{URL}preview/").content.decode()
    confirm(office, django_capture_on_commit_callbacks)

    assert Job.objects.get().status == "done"
    assert (Assessment if kind == "profiles" else Statistic).objects.count() == len(rows) - 1


def test_a_file_that_is_not_a_workbook_is_refused_on_the_form(office):
    response = upload(office, b"article;level\n6;in place\n", "profiles", "profile.xlsx")

    assert response.status_code == 200
    assert "This file is not an Excel workbook (.xlsx)." in response.content.decode()

    response = upload(office, workbook({"GE": [["Article", "Level"], [6, "in place"]]}), "profiles")
    assert "Sheet “GE”: the first line must name the columns; missing: source, date." in response.content.decode()


def test_a_file_longer_than_the_cap_is_refused_before_any_preview(office, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)  # the cap (20,000) scaled down: the same rule on a small file
    sheets = {"GE": [PROFILE_HEADER, *([2, "in place", "desk review", f"2016-01-0{day}"] for day in range(1, 5))]}

    response = upload(office, workbook(sheets), "profiles")

    assert response.status_code == 200
    assert "The file has more than 3 lines; split it." in response.content.decode()
    assert "legislation.import" not in office.session


def test_only_staff_import(client, db):
    for visitor in ("focal_point", "finance_officer", "donor"):
        client.force_login(make_user(visitor))
        for url in (URL, f"{URL}preview/", f"{URL}template/profiles.xlsx"):
            assert client.get(url).status_code == 403, (visitor, url)
        assert client.post(URL, {"kind": "profiles"}).status_code == 403


def test_the_job_page_shows_how_far_a_running_import_has_got(office, staff):
    job = Job.objects.create(
        kind="legislation.import",
        payload={"kind": "profiles"},
        file_name="big.xlsx",
        total=400,
        done=150,
        status="running",
        heartbeat_at=timezone.now(),
        created_by=staff,
    )

    html = office.get(f"/workspace/jobs/{job.pk}/").content.decode()

    assert '<progress id="import-progress" class="w-100 mb-3" max="400" value="150">' in html
    assert "150 of 400 lines" in html
    assert '<meta http-equiv="refresh" content="2">' in html
    assert f'data-job="{job.pk}"' in office.get(URL).content.decode()  # listed among the recent imports
