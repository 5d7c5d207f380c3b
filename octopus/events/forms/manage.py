"""Input for the event workspace. Forms check the shape of what is typed; services check that it makes sense."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from octopus.countries.models import Country
from octopus.events.models import (
    Event,
    Kind,
    ParticipantRole,
    Registration,
    RegistrationForm,
    RegistrationState,
    Series,
    SessionKind,
    Status,
)
from octopus.lib.forms import ServiceModelForm
from octopus.lib.precision import Precision, first_day
from octopus.lib.widgets import DateInput, QuickSelect
from octopus.people.models import Person, Sector, Sex
from octopus.results.models import Level, ResultNode

QUESTION_TYPES = ("text", "choice", "bool")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


# --- events ----------------------------------------------------------------------------------------------------


def parse_languages(text: str) -> list[str]:
    """'en, FR ,ru' → ['en', 'fr', 'ru']; anything but two-letter codes is refused."""
    codes = [part.strip().lower() for part in re.split(r"[,\s]+", text or "") if part.strip()]
    wrong = [code for code in codes if not re.fullmatch(r"[a-z]{2}", code)]
    if wrong:
        raise ValidationError(
            _("Use two-letter ISO 639-1 codes separated by commas (e.g. en, fr); not understood: %(codes)s."),
            params={"codes": ", ".join(wrong)},
        )
    return list(dict.fromkeys(codes))


class EventForm(ServiceModelForm):
    languages = forms.CharField(
        label=_("Languages"), required=False, help_text=_("ISO 639-1 codes separated by commas, e.g. en, fr.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Event
        fields = [
            "title",
            "slug",
            "kind",
            "series",
            "status",
            "starts_on",
            "ends_on",
            "date_precision",
            "format",
            "venue",
            "city",
            "country",
            "host_countries",
            "organiser",
            "languages",
            "description",
            "activity",
            "is_public",
            "dsa_rate",
            "our_role",
            "audience_estimate",
            "retention_months",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "host_countries": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = ResultNode.objects.filter(level=Level.ACTIVITY).order_by("code", "pk")
        self.fields["activity"].label_from_instance = lambda node: f"{node.code} {node.title}"
        self.fields["activity"].help_text = _(
            "Choosing the activity sets the programme the event serves (its other programmes stay; set the shares "
            "under “Programmes served”)."
        )
        self.fields["date_precision"].required = False
        self.fields["date_precision"].help_text = _(
            "For a past event a source dates only to the month or the year: the first day of that month or year is "
            "stored, and pages show only what is known."
        )
        if self.instance.pk:
            self.initial["languages"] = ", ".join(self.instance.languages or [])
            self.initial["version"] = self.instance.version

    def clean_languages(self):
        return parse_languages(self.cleaned_data.get("languages", ""))

    def clean_date_precision(self):
        return self.cleaned_data.get("date_precision") or Precision.DAY

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("date_precision"):
            data["starts_on"] = first_day(data["starts_on"], data["date_precision"])  # what is known: its first day
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day is before the first day."))
        if data.get("status") == Status.HELD and data.get("starts_on") and data["starts_on"] > timezone.localdate():
            self.add_error("status", _("An event that has not begun cannot be held: keep it planned or confirmed."))
        return data

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Event.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("Another event already uses this short name."))
        return slug


class CloneForm(forms.Form):
    title = forms.CharField(label=_("Title of the new event"), max_length=300)
    slug = forms.SlugField(label=_("Short name in addresses"), max_length=120)
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Event.objects.filter(slug=slug).exists():
            raise ValidationError(_("Another event already uses this short name."))
        return slug

    @staticmethod
    def suggested_slug(event: Event) -> str:
        return slugify(f"{event.slug}-copy")[:120]


YEAR_RE = re.compile(r"^\d{4}$")


class EventFilterForm(forms.Form):
    SORTS = [
        ("-starts_on", _("Newest first")),
        ("starts_on", _("Oldest first")),
        ("title", _("Title A–Z")),
        ("-title", _("Title Z–A")),
    ]
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *Kind.choices], required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All statuses")), *Status.choices], required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        required=False,
        to_field_name="iso2",
        empty_label=_("All countries"),
        widget=QuickSelect,
    )
    series = forms.ModelChoiceField(
        label=_("Series"), queryset=Series.objects.all(), required=False, empty_label=_("All series")
    )
    sort = forms.ChoiceField(label=_("Sort"), choices=SORTS, required=False)

    def filter(self, events):
        if not self.is_valid():
            return events.none()
        data = self.cleaned_data
        if data["kind"]:
            events = events.filter(kind=data["kind"])
        if data["status"]:
            events = events.filter(status=data["status"])
        if data["year"]:
            events = events.filter(starts_on__year=data["year"])
        if data["country"]:
            events = events.filter(country=data["country"])
        if data["series"]:
            events = events.filter(series=data["series"])
        sort = data["sort"] or "-starts_on"
        return events.order_by(sort, "pk")


# --- timetable -------------------------------------------------------------------------------------------------


def people_field(label):
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=Person.objects.current(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )


class SessionForm(forms.Form):
    """A slot of the timetable. Its people are chosen among those registered for the event (or already in its
    timetable), so that the lists stay short even when the registry holds thousands of people."""

    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices, initial=SessionKind.PLENARY)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput())
    room = forms.CharField(label=_("Room"), max_length=100, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    chairs = people_field(_("Chairs"))
    moderators = people_field(_("Moderators"))
    speakers = people_field(_("Speakers"))

    ROLES = (("chairs", "chair"), ("moderators", "moderator"), ("speakers", "speaker"))

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        live = Registration.objects.filter(event=event).exclude(state=RegistrationState.CANCELLED)
        people = Person.objects.current().filter(Q(registrations__in=live) | Q(session_roles__session__event=event))
        people = Person.objects.filter(pk__in=people.values("pk")).select_related("country")
        for field, _role in self.ROLES:
            self.fields[field].queryset = people
            self.fields[field].label_from_instance = lambda p: (
                f"{p.sort_name} ({p.country})" if p.country else p.sort_name
            )
            self.fields[field].help_text = _("People registered for this event; register someone first to choose them.")

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("A session must end after it starts."))
        return data

    def session_fields(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in ("title", "kind", "starts_at", "ends_at", "room", "description")
        }

    def people(self) -> list:
        return [(person, role) for field, role in self.ROLES for person in self.cleaned_data[field]]

    @classmethod
    def initial_for(cls, session) -> dict:
        initial = {name: getattr(session, name) for name in ("title", "kind", "starts_at", "ends_at", "room")}
        initial["description"] = session.description
        for field, role in cls.ROLES:
            initial[field] = [sp.person_id for sp in session.people.all() if sp.role == role]
        return initial


# --- registration forms ----------------------------------------------------------------------------------------


def questions_to_text(questions: list[dict]) -> str:
    lines = []
    for q in questions or []:
        parts = [q.get("name", ""), q.get("label", ""), q.get("type", "text"), "yes" if q.get("required") else "no"]
        if q.get("choices"):
            parts.append(", ".join(q["choices"]))
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def parse_questions(text: str) -> list[dict]:
    """One question a line: "name | label | type | required | choice1, choice2". Errors name the line."""
    questions, errors, names = [], [], set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 3 or len(parts) > 5:
            errors.append(_("Line %(n)s: write name | label | type | required | choices.") % {"n": number})
            continue
        parts += [""] * (5 - len(parts))
        name, label, kind, required, choices = parts
        problems = []
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", name):
            problems.append(_("the name must be lower-case letters, digits or _ and start with a letter"))
        elif name in names:
            problems.append(_("the name %(name)s is used twice") % {"name": name})
        if not label:
            problems.append(_("the label is empty"))
        kind = kind.lower()
        if kind not in QUESTION_TYPES:
            problems.append(_("the type must be text, choice or bool"))
        required_word = required.lower() or "no"
        if required_word not in ("yes", "no", "true", "false", "required", "optional"):
            problems.append(_("required must be yes or no"))
        options = [c.strip() for c in choices.split(",") if c.strip()]
        if kind == "choice" and len(options) < 2:
            problems.append(_("a choice question needs at least two choices"))
        if kind != "choice" and options:
            problems.append(_("only a choice question has choices"))
        if problems:
            errors.append(_("Line %(n)s: %(problems)s.") % {"n": number, "problems": "; ".join(map(str, problems))})
            continue
        names.add(name)
        question = {
            "name": name,
            "label": label,
            "type": kind,
            "required": required_word in ("yes", "true", "required"),
        }
        if options:
            question["choices"] = options
        questions.append(question)
    if errors:
        raise ValidationError([str(e) for e in errors])
    return questions


class RegistrationFormForm(forms.ModelForm):
    questions = forms.CharField(
        label=_("Questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One question a line: name | label | type (text, choice or bool) | required (yes or no) | choices "
            "separated by commas. Example: dietary | Dietary needs | choice | no | none, vegetarian, vegan"
        ),
    )

    class Meta:
        model = RegistrationForm
        fields = [
            "title",
            "audience",
            "is_open",
            "invitation_only",
            "requires_approval",
            "capacity",
            "waiting_list",
            "closes_on",
            "questions",
        ]
        widgets = {"closes_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["questions"] = questions_to_text(self.instance.questions)

    def clean_questions(self):
        return parse_questions(self.cleaned_data.get("questions", ""))


# --- registrations ---------------------------------------------------------------------------------------------


class RegistrationFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or e-mail"), required=False)
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("All states")), *RegistrationState.choices], required=False
    )
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("All roles")), *ParticipantRole.choices], required=False)
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        required=False,
        to_field_name="iso2",
        empty_label=_("All countries"),
        widget=QuickSelect,
    )
    form = forms.ModelChoiceField(
        label=_("Form"), queryset=RegistrationForm.objects.none(), required=False, empty_label=_("All forms")
    )
    SORTS = {
        "": ("person__last_name", "person__first_name", "pk"),
        "country": ("country__name", "person__last_name", "person__first_name", "pk"),
        "state": ("state", "person__last_name", "person__first_name", "pk"),
        "-created": ("-created_at", "-pk"),
    }
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[("", _("Name")), ("country", _("Country")), ("state", _("State")), ("-created", _("Latest first"))],
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = event.forms.all()
        self.fields["form"].label_from_instance = lambda form: form.title

    def filter(self, registrations):
        if not self.is_valid():
            return registrations.none()
        data = self.cleaned_data
        for name in ("state", "role", "country", "form"):
            if data[name]:
                registrations = registrations.filter(**{name: data[name]})
        for word in data["q"].split():
            registrations = registrations.filter(
                forms_q(word, "person__first_name", "person__last_name", "person__email")
            )
        return registrations.order_by(*self.SORTS[data["sort"]])


def forms_q(word, *fields):
    query = Q()
    for field in fields:
        query |= Q(**{f"{field}__icontains": word})
    return query


class PersonFieldsForm(forms.Form):
    """The person fields shared by the public and the staff registration forms."""

    title = forms.CharField(label=_("Title"), max_length=30, required=False, help_text=_("Mr, Ms, Dr, Judge…"))
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=[("", _("Prefer not to say")), *Sex.choices],
        required=False,
        help_text=_("Optional; asked only to report participation by sex."),
    )
    email = forms.EmailField(label=_("E-mail"))
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    sector = forms.ChoiceField(
        label=_("Sector of the organisation"),
        choices=[("", "—"), *Sector.choices],
        required=False,
        help_text=_("Needed only if your organisation is not known to us yet."),
    )
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    country = forms.ModelChoiceField(
        label=_("Country represented"),
        queryset=Country.objects.all(),
        required=False,
        to_field_name="iso2",
        widget=QuickSelect,
    )


class StaffRegistrationForm(PersonFieldsForm):
    form = forms.ModelChoiceField(label=_("Registration form"), queryset=RegistrationForm.objects.none())
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("As the form decides")), *ParticipantRole.choices], required=False
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = event.forms.all()
        self.fields["form"].label_from_instance = lambda form: form.title


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=RegistrationState.choices)
    version = forms.IntegerField()
    note = forms.CharField(required=False, max_length=2000)
