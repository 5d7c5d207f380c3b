"""Backup and restore: one archive holds the whole database, every uploaded file and a manifest that vouches for both.

The archive is a gzipped tar:
- `database.jsonl`: every row of every model table, one JSON object a line (Django's serialisation without
  natural keys, so primary keys and the foreign keys that point to them come back as they were). The same file
  restores into SQLite or PostgreSQL, whichever wrote it. Times keep their microseconds (Django's own JSON encoder
  cuts them to milliseconds), and many-to-many links are written as the rows of their tables, ids included.
- `media/…`: every file under MEDIA_ROOT.
- `manifest.json`, last: the Octopus version and git commit, the time, the database engine, the migrations applied,
  each table's row count, and the SHA-256 and size of the dump and of every file.

Why a JSON dump rather than pg_dump or SQLite's backup API: it needs no client program matching the server's
version, it restores into either engine (a development SQLite copy can seed a PostgreSQL server), and it is read
through the models, so the restore checks it row by row. What it does not carry are tables no model owns (the
migration history is rebuilt by migrating; a cache table holds nothing worth keeping).

Restore verifies every hash before it changes anything, refuses a database or media folder that holds data unless
forced, migrates the database to the state the archive was made at, loads every row in one transaction, checks each
table's count against the manifest (any difference rolls the load back), puts the files in place, then migrates to
the current code.
"""

import datetime
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.management.sql import sql_flush
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer as JSONLinesSerializer
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from tqdm import tqdm

from octopus.lib.errors import DomainError
from octopus.site.media import CHUNK, media_root, sha256_of, stored_files

FORMAT = "octopus-backup"
FORMAT_VERSION = 1
DATABASE_PART = "database.jsonl"
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
# Filled by `migrate` itself (post_migrate): they do not make a database "hold data".
MIGRATE_FILLS = {"django_content_type", "auth_permission"}


class BackupError(DomainError):
    """The archive cannot be written or restored; the message says why, and nothing was changed."""


@dataclass(frozen=True)
class Restored:
    manifest: dict
    objects: int
    files: int


def _bars(stream: IO | None):
    """A tqdm factory that draws on `stream`, or draws nothing."""
    return partial(tqdm, file=stream, disable=stream is None, leave=False)


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class RowSerializer(JSONLinesSerializer):
    """JSON lines, with many-to-many links left to the rows of their own tables (dumped as models of their own)."""

    def handle_m2m_field(self, obj, field):
        pass


# Version and provenance --------------------------------------------------------------------------------------------


def octopus_version() -> str | None:
    try:
        with (settings.BASE_DIR / "pyproject.toml").open("rb") as file:
            return tomllib.load(file)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return None


