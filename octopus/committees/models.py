"""The Cybercrime Convention Committee (T-CY) and its Bureau: who belongs, when they meet, what they adopt
(DESIGN.md §3).

Membership is not typed in: a State is a member of a committee from the day the committee's treaty enters into
force for it, as the dated treaty actions say (`queries.membership_at`). What the actions cannot say — observers
admitted by a decision of the committee, and international organisations — is recorded here as admissions.
"""

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octopus.countries.models import Country
from octopus.events.models import Event
from octopus.lib.files import FileType
from octopus.lib.precision import Precision, shown
from octopus.people.models import Organisation, Person
from octopus.surveys.models import Questionnaire
from octopus.treaties.models import Article, Treaty


class Committee(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)  # "T-CY", "T-CY Bureau"
    name = models.CharField(_("name"), max_length=200)
    treaty = models.ForeignKey(
        Treaty, on_delete=models.PROTECT, related_name="committees", help_text=_("Its Parties are its members.")
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="bodies", help_text=_("e.g. the Bureau")
    )
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code


class ObserverAdmission(models.Model):
    """A State or an organisation admitted as observer on a date (and, if so, until when)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="admissions")
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    admitted_on = models.DateField(_("admitted on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=300, blank=True, help_text=_("Meeting or letter."))
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["admitted_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="admission_of_a_state_or_an_organisation",
                condition=Q(country__isnull=False, organisation__isnull=True)
                | Q(country__isnull=True, organisation__isnull=False),
            ),
            models.CheckConstraint(
                name="admission_ends_after_it_starts",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("admitted_on")),
            ),
        ]

    def __str__(self):
        return f"{self.country or self.organisation} – observer of {self.committee}"


class RepresentativeRole(models.TextChoices):
    HEAD = "head", _("Head of delegation")
    REPRESENTATIVE = "representative", _("Representative")
    ALTERNATE = "alternate", _("Alternate")


class Representative(models.Model):
    """A person a member (or an observer) names to the committee, for a term; a plenary's delegation is recorded
    per event in `events`, this is who stands for the State or organisation between meetings."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="representatives")
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="committee_seats")
    role = models.CharField(_("role"), max_length=16, choices=RepresentativeRole.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["country__name", "organisation__name", "role", "starts_on"]
        constraints = [
            models.CheckConstraint(
                name="representative_of_a_state_or_an_organisation",
                condition=Q(country__isnull=False, organisation__isnull=True)
                | Q(country__isnull=True, organisation__isnull=False),
            ),
            models.CheckConstraint(
                name="representative_ends_after_start",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.get_role_display()} ({self.country or self.organisation})"


class BureauRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    MEMBER = "member", _("Member")


class BureauTerm(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="terms")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="bureau_terms")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=16, choices=BureauRole.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["-starts_on", "role"]
        constraints = [
            models.CheckConstraint(
                name="bureau_term_ends_after_start",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.get_role_display()} of {self.committee}"


class Meeting(models.Model):
    """A plenary or Bureau meeting: an event of the events app, numbered in its committee's series."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    event = models.OneToOneField(Event, on_delete=models.PROTECT, related_name="meeting")
    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True, help_text=_("T-CY 16 → 16"))

    class Meta:
        ordering = ["event__starts_on"]
        constraints = [models.UniqueConstraint(fields=["committee", "number"], name="meeting_number_once")]

    def __str__(self):
        return f"{self.committee} {self.number}" if self.number else str(self.event)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("order"))
    number = models.CharField(_("item"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    decision = models.TextField(_("decision"), blank=True, help_text=_("As in the list of decisions."))
    report = models.TextField(_("abridged report"), blank=True, help_text=_("What the meeting report says of it."))
    documents = models.ManyToManyField("Document", blank=True, related_name="agenda_items")
    version = models.PositiveIntegerField(default=1, editable=False)  # also bumped when a move shifts the item

    class Meta:
        ordering = ["meeting", "order"]
        constraints = [models.UniqueConstraint(fields=["meeting", "order"], name="agenda_item_order_once")]

    def __str__(self):
        return f"{self.number}. {self.title}"


class DocumentType(models.TextChoices):
    GUIDANCE_NOTE = "guidance_note", _("Guidance Note")
    ASSESSMENT_REPORT = "assessment_report", _("Assessment report")
    FOLLOW_UP_REPORT = "follow_up_report", _("Follow-up report")
    OPINION = "opinion", _("Opinion")
    AGENDA = "agenda", _("Agenda")
    MEETING_REPORT = "meeting_report", _("Meeting report")
    WORKING_DOCUMENT = "working_document", _("Working document")


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONSULTATION = "consultation", _("Under consultation")
    ADOPTED = "adopted", _("Adopted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Which status a document may move to from each (services.change_document_status enforces it).
DOCUMENT_TRANSITIONS = {
    DocumentStatus.DRAFT: {DocumentStatus.CONSULTATION, DocumentStatus.ADOPTED, DocumentStatus.WITHDRAWN},
    DocumentStatus.CONSULTATION: {DocumentStatus.DRAFT, DocumentStatus.ADOPTED, DocumentStatus.WITHDRAWN},
    DocumentStatus.ADOPTED: {DocumentStatus.WITHDRAWN},
    DocumentStatus.WITHDRAWN: set(),
}


class Circulation(models.TextChoices):
    """Who reads a document, as the committee's practice has it: a working draft is the secretariat's (and the
    focal points of a country asked to comment on it); a document circulated to the members is read by every
    delegation; a public one by everyone (`queries.documents.documents_readable_by`)."""

    DRAFT = "draft", _("Working draft")
    CIRCULATED = "circulated", _("Circulated to the members")
    PUBLIC = "public", _("Public")


# The steps a document takes (services.change_circulation enforces them): never back.
CIRCULATION_STEPS = {
    Circulation.DRAFT: {Circulation.CIRCULATED},
    Circulation.CIRCULATED: {Circulation.PUBLIC},
    Circulation.PUBLIC: set(),
}


class DocumentQuerySet(models.QuerySet):
    def public(self):
        return self.filter(circulation=Circulation.PUBLIC).exclude(status=DocumentStatus.WITHDRAWN)

    def adopted(self):
        return self.filter(status=DocumentStatus.ADOPTED)


class Document(models.Model):
    """An entry of the committee's document register. What a source does not say stays empty. A date of adoption
    known only to the month or the year ("adopted November 2016") is stored as its first day with that precision
    and counts in the periods that contain that day; an adopted document with no date known at all has no
    `adopted_on` and is counted in no period (the register says "date not known")."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="documents")
    symbol = models.CharField(_("symbol"), max_length=40, blank=True, help_text=_("e.g. T-CY(2013)29rev"))
    title = models.CharField(_("title"), max_length=300)
    type = models.CharField(_("type"), max_length=24, choices=DocumentType.choices)
    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True, help_text=_("Guidance Note #"))
    status = models.CharField(_("status"), max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adopted_precision = models.CharField(
        _("adoption date known to the"),
        max_length=5,
        choices=Precision.choices,
        default=Precision.DAY,
        help_text=_("Month or year: the date is the first day of what is known."),
    )
    adopted_at = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="adopted", verbose_name=_("adopted at")
    )
    adopted_at_plenary = models.PositiveSmallIntegerField(
        _("adopted at plenary no."), null=True, blank=True, help_text=_("When a source names the plenary only.")
    )
    written_procedure = models.BooleanField(_("adopted by written procedure"), default=False)
    circulation = models.CharField(
        _("circulation"),
        max_length=12,
        choices=Circulation.choices,
        default=Circulation.DRAFT,
        help_text=_("A working draft, circulated to the members, or public."),
    )
    source = models.TextField(_("source"), blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["type", "number", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "symbol"], condition=~Q(symbol=""), name="document_symbol_once"
            ),
            models.UniqueConstraint(
                fields=["committee", "type", "number"], condition=Q(number__isnull=False), name="document_number_once"
            ),
        ]

    def __str__(self):
        label = f"{self.get_type_display()} #{self.number}" if self.number else self.get_type_display()
        return f"{label}: {self.title}"

    def get_absolute_url(self):
        """Its own page, where the drill-down behind a figure links it."""
        return reverse("committees:tcy_document_manage", args=[self.pk])

    @property
    def is_public(self) -> bool:
        """On the public register (unless withdrawn): everyone reads it."""
        return self.circulation == Circulation.PUBLIC

    @property
    def dated_as(self) -> tuple[datetime.date | None, str]:
        """The day of adoption as stored and how precisely it is known (the results drill-down reads it)."""
        return self.adopted_on, self.adopted_precision

    @property
    def adoption_shown(self) -> str:
        """The date of adoption as far as it is known: "18 November 2016", "November 2016", "2015", or ""."""
        return shown(self.adopted_on, self.adopted_precision)


