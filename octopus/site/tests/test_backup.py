"""Backups users can trust: what `manage.py backup` writes, `manage.py restore` brings back into a fresh database and
media folder, every row and every file; and an archive that is not the one the manifest vouches for changes nothing.
"""

import datetime
import gzip
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from octopus.accounts.models import Role
from octopus.accounts.services import log_action
from octopus.countries.models import Country
from octopus.jobs.models import Job
from octopus.people.models import Organisation, Person

pytestmark = pytest.mark.django_db


def every_table_count() -> dict[str, int]:
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(tables):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def file_hashes(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def records(user_for):
    """A few records of several apps beside the reference data: users with a role, a group and its permissions (a
    many-to-many table), people, an audit entry, and a job with an uploaded file. One time carries microseconds."""
    admin = user_for(Role.ADMINISTRATOR)
    staff = user_for(Role.PROGRAMME_STAFF)
    group = Group.objects.create(name="Editors")
    group.permissions.set(Permission.objects.filter(codename__startswith="view_")[:3])
    staff.groups.add(group)
    georgia = Country.objects.get(iso2="GE")
    ministry = Organisation.objects.create(name="Ministry of Justice", sector="ministry", country=georgia)
    person = Person.objects.create(first_name="Nino", last_name="Beridze", organisation=ministry, country=georgia)
    person.created_at = datetime.datetime(2024, 3, 1, 9, 30, 15, 123456, tzinfo=datetime.UTC)
    person.save(update_fields=["created_at"])
    log_action(person, "people.person.created", user=staff, after={"last_name": "Beridze"})
    job = Job.objects.create(
        kind="events.participants", file=ContentFile(b"name;e-mail\nNino;n@example.org\n", "p.csv")
    )
    job.file_name = "participants.csv"
    job.save(update_fields=["file_name"])
    return {"admin": admin, "person": person, "job": job}


def database_url(name: str) -> str:
    conf = connection.settings_dict
    address = f"{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}"
    return f"postgres://{conf['USER']}:{conf['PASSWORD'] or ''}@{address}/{name}"


def server_connection(dbname: str = "postgres"):
    conf = connection.settings_dict
    return psycopg.connect(
        dbname=dbname,
        user=conf["USER"],
        password=conf["PASSWORD"] or None,
        host=conf["HOST"] or "127.0.0.1",
        port=conf["PORT"] or 5432,
        autocommit=True,
    )


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database of this test's own, dropped afterwards: (its DATABASE_URL, a function counting a table)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"

        def count(table):
            with sqlite3.connect(path) as db:
                return db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]

        yield f"sqlite:///{path}", count
        return
    name = f"{connection.settings_dict['NAME']}_restored"  # per test database, so per xdist worker
    with server_connection() as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}"')
    restored = server_connection(name)

    def count(table):
        return restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]

    try:
        yield database_url(name), count
    finally:
        restored.close()
        with server_connection() as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_manage(*args, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_backup_restores_every_row_and_file_into_a_fresh_database(records, tmp_path, fresh_database):
    url, count_restored = fresh_database
    out = io.StringIO()
    call_command("backup", output=str(tmp_path / "backups") + "/", stdout=out, stderr=io.StringIO())
    [archive] = (tmp_path / "backups").glob("octopus-backup-*.tar.gz")
    assert f"Backup written to {archive}." in out.getvalue()
    source_counts = every_table_count()
    source_files = file_hashes(Path(settings.MEDIA_ROOT))
    assert records["job"].file.name in source_files

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        dump = tar.extractfile("database.jsonl").read()
    assert manifest["tables"] == source_counts
    assert {name: part["sha256"] for name, part in manifest["media"].items()} == source_files
    assert manifest["parts"]["database.jsonl"]["sha256"] == hashlib.sha256(dump).hexdigest()
    assert manifest["octopus_version"] and manifest["engine"] == connection.vendor
    assert datetime.datetime.fromisoformat(manifest["created_at"]) <= timezone.now()

    restored_media = tmp_path / "restored-media"
    done = run_manage("restore", str(archive), env={"DATABASE_URL": url, "MEDIA_ROOT": str(restored_media)})
    assert done.returncode == 0, done.stderr
    assert "Every table's row count matches the manifest." in done.stdout

    assert {table: count_restored(table) for table in source_counts} == source_counts
    assert file_hashes(restored_media) == source_files
    if connection.vendor == "postgresql":
        # Exactly: the same ids and times to the microsecond, and the sequences go on after the highest id.
        with server_connection(url.rsplit("/", 1)[1]) as restored:
            created = restored.execute(
                "SELECT created_at FROM people_person WHERE id = %s", [records["person"].pk]
            ).fetchone()[0]
            assert created == records["person"].created_at
            restored.execute(
                "INSERT INTO auth_group (name) VALUES ('After restore') RETURNING id"
            )  # would collide with a restored id if the sequence had not moved on
            assert restored.execute("SELECT COUNT(*) FROM auth_group").fetchone()[0] == source_counts["auth_group"] + 1

    again = run_manage("restore", str(archive), env={"DATABASE_URL": url, "MEDIA_ROOT": str(restored_media)})
    assert again.returncode != 0
    assert "The database holds data" in again.stderr


def rewrite(archive: Path, into: Path, change) -> Path:
    """A copy of the archive with `change(name, data)` applied to each member's bytes (None drops the member)."""
    with tarfile.open(archive) as source, tarfile.open(into, "w:gz") as target:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            if data is not None:
                member.size = len(data)
                target.addfile(member, io.BytesIO(data))
    return into


def altered_row(name: str, data: bytes) -> bytes:
    return data.replace(b'"Beridze"', b'"Someone else"') if name == "database.jsonl" else data


def altered_file(name: str, data: bytes) -> bytes:
    return data + b"Mallory;m@example.org\n" if name.startswith("media/") else data


def dropped_file(name: str, data: bytes) -> bytes | None:
    return None if name.startswith("media/") else data


@pytest.mark.parametrize(
    ("change", "named"),
    [(altered_row, "altered: database.jsonl"), (altered_file, "altered: media/"), (dropped_file, "missing: media/")],
)
def test_an_archive_that_does_not_match_its_manifest_changes_nothing(records, tmp_path, change, named):
    call_command("backup", output=str(tmp_path / "good.tar.gz"), stdout=io.StringIO(), stderr=io.StringIO())
    tampered = rewrite(tmp_path / "good.tar.gz", tmp_path / "tampered.tar.gz", change)
    records["person"].delete()  # so that a restore would show: the database differs from the archive
    before, files_before = every_table_count(), file_hashes(Path(settings.MEDIA_ROOT))

    with pytest.raises(CommandError, match=named) as refused:
        call_command("restore", str(tampered), force=True, stdout=io.StringIO(), stderr=io.StringIO())

    assert "Nothing was restored." in str(refused.value)
    assert every_table_count() == before
    assert file_hashes(Path(settings.MEDIA_ROOT)) == files_before


def test_not_an_archive_is_refused(tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(gzip.compress(b"not a tar file"))
    with pytest.raises(CommandError, match="not a readable backup archive"):
        call_command("restore", str(bogus), force=True, stdout=io.StringIO(), stderr=io.StringIO())


def test_restore_refuses_a_database_that_holds_data_unless_forced(records, tmp_path):
    call_command("backup", output=str(tmp_path / "a.tar.gz"), stdout=io.StringIO(), stderr=io.StringIO())
    archived = every_table_count()
    job_file = Path(settings.MEDIA_ROOT) / records["job"].file.name
    files = file_hashes(Path(settings.MEDIA_ROOT))
    Person.objects.create(last_name="Added after the backup")
    (Path(settings.MEDIA_ROOT) / "added-after.txt").write_bytes(b"new")
    before = every_table_count()

    with pytest.raises(CommandError, match="The database holds data"):
        call_command("restore", str(tmp_path / "a.tar.gz"), stdout=io.StringIO(), stderr=io.StringIO())
    assert every_table_count() == before

    out = io.StringIO()
    call_command("restore", str(tmp_path / "a.tar.gz"), force=True, stdout=out, stderr=io.StringIO())
    assert every_table_count() == archived
    assert not Person.objects.filter(last_name="Added after the backup").exists()
    assert file_hashes(Path(settings.MEDIA_ROOT)) == files
    assert job_file.read_bytes().startswith(b"name;e-mail")
    assert "Every table's row count matches the manifest." in out.getvalue()
