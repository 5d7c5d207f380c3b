"""The programmes an event serves: set on its page and over the API through one service, checked there (shares
summing to 100, an activity of its own programme, sample only with sample) with the refusal shown beside what was
typed; choosing the event's activity sets its programme; dates known only to the month or the year."""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from octopus.accounts.models import AuditEntry
from octopus.events import services
from octopus.events.models import Event
from octopus.events.tests.test_metrics_scoped import make_programme
from octopus.lib.precision import Precision
from octopus.results.assignments import assignments_of
from octopus.results.models import Programme, ResultNode
from octopus.testing.helpers import assert_problem, bearer_for

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def octopus() -> Programme:
    return Programme.objects.get(code="cybercrime-octopus")


def activity(code: str, programme: str = "cybercrime-octopus") -> ResultNode:
    return ResultNode.objects.get(programme__code=programme, code=code)


def served(event) -> list[tuple]:
    return sorted((a.programme.code, a.activity.code if a.activity else None, a.share) for a in assignments_of(event))


def rows(*filled, version=None) -> dict:
    data = {"programmes-TOTAL_FORMS": str(len(filled) + 1), "programmes-INITIAL_FORMS": "0"}
    if version is not None:
        data["version"] = str(version)
    for n, (programme, node, share) in enumerate(filled):
        data[f"programmes-{n}-programme"] = programme.code if programme else ""
        data[f"programmes-{n}-activity"] = node.pk if node else ""
        data[f"programmes-{n}-share"] = share
    return data


# --- the page ----------------------------------------------------------------------------------------------------


def test_the_event_page_lists_the_programmes_served_and_staff_set_them(staff_client, staff, event):
    glacy = make_programme("glacy-plus")
    page = staff_client.get(reverse("events:event", args=[event.slug])).content.decode()
    assert "Programmes served" in page and 'data-empty="programmes"' in page
    assert f'action="{reverse("events:event_programmes", args=[event.slug])}"' in page

    response = staff_client.post(
        reverse("events:event_programmes", args=[event.slug]),
        rows((octopus(), activity("A3.1"), "60"), (glacy, None, "40"), version=event.version),
    )

    assert response.status_code == 302 and response.url == reverse("events:event", args=[event.slug])
    assert served(event) == [("cybercrime-octopus", "A3.1", Decimal("60.00")), ("glacy-plus", None, Decimal("40.00"))]
    page = staff_client.get(reverse("events:event", args=[event.slug])).content.decode()
    assert 'data-assignment="cybercrime-octopus"' in page and 'data-assignment="glacy-plus"' in page
    assert AuditEntry.objects.filter(action="results.assignment.set", object_id=str(event.pk), user=staff).exists()


def test_choosing_only_the_activity_names_its_programme(staff_client, event):
    response = staff_client.post(
        reverse("events:event_programmes", args=[event.slug]),
        rows((None, activity("A3.1"), "100"), version=event.version),
    )

    assert response.status_code == 302
    assert served(event) == [("cybercrime-octopus", "A3.1", Decimal("100.00"))]