class CommentRequest(models.Model):
    """The secretariat asked a country to comment on a working draft (for an assessment report, a country the report
    assesses): from then on that country's focal points read the draft."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="comment_requests")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["document", "requested_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["document", "country"], name="comment_request_once")]

    def __str__(self):
        return f"{self.document.symbol or self.document.title} – {self.country}"


class Language(models.TextChoices):
    """The Council of Europe's official languages, in which the committee's documents are issued."""

    EN = "en", _("English")
    FR = "fr", _("French")


class TranslationStatus(models.TextChoices):
    ORIGINAL = "original", _("Original")
    REQUESTED = "requested", _("Translation requested")
    IN_PROGRESS = "in_progress", _("Being translated")
    DELIVERED = "delivered", _("Translation delivered")
    CANCELLED = "cancelled", _("Translation cancelled")


def document_file_path(instance, filename):
    # Under MEDIA_ROOT, which is never served as such: a view checks who may read the document, then sends the file.
    return f"committees/documents/{instance.document_id}/{instance.language}-{uuid.uuid4().hex}.{instance.file_type}"


class LanguageVersion(models.Model):
    """A document in one language: the original, or a translation with what it takes (words, deadline, cost), which
    is the translation request the programme pays for."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    translation_status = models.CharField(
        _("translation status"), max_length=16, choices=TranslationStatus.choices, default=TranslationStatus.ORIGINAL
    )
    word_count = models.PositiveIntegerField(_("words"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    cost = models.DecimalField(_("cost (EUR)"), max_digits=10, decimal_places=2, default=Decimal(0))
    file = models.FileField(_("file"), upload_to=document_file_path, blank=True, max_length=200)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_type = models.CharField(_("file type"), max_length=8, choices=FileType.choices, blank=True)
    file_size = models.PositiveIntegerField(_("file size (bytes)"), null=True, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["document", "language"]
        constraints = [
            models.UniqueConstraint(fields=["document", "language"], name="document_language_once"),
            models.CheckConstraint(name="language_version_cost_not_negative", condition=Q(cost__gte=0)),
        ]

    def __str__(self):
        return f"{self.document.symbol or self.document.title} ({self.get_language_display()})"

    @property
    def is_published(self) -> bool:
        """The original, or a translation delivered: what the public may read of a public document."""
        return self.translation_status in (TranslationStatus.ORIGINAL, TranslationStatus.DELIVERED)


class InterpretationStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    CONFIRMED = "confirmed", _("Confirmed")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class InterpretationRequest(models.Model):
    """Interpretation booked for a meeting: which languages, how many booths and days, at what cost."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="interpretation_requests")
    languages = models.JSONField(_("languages"), default=list, help_text=_('Language codes, e.g. ["en", "fr"].'))
    booths = models.PositiveSmallIntegerField(_("booths"))
    days = models.PositiveSmallIntegerField(_("days"))
    cost = models.DecimalField(_("cost (EUR)"), max_digits=10, decimal_places=2, default=Decimal(0))
    status = models.CharField(
        _("status"), max_length=16, choices=InterpretationStatus.choices, default=InterpretationStatus.REQUESTED
    )
    note = models.TextField(_("note"), blank=True)
    requested_on = models.DateField(_("requested on"), default=datetime.date.today)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [models.CheckConstraint(name="interpretation_cost_not_negative", condition=Q(cost__gte=0))]

    def __str__(self):
        return f"{self.meeting}: {', '.join(self.languages)} × {self.booths} booths × {self.days} days"


class AssessmentRound(models.Model):
    """A round of assessment the plenary opens on chosen articles: a questionnaire to the Parties, their replies,
    findings and recommendations per Party, and the report the plenary adopts."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    articles = models.ManyToManyField(Article, related_name="assessment_rounds", verbose_name=_("articles"))
    opened_on = models.DateField(_("opened on"))
    opened_at = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rounds_opened",
        verbose_name=_("opened at"),
    )
    questionnaire = models.OneToOneField(
        Questionnaire, null=True, blank=True, on_delete=models.PROTECT, related_name="assessment_round"
    )
    report = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessment_rounds",
        verbose_name=_("assessment report"),
        help_text=_("The draft, then the adopted report: its status tells which."),
    )
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["committee", "-number"]
        constraints = [models.UniqueConstraint(fields=["committee", "number"], name="round_number_once")]

    def __str__(self):
        return f"{self.committee} assessment round {self.number}: {self.title}"


class Recommendation(models.Model):
    """What the assessment found for one Party and what it recommends; its follow-ups say what became of it."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="recommendations")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="tcy_recommendations")
    number = models.PositiveSmallIntegerField(_("number"))
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("article")
    )
    finding = models.TextField(_("finding"))
    text = models.TextField(_("recommendation"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["round", "country__name", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "country", "number"], name="recommendation_number_once")
        ]

    def __str__(self):
        return f"{self.country} R{self.number}: {self.text[:60]}"


class FollowUpStatus(models.TextChoices):
    NOT_IMPLEMENTED = "not_implemented", _("Not implemented")
    PARTIALLY = "partially", _("Partially implemented")
    IMPLEMENTED = "implemented", _("Implemented")
    NO_LONGER_RELEVANT = "no_longer_relevant", _("No longer relevant")


class FollowUp(models.Model):
    """What a later plenary (or a follow-up report) found of one recommendation; the latest one is its status."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="follow_ups")
    reviewed_on = models.DateField(_("reviewed on"))
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("meeting")
    )
    report = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("follow-up report"),
    )
    status = models.CharField(_("status"), max_length=20, choices=FollowUpStatus.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["recommendation", "reviewed_on", "pk"]

    def __str__(self):
        return f"{self.recommendation}: {self.get_status_display()} ({self.reviewed_on})"
