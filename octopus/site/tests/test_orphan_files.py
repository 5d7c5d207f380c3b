"""Rolling back a transaction that stored an uploaded file leaves the file on disk with no record naming it;
`manage.py remove_orphan_files` removes such files and keeps every file a record refers to."""

import io
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction

from octopus.jobs.models import Job

pytestmark = pytest.mark.django_db


class RolledBack(Exception):
    pass


def stored() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def run(**options) -> str:
    out = io.StringIO()
    call_command("remove_orphan_files", stdout=out, **options)
    return out.getvalue()


def test_the_file_of_a_rolled_back_upload_is_removed_and_referenced_files_stay():
    kept = Job.objects.create(kind="events.participants", file=ContentFile(b"kept\n", "kept.csv"))
    with pytest.raises(RolledBack), transaction.atomic():
        Job.objects.create(kind="events.participants", file=ContentFile(b"lost\n", "lost.csv"))
        raise RolledBack
    [orphan] = stored() - {kept.file.name}
    assert "lost" in orphan
    assert not Job.objects.filter(file=orphan).exists()

    # Within the grace period the file may belong to an upload still in its transaction: left alone.
    assert "0 orphan files removed; 2 files kept." in run()

    assert f"  {orphan}\n1 of 2 files" in run(dry_run=True, min_age=0)
    assert stored() == {kept.file.name, orphan}

    assert "1 orphan files removed; 1 files kept." in run(min_age=0)
    assert stored() == {kept.file.name}
    kept.refresh_from_db()
    assert kept.file.read() == b"kept\n"


def test_an_old_orphan_goes_with_the_default_grace_period():
    root = Path(settings.MEDIA_ROOT)
    (root / "leftover").mkdir(parents=True)
    old = root / "leftover" / "old.pdf"
    old.write_bytes(b"%PDF-1.4")
    two_hours_ago = time.time() - 2 * 3600
    os.utime(old, (two_hours_ago, two_hours_ago))

    assert "1 orphan files removed; 0 files kept." in run()
    assert not old.exists()
    assert not (root / "leftover").exists()  # the folder it leaves empty goes too
    assert root.exists()
