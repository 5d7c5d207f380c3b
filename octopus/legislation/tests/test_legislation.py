"""Legislation profiles as dated, reviewed assessments: the level on any day, what refuses bad input, the review of
a focal point's draft, legislative advice, and the metrics they feed."""

import datetime

import pytest
from django.utils import timezone

from octopus.accounts.models import AuditEntry, Role
from octopus.countries.models import Country
from octopus.legislation.models import Level, ReviewState
from octopus.legislation.queries import compliance_at, share_in_place
from octopus.legislation.services import advice as advice_services
from octopus.legislation.services import profiles as services
from octopus.lib.errors import ConflictError, DomainError
from octopus.lib.metrics import MetricError, registry
from octopus.testing.helpers import make_user
from octopus.treaties.models import Article

D = datetime.date


@pytest.fixture
def staff(db):
    return make_user(Role.PROGRAMME_STAFF)


def country(iso2: str) -> Country:
    return Country.objects.get(iso2=iso2)


def article(number: int, treaty: int = 185) -> Article:
    return Article.objects.get(treaty__number=treaty, number=number)


def assess(staff, iso2, number, level, day, **fields):
    fields = {"source": "desk_review", "reviewed": True, **fields}
    return services.record_assessment(
        country(iso2), article(number), level=level, assessed_on=day, user=staff, **fields
    )


def test_the_level_on_a_day_is_the_latest_reviewed_assessment_not_after_it(staff):
    assess(staff, "GE", 6, "not_in_place", D(2015, 3, 1))
    assess(staff, "GE", 6, "partially", D(2016, 6, 30))
    later_same_day = assess(staff, "GE", 6, "in_place", D(2016, 6, 30), source="tcy_assessment")
    assess(staff, "GE", 6, "not_in_place", D(2017, 1, 1), reviewed=False)  # a draft never counts

    def level(day):
        found = compliance_at(day).get((country("GE").pk, article(6).pk))
        return found.level if found else None

    assert level(D(2015, 2, 28)) is None  # nothing assessed yet
    assert level(D(2015, 3, 1)) == "not_in_place"  # from its own day
    assert level(D(2016, 6, 29)) == "not_in_place"
    assert level(D(2016, 6, 30)) == "in_place"  # the one recorded last that day
    assert compliance_at(D(2018, 1, 1))[(country("GE").pk, article(6).pk)] == later_same_day


def test_bad_statements_are_refused_with_a_message_and_nothing_is_saved(staff):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    law = services.record_law(country("AM"), title="Criminal Code", year=2003, user=staff)
    cases = [
        ({"number": 23}, "^Article 23 of Budapest Convention is not one a legislation profile covers"),
        ({"number": 1, "treaty": 189}, "is not one a legislation profile covers"),
        ({"level": "excellent"}, "“excellent” is not a compliance level"),
        ({"source": "rumour"}, "“rumour” is not a source"),
        ({"day": tomorrow}, "The date of an assessment cannot be in the future"),
        ({"laws": [law]}, r"^Criminal Code \(2003\) is a law of another country\.$"),
    ]
    for change, message in cases:
        values = {
            "number": 2,
            "treaty": 185,
            "level": "in_place",
            "source": "self_report",
            "day": D(2016, 1, 1),
            "laws": [],
            **change,
        }
        target = Article.objects.filter(treaty__number=values["treaty"], number=values["number"]).first()
        with pytest.raises(DomainError, match=message):
            services.record_assessment(
                country("GE"),
                target,
                level=values["level"],
                source=values["source"],
                assessed_on=values["day"],
                laws=values["laws"],
                user=staff,
            )
    assert not country("GE").assessments.exists()


def test_a_focal_points_draft_counts_once_staff_review_it_and_a_stale_review_is_refused(staff):
    focal = make_user(Role.FOCAL_POINT)
    draft = assess(focal, "GE", 16, "in_place", D(2016, 5, 1), source="self_report", reviewed=False)
    assert compliance_at(D(2016, 5, 1)) == {}

    with pytest.raises(ConflictError):
        services.review_assessment(draft, accept=True, user=staff, version=2)
    reviewed = services.review_assessment(draft, accept=True, user=staff, version=1)
    with pytest.raises(DomainError, match="already been reviewed"):
        services.review_assessment(reviewed, accept=False, user=staff, version=2)

    assert (reviewed.state, reviewed.reviewed_by, reviewed.version) == (ReviewState.REVIEWED, staff, 2)
    assert compliance_at(D(2016, 5, 1))[(country("GE").pk, article(16).pk)].level == Level.IN_PLACE
    entry = AuditEntry.objects.about(reviewed).get(action="legislation.assessment.reviewed")
    assert (entry.user, entry.before["state"], entry.after["state"]) == (staff, "draft", "reviewed")


