"""Input from the public: registering for an event through one of its forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from octopus.events.forms.manage import PersonFieldsForm
from octopus.people.models import Purpose


class PublicRegistrationForm(PersonFieldsForm):
    """The person fields, the form's own questions (fields named q_<name>) and the consents, each asked apart."""

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields["q_" + question["name"]] = self.question_field(question)
        self.fields["consent_publish_list"] = forms.BooleanField(
            label=Purpose.PUBLISH_LIST.label,
            required=False,
            help_text=_("Your name, organisation and country on the public list of participants of this event."),
        )
        self.fields["consent_future_contact"] = forms.BooleanField(
            label=Purpose.FUTURE_CONTACT.label,
            required=False,
            help_text=_("The programme office may write to you about its future events."),
        )

    @staticmethod
    def question_field(question: dict) -> forms.Field:
        required, label = bool(question.get("required")), question.get("label") or question["name"]
        if question.get("type") == "choice":
            choices = [("", "—")] + [(c, c) for c in question.get("choices", [])]
            return forms.ChoiceField(label=label, choices=choices, required=required)
        if question.get("type") == "bool":
            return forms.BooleanField(label=label, required=required)
        return forms.CharField(label=label, required=required, max_length=1000)

    def answers(self) -> dict:
        return {q["name"]: self.cleaned_data["q_" + q["name"]] for q in self.questions}

    def consents(self) -> dict[str, bool]:
        return {purpose: self.cleaned_data["consent_" + purpose] for purpose in Purpose.values}
