"""Events of every kind and the people at them (DESIGN.md §3).

An event has a timetable of sessions, one or more registration forms, registrations (one per person and event,
moving through states by `services.transition_registration`), delegations of States with their credentials,
attendance per day and per session, funded travel, and — for other organisations' events — our contribution.
Attendance is what Outputs 1 and 3 are measured on (`metrics.py`).
"""

import calendar
import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octopus.countries.models import Country
from octopus.lib.precision import Precision, shown
from octopus.people.models import Person
from octopus.results.models import Assignment, ResultNode


class Kind(models.TextChoices):
    OCTOPUS_CONFERENCE = "octopus_conference", _("Octopus conference")
    TCY_PLENARY = "tcy_plenary", _("T-CY plenary")
    TCY_BUREAU = "tcy_bureau", _("T-CY Bureau")
    IN_COUNTRY_WORKSHOP = "in_country_workshop", _("In-country workshop")
    REGIONAL_WORKSHOP = "regional_workshop", _("Regional workshop")
    TRAINING = "training", _("Training")
    CONTRIBUTION = "contribution", _("Contribution to another organisation's event")


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CONFIRMED = "confirmed", _("Confirmed")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class OurRole(models.TextChoices):
    """What the programme did at another organisation's event."""

    SPEAKER = "speaker", _("Speaker")
    TRAINER = "trainer", _("Trainer")
    CO_ORGANISER = "co_organiser", _("Co-organiser")
    PANELLIST = "panellist", _("Panellist")


