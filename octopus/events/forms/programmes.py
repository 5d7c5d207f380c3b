"""The version an event's programmes were read with; the rows themselves are the shared
`results.forms.ProgrammeShareFormSet`, as for every record that serves programmes."""

from django import forms


class ProgrammesVersionForm(forms.Form):
    """The version of the event the rows were read with: a change made meanwhile is refused, not overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
