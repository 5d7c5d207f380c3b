"""Workspace pages of the results framework: programmes, dashboard, logframe, indicators with their records,
manual values and their review, the IPTT and snapshots."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from octopus.accounts.models import AuditEntry
from octopus.accounts.permissions import permission_required
from octopus.jobs.models import Job, JobStatus
from octopus.jobs.runner import visible_to
from octopus.lib.charts import percent_of_target_spec, progress_spec
from octopus.lib.dates import as_at, render_as_at
from octopus.lib.downloads import CSV, PDF, XLSX, attachment
from octopus.lib.errors import DomainError
from octopus.lib.exports import to_csv
from octopus.lib.files import send_file
from octopus.lib.forms import show_refusal
from octopus.lib.metrics import MetricError, reading, registry
from octopus.lib.precision import Precision, vaguer_than
from octopus.lib.precision import shown as shown_date
from octopus.results import services
from octopus.results.assignments import not_assigned, programme_scope
from octopus.results.calculations import Status, accumulate
from octopus.results.exports import iptt_pdf, iptt_table, iptt_xlsx
from octopus.results.forms import (
    AssumptionReviewForm,
    IndicatorForm,
    LockForm,
    ManualValueForm,
    NodeForm,
    ProgrammeForm,
    RestatementForm,
    ReviewForm,
    RevisionForm,
    SnapshotForm,
    TargetForm,
)
from octopus.results.jobs import KIND as FREEZE
from octopus.results.jobs import start_freeze
from octopus.results.models import (
    Assumption,
    Indicator,
    Level,
    ManualValue,
    Programme,
    Snapshot,
    Target,
    ValueStatus,
)
from octopus.results.periods import LIFE, PeriodError, parse_period
from octopus.results.permissions import visible_categories, visible_programmes, visible_records
from octopus.results.queries import (
    assumptions_at,
    get_programme_for_user,
    programme_results,
    version_in_force,
    withheld_from,
)
from octopus.results.snapshots import differences

READ = "results.view_programmes"


def get_indicator(programme: Programme, pk: int) -> Indicator:
    return get_object_or_404(Indicator.objects.select_related("node"), pk=pk, node__programme=programme)


def programme_date(request, programme: Programme) -> tuple[datetime.date, str]:
    """`?at=` for a programme page: today by default; a day before the programme starts is refused."""
    at, error = as_at(request)
    if not error and at < programme.starts_on:
        return timezone.localdate(), _("The programme starts on %(day)s; showing today instead.") % {
            "day": programme.starts_on
        }
    return at, error


# --- programmes ------------------------------------------------------------------------------------------------


@permission_required(READ)
def programme_list(request):
    programmes = visible_programmes(request.user, Programme.objects.all())
    return render(request, "results/programmes.html", {"programmes": programmes})


# The figures the C-PROC overview shows for every programme: (metric, parameters, label, unit).
HEADLINES = [
    ("events.held", {}, _lazy("Events held"), _lazy("events")),
    ("events.held", {"kinds": ["in_country_workshop", "regional_workshop"]}, _lazy("Workshops"), _lazy("workshops")),
    ("events.participants", {}, _lazy("Participants"), _lazy("people")),
    ("legislation.countries_advised", {}, _lazy("Countries advised"), _lazy("countries")),
]


def headline_figures(programmes, start, end) -> list:
    """The headline figures over start–end counting the records of `programmes` (a record they share, once)."""
    figures = []
    with reading(programme_scope(*programmes)):
        for key, params, _label, _unit in HEADLINES:
            try:
                figures.append(registry.evaluate(key, start, end, **params) if key in registry else None)
            except MetricError:
                figures.append(None)
    return figures


@permission_required(READ)
def overview(request):
    """Every programme the reader may see with its headline figures side by side over its own dates, and the total
    over the real programmes, which counts a record they share once."""
    today = timezone.localdate()
    programmes = list(visible_programmes(request.user, Programme.objects.all()))
    rows = []
    for programme in programmes:
        end = min(today, version_in_force(list(programme.versions.all()), today).ends_on)
        rows.append({"programme": programme, "figures": headline_figures([programme], programme.starts_on, end)})
    real = [p for p in programmes if not p.is_sample]
    total = None
    if len(real) > 1:
        total = headline_figures(real, min(p.starts_on for p in real), today)
    context = {"rows": rows, "total": total, "headlines": HEADLINES, "today": today}
    return render(request, "results/overview.html", context)


@permission_required("results.manage")
def programme_create(request):
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.create_programme(user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Programme created with its first logframe version. Add its boxes next."))
            return redirect("results:results_logframe", programme.code)
    return render(request, "results/form.html", {"form": form, "title": _("New programme")})


@permission_required(READ)
def dashboard(request, code):
    programme = get_programme_for_user(request.user, code)
    at, date_error = programme_date(request, programme)
    results = programme_results(programme, at, reader=request.user)
    latest = programme.snapshots.first()
    changed = differences(latest) if latest else []
    chart = percent_of_target_spec(
        [
            {"indicator": row.indicator.code, "percent": float(row.to_date.percent), "status": row.to_date.status.label}
            for row in results.indicators
            if row.to_date.percent is not None
        ],
        title=_("Actual as %% of the life-of-programme target, %(day)s") % {"day": at},
        colours={status.label: status.colour for status in Status},
    )
    context = {
        "programme": programme,
        "results": results,
        "at": at,
        "statuses": list(Status),
        "unassigned": not_assigned(programme),
        "latest_snapshot": latest,
        "differences": changed,
        "unexplained": [d for d in changed if not d.reason],
        "chart": chart,
        "status_counts": sorted(results.status_counts().items(), key=lambda item: item[0].value),
    }
    return render_as_at(request, "results/dashboard.html", context, date_error)


@permission_required(READ)
def logframe(request, code):
    programme = get_programme_for_user(request.user, code)
    at, date_error = programme_date(request, programme)
    versions = list(programme.versions.order_by("number"))
    version = version_in_force(versions, at)
    if request.GET.get("version", "").isdigit():
        version = next((v for v in versions if v.number == int(request.GET["version"])), version)
    results = programme_results(programme, at, version=version, reader=request.user)
    targets = {}
    for target in Target.objects.filter(logframe_version=version).order_by("period_start"):
        targets.setdefault(target.indicator_id, []).append(target)
    assumptions = assumptions_at(programme, at)
    boxes = [  # results.nodes come in tree order
        {
            "node": section.node,
            "assumptions": assumptions.get(section.node.pk, []),
            "indicators": [{"row": row, "targets": targets.get(row.indicator.pk, [])} for row in section.indicators],
        }
        for section in results.nodes
    ]
    context = {
        "programme": programme,
        "results": results,
        "version": version,
        "versions": versions,
        "at": at,
        "boxes": boxes,
    }
    return render_as_at(request, "results/logframe.html", context, date_error)


@permission_required("results.manage")
def version_create(request, code):
    programme = get_programme_for_user(request.user, code)
    form = RevisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.revise_logframe(programme, user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Version %(number)s created; its targets start as copies: revise them.") % {"number": version.number},
            )
            return redirect(reverse("results:results_logframe", args=[code]) + f"?version={version.number}")
    return render(
        request,
        "results/form.html",
        {
            "form": form,
            "programme": programme,
            "title": _("Revise the logframe"),
            "intro": _(
                "A revision is a new version in force from a date. Reports for earlier dates keep the version in force "
                "then; nothing of it changes."
            ),
        },
    )


@permission_required("results.manage")
def assumption_review(request, code, pk):
    """Record what staff found of an assumption on a day; earlier findings stay as its history."""
    programme = get_programme_for_user(request.user, code)
    assumption = get_object_or_404(Assumption.objects.select_related("node"), pk=pk, node__programme=programme)
    form = AssumptionReviewForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.review_assumption(assumption, user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Finding recorded."))
            return redirect("results:results_logframe", code)
    return render(
        request,
        "results/form.html",
        {
            "form": form,
            "programme": programme,
            "title": _("Review an assumption"),
            "intro": assumption.text,
        },
    )


@permission_required("results.manage")
def node_create(request, code):
    programme = get_programme_for_user(request.user, code)
    form = NodeForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_node(programme, user=request.user, order=programme.nodes.count(), **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Added to the logframe."))
            return redirect("results:results_logframe", code)
    return render(
        request, "results/form.html", {"form": form, "programme": programme, "title": _("Add a logframe box")}
    )


# --- indicators ------------------------------------------------------------------------------------------------


@permission_required("results.manage")
def indicator_create(request, code):
    programme = get_programme_for_user(request.user, code)
    initial = {"node": request.GET.get("node")}
    form = IndicatorForm(request.POST or None, programme=programme, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.define_indicator(
                form.cleaned_data["node"],
                code=form.cleaned_data["code"],
                user=request.user,
                **{k: v for k, v in form.service_fields().items() if k != "title"},
                title=form.cleaned_data["title"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Indicator defined. Set its targets next."))
            return redirect("results:results_indicator", code, indicator.pk)
    return render(
        request, "results/form.html", {"form": form, "programme": programme, "title": _("Define an indicator")}
    )


@permission_required("results.manage")
def indicator_edit(request, code, pk):
    programme = get_programme_for_user(request.user, code)
    indicator = get_indicator(programme, pk)
    form = IndicatorForm(request.POST or None, programme=programme, instance=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_indicator(
                indicator, expected_version=form.cleaned_data["version"], user=request.user, **form.service_fields()
            )
        except DomainError as error:
            show_refusal(form, error, current_version=lambda: Indicator.objects.get(pk=pk).version)
        else:
            messages.success(request, _("Indicator saved."))
            return redirect("results:results_indicator", code, pk)
    return render(
        request,
        "results/form.html",
        {"form": form, "programme": programme, "title": _("Edit indicator %(code)s") % {"code": indicator.code}},
    )


@permission_required(READ)
def indicator_detail(request, code, pk):
    programme = get_programme_for_user(request.user, code)
    at, date_error = programme_date(request, programme)
    indicator = get_indicator(programme, pk)
    results = programme_results(programme, at, only={indicator.pk}, reader=request.user)
    row = results.indicator(indicator.pk)
    if row is None:
        raise Http404(_("This indicator is not part of the logframe in force on that day."))
    breakdowns = indicator_breakdowns(request.user, row, results)
    chart_rows = []
    for period, value in row.cumulative:
        if value is not None:
            chart_rows.append({"period": period.label, "series": _("Actual (to date)"), "value": value})
        if row.to_date.goal is not None:
            chart_rows.append({"period": period.label, "series": _("Target"), "value": row.to_date.goal.reference})
    values = indicator.manual_values.select_related("entered_by", "reviewed_by").order_by("period_start", "category")
    context = {
        "programme": programme,
        "results": results,
        "row": row,
        "indicator": indicator,
        "metric": registry.get(indicator.metric_key) if indicator.metric_key in registry else None,
        "at": at,
        "breakdowns": breakdowns,
        "chart": progress_spec(
            chart_rows, title=_("%(code)s: actual to date against target") % {"code": indicator.code}
        )
        if chart_rows
        else None,
        "targets": indicator.targets.select_related("logframe_version").order_by(
            "logframe_version__number", "period_start"
        ),
        "values": values,
    }
    return render_as_at(request, "results/indicator.html", context, date_error)


def indicator_breakdowns(user, row, results) -> list[dict]:
    """The to-date value by each disaggregation, as far as the user may see it: from the metric for a computed
    indicator, from the approved values entered per category (country codes) for a manual one."""
    indicator = row.indicator
    allowed = visible_categories(user)
    end = min(results.at, results.life.end)
    found = []
    for dimension in indicator.disaggregations:
        if allowed is not None and dimension != "country":
            continue  # a focal point sees only its own country's figure
        values = None
        if row.source == "metric" and dimension in registry.get(indicator.metric_key).breakdown:
            try:
                with reading(programme_scope(results.programme)):
                    values = registry.breakdown(
                        indicator.metric_key, dimension, results.life.start, end, **indicator.metric_params
                    )
            except MetricError:
                values = None
        elif row.source == "manual" and dimension == "country":
            values = manual_by_category(indicator, end)
        if values is None:
            continue
        if allowed is not None:
            values = {k: v for k, v in values.items() if k in allowed}
        found.append({"dimension": dimension, "values": sorted(values.items())})
    return found


def manual_by_category(indicator: Indicator, end) -> dict:
    """Approved values entered per category, accumulated to `end` as the indicator accumulates its totals."""
    by_category: dict[str, list] = {}
    approved = indicator.manual_values.filter(status=ValueStatus.APPROVED, period_start__lte=end).exclude(category="")
    for value in approved.order_by("period_start"):
        by_category.setdefault(value.category, []).append(value.value)
    return {k: accumulate(indicator.accumulation, v) for k, v in by_category.items()}


@permission_required(READ)
def indicator_records(request, code, pk):
    """The records behind a number: the drill-down of the metric, or the approved manual values."""
    programme = get_programme_for_user(request.user, code)
    at, date_error = programme_date(request, programme)
    indicator = get_indicator(programme, pk)
    results = programme_results(programme, at, only={indicator.pk}, reader=request.user)
    row = results.indicator(indicator.pk)
    if row is None:
        raise Http404
    key = request.GET.get("period", LIFE)
    try:
        period = parse_period(key, programme.starts_on, results.life.end)
    except PeriodError as error:
        period, date_error = results.life, str(error)
    end = min(period.end, at)
    start = period.start
    records, problem = [], ""
    if row.source == "metric":
        try:
            with reading(programme_scope(programme)):
                records = list(registry.records(indicator.metric_key, start, end, **indicator.metric_params))
            records = visible_records(request.user, records)
        except MetricError as error:
            problem = str(error)
    elif row.source == "manual":
        records = list(
            indicator.manual_values.filter(status=ValueStatus.APPROVED, period_start__gte=start, period_start__lte=end)
        )
    figure = row.period(period.key)
    if row.source == "metric" and figure is not None and figure.published:
        published = indicator.manual_values.filter(
            status=ValueStatus.APPROVED, period_kind=period.kind, period_start=period.start, category=""
        )
        records = [*published, *records]  # the published figure first, opening its evidence
    shown = [record_line(programme, record, start, end) for record in records]
    if request.GET.get("format") == "csv":
        rows = [
            [line["text"], request.build_absolute_uri(line["url"]) if line["url"] else "", line["note"]]
            for line in shown
        ]
        headers = [_("Record"), _("Address"), _("Note")]
        name = f"{programme.code}-{indicator.code}-{period.key}.csv"
        return attachment(to_csv(headers, rows), name=name, content_type=CSV)
    context = {
        "programme": programme,
        "indicator": indicator,
        "row": row,
        "period": period,
        "start": start,
        "end": end,
        "records": shown,
        "figure": figure,
        "problem": problem,
        "at": at,
    }
    return render_as_at(request, "results/records.html", context, date_error)


def record_line(programme: Programme, record, start, end) -> dict:
    """A record behind a number as the drill-down lists it: its text, its own page (a manual value opens its
    evidence), and a note when its date is known more coarsely than the period ("month known, day not")."""
    url, note = "", ""
    if isinstance(record, ManualValue):
        url = record.evidence_url or (
            reverse("results:results_value_evidence", args=[programme.code, record.pk]) if record.evidence_file else ""
        )
    elif hasattr(record, "get_absolute_url"):
        url = record.get_absolute_url()
    dated_as = getattr(record, "dated_as", None)
    if dated_as and dated_as[0] and vaguer_than(dated_as[0], dated_as[1], start, end):
        note = f"{shown_date(*dated_as)}: {Precision(dated_as[1]).label.lower()}"
    return {"record": record, "text": str(record), "url": url, "note": note}


@permission_required("results.manage")
def target_set(request, code, pk):
    programme = get_programme_for_user(request.user, code)
    indicator = get_indicator(programme, pk)
    form = TargetForm(request.POST or None, programme=programme, initial={"period": request.GET.get("period", LIFE)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_target(
                indicator,
                version=data["logframe_version"],
                period=data["period"],
                comparator=data["comparator"],
                value=data["value"],
                upper=data["upper"],
                note=data["note"],
                user=request.user,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Target set."))
            return redirect("results:results_indicator", code, pk)
    return render(
        request,
        "results/form.html",
        {"form": form, "programme": programme, "title": _("Set a target for %(code)s") % {"code": indicator.code}},
    )


# --- manual values ---------------------------------------------------------------------------------------------


@permission_required(READ)
def value_list(request, code):
    programme = get_programme_for_user(request.user, code)
    status = request.GET.get("status", "")
    values = ManualValue.objects.filter(indicator__node__programme=programme).select_related("indicator", "entered_by")
    if status in ValueStatus.values:
        values = values.filter(status=status)
    locks = programme.locked_periods.all()
    latest = services.latest_version(programme)
    context = {
        "programme": programme,
        "values": values.order_by("indicator__code", "period_start"),
        "status": status,
        "statuses": ValueStatus.choices,
        "locks": locks,
        "lock_form": LockForm(programme=programme, ends_on=latest.ends_on),
    }
    return render(request, "results/values.html", context)


@permission_required("results.enter_values")
def value_create(request, code, pk):
    programme = get_programme_for_user(request.user, code)
    indicator = get_indicator(programme, pk)
    latest = services.latest_version(programme)
    form = ManualValueForm(request.POST or None, request.FILES or None, programme=programme, ends_on=latest.ends_on)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.enter_manual_value(
                indicator, period=data["period"], category=data["category"], user=request.user, **form.value_fields()
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved as a draft. Submit it for approval when the evidence is attached."))
            return redirect("results:results_indicator", code, pk)
    return render(
        request,
        "results/form.html",
        {
            "form": form,
            "programme": programme,
            "multipart": True,
            "title": _("Enter a value for %(code)s") % {"code": indicator.code},
        },
    )


@permission_required("results.enter_values")
def value_edit(request, code, pk):
    programme = get_programme_for_user(request.user, code)
    entry = get_object_or_404(
        ManualValue.objects.select_related("indicator"), pk=pk, indicator__node__programme=programme
    )
    latest = services.latest_version(programme)
    form = ManualValueForm(
        request.POST or None, request.FILES or None, programme=programme, ends_on=latest.ends_on, instance=entry
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_manual_value(
                entry, expected_version=form.cleaned_data["version"], user=request.user, **form.value_fields()
            )
        except DomainError as error:
            show_refusal(form, error, current_version=lambda: ManualValue.objects.get(pk=pk).version)
        else:
            messages.success(request, _("Value saved."))
            return redirect("results:results_indicator", code, entry.indicator_id)
    history = AuditEntry.objects.about(entry).select_related("user")
    return render(
        request,
        "results/value.html",
        {
            "form": form,
            "entry": entry,
            "programme": programme,
            "history": history,
            "review_form": ReviewForm(initial={"version": entry.version}),
        },
    )


@permission_required("results.enter_values")
def value_review(request, code, pk):
    """Submit a value (its author or any staff), or approve or return it (programme staff, never their own)."""
    programme = get_programme_for_user(request.user, code)
    entry = get_object_or_404(ManualValue, pk=pk, indicator__node__programme=programme)
    if request.method != "POST":
        raise Http404
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; nothing changed."))
        return redirect("results:results_value", code, pk)
    decision, version = form.cleaned_data["decision"], form.cleaned_data["version"]
    if decision != "submit" and not request.user.has_perm("results.review_values"):
        raise PermissionDenied
    try:
        if decision == "submit":
            services.submit_manual_value(entry, user=request.user, expected_version=version)
        elif decision == "approve":
            services.approve_manual_value(entry, user=request.user, expected_version=version)
        else:
            services.return_manual_value(
                entry, user=request.user, comment=form.cleaned_data["comment"], expected_version=version
            )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("results:results_value", code, pk)
    messages.success(request, dict(ReviewForm.DECISIONS)[decision] + " ✓")
    return redirect("results:results_value", code, pk)


@permission_required(READ)
def value_evidence(request, code, pk):
    """The evidence file of a value, to those who may read the programme (uploads are never public)."""
    programme = get_programme_for_user(request.user, code)
    entry = get_object_or_404(ManualValue, pk=pk, indicator__node__programme=programme)
    return send_file(entry.evidence_file, name=entry.evidence_file.name.rsplit("/", 1)[-1])


@permission_required("results.manage")
def period_lock(request, code):
    programme = get_programme_for_user(request.user, code)
    if request.method != "POST":
        raise Http404
    form = LockForm(request.POST, programme=programme, ends_on=services.latest_version(programme).ends_on)
    if form.is_valid():
        try:
            lock = services.lock_period(programme, period=form.cleaned_data["period"], user=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Locked: %(period)s.") % {"period": lock})
    else:
        messages.error(request, _("Choose a period to lock."))
    return redirect("results:results_values", code)


# --- IPTT ------------------------------------------------------------------------------------------------------

FREQUENCIES = {"year": _("Years"), "semester": _("Semesters")}


def iptt_context(request, code):
    programme = get_programme_for_user(request.user, code)
    at, date_error = programme_date(request, programme)
    frequency = request.GET.get("frequency", "year")
    frequency = frequency if frequency in FREQUENCIES else "year"
    level = request.GET.get("level", "")
    level = level if level in Level.values else ""
    results = programme_results(programme, at, reader=request.user)
    table = iptt_table(results, frequency=frequency, level=level)
    return programme, results, table, {"at": at, "frequency": frequency, "level": level}, date_error


@permission_required(READ)
def iptt(request, code):
    programme, results, table, filters, date_error = iptt_context(request, code)
    context = {
        "programme": programme,
        "results": results,
        "table": table,
        "row_span": 8 + 3 * len(table.columns),  # the fixed columns and target/actual/% per period
        "filters": filters,
        "at": filters["at"],
        "frequencies": FREQUENCIES.items(),
        "levels": Level.choices,
        "query": request.GET.urlencode(),
    }
    return render_as_at(request, "results/iptt.html", context, date_error)


@permission_required(READ)
def iptt_export(request, code, fmt):
    programme, results, table, filters, _error = iptt_context(request, code)
    name = f"iptt-{programme.code}-{filters['at']}"
    if fmt == "xlsx":
        return attachment(iptt_xlsx(table, results), name=f"{name}.xlsx", content_type=XLSX)
    if fmt == "pdf":
        return attachment(iptt_pdf(table, results), name=f"{name}.pdf", content_type=PDF)
    raise Http404


# --- snapshots -------------------------------------------------------------------------------------------------


@permission_required(READ)
def snapshot_list(request, code):
    """The snapshots of a programme; freezing one starts a job, whose page follows it to the frozen figures."""
    programme = get_programme_for_user(request.user, code)
    form = SnapshotForm(request.POST or None, initial={"as_of": timezone.localdate()})
    if request.method == "POST":
        if not request.user.has_perm("results.manage"):
            raise PermissionDenied
        if form.is_valid():
            try:
                job = start_freeze(programme, user=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                return redirect("jobs:job", job.pk)
    snapshots = programme.snapshots.select_related("frozen_by")
    freezing = []
    if request.user.has_perm("results.manage"):
        jobs = Job.objects.serving(programme).filter(kind=FREEZE)
        freezing = visible_to(request.user, jobs.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING)))
    context = {"programme": programme, "snapshots": snapshots, "form": form, "freezing": freezing}
    return render(request, "results/snapshots.html", context, status=400 if form.errors else 200)


@permission_required(READ)
def snapshot_detail(request, code, pk):
    programme = get_programme_for_user(request.user, code)
    frozen = get_object_or_404(Snapshot.objects.select_related("frozen_by"), pk=pk, programme=programme)
    form = RestatementForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("results.manage"):
            raise PermissionDenied
        if form.is_valid():
            indicator = get_indicator(programme, form.cleaned_data["indicator"])
            try:
                services.restate(
                    frozen,
                    indicator=indicator,
                    period=form.cleaned_data["period"],
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Restatement recorded."))
                return redirect("results:results_snapshot", code, pk)
    # Figures the reader may not see (money, for a donor) stay out of the frozen table and of the differences.
    frozen_ids = {figure["id"]: code for code, figure in frozen.data["indicators"].items()}
    indicators = {frozen_ids[indicator.pk]: indicator for indicator in Indicator.objects.filter(pk__in=frozen_ids)}
    withheld = {code for code, indicator in indicators.items() if withheld_from(request.user, indicator)}

    def unit_of(code):
        return indicators[code].unit if code in indicators else ""

    context = {
        "programme": programme,
        "snapshot": frozen,
        # (code, figure, unit, status) and (difference, unit): each number shown with the unit of its indicator.
        "frozen_figures": [
            (code, figure, unit_of(code), Status(figure["to_date"]["status"]))
            for code, figure in frozen.data["indicators"].items()
            if code not in withheld
        ],
        "verifies": services.snapshot_verifies(frozen),
        "differences": [(d, unit_of(d.code)) for d in differences(frozen) if d.code not in withheld],
        "restatements": frozen.restatements.select_related("indicator", "stated_by"),
        "form": form,
    }
    return render(request, "results/snapshot.html", context, status=400 if form.errors else 200)
