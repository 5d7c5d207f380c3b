"""The results framework over the JSON API: values at a date and for a period, the logframe in force, what each
role may read (donors their programmes, focal points their country), and snapshots frozen through the API."""

import datetime
from decimal import Decimal

import pytest

from octopus.accounts.models import AuditEntry, Membership, Role, User
from octopus.api import SAMPLE_HEADER
from octopus.lib.metrics import registry
from octopus.results import services
from octopus.results.models import Programme, ProgrammeFunder, Snapshot
from octopus.testing.helpers import assert_problem, bearer_for, make_user

SEED = "cybercrime-octopus"
BASE = f"/api/v1/programmes/{SEED}"
START, END = datetime.date(2014, 1, 1), datetime.date(2019, 12, 31)
# Seed indicators whose metric comes with a later release, and which have a target: they await their data.
AWAITING_WITH_TARGET: set[str] = set()  # the indicators awaiting their metric (O.3, O.4) have no target


def member(role: Role, *, email: str, country_code: str = "", donor_code: str = "") -> User:
    user = User.objects.create_user(email=email, password="a-long-test-password")
    Membership.objects.create(user=user, role=role, country_code=country_code, donor_code=donor_code)
    return user


@pytest.fixture
def staff(staff_user) -> dict:
    return bearer_for(staff_user)


def values(client, headers, **query) -> dict:
    response = client.get(f"{BASE}/values", query, **headers)
    assert response.status_code == 200, response.content
    return {row["indicator"]: row for row in response.json()["indicators"]}


def sample_programme(user) -> Programme:
    return services.create_programme(
        code="sample-programme",
        title="Sample programme",
        starts_on=START,
        ends_on=END,
        budget_ceiling=Decimal(1000),
        implementing_office="Sample office",
        user=user,
        is_sample=True,
    )


# Values.


def test_values_to_date_read_the_metric_and_awaiting_indicators_are_null(client, staff):
    rows = values(client, staff, at="2019-12-31", period="life")

    expected = registry.evaluate("treaties.parties_and_invited", START, END, treaty=185)
    o1 = rows["O.1"]
    assert (o1["source"], o1["period"], o1["value"], o1["target"], o1["status"]) == (
        "metric",
        "life",
        str(expected),
        None,
        "no_target",
    )
    awaiting = {code: row for code, row in rows.items() if row["source"] == "awaiting"}
    assert set(awaiting) >= AWAITING_WITH_TARGET
    with_target = {code: (row["value"], row["status"]) for code, row in awaiting.items() if row["target"]}
    assert with_target == dict.fromkeys(AWAITING_WITH_TARGET, (None, "awaiting"))
    without_target = {code: (row["value"], row["status"]) for code, row in awaiting.items() if not row["target"]}
    assert set(without_target.values()) <= {(None, "no_target")}  # no seed indicator awaits a data source now
    assert rows["1.1"]["target"] == {"comparator": "eq", "value": "4.00", "upper": None}


def test_values_of_a_year(client, staff):
    response = client.get(f"{BASE}/values", {"at": "2019-12-31", "period": "2016"}, **staff)

    assert response.status_code == 200
    body = response.json()
    assert (body["period"], body["start"], body["end"], body["logframe_version"]) == (
        "2016",
        "2016-01-01",
        "2016-12-31",
        1,
    )
    o1 = next(row for row in body["indicators"] if row["indicator"] == "O.1")
    expected = registry.evaluate(
        "treaties.parties_and_invited", datetime.date(2016, 1, 1), datetime.date(2016, 12, 31), treaty=185
    )
    assert (o1["period"], o1["value"]) == ("2016", str(expected))


def test_values_at_a_date_count_only_what_was_recorded_by_then(client, staff):
    rows = values(client, staff, at="2015-06-30")

    expected = registry.evaluate("treaties.parties_and_invited", START, datetime.date(2015, 6, 30), treaty=185)
    assert rows["O.1"]["value"] == str(expected)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        # Read today, the Cybil revision (version 2, to 2020-12-31) is in force: the programme ends with it.
        ({"period": "2030"}, "period", "2030 is outside the programme (2014-01-01 – 2020-12-31)."),
        ({"period": "junk"}, "period", "“junk” is not a period: use life, a year (2016) or a semester (2016-S1)."),
        ({"at": "junk"}, "at", None),
        ({"at": "2019-02-30"}, "at", None),
    ],
)
def test_a_bad_period_or_date_is_a_422_naming_it(client, staff, query, field, message):
    response = client.get(f"{BASE}/values", query, **staff)

    body = assert_problem(response, 422)
    assert [error["field"] for error in body["errors"]] == [field]
    if message:
        assert body["errors"][0]["message"] == message