def test_shares_not_summing_to_100_are_refused_with_the_service_message_and_the_rows_kept(staff_client, event):
    glacy = make_programme("glacy-plus")

    response = staff_client.post(
        reverse("events:event_programmes", args=[event.slug]),
        rows((octopus(), None, "60"), (glacy, None, "30"), version=event.version),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "The shares of the cost sum to 90 %; they must sum to 100 %." in html
    assert 'value="60"' in html and 'value="30"' in html
    assert f'<option value="{glacy.code}" selected>' in html
    assert served(event) == []


def test_an_activity_of_another_programme_is_refused_at_its_field(staff_client, event):
    glacy = make_programme("glacy-plus")

    response = staff_client.post(
        reverse("events:event_programmes", args=[event.slug]),
        rows((glacy, activity("A3.1"), "100"), version=event.version),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-field-error="programmes-0-activity"' in html
    assert "Activity A3.1 is not part of" in html
    assert served(event) == []


def test_a_sample_event_cannot_serve_a_real_programme(staff_client, staff):
    sample = services.create_event(
        user=staff,
        slug="sample-x",
        title="Sample X",
        kind="training",
        starts_on=D(2017, 1, 1),
        ends_on=D(2017, 1, 1),
        is_sample=True,
    )

    response = staff_client.post(
        reverse("events:event_programmes", args=[sample.slug]), rows((octopus(), None, "100"), version=sample.version)
    )

    assert response.status_code == 400
    assert "Sample records serve only sample programmes" in response.content.decode()
    assert served(sample) == []


def test_a_stale_form_is_refused_and_offers_the_current_version(staff_client, staff, event):
    services.update_event(event, version=1, user=staff, city="Batumi")

    response = staff_client.post(
        reverse("events:event_programmes", args=[event.slug]), rows((octopus(), None, "100"), version=1)
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Someone changed this record while you were editing it" in html
    assert 'name="version" value="2"' in html
    assert served(event) == []


def test_readers_see_the_programmes_but_no_form(client, staff, event):
    from octopus.testing.helpers import make_user

    services.set_event_programmes(event, [(octopus(), Decimal(100), activity("A3.1"))], user=staff)
    client.force_login(make_user("finance_officer"))

    html = client.get(reverse("events:event_programmes", args=[event.slug])).content.decode()

    assert 'data-assignment="cybercrime-octopus"' in html
    assert "data-programmes-form" not in html


# --- the activity of the event form ----------------------------------------------------------------------------


def test_choosing_the_event_activity_sets_its_programme(staff_client, staff, event):
    services.update_event(event, version=1, user=staff, activity=activity("A3.1"))
    assert served(event) == [("cybercrime-octopus", "A3.1", Decimal("100.00"))]

    glacy = make_programme("glacy-plus")
    glacy_activity = ResultNode.objects.create(
        programme=glacy, level="activity", code="G1", title="Workshops", introduced_in=glacy.versions.get()
    )
    services.update_event(Event.objects.get(pk=event.pk), version=2, user=staff, activity=glacy_activity)

    # It served Cybercrime@Octopus already: it gains GLACY+, the shares split evenly for staff to adjust.
    assert served(event) == [("cybercrime-octopus", "A3.1", Decimal("50.00")), ("glacy-plus", "G1", Decimal("50.00"))]


def test_the_event_form_takes_the_activity_and_a_refusal_keeps_what_was_typed(staff_client, staff, event):
    from octopus.events.tests.test_pages_manage import event_data

    sample_programme = make_programme("sample-p", is_sample=True)
    sample_activity = ResultNode.objects.create(
        programme=sample_programme,
        level="activity",
        code="S1",
        title="Sample",
        introduced_in=sample_programme.versions.get(),
    )
    url = reverse("events:event_edit", args=[event.slug])

    refused = staff_client.post(url, event_data(slug=event.slug, activity=sample_activity.pk, version="1"))
    saved = staff_client.post(url, event_data(slug=event.slug, activity=activity("A3.1").pk, version="1"))

    assert refused.status_code == 400
    assert "Sample records serve only sample programmes" in refused.content.decode()
    assert saved.status_code == 302
    assert served(event) == [("cybercrime-octopus", "A3.1", Decimal("100.00"))]


# --- the API ---------------------------------------------------------------------------------------------------


def put_programmes(client, event, body, headers):
    return client.put(
        f"/api/v1/events/{event.slug}/programmes", json.dumps(body), content_type="application/json", **headers
    )


def test_the_api_shows_and_sets_the_programmes(client, staff, event):
    headers = bearer_for(staff)
    glacy = make_programme("glacy-plus")
    body = {
        "programmes": [
            {"programme": "cybercrime-octopus", "share": "50", "activity": "A3.1"},
            {"programme": glacy.code, "share": "50"},
        ],
        "version": 1,
    }

    response = put_programmes(client, event, body, headers)

    assert response.status_code == 200, response.content
    assert sorted(response.json()["programmes"], key=lambda row: row["programme"]) == [
        {"programme": "cybercrime-octopus", "share": "50.00", "activity": "A3.1"},
        {"programme": "glacy-plus", "share": "50.00", "activity": None},
    ]
    assert response.json()["version"] == 2
    shown = client.get(f"/api/v1/events/{event.slug}").json()
    assert len(shown["programmes"]) == 2


def test_the_api_refuses_what_cannot_stand_as_problems(client, staff, event):
    headers = bearer_for(staff)
    cases = [
        ({"programmes": [{"programme": "cybercrime-octopus", "share": "60"}]}, 422, "sum to 60 %"),
        ({"programmes": [{"programme": "nobody", "share": "100"}]}, 422, "No programme with the code “nobody”."),
        ({"programmes": [{"programme": "cybercrime-octopus", "share": "100", "activity": "Z9"}]}, 422, "no activity"),
        ({"programmes": [{"programme": "cybercrime-octopus", "share": "100"}], "version": 7}, 409, "changed"),
    ]
    for body, status, message in cases:
        problem = assert_problem(put_programmes(client, event, body, headers), status)
        assert message in json.dumps(problem, ensure_ascii=False), problem
    assert served(event) == []


# --- dates known to the month or year -------------------------------------------------------------------------


def test_a_date_known_to_the_year_is_stored_as_its_first_day_and_shown_as_far_as_known(staff_client):
    from octopus.events.tests.test_pages_manage import event_data

    data = event_data(slug="past-workshop", starts_on="2015-06-15", ends_on="2015-06-15", date_precision="year")

    response = staff_client.post(reverse("events:event_create"), data)

    event = Event.objects.get(slug="past-workshop")
    assert response.status_code == 302
    assert event.dated_as == (D(2015, 1, 1), Precision.YEAR)
    page = staff_client.get(reverse("events:event", args=[event.slug])).content.decode()
    assert "2015 (year known, month not)" in page


def test_the_api_takes_and_shows_the_precision(client, staff):
    body = {
        "title": "Workshop",
        "slug": "month-workshop",
        "kind": "in_country_workshop",
        "starts_on": "2016-11-18",
        "ends_on": "2016-11-18",
        "date_precision": "month",
    }

    response = client.post("/api/v1/events", json.dumps(body), content_type="application/json", **bearer_for(staff))

    assert response.status_code == 201, response.content
    assert (response.json()["starts_on"], response.json()["date_precision"]) == ("2016-11-01", "month")
    assert Event.objects.get(slug="month-workshop").dates_vague == "November 2016 (month known, day not)"
