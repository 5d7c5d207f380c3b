"""The public Convention status portal and the staff pages that keep treaty actions current."""

import datetime
import functools

from django.contrib import messages
from django.core.files.storage import default_storage
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from octopus.accounts.models import AuditEntry
from octopus.accounts.permissions import permission_required
from octopus.countries.models import Country
from octopus.jobs.models import Job
from octopus.jobs.runner import visible_to
from octopus.lib.charts import status_map_spec, timeline_spec
from octopus.lib.dates import as_at, render_as_at
from octopus.lib.downloads import CSV, attachment
from octopus.lib.errors import ConflictError, DomainError
from octopus.lib.exports import to_csv
from octopus.lib.imports import ImportRefused, discard, stage
from octopus.treaties import imports, jobs, reference_data, services
from octopus.treaties.forms import ChartUploadForm, TreatyActionCorrectionForm, TreatyActionForm, WithdrawForm
from octopus.treaties.models import OfficialCount, Origin, Treaty, TreatyAction
from octopus.treaties.queries import (
    NO_STATUS,
    Status,
    compare_with_official_counts,
    count_statuses,
    country_history,
    facts_by_treaty,
    statuses_at,
    timeline,
    treaties_with_recorded,
)

MAP_TREATY = 185


@functools.cache
def reference_compiled_on() -> datetime.date:
    """The latest day any source of the reference treaty data attests (the data set's "as of")."""
    return max(o.as_of for o in reference_data.read_observations() if o.as_of)


def data_freshness() -> dict:
    # Changes made here, by staff or an import; loading the reference data is not news.
    last = TreatyAction.objects.exclude(origin=Origin.REFERENCE).aggregate(last=Max("updated_at"))["last"]
    return {"reference_as_of": reference_compiled_on(), "last_change": last}


def home(request):
    at, date_error = as_at(request)
    treaties = list(Treaty.objects.all())
    official = {}
    for count in OfficialCount.objects.filter(as_of__lte=at).order_by("as_of"):
        official[count.treaty_id] = count  # the latest official count on or before the day
    countries = list(Country.objects.all())
    summaries, map_spec, timeline_data = [], None, None
    every_fact = facts_by_treaty()
    treaties.sort(key=lambda t: (t.pk not in every_fact, t.number))  # treaties with no act recorded yet come last
    for treaty in treaties:
        facts = every_fact.get(treaty.pk, {})
        statuses = statuses_at(treaty, at, facts)
        counts = count_statuses(statuses.values())
        summaries.append(
            {
                "treaty": treaty,
                "counts": counts,
                # The Treaty Office counts Parties from the deposit; "in force" is a figure of its own.
                "parties": counts[Status.PARTY] + counts[Status.RATIFIED],
                # No act recorded under the treaty: its counts are a gap in the record, not zeros.
                "recorded": bool(facts),
                "official": official.get(treaty.pk),
            }
        )
        if treaty.number == MAP_TREATY:
            map_spec = status_map_spec(
                [
                    {
                        "numeric": c.numeric,
                        "name": c.name,
                        "status": statuses.get(c.pk, NO_STATUS).status.value,
                        "status_label": statuses.get(c.pk, NO_STATUS).label,
                        "url": reverse("treaties:country", args=[c.iso2])
                        + (f"?at={at}" if request.GET.get("at") else ""),
                    }
                    for c in countries
                ],
                topojson_url=static("vendor/world-atlas/countries-110m.json"),
                title=_("Status under the Budapest Convention on %(day)s") % {"day": at},
            )
            timeline_data = timeline_spec(
                timeline(treaty, at, facts), title=_("Parties and States invited to accede, by month")
            )
    context = {
        "at": at,
        "summaries": summaries,
        "map_spec": map_spec,
        "timeline_spec": timeline_data,
        "statuses": [s for s in Status if s != Status.NONE],
        **data_freshness(),
    }
    return render_as_at(request, "treaties/home.html", context, date_error)


