"""The results framework: programmes, logframe versions, indicators, targets, manual values and snapshots.

Actuals are not stored here unless no record holds them (`ManualValue`): a computed indicator names a metric that
the app owning the records registered (`octopus.lib.metrics`), and its value is read live (DESIGN.md §4).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from octopus.results.periods import Period


class Programme(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("Short name used in addresses."))
    title = models.CharField(_("title"), max_length=300)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end (as first planned)"))
    budget_ceiling = models.DecimalField(_("budget ceiling"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    implementing_office = models.CharField(_("implementing office"), max_length=200)
    funding = models.CharField(_("funding"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.TextField(_("source"), blank=True, help_text=_("Where the programme's facts come from."))
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["starts_on", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="programme_ends_after_start")
        ]

    def __str__(self):
        return self.title


class ProgrammeFunder(models.Model):
    """A donor (by the donor code its members hold) that funds a programme: its members may read the programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="funders")
    donor_code = models.CharField(_("donor code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["programme", "donor_code"], name="funder_unique_per_programme")]

    def __str__(self):
        return self.name


class LogframeVersion(models.Model):
    """The logframe as decided on a date. It is in force from `valid_from` until the next version's `valid_from`."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    valid_from = models.DateField(_("in force from"))
    ends_on = models.DateField(_("programme end under this version"))
    decision = models.TextField(_("decision"), help_text=_("Who decided the revision, when, and why."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="version_unique_number"),
            models.UniqueConstraint(fields=["programme", "valid_from"], name="version_unique_start"),
        ]

    def __str__(self):
        return _("Version %(number)s (from %(day)s)") % {"number": self.number, "day": self.valid_from}


class Level(models.TextChoices):
    OBJECTIVE = "objective", _("Objective")
    OUTPUT = "output", _("Output")
    ACTIVITY = "activity", _("Activity")


class ResultNode(models.Model):
    """A box of the logframe: the objective, an output, or an activity under an output."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. O, 1, 1.2"))
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    assumptions = models.TextField(_("assumptions"), blank=True)
    risks = models.TextField(_("risks"), blank=True)
    order = models.PositiveIntegerField(default=0)
    introduced_in = models.ForeignKey(LogframeVersion, on_delete=models.PROTECT, related_name="+")
    retired_in = models.ForeignKey(LogframeVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["programme", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="node_unique_code")]

    def __str__(self):
        return f"{self.get_level_display()} {self.code}: {self.title}"


class AssumptionStatus(models.TextChoices):
    NOT_ASSESSED = "not_assessed", _("Not assessed")
    HOLDS = "holds", _("Holds")
    PARTLY = "partly", _("Holds in part")
    DOES_NOT_HOLD = "does_not_hold", _("Does not hold")


