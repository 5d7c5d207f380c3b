"""The participant import: real XLSX and CSV files, a line-numbered preview, an explicit add-or-update choice,
all or nothing; and the management command."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from octopus.events import services
from octopus.events.imports import ImportRefused, apply_import, plan_import, read_rows, start_import
from octopus.events.models import Registration
from octopus.events.tests.conftest import make_event, person
from octopus.jobs.models import Job
from octopus.jobs.runner import run_job
from octopus.lib.imports import stage
from octopus.people.models import Organisation, Person
from octopus.people.services import create_person

HEADER = ["First name", "Last name", "E-mail", "Sex", "Organisation", "Sector", "Country", "Role", "State"]
GOOD = [
    ["Ana", "Abashidze", "ana@example.ge", "F", "Ministry of Internal Affairs", "police", "GE", "participant", ""],
    ["Jean", "Dupont", "jean@example.fr", "male", "", "", "France", "Speaker", "approved"],
]
BAD = [
    ["Ana", "Abashidze", "ana@example.ge", "F", "", "", "GE", "", ""],
    ["Bad", "Country", "bad@example.org", "", "", "", "Atlantis", "", ""],
    ["No", "", "nolast@example.org", "", "", "", "GE", "", ""],
    ["Bad", "Mail", "not-an-email", "", "", "", "GE", "", ""],
    ["Odd", "Role", "odd@example.org", "", "", "", "GE", "juggler", ""],
]


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows, header=HEADER, delimiter=";") -> bytes:
    lines = [delimiter.join(header), *(delimiter.join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


@pytest.fixture
def office(client, staff):
    client.force_login(staff)
    return client


def upload(office, event, form, content: bytes, name: str):
    file = SimpleUploadedFile(name, content)
    return office.post(f"/workspace/events/{event.slug}/import/", {"file": file, "registration_form": form.pk})


def test_preview_lists_each_line_with_its_number_and_a_clear_message(office, event, form):
    response = upload(office, event, form, xlsx(BAD), "list.xlsx")
    assert response.status_code == 302
    assert response["Location"] == f"/workspace/events/{event.slug}/import/preview/"

    html = office.get(response["Location"]).content.decode()

    assert 'data-line="2" data-action="add"' in html
    assert 'data-line="3" data-action="error"' in html and "unknown country “Atlantis”." in html
    assert 'data-line="4" data-action="error"' in html and "the last name is missing." in html
    assert 'data-line="5" data-action="error"' in html and "“not-an-email” is not a valid e-mail address." in html
    assert 'data-line="6" data-action="error"' in html and "unknown role “juggler”" in html
    assert 'name="mode"' not in html  # nothing can be confirmed while a line is wrong


def test_a_bad_line_means_nothing_is_written(office, event, form, staff):
    people = Person.objects.count()
    upload(office, event, form, xlsx(BAD), "list.xlsx")

    response = office.post(f"/workspace/events/{event.slug}/import/preview/", {"mode": "update"})

    assert response.status_code == 200
    assert "Line 3: unknown country “Atlantis”." in response.content.decode()
    assert Person.objects.count() == people
    assert not event.registrations.exists()
    with pytest.raises(ImportRefused, match="Line 4: the last name is missing"):
        apply_import(event, form, read_rows(io.BytesIO(xlsx(BAD)), "list.xlsx"), update=True, user=staff)
    assert Person.objects.count() == people


def test_a_refusal_half_way_undoes_the_lines_before_it(event, form, staff):
    form.waiting_list = False  # capacity 2: the third registration is refused by the service
    form.save()
    rows = read_rows(
        io.BytesIO(xlsx([*GOOD, ["Third", "Person", "third@example.org", "", "", "", "GE", "", ""]])), "list.xlsx"
    )
    people, organisations = Person.objects.count(), Organisation.objects.count()

    with pytest.raises(ImportRefused, match="Line 4: This event is full"):
        apply_import(event, form, rows, update=False, user=staff)

    assert (Person.objects.count(), Organisation.objects.count()) == (people, organisations)
    assert not event.registrations.exists()


def test_add_new_people_only_leaves_existing_people_alone(
    office, event, form, staff, django_capture_on_commit_callbacks
):
    form.capacity = None
    form.save()
    known = create_person(user=staff, first_name="Jean", last_name="Dupond", email="jean@example.fr")
    upload(office, event, form, xlsx(GOOD), "list.xlsx")
    html = office.get(f"/workspace/events/{event.slug}/import/preview/").content.decode()
    assert 'data-line="2" data-action="add"' in html and 'data-line="3" data-action="update"' in html

    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(f"/workspace/events/{event.slug}/import/preview/", {"mode": "add"})

    job = Job.objects.serving(event).get()
    assert response["Location"] == f"/workspace/jobs/{job.pk}/"
    assert (job.status, job.outcome) == ("done", {"added": 1, "updated": 0, "skipped": 1})
    assert not job.file  # the file with personal data is not kept past the import
    html = office.get(response["Location"]).content.decode()
    assert 'data-job-status="done"' in html and "Imported: 1 added, 0 updated, 1 left out." in html
    assert 'value="2"' in html  # the progress bar: both lines gone through
    ana = Person.objects.get(email="ana@example.ge")
    assert (ana.first_name, ana.last_name, ana.sex, ana.country.iso2) == ("Ana", "Abashidze", "female", "GE")
    assert (ana.organisation.name, ana.organisation.sector) == ("Ministry of Internal Affairs", "police")
    known.refresh_from_db()
    assert known.last_name == "Dupond"
    assert list(event.registrations.values_list("person__email", "state", "role")) == [
        ("ana@example.ge", "approved", "participant")
    ]
    # The file is gone from the session once imported.
    assert office.get(f"/workspace/events/{event.slug}/import/preview/").status_code == 302


def test_add_and_update_corrects_existing_people_and_registers_them(event, form, staff):
    form.capacity = None
    form.save()
    known = create_person(user=staff, first_name="Jean", last_name="Dupond", email="JEAN@example.fr")
    rows = read_rows(io.BytesIO(csv_bytes(GOOD)), "list.csv")

    outcome = apply_import(event, form, rows, update=True, user=staff)

    assert (outcome.added, outcome.updated, outcome.skipped) == (1, 1, 0)
    known.refresh_from_db()
    assert (known.last_name, known.sex, known.country.iso2, known.version) == ("Dupont", "male", "FR", 2)
    registration = Registration.objects.get(event=event, person=known)
    assert (registration.state, registration.role) == ("approved", "speaker")


def test_someone_already_registered_is_updated_not_registered_twice(event, form, staff):
    registration = services.register_person(form, person_fields=person(1), by_staff=True)
    values = dict.fromkeys(("sex", "organisation", "sector", "country", "role", "state"), "")
    rows = [(2, {**values, "first_name": "Nino", "last_name": "Beridze", "email": "nino1@example.ge"})]

    plan = plan_import(event, rows)
    assert plan.lines[0].action == "update" and plan.lines[0].registered

    apply_import(event, form, rows, update=True, user=staff)

    assert event.registrations.count() == 1
    registration.person.refresh_from_db()
    assert registration.person.first_name == "Nino"


def test_a_file_without_a_last_name_column_is_refused_on_the_form(office, event, form):
    response = upload(office, event, form, xlsx(GOOD, header=["Name", "Mail"]), "list.xlsx")

    assert response.status_code == 200
    assert 'data-field-error="file"' in response.content.decode()
    assert "none is called “last name”" in response.content.decode()


def test_the_command_imports_with_a_progress_bar(event, form, tmp_path, capsys):
    form.capacity = None
    form.save()
    path = tmp_path / "list.xlsx"
    path.write_bytes(xlsx(GOOD))
    out, err = io.StringIO(), io.StringIO()

    call_command("import_participants", event.slug, str(path), "--update", stdout=out, stderr=err)

    assert out.getvalue() == "2 added, 0 updated, 0 left out (2 of 2 lines written).\n"
    assert "Importing" in err.getvalue()
    assert set(event.registrations.values_list("person__email", flat=True)) == {"ana@example.ge", "jean@example.fr"}


def test_the_command_refuses_a_bad_file_and_writes_nothing(event, form, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes(BAD, delimiter=","))
    people = Person.objects.count()

    with pytest.raises(CommandError, match="Line 3: unknown country “Atlantis”"):
        call_command("import_participants", event.slug, str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert Person.objects.count() == people
    assert not event.registrations.exists()


def test_only_staff_import(client, event, user_for):
    client.force_login(user_for("finance_officer"))
    assert client.get(f"/workspace/events/{event.slug}/import/").status_code == 403


def test_a_csv_from_excel_is_read_with_its_line_numbers(office, event, form):
    content = csv_bytes([["Zoë", "Müller", "zoe@example.de", "", "", "", "Germany", "", ""]], delimiter=",")
    upload(office, event, form, content.decode("utf-8-sig").encode("cp1252"), "list.csv")

    html = office.get(f"/workspace/events/{event.slug}/import/preview/").content.decode()

    assert 'data-line="2" data-action="add"' in html
    assert "Zoë Müller" in html


def test_an_event_without_a_registration_form_says_what_to_do(office, staff):
    bare = make_event(staff, slug="no-forms")
    html = office.get(f"/workspace/events/{bare.slug}/import/").content.decode()

    assert "This event has no registration form yet." in html


def test_an_import_job_that_fails_half_way_writes_nothing_says_why_and_runs_once(
    event, form, staff, django_capture_on_commit_callbacks
):
    form.waiting_list = False  # capacity 2: the third registration is refused by the service
    form.save()
    content = xlsx([*GOOD, ["Third", "Person", "third@example.org", "", "", "", "GE", "", ""]])
    staged = stage(SimpleUploadedFile("list.xlsx", content))

    with django_capture_on_commit_callbacks(execute=True):
        job = start_import(event, form, staged, total=3, update=False, file_name="list.xlsx", user=staff)
    run_job.call(job.pk)  # a second run finds the job taken and does nothing

    job.refresh_from_db()
    assert (job.status, job.total) == ("failed", 3)
    assert job.file  # a failed job keeps its file, to be run again
    assert job.message.startswith("Line 4: This event is full")
    assert not event.registrations.exists()