SORTS = {
    "name": lambda row: row["country"].name,
    "region": lambda row: (row["country"].region, row["country"].name),
    "status": lambda row: (list(Status).index(row["status"].status), row["country"].name),
    "since": lambda row: (row["status"].since or datetime.date.max, row["country"].name),
}


def country_list(request):
    at, date_error = as_at(request)
    treaties = list(treaties_with_recorded())
    treaty = next((t for t in treaties if str(t.number) == request.GET.get("treaty", str(MAP_TREATY))), None)
    if treaty is None:
        treaty = next(t for t in treaties if t.number == MAP_TREATY)
        date_error = date_error or _("That treaty is not held; showing CETS %(number)s.") % {"number": MAP_TREATY}
    statuses = statuses_at(treaty, at)
    status_filter = request.GET.get("status", "")
    region = request.GET.get("region", "")
    query = request.GET.get("q", "").strip()
    sort = request.GET.get("sort", "name") if request.GET.get("sort") in SORTS else "name"
    countries = Country.objects.all()
    if region:
        countries = countries.filter(region=region)
    if query:
        countries = countries.filter(name__icontains=query[:100])
    rows = [{"country": c, "status": statuses.get(c.pk, NO_STATUS)} for c in countries]
    if status_filter in Status.values:
        rows = [r for r in rows if r["status"].status == status_filter]
    rows.sort(key=SORTS[sort])

    if request.GET.get("format") == "csv":
        return attachment(
            to_csv(
                ["country", "iso2", "region", "coe_member", "status", "since", "attested_by"],
                (
                    [
                        r["country"].name,
                        r["country"].iso2,
                        r["country"].region,
                        "yes" if r["country"].coe_member else "no",
                        r["status"].label,
                        r["status"].since or "",
                        r["status"].attested_on or "",
                    ]
                    for r in rows
                ),
            ),
            name=f"octopus-cets{treaty.number}-status-{at}.csv",
            content_type=CSV,
        )
    context = {
        "at": at,
        "treaties": treaties,
        "treaty": treaty,
        "rows": rows,
        "regions": Country.objects.regions(),
        "statuses": list(Status),
        "filters": {"status": status_filter, "region": region, "q": query, "sort": sort},
        "export_query": request.GET.copy(),
        **data_freshness(),
    }
    context["export_query"]["format"] = "csv"
    return render_as_at(request, "treaties/country_list.html", context, date_error)


def country_detail(request, iso2):
    at, date_error = as_at(request)
    country = get_object_or_404(Country, iso2=iso2.upper())
    sections = country_history(country, at)
    context = {"at": at, "country": country, "sections": sections, **data_freshness()}
    return render_as_at(request, "treaties/country_detail.html", context, date_error)


def sources(request):
    """Where the reference data comes from, and our counts beside the official ones."""
    comparisons = [
        {
            "treaty": t,
            "recorded": t.recorded,
            "rows": compare_with_official_counts(t, t.official_counts.exclude(as_of__isnull=True)),
        }
        for t in treaties_with_recorded()
    ]
    return render(request, "treaties/sources.html", {"comparisons": comparisons, **data_freshness()})


# Workspace: staff keep the record current.


