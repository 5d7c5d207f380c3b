"""Form bases shared by the apps' pages and API."""

from django import forms

from octopus.lib.errors import ConflictError, DomainError


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


def show_refusal(form, error: DomainError, *, current_version=None) -> None:
    """Put a service's refusal on the form, keeping what was typed. After a conflict the form carries the current
    version (`current_version()`), so that saving again is a deliberate choice made after seeing the message, never
    a silent overwrite."""
    if isinstance(error, ConflictError) and current_version is not None:
        form.data = form.data.copy()
        form.data["version"] = current_version()
    form.add_error(None, str(error))
