"""Legislation over /api/v1/legislation: the public matrix, profiles and article pages (reviewed statements only,
the matrix in a fixed number of queries), keeping profiles (a focal point's own country, as drafts staff review),
advice and statistics — and bad input as RFC 9457 problems with nothing saved."""

import datetime

import pytest
from django.utils import timezone

from octopus.accounts.models import AuditEntry, Role
from octopus.api import SAMPLE_HEADER
from octopus.countries.models import Country
from octopus.legislation.models import Advice, Assessment, Law, Statistic
from octopus.legislation.queries import share_in_place
from octopus.legislation.services import advice as advice_services
from octopus.legislation.services import profiles as services
from octopus.legislation.services import statistics as statistics_services
from octopus.people.models import Person
from octopus.testing.factories import UserFactory
from octopus.testing.helpers import assert_problem, bearer_for, make_user
from octopus.treaties.models import Article

D = datetime.date
BASE = "/api/v1/legislation"
TODAY = timezone.localdate


@pytest.fixture
def staff(db):
    return make_user(Role.PROGRAMME_STAFF)


@pytest.fixture
def focal(db):
    return make_user(Role.FOCAL_POINT)  # Georgia


@pytest.fixture
def focal_am(db):
    return UserFactory(email="focal-am@example.org", role=Role.FOCAL_POINT, country_code="AM")


@pytest.fixture
def donor(db):
    return make_user(Role.DONOR)


def country(iso2: str) -> Country:
    return Country.objects.get(iso2=iso2)


def article(number: int) -> Article:
    return Article.objects.get(treaty__number=185, number=number)


def assess(user, iso2, number, level, day, **fields):
    fields = {"source": "desk_review", "reviewed": True, **fields}
    return services.record_assessment(country(iso2), article(number), level=level, assessed_on=day, user=user, **fields)


def post(client, path, body, user):
    return client.post(BASE + path, body, content_type="application/json", **bearer_for(user))


def put(client, path, body, user):
    return client.put(BASE + path, body, content_type="application/json", **bearer_for(user))


def get(client, path, user=None, **params):
    return client.get(BASE + path, params, **bearer_for(user))


def test_the_openapi_document_lists_the_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    for path in [
        "/compliance",
        "/profiles/{iso2}",
        "/articles/{number}",
        "/assessments",
        "/assessments/{assessment_id}/review",
        "/laws",
        "/laws/{law_id}",
        "/laws/{law_id}/review",
        "/advice",
        "/advice/{advice_id}",
        "/advice/{advice_id}/recommendations",
        "/recommendations/{recommendation_id}/take-up",
        "/statistics",
    ]:
        assert f"/api/v1/legislation{path}" in paths, path
    assert set(paths[f"{BASE}/laws/{{law_id}}"]) == {"put"}
    assert "409" in paths[f"{BASE}/assessments/{{assessment_id}}/review"]["post"]["responses"]


# --- public reads --------------------------------------------------------------------------------------------------


def test_the_compliance_matrix_on_a_day_shows_reviewed_levels_only(client, staff, focal):
    assess(staff, "GE", 6, "not_in_place", D(2015, 3, 1))
    assess(staff, "GE", 6, "in_place", D(2016, 6, 30))
    assess(staff, "GE", 16, "partially", D(2016, 1, 1))
    assess(focal, "GE", 2, "in_place", D(2016, 1, 1), source="self_report", reviewed=False)  # a draft: not shown

    now = client.get(f"{BASE}/compliance").json()
    before = client.get(f"{BASE}/compliance", {"at": "2016-06-29"}).json()

    assert now["at"] == TODAY().isoformat()
    assert [a["number"] for a in now["articles"]] == [*range(1, 23), *range(24, 36), 42]
    assert now["articles"][5] == {"number": 6, "title": article(6).title, "group": "substantive"}
    assert now["articles"][0]["group"] is None  # definitions belong to no group
    georgia = next(row for row in now["countries"] if row["iso2"] == "GE")
    assert (georgia["name"], georgia["levels"]["6"], georgia["levels"]["16"]) == ("Georgia", "in_place", "partially")
    assert georgia["levels"]["2"] == "not_assessed"
    assert georgia["share_in_place"] == 50.0 == share_in_place(TODAY(), country=country("GE")).percent
    assert len(now["countries"]) == Country.objects.count()
    assert next(r for r in now["countries"] if r["iso2"] == "AM")["share_in_place"] is None
    assert next(r for r in before["countries"] if r["iso2"] == "GE")["levels"]["6"] == "not_in_place"