@permission_required("treaties.record_action")
def action_create(request):
    initial = {"treaty": request.GET.get("treaty", MAP_TREATY), "country": request.GET.get("country", "")}
    form = TreatyActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.record_treaty_action(
                form.cleaned_data["treaty"],
                country=form.cleaned_data["country"],
                user=request.user,
                **form.service_kwargs(),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Recorded: %(action)s.") % {"action": action})
            return redirect("treaties:country", action.country.iso2)
    return render(request, "treaties/action_form.html", {"form": form, "title": _("Record a treaty action")})


@permission_required("treaties.correct_action")
def action_edit(request, pk):
    action = get_object_or_404(TreatyAction.objects.select_related("treaty", "country"), pk=pk)
    form = TreatyActionCorrectionForm(request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_treaty_action(
                action, version=form.cleaned_data["version"], user=request.user, **form.service_kwargs()
            )
        except ConflictError as error:
            # Keep what the user typed, now against the current version: the history beside the form shows the
            # other change, and saving again is a deliberate choice, not a silent overwrite.
            action.refresh_from_db()
            form.data = form.data.copy()
            form.data["version"] = action.version
            form.add_error(None, str(error))
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Corrected: %(action)s.") % {"action": action})
            return redirect("treaties:country", action.country.iso2)
    history = AuditEntry.objects.about(action).select_related("user")
    return render(
        request,
        "treaties/action_form.html",
        {
            "form": form,
            "action": action,
            "history": history,
            "title": _("Correct a treaty action"),
            "withdraw_form": WithdrawForm(initial={"version": action.version}),
        },
    )


@permission_required("treaties.withdraw_action")
def action_withdraw(request, pk):
    action = get_object_or_404(TreatyAction.objects.select_related("country"), pk=pk)
    if request.method != "POST":
        raise Http404
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw_treaty_action(
                action, version=form.cleaned_data["version"], reason=form.cleaned_data["reason"], user=request.user
            )
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("treaties:action_edit", pk)
        messages.success(request, _("Withdrawn: %(action)s.") % {"action": action})
        return redirect("treaties:country", action.country.iso2)
    messages.error(request, _("Say why this action is withdrawn."))
    return redirect("treaties:action_edit", pk)


# Workspace: importing a Treaty Office chart (upload → preview of every error or change → confirm → job).


def _import_key(treaty: Treaty) -> str:
    return f"treaties.import.{treaty.number}"


def _check_chart(treaty: Treaty, stored: dict):
    return imports.check_chart(treaty, default_storage.path(stored["staged"]), source=stored["source"])


@require_http_methods(["GET", "POST"])
@permission_required("treaties.import_chart")
def treaty_import(request, number):
    treaty = get_object_or_404(Treaty, number=number)
    form = ChartUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        stored = {
            "staged": stage(upload),
            "name": upload.name,
            "source": form.cleaned_data["source"].strip() or imports.default_source(treaty, upload.name),
        }
        try:
            _check_chart(treaty, stored)  # a file that cannot be read at all is refused here, beside the form
        except ImportRefused as error:
            discard(stored["staged"])
            form.add_error("file", str(error))
        else:
            previous = request.session.get(_import_key(treaty))
            if previous:
                discard(previous["staged"])
            request.session[_import_key(treaty)] = stored
            return redirect("treaties:treaty_import_preview", treaty.number)
    jobs_done = visible_to(request.user, Job.objects.serving(treaty).filter(kind=jobs.KIND))[:10]
    return render(request, "treaties/import.html", {"treaty": treaty, "form": form, "jobs": jobs_done})


@require_http_methods(["GET", "POST"])
@permission_required("treaties.import_chart")
def treaty_import_preview(request, number):
    treaty = get_object_or_404(Treaty, number=number)
    stored = request.session.get(_import_key(treaty))
    if not stored or not default_storage.exists(stored["staged"]):
        messages.info(request, _("Upload a Treaty Office chart first."))
        return redirect("treaties:treaty_import", treaty.number)
    report = _check_chart(treaty, stored)
    refused = ""
    if request.method == "POST":
        if report.ok:
            job = jobs.start_import(
                treaty,
                stored["staged"],
                source=stored["source"],
                total=report.rows,
                file_name=stored["name"],
                user=request.user,
            )
            del request.session[_import_key(treaty)]
            return redirect("jobs:job", pk=job.pk)
        refused = _("Nothing was imported; correct these lines first.")
    context = {
        "treaty": treaty,
        "report": report,
        "file_name": stored["name"],
        "source": stored["source"],
        "errors": [
            {"line": p.line, "column": imports.LABELS.get(p.column, ""), "message": p.message} for p in report.problems
        ],
        "lines": [row.item for row in report.shown if row.ok and row.item.changes],
        "acts": report.context.acts,
        "unchanged_lines": report.counts[imports.UNCHANGED],
        "hidden": report.counts[imports.CHANGE] - sum(1 for row in report.shown if row.ok and row.item.changes),
        "refused": refused,
    }
    return render(request, "treaties/import_preview.html", context, status=400 if refused else 200)
