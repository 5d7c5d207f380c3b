"""The write path for people and organisations (DESIGN.md §7.3)."""

from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext as _

from octopus.accounts.models import AuditEntry
from octopus.accounts.services import log_action, snapshot
from octopus.lib.errors import DomainError
from octopus.lib.hooks import Hook
from octopus.lib.locking import locked_for_update
from octopus.people.models import Consent, Organisation, Person

PERSON_FIELDS = ("title", "first_name", "last_name", "sex", "email", "phone", "position", "organisation", "country")


def find_person(*, email: str = "") -> Person | None:
    """The current (not merged) person with this e-mail, if any."""
    email = email.strip().lower()
    if not email:
        return None
    return Person.objects.current().filter(email=email).order_by("pk").first()


@transaction.atomic
def create_person(*, user, is_sample: bool = False, **fields) -> Person:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise DomainError(_("Unknown fields for a person: %s.") % ", ".join(sorted(unknown)))
    if not fields.get("last_name", "").strip():
        raise DomainError(_("A person needs a last name."))
    person = Person.objects.create(is_sample=is_sample, **fields)
    log_action(person, "people.person.created", user=user, after=snapshot(person))
    return person


def find_or_create_person(*, user, is_sample: bool = False, **fields) -> tuple[Person, bool]:
    """The person with this e-mail, or a new one; an existing record is not changed."""
    found = find_person(email=fields.get("email", ""))
    if found is not None:
        return found, False
    return create_person(user=user, is_sample=is_sample, **fields), True


@transaction.atomic
def record_consent(person: Person, *, purpose: str, granted: bool, user, source: str = "") -> Consent:
    consent, _created = Consent.objects.update_or_create(
        person=person, purpose=purpose, defaults={"granted": granted, "recorded_by": user, "source": source}
    )
    log_action(person, "people.consent.recorded", user=user, data={"purpose": purpose, "granted": granted})
    return consent


@transaction.atomic
def create_organisation(
    *, name: str, sector: str, country=None, acronym: str = "", user, is_sample=False, existing_ok: bool = False
):
    """Record an organisation; one of the same name in the same country is refused, or returned with
    `existing_ok` (a registration naming it), also when someone else records it at the same moment."""
    name = name.strip()
    found = Organisation.objects.filter(name__iexact=name, country=country).first()
    if found is not None and existing_ok:
        return found
    if found is not None:
        raise DomainError(_("%(name)s is already recorded for this country.") % {"name": found.name})
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=name, sector=sector, country=country, acronym=acronym, is_sample=is_sample
            )
    except IntegrityError:  # recorded by a concurrent request since the check above
        if not existing_ok:
            raise DomainError(_("%(name)s is already recorded for this country.") % {"name": name}) from None
        return Organisation.objects.get(name__iexact=name, country=country)
    log_action(organisation, "people.organisation.created", user=user, after=snapshot(organisation))
    return organisation


@transaction.atomic
def update_person(person: Person, *, version: int | None, user, **fields) -> Person:
    """Change a person's details; ConflictError if someone saved the record since `version` was read."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise DomainError(_("Unknown fields for a person: %s.") % ", ".join(sorted(unknown)))
    current = locked_for_update(
        Person,
        person.pk,
        version,
        stale=_("Someone changed this person while you were editing; reload to see their change."),
    )
    if current.merged_into_id:
        raise DomainError(_("This record was merged into another one; edit that one instead."))
    if current.anonymised_at:
        raise DomainError(_("This person's data was erased; the record only keeps counts."))
    if "last_name" in fields and not fields["last_name"].strip():
        raise DomainError(_("A person needs a last name."))
    before = snapshot(current)
    for name, value in fields.items():
        setattr(current, name, value)
    current.version += 1
    current.save()
    log_action(current, "people.person.updated", user=user, before=before, after=snapshot(current))
    return current


@transaction.atomic
def update_organisation(organisation: Organisation, *, user, **fields) -> Organisation:
    """Change an organisation's name, acronym, sector or country; names stay unique per country."""
    current = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = snapshot(current)
    for name in ("name", "acronym", "sector", "country"):
        if name in fields:
            setattr(current, name, fields[name].strip() if isinstance(fields[name], str) else fields[name])
    clash = Organisation.objects.filter(name__iexact=current.name, country=current.country).exclude(pk=current.pk)
    if clash.exists():
        raise DomainError(_("%(name)s is already recorded for this country.") % {"name": current.name})
    current.save()
    log_action(current, "people.organisation.updated", user=user, before=before, after=snapshot(current))
    return current


