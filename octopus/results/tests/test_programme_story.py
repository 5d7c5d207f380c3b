"""The programme as its document tells it and as it ran (issue 15): the seed logframe in the programme document's
words with its assumptions, the Cybil revision in force from 2020, ceilings that are never "met", no forecast once
the programme has ended, published figures beside what the records give, records that serve no programme listed
until staff assign them, the refusals of an assignment, and assumptions reviewed over time."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from octopus.accounts.models import AuditEntry, Role
from octopus.events.models import Event
from octopus.lib.errors import DomainError
from octopus.lib.metrics import reading, registry
from octopus.results import services
from octopus.results.assignments import assignments_of, programme_scope
from octopus.results.calculations import Status
from octopus.results.models import Assumption, AssumptionReview, AssumptionStatus, Indicator, Programme, ResultNode
from octopus.results.queries import programme_results
from octopus.results.tests.conftest import assign_every_countable_record, unassigned_workshops
from octopus.results.views import record_line
from octopus.testing.helpers import bearer_for, make_user

D = datetime.date
SEED = "cybercrime-octopus"
API = f"/api/v1/programmes/{SEED}"
# The programme document, kept beside the repository (../shared).
SUMMARY = Path(__file__).resolve().parents[4] / "shared" / "project-summary.md"


@pytest.fixture
def seed(db) -> Programme:
    return Programme.objects.get(code=SEED)


@pytest.fixture
def staff(db):
    return make_user(Role.PROGRAMME_STAFF)


@pytest.fixture
def other(staff) -> Programme:
    """A second real programme, with an output and an activity of its own."""
    programme = services.create_programme(
        code="glacy-plus",
        title="GLACY+",
        starts_on=D(2016, 3, 1),
        ends_on=D(2024, 2, 29),
        budget_ceiling=Decimal("18500000"),
        implementing_office="C-PROC",
        user=staff,
    )
    output = services.add_node(programme, level="output", code="3", title="Output", user=staff)
    services.add_node(programme, level="activity", code="A3.1", title="Workshops", parent=output, user=staff)
    return programme


# --- (a) the seed logframe in the programme document's words --------------------------------------------------


def document_lines() -> list[str]:
    """Each line of the document's logframe section as it reads, without the Markdown and the line's label
    ("**Output 1:**", "Activity:", "Assumption:", "- ")."""
    if not SUMMARY.exists():
        pytest.skip(f"the programme document is not beside the repository ({SUMMARY})")
    text = SUMMARY.read_text(encoding="utf-8")
    section = text[text.index("## Objective, expected outputs and activities") :]
    lines = []
    for line in section.splitlines():
        line = re.sub(r"^\s*-\s*", "", line.strip())
        line = re.sub(r"^\*\*[^*]+:\*\*\s*", "", line)
        line = re.sub(r"^(Activity|Assumption):\s*", "", line)
        if line:
            lines.append(line)
    return lines


def test_the_seed_logframe_reads_word_for_word_as_the_programme_document(seed):
    lines = document_lines()
    nodes = {node.code: node for node in ResultNode.objects.filter(programme=seed)}

    for node in nodes.values():
        assert node.title in lines, f"{node.code}: {node.title}"
    assert nodes["O"].title == (
        "To support implementation of the Budapest Convention on Cybercrime (CETS 185) and related instruments"
    )
    # Every activity of the document is a box, and no other: A1.1, A2.1–A2.4, A3.1–A3.4.
    activities = {n.title for n in nodes.values() if n.level == "activity"}
    assert len(activities) == 9
    assert nodes["A3.4"].title == "Further strengthen the C-PROC to support capacity building activities worldwide"
    for indicator in Indicator.objects.filter(node__programme=seed):
        # An indicator is titled with the document's line and, after a colon, what it counts when the line counts
        # several things (experts, countries, organisations) or lists them ("in terms of:", "including:").
        line, _sep, counts = indicator.title.partition(": ")
        assert line in lines or f"{line}:" in lines, f"{indicator.code}: {indicator.title}"
        if f"{line}:" in lines:  # a line that lists its items: what follows the colon is one of them, word for word
            assert counts in lines, f"{indicator.code}: {indicator.title}"


def test_the_three_assumptions_of_the_document_are_loaded_on_their_outputs(seed):
    lines = document_lines()
    assumptions = {(a.node.code, a.text) for a in Assumption.objects.filter(node__programme=seed)}

    assert assumptions == {
        ("1", "Octopus conferences mobilise broad support to the Budapest Convention"),
        ("2", "A fully functioning T-CY is necessary to ensure implementation of the Budapest Convention"),
        ("3", "States make use of advice and other support to join the Budapest Convention"),
    }
    assert all(text in lines for _code, text in assumptions)
    assert Assumption.objects.get(node__programme=seed, node__code="1").introduced_in.number == 1


# --- (b) the revision known from the Cybil record ---------------------------------------------------------------


def test_version_2_is_in_force_from_2020_with_5_conferences_and_up_to_30_workshops(client, seed):
    headers = bearer_for(make_user(Role.PROGRAMME_STAFF))

    def in_force(day: str) -> tuple:
        version = client.get(f"{API}/logframe", {"at": day}, **headers).json()["version"]
        targets = client.get(f"{API}/targets", {"at": day}, **headers).json()
        goals = {t["indicator"]: (t["comparator"], t["value"]) for t in targets if t["period"] == "life"}
        return version["number"], version["ends_on"], goals["1.1"], goals["3.1"]

    assert in_force("2019-12-31") == (1, "2019-12-31", ("eq", "4.00"), ("le", "25.00"))
    assert in_force("2020-06-30") == (2, "2020-12-31", ("eq", "5.00"), ("le", "30.00"))

    results = programme_results(seed, D(2020, 6, 30))
    goals = {row.indicator.code: row.to_date.goal for row in results.indicators if row.to_date.goal}
    assert (results.version.number, results.life.end) == (2, D(2020, 12, 31))
    assert (goals["1.1"].comparator, goals["1.1"].value) == ("eq", Decimal(5))
    assert (goals["3.1"].comparator, goals["3.1"].value) == ("le", Decimal(30))
    before = programme_results(seed, D(2019, 12, 31))
    assert (before.version.number, before.life.end) == (1, D(2019, 12, 31))
    assert before.indicator(Indicator.objects.get(node__programme=seed, code="1.1").pk).to_date.goal.value == 4


# --- (c) a ceiling with nothing recorded is not met ---------------------------------------------------------------


@pytest.fixture
def ceiling(staff) -> Programme:
    """2014–2019, one indicator: workshops held (computed from the events it is assigned), up to 25. It is
    assigned none, so it counts 0."""
    programme = services.create_programme(
        code="ceiling-test",
        title="Ceiling test",
        starts_on=D(2014, 1, 1),
        ends_on=D(2019, 12, 31),
        budget_ceiling=Decimal("1000000"),
        implementing_office="C-PROC",
        user=staff,
    )
    output = services.add_node(programme, level="output", code="1", title="Workshops held", user=staff)
    workshops = services.define_indicator(
        output,
        code="1.1",
        title="Up to 25 workshops held",
        unit="workshops",
        metric_key="events.held",
        metric_params={"kinds": ["in_country_workshop", "regional_workshop"]},
        user=staff,
    )
    services.set_target(
        workshops, version=services.latest_version(programme), period="life", comparator="le", value=25, user=staff
    )
    return programme


@pytest.mark.parametrize(
    ("day", "status"),
    [
        (D(2016, 6, 30), Status.UNDER_CEILING),  # while it runs: a limit, not a goal
        (D(2019, 12, 31), Status.WITHIN_CEILING),  # its last day: final
        (D(2022, 1, 1), Status.WITHIN_CEILING),  # long after
    ],
)
def test_up_to_n_with_nothing_recorded_is_never_met(client, staff, ceiling, day, status):
    row = programme_results(ceiling, day).indicators[0]

    assert (row.to_date.actual, row.to_date.status) == (0, status)
    assert row.forecast is None or day < D(2019, 12, 31)

    client.force_login(staff)
    html = client.get(
        reverse("results:results_dashboard", args=[ceiling.code]), {"at": day.isoformat()}
    ).content.decode()
    shown = re.search(r'data-indicator="1.1">(.*?)</tr>', html, re.S).group(1)
    assert f'data-status="{status}"' in shown and 'data-status="met"' not in shown
    assert re.search(r"data-of-ceiling>\s*0 of up to 25 workshops\s*</div>", shown)
    assert "up to 25 workshops" in re.sub(r"\s+", " ", shown)


# --- (d) once the programme has ended, no forecast and no "on track" ------------------------------------------------


def test_the_ended_seed_programme_shows_no_forecast_nor_on_track(client, staff, seed):
    today = timezone.localdate()
    results = programme_results(seed, today)

    assert results.ended and results.life.end == D(2020, 12, 31)
    assert [row.indicator.code for row in results.indicators if row.forecast is not None] == []
    running = {Status.ON_TRACK, Status.BEHIND, Status.UNDER_CEILING}
    assert [row.indicator.code for row in results.indicators if row.to_date.status in running] == []

    client.force_login(staff)
    html = client.get(reverse("results:results_dashboard", args=[SEED])).content.decode()  # read today
    assert "data-ended" in html and "The programme ended on 31 December 2020" in html
    rows = re.findall(r'data-indicator="[^"]+">(.*?)</tr>', html, re.S)
    assert rows
    for row in rows:
        assert not any(f'data-status="{s}"' in row for s in running)
        forecast = re.findall(r'<td class="small">(.*?)</td>', row, re.S)[-1]
        assert forecast.strip() == ""
    assert "data-forecast-warning" not in html


# --- (e) a published figure, with what the records give beside it --------------------------------------------------


def test_the_published_participation_of_2016_stands_beside_the_records(client, staff, seed):
    headers = bearer_for(staff)

    body = client.get(f"{API}/values", {"period": "2016"}, **headers).json()

    rows = {row["indicator"]: row for row in body["indicators"]}
    with reading(programme_scope(seed)):
        recorded = {
            code: registry.evaluate(key, D(2016, 1, 1), D(2016, 12, 31), kinds=["octopus_conference"])
            for code, key in (("1.2", "events.participants"), ("1.3", "events.countries"))
        }
    assert (body["period"], body["sample"]) == ("2016", False)
    assert (Decimal(rows["1.2"]["value"]), rows["1.2"]["published"], rows["1.2"]["recorded"]) == (
        300,
        True,
        str(recorded["1.2"]),
    )
    assert (Decimal(rows["1.3"]["value"]), rows["1.3"]["published"], rows["1.3"]["recorded"]) == (
        90,
        True,
        str(recorded["1.3"]),
    )
    assert (rows["1.4"]["published"], rows["1.1"]["published"]) == (False, False)  # no published figure for these
    assert rows["1.2"]["reach"] == "programme"

    # The drill-down lists the published figure first, opening its source, then the records.
    client.force_login(staff)
    experts = Indicator.objects.get(node__programme=seed, code="1.2")
    html = client.get(reverse("results:results_records", args=[SEED, experts.pk]), {"period": "2016"}).content.decode()
    first = re.search(r"<table[^>]*data-records>\s*<tbody><tr><td>(.*?)</td>", html, re.S).group(1)
    assert 'href="https://dig.watch/updates/cybercrime-challenges-discussed-octopus-conference-2016"' in first
    assert "data-published" in html and f"records give {recorded['1.2']}" in html


# --- (f) records serving no programme are listed until assigned ----------------------------------------------------


def unassigned_on_dashboard(client, code: str) -> str:
    html = client.get(reverse("results:results_dashboard", args=[code])).content.decode()
    return re.search(r"<section[^>]*data-unassigned>(.*?)</section>", html, re.S).group(1)


def held_workshops(programme: Programme) -> Decimal:
    with reading(programme_scope(programme)):
        return registry.evaluate(
            "events.held", D(2016, 1, 1), D(2016, 12, 31), kinds=["in_country_workshop", "regional_workshop"]
        )


def test_an_event_serving_no_programme_is_listed_and_counts_for_none_until_assigned(client, staff, seed, other):
    assign_every_countable_record(other)  # what the reference data holds serves GLACY+ here: the list starts empty
    client.force_login(staff)
    before = (held_workshops(seed), held_workshops(other))
    assert "data-unassigned-kind" not in unassigned_on_dashboard(client, SEED)

    [event] = unassigned_workshops(staff, 1)

    listed = unassigned_on_dashboard(client, SEED)
    group = re.search(r'data-unassigned-kind="events.event">(.*?)</li>\s*</ul>', listed, re.S).group(1)
    assert "Events: 1" in group
    assert (
        f'href="{reverse("events:event_programmes", args=[event.slug])}"' in group and "Unassigned workshop 0" in group
    )
    assert (held_workshops(seed), held_workshops(other)) == before

    services.assign_programmes(event, [(seed, 100, None)], user=staff)

    assert "Unassigned workshop 0" not in unassigned_on_dashboard(client, SEED)
    assert (held_workshops(seed), held_workshops(other)) == (before[0] + 1, before[1])


# --- (g) what an assignment refuses --------------------------------------------------------------------------------


def assignment_state(record) -> tuple:
    shares = [(a.programme.code, a.share, a.activity.code if a.activity else None) for a in assignments_of(record)]
    return shares, AuditEntry.objects.about(record).filter(action="results.assignment.set").count()


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        (
            lambda seed, other, activity: [(seed, 60, None), (other, 30, None)],
            "The shares of the cost sum to 90 %; they must sum to 100 %.",
        ),
        (
            lambda seed, other, activity: [(seed, 0, None), (other, 100, None)],
            "A share is more than 0 and at most 100 %.",
        ),
        (
            lambda seed, other, activity: [(seed, 100, activity)],
            "Activity A3.1 is not part of Cybercrime@Octopus.",
        ),
    ],
    ids=["not-100", "zero", "activity-of-another-programme"],
)
def test_an_assignment_that_cannot_stand_is_refused_and_changes_nothing(staff, seed, other, shares, message):
    [event] = unassigned_workshops(staff, 1)
    services.assign_programmes(event, [(seed, 100, ResultNode.objects.get(programme=seed, code="A3.1"))], user=staff)
    before = assignment_state(event)
    activity = ResultNode.objects.get(programme=other, code="A3.1")

    with pytest.raises(DomainError) as refused:
        services.assign_programmes(event, shares(seed, other, activity), user=staff)

    assert str(refused.value) == message
    assert assignment_state(event) == before == ([(SEED, Decimal(100), "A3.1")], 1)


def test_a_sample_record_is_refused_on_a_real_programme(staff, seed):
    [event] = unassigned_workshops(staff, 1, is_sample=True)
    before = assignment_state(event)

    with pytest.raises(DomainError) as refused:
        services.assign_programmes(event, [(seed, 100, None)], user=staff)

    assert str(refused.value) == (
        "Sample records serve only sample programmes, and real records only real ones (Cybercrime@Octopus)."
    )
    assert assignment_state(event) == before and before[0] == []


# --- (h) assumptions reviewed over time ----------------------------------------------------------------------------


@pytest.fixture
def conferences_mobilise(seed) -> Assumption:
    return Assumption.objects.get(node__programme=seed, node__code="1")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"note": "  "}, "Say what shows it: the events, decisions or sources behind the finding."),
        ({"on": "tomorrow"}, "A finding cannot be dated in the future."),
        ({"status": "perhaps"}, "Choose a status."),
    ],
)
def test_a_finding_without_its_grounds_or_dated_in_the_future_is_refused(staff, conferences_mobilise, fields, message):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    review = {"on": D(2016, 11, 18), "status": AssumptionStatus.HOLDS, "note": "300 experts from 90 countries."}
    review |= {k: (tomorrow if v == "tomorrow" else v) for k, v in fields.items()}

    with pytest.raises(DomainError) as refused:
        services.review_assumption(conferences_mobilise, user=staff, **review)

    assert str(refused.value) == message
    assert not AssumptionReview.objects.exists()


def test_an_assumption_is_written_or_refused(staff, seed):
    node = ResultNode.objects.get(programme=seed, code="3")

    with pytest.raises(DomainError) as refused:
        services.add_assumption(node, text="  ", user=staff)
    added = services.add_assumption(node, text="Countries request advice", order=1, user=staff)

    assert str(refused.value) == "Write the assumption."
    assert [a.text for a in Assumption.objects.filter(node=node)] == [
        "States make use of advice and other support to join the Budapest Convention",
        "Countries request advice",
    ]
    assert added.introduced_in == services.latest_version(seed)


def test_the_status_on_a_day_is_the_latest_finding_not_after_it(client, staff, conferences_mobilise):
    for on, status, note in [
        (D(2016, 11, 18), AssumptionStatus.HOLDS, "300 experts from 90 countries at Octopus 2016."),
        (D(2018, 7, 13), AssumptionStatus.PARTLY, "Fewer new Parties than hoped after Octopus 2018."),
        (D(2018, 7, 13), AssumptionStatus.HOLDS, "Corrected the same day: three accessions followed."),
        (D(2019, 11, 22), AssumptionStatus.DOES_NOT_HOLD, "No accession followed Octopus 2019."),
    ]:
        services.review_assumption(conferences_mobilise, on=on, status=status, note=note, user=staff)
    client.force_login(staff)

    def status_on(day: str) -> str:
        html = client.get(reverse("results:results_logframe", args=[SEED]), {"at": day}).content.decode()
        found = re.search(
            r"data-assumption>[^<]*<strong>[^<]*</strong>\s*Octopus conferences mobilise.*?"
            r'data-assumption-status="([^"]+)"',
            html,
            re.S,
        )
        return found.group(1)

    assert [status_on(day) for day in ("2016-11-17", "2016-11-18", "2018-07-12", "2018-07-13", "2019-12-31")] == [
        "not_assessed",
        "holds",
        "holds",
        "holds",  # of two findings on one day, the one recorded last
        "does_not_hold",
    ]
    assert AssumptionReview.objects.filter(assumption=conferences_mobilise).count() == 4  # earlier findings stay


# --- drill-down: every record behind a number opens its own page, and a date known to the year says so -----------


def test_the_conferences_behind_output_1_1_link_to_their_pages_and_2015_says_only_its_year_is_known(
    client, staff, seed
):
    indicator = Indicator.objects.get(node__programme=seed, code="1.1")
    client.force_login(staff)

    whole = client.get(reverse("results:results_records", args=[SEED, indicator.pk]) + "?at=2019-12-31&period=life")

    links = re.findall(r'<a href="(/workspace/events/[^"]+/)">', whole.content.decode())
    assert len(links) == 4  # 2015, 2016, 2018, 2019
    assert all(client.get(link).status_code == 200 for link in links)
    assert "data-precision" not in whole.content.decode()  # a year known lies wholly within the life
    # In a period finer than what is known (a semester of 2015), the record still counts and says so.
    conference = Event.objects.get(kind="octopus_conference", starts_on__year=2015)
    line = record_line(seed, conference, D(2015, 1, 1), D(2015, 6, 30))
    assert (line["url"], line["note"]) == (
        reverse("events:event", args=[conference.slug]),
        "2015: year known, month not",
    )