def test_the_share_in_place_by_group_and_country_in_two_queries(staff, django_assert_num_queries):
    day = D(2017, 1, 1)
    assess(staff, "GE", 2, "in_place", day)  # substantive
    assess(staff, "GE", 16, "partially", day)  # procedural
    assess(staff, "GE", 29, "in_place", day)  # international co-operation
    assess(staff, "AM", 2, "not_in_place", day)
    assess(staff, "AM", 3, "not_assessed", day)  # not counted among the assessed

    with django_assert_num_queries(2):
        overall = share_in_place(day)

    assert (overall.in_place, overall.assessed, overall.percent) == (2, 4, 50.0)
    assert share_in_place(day, group="substantive").percent == 50.0
    assert share_in_place(day, group="procedural").percent == 0.0
    assert share_in_place(day, group="international").percent == 100.0
    assert share_in_place(day, country=country("GE")).percent == round(200 / 3, 1)
    assert share_in_place(D(2016, 12, 31)).percent is None  # nothing assessed yet: no share, not 0


def test_advice_is_recorded_numbered_taken_up_and_counted_per_country(staff):
    articles = [article(2), article(16)]
    advice = advice_services.record_advice(
        country("GE"),
        reviewed="Draft law on electronic evidence",
        mode="desk_review",
        starts_on=D(2016, 4, 1),
        ends_on=D(2016, 4, 20),
        articles=articles,
        user=staff,
    )
    advice_services.record_advice(
        country("GE"),
        reviewed="Amendments",
        mode="mission",
        starts_on=D(2017, 2, 1),
        ends_on=D(2017, 2, 3),
        articles=articles,
        user=staff,
    )
    advice_services.record_advice(
        country("MD"),
        reviewed="Criminal Code",
        mode="workshop",
        starts_on=D(2017, 5, 1),
        ends_on=D(2017, 5, 2),
        articles=[article(2)],
        user=staff,
    )
    first = advice_services.record_recommendation(
        advice, text="Criminalise illegal access without right.", article=article(2), user=staff
    )
    second = advice_services.record_recommendation(advice, text="Add preservation orders.", user=staff)
    changed = assess(staff, "GE", 2, "in_place", D(2016, 12, 1), source="legislative_advice")
    taken = advice_services.take_up_recommendation(
        first, taken_up_on=D(2016, 12, 1), assessment=changed, user=staff, version=1
    )

    assert (first.number, second.number, taken.assessment, taken.version) == (1, 2, changed, 2)
    assert registry.evaluate("legislation.countries_advised", D(2016, 1, 1), D(2017, 12, 31)) == 2
    assert registry.evaluate("legislation.countries_advised", D(2017, 1, 1), D(2017, 12, 31)) == 2
    assert [c.iso2 for c in registry.records("legislation.countries_advised", D(2016, 1, 1), D(2016, 12, 31))] == ["GE"]
    with pytest.raises(DomainError, match="not among the articles the advice covered"):
        advice_services.record_recommendation(advice, text="Jurisdiction.", article=article(22), user=staff)
    with pytest.raises(DomainError, match="cannot end before it starts"):
        advice_services.record_advice(
            country("GE"),
            reviewed="X",
            mode="mission",
            starts_on=D(2017, 2, 3),
            ends_on=D(2017, 2, 1),
            articles=articles,
            user=staff,
        )


def test_the_share_metric_takes_a_group_and_a_country_and_refuses_unknown_ones(staff):
    assess(staff, "GE", 2, "in_place", D(2017, 1, 1))
    assess(staff, "GE", 3, "partially", D(2017, 1, 1))
    year = (D(2017, 1, 1), D(2017, 12, 31))

    assert registry.evaluate("legislation.share_in_place", *year) == 50.0
    assert registry.evaluate("legislation.share_in_place", *year, group="substantive", country="ge") == 50.0
    assert len(registry.records("legislation.share_in_place", *year, country="GE")) == 2
    with pytest.raises(MetricError, match="Unknown article group 'civil'"):
        registry.evaluate("legislation.share_in_place", *year, group="civil")
    with pytest.raises(MetricError, match="Unknown country 'XX'"):
        registry.evaluate("legislation.share_in_place", *year, country="XX")