@transaction.atomic
def merge_organisations(keep: Organisation, duplicate: Organisation, *, user) -> Organisation:
    """Fold an organisation recorded twice into the one kept: its people (and anything else pointing at it) move
    to `keep`, which takes the duplicate's acronym if it has none; the duplicate is deleted. Counts by sector then
    read the kept organisation's sector."""
    if keep.pk == duplicate.pk:
        raise DomainError(_("Choose two different organisations to merge."))
    locked = Organisation.objects.select_for_update().in_bulk([keep.pk, duplicate.pk])
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    before = {"kept": snapshot(keep), "merged": snapshot(duplicate)}
    moved = {}
    for relation in Organisation._meta.related_objects:
        if relation.many_to_many:
            continue
        model, field = relation.related_model, relation.field.name
        count = model._base_manager.filter(**{field: duplicate}).update(**{field: keep})
        if count:
            moved[model._meta.label_lower] = count
    if not keep.acronym and duplicate.acronym:
        keep.acronym = duplicate.acronym
        keep.save(update_fields=["acronym"])
    log_action(
        keep,
        "people.organisation.merged",
        user=user,
        before=before,
        after=snapshot(keep),
        data={"merged": duplicate.pk, "moved": moved},
    )
    duplicate.delete()
    return keep


def _person_links():
    """Every relation of another model pointing at a person (registrations, attendance roles, …), found through
    the model graph so that this app needs to know none of the apps above it."""
    for relation in Person._meta.related_objects:
        if relation.related_model in (Person, Consent) or relation.many_to_many:
            continue
        yield relation


# Apps above this one register on this hook how to reconcile their records before a merge moves them (two registrations
# of the same person for one event): each hook gets (keep, duplicate, user=...) inside the merge's transaction.
people_merging = Hook("people.merging")


@transaction.atomic
def merge_people(keep: Person, duplicate: Person, *, user) -> Person:
    """Fold `duplicate` into `keep`: every record pointing at the duplicate (registrations, session roles, …) moves
    to `keep`, blank details of `keep` are filled from the duplicate, the most recent answer per consent purpose
    wins, and the duplicate stays as a pointer (`merged_into`) so that old links still resolve. Nothing is lost: the
    apps holding records reconcile them first (`people_merging`); if two records still cannot be combined, nothing
    changes and the message says so."""
    if keep.pk == duplicate.pk:
        raise DomainError(_("Choose two different people to merge."))
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk])}
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    if keep.merged_into_id or duplicate.merged_into_id:
        raise DomainError(_("One of these records was already merged into another; merge into that one."))
    if keep.anonymised_at or duplicate.anonymised_at:
        raise DomainError(_("An erased record cannot be merged."))
    before = {"kept": snapshot(keep), "merged": snapshot(duplicate)}
    people_merging.run(keep, duplicate, user=user)
    moved = {}
    for relation in _person_links():
        model, field = relation.related_model, relation.field.name
        try:
            with transaction.atomic():
                count = model._base_manager.filter(**{field: duplicate}).update(**{field: keep})
        except IntegrityError:
            raise DomainError(
                _(
                    "Both records have %(things)s that cannot be combined (for example two registrations for the "
                    "same event). Cancel or remove one of them, then merge."
                )
                % {"things": model._meta.verbose_name_plural}
            ) from None
        if count:
            moved[model._meta.label_lower] = count
    for consent in duplicate.consents.all():
        mine = keep.consents.filter(purpose=consent.purpose).first()
        if mine is None:
            consent.person = keep
            consent.save(update_fields=["person"])
        elif consent.recorded_at > mine.recorded_at:
            mine.granted, mine.recorded_at, mine.recorded_by, mine.source = (
                consent.granted,
                consent.recorded_at,
                consent.recorded_by,
                consent.source,
            )
            mine.save()
    duplicate.consents.all().delete()  # the older answers: the audit trail keeps them
    for name in PERSON_FIELDS:
        if not getattr(keep, name) and getattr(duplicate, name):
            setattr(keep, name, getattr(duplicate, name))
    keep.version += 1
    keep.save()
    Person.objects.filter(merged_into=duplicate).update(merged_into=keep)
    duplicate.merged_into = keep
    duplicate.version += 1
    duplicate.save(update_fields=["merged_into", "version"])
    log_action(
        keep,
        "people.person.merged",
        user=user,
        before=before,
        after=snapshot(keep),
        data={"merged": duplicate.pk, "moved": moved},
    )
    return keep