class Series(models.Model):
    """Events that recur: the T-CY plenaries, the Octopus conferences."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("series")

    def __str__(self):
        return self.name


class EventQuerySet(models.QuerySet):
    def held(self):
        return self.filter(status=Status.HELD)

    def public(self):
        return self.filter(is_public=True).exclude(status=Status.CANCELLED)

    def of_kinds(self, kinds):
        return self.filter(kind__in=kinds) if kinds else self

    def between(self, start: datetime.date, end: datetime.date):
        """Events that began within [start, end]: an event counts in the period it starts in."""
        return self.filter(starts_on__gte=start, starts_on__lte=end)


class Event(models.Model):
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("short name in addresses"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, db_index=True)
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="events", verbose_name=_("series")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    starts_on = models.DateField(_("first day"), db_index=True)
    ends_on = models.DateField(_("last day"))
    # A past event a source dates only to the month or the year: the first day of what is known is stored, and it
    # counts in the period containing that day (lib.precision).
    date_precision = models.CharField(
        _("precision of the dates"), max_length=8, choices=Precision.choices, default=Precision.DAY
    )
    format = models.CharField(_("format"), max_length=16, choices=Format.choices, default=Format.IN_PERSON)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="events", verbose_name=_("country")
    )
    host_countries = models.ManyToManyField(
        Country, blank=True, related_name="hosted_events", verbose_name=_("host or beneficiary countries")
    )
    organiser = models.CharField(
        _("organiser"), max_length=200, default="Council of Europe – C-PROC", help_text=_("Who runs the event.")
    )
    languages = models.JSONField(_("languages"), default=list, blank=True, help_text=_("ISO 639-1 codes."))
    description = models.TextField(_("description"), blank=True)
    activity = models.ForeignKey(
        ResultNode,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("programme activity served"),
    )
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Shown on the public calendar and programme page.")
    )
    # Funded participation: the daily subsistence allowance paid per night at this event's place.
    dsa_rate = models.DecimalField(_("DSA rate per night (EUR)"), max_digits=8, decimal_places=2, null=True, blank=True)
    # Contributions to other organisations' events: no registration, our role and estimates entered at close.
    our_role = models.CharField(_("our role"), max_length=16, choices=OurRole.choices, blank=True)
    audience_estimate = models.PositiveIntegerField(_("estimated audience"), null=True, blank=True)
    countries_reached = models.ManyToManyField(
        Country, blank=True, related_name="+", verbose_name=_("countries reached (estimate)")
    )
    retention_months = models.PositiveSmallIntegerField(
        _("keep personal data for (months after the event)"), default=36
    )
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Reference events (past Octopus conferences) carry their source and the figures it reports, shown beside the
    # counts of our own records so that a gap is visible, never filled in.
    source = models.TextField(_("source"), blank=True)
    reported_participants = models.PositiveIntegerField(_("participants (as reported)"), null=True, blank=True)
    reported_countries = models.PositiveIntegerField(_("countries (as reported)"), null=True, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    # The programmes the event serves (results.assignments; set through services.set_event_programmes), gone with
    # the event. Its funded travel and the costs brought in from it follow these: they have no assignment of their
    # own.
    assignments = GenericRelation(Assignment)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(name="event_ends_after_it_starts", condition=Q(ends_on__gte=F("starts_on"))),
            models.CheckConstraint(
                name="event_role_only_for_contributions",
                condition=Q(kind=Kind.CONTRIBUTION) | Q(our_role="", audience_estimate__isnull=True),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        """Its own page, where the drill-down behind a figure links it."""
        return reverse("events:event", args=[self.slug])

    @property
    def is_contribution(self) -> bool:
        return self.kind == Kind.CONTRIBUTION

    @property
    def dated_as(self) -> tuple[datetime.date, str]:
        """The first day and how precisely it is known, for the results drill-down ("month known, day not")."""
        return self.starts_on, self.date_precision

    @property
    def dates_vague(self) -> str:
        """The dates of an event known only to the month or year, as far as they are known ("2015 (year known,
        month not)"); "" for an event known to the day (pages then show its days)."""
        if self.date_precision == Precision.DAY:
            return ""
        label = str(Precision(self.date_precision).label)
        return f"{shown(self.starts_on, self.date_precision)} ({label[:1].lower()}{label[1:]})"

    @property
    def days(self) -> list[datetime.date]:
        count = (self.ends_on - self.starts_on).days + 1
        return [self.starts_on + datetime.timedelta(days=n) for n in range(count)]

    @property
    def place(self) -> str:
        if self.format == Format.ONLINE:
            return str(_("Online"))
        return ", ".join(str(part) for part in (self.venue, self.city, self.country) if part)

    @property
    def retention_ends_on(self) -> datetime.date:
        month = self.ends_on.month - 1 + self.retention_months
        year, month = self.ends_on.year + month // 12, month % 12 + 1
        return datetime.date(year, month, min(self.ends_on.day, calendar.monthrange(year, month)[1]))


class SessionKind(models.TextChoices):
    PLENARY = "plenary", _("Plenary")
    WORKSHOP = "workshop", _("Workshop")
    BREAK = "break", _("Break")


class Session(models.Model):
    """A slot of the timetable; sessions at the same time in different rooms are parallel workshops."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=SessionKind.choices, default=SessionKind.PLENARY)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.CharField(_("room"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["starts_at", "room", "pk"]
        constraints = [
            models.CheckConstraint(name="session_ends_after_it_starts", condition=Q(ends_at__gt=F("starts_at")))
        ]

    def __str__(self):
        return self.title


class SessionRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MODERATOR = "moderator", _("Moderator")
    SPEAKER = "speaker", _("Speaker")


class SessionPerson(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="session_roles")
    role = models.CharField(_("role"), max_length=16, choices=SessionRole.choices)

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person", "role"], name="session_person_once_per_role")
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.person}"


class Audience(models.TextChoices):
    PARTICIPANTS = "participants", _("Participants")
    SPEAKERS = "speakers", _("Speakers")
    MEDIA = "media", _("Media")


class RegistrationForm(models.Model):
    """One way in to an event, with its own questions, capacity and approval step."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="forms")
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("for"), max_length=16, choices=Audience.choices, default=Audience.PARTICIPANTS)
    is_open = models.BooleanField(_("open"), default=False)
    invitation_only = models.BooleanField(
        _("invitation only"), default=False, help_text=_("Only people with an invitation link may register.")
    )
    requires_approval = models.BooleanField(_("staff approve each registration"), default=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True, help_text=_("Empty: no limit."))
    waiting_list = models.BooleanField(_("waiting list when full"), default=True)
    closes_on = models.DateField(_("registration closes on"), null=True, blank=True)
    # Custom questions: [{"name": "dietary", "label": "Dietary needs", "type": "text|choice|bool", "required": false,
    # "choices": [...]}]; validated by forms.QuestionsField.
    questions = models.JSONField(_("questions"), default=list, blank=True)
    invitation_key = models.CharField(max_length=43, default=secrets.token_urlsafe, editable=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.event} – {self.title}"


