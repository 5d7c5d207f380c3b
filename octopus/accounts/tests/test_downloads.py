"""Downloads of personal data are written to the audit log (`log_download`); files without any are not, and the
audit log shows what was downloaded and how many rows it held."""

import pytest
from django.urls import reverse

from octopus.accounts.models import AuditEntry, Role
from octopus.accounts.services import download_log, log_download
from octopus.lib.downloads import table_download
from octopus.lib.exports import Table
from octopus.testing.helpers import make_user


@pytest.fixture
def staff(db):
    return make_user(Role.PROGRAMME_STAFF)


def test_a_download_is_recorded_with_who_what_file_and_rows(staff):
    entry = log_download(staff, staff, "people.people", file="people.csv", rows=3, filters={"country": "GE"})

    assert (entry.user, entry.action, entry.object_type, entry.object_id) == (
        staff,
        "people.people.downloaded",
        "accounts.user",
        str(staff.pk),
    )
    assert entry.data == {"file": "people.csv", "rows": 3, "filters": {"country": "GE"}}
    assert entry.at is not None


def test_the_download_callback_counts_the_rows_of_a_table_unless_told(staff):
    table = Table("People", ["Name"], [["Ana"], ["Nino"]])

    table_download("csv", "people", table, sent=download_log(staff, staff, "people.people"))
    told = download_log(staff, staff, "people.people", rows=7)
    table_download("csv", "people", Table("People", ["Name"], [["Ana"]]), sent=told)

    told, counted = AuditEntry.objects.filter(action="people.people.downloaded")
    assert (counted.data, told.data["rows"]) == ({"file": "people.csv", "rows": 2}, 7)


@pytest.mark.parametrize("url", ["/countries/?format=csv", "/legislation/export.csv"])
def test_a_download_without_personal_data_is_not_recorded(client, staff, url):
    client.force_login(staff)
    before = AuditEntry.objects.count()

    response = client.get(url)

    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.count() == before


def test_the_audit_log_shows_downloads_with_their_file_and_rows(client, staff):
    log_download(staff, staff, "people.people", file="people-2026-01-05.csv", rows=12)
    log_download(staff, staff, "events.badges", file="badges.pdf", rows=1)
    client.force_login(staff)

    html = client.get(reverse("accounts:audit_log") + "?downloads=1").content.decode()

    assert "<span data-download>people-2026-01-05.csv · 12 rows</span>" in html
    assert "<span data-download>badges.pdf · 1 row</span>" in html
    assert "people.people.downloaded" in html