class Assumption(models.Model):
    """A condition outside the programme's control that a box of the logframe relies on, in the programme
    document's words. Its status over time is the series of its reviews."""

    node = models.ForeignKey(ResultNode, on_delete=models.CASCADE, related_name="assumption_set")
    text = models.TextField(_("assumption"))
    order = models.PositiveIntegerField(default=0)
    introduced_in = models.ForeignKey(LogframeVersion, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["node", "order", "pk"]

    def __str__(self):
        return self.text


class AssumptionReview(models.Model):
    """What staff found of an assumption on a day: it holds, in part, or not, and why."""

    assumption = models.ForeignKey(Assumption, on_delete=models.CASCADE, related_name="reviews")
    on = models.DateField(_("as of"))
    status = models.CharField(_("status"), max_length=20, choices=AssumptionStatus.choices)
    note = models.TextField(_("finding"), help_text=_("What shows it: events, decisions, sources."))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assumption", "on", "pk"]

    def __str__(self):
        return f"{self.on}: {self.get_status_display()}"


class Assignment(models.Model):
    """A record that can count (an event, a piece of advice, an expense…) serving a programme, with the share of its
    cost the programme bears. A record may serve several programmes (an Octopus conference co-organised with GLACY+
    counts once for each; its shares sum to 100 %); a record with no assignment counts for none. One table for every
    kind of record, so one query finds what a programme's indicators may count (`results.assignments`)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="assignments")
    activity = models.ForeignKey(
        ResultNode, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("activity")
    )
    share = models.DecimalField(
        _("share of the cost (%)"), max_digits=5, decimal_places=2, default=100, help_text=_("The shares sum to 100.")
    )

    class Meta:
        ordering = ["content_type", "object_id", "programme"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "programme"], name="assignment_unique"),
            models.CheckConstraint(condition=Q(share__gt=0, share__lte=100), name="assignment_share_in_range"),
        ]
        indexes = [models.Index(fields=["programme", "content_type", "object_id"], name="assignment_by_programme")]

    def __str__(self):
        return f"{self.programme} ({self.share} %)"


class Measure(models.TextChoices):
    COUNT = "count", _("Count")
    PERCENT = "percent", _("Percentage")
    ORDINAL = "ordinal", _("Ordinal scale")
    CURRENCY = "currency", _("Amount of money")
    QUALITATIVE = "qualitative", _("Qualitative")


class Direction(models.TextChoices):
    INCREASE = "increase", _("Higher is better")
    DECREASE = "decrease", _("Lower is better")
    NONE = "none", _("No direction")


class Accumulation(models.TextChoices):
    SUM = "sum", _("Sum over periods")
    LATEST = "latest", _("Latest value")
    DISTINCT = "distinct", _("Distinct over the life of the programme")


class Frequency(models.TextChoices):
    YEAR = "year", _("Yearly")
    SEMESTER = "semester", _("Every semester")
    LIFE = "life", _("Once, for the life of the programme")


class Indicator(models.Model):
    node = models.ForeignKey(ResultNode, on_delete=models.PROTECT, related_name="indicators")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=500)
    definition = models.TextField(_("definition"), blank=True)
    means_of_verification = models.TextField(_("means of verification"), blank=True)
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices, default=Measure.COUNT)
    unit = models.CharField(_("unit"), max_length=60, blank=True, help_text=_("e.g. workshops, countries, EUR"))
    scale = models.JSONField(
        _("ordinal scale"), default=list, blank=True, help_text=_("For ordinal measures: the labels, lowest first.")
    )
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices, default=Direction.INCREASE)
    accumulation = models.CharField(
        _("accumulation"), max_length=20, choices=Accumulation.choices, default=Accumulation.SUM
    )
    frequency = models.CharField(_("frequency"), max_length=20, choices=Frequency.choices, default=Frequency.YEAR)
    disaggregations = models.JSONField(_("disaggregations"), default=list, blank=True)
    metric_key = models.CharField(
        _("metric"), max_length=100, blank=True, help_text=_("Empty when the value is entered by hand.")
    )
    metric_params = models.JSONField(_("metric parameters"), default=dict, blank=True)
    manual = models.BooleanField(_("entered by hand"), default=False)
    assisted_only = models.BooleanField(
        _("only the countries the programme assisted"),
        default=False,
        help_text=_(
            "For a measure about all States (Parties, compliance of law): count only the countries the programme "
            "assisted (advised, or hosting its workshops) over its life so far."
        ),
    )
    baseline_value = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_on = models.DateField(_("baseline date"), null=True, blank=True)
    baseline_note = models.CharField(_("baseline source"), max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)
    introduced_in = models.ForeignKey(LogframeVersion, on_delete=models.PROTECT, related_name="+")
    retired_in = models.ForeignKey(LogframeVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1, help_text=_("Edit counter, for refusing stale edits."))

    class Meta:
        ordering = ["node__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["node", "code"], name="indicator_unique_code"),
            models.CheckConstraint(
                condition=Q(manual=True, metric_key="") | Q(manual=False), name="indicator_manual_has_no_metric"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def programme_id(self):
        return self.node.programme_id

    def label_for(self, value) -> str:
        """How a value reads for people: an ordinal rank by its label, numbers as they are."""
        if value is None:
            return ""
        if self.measure == Measure.ORDINAL and self.scale:
            rank = int(value)
            return self.scale[rank] if 0 <= rank < len(self.scale) else str(value)
        return str(value)


class PeriodKind(models.TextChoices):
    LIFE = "life", _("Life of programme")
    YEAR = "year", _("Year")
    SEMESTER = "semester", _("Semester")


class Comparator(models.TextChoices):
    EXACTLY = "eq", _("exactly")
    AT_MOST = "le", _("at most")
    AT_LEAST = "ge", _("at least")
    RANGE = "range", _("between")


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    logframe_version = models.ForeignKey(LogframeVersion, on_delete=models.CASCADE, related_name="targets")
    period_kind = models.CharField(_("period"), max_length=20, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    comparator = models.CharField(_("comparator"), max_length=10, choices=Comparator.choices)
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    upper = models.DecimalField(_("upper bound"), max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["indicator", "period_start", "period_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "logframe_version", "period_kind", "period_start"], name="target_unique_period"
            ),
            models.CheckConstraint(
                condition=Q(comparator="range", upper__isnull=False) | (~Q(comparator="range") & Q(upper__isnull=True)),
                name="target_upper_only_for_range",
            ),
        ]

    def __str__(self):
        bound = f"{self.value}–{self.upper}" if self.comparator == Comparator.RANGE else f"{self.value}"
        return f"{self.get_comparator_display()} {bound}"

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end, self.period_kind)


class ValueStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


def evidence_path(instance, filename):
    return f"evidence/{instance.indicator_id}/{filename}"


class ManualValue(models.Model):
    """A value for an indicator no record holds, with its evidence. Only approved values count."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="manual_values")
    period_kind = models.CharField(_("period"), max_length=20, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    category = models.CharField(
        _("category"), max_length=60, blank=True, help_text=_("Empty for the total; e.g. AL for a country.")
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("finding"), blank=True, help_text=_("For qualitative indicators."))
    note = models.TextField(_("note"), blank=True)
    evidence_url = models.URLField(_("evidence link"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to=evidence_path, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ValueStatus.choices, default=ValueStatus.DRAFT)
    review_comment = models.TextField(_("review comment"), blank=True)
    # None for a published figure loaded with the reference data (its source is the evidence).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "period_start", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_kind", "period_start", "category"], name="manual_value_unique_period"
            )
        ]

    def __str__(self):
        shown = self.value if self.value is not None else self.text[:40]
        return f"{self.indicator.code} {self.period.label}: {shown}"

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end, self.period_kind)


