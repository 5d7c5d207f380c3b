"""The write path of committee membership (DESIGN.md §7.3): observer admissions, audited. Members are not
written: they are the Parties, derived from the treaty actions."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from octopus.accounts.services import DomainError, log_action, snapshot
from octopus.committees.models import Committee, ObserverAdmission


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
    admission = ObserverAdmission.objects.create(
        committee=committee, country=country, organisation=organisation, admitted_on=admitted_on, decision=decision
    )
    log_action(admission, "committees.observer.admitted", user=user, after=snapshot(admission))
    return admission


@transaction.atomic
def end_admission(admission: ObserverAdmission, *, ended_on: datetime.date, user) -> ObserverAdmission:
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
