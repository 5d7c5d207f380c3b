"""Countries' legislation against the Budapest Convention, article by article and over time, and the legislative
advice the programme gives (DESIGN.md §3).

A profile is not a row that is overwritten: each statement about a country × article is an `Assessment` dated on the
day it describes, from a source (a T-CY assessment, legislative advice, the country's own report, a desk review).
What a country's law was on any date is the latest reviewed assessment not after that date (`queries.compliance_at`),
so the history is the data and a profile can be read as it stood on any day. A focal point's statement is a draft
until staff review it; only reviewed ones count and are public.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octopus.countries.models import Country
from octopus.events.models import Event
from octopus.people.models import Person
from octopus.results.models import Assignment, ResultNode
from octopus.surveys.models import Questionnaire, Response
from octopus.treaties.models import Article

# The articles of CETS 185 a country's law implements (the Octopus Community profiles' chapters): definitions,
# substantive and procedural law, jurisdiction, international co-operation, and Article 42 (reservations).
PROFILE_TREATY = 185
PROFILE_ARTICLES = frozenset([*range(1, 23), *range(24, 36), 42])


class Level(models.TextChoices):
    IN_PLACE = "in_place", _("In place")
    PARTIALLY = "partially", _("Partially in place")
    NOT_IN_PLACE = "not_in_place", _("Not in place")
    NOT_ASSESSED = "not_assessed", _("Not assessed")


class Source(models.TextChoices):
    TCY_ASSESSMENT = "tcy_assessment", _("T-CY assessment")
    LEGISLATIVE_ADVICE = "legislative_advice", _("Legislative advice")
    SELF_REPORT = "self_report", _("Self-report")
    DESK_REVIEW = "desk_review", _("Desk review")


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft, awaiting review")
    REVIEWED = "reviewed", _("Reviewed")
    REJECTED = "rejected", _("Rejected")


def law_file_path(instance, filename):
    # Under MEDIA_ROOT, never served as such: a view sends the file of a law the reader may see.
    return f"legislation/laws/{instance.country_id}/{uuid.uuid4().hex}.{instance.file_type or 'bin'}"


class Law(models.Model):
    """A national law (or code) that implements articles of the Convention. Recorded by a focal point, it is a
    draft until staff review it, like an assessment; only reviewed laws are public."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="laws")
    title = models.CharField(_("title"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to=law_file_path, blank=True, max_length=200)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_type = models.CharField(_("file type"), max_length=8, blank=True)  # surveys.FileType: pdf or docx
    state = models.CharField(_("review"), max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_sample = models.BooleanField(_("sample data"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["country__name", "title"]
        constraints = [models.UniqueConstraint(fields=["country", "title"], name="law_title_once_per_country")]

    def __str__(self):
        return f"{self.title} ({self.year})" if self.year else self.title


class AssessmentQuerySet(models.QuerySet):
    def reviewed(self):
        return self.filter(state=ReviewState.REVIEWED)


class Assessment(models.Model):
    """What a source says of one country's law on one article, on a date."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="assessments")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="assessments")
    level = models.CharField(_("compliance"), max_length=16, choices=Level.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    assessed_on = models.DateField(_("as of"))
    provisions = models.TextField(_("provisions of national law"), blank=True)
    laws = models.ManyToManyField(Law, blank=True, related_name="assessments", verbose_name=_("laws"))
    note = models.TextField(_("note"), blank=True)
    citation = models.CharField(_("citation"), max_length=500, blank=True, help_text=_("Where the source says so."))
    state = models.CharField(_("review"), max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_sample = models.BooleanField(_("sample data"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["country__name", "article__number", "assessed_on", "pk"]
        indexes = [models.Index(fields=["state", "assessed_on"], name="assessment_state_day")]

    def __str__(self):
        return f"{self.country} – Art. {self.article.number}: {self.get_level_display()} ({self.assessed_on})"


class AdviceMode(models.TextChoices):
    DESK_REVIEW = "desk_review", _("Desk review")
    WORKSHOP = "workshop", _("Workshop")
    MISSION = "mission", _("Mission")


class Advice(models.Model):
    """Legislative advice given to a country on a draft or a law: what was reviewed, how, when and by whom."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="advice")
    reviewed = models.CharField(_("draft or law reviewed"), max_length=300)
    law = models.ForeignKey(Law, null=True, blank=True, on_delete=models.SET_NULL, related_name="advice")
    mode = models.CharField(_("mode"), max_length=16, choices=AdviceMode.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    articles = models.ManyToManyField(Article, related_name="advice", verbose_name=_("articles covered"))
    experts = models.ManyToManyField(Person, blank=True, related_name="advice_given", verbose_name=_("experts"))
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="advice", verbose_name=_("workshop")
    )
    activity = models.ForeignKey(
        ResultNode,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("programme activity served"),
    )
    is_sample = models.BooleanField(_("sample data"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # The programmes it serves (results.assignments), to read them with the advice in lists (no column of its own).
    assignments = GenericRelation(Assignment)

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name_plural = _("advice")
        constraints = [
            models.CheckConstraint(name="advice_ends_after_start", condition=Q(ends_on__gte=models.F("starts_on")))
        ]

    def __str__(self):
        return f"{self.country}: {self.reviewed} ({self.starts_on})"

    def get_absolute_url(self):
        """Its own page, where the drill-down behind a figure links it."""
        return reverse("legislation:advice_detail", args=[self.pk])


class AdviceRecommendation(models.Model):
    """A recommendation of the advice; once taken up, the assessment it changed says by how much."""

    advice = models.ForeignKey(Advice, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField(_("number"))
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("recommendation"))
    taken_up_on = models.DateField(_("taken up on"), null=True, blank=True)
    assessment = models.ForeignKey(
        Assessment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assessment it changed"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["advice", "number"]
        constraints = [models.UniqueConstraint(fields=["advice", "number"], name="advice_recommendation_once")]

    def __str__(self):
        return f"R{self.number}: {self.text[:60]}"


def advice_file_path(instance, filename):
    return f"legislation/advice/{instance.advice_id}/{uuid.uuid4().hex}.{instance.file_type or 'bin'}"


class AdviceDocument(models.Model):
    """A document of the advice: the analysis sent, the draft reviewed, a workshop report."""

    advice = models.ForeignKey(Advice, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=advice_file_path, max_length=200)
    file_name = models.CharField(_("file name"), max_length=200)
    file_type = models.CharField(_("file type"), max_length=8)  # surveys.FileType: pdf or docx
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["advice", "uploaded_at", "pk"]

    def __str__(self):
        return self.title


# --- country statistics ------------------------------------------------------------------------------------------


class Figure(models.TextChoices):
    """The yearly figures behind the objective indicators: criminal justice action, international cooperation."""

    CASES_RECORDED = "cases_recorded", _("Cybercrime cases recorded")
    CASES_INVESTIGATED = "cases_investigated", _("Cybercrime cases investigated")
    CASES_PROSECUTED = "cases_prosecuted", _("Cybercrime cases prosecuted")
    CASES_CONVICTED = "cases_convicted", _("Cybercrime cases with a conviction")
    MLA_SENT = "mla_sent", _("Mutual legal assistance requests sent")
    MLA_RECEIVED = "mla_received", _("Mutual legal assistance requests received")
    MLA_EXECUTED = "mla_executed", _("Mutual legal assistance requests executed")
    MLA_MEDIAN_DAYS = "mla_median_days", _("Median days to execute a mutual legal assistance request")
    CONTACT_247_SENT = "contact_247_sent", _("24/7 network requests sent")
    CONTACT_247_RECEIVED = "contact_247_received", _("24/7 network requests received")
    CONTACT_247_EXECUTED = "contact_247_executed", _("24/7 network requests executed")
    PRESERVATION_SENT = "preservation_sent", _("Preservation requests sent")
    PRESERVATION_RECEIVED = "preservation_received", _("Preservation requests received")


# Requests executed in a year cannot outnumber those received in it.
EXECUTED_WITHIN_RECEIVED = {
    Figure.MLA_EXECUTED: Figure.MLA_RECEIVED,
    Figure.CONTACT_247_EXECUTED: Figure.CONTACT_247_RECEIVED,
}


class StatisticSource(models.TextChoices):
    QUESTIONNAIRE = "questionnaire", _("Country questionnaire")
    PUBLISHED = "published", _("Published source")


class Statistic(models.Model):
    """One figure of one country for one year, from the country's questionnaire or a published source (cited).
    A corrected figure replaces the value in place; the audit log keeps each value it had."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="statistics")
    year = models.PositiveSmallIntegerField(_("year"))
    figure = models.CharField(_("figure"), max_length=24, choices=Figure.choices)
    value = models.PositiveIntegerField(_("value"))
    source = models.CharField(_("source"), max_length=16, choices=StatisticSource.choices)
    citation = models.CharField(_("citation"), max_length=500, blank=True)
    response = models.ForeignKey(
        Response,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("questionnaire response"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    is_sample = models.BooleanField(_("sample data"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["country__name", "-year", "figure"]
        constraints = [
            models.UniqueConstraint(fields=["country", "year", "figure"], name="statistic_once_per_year"),
            models.CheckConstraint(
                name="statistic_published_is_cited", condition=~Q(source="published") | ~Q(citation="")
            ),
        ]

    def __str__(self):
        return f"{self.country} {self.year}: {self.get_figure_display()} = {self.value}"


class StatisticsQuestionnaire(models.Model):
    """A `surveys` questionnaire that collects the figures of one year: its number questions are coded by figure
    (`Figure` values), and a submitted reply records them for the replying country."""

    questionnaire = models.OneToOneField(Questionnaire, on_delete=models.CASCADE, related_name="statistics_year")
    year = models.PositiveSmallIntegerField(_("year of the figures"))

    def __str__(self):
        return f"{self.questionnaire.code} ({self.year})"


# --- imports -----------------------------------------------------------------------------------------------------


class ImportKind(models.TextChoices):
    PROFILES = "profiles", _("Legislation profiles (one sheet per country)")
    STATISTICS = "statistics", _("Statistics (one row per figure)")
