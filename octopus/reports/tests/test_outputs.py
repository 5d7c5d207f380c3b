"""A progress report as a file: the PDF (read back) and the HTML document hold the same figures and narrative as the
report's page, with a cover, contents, the title on every page, "Page n of N", and the sample mark on every page of
a sample report; the download is served to the programme's readers only; the command writes both formats and
refuses bad input."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from octopus.accounts.models import Role
from octopus.reports import outputs, services
from octopus.reports.models import Report, SectionKey
from octopus.reports.tests import test_access_progress as access
from octopus.reports.tests.test_progress import YEAR_2016, build_world, section_of
from octopus.results.models import Programme, ProgrammeFunder
from octopus.results.tests.conftest import approved, built  # noqa: F401 (the fixture)
from octopus.testing.access_matrix import StateBefore, check_page_read, each_visitor
from octopus.testing.helpers import make_user

D = datetime.date


def pages_of(content: bytes) -> list[str]:
    """The text of each page, its white space folded."""
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(content)).pages]


@pytest.fixture
def report(built):  # noqa: F811
    return services.create_report(built.programme, user=built.staff, **YEAR_2016)


def written(report, built):  # noqa: F811
    services.save_section(section_of(report), text="The year in brief.", expected_version=1, user=built.staff)
    services.save_section(
        section_of(report, SectionKey.NEXT_STEPS), text="Georgia next.", expected_version=1, user=built.staff
    )


def test_the_pdf_holds_the_figures_and_the_narrative_of_the_page(built, report):  # noqa: F811
    world = build_world(built.programme)
    approved(built, built.workshops, "2016", Decimal(3))
    written(report, built)

    pages = pages_of(outputs.report_pdf(report))
    text = " ".join(pages)

    # The cover: programme, title, period, implementing office.
    assert report.title in pages[0] and built.programme.title in pages[0]
    assert "Period: 1 January 2016 – 31 December 2016" in pages[0]
    assert f"Implementing office: {built.programme.implementing_office}" in pages[0]
    assert "Contents" in pages[1] and "Funding position on 31 December 2016" in pages[1]
    # The narrative sections and the figures assembled from the records of the period.
    assert "The year in brief." in text and "Georgia next." in text
    assert "1.1" in text and "≤ 25" in text
    assert "Events held 3 events" in text
    assert "Participants 3 people" in text and "Women 2 people" in text and "Men 1 people" in text
    for event in [*world["served"], world["plenary"]]:
        assert event.title in text
    assert "Draft law on cybercrime" in text and "Armenia" in text
    assert "Recommendations taken up 1 recommendations" in text
    # Every page after the cover carries the title at its top and its number at its foot.
    total = len(pages)
    assert total >= 3
    for number, page in enumerate(pages[1:], start=2):
        assert f"Page {number} of {total}" in page, number
        assert report.title in page, number
    assert "SAMPLE DATA" not in text


def test_a_sample_report_carries_the_sample_mark_on_every_page(built):  # noqa: F811
    Programme.objects.filter(pk=built.programme.pk).update(is_sample=True)
    built.programme.refresh_from_db()
    report = services.create_report(built.programme, user=built.staff, **YEAR_2016)

    pages = pages_of(outputs.report_pdf(report))

    assert all("SAMPLE DATA — not real" in page for page in pages)


def test_the_html_document_holds_the_same_content(built, report):  # noqa: F811
    build_world(built.programme)
    written(report, built)

    html = outputs.report_html(report)

    assert html.startswith("<!doctype html>")
    assert "The year in brief." in html and 'data-figure="participants">3<' in html
    for part in ("cover", "contents", "progress", "events", "tcy", "legislation", "funding"):
        assert f'data-part="{part}"' in html, part


# --- the download ----------------------------------------------------------------------------------------------


def test_a_reader_downloads_the_pdf_from_the_report_page(built, report, client):  # noqa: F811
    client.force_login(built.staff)
    page = client.get(reverse("reports:report", args=[built.programme.code, report.pk])).content.decode()
    url = reverse("reports:report_pdf", args=[built.programme.code, report.pk])
    assert f'href="{url}"' in page

    response = client.get(url)

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="test-programme-report-2016-01-01-2016-12-31.pdf"'
    assert report.title in pages_of(response.content)[0]


def test_the_pdf_of_a_sample_report_is_named_so(built, client):  # noqa: F811
    Programme.objects.filter(pk=built.programme.pk).update(is_sample=True)
    built.programme.refresh_from_db()
    report = services.create_report(built.programme, user=built.staff, **YEAR_2016)
    client.force_login(built.staff)

    response = client.get(reverse("reports:report_pdf", args=[built.programme.code, report.pk]))

    assert "-SAMPLE-DATA.pdf" in response["Content-Disposition"]


@pytest.fixture
def funded_report(db) -> Report:
    """The programme of the access matrix (`test_access_progress`): funded by the donor the matrix logs in as."""
    programme = Programme.objects.create(
        code="funded",
        title="Funded programme",
        starts_on=D(2014, 1, 1),
        ends_on=D(2019, 12, 31),
        budget_ceiling=Decimal(1000),
        implementing_office="C-PROC",
    )
    ProgrammeFunder.objects.create(programme=programme, donor_code="DONOR-1", name="Donor one")
    return services.create_report(programme, period_start=D(2016, 1, 1), period_end=D(2016, 12, 31))


def test_the_pdf_is_served_to_the_readers_of_the_programme_only(funded_report):
    path = reverse("reports:report_pdf", args=[funded_report.programme.code, funded_report.pk])
    for visitor, world in each_visitor(access.make_world, report=funded_report):
        state = StateBefore(access.database_state)

        response = world.client.get(path)

        check_page_read(visitor, response, path, access.READERS)
        state.assert_unchanged(visitor)


def test_the_pdf_answers_no_post_and_hides_an_unfunded_programme(funded_report, client):
    path = reverse("reports:report_pdf", args=[funded_report.programme.code, funded_report.pk])
    client.force_login(make_user(Role.PROGRAMME_STAFF.value))
    assert client.post(path).status_code == 405

    ProgrammeFunder.objects.filter(programme=funded_report.programme).update(donor_code="OTHER")
    client.force_login(make_user(Role.DONOR.value))
    assert client.get(path).status_code == 404


# --- the command -----------------------------------------------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command("report", "progress", *args, stdout=out)
    return out.getvalue()


def test_the_command_writes_both_formats_and_reuses_the_report(built, report, tmp_path):  # noqa: F811
    written(report, built)
    period = ["--programme", built.programme.code, "--from", "2016-01-01", "--to", "2016-12-31"]

    said = run(*period, "--format", "pdf", "--output", str(tmp_path / "r.pdf"))
    run(*period, "--format", "html", "--output", str(tmp_path / "r.html"))

    assert f"Using report {report.pk}" in said
    assert Report.objects.filter(programme=built.programme).count() == 1
    assert "The year in brief." in " ".join(pages_of((tmp_path / "r.pdf").read_bytes()))
    html = (tmp_path / "r.html").read_text()
    assert "The year in brief." in html and report.title in html


def test_the_command_creates_the_report_of_a_new_period(built, tmp_path):  # noqa: F811
    said = run(
        "--programme",
        built.programme.code,
        "--from",
        "2017-01-01",
        "--to",
        "2017-06-30",
        "--format",
        "html",
        "--output",
        str(tmp_path / "r.html"),
        "--user",
        built.staff.email,
    )

    made = Report.objects.get(programme=built.programme, period_start=D(2017, 1, 1), period_end=D(2017, 6, 30))
    assert f"Created report {made.pk}" in said and made.created_by == built.staff
    assert made.title in (tmp_path / "r.html").read_text()


@pytest.mark.parametrize(
    "args,message",
    [
        (["--programme", "nope", "--from", "2016-01-01", "--to", "2016-12-31"], "No programme “nope”"),
        (["--programme", "test-programme", "--from", "2016-13-01", "--to", "2016-12-31"], "is not a date"),
        (["--programme", "test-programme", "--from", "2016-12-31", "--to", "2016-01-01"], "end after it starts"),
        (["--programme", "test-programme", "--from", "2010-01-01", "--to", "2010-12-31"], "within the programme"),
        (["--programme", "test-programme", "--from", "2016-01-01", "--to", "2016-12-31", "--user", "x@y.z"], "No user"),
    ],
)
def test_the_command_refuses_bad_input_and_writes_nothing(built, tmp_path, args, message):  # noqa: F811
    with pytest.raises(CommandError, match=message):
        run(*args, "--output", str(tmp_path / "r.pdf"))
    assert not (tmp_path / "r.pdf").exists()
    assert not Report.objects.exists()
