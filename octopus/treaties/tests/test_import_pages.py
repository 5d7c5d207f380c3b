"""The staff page that imports a Treaty Office chart: upload → preview of every error or every change → confirm →
the job, which writes the chart in one transaction."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from octopus.jobs.models import Job, JobStatus
from octopus.treaties.models import ActionKind, Origin, TreatyAction

HEADER = "State,Signature,Ratification or accession,Entry into force,Notes\n"


def upload(client, body: str, **data):
    chart = SimpleUploadedFile("chart.csv", (HEADER + body).encode(), content_type="text/csv")
    return client.post(reverse("treaties:treaty_import", args=[185]), {"file": chart, **data})


@pytest.mark.django_db
def test_a_chart_is_previewed_then_imported_as_a_job(staff_client, staff_user, django_capture_on_commit_callbacks):
    response = upload(staff_client, "Kenya,,2025-03-03 a,2025-07-01,\nIreland,28/02/2002,,,\n", source="Chart of May")
    assert response.url == reverse("treaties:treaty_import_preview", args=[185])

    preview = staff_client.get(response.url)

    assert preview.status_code == 200
    rows = [
        (line.number, line.country.iso2, [(a.kind, a.outcome) for a in line.changes])
        for line in preview.context["lines"]
    ]
    assert rows == [(2, "KE", [(ActionKind.ACCEDED, "added"), (ActionKind.IN_FORCE, "added")])]
    assert dict(preview.context["acts"]) == {"added": 2, "unchanged": 1}
    assert not TreatyAction.objects.filter(country__iso2="KE", kind=ActionKind.ACCEDED).exists()

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = staff_client.post(reverse("treaties:treaty_import_preview", args=[185]))

    job = Job.objects.get(kind="treaties.chart")
    assert confirmed.url == reverse("jobs:job", args=[job.pk])
    assert (job.status, job.created_by, job.total) == (JobStatus.DONE, staff_user, 2)
    assert job.outcome["unchanged"] == 1
    accession = TreatyAction.objects.get(country__iso2="KE", treaty__number=185, kind=ActionKind.ACCEDED)
    assert (accession.date, accession.source, accession.origin) == (
        datetime.date(2025, 3, 3),
        "Chart of May",
        Origin.IMPORT,
    )
    page = staff_client.get(reverse("jobs:job", args=[job.pk]))
    assert "2 actions added, 0 changed; 1 were already recorded" in page.text


@pytest.mark.django_db
def test_the_preview_lists_every_error_with_its_line_and_column_and_nothing_can_be_imported(staff_client):
    upload(staff_client, "Atlantis,,,,\nIreland,30/02/2002,,01/01/2020,\n")

    preview = staff_client.get(reverse("treaties:treaty_import_preview", args=[185]))

    assert [(e["line"], str(e["column"])) for e in preview.context["errors"]] == [
        (2, "State"),
        (3, "signature"),
        (3, "entry into force"),
    ]
    assert "data-chart-confirm" not in preview.text
    refused = staff_client.post(reverse("treaties:treaty_import_preview", args=[185]))
    assert refused.status_code == 400
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_a_file_that_is_no_chart_is_refused_beside_the_form(staff_client):
    response = upload(staff_client, "", source="")  # a header only
    bad_header = staff_client.post(
        reverse("treaties:treaty_import", args=[185]),
        {"file": SimpleUploadedFile("chart.csv", b"Country,Date\nKenya,2025-01-01\n", content_type="text/csv")},
    )

    assert response.status_code == 200
    assert "no line below it" in response.context["form"].errors["file"][0]
    assert (
        "missing: signature, ratification or accession, entry into force"
        in bad_header.context["form"].errors["file"][0]
    )


@pytest.mark.django_db
def test_the_country_list_offers_staff_the_import(staff_client):
    assert reverse("treaties:treaty_import", args=[185]) in staff_client.get(reverse("treaties:country_list")).text
    assert "data-chart-import" not in Client().get(reverse("treaties:country_list")).text


@pytest.mark.django_db
def test_the_preview_says_what_a_correction_replaces(staff_client):
    upload(staff_client, "Albania,24/11/2001,20/06/2002,01/07/2004,\n")

    preview = staff_client.get(reverse("treaties:treaty_import_preview", args=[185]))

    assert 'data-outcome="changed"' in preview.text
    assert "changed (was: Signature, 2001-11-23)" in preview.text
    assert dict(preview.context["acts"]) == {"changed": 1, "unchanged": 2}