# Who sees what.


def o1_breakdown(client, headers) -> dict:
    return values(client, headers, at="2019-12-31")["O.1"]["breakdown"]


def test_staff_see_every_country_in_a_breakdown(client, staff):
    breakdown = o1_breakdown(client, staff)

    expected = registry.breakdown("treaties.parties_and_invited", "country", START, END, treaty=185)
    assert breakdown == {iso2: str(value) for iso2, value in expected.items()}
    assert len(breakdown) > 1


def test_a_focal_point_sees_only_their_country_in_a_breakdown(client, db):
    focal_point = member(Role.FOCAL_POINT, email="focal-al@example.org", country_code="AL")

    breakdown = o1_breakdown(client, bearer_for(focal_point))

    assert breakdown == {"AL": "1"}


def test_a_donor_sees_the_programme_its_code_funds(client, db):
    programme = Programme.objects.get(code=SEED)
    ProgrammeFunder.objects.create(programme=programme, donor_code="DONOR-A", name="Donor A")
    headers = bearer_for(member(Role.DONOR, email="donor-a@example.org", donor_code="DONOR-A"))

    listed = client.get("/api/v1/programmes", **headers)
    one = client.get(BASE, **headers)

    assert listed.status_code == 200
    assert [p["code"] for p in listed.json()["items"]] == [SEED]
    assert (one.status_code, one.json()["code"]) == (200, SEED)
    assert client.get(f"{BASE}/values", **headers).status_code == 200


@pytest.mark.parametrize(
    "path", ["", "/logframe", "/indicators", "/indicators/O.1", "/targets", "/values", "/snapshots"]
)
def test_a_donor_not_funding_a_programme_gets_404_for_it(client, db, path):
    ProgrammeFunder.objects.create(programme=Programme.objects.get(code=SEED), donor_code="DONOR-A", name="Donor A")
    headers = bearer_for(member(Role.DONOR, email="donor-b@example.org", donor_code="DONOR-B"))

    response = client.get(BASE + path, **headers)

    body = assert_problem(response, 404)
    assert body["detail"] == f"No programme “{SEED}”."


def test_the_programme_list_loads_in_a_fixed_number_of_queries(client, db, django_assert_num_queries):
    donor = member(Role.DONOR, email="donor-a@example.org", donor_code="DONOR-A")
    programmes = [Programme.objects.get(code=SEED)] + [
        services.create_programme(
            code=f"programme-{n}",
            title=f"Programme {n}",
            starts_on=datetime.date(2020, 1, 1),
            ends_on=datetime.date(2022, 12, 31),
            budget_ceiling="100000.00",
            implementing_office="Test office",
            user=donor,
        )
        for n in (1, 2)
    ]
    for programme in programmes:
        ProgrammeFunder.objects.create(programme=programme, donor_code="DONOR-A", name="Donor A")
    headers = bearer_for(donor)

    # The token, its last use, the memberships, the count, the page.
    with django_assert_num_queries(5):
        response = client.get("/api/v1/programmes", **headers)

    assert [p["code"] for p in response.json()["items"]] == [SEED, "programme-1", "programme-2"]


def test_values_load_in_a_fixed_number_of_queries(client, staff, staff_user, django_assert_num_queries):
    # Content types are cached per process once read (the programme scope names them): a first reading, through a
    # session so that the token's first use is still counted below, keeps the count from depending on test order.
    client.force_login(staff_user)
    assert client.get(f"{BASE}/values", {"at": "2019-12-31"}).status_code == 200
    client.logout()
    # Token (with its last use), memberships, programme, then programme_results (versions, nodes, indicators, targets,
    # manual values), the O.1 metric over its periods (treaty and its acts), O.2 (the profile's reviewed assessments
    # and articles), the country statistics once for O.3 and O.4, the events read once, the attendance of the
    # conferences, the days of the conferences for 1.5 (new: the longest interval between conferences), the
    # attendance of the T-CY meetings, the committee's adoptions once for 2.3 and 2.4, the advice once for 3.3; then
    # the breakdowns by country: O.1 (treaty, acts, countries), O.2 (articles, countries, assessments), O.3 and O.4
    # (statistics, once), one each for 1.2, 2.1, 3.1 and 3.2, and the advice for 3.3: the 31 of before and 1.5.
    # Then the official counterparts of O.1 (its metric has an `official` hook): the Treaty Office's published counts
    # within the programme's dates and the names of the States that may explain a difference (2). 34 in all.
    with django_assert_num_queries(34):
        response = client.get(f"{BASE}/values", {"at": "2019-12-31"}, **staff)

    assert response.status_code == 200


