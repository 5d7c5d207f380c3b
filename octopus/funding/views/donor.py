"""A donor's own page: its contributions, what they financed with its results, and its reporting calendar (also as
an iCal feed).

A donor user sees the donor(s) of its role's donor code only (`visible_contributions`); staff and the finance
officer pick any donor (?donor=code) to see the page as that donor sees it. Nothing on the page or in the feed is
another donor's amount: every figure is a sum over the chosen donor's own contributions.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from icalendar import Calendar
from icalendar import Event as VEvent

from octopus.accounts.permissions import permission_required
from octopus.events.models import Event
from octopus.events.models import Status as EventStatus
from octopus.events.queries import attendance_totals
from octopus.funding.models import Contribution, ContributionStatus, Donor, Earmark, Receipt, ReportingObligation
from octopus.funding.permissions import donor_codes, visible_contributions
from octopus.lib.downloads import calendar_feed
from octopus.lib.metrics import registry
from octopus.results.models import Indicator
from octopus.results.queries import programme_results

READ = "funding.view_contributions"
ZERO = Decimal("0.00")


def donors_for(user):
    """The donors whose page the user may see: all for staff and the finance officer, a donor its own."""
    if user.has_perm("funding.view_position"):
        return Donor.objects.all()
    return Donor.objects.filter(code__in=donor_codes(user))


def chosen_donor(request) -> tuple[Donor | None, list[Donor]]:
    """The donor asked for (?donor=code) among those the user may see; a donor user's own by default. A code the
    user may not see is a 404, the same as one that does not exist."""
    donors = list(donors_for(request.user))
    code = request.GET.get("donor", "").strip()
    if code:
        donor = next((d for d in donors if d.code == code), None)
        if donor is None:
            raise Http404(_("No such donor."))
        return donor, donors
    if request.user.has_perm("funding.view_position"):
        return None, donors  # staff pick first
    return (donors[0] if donors else None), donors


def donor_contributions(user, donor: Donor):
    rows = Contribution.objects.filter(donor=donor).select_related("programme", "donor")
    rows = rows.prefetch_related(
        "receipts",
        Prefetch("earmarks", Earmark.objects.select_related("node", "country", "event")),
        "obligations",
    )
    # Filtered twice on purpose: the donor chosen, and what the user may read at all.
    return list(visible_contributions(user, rows).order_by("-pledged_on", "pk"))


@dataclass
class Financed:
    """One earmark and what it paid for: a box of the logframe with its indicators, an event, or a country."""

    earmark: Earmark
    indicators: list = field(default_factory=list)  # results.queries.IndicatorResult rows of the node
    event_url: str = ""
    participants: int | None = None


@dataclass
class ContributionRow:
    contribution: Contribution
    received_amount: Decimal
    received_eur: Decimal
    financed: list[Financed]
    earmarked: Decimal
    unearmarked: Decimal


def financed_by(contributions: list[Contribution], at: datetime.date) -> dict[int, Financed]:
    """Each earmark's purpose, with the current values of its node's indicators (one `programme_results` per
    programme) and its event's public page and participants."""
    earmarks = [e for c in contributions for e in c.earmarks.all()]
    by_node: dict[int, list] = {}
    programmes = {e.contribution.programme for e in earmarks if e.node_id}
    # Only the earmarked boxes' indicators are valued (the others' metrics would be computed for nothing), and
    # never one that counts money: a programme's funding figures add up every donor's amounts.
    wanted = {
        indicator.pk
        for indicator in Indicator.objects.filter(node__in={e.node_id for e in earmarks if e.node_id})
        if not (indicator.metric_key in registry and registry.get(indicator.metric_key).restricted_to)
    }
    for programme in programmes:
        results = programme_results(programme, at, only=wanted)
        for section in results.nodes:
            by_node[section.node.pk] = [row for row in section.indicators if row.indicator.pk in wanted]
    rows = {}
    for earmark in earmarks:
        row = Financed(earmark, indicators=by_node.get(earmark.node_id, []) if earmark.node_id else [])
        event = earmark.event
        if event is not None:
            if event.is_public and event.status != EventStatus.CANCELLED:
                row.event_url = reverse("events:event_public", args=[event.slug])
            row.participants = attendance_totals(Event.objects.filter(pk=event.pk))["participants"]
        rows[earmark.pk] = row
    return rows


