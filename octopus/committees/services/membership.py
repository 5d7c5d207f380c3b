"""The write path of committee membership (DESIGN.md §7.3): observer admissions, representatives and the Bureau,
audited. Members are not written: they are the Parties, derived from the treaty actions."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from octopus.accounts.services import log_action, snapshot
from octopus.committees.models import (
    BureauRole,
    BureauTerm,
    Committee,
    ObserverAdmission,
    Representative,
    RepresentativeRole,
)
from octopus.committees.queries.membership import membership_at
from octopus.lib.errors import DomainError
from octopus.people.models import Person
from octopus.people.services import find_or_create_person


@transaction.atomic
def admit_observer(
    committee: Committee, *, admitted_on: datetime.date, user, country=None, organisation=None, decision: str = ""
) -> ObserverAdmission:
    """Admit a State or an organisation as observer from a date. A State that is already a Party needs none."""
    if (country is None) == (organisation is None):
        raise DomainError(_("Admit either a State or an organisation."))
    open_admissions = ObserverAdmission.objects.filter(committee=committee, ended_on__isnull=True)
    if open_admissions.filter(country=country, organisation=organisation).exists():
        raise DomainError(_("%(who)s is already an observer.") % {"who": country or organisation})
    if country is not None and membership_at(committee, admitted_on).is_member(country):
        raise DomainError(
            _("%(country)s is a Party on %(date)s, hence a member: it needs no admission.")
            % {"country": country, "date": admitted_on}
        )
    admission = ObserverAdmission.objects.create(
        committee=committee, country=country, organisation=organisation, admitted_on=admitted_on, decision=decision
    )
    log_action(admission, "committees.observer.admitted", user=user, after=snapshot(admission))
    return admission


@transaction.atomic
def end_admission(admission: ObserverAdmission, *, ended_on: datetime.date, user) -> ObserverAdmission:
    """End an observer's admission on a day (it observes until that day included)."""
    current = ObserverAdmission.objects.select_for_update().get(pk=admission.pk)
    if current.ended_on is not None:
        raise DomainError(_("This admission already ended on %(date)s.") % {"date": current.ended_on})
    if ended_on < current.admitted_on:
        raise DomainError(_("An admission cannot end before it began (%(date)s).") % {"date": current.admitted_on})
    before = snapshot(current)
    current.ended_on = ended_on
    current.save(update_fields=["ended_on"])
    log_action(current, "committees.observer.ended", user=user, before=before, after=snapshot(current))
    return current


def _person(person: Person | None, person_fields: dict | None, user, country=None) -> Person:
    """The person named, or the one with the e-mail given, or a new record (people's own service, audited) of the
    State they represent unless said otherwise."""
    if person is not None:
        return person
    if not person_fields or not person_fields.get("last_name"):
        raise DomainError(_("Give the person: at least a last name."))
    fields = {"country": country, **{k: v for k, v in person_fields.items() if v is not None or k != "country"}}
    return find_or_create_person(user=user, **fields)[0]


@transaction.atomic
def appoint_representative(
    committee: Committee,
    *,
    role: str,
    starts_on: datetime.date,
    user,
    country=None,
    organisation=None,
    person: Person | None = None,
    person_fields: dict | None = None,
) -> Representative:
    """Record that a person represents a member or an observer (State or organisation) on the committee from a day.
    The State or organisation must be a member or an observer on that day; a person holds one open seat per holder;
    a holder has one head of delegation at a time."""
    if (country is None) == (organisation is None):
        raise DomainError(_("Say whom the person represents: a State or an organisation."))
    if role not in RepresentativeRole.values:
        raise DomainError(_("Unknown role “%(role)s”.") % {"role": role})
    membership = membership_at(committee, starts_on)
    if country is not None:
        belongs = membership.is_member(country) or membership.is_observer(country=country)
    else:
        belongs = membership.is_observer(organisation=organisation)
    if not belongs:
        raise DomainError(
            _("%(who)s is neither a member nor an observer of %(committee)s on %(date)s.")
            % {"who": country or organisation, "committee": committee, "date": starts_on}
        )
    person = _person(person, person_fields, user, country)
    seats = Representative.objects.select_for_update().filter(
        committee=committee, country=country, organisation=organisation, ends_on__isnull=True
    )
    if seats.filter(person=person).exists():
        raise DomainError(
            _("%(person)s already represents %(who)s.") % {"person": person, "who": country or organisation}
        )
    if role == RepresentativeRole.HEAD and seats.filter(role=RepresentativeRole.HEAD).exists():
        raise DomainError(
            _("%(who)s already has a head of delegation; end that seat first.") % {"who": country or organisation}
        )
    representative = Representative.objects.create(
        committee=committee, country=country, organisation=organisation, person=person, role=role, starts_on=starts_on
    )
    log_action(representative, "committees.representative.appointed", user=user, after=snapshot(representative))
    return representative