def test_the_matrix_by_group_and_region_and_its_refusals(client, staff):
    assess(staff, "GE", 6, "in_place", D(2016, 1, 1))
    assess(staff, "GE", 29, "not_in_place", D(2016, 1, 1))
    region = country("GE").region

    procedural = client.get(f"{BASE}/compliance", {"group": "international", "region": region}).json()
    bad_group = client.get(f"{BASE}/compliance", {"group": "civil"})
    bad_region = client.get(f"{BASE}/compliance", {"region": "Atlantis"})
    bad_day = client.get(f"{BASE}/compliance", {"at": "2016-02-30"})

    assert {a["group"] for a in procedural["articles"]} == {"international"}
    assert {r["iso2"] for r in procedural["countries"]} == set(
        Country.objects.filter(region=region).values_list("iso2", flat=True)
    )
    georgia = next(r for r in procedural["countries"] if r["iso2"] == "GE")
    assert (georgia["levels"]["29"], georgia["share_in_place"], "6" in georgia["levels"]) == ("not_in_place", 0, False)
    assert assert_problem(bad_group, 422)["errors"][0]["field"] == "group"
    assert assert_problem(bad_region, 422)["errors"] == [
        {"field": "region", "message": "No country is in the region “Atlantis”."}
    ]
    assert assert_problem(bad_day, 422)["errors"][0]["field"] == "at"


def test_the_matrix_takes_a_fixed_number_of_queries_whatever_its_size(client, staff, django_assert_num_queries):
    assess(staff, "GE", 6, "in_place", D(2016, 1, 1))
    with django_assert_num_queries(3):  # articles, countries, assessments in force (with their sample flag)
        small = client.get(f"{BASE}/compliance")

    for iso2 in ["AM", "AZ", "MD", "UA", "FR", "DE"]:
        for number in [2, 3, 4, 5, 16, 17, 29, 35]:
            assess(staff, iso2, number, "partially", D(2015, 1, 1))
            assess(staff, iso2, number, "in_place", D(2016, 1, 1))
    with django_assert_num_queries(3):
        large = client.get(f"{BASE}/compliance")

    assert small.status_code == large.status_code == 200
    assert next(r for r in large.json()["countries"] if r["iso2"] == "FR")["share_in_place"] == 100.0


def test_a_sample_statement_says_so_in_the_body_and_a_header(client, staff):
    assess(staff, "GE", 6, "in_place", D(2016, 1, 1))
    real = client.get(f"{BASE}/compliance", {"at": "2016-12-31"})
    assess(staff, "AM", 6, "partially", D(2016, 1, 1), is_sample=True)

    both = client.get(f"{BASE}/compliance", {"at": "2016-12-31"})
    real_profile, sample_profile = client.get(f"{BASE}/profiles/GE"), client.get(f"{BASE}/profiles/AM")

    assert ([r["iso2"] for r in real.json()["countries"] if r["sample"]], SAMPLE_HEADER in real.headers) == ([], False)
    assert ([r["iso2"] for r in both.json()["countries"] if r["sample"]], both.headers[SAMPLE_HEADER]) == (
        ["AM"],
        "true",
    )
    assert (real_profile.json()["sample"], SAMPLE_HEADER in real_profile.headers) == (False, False)
    assert (sample_profile.json()["sample"], sample_profile.json()["articles"][5]["is_sample"]) == (True, True)
    assert sample_profile.headers[SAMPLE_HEADER] == "true"


