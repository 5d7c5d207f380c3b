"""The sample data generator: reproducible from its seed, flagged as sample everywhere, apart from real data, and a
dashboard that reads what it makes in the same number of queries whatever its size."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from octopus.accounts.models import User
from octopus.results import services
from octopus.results.models import Comparator, Frequency, Indicator, ManualValue, Programme, Target
from octopus.results.queries import programme_results
from octopus.sample.generate import GENERATED_TREATY, GenerationError, generate, programme_code
from octopus.treaties.models import TreatyAction

pytestmark = pytest.mark.django_db

AT = datetime.date(2025, 12, 31)


def value_rows(scale: int) -> list[tuple]:
    return list(
        ManualValue.objects.filter(indicator__node__programme__code=programme_code(scale))
        .order_by("indicator__code", "period_start", "category")
        .values_list("indicator__code", "period_kind", "period_start", "period_end", "category", "value", "status")
    )


def target_rows(scale: int) -> list[tuple]:
    return list(
        Target.objects.filter(indicator__node__programme__code=programme_code(scale))
        .order_by("indicator__code", "period_kind", "period_start")
        .values_list("indicator__code", "period_kind", "period_start", "comparator", "value", "upper")
    )


def treaty_rows() -> list[tuple]:
    return list(
        TreatyAction.objects.filter(treaty__number=GENERATED_TREATY)
        .order_by("country__iso2", "date", "kind")
        .values_list("country__iso2", "kind", "date", "effective_on")
    )


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows():
    generate(300, seed=7)
    values, targets, actions = value_rows(300), target_rows(300), treaty_rows()

    again = generate(300, seed=7)

    assert again["replaced"] is True
    assert Programme.objects.filter(code="generated-300").count() == 1
    assert len(values) == 300
    assert (value_rows(300), target_rows(300), treaty_rows()) == (values, targets, actions)
    generate(300, seed=8)
    assert value_rows(300) != values
    assert treaty_rows() != actions


def test_every_generated_row_is_flagged_as_sample_and_says_it_is_generated():
    made = generate(250, seed=1)

    programme = Programme.objects.get(code=made["programme"])
    values = ManualValue.objects.filter(indicator__node__programme=programme)
    signers = {*values.values_list("entered_by", flat=True), *values.values_list("reviewed_by", flat=True)}
    people = User.objects.filter(pk__in=signers)
    assert programme.is_sample is True
    assert programme.title.startswith("Generated sample programme")
    assert values.count() == made["manual_values"] == 250
    assert set(values.values_list("is_sample", "status").distinct()) == {(True, "approved")}
    assert {(u.is_sample, u.has_usable_password()) for u in people} == {(True, False)}
    assert [f.is_sample for f in programme.funders.all()] == [True]
    assert all(title.startswith("Generated") for title in programme.nodes.values_list("title", flat=True))
    actions = TreatyAction.objects.filter(treaty__number=GENERATED_TREATY)
    assert actions.count() == made["treaty_actions"]
    assert set(actions.values_list("source", flat=True)) == {"generated sample data (octopus.sample.generate)"}


def test_it_leaves_the_reference_programme_and_real_treaty_actions_alone():
    reference = Programme.objects.get(code="cybercrime-octopus")

    def state():
        return (
            list(Programme.objects.filter(pk=reference.pk).values()),
            list(Indicator.objects.filter(node__programme=reference).order_by("pk").values()),
            list(Target.objects.filter(indicator__node__programme=reference).order_by("pk").values()),
            list(ManualValue.objects.filter(indicator__node__programme=reference).order_by("pk").values()),
            list(TreatyAction.objects.exclude(treaty__number=GENERATED_TREATY).order_by("pk").values()),
        )

    before = state()

    generate(200, seed=1)

    assert state() == before
    assert len(before[1]) > 0 and len(before[4]) > 0


def test_it_refuses_to_replace_a_programme_that_is_not_generated_sample_data():
    real = services.create_programme(
        code="generated-50",
        title="A real programme that happens to have this code",
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2022, 12, 31),
        budget_ceiling=1000,
        implementing_office="Office",
        user=None,
    )

    with pytest.raises(GenerationError, match="not generated sample data"):
        generate(50, seed=1)

    assert Programme.objects.get(code="generated-50").title == real.title


def test_the_dashboard_reads_a_generated_programme_in_the_same_number_of_queries_at_two_sizes():
    generate(200, seed=1)
    generate(2000, seed=1)
    small, large = Programme.objects.get(code="generated-200"), Programme.objects.get(code="generated-2000")

    with CaptureQueriesContext(connection) as few:
        small_results = programme_results(small, AT)
    with CaptureQueriesContext(connection) as many:
        large_results = programme_results(large, AT)

    # Five for the logframe, targets and approved totals, two for the generated treaty's actions, read once for
    # all four treaty indicators, one for the events (all four events.held and contributions indicators), and one
    # for the attendance per set of kinds: the conferences' people, countries and organisations together, the
    # trained, the T-CY participants; and one for the Treaty Office's published counts, read once for every treaty
    # indicator that shows them beside its own (issue 15).
    assert len(few) == len(many) == 12
    assert len(small_results.indicators) == len(large_results.indicators) == 21
    assert all(row.to_date.actual is not None for row in large_results.indicators)


def test_each_indicator_has_a_total_per_period_and_targets_of_every_comparator():
    generate(2000, seed=1)

    indicators = list(Indicator.objects.filter(node__programme__code="generated-2000"))
    manual = [i for i in indicators if i.manual]
    values = ManualValue.objects.filter(indicator__in=manual)
    assert (len(indicators), len(manual)) == (21, 9)
    assert values.filter(category="").count() == 78  # 5 yearly indicators × 6 years, 4 by semester × 12 semesters
    assert values.exclude(category="").count() == 2000 - 78
    for indicator in indicators:
        if indicator.frequency != Frequency.LIFE:
            assert set(indicator.targets.values_list("comparator", flat=True)) == set(Comparator), indicator.code


def test_the_command_generates_and_says_what_it_made():
    out = io.StringIO()

    call_command("generate_data", "--scale", "120", "--seed", "3", stdout=out, stderr=io.StringIO())

    assert out.getvalue() == (
        "Generated sample programme generated-120: 21 indicators, 171 targets, 120 approved manual values, 576 "
        "actions under generated treaty CETS 99999, 20 generated events with 60 registrations, 120 attendance rows "
        "and 15 people.\n"
    )
    assert ManualValue.objects.filter(indicator__node__programme__code="generated-120").count() == 120
