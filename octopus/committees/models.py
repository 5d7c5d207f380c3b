"""The Cybercrime Convention Committee (T-CY) and its Bureau: who belongs, when they meet, what they adopt
(DESIGN.md §3).

Membership is not typed in: a State is a member of a committee from the day the committee's treaty enters into
force for it, as the dated treaty actions say (`queries.membership_at`). What the actions cannot say — observers
admitted by a decision of the committee, and international organisations — is recorded here as admissions.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octopus.countries.models import Country
from octopus.events.models import Event
from octopus.people.models import Organisation, Person
from octopus.treaties.models import Treaty


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

    class Meta:
        ordering = ["-starts_on", "role"]

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
    number = models.CharField(_("item"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    decision = models.TextField(_("decision"), blank=True, help_text=_("As in the list of decisions."))
    documents = models.ManyToManyField("Document", blank=True, related_name="agenda_items")

    class Meta:
        ordering = ["meeting", "pk"]

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


class DocumentQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True).exclude(status=DocumentStatus.WITHDRAWN)

    def adopted(self):
        return self.filter(status=DocumentStatus.ADOPTED)


class Document(models.Model):
    """An entry of the committee's document register. What a source does not say stays empty: an adopted
    Guidance Note whose day of adoption no source gives has no `adopted_on`, and is counted in no period."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="documents")
    symbol = models.CharField(_("symbol"), max_length=40, blank=True, help_text=_("e.g. T-CY(2013)29rev"))
    title = models.CharField(_("title"), max_length=300)
    type = models.CharField(_("type"), max_length=24, choices=DocumentType.choices)
    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True, help_text=_("Guidance Note #"))
    status = models.CharField(_("status"), max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adopted_at = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="adopted", verbose_name=_("adopted at")
    )
    adopted_at_plenary = models.PositiveSmallIntegerField(
        _("adopted at plenary no."), null=True, blank=True, help_text=_("When a source names the plenary only.")
    )
    written_procedure = models.BooleanField(_("adopted by written procedure"), default=False)
    is_public = models.BooleanField(_("public"), default=True)
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