def contribution_rows(contributions: list[Contribution], at: datetime.date) -> list[ContributionRow]:
    financed = financed_by(contributions, at)
    rows = []
    for c in contributions:
        receipts: list[Receipt] = list(c.receipts.all())
        earmarks = list(c.earmarks.all())
        earmarked = sum((e.amount for e in earmarks), ZERO)
        rows.append(
            ContributionRow(
                contribution=c,
                received_amount=sum((r.amount for r in receipts), ZERO),
                received_eur=sum((r.eur for r in receipts), ZERO),
                financed=[financed[e.pk] for e in earmarks],
                earmarked=earmarked,
                unearmarked=max(c.binding_amount - earmarked, ZERO),
            )
        )
    return rows


def obligations_of(contributions: list[Contribution]) -> list[ReportingObligation]:
    """The reporting calendar: every obligation of the donor's live contributions, earliest due first."""
    rows = [o for c in contributions if c.status != ContributionStatus.CANCELLED for o in c.obligations.all()]
    today = timezone.localdate()
    for obligation in rows:
        obligation.is_overdue = obligation.submitted_on is None and obligation.due_on < today
    return sorted(rows, key=lambda o: (o.due_on, o.pk))


def totals(rows: list[ContributionRow]) -> dict[str, Decimal]:
    """EUR totals of the donor's own contributions (cancelled ones count nowhere)."""
    live = [r for r in rows if r.contribution.status != ContributionStatus.CANCELLED]
    return {
        "pledged": sum((r.contribution.pledged_eur for r in live), ZERO),
        "signed": sum((r.contribution.signed_eur or ZERO for r in live), ZERO),
        "received": sum((r.received_eur for r in live), ZERO),
    }


@require_GET
@permission_required(READ)
def donor_portal(request):
    donor, donors = chosen_donor(request)
    at = timezone.localdate()
    context = {"donor": donor, "donors": donors, "at": at, "can_pick": request.user.has_perm("funding.view_position")}
    if donor is not None:
        contributions = donor_contributions(request.user, donor)
        rows = contribution_rows(contributions, at)
        context.update(
            rows=rows,
            totals=totals(rows),
            obligations=obligations_of(contributions),
            any_sample=any(c.is_sample for c in contributions),
            calendar_url=reverse("funding:funding_donor_calendar")
            + (f"?donor={donor.code}" if context["can_pick"] else ""),
        )
    return render(request, "funding/donor/portal.html", context)


# --- the reporting calendar as iCal ----------------------------------------------------------------------------------


def obligation_uid(obligation: ReportingObligation, host: str) -> str:
    return f"funding-obligation-{obligation.pk}@{host}"


def calendar_bytes(donor: Donor, obligations: list[ReportingObligation], *, site: str, host: str) -> bytes:
    """All-day VEVENTs on each report's due day (no amounts: a calendar is easily shared)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Council of Europe C-PROC//Octopus//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("%(donor)s: reporting calendar") % {"donor": donor.name})
    stamp = timezone.now()
    page = site.rstrip("/") + reverse("funding:donor_portal")
    for obligation in obligations:
        contribution = obligation.contribution
        entry = VEvent()
        entry.add("uid", obligation_uid(obligation, host))
        entry.add("dtstamp", stamp)
        entry.add("summary", f"{obligation.get_kind_display()}: {contribution.title}")
        entry.add("dtstart", obligation.due_on)
        entry.add("dtend", obligation.due_on + datetime.timedelta(days=1))
        lines = [contribution.reference or "", obligation.description]
        if obligation.submitted_on:
            lines.append(_("Submitted on %(day)s.") % {"day": obligation.submitted_on.isoformat()})
        elif obligation.is_overdue:
            lines.append(_("Overdue."))
        entry.add("description", "\n".join(line for line in lines if line))
        entry.add("status", "CONFIRMED")
        entry.add("url", page)
        calendar.add_component(entry)
    return calendar.to_ical()


@require_GET
@permission_required(READ)
def donor_calendar(request):
    donor, _donors = chosen_donor(request)
    if donor is None:
        raise Http404(_("Choose a donor (?donor=code)."))
    obligations = obligations_of(donor_contributions(request.user, donor))
    site = request.build_absolute_uri("/")
    body = calendar_bytes(donor, obligations, site=site, host=request.get_host().split(":")[0])
    return calendar_feed(body, f"reporting-{donor.code}.ics")


urlpatterns = [
    path("workspace/funding/my-contributions/", donor_portal, name="donor_portal"),
    path("workspace/funding/my-contributions/calendar.ics", donor_calendar, name="funding_donor_calendar"),
]