def test_a_countrys_profile_on_a_day_shows_reviewed_laws_and_statements(client, staff, focal):
    code = services.record_law(
        country("GE"), title="Criminal Code", year=1999, url="https://example.org/cc", reviewed=True, user=staff
    )
    services.record_law(country("GE"), title="Law on e-evidence", year=2015, reviewed=True, user=staff)
    services.record_law(country("GE"), title="Draft law", user=focal)  # a draft: not public
    assess(staff, "GE", 2, "partially", D(2010, 1, 1), provisions="Art. 284 CC", laws=[code], citation="T-CY 2010")
    assess(staff, "GE", 2, "in_place", D(2016, 1, 1), provisions="Art. 284 as amended", laws=[code])
    assess(focal, "GE", 3, "in_place", D(2016, 1, 1), source="self_report", reviewed=False)

    then = client.get(f"{BASE}/profiles/ge", {"at": "2012-12-31"}).json()
    now = client.get(f"{BASE}/profiles/GE").json()

    assert (then["iso2"], then["name"], then["at"], then["share_in_place"]) == ("GE", "Georgia", "2012-12-31", 0.0)
    assert then["laws"] == [
        {"id": code.pk, "title": "Criminal Code", "year": 1999, "url": "https://example.org/cc", "is_sample": False}
    ]
    assert then["articles"][1] == {
        "article": {"number": 2, "title": article(2).title, "group": "substantive"},
        "level": "partially",
        "source": "desk_review",
        "assessed_on": "2010-01-01",
        "provisions": "Art. 284 CC",
        "note": "",
        "citation": "T-CY 2010",
        "laws": [code.pk],
        "is_sample": False,
    }
    # Newest first, as on the page.
    assert [law["title"] for law in now["laws"]] == ["Law on e-evidence", "Criminal Code"]
    assert (now["articles"][1]["level"], now["articles"][1]["provisions"]) == ("in_place", "Art. 284 as amended")
    assert now["articles"][2] == {
        "article": {"number": 3, "title": article(3).title, "group": "substantive"},
        "level": "not_assessed",
        "source": None,
        "assessed_on": None,
        "provisions": "",
        "note": "",
        "citation": "",
        "laws": [],
        "is_sample": False,
    }
    assert now["share_in_place"] == 100.0
    assert assert_problem(client.get(f"{BASE}/profiles/XX"), 404)


def test_an_article_page_lists_the_countries_by_level(client, staff):
    assess(staff, "GE", 6, "in_place", D(2016, 1, 1))
    assess(staff, "AM", 6, "partially", D(2016, 1, 1), source="tcy_assessment")
    assess(staff, "AZ", 6, "in_place", D(2017, 1, 1))
    assess(staff, "AZ", 7, "not_in_place", D(2016, 1, 1))

    found = client.get(f"{BASE}/articles/6", {"at": "2016-12-31"}).json()
    outside = client.get(f"{BASE}/articles/23")

    assert found["article"]["number"] == 6 and found["at"] == "2016-12-31"
    assert found["countries"] == {
        "in_place": [
            {"iso2": "GE", "name": "Georgia", "source": "desk_review", "assessed_on": "2016-01-01", "is_sample": False}
        ],
        "partially": [
            {
                "iso2": "AM",
                "name": "Armenia",
                "source": "tcy_assessment",
                "assessed_on": "2016-01-01",
                "is_sample": False,
            }
        ],
        "not_in_place": [],
        "not_assessed": [],
    }
    assert assert_problem(outside, 404)["detail"].startswith("Article 23 of CETS 185 is not one a legislation profile")


# --- assessments ---------------------------------------------------------------------------------------------------


def statement(**change):
    return {
        "country": "GE",
        "article": 6,
        "level": "partially",
        "source": "self_report",
        "assessed_on": "2020-05-01",
        "provisions": "Art. 286 CC",
        **change,
    }


def test_a_focal_point_records_a_draft_for_its_own_country_only(client, focal, donor):
    created = post(client, "/assessments", statement(laws=[]), focal)
    other = post(client, "/assessments", statement(country="AM"), focal)
    self_reviewed = post(client, "/assessments", statement(reviewed=True), focal)
    anonymous = post(client, "/assessments", statement(), None)
    by_donor = post(client, "/assessments", statement(), donor)

    saved = Assessment.objects.get()
    assert created.status_code == 201
    assert created.json() == {
        "id": saved.pk,
        "country": "GE",
        "article": 6,
        "level": "partially",
        "source": "self_report",
        "assessed_on": "2020-05-01",
        "provisions": "Art. 286 CC",
        "note": "",
        "citation": "",
        "laws": [],
        "state": "draft",
        "recorded_at": created.json()["recorded_at"],
        "reviewed_at": None,
        "is_sample": False,
        "version": 1,
    }
    assert saved.recorded_by == focal
    assert (
        assert_problem(other, 403)["detail"] == "Your role does not allow changing the legislation profile of Armenia."
    )
    assert assert_problem(self_reviewed, 403)["detail"].startswith(
        "Only staff may record a statement or a law as reviewed"
    )
    assert_problem(anonymous, 401)
    assert_problem(by_donor, 403)


