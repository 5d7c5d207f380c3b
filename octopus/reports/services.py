"""The one write path of progress reports: creating a report and keeping its narrative sections (draft → submitted
→ approved, or returned with a comment). Each change is audited; a save on a stale version is refused, never a
silent overwrite, and an approved section is read-only until it is returned."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from octopus.accounts.services import log_action
from octopus.lib.errors import DomainError
from octopus.lib.locking import locked_for_update
from octopus.reports.models import Report, ReportKind, ReportSection, SectionKey, SectionStatus
from octopus.results.models import Programme

MANAGE = "results.manage"


def _section_state(section: ReportSection) -> dict:
    return {"status": section.status, "text": section.text, "comment": section.comment, "version": section.version}


def _require_manager(user, action: str) -> None:
    if user is None or not user.has_perm(MANAGE):
        raise DomainError(_("Only programme staff may %(action)s a report section.") % {"action": action})


@transaction.atomic
def create_report(
    programme: Programme,
    *,
    period_start: datetime.date,
    period_end: datetime.date,
    title: str = "",
    kind: str = ReportKind.PROGRESS,
    user=None,
) -> Report:
    """A new report of `programme` for the period, with every narrative section as an empty draft."""
    if kind not in ReportKind.values:
        raise DomainError(_("Unknown kind of report “%(kind)s”.") % {"kind": kind})
    if period_end <= period_start:
        raise DomainError(_("The period must end after it starts."))
    if period_start < programme.starts_on or period_end > programme.ends_on:
        raise DomainError(
            _("The period must fall within the programme's dates, %(start)s to %(end)s.")
            % {"start": programme.starts_on.isoformat(), "end": programme.ends_on.isoformat()}
        )
    title = title.strip() or _("Progress report %(start)s – %(end)s") % {
        "start": period_start.isoformat(),
        "end": period_end.isoformat(),
    }
    report = Report.objects.create(
        programme=programme,
        kind=kind,
        title=title,
        period_start=period_start,
        period_end=period_end,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        is_sample=programme.is_sample,
    )
    ReportSection.objects.bulk_create(ReportSection(report=report, key=key) for key in SectionKey.values)
    log_action(
        report,
        "reports.report.created",
        user=user,
        after={"title": title, "period_start": period_start.isoformat(), "period_end": period_end.isoformat()},
    )
    return report


@transaction.atomic
def save_section(section: ReportSection, *, text: str, expected_version: int | None, user=None) -> ReportSection:
    """Keep the text of a section. Refused when someone saved it since `expected_version` was read, and while it is
    approved (return it first). Saving a returned section makes it a draft again."""
    _require_manager(user, _("edit"))
    current = locked_for_update(ReportSection, section.pk, expected_version)
    if current.status == SectionStatus.APPROVED:
        raise DomainError(_("This section is approved and read-only; return it to change it."))
    if current.status == SectionStatus.SUBMITTED:
        raise DomainError(_("This section is submitted for approval; return it to change it."))
    before = _section_state(current)
    current.text = text
    if current.status == SectionStatus.RETURNED:
        current.status = SectionStatus.DRAFT
    current.version += 1
    current.save()
    log_action(current, "reports.section.saved", user=user, before=before, after=_section_state(current))
    return current


def _transition(
    section: ReportSection, *, expected_version: int | None, user, allowed_from: tuple, to: str, verb: str, **fields
) -> ReportSection:
    current = locked_for_update(ReportSection, section.pk, expected_version)
    if current.status not in allowed_from:
        raise DomainError(
            _("A section that is %(status)s cannot be %(verb)s.")
            % {"status": current.get_status_display().lower(), "verb": verb}
        )
    before = _section_state(current)
    current.status = to
    for name, value in fields.items():
        setattr(current, name, value)
    current.version += 1
    current.save()
    log_action(current, f"reports.section.{to}", user=user, before=before, after=_section_state(current))
    return current


@transaction.atomic
def submit_section(section: ReportSection, *, expected_version: int | None, user=None) -> ReportSection:
    _require_manager(user, _("submit"))
    if not section.text.strip():
        raise DomainError(_("Write the section before submitting it."))
    return _transition(
        section,
        expected_version=expected_version,
        user=user,
        allowed_from=(SectionStatus.DRAFT, SectionStatus.RETURNED),
        to=SectionStatus.SUBMITTED,
        verb=_("submitted"),
        comment="",
    )


@transaction.atomic
def approve_section(section: ReportSection, *, expected_version: int | None, user) -> ReportSection:
    _require_manager(user, _("approve"))
    return _transition(
        section,
        expected_version=expected_version,
        user=user,
        allowed_from=(SectionStatus.SUBMITTED,),
        to=SectionStatus.APPROVED,
        verb=_("approved"),
        approved_by=user,
        approved_at=timezone.now(),
    )


@transaction.atomic
def return_section(section: ReportSection, *, comment: str, expected_version: int | None, user) -> ReportSection:
    """Send a submitted or approved section back to its writers, saying why."""
    _require_manager(user, _("return"))
    if not comment.strip():
        raise DomainError(_("Say why the section is returned: a comment is required."))
    return _transition(
        section,
        expected_version=expected_version,
        user=user,
        allowed_from=(SectionStatus.SUBMITTED, SectionStatus.APPROVED),
        to=SectionStatus.RETURNED,
        verb=_("returned"),
        comment=comment.strip(),
        approved_by=None,
        approved_at=None,
    )