class RegistrationState(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    WAITING = "waiting", _("Waiting list")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


# Which states a registration may move to from each state (services.transition_registration enforces it).
TRANSITIONS = {
    RegistrationState.PENDING: {
        RegistrationState.APPROVED,
        RegistrationState.WAITING,
        RegistrationState.DECLINED,
        RegistrationState.CANCELLED,
    },
    RegistrationState.WAITING: {RegistrationState.APPROVED, RegistrationState.DECLINED, RegistrationState.CANCELLED},
    RegistrationState.APPROVED: {RegistrationState.CANCELLED},
    RegistrationState.DECLINED: {RegistrationState.PENDING},
    RegistrationState.CANCELLED: {RegistrationState.PENDING},
}
# States that hold a seat (count against capacity).
HOLDS_SEAT = (RegistrationState.PENDING, RegistrationState.APPROVED)


class ParticipantRole(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    SPEAKER = "speaker", _("Speaker")
    TRAINER = "trainer", _("Trainer")
    MODERATOR = "moderator", _("Moderator")
    MEDIA = "media", _("Media")
    SECRETARIAT = "secretariat", _("Secretariat")


class DelegationCategory(models.TextChoices):
    """Protocol categories, in the order lists of participants give them; badges are coloured by them."""

    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")
    ORGANISATION = "organisation", _("International organisation")
    OTHER = "other", _("Other participants")


class Delegation(models.Model):
    """The people a State sends, nominated by its authority, admitted once its credentials are verified."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="delegations")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="delegations")
    category = models.CharField(
        _("category"), max_length=16, choices=DelegationCategory.choices, default=DelegationCategory.MEMBER
    )
    nominating_authority = models.CharField(_("nominating authority"), max_length=200, blank=True)
    credentials_received_on = models.DateField(_("credentials received on"), null=True, blank=True)
    credentials_verified_at = models.DateTimeField(_("credentials verified at"), null=True, blank=True)
    credentials_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Only the SHA-256 of the focal point's link is kept; the link itself is shown once, when issued.
    token_digest = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    token_issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["country__name"]
        constraints = [models.UniqueConstraint(fields=["event", "country"], name="delegation_one_per_country")]

    def __str__(self):
        return f"{self.country} – {self.event}"

    @property
    def credentials_status(self) -> str:
        if self.credentials_verified_at:
            return str(_("verified"))
        return str(_("received")) if self.credentials_received_on else str(_("awaited"))


def new_badge_key() -> str:
    """The key in a badge's QR code: unguessable, short enough to scan at a glance."""
    return secrets.token_urlsafe(16)


class RegistrationQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(state=RegistrationState.APPROVED)

    def seated(self):
        return self.filter(state__in=HOLDS_SEAT)


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    form = models.ForeignKey(
        RegistrationForm, null=True, blank=True, on_delete=models.PROTECT, related_name="registrations"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="registrations")
    state = models.CharField(
        _("state"), max_length=16, choices=RegistrationState.choices, default=RegistrationState.PENDING
    )
    role = models.CharField(
        _("role"), max_length=16, choices=ParticipantRole.choices, default=ParticipantRole.PARTICIPANT
    )
    # The country the person represents at this event (a person's country may change; what was true then counts).
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    delegation = models.ForeignKey(Delegation, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    is_head_of_delegation = models.BooleanField(_("head of delegation"), default=False)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    # A random code on the certificate: anyone can check it at /verify/<code>/.
    certificate_code = models.CharField(max_length=16, unique=True, null=True, blank=True, editable=False)
    badge_key = models.CharField(max_length=22, unique=True, default=new_badge_key, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_sample = models.BooleanField(_("sample data"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            # A cancelled registration stays as history; a person holds at most one live registration per event.
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=~Q(state=RegistrationState.CANCELLED),
                name="registration_one_live_per_person",
            ),
            models.UniqueConstraint(
                fields=["delegation"], condition=Q(is_head_of_delegation=True), name="delegation_one_head"
            ),
        ]
        indexes = [models.Index(fields=["event", "state"])]

    def __str__(self):
        return f"{self.person} – {self.event}"


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class Attendance(models.Model):
    """A person present on one day of an event, or at one session of it."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendance")
    day = models.DateField(_("day"))
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.CASCADE, related_name="attendance")
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default=Mode.IN_PERSON)
    checked_in_at = models.DateTimeField(default=timezone.now)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["day", "pk"]
        constraints = [
            # Checking in twice never counts twice: once per day, and once per session.
            models.UniqueConstraint(
                fields=["registration", "day"], condition=Q(session__isnull=True), name="attendance_once_a_day"
            ),
            models.UniqueConstraint(
                fields=["registration", "session"],
                condition=Q(session__isnull=False),
                name="attendance_once_a_session",
            ),
        ]

    def __str__(self):
        return f"{self.registration} – {self.day}"


class TravelStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    BOOKED = "booked", _("Tickets booked")
    ADVANCE_PAID = "advance_paid", _("Advance paid")
    RECONCILED = "reconciled", _("Reconciled")
    REFUSED = "refused", _("Refused")


class Travel(models.Model):
    """Funded participation of one registered person: what was committed, and what it really cost.

    Travel serves the programmes its event serves, in the event's shares (`Event.assignments`): it has no
    assignment of its own, so a programme's travel costs are its events' travel split by those shares
    (`results.assignments.shares_by_record(Event, ...)`), and moving an event to another programme moves its
    travel with it."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="travel")
    status = models.CharField(_("status"), max_length=16, choices=TravelStatus.choices, default=TravelStatus.REQUESTED)
    eligible = models.BooleanField(_("eligible for funding"), default=True)
    requested_on = models.DateField(_("requested on"), default=datetime.date.today)
    itinerary = models.CharField(_("itinerary"), max_length=300, blank=True)
    ticket_reference = models.CharField(_("booking reference"), max_length=60, blank=True)
    ticket_cost = models.DecimalField(_("ticket cost (EUR)"), max_digits=10, decimal_places=2, default=Decimal(0))
    nights = models.PositiveSmallIntegerField(_("nights"), default=0)
    dsa_rate = models.DecimalField(
        _("DSA rate per night (EUR)"), max_digits=8, decimal_places=2, help_text=_("The event's rate when requested.")
    )
    advance_paid = models.DecimalField(_("advance paid (EUR)"), max_digits=10, decimal_places=2, default=Decimal(0))
    proof_received = models.BooleanField(_("proof of travel received"), default=False)
    actual_cost = models.DecimalField(
        _("actual cost (EUR)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("At reconciliation."),
    )
    reconciled_on = models.DateField(_("reconciled on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name_plural = _("travel")

    def __str__(self):
        return f"Travel of {self.registration}"

    @property
    def dsa_amount(self) -> Decimal:
        return self.dsa_rate * self.nights

    @property
    def committed_cost(self) -> Decimal:
        return self.ticket_cost + self.dsa_amount


class Deployment(models.Model):
    """Who went for the programme to another organisation's event, and in what role."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deployments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="deployments")
    role = models.CharField(_("role"), max_length=16, choices=OurRole.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="deployment_once_per_event")]

    def __str__(self):
        return f"{self.person} at {self.event}"
