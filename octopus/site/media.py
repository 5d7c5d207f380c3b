"""The uploaded files under MEDIA_ROOT: which there are, which records point to them, and the orphans in between.

An upload is written to disk before the transaction that records it commits; when that transaction rolls back, the
file stays behind and no record names it. `remove_orphan_files` finds those: files under MEDIA_ROOT that no
FileField of any model refers to. It leaves alone files younger than a grace period, which may belong to an upload
whose transaction has not committed yet.
"""

import datetime
import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

CHUNK = 1024 * 1024


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def stored_files(root: Path | None = None) -> Iterator[str]:
    """Every regular file under `root` (MEDIA_ROOT by default), as the storage names it: a relative path with
    forward slashes, in a stable order. Symbolic links are neither followed nor listed."""
    root = root or media_root()
    if not root.is_dir():
        return
    for folder, folders, files in os.walk(root):
        folders.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_fields() -> Iterator[tuple[type[models.Model], models.FileField]]:
    """Every concrete FileField (ImageField included) of every installed model."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and field.model is model:
                yield model, field


def referenced_files() -> set[str]:
    """The names of every file a record points to."""
    names: set[str] = set()
    for model, field in file_fields():
        values = model._base_manager.exclude(**{field.attname: ""}).exclude(**{f"{field.attname}__isnull": True})
        names.update(values.values_list(field.attname, flat=True).iterator())
    return names


def orphan_files(min_age: datetime.timedelta = datetime.timedelta(hours=1)) -> list[str]:
    """Files under MEDIA_ROOT that no record refers to, last modified at least `min_age` ago."""
    root = media_root()
    referenced = referenced_files()
    cutoff = time.time() - min_age.total_seconds()
    return [name for name in stored_files(root) if name not in referenced and (root / name).stat().st_mtime <= cutoff]


def remove_files(names: list[str]) -> None:
    """Delete these files under MEDIA_ROOT, then the folders they leave empty (MEDIA_ROOT itself stays)."""
    root = media_root()
    for name in names:
        (root / name).unlink(missing_ok=True)
    for folder in sorted({(root / name).parent for name in names}, key=lambda path: len(path.parts), reverse=True):
        while folder != root and folder.is_relative_to(root) and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
