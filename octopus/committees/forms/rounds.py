"""Input for assessment rounds, used by the pages and the API alike. Forms check the shape of what is typed; the
services (`octopus.committees.services.rounds`) check that it makes sense."""

from django import forms
from django.utils.translation import gettext_lazy as _

from octopus.committees.models import (
    AssessmentRound,
    Committee,
    Document,
    DocumentStatus,
    DocumentType,
    FollowUpStatus,
    Meeting,
    Recommendation,
)
from octopus.countries.models import Country
from octopus.lib.widgets import DateInput
from octopus.results.models import Level, ResultNode
from octopus.treaties.models import Article


class ArticleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, article):
        return f"{article.number} – {article.title}"


class OpenRoundForm(forms.Form):
    number = forms.IntegerField(label=_("Round number"), min_value=1, max_value=999)
    title = forms.CharField(label=_("Title"), max_length=300, help_text=_("e.g. Preservation: Articles 16, 17, 29, 30"))
    articles = ArticleChoiceField(
        label=_("Articles assessed"),
        queryset=Article.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several. The questionnaire gets one section per article."),
    )
    opened_at = forms.ModelChoiceField(
        label=_("Opened at"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("The plenary that decided the round, if it is in the workspace."),
    )
    opened_on = forms.DateField(label=_("Opened on"), widget=DateInput)

    def __init__(self, *args, committee: Committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["articles"].queryset = Article.objects.filter(treaty=committee.treaty).order_by("number")
        self.fields["opened_at"].queryset = (
            Meeting.objects.filter(committee=committee)
            .select_related("event", "committee")
            .order_by("-event__starts_on")
        )
        if not self.is_bound and "number" not in self.initial:
            last = AssessmentRound.objects.filter(committee=committee).order_by("-number").first()
            self.initial["number"] = (last.number + 1) if last else 1


class DispatchForm(forms.Form):
    deadline = forms.DateField(label=_("Deadline for replies"), widget=DateInput)


class RecommendationForm(forms.Form):
    country = forms.ModelChoiceField(label=_("Party"), queryset=Country.objects.none(), to_field_name="iso2")
    article = forms.ModelChoiceField(label=_("Article"), queryset=Article.objects.none(), required=False)
    finding = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)

    def __init__(self, *args, round: AssessmentRound, countries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.filter(pk__in=[c.pk for c in countries]).order_by("name")
        self.fields["article"].queryset = round.articles.order_by("number")


class CorrectRecommendationForm(forms.Form):
    article = forms.ModelChoiceField(label=_("Article"), queryset=Article.objects.none(), required=False)
    finding = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, recommendation: Recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = recommendation.round.articles.order_by("number")
        if not self.is_bound:
            self.initial.update(
                article=recommendation.article_id,
                finding=recommendation.finding,
                text=recommendation.text,
                version=recommendation.version,
            )


class FollowUpForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput)
    status = forms.ChoiceField(label=_("Status"), choices=FollowUpStatus.choices)
    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=Meeting.objects.none(), required=False)
    report = forms.ModelChoiceField(label=_("Follow-up report"), queryset=Document.objects.none(), required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=20000)

    def __init__(self, *args, round: AssessmentRound, **kwargs):
        super().__init__(*args, **kwargs)
        committee = round.committee_id
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(committee=committee)
            .select_related("event", "committee")
            .order_by("-event__starts_on")
        )
        self.fields["report"].queryset = Document.objects.filter(
            committee=committee, type=DocumentType.FOLLOW_UP_REPORT
        ).order_by("-created_at")


class ReportForm(forms.Form):
    document = forms.ModelChoiceField(
        label=_("Assessment report"),
        queryset=Document.objects.none(),
        required=False,
        help_text=_("From the register; leave empty to unlink. Its status (draft, adopted) is kept in the register."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, round: AssessmentRound, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = (
            Document.objects.filter(committee_id=round.committee_id, type=DocumentType.ASSESSMENT_REPORT)
            .exclude(status=DocumentStatus.WITHDRAWN)
            .order_by("-created_at")
        )
        if not self.is_bound:
            self.initial.update(document=round.report_id, version=round.version)


class ServedActivityForm(forms.Form):
    """The logframe activity a round serves (which sets its programme); empty: it serves none."""

    activity = forms.ModelChoiceField(
        label=_("Activity served"),
        queryset=ResultNode.objects.none(),
        required=False,
        empty_label=_("— no programme —"),
        help_text=_("Choosing the activity sets the programme; the round then counts for that programme only."),
    )

    def __init__(self, *args, round: AssessmentRound, **kwargs):
        super().__init__(*args, **kwargs)
        # A sample round serves only the sample programme, a real round only real ones.
        activities = ResultNode.objects.filter(level=Level.ACTIVITY, programme__is_sample=round.is_sample)
        self.fields["activity"].queryset = activities.select_related("programme").order_by("programme__code", "code")
        self.fields["activity"].label_from_instance = lambda n: f"{n.programme.code} · {n.code} {n.title}"