@transaction.atomic
def end_representation(representative: Representative, *, ends_on: datetime.date, user) -> Representative:
    """End a representative's seat on a day (included)."""
    current = Representative.objects.select_for_update().get(pk=representative.pk)
    if current.ends_on is not None:
        raise DomainError(_("This seat already ended on %(date)s.") % {"date": current.ends_on})
    if ends_on < current.starts_on:
        raise DomainError(_("A seat cannot end before it began (%(date)s).") % {"date": current.starts_on})
    before = snapshot(current)
    current.ends_on = ends_on
    current.save(update_fields=["ends_on"])
    log_action(current, "committees.representative.ended", user=user, before=before, after=snapshot(current))
    return current


@transaction.atomic
def elect_bureau_member(
    bureau: Committee,
    *,
    country,
    role: str,
    starts_on: datetime.date,
    user,
    ends_on: datetime.date | None = None,
    person: Person | None = None,
    person_fields: dict | None = None,
) -> BureauTerm:
    """Record a person elected to the Bureau for a term. The Bureau is elected among the Parties: the person's State
    must be a member of the parent committee on the first day; one chair at a time; one open term per person."""
    parent = bureau.parent
    if parent is None:
        raise DomainError(_("%(committee)s is not a Bureau.") % {"committee": bureau})
    if role not in BureauRole.values:
        raise DomainError(_("Unknown role “%(role)s”.") % {"role": role})
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(_("A term cannot end before it begins."))
    if not membership_at(parent, starts_on).is_member(country):
        raise DomainError(
            _("%(country)s is not a Party on %(date)s: the Bureau is elected among the members.")
            % {"country": country, "date": starts_on}
        )
    person = _person(person, person_fields, user, country)
    terms = BureauTerm.objects.select_for_update().filter(committee=bureau)
    overlapping = terms.filter(starts_on__lte=ends_on or datetime.date.max).exclude(ends_on__lt=starts_on)
    if overlapping.filter(person=person).exists():
        raise DomainError(_("%(person)s already sits on the Bureau at that time.") % {"person": person})
    if role == BureauRole.CHAIR and overlapping.filter(role=BureauRole.CHAIR).exists():
        raise DomainError(_("The Bureau already has a chair at that time; end that term first."))
    term = BureauTerm.objects.create(
        committee=bureau, person=person, country=country, role=role, starts_on=starts_on, ends_on=ends_on
    )
    log_action(term, "committees.bureau.elected", user=user, after=snapshot(term))
    return term


@transaction.atomic
def end_bureau_term(term: BureauTerm, *, ends_on: datetime.date, user) -> BureauTerm:
    """End a Bureau term on a day (included), e.g. on resignation or at the election of a successor."""
    current = BureauTerm.objects.select_for_update().get(pk=term.pk)
    if current.ends_on is not None and current.ends_on <= ends_on:
        raise DomainError(_("This term already ends on %(date)s.") % {"date": current.ends_on})
    if ends_on < current.starts_on:
        raise DomainError(_("A term cannot end before it began (%(date)s).") % {"date": current.starts_on})
    before = snapshot(current)
    current.ends_on = ends_on
    current.save(update_fields=["ends_on"])
    log_action(current, "committees.bureau.ended", user=user, before=before, after=snapshot(current))
    return current
