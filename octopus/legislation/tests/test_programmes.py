"""Legislative advice serves programmes: choosing its activity sets its programme, staff set several programmes with
shares on its page and over the API, and the legislation metrics read only what the reading counts (a programme's own
advice and workshops; no sample record in a real programme; a global measure narrowed to some countries)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from octopus.accounts.models import AuditEntry, Role
from octopus.countries.models import Country
from octopus.events.models import Event
from octopus.legislation.models import Advice
from octopus.legislation.services import advice as services
from octopus.legislation.services import profiles
from octopus.lib.errors import DomainError
from octopus.lib.metrics import Scope, reading, registry
from octopus.results import services as results_services
from octopus.results.assignments import assignments_of, programme_scope, unassigned
from octopus.results.models import Programme, ResultNode
from octopus.results.queries import programme_results
from octopus.testing.helpers import assert_problem, bearer_for, make_user
from octopus.treaties.models import Article

D = datetime.date
YEAR = (D(2017, 1, 1), D(2017, 12, 31))
MARCH_2017, END_2019 = D(2017, 3, 1), D(2019, 12, 31)


@pytest.fixture
def staff(db):
    return make_user(Role.PROGRAMME_STAFF)


@pytest.fixture
def octopus(db):
    return Programme.objects.get(code="cybercrime-octopus")


@pytest.fixture
def glacy(staff):
    programme = results_services.create_programme(
        code="glacy-plus",
        title="GLACY+",
        starts_on=D(2016, 3, 1),
        ends_on=D(2024, 2, 29),
        budget_ceiling=Decimal("18500000"),
        implementing_office="C-PROC",
        user=staff,
    )
    output = results_services.add_node(programme, level="output", code="3", title="Output", user=staff)
    results_services.add_node(programme, level="activity", code="A3.3", title="Advice", parent=output, user=staff)
    return programme


@pytest.fixture
def sample_programme(staff):
    programme = results_services.create_programme(
        code="sample-programme",
        title="Sample programme",
        starts_on=D(2014, 1, 1),
        ends_on=D(2023, 12, 31),
        budget_ceiling=Decimal("1000"),
        implementing_office="Sample office",
        user=staff,
        is_sample=True,
    )
    output = results_services.add_node(programme, level="output", code="2", title="Output", user=staff)
    results_services.add_node(
        programme, level="activity", code="A2.5", title="Sample legislative advice", parent=output, user=staff
    )
    return programme


def activity(programme: Programme, code: str) -> ResultNode:
    return ResultNode.objects.get(programme=programme, code=code)


def country(iso2: str) -> Country:
    return Country.objects.get(iso2=iso2)


def article(number: int) -> Article:
    return Article.objects.get(treaty__number=185, number=number)


def advise(staff, iso2="GE", *, starts_on=MARCH_2017, **fields) -> Advice:
    return services.record_advice(
        country(iso2),
        reviewed="Draft law",
        mode="desk_review",
        starts_on=starts_on,
        ends_on=starts_on,
        articles=[article(2)],
        user=staff,
        **fields,
    )


def values(programme: Programme, at=END_2019) -> dict:
    return {row.indicator.code: row.to_date.actual for row in programme_results(programme, at).indicators}


# --- advice serves programmes --------------------------------------------------------------------------------------


def test_choosing_the_activity_sets_the_programme(staff, octopus, glacy):
    advice = advise(staff, activity=activity(octopus, "A3.3"))

    assert [(a.programme.code, a.share, a.activity.code) for a in assignments_of(advice)] == [
        ("cybercrime-octopus", Decimal(100), "A3.3")
    ]

    services.update_advice(
        advice,
        user=staff,
        version=advice.version,
        reviewed="Draft law",
        mode="desk_review",
        starts_on=D(2017, 3, 1),
        ends_on=D(2017, 3, 1),
        articles=[article(2)],
        activity=activity(glacy, "A3.3"),
    )

    # It serves both now, at equal shares, and staff adjust them on its page.
    assert [(a.programme.code, a.share) for a in assignments_of(advice)] == [
        ("cybercrime-octopus", Decimal(50)),
        ("glacy-plus", Decimal(50)),
    ]


def test_advice_with_no_activity_serves_no_programme_and_is_listed_as_not_assigned(staff):
    advice = advise(staff)

    assert assignments_of(advice) == []
    assert list(unassigned(Advice.objects.all())) == [advice]


def test_sample_advice_cannot_serve_a_real_programme_and_nothing_is_recorded(staff, octopus):
    with pytest.raises(DomainError, match="Sample records serve only sample programmes"):
        advise(staff, activity=activity(octopus, "A3.3"), is_sample=True)

    assert not Advice.objects.exists()


def test_staff_set_several_programmes_with_shares_on_the_advice_page(client, staff, octopus, glacy):
    advice = advise(staff, activity=activity(octopus, "A3.3"))
    client.force_login(staff)
    url = reverse("legislation:advice_programmes", args=[advice.pk])
    data = {
        "programmes-TOTAL_FORMS": "2",
        "programmes-INITIAL_FORMS": "1",
        "programmes-0-programme": "cybercrime-octopus",
        "programmes-0-share": "60",
        "programmes-0-activity": activity(octopus, "A3.3").pk,
        "programmes-1-programme": "glacy-plus",
        "programmes-1-share": "40",
        "programmes-1-activity": "",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    assert [(a.programme.code, a.share) for a in assignments_of(advice)] == [
        ("cybercrime-octopus", Decimal(60)),
        ("glacy-plus", Decimal(40)),
    ]
    assert AuditEntry.objects.filter(action="results.assignment.set", user=staff).exists()
    page = client.get(reverse("legislation:advice_detail", args=[advice.pk])).content.decode()
    assert 'data-programme="glacy-plus"' in page and "60 %" in page and "40 %" in page


def test_a_refused_set_of_programmes_names_the_field_and_keeps_the_input(client, staff, octopus, glacy):
    advice = advise(staff, activity=activity(octopus, "A3.3"))
    client.force_login(staff)
    url = reverse("legislation:advice_programmes", args=[advice.pk])
    data = {
        "programmes-TOTAL_FORMS": "2",
        "programmes-INITIAL_FORMS": "1",
        "programmes-0-programme": "cybercrime-octopus",
        "programmes-0-share": "60",
        "programmes-0-activity": activity(glacy, "A3.3").pk,  # GLACY+'s activity under Cybercrime@Octopus
        "programmes-1-programme": "glacy-plus",
        "programmes-1-share": "30",
        "programmes-1-activity": "",
    }

    response = client.post(url, data)

    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field-error="programmes-0-activity"' in page and "is not part of Cybercrime@Octopus" in page
    assert 'name="programmes-1-share" value="30"' in page  # what was typed is kept
    data["programmes-0-activity"] = ""
    page = client.post(url, data).content.decode()
    assert 'data-field-error="programmes-1-share"' in page and "sum to 90 %" in page
    assert [(a.programme.code, a.share) for a in assignments_of(advice)] == [("cybercrime-octopus", Decimal(100))]


def test_the_api_shows_and_sets_the_programmes_served(client, staff, octopus, glacy):
    advice = advise(staff, activity=activity(octopus, "A3.3"))
    headers = bearer_for(staff)
    url = f"/api/v1/legislation/advice/{advice.pk}"

    shown = client.get(url, **headers).json()
    assert shown["programmes"] == [{"programme": "cybercrime-octopus", "share": "100.00", "activity": "A3.3"}]

    glacy_advice = activity(glacy, "A3.3").code
    body = {
        "programmes": [
            {"programme": "cybercrime-octopus", "share": 70, "activity": None},
            {"programme": "glacy-plus", "share": 30, "activity": glacy_advice},
        ]
    }
    changed = client.put(f"{url}/programmes", body, content_type="application/json", **headers)

    assert changed.status_code == 200, changed.content
    assert [(row["programme"], Decimal(row["share"])) for row in changed.json()["programmes"]] == [
        ("cybercrime-octopus", Decimal(70)),
        ("glacy-plus", Decimal(30)),
    ]
    assert changed.json()["activity"] == activity(glacy, "A3.3").pk  # the advice names an activity it serves

    refused = client.put(
        f"{url}/programmes",
        {"programmes": [{"programme": "glacy-plus", "share": 50}]},
        content_type="application/json",
        **headers,
    )
    problem = assert_problem(refused, 422)
    assert "sum to 50 %" in str(problem) and "programmes.0.share" in str(problem)
    reader = make_user(Role.FINANCE_OFFICER)
    assert_problem(client.put(f"{url}/programmes", body, content_type="application/json", **bearer_for(reader)), 403)
    assert [(a.programme.code, a.share) for a in assignments_of(advice)] == [
        ("cybercrime-octopus", Decimal(70)),
        ("glacy-plus", Decimal(30)),
    ]


# --- metrics read the programme's own records --------------------------------------------------------------------


def test_advice_of_another_programme_changes_none_of_octopus_values(staff, octopus, glacy):
    before = values(octopus)

    advise(staff, "GE", activity=activity(glacy, "A3.3"))
    advise(staff, "AM")  # serving no programme: counts for none

    assert values(octopus) == before
    assert values(octopus)["3.3"] in (0, None)
    with reading(programme_scope(glacy)):
        assert registry.evaluate("legislation.countries_advised", *YEAR) == 1
        assert [c.iso2 for c in registry.records("legislation.countries_advised", *YEAR)] == ["GE"]


def test_sample_assessments_never_move_o2_of_the_real_programme(staff, octopus):
    for number, level in ((2, "in_place"), (3, "not_in_place")):
        profiles.record_assessment(
            country("GE"),
            article(number),
            level=level,
            source="desk_review",
            assessed_on=D(2016, 1, 1),
            reviewed=True,
            user=staff,
            is_sample=True,
        )

    assert values(octopus)["O.2"] is None  # "not recorded": only sample records exist
    with reading(Scope(sample=True)):
        assert registry.evaluate("legislation.share_in_place", *YEAR) == 50.0

    profiles.record_assessment(
        country("AM"),
        article(2),
        level="in_place",
        source="desk_review",
        assessed_on=D(2016, 1, 1),
        reviewed=True,
        user=staff,
    )

    assert values(octopus)["O.2"] == 100  # the real assessment only


def test_the_share_in_place_narrowed_to_some_countries_counts_only_theirs(staff):
    for iso2, level in (("GE", "in_place"), ("AM", "not_in_place"), ("MD", "not_in_place")):
        profiles.record_assessment(
            country(iso2),
            article(2),
            level=level,
            source="desk_review",
            assessed_on=D(2016, 1, 1),
            reviewed=True,
            user=staff,
        )
    ge_am = frozenset({country("GE").pk, country("AM").pk})

    assert registry.evaluate("legislation.share_in_place", *YEAR) == 33.3
    with reading(Scope(countries=ge_am, sample=False)):
        assert registry.evaluate("legislation.share_in_place", *YEAR) == 50.0
        records = registry.records("legislation.share_in_place", *YEAR)
        assert sorted(a.country.iso2 for a in records) == ["AM", "GE"]
    assert registry.get("legislation.share_in_place").reach == "global"
    assert registry.get("legislation.countries_advised").reach == "programme"


def test_statistics_of_sample_records_and_other_countries_do_not_count(staff):
    from octopus.legislation.services.statistics import record_figures

    record_figures(country("GE"), 2017, {"cases_prosecuted": 10}, source="published", citation="R", user=staff)
    record_figures(
        country("AM"), 2017, {"cases_prosecuted": 5}, source="published", citation="R", user=staff, is_sample=True
    )

    with reading(Scope(sample=False)):
        assert registry.evaluate("legislation.cases_prosecuted", *YEAR) == 10
    with reading(Scope(sample=True, countries=frozenset({country("AM").pk}))):
        assert registry.evaluate("legislation.cases_prosecuted", *YEAR) == 5
        assert [s.country.iso2 for s in registry.records("legislation.cases_prosecuted", *YEAR)] == ["AM"]


def workshop(staff, programme, slug, *, country_code=None, hosts=(), kind="in_country_workshop", status="held"):
    event = Event.objects.create(
        title=slug,
        slug=slug,
        kind=kind,
        status=status,
        starts_on=D(2017, 5, 2),
        ends_on=D(2017, 5, 3),
        country=country(country_code) if country_code else None,
    )
    event.host_countries.set([country(iso2) for iso2 in hosts])
    if programme is not None:
        results_services.assign_programmes(event, [(programme, Decimal(100), None)], user=staff)
    return event


def test_countries_assisted_are_those_advised_or_hosting_a_workshop_of_the_programme(staff, octopus, glacy):
    advise(staff, "GE", activity=activity(octopus, "A3.3"))
    workshop(staff, octopus, "ws-md", country_code="MD")
    workshop(staff, octopus, "ws-regional", country_code="FR", hosts=("AM", "AZ"), kind="regional_workshop")
    workshop(staff, octopus, "ws-planned", country_code="UA", status="planned")  # not held
    workshop(staff, glacy, "ws-glacy", country_code="PH")  # another programme's
    workshop(staff, None, "ws-none", country_code="SN")  # no programme's

    with reading(programme_scope(octopus)):
        assisted = [c.iso2 for c in registry.records("legislation.countries_assisted", *YEAR)]
        value = registry.evaluate("legislation.countries_assisted", *YEAR)
        earlier = registry.evaluate("legislation.countries_assisted", D(2016, 1, 1), D(2016, 12, 31))

    assert sorted(assisted) == ["AM", "AZ", "GE", "MD"] and value == 4  # the hosts, not the venue (FR)
    assert earlier == 0
