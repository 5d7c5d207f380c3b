"""Which programme(s) a record serves, and reading only a programme's records.

Every record that can count — events of every kind, legislative advice, questionnaire rounds… — is assigned to the
programmes it serves through `Assignment` (one table for every kind of record). The app that owns a kind of record
registers it here (`register_countable`) so the programme pages can list what is not yet assigned, and its metrics
filter their querysets with `scoped()`, which reads the programmes of the current reading (`lib.metrics.scope`). A
record with no assignment counts for no programme; a record shared by two programmes counts once for each, and once
in a total over both (the filter is a subquery, never a join that could repeat a row).

Funded travel and the costs brought in from events follow their event's assignments; expenditure names its
programme itself (funding).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from octopus.lib.metrics import Scope, scope
from octopus.results.models import Assignment, Programme

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Countable:
    model: type[Model]
    label: str  # plural, for people: "Events"
    edit_url: Callable[[Model], str]  # where a record's programmes are set
    queryset: Callable[[], QuerySet]  # the records that should serve a programme (e.g. not cancelled)


_countables: dict[str, Countable] = {}


def register_countable(model, *, label, edit_url, queryset=None) -> None:
    """Declare that records of `model` count for programmes; called once by the owning app at start-up."""
    _countables[model._meta.label_lower] = Countable(model, label, edit_url, queryset or model.objects.all)


def countables() -> list[Countable]:
    return list(_countables.values())


def content_type(model) -> ContentType:
    return ContentType.objects.get_for_model(model, for_concrete_model=False)


def assigned_ids(model, programmes: Iterable[int]) -> QuerySet:
    """A subquery of the ids of `model` records serving any of `programmes`."""
    return Assignment.objects.filter(content_type=content_type(model), programme_id__in=list(programmes)).values(
        "object_id"
    )


def serving(queryset: QuerySet, programmes: Iterable[int]) -> QuerySet:
    """The records of `queryset` that serve any of `programmes`, each once."""
    return queryset.filter(pk__in=assigned_ids(queryset.model, programmes))


def scoped(queryset: QuerySet, *, via: str = "") -> QuerySet:
    """`queryset` narrowed to what the current reading counts: the records serving its programmes (through the
    related record `via` names, e.g. "event" for registrations) and, unless sample records count, no sample record."""
    current = scope()
    if current.programmes is not None:
        if via:
            related = queryset.model._meta.get_field(via).related_model
            queryset = queryset.filter(**{f"{via}__in": serving(related.objects.all(), current.programmes)})
        else:
            queryset = serving(queryset, current.programmes)
    if not current.sample:
        sample_field = f"{via}__is_sample" if via else "is_sample"
        queryset = queryset.filter(**{sample_field: False})
    return queryset


def programme_scope(*programmes) -> Scope:
    """What a reading of `programmes` counts: their own records; sample records only when they are all sample
    programmes (a real programme never counts a sample record)."""
    return Scope(programmes=frozenset(p.pk for p in programmes), sample=all(p.is_sample for p in programmes))


def unassigned(queryset: QuerySet) -> QuerySet:
    """The records of `queryset` that serve no programme."""
    model = queryset.model
    return queryset.exclude(pk__in=Assignment.objects.filter(content_type=content_type(model)).values("object_id"))


def assignments_of(record) -> list[Assignment]:
    return list(
        Assignment.objects.filter(content_type=content_type(type(record)), object_id=record.pk)
        .select_related("programme", "activity")
        .order_by("programme__starts_on", "programme__code")
    )


def shares_by_record(model, ids: Iterable[int]) -> dict[int, dict[int, Decimal]]:
    """Record id → {programme id: share %} for many records at once (one query): for splitting their cost."""
    found: dict[int, dict[int, Decimal]] = {}
    rows = Assignment.objects.filter(content_type=content_type(model), object_id__in=list(ids))
    for object_id, programme_id, share in rows.values_list("object_id", "programme_id", "share"):
        found.setdefault(object_id, {})[programme_id] = share
    return found


def not_assigned(programme: Programme, shown: int = 5) -> list[dict]:
    """Records that can count but serve no programme (real ones for a real programme, sample ones for a sample
    programme), a few of each kind with the page where their programme is set. Two queries per kind of record."""
    groups = []
    for countable in countables():
        records = unassigned(countable.queryset())
        if any(f.name == "is_sample" for f in countable.model._meta.get_fields()):
            records = records.filter(is_sample=programme.is_sample)
        count = records.count()
        first = [(record, countable.edit_url(record)) for record in records[:shown]]  # always read: a fixed count
        if count:
            groups.append(
                {"key": countable.model._meta.label_lower, "label": countable.label, "count": count, "records": first}
            )
    return groups
