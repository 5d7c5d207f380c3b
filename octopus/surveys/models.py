"""Questionnaires and their responses (DESIGN.md §3): T-CY assessment rounds, country statistics, event evaluations.

The engine knows nothing of who asks: a questionnaire has sections and typed questions; a response belongs to one
respondent, a country or a person. Answers are saved as drafts (optimistic locking on `Response.version`, so two
people of one country never overwrite each other); a submission freezes every answer into a `ResponseRevision`,
and the response stays locked until staff reopen it. Compilations read the latest revision, never a draft.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octopus.countries.models import Country
from octopus.people.models import Person


class Purpose(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment")
    STATISTICS = "statistics", _("Statistics")
    EVALUATION = "evaluation", _("Evaluation")


class QuestionnaireStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class QuestionType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    YES_NO = "yes_no", _("Yes / no")
    CHOICE = "choice", _("One choice")
    MULTI_CHOICE = "multi_choice", _("Several choices")
    COMPLIANCE = "compliance", _("Compliance level")
    FILE = "file", _("File")


class Compliance(models.TextChoices):
    """The levels of the T-CY assessments, for a question on one article."""

    COMPLIANT = "compliant", _("Compliant")
    LARGELY = "largely", _("Largely compliant")
    PARTIALLY = "partially", _("Partially compliant")
    NOT_COMPLIANT = "not_compliant", _("Not compliant")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class ResponseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REOPENED = "reopened", _("Reopened")


DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024


class Questionnaire(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True, help_text=_("e.g. tcy-round-3-preservation"))
    title = models.CharField(_("title"), max_length=300)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    description = models.TextField(_("description"), blank=True)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionnaireStatus.choices, default=QuestionnaireStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1, help_text=_("Edition of the questionnaire."))
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True) | Q(closes_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
                name="questionnaire_closes_after_opening",
            )
        ]

    def __str__(self):
        return f"{self.code}: {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status == QuestionnaireStatus.OPEN


class Section(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=300)
    article = models.CharField(
        _("treaty article"), max_length=30, blank=True, help_text=_("Treaty and article it concerns, e.g. 185/16.")
    )

    class Meta:
        ordering = ["questionnaire", "order"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "order"], name="section_unique_order")]

    def __str__(self):
        return self.title


class Question(models.Model):
    # The questionnaire is repeated from the section so that a code is unique within it, in the database.
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=60)
    text = models.TextField(_("question"))
    help = models.TextField(_("help"), blank=True)
    type = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    required = models.BooleanField(_("required"), default=False)
    min_value = models.DecimalField(_("minimum"), max_digits=20, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=20, decimal_places=4, null=True, blank=True)
    # [{"value": "...", "label": "..."}] for choice and multi_choice questions.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    file_types = models.JSONField(_("allowed file types"), default=list, blank=True)
    max_file_size = models.PositiveIntegerField(_("maximum file size (bytes)"), default=DEFAULT_MAX_FILE_SIZE)

    class Meta:
        ordering = ["section__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_unique_code"),
            models.UniqueConstraint(fields=["section", "order"], name="question_unique_order"),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=models.F("min_value")),
                name="question_min_below_max",
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.text[:80]}"

    def choice_labels(self) -> dict[str, str]:
        """Value → label of the options a respondent may pick."""
        if self.type == QuestionType.COMPLIANCE:
            return {value: str(label) for value, label in Compliance.choices}
        if self.type in (QuestionType.CHOICE, QuestionType.MULTI_CHOICE):
            return {option["value"]: option["label"] for option in self.choices}
        return {}


class ResponseQuerySet(models.QuerySet):
    def submitted_once(self):
        """Responses with at least one submission: the ones a compilation shows."""
        return self.filter(revisions__isnull=False).distinct()


class Response(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="responses")
    # Exactly one respondent: a country (assessments, statistics) or a person (evaluations).
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="survey_responses"
    )
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="survey_responses")
    state = models.CharField(_("state"), max_length=10, choices=ResponseState.choices, default=ResponseState.DRAFT)
    version = models.PositiveIntegerField(default=1, editable=False)
    started_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["questionnaire", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(country__isnull=False, person__isnull=True) | Q(country__isnull=True, person__isnull=False),
                name="response_one_respondent",
            ),
            models.UniqueConstraint(
                fields=["questionnaire", "country"], name="response_one_per_country", condition=Q(country__isnull=False)
            ),
            models.UniqueConstraint(
                fields=["questionnaire", "person"], name="response_one_per_person", condition=Q(person__isnull=False)
            ),
        ]

    def __str__(self):
        return f"{self.questionnaire.code} – {self.respondent}"

    @property
    def respondent(self):
        return self.country if self.country_id else self.person

    @property
    def is_locked(self) -> bool:
        return self.state == ResponseState.SUBMITTED


def answer_file_path(instance, filename):
    # A name nobody can guess, with the extension of the type found in the content, under a folder never served
    # as static files: a view checks who may read it.
    suffix = PurePosixPath(filename).suffix.lower()[:6]
    return f"surveys/{instance.response.questionnaire_id}/{instance.response_id}/{uuid.uuid4().hex}{suffix}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # text → str, number → str of a decimal (exact), yes_no → bool, choice/compliance → str, multi_choice → [str],
    # file → {"name": original name, "size": bytes, "type": FileType}.
    value = models.JSONField(_("value"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=answer_file_path, blank=True, max_length=200)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_one_per_question")]

    def __str__(self):
        return f"{self.question.code}: {self.value}"


class ResponseRevision(models.Model):
    """All answers of a response as submitted, frozen: the record a compilation and an assessment rely on."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("number"))
    # {question code: value}; a file answer also carries "path", the stored file at the time of submission.
    data = models.JSONField(_("answers"))
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["response", "number"]
        constraints = [models.UniqueConstraint(fields=["response", "number"], name="revision_unique_number")]

    def __str__(self):
        return f"{self.response} #{self.number}"
