"""Optimistic concurrency with a row lock: concurrent edits never silently overwrite each other."""

from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from octopus.lib.errors import ConflictError

STALE = _("Someone changed this record while you were editing it; reload to see their change.")


def locked_for_update[M: Model](
    rows: type[M] | QuerySet[M], pk: object, version: int | None, *, stale: StrOrPromise = STALE
) -> M:
    """Row `pk` of `rows` (a model or a queryset) locked until the transaction ends, so that concurrent writes go
    one after the other; ConflictError when `version`, the one the user read, is no longer the row's (None: the
    caller saw no version, e.g. a command)."""
    # Any: `version` is a field of each locked model, not of Model.
    queryset: QuerySet[Any] = rows._default_manager.all() if isinstance(rows, type) else rows
    current = queryset.select_for_update().get(pk=pk)
    if version is not None and current.version != version:
        raise ConflictError(stale)
    return current