def git_commit() -> str | None:
    try:
        done = subprocess.run(  # noqa: S603
            ["git", "rev-parse", "HEAD"],  # noqa: S607
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


# What the database holds -------------------------------------------------------------------------------------------


def dumped_models(using: str = DEFAULT_DB_ALIAS) -> list[type[models.Model]]:
    """Every model whose rows live in a table of its own, many-to-many link tables included, in a stable order."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and router.allow_migrate_model(using, model)
    ]
    return sorted(found, key=lambda model: model._meta.db_table)


def table_counts(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """The number of rows of every model table that exists in the database."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for model in dumped_models(using):
            table = model._meta.db_table
            if table in existing:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                counts[table] = cursor.fetchone()[0]
    return dict(sorted(counts.items()))


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> list[list[str]]:
    recorder = MigrationRecorder(connections[using])
    if not recorder.has_table():
        return []
    return sorted([app, name] for app, name in recorder.applied_migrations())


def holds_data(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The tables with rows in them, but for those `migrate` fills by itself."""
    return [table for table, count in table_counts(using).items() if count and table not in MIGRATE_FILLS]


# Backup ------------------------------------------------------------------------------------------------------------


def default_archive_name() -> str:
    return f"octopus-backup-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"


def archive_path(output: str | os.PathLike | None) -> Path:
    """Where to write: the path given, inside it when it is a folder, or a timestamped name here."""
    if output is None:
        return Path(default_archive_name())
    path = Path(output)
    is_folder = path.is_dir() or str(output).endswith(("/", os.sep))
    return path / default_archive_name() if is_folder else path


class _HashingReader:
    """Reads a file for the archive and hashes exactly the bytes it hands over."""

    def __init__(self, file: IO[bytes]):
        self.file = file
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.file.read(size)
        self.digest.update(chunk)
        return chunk


def _dump_database(path: Path, using: str, bars) -> tuple[dict[str, int], int]:
    """Write every row to `path` from one consistent view of the database; returns the table counts and rows."""
    connection = connections[using]
    # On PostgreSQL every query of the dump reads the database as it was at the first one, whatever commits
    # meanwhile (inside an outer transaction, as under tests, that transaction's view is already one).
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    if snapshot:
        with connection.cursor() as cursor:
            cursor.execute("SET default_transaction_isolation = 'repeatable read'")
    try:
        with transaction.atomic(using=using):
            counts = table_counts(using)
            serializer = RowSerializer()
            with (
                path.open("w", encoding="utf-8") as stream,
                bars(total=sum(counts.values()), desc="Database", unit="row") as bar,
            ):

                def counted(rows):
                    for row in rows:
                        yield row
                        bar.update()

                for model in dumped_models(using):
                    rows = model._base_manager.using(using).order_by("pk").iterator(chunk_size=2000)
                    serializer.serialize(counted(rows), stream=stream, cls=ExactJSONEncoder)
    finally:
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("RESET default_transaction_isolation")
    return counts, sum(counts.values())


def backup(
    output: str | os.PathLike | None = None, *, using: str = DEFAULT_DB_ALIAS, progress: IO | None = None
) -> tuple[Path, dict]:
    """Write the archive; returns its path and manifest. The archive appears under its name only once complete."""
    bars = _bars(progress)
    path = archive_path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial_path = path.with_name(path.name + ".partial")
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "octopus_version": octopus_version(),
        "git_commit": git_commit(),
        "created_at": timezone.now().isoformat(),
        "engine": connections[using].vendor,
        "migrations": applied_migrations(using),
    }
    root = media_root()
    with tempfile.TemporaryDirectory(prefix="octopus-backup-") as work:
        dump = Path(work) / DATABASE_PART
        manifest["tables"], manifest["objects"] = _dump_database(dump, using, bars)
        manifest["parts"] = {DATABASE_PART: {"sha256": sha256_of(dump), "bytes": dump.stat().st_size}}
        names = list(stored_files(root))
        manifest["media"] = {}
        try:
            with tarfile.open(partial_path, "w:gz") as archive:
                archive.add(dump, arcname=DATABASE_PART)
                for name in bars(names, desc="Files", unit="file"):
                    source = root / name
                    info = archive.gettarinfo(source, arcname=MEDIA_PREFIX + name)
                    with source.open("rb") as file:
                        reader = _HashingReader(file)
                        archive.addfile(info, reader)
                    manifest["media"][name] = {"sha256": reader.digest.hexdigest(), "bytes": info.size}
                body = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime = len(body), int(timezone.now().timestamp())
                archive.addfile(info, _BytesReader(body))
            partial_path.replace(path)
        finally:
            partial_path.unlink(missing_ok=True)
    return path, manifest


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.offset = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        chunk, self.offset = self.data[self.offset : end], min(end, len(self.data))
        return chunk


# Restore -----------------------------------------------------------------------------------------------------------


def _member_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"The archive holds a file outside its own folders ({name}); it was not made by backup.")
    return path


def unpack(archive: Path, into: Path, *, progress: IO | None = None) -> dict:
    """Extract the archive into `into` and check it against its manifest; returns the manifest. Raises BackupError,
    naming what is wrong, if a part is missing, extra, or not the one the manifest vouches for."""
    bars = _bars(progress)
    hashes: dict[str, str] = {}
    manifest_bytes = None
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in bars(tar, desc="Checking", unit="file"):
                path = _member_path(member.name)
                if member.isdir():
                    continue
                if not member.isfile():
                    raise BackupError(f"The archive holds something that is not a file ({member.name}).")
                source = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest_bytes = source.read()
                    continue
                target = into.joinpath(*path.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as file:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        file.write(chunk)
                hashes[member.name] = digest.hexdigest()
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"{archive} is not a readable backup archive: {error}.")
    if manifest_bytes is None:
        raise BackupError(f"{archive} has no {MANIFEST}; it was not made by `manage.py backup`.")
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError:
        raise BackupError(f"The {MANIFEST} of {archive} is not valid JSON.")
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{archive} is not an Octopus backup of format {FORMAT_VERSION}.")
    expected = {name: part["sha256"] for name, part in manifest["parts"].items()}
    expected |= {MEDIA_PREFIX + name: part["sha256"] for name, part in manifest["media"].items()}
    problems = [f"missing: {name}" for name in sorted(expected.keys() - hashes.keys())]
    problems += [f"not in the manifest: {name}" for name in sorted(hashes.keys() - expected.keys())]
    problems += [
        f"altered: {name}" for name in sorted(expected.keys() & hashes.keys()) if expected[name] != hashes[name]
    ]
    if problems:
        raise BackupError(
            f"{archive} does not match its manifest ({'; '.join(problems[:10])}"
            + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
            + "). Nothing was restored."
        )
    return manifest


def _migration_targets(executor: MigrationExecutor, applied: set[tuple[str, str]]) -> list[tuple[str, str | None]]:
    """The executor's targets that bring a database to exactly the migrations `applied` (the archive's)."""
    graph = executor.loader.graph
    unknown = sorted(applied - set(graph.nodes))
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"The archive was made by a newer version of Octopus (migrations unknown here: {names}). Restore it with "
            "that version or a later one."
        )
    targets: list[tuple[str, str | None]] = []
    for app in sorted({app for app, _name in graph.nodes}):
        mine = {key for key in applied if key[0] == app}
        leaves = [key for key in mine if not any(child.key in mine for child in graph.node_map[key].children)]
        targets += sorted(leaves) or [(app, None)]
    return targets


def _migrate_to(applied: list[list[str]], using: str, bars) -> None:
    connection = connections[using]
    executor = MigrationExecutor(connection)
    targets = _migration_targets(executor, {tuple(key) for key in applied})
    plan = executor.migration_plan(targets)
    if not plan:
        return
    with bars(total=len(plan), desc="Migrating", unit="migration") as bar:
        executor.progress_callback = lambda action, *args: action.endswith("_success") and bar.update()
        executor.migrate(targets, plan=plan)
    connection.close()  # the migrations may have left the connection's caches describing another schema


def _load(path: Path, manifest: dict, using: str, bars) -> int:
    """Empty every model table and load the dump, in one transaction; the counts must then be the manifest's."""
    connection = connections[using]
    loaded = 0
    with transaction.atomic(using=using):
        connection.check_constraints()  # settles deferred checks, which PostgreSQL's TRUNCATE will not run past
        connection.ops.execute_sql_flush(sql_flush(no_style(), connection, reset_sequences=True, allow_cascade=True))
        with connection.constraint_checks_disabled(), path.open(encoding="utf-8") as stream:
            rows = serializers.deserialize("jsonl", stream, using=using, handle_forward_references=False)
            for row in bars(rows, total=manifest["objects"], desc="Loading", unit="row"):
                row.save(using=using)
                loaded += 1
        connection.check_constraints(table_names=list(manifest["tables"]))
        models_loaded = dumped_models(using)
        sequences = connection.ops.sequence_reset_sql(no_style(), models_loaded)
        if sequences:
            with connection.cursor() as cursor:
                for sql in sequences:
                    cursor.execute(sql)
        counts = table_counts(using)
        wrong = [
            f"{table}: {counts.get(table, 'no table')} rows, the manifest says {count}"
            for table, count in manifest["tables"].items()
            if counts.get(table) != count
        ]
        if wrong:
            raise BackupError(f"The restored counts differ from the manifest ({'; '.join(wrong)}); rolled back.")
    return loaded


def _place_media(staged: Path, bars) -> int:
    """Move the archive's files into MEDIA_ROOT (emptied first when forced)."""
    root = media_root()
    if root.exists():
        for child in root.iterdir():
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    root.mkdir(parents=True, exist_ok=True)
    names = list(stored_files(staged))
    for name in bars(names, desc="Files", unit="file"):
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(staged / name, target)
    return len(names)


def restore(
    archive: str | os.PathLike, *, force: bool = False, using: str = DEFAULT_DB_ALIAS, progress: IO | None = None
) -> Restored:
    """Bring the database and MEDIA_ROOT back to the archive's state. Without `force`, refuses a database whose
    tables hold rows or a MEDIA_ROOT that holds files; with it, empties both (once the archive is checked)."""
    bars = _bars(progress)
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"No archive at {archive}.")
    with tempfile.TemporaryDirectory(prefix="octopus-restore-") as work:
        staging = Path(work)
        manifest = unpack(archive, staging, progress=progress)
        if not force:
            tables = holds_data(using)
            if tables:
                raise BackupError(
                    f"The database holds data ({', '.join(tables[:5])}{'…' if len(tables) > 5 else ''}). Restore "
                    "into a new database, or pass --force to replace everything in it."
                )
            if next(stored_files(), None) is not None:
                raise BackupError(
                    f"{media_root()} holds files. Restore into an empty folder, or pass --force to replace them."
                )
        _migrate_to(manifest["migrations"], using, bars)
        objects = _load(staging / DATABASE_PART, manifest, using, bars)
        files = _place_media(staging / MEDIA_PREFIX.rstrip("/"), bars)
    # Then on to the migrations of this code (and what they add: content types and permissions of new models).
    call_command("migrate", database=using, interactive=False, verbosity=0)
    call_command("createcachetable", database=using, verbosity=0)  # a database cache's table belongs to no model
    return Restored(manifest=manifest, objects=objects, files=files)


def describe(manifest: dict) -> Iterator[str]:
    """A few lines about an archive, for the commands to print."""
    version = manifest.get("octopus_version") or "unknown version"
    commit = (manifest.get("git_commit") or "")[:12] or "no commit"
    yield f"Made {manifest['created_at']} by Octopus {version} ({commit}) on {manifest['engine']}."
    yield f"{manifest['objects']} rows in {len(manifest['tables'])} tables; {len(manifest['media'])} files."