def test_a_donor_not_funding_any_programme_lists_none(client, db):
    headers = bearer_for(member(Role.DONOR, email="donor-b@example.org", donor_code="DONOR-B"))

    response = client.get("/api/v1/programmes", **headers)

    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


def test_reading_needs_a_user_with_a_role(client, db):
    anonymous = client.get(BASE)
    no_role = client.get(BASE, **bearer_for(make_user("no_role")))

    assert_problem(anonymous, 401)
    assert_problem(no_role, 403)


def test_a_signed_in_session_reads_too(client, staff_user):
    client.force_login(staff_user)

    response = client.get(BASE)

    assert (response.status_code, response.json()["code"]) == (200, SEED)


# The logframe, indicators and targets.


def test_a_sample_programme_says_so_in_the_body_and_a_header(client, staff, staff_user):
    real = client.get("/api/v1/programmes", **staff)
    sample_programme(staff_user)

    both = client.get("/api/v1/programmes", **staff)

    assert SEED in {p["code"] for p in real.json()["items"]}
    assert ([p["code"] for p in real.json()["items"] if p["is_sample"]], SAMPLE_HEADER in real.headers) == ([], False)
    assert [p["code"] for p in both.json()["items"] if p["is_sample"]] == ["sample-programme"]
    assert both.headers[SAMPLE_HEADER] == "true"


def test_the_figures_of_a_sample_programme_say_so_and_a_real_ones_do_not(client, staff, staff_user):
    sample_programme(staff_user)
    sample = "/api/v1/programmes/sample-programme"

    real_values = client.get(f"{BASE}/values", **staff)
    real_logframe = client.get(f"{BASE}/logframe", **staff)
    sample_values = client.get(f"{sample}/values", **staff)
    sample_logframe = client.get(f"{sample}/logframe", **staff)
    frozen = client.post(
        f"{sample}/snapshots",
        {"title": "Sample report", "as_of": "2016-12-31"},
        content_type="application/json",
        **staff,
    )
    listed = client.get(f"{sample}/snapshots", **staff)

    assert [(r.json()["sample"], SAMPLE_HEADER in r.headers) for r in (real_values, real_logframe)] == [
        (False, False),
        (False, False),
    ]
    assert [(r.json()["sample"], r.headers[SAMPLE_HEADER]) for r in (sample_values, sample_logframe, frozen)] == [
        (True, "true"),
        (True, "true"),
        (True, "true"),
    ]
    assert ([s["sample"] for s in listed.json()["items"]], listed.headers[SAMPLE_HEADER]) == ([True], "true")


def test_the_logframe_in_force_at_a_date_is_a_tree_with_indicator_codes(client, staff):
    response = client.get(f"{BASE}/logframe", {"at": "2016-06-30"}, **staff)

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == {
        "number": 1,
        "valid_from": "2014-01-01",
        "ends_on": "2019-12-31",
        "decision": "Original project document.",
    }
    # The seed has two versions: the project document's, and the revision known from the Cybil record (2020).
    assert [v["number"] for v in body["versions"]] == [1, 2]
    [objective] = body["nodes"]
    assert (objective["code"], objective["level"], objective["indicators"]) == (
        "O",
        "objective",
        ["O.1", "O.2", "O.3", "O.4"],
    )
    assert [(o["code"], o["level"]) for o in objective["children"]] == [
        ("1", "output"),
        ("2", "output"),
        ("3", "output"),
    ]
    assert {a["level"] for o in objective["children"] for a in o["children"]} == {"activity"}


def test_a_revision_is_in_force_from_its_date(client, staff, staff_user):
    # The seed's own revision (version 2, from the Cybil record) is in force from 1 January 2020; a later one made
    # by staff from its own date.
    programme = Programme.objects.get(code=SEED)
    services.revise_logframe(
        programme,
        valid_from=datetime.date(2020, 7, 1),
        decision="Steering committee (API test)",
        user=staff_user,
    )

    def version_on(day: str) -> dict:
        return client.get(f"{BASE}/logframe", {"at": day}, **staff).json()

    assert [version_on(day)["version"]["number"] for day in ("2019-12-31", "2020-01-01", "2020-06-30")] == [1, 2, 2]
    after = version_on("2020-07-01")
    assert (after["version"]["number"], after["version"]["ends_on"]) == (3, "2020-12-31")
    assert version_on("2020-01-01")["version"]["ends_on"] == "2020-12-31"
    assert [v["number"] for v in after["versions"]] == [1, 2, 3]