def test_bad_statements_are_problems_and_nothing_is_saved(client, staff):
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()
    armenian = services.record_law(country("AM"), title="Criminal Code", year=2003, user=staff)

    outside = post(client, "/assessments", statement(article=23), staff)
    unknown_article = post(client, "/assessments", statement(article=999), staff)
    level = post(client, "/assessments", statement(level="excellent"), staff)
    future = post(client, "/assessments", statement(assessed_on=tomorrow), staff)
    unknown_country = post(client, "/assessments", statement(country="XX"), staff)
    foreign_law = post(client, "/assessments", statement(laws=[armenian.pk]), staff)
    no_law = post(client, "/assessments", statement(laws=[armenian.pk + 1000]), staff)

    assert assert_problem(outside, 422)["detail"].startswith(
        "Article 23 of Budapest Convention is not one a legislation profile covers"
    )
    assert assert_problem(unknown_article, 422)["errors"][0]["field"] == "article"
    assert assert_problem(level, 422)["errors"][0]["field"] == "level"
    assert assert_problem(future, 422)["detail"].startswith("The date of an assessment cannot be in the future")
    assert assert_problem(unknown_country, 422)["errors"] == [
        {"field": "country", "message": "No country with the ISO code “XX”."}
    ]
    assert assert_problem(foreign_law, 422)["detail"] == "Criminal Code (2003) is a law of another country."
    assert assert_problem(no_law, 422)["errors"][0]["field"] == "laws"
    assert not Assessment.objects.exists()


def test_drafts_are_listed_only_to_those_who_keep_the_country(client, staff, focal, focal_am, donor):
    reviewed = assess(staff, "AM", 6, "in_place", D(2016, 1, 1))
    georgian_draft = assess(focal, "GE", 6, "partially", D(2020, 1, 1), source="self_report", reviewed=False)
    armenian_draft = assess(focal_am, "AM", 7, "partially", D(2020, 1, 1), source="self_report", reviewed=False)

    def ids(user, **params):
        response = get(client, "/assessments", user, **params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["items"]}

    assert ids(staff) == {reviewed.pk, georgian_draft.pk, armenian_draft.pk}
    assert ids(focal) == {reviewed.pk, georgian_draft.pk}
    assert ids(focal_am) == {reviewed.pk, armenian_draft.pk}
    assert ids(donor) == {reviewed.pk}
    assert ids(focal, country="AM", state="draft") == set()
    assert ids(staff, article=7) == {armenian_draft.pk}
    assert ids(staff, country="ge") == {georgian_draft.pk}
    assert_problem(get(client, "/assessments"), 401)
    assert_problem(get(client, "/assessments", make_user("no_role")), 403)
    client.force_login(focal)  # the workspace session reads too
    assert {row["id"] for row in client.get(f"{BASE}/assessments").json()["items"]} == {reviewed.pk, georgian_draft.pk}


def test_staff_review_a_draft_and_a_stale_review_is_refused(client, staff, focal):
    draft = assess(focal, "GE", 6, "in_place", D(2020, 1, 1), source="self_report", reviewed=False)
    path = f"/assessments/{draft.pk}/review"

    by_focal = post(client, path, {"accept": True, "version": 1}, focal)
    stale = post(client, path, {"accept": True, "version": 2}, staff)
    accepted = post(client, path, {"accept": True, "version": 1}, staff)
    again = post(client, path, {"accept": False, "version": 2}, staff)
    missing = post(client, f"/assessments/{draft.pk + 1000}/review", {"accept": True, "version": 1}, staff)

    assert_problem(by_focal, 403)
    assert assert_problem(stale, 409)["detail"].startswith("Someone changed this record")
    assert (accepted.status_code, accepted.json()["state"], accepted.json()["version"]) == (200, "reviewed", 2)
    assert assert_problem(again, 422)["detail"] == "This statement has already been reviewed."
    assert_problem(missing, 404)
    profile = client.get(f"{BASE}/profiles/GE").json()
    assert profile["articles"][5]["level"] == "in_place"
    assert AuditEntry.objects.about(draft).filter(action="legislation.assessment.reviewed", user=staff).exists()


# --- laws ----------------------------------------------------------------------------------------------------------


