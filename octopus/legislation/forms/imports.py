"""Input of the legislation import: what the file holds and the workbook itself."""

from django import forms
from django.utils.translation import gettext_lazy as _

from octopus.legislation.models import ImportKind
from octopus.lib.files import FileType, detect_file_type

MAX_UPLOAD = 10 * 1024 * 1024  # 20,000 lines of a profile workbook fit well within it


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=ImportKind.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    file = forms.FileField(
        label=_("Workbook"),
        help_text=_("An Excel (.xlsx) workbook whose first line names the columns, as in the template."),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 10 MB; split it."))
        upload.seek(0)
        found = detect_file_type(upload.read(16), upload)
        upload.seek(0)
        if found != FileType.XLSX:
            # Judged by the content, not the name: a CSV or an old .xls renamed is refused here, with what to do.
            raise forms.ValidationError(
                _(
                    "This file is not an Excel workbook (.xlsx). Save it as “Excel Workbook (.xlsx)” and upload it "
                    "again."
                )
            )
        return upload