def test_one_indicator_gives_its_whole_definition(client, staff):
    response = client.get(f"{BASE}/indicators/O.1", **staff)

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("code", "node", "measure", "accumulation", "frequency", "disaggregations")} == {
        "code": "O.1",
        "node": "O",
        "measure": "count",
        "accumulation": "latest",
        "frequency": "year",
        "disaggregations": ["country", "region"],
    }
    assert (body["metric_key"], body["metric_params"], body["manual"], body["source"]) == (
        "treaties.parties_and_invited",
        {"treaty": 185},
        False,
        "metric",
    )
    assert body["baseline"] == {"value": None, "on": None, "note": ""}


def test_unknown_indicator_is_a_404(client, staff):
    assert_problem(client.get(f"{BASE}/indicators/Z.9", **staff), 404)


def test_the_targets_of_the_version_in_force(client, staff):
    response = client.get(f"{BASE}/targets", {"at": "2019-12-31"}, **staff)

    assert response.status_code == 200
    assert [(t["indicator"], t["period"], t["comparator"], t["value"], t["upper"]) for t in response.json()] == [
        ("1.1", "life", "eq", "4.00", None),
        ("1.5", "life", "le", "18.00", None),  # at most 18 months between conferences
        ("3.1", "life", "le", "25.00", None),
        ("3.2", "life", "le", "70.00", None),
        ("3.3", "life", "ge", "20.00", None),
    ]


# Snapshots.


def test_programme_staff_freeze_a_snapshot_that_verifies(client, staff_user):
    headers = bearer_for(staff_user)

    response = client.post(
        f"{BASE}/snapshots",
        {"title": "Progress report 2019 (API test)", "as_of": "2019-12-31"},
        content_type="application/json",
        **headers,
    )

    assert response.status_code == 201
    frozen = Snapshot.objects.get(pk=response.json()["id"])
    assert (frozen.title, frozen.as_of, frozen.frozen_by) == (
        "Progress report 2019 (API test)",
        datetime.date(2019, 12, 31),
        staff_user,
    )
    entry = AuditEntry.objects.order_by("-id").first()
    assert (entry.action, entry.object_id, entry.user) == ("results.snapshot.frozen", str(frozen.pk), staff_user)
    shown = client.get(f"{BASE}/snapshots/{frozen.pk}", **headers).json()
    assert (shown["verifies"], shown["digest"], shown["data"]) == (True, frozen.digest, frozen.data)
    assert shown["data"]["indicators"]["O.1"]["to_date"]["actual"] == str(
        registry.evaluate("treaties.parties_and_invited", START, END, treaty=185)
    )
    listed = client.get(f"{BASE}/snapshots", **headers).json()
    assert [s["id"] for s in listed["items"]] == [frozen.pk]


def test_a_tampered_snapshot_does_not_verify(client, staff_user):
    frozen = services.freeze_snapshot(
        Programme.objects.get(code=SEED), title="Report", as_of=datetime.date(2016, 12, 31), user=staff_user
    )
    Snapshot.objects.filter(pk=frozen.pk).update(data={**frozen.data, "as_of": "2017-12-31"})

    response = client.get(f"{BASE}/snapshots/{frozen.pk}", **bearer_for(staff_user))

    assert response.json()["verifies"] is False


@pytest.mark.parametrize(
    ("body", "field", "detail"),
    [
        ({"title": "", "as_of": "2019-12-31"}, "title", None),
        ({"title": "Report", "as_of": "2013-12-31"}, None, "from the programme's start (2014-01-01) to today."),
    ],
)
def test_a_snapshot_refused_saves_nothing(client, staff, body, field, detail):
    snapshots, audit_entries = Snapshot.objects.count(), AuditEntry.objects.count()

    response = client.post(f"{BASE}/snapshots", body, content_type="application/json", **staff)

    problem = assert_problem(response, 422)
    if field:
        assert [error["field"] for error in problem["errors"]] == [field]
    else:
        assert problem["detail"].endswith(detail)
    assert (Snapshot.objects.count(), AuditEntry.objects.count()) == (snapshots, audit_entries)