def test_laws_are_recorded_listed_and_kept_by_the_countrys_keepers(client, staff, focal, focal_am):
    created = post(
        client,
        "/laws",
        {"country": "GE", "title": "Criminal Code", "year": 1999, "url": "https://example.org/cc"},
        focal,
    )
    by_staff = post(client, "/laws", {"country": "AM", "title": "Law on ICT", "reviewed": True}, staff)
    twice = post(client, "/laws", {"country": "GE", "title": "Criminal Code"}, staff)
    other = post(client, "/laws", {"country": "AM", "title": "Law", "year": 2001}, focal)
    self_reviewed = post(client, "/laws", {"country": "GE", "title": "Law", "reviewed": True}, focal)
    bad_url = post(client, "/laws", {"country": "GE", "title": "Law", "url": "javascript:alert(1)"}, focal)
    future = post(client, "/laws", {"country": "GE", "title": "Law", "year": TODAY().year + 1}, focal)

    law = Law.objects.get(country__iso2="GE")
    assert created.status_code == 201
    assert created.json() == {
        "id": law.pk,
        "country": "GE",
        "title": "Criminal Code",
        "year": 1999,
        "url": "https://example.org/cc",
        "file_name": "",
        "state": "draft",
        "is_sample": False,
        "version": 1,
    }
    assert by_staff.json()["state"] == "reviewed"
    assert assert_problem(twice, 422)["detail"] == "Georgia already has a law titled “Criminal Code”."
    assert_problem(other, 403)
    assert_problem(self_reviewed, 403)
    assert assert_problem(bad_url, 422)["errors"][0]["field"] == "url"
    assert assert_problem(future, 422)["detail"].startswith(f"The year {TODAY().year + 1} is not a year")
    assert [row["title"] for row in get(client, "/laws", focal_am).json()["items"]] == ["Law on ICT"]
    assert [row["title"] for row in get(client, "/laws", focal, country="GE").json()["items"]] == ["Criminal Code"]
    # Another country's draft is not there for a focal point: 404 rather than 403.
    assert_problem(put(client, f"/laws/{law.pk}", {"title": "X", "version": 1}, focal_am), 404)


def test_a_law_is_corrected_with_its_version(client, staff, focal):
    law = services.record_law(country("GE"), title="Criminal Code", user=focal)

    changed = put(client, f"/laws/{law.pk}", {"title": "Criminal Code of Georgia", "year": 1999, "version": 1}, focal)
    stale = put(client, f"/laws/{law.pk}", {"title": "Code", "version": 1}, staff)

    assert (changed.status_code, changed.json()["title"], changed.json()["year"]) == (
        200,
        "Criminal Code of Georgia",
        1999,
    )
    assert_problem(stale, 409)
    assert Law.objects.get().title == "Criminal Code of Georgia"

    # A focal point's correction of a reviewed law is a draft again; another country's law is not theirs to change.
    services.review_law(law, accept=True, user=staff, version=2)
    corrected = put(client, f"/laws/{law.pk}", {"title": "Criminal Code (2023)", "version": 3}, focal)
    armenian = services.record_law(country("AM"), title="Law on ICT", reviewed=True, user=staff)
    assert (corrected.json()["state"], corrected.json()["version"]) == ("draft", 4)
    assert client.get(f"{BASE}/profiles/GE").json()["laws"] == []
    assert_problem(put(client, f"/laws/{armenian.pk}", {"title": "X", "version": 1}, focal), 403)


def test_staff_review_a_draft_law(client, staff, focal):
    law = services.record_law(country("GE"), title="Criminal Code", user=focal)

    by_focal = post(client, f"/laws/{law.pk}/review", {"accept": True, "version": 1}, focal)
    stale = post(client, f"/laws/{law.pk}/review", {"accept": True, "version": 2}, staff)
    accepted = post(client, f"/laws/{law.pk}/review", {"accept": True, "version": 1}, staff)

    assert_problem(by_focal, 403)
    assert_problem(stale, 409)
    assert accepted.json()["state"] == "reviewed"
    assert [law["title"] for law in client.get(f"{BASE}/profiles/GE").json()["laws"]] == ["Criminal Code"]


# --- advice --------------------------------------------------------------------------------------------------------


def advice_body(**change):
    return {
        "country": "GE",
        "reviewed": "Draft law on electronic evidence",
        "mode": "desk_review",
        "starts_on": "2016-04-01",
        "ends_on": "2016-04-20",
        "articles": [16, 2],
        **change,
    }


