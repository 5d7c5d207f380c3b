"""The results services: bad input is refused with a clear message and nothing saved; versions, targets, manual
values and their review behave as staff rely on; sums, latest values and distinct counts read from real records."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Count
from django.db.models.functions import ExtractYear

from octopus.accounts.models import AuditEntry
from octopus.countries.models import Country
from octopus.lib.errors import ConflictError, DomainError
from octopus.lib.metrics import Metric, reading, registry
from octopus.results import services
from octopus.results.assignments import programme_scope
from octopus.results.calculations import Status
from octopus.results.models import (
    Indicator,
    LogframeVersion,
    ManualValue,
    Programme,
    ResultNode,
    Target,
    ValueStatus,
)
from octopus.results.queries import programme_results
from octopus.results.reference_data import load_logframes
from octopus.results.tests.conftest import approved
from octopus.treaties.models import TreatyAction
from octopus.treaties.queries import COUNTED_AS_PARTY, statuses_at
from octopus.treaties.queries import Status as TreatyStatus

D = datetime.date


def stored() -> dict:
    """Everything a refused write must leave as it was."""
    return {
        model.__name__: model.objects.count()
        for model in (Programme, LogframeVersion, ResultNode, Indicator, Target, ManualValue, AuditEntry)
    }


def refused(call, message: str):
    before = stored()
    with pytest.raises(DomainError) as error:
        call()
    assert str(error.value) == message
    assert stored() == before


# Acceptance 5: bad input, clear messages, nothing saved.


def test_a_target_period_outside_the_programme_is_refused(built):
    version = services.latest_version(built.programme)
    refused(
        lambda: services.set_target(
            built.workshops, version=version, period="2020", comparator="le", value=5, user=built.staff
        ),
        "2020 is outside the programme (2014-01-01 – 2019-12-31).",
    )


@pytest.mark.parametrize("day", [D(2014, 1, 1), D(2013, 6, 1)])
def test_a_version_overlapping_the_last_one_is_refused(built, day):
    refused(
        lambda: services.revise_logframe(built.programme, valid_from=day, decision="Board", user=built.staff),
        f"A revision in force from {day} would overlap version 1, in force from 2014-01-01: a new version must "
        "start after the last one.",
    )


def test_a_revision_without_its_decision_or_after_the_end_is_refused(built):
    refused(
        lambda: services.revise_logframe(built.programme, valid_from=D(2016, 1, 1), decision=" ", user=built.staff),
        "Say which decision made the revision (who, when, why).",
    )
    refused(
        lambda: services.revise_logframe(built.programme, valid_from=D(2020, 3, 1), decision="X", user=built.staff),
        "2020-03-01 is outside the programme (2014-01-01 – 2019-12-31).",
    )


def test_an_unknown_metric_key_is_refused(built):
    node = built.workshops.node
    refused(
        lambda: services.define_indicator(node, code="1.9", title="X", metric_key="events.nothing", user=built.staff),
        "No metric “events.nothing” is registered.",
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kinds": ["workshop"]}, "Metric treaties.parties does not accept kinds (it accepts: treaty)."),
        ({"treaty": "185"}, "Parameter treaty of metric treaties.parties must be a whole number."),
        ({"treaty": True}, "Parameter treaty of metric treaties.parties must be a whole number."),
    ],
)
def test_parameters_the_metric_does_not_accept_are_refused(built, params, message):
    node = built.parties.node
    refused(
        lambda: services.define_indicator(
            node, code="O.9", title="X", metric_key="treaties.parties", metric_params=params, user=built.staff
        ),
        message,
    )


def test_a_manual_value_on_a_computed_indicator_needs_its_published_source(built):
    refused(
        lambda: services.enter_manual_value(built.parties, period="2016", value=3, user=built.staff),
        "O.1 is computed from the records (metric treaties.parties_and_invited); only a published figure can be "
        "entered for it, with its source as evidence (a link or a file).",
    )


def test_a_published_figure_stands_beside_what_the_records_give(built):
    entry = services.enter_manual_value(
        built.parties, period="2016", value=3, evidence_url="https://example.org/report", user=built.staff
    )
    services.approve_manual_value(services.submit_manual_value(entry, user=built.staff), user=built.reviewer)
    row = programme_results(built.programme, datetime.date(2019, 12, 31)).indicator(built.parties.pk)
    figure = row.period("2016")
    assert (figure.actual, figure.published) == (Decimal(3), True)
    assert figure.recorded is not None and figure.recorded != figure.actual
    assert not figure.reconciles


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"manual": True, "measure": "percent", "accumulation": "sum"},
            "A percentage cannot be added up across periods: its accumulation must be “latest value”.",
        ),
        (
            {"manual": True, "accumulation": "distinct"},
            "“Distinct over the life of the programme” needs the records: choose a metric.",
        ),
        (
            {"manual": True, "measure": "ordinal", "accumulation": "latest", "scale": ["Only"]},
            "An ordinal indicator needs its scale: at least two labels, lowest first.",
        ),
        ({}, "Choose the metric that computes this indicator, or mark it as entered by hand."),
    ],
)
def test_an_indicator_whose_parts_do_not_fit_is_refused(built, fields, message):
    node = built.workshops.node
    refused(lambda: services.define_indicator(node, code="1.9", title="X", user=built.staff, **fields), message)


@pytest.mark.parametrize(
    ("comparator", "value", "upper", "message"),
    [
        ("range", 10, None, "A range needs an upper bound above its lower bound."),
        ("range", 10, 10, "A range needs an upper bound above its lower bound."),
        ("ge", 10, 12, "Only a range has an upper bound."),
        ("ge", -1, None, "A target cannot be negative."),
    ],
)
def test_a_malformed_target_is_refused(built, comparator, value, upper, message):
    version = services.latest_version(built.programme)
    refused(
        lambda: services.set_target(
            built.workshops,
            version=version,
            period="2016",
            comparator=comparator,
            value=value,
            upper=upper,
            user=built.staff,
        ),
        message,
    )


def test_an_ordinal_value_or_target_off_the_scale_is_refused(built):
    version = services.latest_version(built.programme)
    refused(
        lambda: services.enter_manual_value(built.stage, period="2016", value=3, user=built.staff),
        "Choose a step of the scale, from 0 to 2.",
    )
    refused(
        lambda: services.set_target(
            built.stage, version=version, period="life", comparator="eq", value=Decimal("1.5"), user=built.staff
        ),
        "An ordinal target is a step of the scale, from 0 to 2.",
    )


# Logframe versions: reports use the version in force on their date.


def test_targets_belong_to_the_version_in_force_on_the_report_date(built):
    revised = services.revise_logframe(
        built.programme,
        valid_from=D(2017, 6, 1),
        ends_on=D(2020, 12, 31),
        decision="Steering committee, 30 May 2017: extension and 30 workshops",
        user=built.staff,
    )
    services.set_target(built.workshops, version=revised, period="life", comparator="le", value=30, user=built.staff)
    for year, value in (("2015", 10), ("2018", 12)):
        approved(built, built.workshops, year, value)

    before = programme_results(built.programme, D(2017, 5, 31)).indicator(built.workshops.pk)
    after = programme_results(built.programme, D(2018, 12, 31)).indicator(built.workshops.pk)

    assert (before.to_date.goal.value, before.to_date.period.end, before.to_date.actual) == (25, D(2019, 12, 31), 10)
    assert (after.to_date.goal.value, after.to_date.period.end, after.to_date.actual) == (30, D(2020, 12, 31), 22)
    assert [p.period.key for p in after.periods][-1] == "2020"
    # Version 1 still holds its own target: the revision is a new row, never an overwrite.
    assert Target.objects.get(indicator=built.workshops, logframe_version__number=1, period_kind="life").value == 25
    # The parties target was carried over to version 2, to its new end.
    carried = Target.objects.get(indicator=built.parties, logframe_version=revised)
    assert (carried.value, carried.period_end) == (60, D(2020, 12, 31))


def test_an_indicator_added_in_a_revision_is_not_in_reports_for_earlier_dates(built):
    services.revise_logframe(built.programme, valid_from=D(2017, 1, 1), decision="Board", user=built.staff)
    added = services.define_indicator(built.workshops.node, code="1.4", title="New", manual=True, user=built.staff)

    assert programme_results(built.programme, D(2016, 12, 31)).indicator(added.pk) is None
    assert programme_results(built.programme, D(2017, 1, 1)).indicator(added.pk) is not None


# Manual values: only approved values count; the review has rules.


def test_only_approved_values_count(built):
    approved(built, built.workshops, "2014", 3)
    draft = services.enter_manual_value(built.workshops, period="2015", value=4, user=built.staff)
    submitted = services.submit_manual_value(
        services.enter_manual_value(
            built.workshops, period="2016", value=5, evidence_url="https://example.org/x", user=built.staff
        ),
        user=built.staff,
    )

    row = programme_results(built.programme, D(2019, 12, 31)).indicator(built.workshops.pk)

    assert (draft.status, submitted.status) == (ValueStatus.DRAFT, ValueStatus.SUBMITTED)
    assert [(p.period.key, p.actual) for p in row.periods[:3]] == [("2014", 3), ("2015", None), ("2016", None)]
    assert (row.to_date.actual, row.to_date.percent, row.to_date.status) == (
        3,
        Decimal("12.0"),
        Status.WITHIN_CEILING,
    )


def test_a_value_is_submitted_with_evidence_and_approved_by_someone_else(built):
    entry = services.enter_manual_value(built.workshops, period="2016", value=2, user=built.staff)
    refused(
        lambda: services.submit_manual_value(entry, user=built.staff),
        "Attach the evidence (a file or a link) before submitting.",
    )
    entry = services.edit_manual_value(
        entry, expected_version=entry.version, value=2, evidence_url="https://example.org/e", user=built.staff
    )
    entry = services.submit_manual_value(entry, user=built.staff)
    refused(
        lambda: services.approve_manual_value(entry, user=built.staff),
        "Someone other than the person who entered a value approves it.",
    )
    refused(
        lambda: services.return_manual_value(entry, user=built.reviewer, comment=""),
        "Say what needs to change: a returned value needs a comment.",
    )
    returned = services.return_manual_value(entry, user=built.reviewer, comment="Attach the agenda")
    assert (returned.status, returned.review_comment, returned.reviewed_by) == (
        ValueStatus.RETURNED,
        "Attach the agenda",
        built.reviewer,
    )
    refused(
        lambda: services.approve_manual_value(returned, user=built.reviewer),
        "A value that is returned cannot be approved.",
    )


def test_a_stale_edit_is_refused_and_changes_nothing(built):
    entry = services.enter_manual_value(built.workshops, period="2016", value=2, user=built.staff)
    services.edit_manual_value(entry, expected_version=1, value=3, user=built.staff)

    with pytest.raises(ConflictError):
        services.edit_manual_value(entry, expected_version=1, value=9, user=built.staff)

    entry.refresh_from_db()
    assert (entry.value, entry.version) == (3, 2)


def test_a_locked_period_takes_no_more_values(built):
    services.lock_period(built.programme, period="2015", user=built.staff)
    refused(
        lambda: services.enter_manual_value(built.workshops, period="2015", value=1, user=built.staff),
        "The period 2015-01-01 – 2015-12-31 is locked; values in it can no longer change.",
    )
    refused(
        lambda: services.enter_manual_value(built.workshops, period="life", value=1, user=built.staff),
        "The period 2015-01-01 – 2015-12-31 is locked; values in it can no longer change.",
    )


def test_an_ordinal_value_reads_as_its_step_and_a_qualitative_one_as_its_finding(built):
    approved(built, built.stage, "2015", 1)
    approved(built, built.stage, "2017", 2)
    approved(built, built.finding, "2016", text="Judges asked for training on electronic evidence.")

    results = programme_results(built.programme, D(2019, 12, 31))

    stage = results.indicator(built.stage.pk)
    assert (stage.to_date.actual, stage.to_date.label) == (2, "Adopted")
    assert results.indicator(built.finding.pk).latest_text == "Judges asked for training on electronic evidence."


# Computed indicators: the live value is the metric's, over real records.


def test_the_treaty_indicator_reads_the_treaty_records_at_each_period_end(built):
    row = programme_results(built.programme, D(2019, 12, 31)).indicator(built.parties.pk)
    treaty = TreatyAction.objects.filter(treaty__number=185).first().treaty

    # As the Treaty Office counts: a State is a Party from the deposit of its instrument (ratified), in force or not.
    counted = COUNTED_AS_PARTY | {TreatyStatus.INVITED}
    for period in row.periods:
        statuses = statuses_at(treaty, period.period.end)
        expected = sum(1 for s in statuses.values() if s.status in counted)
        assert period.actual == expected
    assert row.to_date.actual == row.periods[-1].actual


@pytest.fixture
def acting_countries():
    """A test metric over real records: the countries with a treaty act dated in the period."""

    def records(start, end):
        return Country.objects.filter(treaty_actions__date__range=(start, end)).distinct()

    registry.register(
        Metric("test.acting_countries", "Countries acting", value=lambda s, e: records(s, e).count(), drilldown=records)
    )
    yield
    registry.unregister("test.acting_countries")


@pytest.mark.usefixtures("acting_countries")
def test_sum_over_periods_and_distinct_over_the_life_differ_as_they_should(built):
    node = built.workshops.node
    summed = services.define_indicator(
        node, code="S", title="Sum", metric_key="test.acting_countries", user=built.staff
    )
    distinct = services.define_indicator(
        node, code="DI", title="Distinct", metric_key="test.acting_countries", accumulation="distinct", user=built.staff
    )
    acts = TreatyAction.objects.filter(date__range=(D(2014, 1, 1), D(2019, 12, 31)))
    per_year = acts.annotate(year=ExtractYear("date")).values("year").annotate(n=Count("country", distinct=True))

    results = programme_results(built.programme, D(2019, 12, 31))

    assert results.indicator(summed.pk).to_date.actual == sum(row["n"] for row in per_year)
    assert results.indicator(distinct.pk).to_date.actual == acts.values("country").distinct().count()
    assert results.indicator(distinct.pk).to_date.actual < results.indicator(summed.pk).to_date.actual


def test_an_indicator_awaiting_its_metric_shows_no_number(built):
    awaiting = services.define_indicator(
        built.workshops.node,
        code="1.8",
        title="Workshops",
        metric_key="example.not_yet_registered",
        allow_unregistered=True,
        user=built.staff,
    )
    row = programme_results(built.programme, D(2019, 12, 31)).indicator(awaiting.pk)

    assert (row.source, row.to_date.actual, row.to_date.status) == ("awaiting", None, Status.NO_TARGET)


# The seed logframe.


@pytest.mark.django_db
def test_the_seed_logframe_is_loaded_with_its_targets_and_the_treaty_indicator_wired():
    programme = Programme.objects.get(code="cybercrime-octopus")
    results = programme_results(programme, D(2019, 12, 31))
    by_code = {row.indicator.code: row for row in results.indicators}

    assert (programme.starts_on, programme.ends_on, programme.budget_ceiling) == (
        D(2014, 1, 1),
        D(2019, 12, 31),
        Decimal("3500000.00"),
    )
    assert programme.is_sample is False
    assert [n.node.code for n in results.nodes] == [
        "O",
        "1",
        "A1.1",
        "2",
        "A2.1",
        "A2.2",
        "A2.3",
        "A2.4",
        "3",
        "A3.1",
        "A3.2",
        "A3.3",
        "A3.4",  # Further strengthen the C-PROC, the fourth activity of output 3 in the programme document
    ]
    assert {code: str(row.to_date.goal) for code, row in by_code.items() if row.to_date.goal} == {
        "1.1": "Goal(comparator='eq', value=Decimal('4.00'), upper=None)",
        "1.5": "Goal(comparator='le', value=Decimal('18.00'), upper=None)",
        "3.1": "Goal(comparator='le', value=Decimal('25.00'), upper=None)",
        "3.2": "Goal(comparator='le', value=Decimal('70.00'), upper=None)",
        "3.3": "Goal(comparator='ge', value=Decimal('20.00'), upper=None)",
    }
    computed = [
        "O.1",
        "O.2",
        "O.3",
        "O.4",
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "1.5",
        "2.1",
        "2.2",
        "2.3",
        "2.4",
        "3.1",
        "3.2",
        "3.3",
    ]
    assert [code for code, row in by_code.items() if row.source == "metric"] == computed
    assert by_code["O.1"].to_date.actual == registry.evaluate(
        "treaties.parties_and_invited", D(2014, 1, 1), D(2019, 12, 31), treaty=185
    )
    assert by_code["1.1"].to_date.actual == 4  # the reference Octopus conferences of 2015, 2016, 2018 and 2019
    awaiting = {code for code, row in by_code.items() if row.source == "awaiting" and row.to_date.actual is None}
    # The T-CY documents the committees app dates (its own tests pin which): read within the programme's scope.
    with reading(programme_scope(programme)):
        adopted = [
            registry.evaluate("committees.documents_adopted", D(2014, 1, 1), D(2019, 12, 31), type=kind)
            for kind in ("guidance_note", "assessment_report")
        ]
    assert [by_code["2.3"].to_date.actual, by_code["2.4"].to_date.actual] == adopted
    assert awaiting == set()
    # No assessment or advice is recorded yet: no share (not 0 %), and no country advised.
    assert (by_code["O.2"].to_date.actual, by_code["3.3"].to_date.actual) == (None, 0)


@pytest.mark.django_db
def test_loading_the_seed_logframe_again_adds_nothing():
    assert load_logframes() == {
        "programmes": 0,
        "nodes": 0,
        "indicators": 0,
        "targets": 0,
        "versions": 0,  # the Cybil revision is there already
        "published": 0,  # and so are the published figures of 2016
    }
