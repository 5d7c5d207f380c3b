"""Input for legislative advice: the list's filters, recording and correcting advice, its recommendations and their
take-up, and its documents. Forms check the shape of what is typed; `octopus.legislation.services.advice` checks
that it makes sense (dates, articles, the country of a law or an assessment)."""

from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octopus.countries.models import Country
from octopus.events.models import Event
from octopus.legislation.models import Advice, AdviceMode, Assessment, Law, ReviewState
from octopus.legislation.queries import profile_articles
from octopus.lib.forms import ServiceModelForm
from octopus.lib.widgets import DateInput, QuickSelect
from octopus.people.models import Person
from octopus.results.models import Level, ResultNode
from octopus.treaties.models import Article

# --- the list ------------------------------------------------------------------------------------------------------

# Sortable columns: the key in the address → the ordering it gives (the list's own order breaks ties).
SORTS = {
    "country": ("country__name",),
    "reviewed": ("reviewed",),
    "mode": ("mode",),
    "starts_on": ("starts_on",),
}
DEFAULT_ORDER = ("-starts_on", "country__name", "pk")


def ordering(sort: str) -> list:
    key = sort.lstrip("-")
    if key not in SORTS:
        return list(DEFAULT_ORDER)
    descending = sort.startswith("-")
    return [*(F(name).desc() if descending else F(name).asc() for name in SORTS[key]), *DEFAULT_ORDER]


class AdviceFilterForm(forms.Form):
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        required=False,
        to_field_name="iso2",
        empty_label=_("All countries"),
        widget=QuickSelect,
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=[("", _("All modes")), *AdviceMode.choices], required=False)
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=1990, max_value=2100, help_text=_("The year the advice started.")
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[(f"{d}{k}", f"{d}{k}") for k in SORTS for d in ("", "-")],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, advice=None, **kwargs):
        super().__init__(*args, **kwargs)
        if advice is not None:  # only the countries the reader may see advice to, and that have some
            self.fields["country"].queryset = Country.objects.filter(pk__in=advice.values("country")).order_by("name")

    def filter(self, advice):
        """The advice that matches, in the order asked; none when a filter is not understood."""
        if not self.is_bound:
            return advice.order_by(*DEFAULT_ORDER)
        if not self.is_valid():
            return advice.none()
        data = self.cleaned_data
        if data["country"]:
            advice = advice.filter(country=data["country"])
        if data["mode"]:
            advice = advice.filter(mode=data["mode"])
        if data["year"]:
            advice = advice.filter(starts_on__year=data["year"])
        return advice.order_by(*ordering(data["sort"] or ""))


# --- advice --------------------------------------------------------------------------------------------------------


def article_section(article: Article) -> str:
    """The part of the Convention an article belongs to, as the checkboxes group them."""
    return " · ".join(part for part in (article.chapter, article.section) if part) or str(_("Other"))


def expert_label(person: Person) -> str:
    return f"{person.sort_name} ({person.country})" if person.country else person.sort_name