def test_staff_record_advice_recommendations_and_take_up(client, staff):
    expert = Person.objects.create(first_name="Ana", last_name="Expert")

    created = post(client, "/advice", advice_body(experts=[expert.pk]), staff)
    advice_id = created.json()["id"]
    recommended = post(
        client, f"/advice/{advice_id}/recommendations", {"text": "Add preservation orders.", "article": 16}, staff
    )
    changed = assess(staff, "GE", 16, "in_place", D(2017, 1, 1), source="legislative_advice")
    rec_id = recommended.json()["id"]
    taken = post(
        client,
        f"/recommendations/{rec_id}/take-up",
        {"taken_up_on": "2017-01-01", "version": 1, "assessment": changed.pk},
        staff,
    )
    stale = post(client, f"/recommendations/{rec_id}/take-up", {"taken_up_on": "2017-01-02", "version": 1}, staff)
    read = get(client, f"/advice/{advice_id}", staff)

    assert created.status_code == 201
    assert created.json() == {
        "id": advice_id,
        "country": "GE",
        "reviewed": "Draft law on electronic evidence",
        "law": None,
        "mode": "desk_review",
        "starts_on": "2016-04-01",
        "ends_on": "2016-04-20",
        "articles": [2, 16],
        "experts": [expert.pk],
        "event": None,
        "activity": None,
        "programmes": [],
        "recommendations": [],
        "documents": [],
        "is_sample": False,
        "version": 1,
    }
    assert recommended.status_code == 201
    assert recommended.json() == {
        "id": rec_id,
        "advice": advice_id,
        "number": 1,
        "article": 16,
        "text": "Add preservation orders.",
        "taken_up_on": None,
        "assessment": None,
        "is_sample": False,
        "version": 1,
    }
    assert (taken.status_code, taken.json()["taken_up_on"], taken.json()["assessment"]) == (
        200,
        "2017-01-01",
        changed.pk,
    )
    assert_problem(stale, 409)
    assert read.json()["recommendations"][0]["version"] == 2
    assert AuditEntry.objects.about(Advice.objects.get()).get(action="legislation.advice.recorded").user == staff


def test_bad_advice_is_a_problem_and_nothing_is_saved(client, staff):
    tomorrow = TODAY() + datetime.timedelta(days=1)

    outside = post(client, "/advice", advice_body(articles=[2, 23]), staff)
    unknown = post(client, "/advice", advice_body(articles=[999]), staff)
    backwards = post(client, "/advice", advice_body(ends_on="2016-03-01"), staff)
    future = post(client, "/advice", advice_body(starts_on=tomorrow.isoformat(), ends_on=tomorrow.isoformat()), staff)
    mode = post(client, "/advice", advice_body(mode="lecture"), staff)
    no_expert = post(client, "/advice", advice_body(experts=[10**9]), staff)

    assert assert_problem(outside, 422)["detail"].startswith("Article 23 of Budapest Convention is not one")
    assert assert_problem(unknown, 422)["errors"][0]["field"] == "articles"
    assert assert_problem(backwards, 422)["detail"] == "The advice cannot end before it starts."
    assert assert_problem(future, 422)["detail"].startswith("The start of advice given cannot be in the future")
    assert assert_problem(mode, 422)["errors"][0]["field"] == "mode"
    assert assert_problem(no_expert, 422)["errors"][0]["field"] == "experts"
    assert not Advice.objects.exists()

    advice = advice_services.record_advice(
        country("GE"),
        reviewed="Code",
        mode="mission",
        starts_on=D(2016, 4, 1),
        ends_on=D(2016, 4, 2),
        articles=[article(2)],
        user=staff,
    )
    recommendation = advice_services.record_recommendation(advice, text="Criminalise.", user=staff)
    early = post(
        client, f"/recommendations/{recommendation.pk}/take-up", {"taken_up_on": "2016-03-01", "version": 1}, staff
    )
    later = post(
        client,
        f"/recommendations/{recommendation.pk}/take-up",
        {"taken_up_on": tomorrow.isoformat(), "version": 1},
        staff,
    )
    off_topic = post(client, f"/advice/{advice.pk}/recommendations", {"text": "Jurisdiction.", "article": 22}, staff)
    assert assert_problem(early, 422)["detail"] == "A recommendation cannot be taken up before the advice was given."
    assert assert_problem(later, 422)["detail"].startswith("The day a recommendation was taken up cannot be in the")
    assert assert_problem(off_topic, 422)["detail"] == "Article 22 is not among the articles the advice covered."


