"""Input for an event's files: the participant import and the public certificate check."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from octopus.events.models import Audience, Event

MAX_UPLOAD = 50 * 1024 * 1024  # 100,000 participants fit well within it: the file is streamed to disk
CODE = re.compile(r"^[0-9A-F]{12}$")


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("List of participants"),
        help_text=_(
            "An .xlsx or .csv file whose first line names the columns: first name, last name, e-mail, sex, "
            "organisation, sector, country (name or ISO code), role, state. Only the last name is required."
        ),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}),
    )
    registration_form = forms.ModelChoiceField(
        label=_("Register them through"),
        queryset=None,
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["registration_form"]
        field.queryset = event.forms.all()
        participants = event.forms.filter(audience=Audience.PARTICIPANTS).first()
        if participants is not None:
            field.initial = participants.pk

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 50 MB; split it."))
        return upload


class ImportConfirmForm(forms.Form):
    ADD_ONLY, ADD_AND_UPDATE = "add", "update"
    mode = forms.ChoiceField(
        label=_("What to do"),
        choices=[
            (ADD_ONLY, _("Add new people only (lines matching someone already in Octopus by e-mail are left out)")),
            (ADD_AND_UPDATE, _("Add new people and update existing ones (matched by e-mail), registering them")),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )


class CertificateCheckForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("The 12 letters and digits printed at the bottom of the certificate."),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off", "autofocus": True}),
    )

    def clean_code(self):
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"]).upper()
        if not CODE.match(code):
            raise forms.ValidationError(_("A verification code is 12 letters (A–F) and digits, as printed."))
        return code
