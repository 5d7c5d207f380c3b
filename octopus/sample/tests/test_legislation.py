"""The sample legislation records: flagged as sample, consistent with every rule of the real ones, loaded once; the
sample advice serves the sample programme (activity A2.5), and no sample record counts for the real programme, whose
legislation indicators (O.2, O.3, O.4, 3.3) read "not recorded" while no real record exists."""

import datetime
import io

import pytest
from django.core.management import call_command

from octopus.accounts.models import Role
from octopus.countries.models import Country
from octopus.legislation.models import (
    PROFILE_ARTICLES,
    Advice,
    AdviceRecommendation,
    Assessment,
    Law,
    ReviewState,
    Source,
    Statistic,
)
from octopus.legislation.queries import share_in_place
from octopus.results.models import Programme
from octopus.results.queries import programme_results
from octopus.sample.events import load_sample_events
from octopus.sample.legislation import ADVICE, COUNTRIES, load_sample_legislation
from octopus.sample.programme import load_sample_programme
from octopus.testing.helpers import make_user

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def staff():
    return make_user(Role.PROGRAMME_STAFF)


@pytest.fixture
def focal_point():
    return make_user(Role.FOCAL_POINT)  # of Georgia


@pytest.fixture
def sample(staff, focal_point):
    # As `load_sample_data` does: the sample programme first, whose activity A2.5 the sample advice serves.
    load_sample_programme(staff=staff, reviewer=make_user(Role.ADMINISTRATOR), donor_code="SAMPLE-DONOR")
    return load_sample_legislation(staff=staff, focal_point=focal_point)


def test_every_record_is_sample_and_a_second_load_adds_nothing(sample, staff):
    counts = [model.objects.count() for model in (Law, Assessment, Advice, AdviceRecommendation, Statistic)]

    assert load_sample_legislation(staff=staff) is None

    assert [model.objects.count() for model in (Law, Assessment, Advice, AdviceRecommendation, Statistic)] == counts
    for model in (Law, Assessment, Advice, Statistic):
        assert set(model.objects.values_list("is_sample", flat=True)) == {True}, model
    assert all(title.endswith("(sample)") for title in Law.objects.values_list("title", flat=True))
    assert all("(sample" in text for text in AdviceRecommendation.objects.values_list("text", flat=True))
    assert sample["countries"] == 8 and sample["advice"] == len(ADVICE) == Advice.objects.count()


def test_every_profile_article_is_assessed_in_each_country_and_drafts_await_review(sample, focal_point):
    reviewed = Assessment.objects.reviewed()

    for iso2 in COUNTRIES:
        numbers = set(reviewed.filter(country__iso2=iso2).values_list("article__number", flat=True))
        assert numbers == set(PROFILE_ARTICLES), iso2
    days = reviewed.values_list("assessed_on", flat=True)
    assert (min(days).year, max(days).year) == (2014, 2019)
    drafts = Assessment.objects.filter(state=ReviewState.DRAFT)
    assert drafts.count() == sample["drafts"] == 2
    assert {(a.country.iso2, a.recorded_by) for a in drafts} == {("GE", focal_point)}


def test_advice_has_recommendations_some_taken_up_and_the_advised_improve(sample):
    assert Advice.objects.values("country").distinct().count() == 6
    taken = AdviceRecommendation.objects.filter(taken_up_on__isnull=False).select_related("advice", "assessment")
    assert taken.exists() and AdviceRecommendation.objects.filter(taken_up_on__isnull=True).exists()
    for recommendation in taken:
        changed = recommendation.assessment
        assert changed.source == Source.LEGISLATIVE_ADVICE and changed.assessed_on == recommendation.taken_up_on
        assert changed.country_id == recommendation.advice.country_id
        assert changed.article_id == recommendation.article_id
        assert recommendation.taken_up_on > recommendation.advice.ends_on
    for iso2 in {row[0] for row in ADVICE}:
        country = Country.objects.get(iso2=iso2)
        first_day = COUNTRIES[iso2][0]
        assert (
            share_in_place(D(2019, 12, 31), country=country).percent
            > share_in_place(first_day, country=country).percent
        ), iso2


def test_statistics_are_cited_consistent_and_cover_2015_to_2019(sample):
    rows = Statistic.objects.all()

    assert set(rows.values_list("source", "citation")) == {("published", "Sample data")}
    assert set(rows.values_list("year", flat=True)) == set(range(2015, 2020))
    assert set(rows.values_list("country__iso2", flat=True)) == set(COUNTRIES)
    values = {(s.country_id, s.year, s.figure): s.value for s in rows}
    for (country, year, figure), value in values.items():
        if figure in ("mla_executed", "contact_247_executed"):
            assert value <= values[(country, year, figure.replace("executed", "received"))]
    assert sample["statistics"] == rows.count()


def test_no_sample_record_counts_for_the_real_programme(sample):
    programme = Programme.objects.get(code="cybercrime-octopus")

    results = programme_results(programme, D(2019, 12, 31))

    shown = {row.indicator.code: (row.source, row.to_date.actual) for row in results.indicators}
    for code in ("O.2", "O.3", "O.4"):
        # Computed, but "not recorded": the real programme has no real assessment or figure, and the sample ones
        # (which used to read O.2 = 45.2 %, O.3 = 11,842 cases, O.4 = 109.5 days) never count for it.
        assert shown[code] == ("metric", None), code
    assert shown["3.3"][0] == "metric" and not shown["3.3"][1]  # no advice serves it


def test_the_sample_programme_counts_the_sample_advice(sample):
    programme = Programme.objects.get(code="sample-programme")

    results = programme_results(programme, D(2019, 12, 31))

    shown = {row.indicator.code: row.to_date.actual for row in results.indicators}
    assert shown["2.4"] == 6  # countries given (sample) legislative advice
    assert set(Advice.objects.values_list("activity__programme__code", "activity__code")) == {
        ("sample-programme", "A2.5")
    }


def test_advice_is_linked_to_the_sample_workshop_in_georgia_and_load_sample_data_loads_it(settings):
    load_sample_events(staff=make_user(Role.PROGRAMME_STAFF))
    settings.DEBUG = True
    out = io.StringIO()

    call_command("load_sample_data", stdout=out)

    assert "Sample legislation loaded: profiles of 8 countries" in out.getvalue()
    workshop = Advice.objects.get(mode="workshop")
    assert (workshop.country.iso2, workshop.event.slug) == ("GE", "sample-workshop-ge-2017")
    drafts = Assessment.objects.filter(state=ReviewState.DRAFT)
    assert {a.recorded_by.email for a in drafts} == {"focalpoint.ge@sample.octopus.test"}
    assert Advice.objects.filter(activity__programme__code="sample-programme", activity__code="A2.5").count() == len(
        ADVICE
    )