class LockedPeriod(models.Model):
    """A reporting period closed for manual values: nothing in it may be entered, changed or reviewed again."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="locked_periods")
    period_start = models.DateField()
    period_end = models.DateField()
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    locked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "period_start"]
        constraints = [models.UniqueConstraint(fields=["programme", "period_start", "period_end"], name="lock_unique")]

    def __str__(self):
        return f"{self.period_start} – {self.period_end}"


class Snapshot(models.Model):
    """The programme's figures as reported on a day: every value and the records behind it, frozen and hashed."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="snapshots")
    title = models.CharField(_("report"), max_length=300)
    as_of = models.DateField(_("figures as of"))
    data = models.JSONField()
    digest = models.CharField(max_length=64, help_text=_("SHA-256 of the canonical JSON of `data`."))
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    frozen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-frozen_at"]

    def __str__(self):
        return f"{self.title} ({self.as_of})"


class Restatement(models.Model):
    """A reported figure that now reads differently, with the reason given by staff."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="restatements")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="restatements")
    period = models.CharField(max_length=20)
    reported = models.JSONField(null=True)
    current = models.JSONField(null=True)
    reason = models.TextField(_("reason"))
    stated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-stated_at"]

    def __str__(self):
        return f"{self.indicator_id} {self.period}: {self.reported} → {self.current}"
