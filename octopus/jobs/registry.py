"""The kinds of job apps run. An app registers each kind in its AppConfig.ready(): the name, the function that
runs it, the permission to read and re-run its jobs, and what its page says; the jobs app never imports an app
above it."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


def _nothing(job) -> list:
    return []


def _no_summary(job) -> str:
    return ""


@dataclass(frozen=True)
class Kind:
    name: str
    run: Callable  # run(job, progress) -> outcome (a dict kept on the job)
    permission: str  # who may read its jobs, and run them again
    label: object = _("Background job")
    steps: object = _("lines")  # what its progress counts: "4 of 12 lines", "4 of 12 indicators"
    summary: Callable = _no_summary  # summary(job) -> what a done job did, in a sentence
    links: Callable = _nothing  # links(job) -> [(label, url)] shown under the outcome
    readable: Callable | None = field(default=None)  # readable(user, job) -> bool, when the permission depends on it

    def may_read(self, user, job) -> bool:
        if not getattr(user, "is_authenticated", False) or not user.has_perm(self.permission):
            return False
        return self.readable is None or self.readable(user, job)


KINDS: dict[str, Kind] = {}


def register(name: str, run: Callable, *, permission: str, **options) -> Kind:
    """Declare a kind of job; registering the same name again replaces it (a reloaded module)."""
    KINDS[name] = kind = Kind(name, run, permission, **options)
    return kind


def get(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise LookupError(f"No job kind {name!r} is registered.") from None