ERASED_NAME = "—"


# Apps above this one register on this hook what they hold about a person beyond links (e.g. answers to a registration
# form): each hook gets the records about to be erased, inside the same transaction, and blanks its own data.
people_erasing = Hook("people.erasing")
PERSONAL_FIELDS = ("title", "first_name", "last_name", "email", "phone", "position")


def _redacted(data):
    """A copy of audit data with the personal fields blanked, however deep (a merge keeps both records)."""
    if isinstance(data, dict):
        return {k: ERASED_NAME if k in PERSONAL_FIELDS and v else _redacted(v) for k, v in data.items()}
    return data


def _scrub_audit(person: Person) -> None:
    """The audit trail keeps what happened, not who it was: the person's details in the before/after copies of
    their record, and their name in the labels of entries about their records (a registration "NAME – event")."""
    for entry in AuditEntry.objects.about(person):
        entry.before, entry.after = _redacted(entry.before), _redacted(entry.after)
        entry.object_repr = ERASED_NAME
        entry.save(update_fields=["before", "after", "object_repr"])
    if not person.last_name:
        return
    name = person.full_name
    for relation in _person_links():
        model, field = relation.related_model, relation.field.name
        ids = [str(pk) for pk in model._base_manager.filter(**{field: person}).values_list("pk", flat=True)]
        if ids:
            AuditEntry.objects.filter(object_type=model._meta.label_lower, object_id__in=ids).update(
                object_repr=Replace("object_repr", Value(name), Value(ERASED_NAME))
            )


def _blank(person: Person) -> None:
    person.title = person.first_name = person.email = person.phone = person.position = ""
    person.last_name = ERASED_NAME


@transaction.atomic
def anonymise_person(person: Person, *, user, reason: str) -> Person:
    """Erase what identifies a person, keeping what counts: sex, country represented and organisation (hence
    sector) stay, so every count by country, sex, sector and role is the same after as before. Records merged into
    this person are erased too; consents go (there is no one left to ask). Used on request and at the end of an
    event's retention period. Calling it again changes nothing."""
    if not reason.strip():
        raise DomainError(_("Say why the data is erased (the request, or the retention period that ended)."))
    current = Person.objects.select_for_update().get(pk=person.pk)
    if current.merged_into_id:
        raise DomainError(_("This record was merged into another one; erase that one."))
    if current.anonymised_at:
        return current
    now = timezone.now()
    records = [current, *Person.objects.select_for_update().filter(merged_into=current)]
    people_erasing.run(records)
    for record in records:
        _scrub_audit(record)
        _blank(record)
        record.anonymised_at = now
        record.version += 1
        record.save()
        record.consents.all().delete()
    log_action(current, "people.person.anonymised", user=user, data={"reason": reason.strip()})
    return current


def _row(obj) -> dict:
    return {"id": obj.pk, **{k: v for k, v in snapshot(obj).items() if k != "id"}}


def export_person_data(person: Person, *, user) -> dict:
    """Everything held about a person (Convention 108+, right of access): their details, consents, every record
    that points at them (registrations, attendance roles, …) and the audit trail of their record, as JSON-ready
    data. The export itself is logged."""
    records = [person, *Person.objects.filter(merged_into=person)]
    linked: dict[str, list[dict]] = {}  # model label → its rows that point at the person
    data = {
        "exported_at": timezone.now().isoformat(),
        "person": _row(person),
        "organisation": _row(person.organisation) if person.organisation else None,
        "country": person.country.name if person.country else None,
        "merged_records": [_row(p) for p in records[1:]],
        "consents": [
            {"purpose": c.purpose, "granted": c.granted, "recorded_at": c.recorded_at.isoformat(), "source": c.source}
            for c in Consent.objects.filter(person__in=records).order_by("purpose")
        ],
        "records": linked,
    }
    for relation in _person_links():
        model, field = relation.related_model, relation.field.name
        rows = [_row(obj) for obj in model._base_manager.filter(**{f"{field}__in": records}).order_by("pk")]
        if rows:
            linked[model._meta.label_lower] = rows
    data["history"] = [
        {"at": e.at.isoformat(), "action": e.action, "data": e.data}
        for e in AuditEntry.objects.filter(
            object_type=Person._meta.label_lower, object_id__in=[str(p.pk) for p in records]
        ).order_by("at", "pk")
    ]
    log_action(person, "people.person.exported", user=user)
    return data
