"""Input for questionnaires and responses. Forms check the shape of what is typed (pages and API alike); the
services check that it makes sense, answers included (ranges, options, file types judged by content)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from octopus.countries.models import Country
from octopus.lib.files import FileType
from octopus.lib.widgets import DateInput
from octopus.surveys.models import (
    Purpose,
    Question,
    Questionnaire,
    QuestionnaireStatus,
    QuestionType,
    ResponseState,
    Section,
)

# ---- building -----------------------------------------------------------------------------------------------------


class QuestionnaireForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=60,
        help_text=_("Short name in addresses and exports, e.g. tcy-round-3-preservation."),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    opens_on = forms.DateField(label=_("Opens on"), required=False, widget=DateInput)
    closes_on = forms.DateField(label=_("Deadline"), required=False, widget=DateInput)

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("The deadline must not be before the opening date."))
        return data


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Section title"), max_length=300)
    article = forms.CharField(
        label=_("Treaty article"), max_length=30, required=False, help_text=_("The article it concerns, e.g. 185/16.")
    )


def parse_choices(text: str) -> list[dict]:
    """One option a line, "value | label" or just the label (its own value): 'judge | Judge' → value judge."""
    options = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        value, _sep, label = line.partition("|")
        value, label = value.strip(), label.strip()
        options.append({"value": value, "label": label or value})
    return options


class QuestionForm(forms.Form):
    """A question of any type; the fields of other types must stay empty (the service says so if they are not)."""

    section = forms.ModelChoiceField(label=_("Section"), queryset=Section.objects.none())
    code = forms.SlugField(
        label=_("Code"), max_length=60, help_text=_("Unique in the questionnaire, e.g. orders-2025.")
    )
    text = forms.CharField(label=_("Question"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    help = forms.CharField(label=_("Help"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    type = forms.ChoiceField(label=_("Type"), choices=QuestionType.choices)
    required = forms.BooleanField(label=_("Required at submission"), required=False)
    min_value = forms.DecimalField(
        label=_("Minimum"), required=False, max_digits=20, decimal_places=4, help_text=_("Number questions only.")
    )
    max_value = forms.DecimalField(
        label=_("Maximum"), required=False, max_digits=20, decimal_places=4, help_text=_("Number questions only.")
    )
    choices = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One choice and several-choice questions only: one option a line, “value | label” or just the label."
        ),
    )
    file_types = forms.MultipleChoiceField(
        label=_("Accepted file types"),
        required=False,
        choices=FileType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("File questions only; none ticked accepts every type listed. Judged by the file's content."),
    )
    max_file_size_kb = forms.IntegerField(
        label=_("Maximum file size (KB)"),
        required=False,
        min_value=1,
        max_value=100 * 1024,
        help_text=_("File questions only; 10 240 KB (10 MB) when empty."),
    )

    def __init__(self, *args, questionnaire: Questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = questionnaire.sections.all()

    def clean_choices(self):
        return parse_choices(self.cleaned_data.get("choices", ""))

    def service_fields(self) -> dict:
        """Keyword arguments of `services.add_question` (without the section)."""
        data = dict(self.cleaned_data)
        data.pop("section")
        size = data.pop("max_file_size_kb")
        data["max_file_size"] = None if size is None else size * 1024
        if data["type"] != QuestionType.FILE:
            data.pop("max_file_size")
            data["file_types"] = data["file_types"] or None
        return data


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it reopened?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The respondent sees it on the response."),
    )


class RespondentsForm(forms.Form):
    """The countries asked to answer: each gets its (empty) response, which its focal points then see."""

    countries = forms.ModelMultipleChoiceField(
        label=_("Countries"),
        queryset=Country.objects.order_by("name"),
        help_text=_("Their focal points find the questionnaire under “Questionnaires to answer”."),
    )


class QuestionnaireFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any"))] + QuestionnaireStatus.choices
    )
    purpose = forms.ChoiceField(label=_("Purpose"), required=False, choices=[("", _("Any"))] + Purpose.choices)

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(title__icontains=data["q"]) | queryset.filter(code__icontains=data["q"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["purpose"]:
            queryset = queryset.filter(purpose=data["purpose"])
        return queryset


class ResponseFilterForm(forms.Form):
    questionnaire = forms.ModelChoiceField(
        label=_("Questionnaire"), required=False, queryset=Questionnaire.objects.none()
    )
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("Any"))] + ResponseState.choices)
    country = forms.ModelChoiceField(
        label=_("Country"), required=False, queryset=Country.objects.order_by("name"), to_field_name="iso2"
    )

    def __init__(self, *args, questionnaires, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = questionnaires

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["questionnaire"]:
            queryset = queryset.filter(questionnaire=data["questionnaire"])
        if data["state"]:
            queryset = queryset.filter(state=data["state"])
        if data["country"]:
            queryset = queryset.filter(country=data["country"])
        return queryset


# ---- answering ----------------------------------------------------------------------------------------------------

YES, NO = "yes", "no"


class NumberInput(forms.TextInput):
    """Typed as text with a decimal keyboard, so a value out of range reaches the server and is answered with a
    message next to the question, rather than blocked silently by the browser."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", **(attrs or {})})