def test_advice_is_read_by_the_workspace_and_a_focal_point_sees_its_own_country(client, staff, focal, donor):
    georgian = advice_services.record_advice(
        country("GE"),
        reviewed="Code",
        mode="mission",
        starts_on=D(2016, 4, 1),
        ends_on=D(2016, 4, 2),
        articles=[article(2)],
        user=staff,
    )
    armenian = advice_services.record_advice(
        country("AM"),
        reviewed="Law",
        mode="workshop",
        starts_on=D(2017, 4, 1),
        ends_on=D(2017, 4, 2),
        articles=[article(2)],
        user=staff,
    )

    assert [row["id"] for row in get(client, "/advice", staff).json()["items"]] == [armenian.pk, georgian.pk]
    assert [row["id"] for row in get(client, "/advice", donor).json()["items"]] == [armenian.pk, georgian.pk]
    assert [row["id"] for row in get(client, "/advice", staff, mode="mission").json()["items"]] == [georgian.pk]
    assert [row["id"] for row in get(client, "/advice", focal).json()["items"]] == [georgian.pk]
    assert get(client, f"/advice/{georgian.pk}", focal).json()["country"] == "GE"
    assert_problem(get(client, f"/advice/{armenian.pk}", focal), 404)
    assert_problem(get(client, "/advice"), 401)
    assert_problem(post(client, "/advice", advice_body(), None), 401)
    assert_problem(post(client, "/advice", advice_body(), donor), 403)
    assert_problem(post(client, "/advice", advice_body(), focal), 403)
    assert_problem(post(client, f"/advice/{georgian.pk}/recommendations", {"text": "X"}, focal), 403)


def test_sample_advice_and_figures_say_so_in_the_body_and_a_header(client, staff):
    for iso2, sample in (("GE", False), ("AM", True)):
        advice_services.record_advice(
            country(iso2),
            reviewed="Code",
            mode="mission",
            starts_on=D(2016, 4, 1),
            ends_on=D(2016, 4, 2),
            articles=[article(2)],
            user=staff,
            is_sample=sample,
        )
        statistics_services.record_figures(
            country(iso2),
            2020,
            {"cases_recorded": 10},
            source="published",
            citation="Report",
            user=staff,
            is_sample=sample,
        )

    real = [get(client, path, staff, country="GE") for path in ("/advice", "/statistics")]
    invented = [get(client, path, staff, country="AM") for path in ("/advice", "/statistics")]

    assert [([row["is_sample"] for row in r.json()["items"]], SAMPLE_HEADER in r.headers) for r in real] == [
        ([False], False),
        ([False], False),
    ]
    assert [([row["is_sample"] for row in r.json()["items"]], r.headers[SAMPLE_HEADER]) for r in invented] == [
        ([True], "true"),
        ([True], "true"),
    ]


def test_advice_is_corrected_with_its_version(client, staff):
    advice = advice_services.record_advice(
        country("GE"),
        reviewed="Code",
        mode="mission",
        starts_on=D(2016, 4, 1),
        ends_on=D(2016, 4, 2),
        articles=[article(2)],
        user=staff,
    )

    changed = put(client, f"/advice/{advice.pk}", advice_body(version=1, articles=[2, 3]), staff)
    stale = put(client, f"/advice/{advice.pk}", advice_body(version=1), staff)
    moved = put(client, f"/advice/{advice.pk}", advice_body(version=2, country="AM"), staff)

    assert (changed.status_code, changed.json()["articles"], changed.json()["version"]) == (200, [2, 3], 2)
    assert_problem(stale, 409)
    assert assert_problem(moved, 422)["errors"][0]["field"] == "country"


# --- statistics ----------------------------------------------------------------------------------------------------


def figures(**change):
    return {
        "country": "GE",
        "year": 2020,
        "citation": "Annual report 2020, p. 12",
        "figures": {"mla_received": 40, "mla_executed": 30},
        **change,
    }


