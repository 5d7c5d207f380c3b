"""Form bases shared by the apps' pages and API."""

from django import forms


class ServiceModelForm(forms.ModelForm):
    """A model form that reads what was typed and nothing more: the app's services check the model's rules (saying
    so in words users read) and save, so that pages, API and commands share one write path."""

    def _post_clean(self):
        pass  # no model validation here: the service does it

    def service_fields(self) -> dict:
        """The typed values to hand to the service; the version read goes to it separately."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data