class AdviceForm(ServiceModelForm):
    """New advice (with its country) or a correction of it (with `version`; the country stays)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = Advice
        fields = [
            "country",
            "reviewed",
            "law",
            "mode",
            "starts_on",
            "ends_on",
            "articles",
            "experts",
            "event",
            "activity",
        ]
        widgets = {
            "country": QuickSelect,
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "articles": forms.CheckboxSelectMultiple,
            "experts": forms.SelectMultiple(attrs={"size": 8}),
        }
        labels = {"law": _("One of the country's laws (optional)"), "event": _("Workshop (event)")}
        help_texts = {
            "reviewed": _("The draft or law as the advice names it, e.g. “Draft law on electronic evidence (2024)”."),
            "experts": _("Hold Ctrl (⌘ on a Mac) to choose several; type a name to jump to it."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.articles = profile_articles()
        self.fields["articles"].queryset = Article.objects.filter(pk__in=[a.pk for a in self.articles])
        self.fields["articles"].error_messages["invalid_choice"] = _(
            "%(value)s is not an article a legislation profile covers."
        )
        self.fields["country"].queryset = Country.objects.order_by("name")
        laws = Law.objects.exclude(state=ReviewState.REJECTED).select_related("country")
        laws = laws.order_by("country__name", "title")
        if self.instance.pk:
            del self.fields["country"]  # advice stays with the country it was given to
            laws = laws.filter(country=self.instance.country_id)
            self.initial["version"] = self.instance.version
            self.fields["version"].required = True  # a correction without the version read would overwrite blindly
        self.fields["law"].queryset = laws
        for name in ("law", "event", "activity"):
            self.fields[name].empty_label = _("None")
        self.fields["law"].label_from_instance = lambda law: f"{law.country.name}: {law}"
        experts = Q(pk__in=Person.objects.current().values("pk"))
        if self.instance.pk:  # an expert merged into another record since stays choosable on the advice that names it
            experts |= Q(pk__in=self.instance.experts.values("pk"))
        self.fields["experts"].queryset = Person.objects.filter(experts).select_related("country")
        self.fields["experts"].label_from_instance = expert_label
        self.fields["event"].queryset = Event.objects.order_by("-starts_on", "pk")
        self.fields["event"].label_from_instance = lambda event: f"{event.title} ({event.starts_on:%Y-%m-%d})"
        # Choosing the activity sets the programme the advice serves (services.advice calls serve_activity).
        activities = ResultNode.objects.filter(level=Level.ACTIVITY).select_related("programme")
        self.fields["activity"].queryset = activities.order_by("programme__starts_on", "programme__code", "code", "pk")
        self.fields["activity"].label_from_instance = lambda node: f"{node.programme.code} · {node.code} {node.title}"
        self.fields["starts_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def article_groups(self) -> list[tuple[str, list[dict]]]:
        """The profile's articles as checkboxes grouped by part of the Convention, ticked as typed (or as recorded)."""
        if self.is_bound:
            chosen = set(self.data.getlist(self.add_prefix("articles")))
        else:
            chosen = {str(getattr(value, "pk", value)) for value in self.initial.get("articles") or ()}
        groups: list[tuple[str, list[dict]]] = []
        for article in self.articles:
            label = article_section(article)
            if not groups or groups[-1][0] != label:
                groups.append((label, []))
            groups[-1][1].append(
                {
                    "value": article.pk,
                    "number": article.number,
                    "title": article.title,
                    "checked": str(article.pk) in chosen,
                }
            )
        return groups

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The advice cannot end before it starts."))
        return data

    def service_fields(self) -> dict:
        data = super().service_fields()
        data["articles"] = list(data["articles"])
        data["experts"] = list(data["experts"])
        return data


# --- recommendations -----------------------------------------------------------------------------------------------


class RecommendationForm(forms.Form):
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    article = forms.ModelChoiceField(
        label=_("Article (optional)"),
        queryset=Article.objects.none(),
        required=False,
        empty_label=_("No article in particular"),
        error_messages={"invalid_choice": _("Choose one of the articles the advice covered.")},
    )

    def __init__(self, *args, advice: Advice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = advice.articles.order_by("number")


class RecommendationCorrectionForm(RecommendationForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AssessmentField(forms.ModelChoiceField):
    def label_from_instance(self, assessment):
        level, day = assessment.get_level_display(), assessment.assessed_on
        return f"Art. {assessment.article.number} – {level} – {day:%Y-%m-%d}"


class TakeUpForm(forms.Form):
    taken_up_on = forms.DateField(label=_("Taken up on"), widget=DateInput())
    assessment = AssessmentField(
        label=_("Assessment it changed (optional)"),
        queryset=Assessment.objects.none(),
        required=False,
        empty_label=_("None recorded"),
        error_messages={"invalid_choice": _("Choose a reviewed assessment of the advised country.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, advice: Advice, assessments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if assessments is None:
            assessments = reviewed_assessments(advice)
        self.fields["assessment"].queryset = assessments
        self.fields["taken_up_on"].widget.attrs.update(
            min=advice.starts_on.isoformat(), max=timezone.localdate().isoformat()
        )


def reviewed_assessments(advice: Advice):
    """The reviewed assessments of the advised country a take-up may point to, article by article, latest first."""
    return (
        Assessment.objects.reviewed()
        .filter(country=advice.country_id)
        .select_related("article")
        .order_by("article__number", "-assessed_on", "-pk")
    )


# --- documents -----------------------------------------------------------------------------------------------------


class AdviceDocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    file = forms.FileField(label=_("File"), help_text=_("PDF or Word (DOCX), at most 20 MB."))