def answer_field(question: Question, *, disabled: bool) -> forms.Field:
    """The form field of one question: its widget follows its type. Values are checked by the service."""
    common = {"label": question.text, "required": False, "help_text": question.help, "disabled": disabled}
    kind = question.type
    if kind == QuestionType.TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    if kind == QuestionType.NUMBER:
        attrs = {}
        if question.min_value is not None:
            attrs["data-min"] = format(question.min_value.normalize(), "f")
        if question.max_value is not None:
            attrs["data-max"] = format(question.max_value.normalize(), "f")
        return forms.CharField(widget=NumberInput(attrs), max_length=40, **common)
    if kind == QuestionType.YES_NO:
        choices = [(YES, _("Yes")), (NO, _("No"))]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind in (QuestionType.CHOICE, QuestionType.COMPLIANCE):
        return forms.ChoiceField(choices=list(question.choice_labels().items()), widget=forms.RadioSelect, **common)
    if kind == QuestionType.MULTI_CHOICE:
        choices = list(question.choice_labels().items())
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if kind == QuestionType.FILE:
        accept = ",".join(f".{kind}" for kind in question.file_types)
        return forms.FileField(widget=forms.FileInput(attrs={"accept": accept}), **common)
    raise ValueError(question.type)


def initial_value(question: Question, value):
    """The stored value as the form shows it."""
    if value is None:
        return None
    if question.type == QuestionType.YES_NO:
        return YES if value else NO
    if question.type == QuestionType.FILE:
        return None  # a file input never shows a file; the page shows the current one beside it
    return value


class AnswerForm(forms.Form):
    """Every question of a questionnaire, named `a-<code>`. Missing keys of a full form (an unticked box, an
    unchosen option) clear the answer; a file question changes only when a file is uploaded or its removal is
    ticked."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, questions: list[Question], answers: dict, disabled: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = self.name_of(question)
            self.fields[name] = answer_field(question, disabled=disabled)
            self.fields[name].question = question
            self.initial[name] = initial_value(question, answers.get(question.code))
            if question.type == QuestionType.FILE:
                self.fields[name + "-remove"] = forms.BooleanField(
                    label=_("Remove the file"), required=False, disabled=disabled
                )

    @staticmethod
    def name_of(question: Question) -> str:
        return f"a-{question.code}"

    def clean(self):
        data = super().clean()
        for question in self.questions:
            if question.type != QuestionType.FILE:
                continue
            name = self.name_of(question)
            if data.get(name) and data.get(name + "-remove"):
                self.add_error(name, _("Upload a file or remove the current one, not both."))
        return data

    def answers(self) -> dict:
        """{code: value} as the service takes them, for every question but files."""
        answers = {}
        for question in self.questions:
            name = self.name_of(question)
            value = self.cleaned_data.get(name)
            if question.type == QuestionType.FILE:
                if self.cleaned_data.get(name + "-remove"):
                    answers[question.code] = None
                continue
            if question.type == QuestionType.YES_NO:
                value = {YES: True, NO: False}.get(value)
            answers[question.code] = value if value not in ("", []) else None
        return answers

    def files_by_code(self) -> dict:
        return {
            question.code: self.cleaned_data[self.name_of(question)]
            for question in self.questions
            if question.type == QuestionType.FILE and self.cleaned_data.get(self.name_of(question))
        }

    def add_answer_errors(self, errors: dict[str, str]) -> None:
        """The service's refusals next to their questions (a code it does not know goes on top)."""
        by_code = {question.code: self.name_of(question) for question in self.questions}
        for code, message in errors.items():
            self.add_error(by_code.get(code), message)

    def sections(self):
        """[(section, [bound fields of its questions])] in the order of the questionnaire."""
        grouped = []
        for question in self.questions:
            if not grouped or grouped[-1][0].pk != question.section_id:
                grouped.append((question.section, []))
            field = self[self.name_of(question)]
            remove = self[self.name_of(question) + "-remove"] if question.type == QuestionType.FILE else None
            grouped[-1][1].append((question, field, remove))
        return grouped