def test_staff_record_figures_from_a_published_source_and_correct_them(client, staff):
    created = post(client, "/statistics", figures(), staff)
    received = Statistic.objects.get(figure="mla_received")
    corrected = post(client, "/statistics", figures(figures={"mla_received": 45}, versions={"mla_received": 1}), staff)
    stale = post(client, "/statistics", figures(figures={"mla_received": 50}, versions={"mla_received": 1}), staff)
    unseen = post(client, "/statistics", figures(figures={"mla_received": 50}), staff)  # no version: never read

    assert created.status_code == 201
    assert sorted((row["figure"], row["value"], row["source"], row["version"]) for row in created.json()) == [
        ("mla_executed", 30, "published", 1),
        ("mla_received", 40, "published", 1),
    ]
    assert created.json()[0]["citation"] == "Annual report 2020, p. 12"
    assert [(row["id"], row["value"], row["version"]) for row in corrected.json()] == [(received.pk, 45, 2)]
    assert assert_problem(stale, 409)["detail"].startswith("Someone changed this record")
    assert assert_problem(unseen, 409)["detail"].startswith("Someone changed this record")
    assert Statistic.objects.get(figure="mla_received").value == 45


def test_bad_figures_are_problems_and_nothing_is_saved(client, staff):
    negative = post(client, "/statistics", figures(figures={"cases_recorded": 3, "cases_convicted": -1}), staff)
    executed = post(client, "/statistics", figures(figures={"mla_received": 3, "mla_executed": 4}), staff)
    future = post(client, "/statistics", figures(year=TODAY().year + 1), staff)
    uncited = post(client, "/statistics", figures(citation=" "), staff)
    unknown = post(client, "/statistics", figures(figures={"arrests": 3}), staff)
    none = post(client, "/statistics", figures(figures={}), staff)
    huge = post(client, "/statistics", figures(figures={"cases_recorded": 2_100_000_000}), staff)

    assert assert_problem(negative, 422)["detail"] == "Cybercrime cases with a conviction cannot be negative (-1)."
    assert assert_problem(executed, 422)["detail"] == (
        "Mutual legal assistance requests executed (4) cannot be more than Mutual legal assistance requests "
        "received (3)."
    )
    assert assert_problem(future, 422)["detail"].startswith(f"{TODAY().year + 1} is not a year figures can be")
    assert assert_problem(uncited, 422)["detail"] == "Cite the published source of these figures."
    assert assert_problem(unknown, 422)["errors"][0]["field"].startswith("figures")
    assert assert_problem(none, 422)["errors"][0]["field"] == "figures"
    assert assert_problem(huge, 422)["detail"] == (
        "Cybercrime cases recorded cannot be more than 2,000,000,000 (2100000000)."
    )
    assert not Statistic.objects.exists()


def test_figures_are_read_by_the_workspace_and_a_focal_point_sees_its_own_country(client, staff, focal, donor):
    statistics_services.record_figures(
        country("GE"), 2020, {"cases_recorded": 10}, source="published", citation="Report", user=staff
    )
    statistics_services.record_figures(
        country("AM"), 2019, {"cases_recorded": 7, "mla_sent": 2}, source="published", citation="Report", user=staff
    )

    def rows(user, **params):
        return [
            (r["country"], r["year"], r["figure"]) for r in get(client, "/statistics", user, **params).json()["items"]
        ]

    assert rows(staff) == [("AM", 2019, "cases_recorded"), ("AM", 2019, "mla_sent"), ("GE", 2020, "cases_recorded")]
    assert rows(donor, figure="mla_sent") == [("AM", 2019, "mla_sent")]
    assert rows(staff, country="GE", year=2020) == [("GE", 2020, "cases_recorded")]
    assert rows(focal) == [("GE", 2020, "cases_recorded")]
    assert rows(focal, country="AM") == []
    assert_problem(get(client, "/statistics"), 401)
    assert_problem(post(client, "/statistics", figures(), None), 401)
    assert_problem(post(client, "/statistics", figures(), focal), 403)  # focal points report by questionnaire
    assert_problem(post(client, "/statistics", figures(), donor), 403)
    assert not Statistic.objects.filter(year=2020, figure="mla_received").exists()


def test_a_reviewed_statement_lists_only_the_cited_laws_the_reader_may_see(client, staff, focal):
    draft = services.record_law(country("AM"), title="Draft law on cybercrime", user=staff)
    public = services.record_law(country("AM"), title="Criminal Code", reviewed=True, user=staff)
    assess(staff, "AM", 2, "in_place", D(2016, 1, 1), laws=[draft, public])

    def cited(user):
        return [row["laws"] for row in get(client, "/assessments", user, country="AM").json()["items"]]

    assert cited(staff) == [[public.pk, draft.pk]]  # by title
    assert cited(focal) == [[public.pk]]  # Georgia's focal point: Armenia's draft law is not its business
