"""The write path for people and organisations (DESIGN.md §7.3)."""

from django.db import transaction
from django.utils.translation import gettext as _

from octopus.accounts.services import DomainError, log_action, snapshot
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
def create_organisation(*, name: str, sector: str, country=None, acronym: str = "", user, is_sample=False):
    name = name.strip()
    found = Organisation.objects.filter(name__iexact=name, country=country).first()
    if found is not None:
        raise DomainError(_("%(name)s is already recorded for this country.") % {"name": found.name})
    organisation = Organisation.objects.create(
        name=name, sector=sector, country=country, acronym=acronym, is_sample=is_sample
    )
    log_action(organisation, "people.organisation.created", user=user, after=snapshot(organisation))
    return organisation
