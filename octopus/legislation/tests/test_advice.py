"""Legislative advice in the workspace: recording and correcting it through its pages, the list with its filters and
exports, recommendations and their take-up, documents, and what a focal point may read."""

import csv
import datetime
import io
import os

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from octopus.accounts.models import AuditEntry, Role
from octopus.countries.models import Country
from octopus.events.tests.sample_files import file_name, real_sheets, sample_sheets
from octopus.legislation.models import Advice, AdviceDocument, AdviceRecommendation
from octopus.legislation.services import advice as services
from octopus.legislation.services import profiles
from octopus.legislation.views.advice import compact_numbers
from octopus.lib.errors import ConflictError, DomainError
from octopus.people.models import Person
from octopus.testing.helpers import make_user
from octopus.treaties.models import Article

D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def staff(db):
    return make_user(Role.PROGRAMME_STAFF)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def country(iso2: str) -> Country:
    return Country.objects.get(iso2=iso2)


def article(number: int) -> Article:
    return Article.objects.get(treaty__number=185, number=number)


def advise(staff, iso2="GE", numbers=(2, 3, 16), **fields) -> Advice:
    values = {
        "reviewed": "Draft law on electronic evidence",
        "mode": "desk_review",
        "starts_on": D(2024, 3, 1),
        "ends_on": D(2024, 3, 20),
        **fields,
    }
    return services.record_advice(country(iso2), articles=[article(n) for n in numbers], user=staff, **values)


def form_data(**changes) -> dict:
    data = {
        "country": country("GE").pk,
        "reviewed": "Draft amendments to the Criminal Procedure Code",
        "mode": "workshop",
        "starts_on": "2024-05-06",
        "ends_on": "2024-05-07",
        "articles": [article(n).pk for n in (2, 3, 4, 5, 6, 16, 17)],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_articles_are_shown_as_compact_ranges():
    assert compact_numbers([17, 2, 3, 4, 5, 6, 16, 22]) == "2–6, 16–17, 22"
    assert compact_numbers([42]) == "42"
    assert compact_numbers([]) == ""


def test_staff_record_advice_through_the_page_and_it_is_audited(staff_client, staff):
    page = staff_client.get(reverse("legislation:advice_new"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "1 – Substantive criminal law" in html and 'id="article-42"' in html
    assert 'id="article-23"' not in html  # not an article a profile covers

    expert = Person.objects.create(first_name="Ana", last_name="Expert", country=country("PT"))
    response = staff_client.post(reverse("legislation:advice_new"), form_data(experts=[expert.pk]))

    advice = Advice.objects.get()
    assert list(advice.experts.all()) == [expert]
    assert response.status_code == 302 and response.url == reverse("legislation:advice_detail", args=[advice.pk])
    assert (advice.country.iso2, advice.mode, advice.starts_on, advice.recorded_by) == (
        "GE",
        "workshop",
        D(2024, 5, 6),
        staff,
    )
    assert sorted(advice.articles.values_list("number", flat=True)) == [2, 3, 4, 5, 6, 16, 17]
    entry = AuditEntry.objects.about(advice).get(action="legislation.advice.recorded")
    assert entry.after["articles"] == [2, 3, 4, 5, 6, 16, 17]
    detail = staff_client.get(response.url).content.decode()
    assert "2–6, 16–17" in detail and "Draft amendments to the Criminal Procedure Code" in detail


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starts_on": "future"}, "The start of advice given cannot be in the future"),
        ({"ends_on": "2024-05-01"}, "The advice cannot end before it starts."),
        ({"articles": []}, "This field is required."),
        ({"reviewed": "  "}, "This field is required."),
        ({"mode": "by_post"}, "Select a valid choice."),
        ({"law": "armenian"}, "is a law of another country."),
    ],
)
def test_bad_advice_is_refused_with_a_message_keeping_what_was_typed(staff_client, staff, changes, message):
    if changes.get("starts_on") == "future":
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        changes = {"starts_on": tomorrow.isoformat(), "ends_on": (tomorrow + datetime.timedelta(days=2)).isoformat()}
    if changes.get("law") == "armenian":
        changes = {"law": profiles.record_law(country("AM"), title="Criminal Code", year=2003, user=staff).pk}

    response = staff_client.post(reverse("legislation:advice_new"), form_data(**changes))

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="Draft amendments to the Criminal Procedure Code"' in html or changes.get("reviewed")
    assert not Advice.objects.exists()


def test_the_list_filters_sorts_counts_countries_and_exports(staff_client, staff):
    advise(staff, "GE", numbers=(2, 3, 4, 5, 6, 16, 17), starts_on=D(2023, 4, 1), ends_on=D(2023, 4, 2))
    advise(staff, "GE", reviewed="Amendments", mode="mission", starts_on=D(2024, 2, 1), ends_on=D(2024, 2, 3))
    moldova = advise(
        staff,
        "MD",
        reviewed="Criminal Code",
        mode="workshop",
        numbers=(29, 35),
        starts_on=D(2024, 5, 1),
        ends_on=D(2024, 5, 2),
    )
    services.record_recommendation(moldova, text="Designate a 24/7 point of contact.", article=article(35), user=staff)

    def listed(**query):
        response = staff_client.get(reverse("legislation:advice_list"), query)
        assert response.status_code == 200
        return [(row.country.iso2, row.reviewed) for row in response.context["advice"]], response

    rows, response = listed()
    assert rows == [("MD", "Criminal Code"), ("GE", "Amendments"), ("GE", "Draft law on electronic evidence")]
    assert response.context["countries_advised"] == 2
    assert "2–6, 16–17" in response.content.decode()
    assert listed(country="MD")[0] == [("MD", "Criminal Code")]
    assert listed(mode="mission")[0] == [("GE", "Amendments")]
    rows, response = listed(year="2024", country="GE")
    assert rows == [("GE", "Amendments")] and response.context["countries_advised"] == 1
    assert [iso2 for iso2, _ in listed(sort="country")[0]] == ["GE", "GE", "MD"]
    assert listed(year="nineteen")[0] == []

    xlsx = staff_client.get(reverse("legislation:advice_export", args=["xlsx"]), {"year": "2024"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.values)
    assert values[0][:3] == ("Country", "ISO", "Reviewed")
    assert values[1] == (
        "Moldova",
        "MD",
        "Criminal Code",
        "Workshop",
        datetime.datetime(2024, 5, 1),
        datetime.datetime(2024, 5, 2),
        "29, 35",
        1,
        0,
    )
    assert len(values) == 3
    text = staff_client.get(reverse("legislation:advice_export", args=["csv"]), {"country": "GE", "sort": "starts_on"})
    lines = list(csv.reader(io.StringIO(text.content.decode())))
    assert [line[2] for line in lines[1:]] == ["Draft law on electronic evidence", "Amendments"]
    assert lines[1][6] == "2–6, 16–17"


def test_an_export_holding_sample_advice_says_so(staff_client, staff):
    advise(staff, "GE")
    advise(staff, "MD", reviewed="Criminal Code", is_sample=True)

    (rows,) = sample_sheets(staff_client.get(reverse("legislation:advice_export", args=["xlsx"])))
    (real,) = real_sheets(staff_client.get(reverse("legislation:advice_export", args=["xlsx"]), {"country": "GE"}))

    assert rows[0][:3] == ("Country", "ISO", "Reviewed") and sorted(row[1] for row in rows[1:]) == ["GE", "MD"]
    assert real[0][:3] == ("Country", "ISO", "Reviewed") and [row[1] for row in real[1:]] == ["GE"]
    assert (
        file_name(staff_client.get(reverse("legislation:advice_export", args=["csv"])))
        == "legislative-advice-SAMPLE-DATA.csv"
    )


def test_the_empty_list_says_what_to_do_next(staff_client, client):
    html = staff_client.get(reverse("legislation:advice_list")).content.decode()
    assert "No legislative advice is recorded yet" in html and reverse("legislation:advice_new") in html


def test_a_stale_edit_is_a_conflict_that_changes_nothing_and_keeps_what_was_typed(staff_client, staff):
    advice = advise(staff)
    page = staff_client.get(reverse("legislation:advice_edit", args=[advice.pk]))
    assert page.status_code == 200 and 'name="version" value="1"' in page.content.decode()
    services.update_advice(
        advice,
        user=staff,
        version=1,
        reviewed="Changed meanwhile",
        mode="mission",
        starts_on=advice.starts_on,
        ends_on=advice.ends_on,
        articles=[article(2)],
    )

    data = form_data(country=None, reviewed="My correction", version=1)
    response = staff_client.post(reverse("legislation:advice_edit", args=[advice.pk]), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Someone changed this record while you were editing it" in html
    assert 'value="My correction"' in html and 'name="version" value="2"' in html
    advice.refresh_from_db()
    assert (advice.reviewed, advice.version) == ("Changed meanwhile", 2)

    again = staff_client.post(reverse("legislation:advice_edit", args=[advice.pk]), {**data, "version": 2})
    assert again.status_code == 302
    advice.refresh_from_db()
    assert (advice.reviewed, advice.mode, advice.version) == ("My correction", "workshop", 3)
    entry = AuditEntry.objects.about(advice).filter(action="legislation.advice.corrected").latest("pk")
    assert (entry.before["reviewed"], entry.after["articles"]) == ("Changed meanwhile", [2, 3, 4, 5, 6, 16, 17])


def test_a_correction_keeps_the_articles_recommendations_name(staff):
    advice = advise(staff, numbers=(2, 16))
    services.record_recommendation(advice, text="Add preservation orders.", article=article(16), user=staff)
    with pytest.raises(DomainError, match="A recommendation names Article 16"):
        services.update_advice(
            advice,
            user=staff,
            version=1,
            reviewed=advice.reviewed,
            mode=advice.mode,
            starts_on=advice.starts_on,
            ends_on=advice.ends_on,
            articles=[article(2)],
        )
    assert sorted(Advice.objects.get().articles.values_list("number", flat=True)) == [2, 16]


def test_recommendations_are_added_and_taken_up_through_the_page(staff_client, staff):
    advice = advise(staff, numbers=(2, 16))
    add = reverse("legislation:advice_recommendation_add", args=[advice.pk])

    refused = staff_client.post(add, {"text": "Jurisdiction.", "article": article(22).pk})
    assert refused.status_code == 400 and "Choose one of the articles the advice covered." in refused.content.decode()
    assert staff_client.post(add, {"text": "Criminalise illegal access.", "article": article(2).pk}).status_code == 302
    assert staff_client.post(add, {"text": "Add preservation orders."}).status_code == 302
    first, second = AdviceRecommendation.objects.order_by("number")
    assert (first.number, first.article.number, second.number, second.article) == (1, 2, 2, None)

    changed = profiles.record_assessment(
        country("GE"),
        article(2),
        level="in_place",
        source="legislative_advice",
        assessed_on=D(2024, 9, 1),
        reviewed=True,
        user=staff,
    )
    foreign = profiles.record_assessment(
        country("AM"),
        article(2),
        level="in_place",
        source="desk_review",
        assessed_on=D(2024, 9, 1),
        reviewed=True,
        user=staff,
    )
    page = staff_client.get(reverse("legislation:advice_detail", args=[advice.pk])).content.decode()
    assert "Art. 2 – In place – 2024-09-01" in page

    take_up = reverse("legislation:advice_recommendation_take_up", args=[first.pk])
    prefix = f"r{first.pk}-"
    early = staff_client.post(take_up, {prefix + "taken_up_on": "2024-01-01", prefix + "version": 1})
    assert early.status_code == 400 and "cannot be taken up before the advice was given" in early.content.decode()
    other = staff_client.post(
        take_up, {prefix + "taken_up_on": "2024-09-01", prefix + "assessment": foreign.pk, prefix + "version": 1}
    )
    assert other.status_code == 400 and "Choose a reviewed assessment of the advised country." in other.content.decode()
    first.refresh_from_db()
    assert first.taken_up_on is None

    done = staff_client.post(
        take_up, {prefix + "taken_up_on": "2024-09-01", prefix + "assessment": changed.pk, prefix + "version": 1}
    )
    assert done.status_code == 302
    first.refresh_from_db()
    assert (first.taken_up_on, first.assessment, first.version) == (D(2024, 9, 1), changed, 2)
    listed = staff_client.get(reverse("legislation:advice_list"))
    assert "2 / 1" in listed.content.decode()
    detail = staff_client.get(reverse("legislation:advice_detail", args=[advice.pk])).content.decode()
    assert reverse("legislation:profile_edit", args=["GE"]) in detail


def test_documents_are_uploaded_downloaded_as_stored_and_removed(
    staff_client, staff, django_capture_on_commit_callbacks
):
    advice = advise(staff)
    add = reverse("legislation:advice_document_add", args=[advice.pk])

    fake = SimpleUploadedFile("analysis.pdf", b"Just some text, not a PDF.", content_type="application/pdf")
    refused = staff_client.post(add, {"title": "Analysis", "file": fake})
    assert refused.status_code == 400 and "This file is not a PDF or a Word (DOCX) document" in refused.content.decode()
    assert not AdviceDocument.objects.exists()

    upload = SimpleUploadedFile("GE analysis 2024.pdf", PDF, content_type="application/pdf")
    assert staff_client.post(add, {"title": "Analysis of the draft", "file": upload}).status_code == 302
    document = AdviceDocument.objects.get()
    assert (document.title, document.file_name, document.file_type, document.uploaded_by) == (
        "Analysis of the draft",
        "GE analysis 2024.pdf",
        "pdf",
        staff,
    )
    assert AuditEntry.objects.about(document).filter(action="legislation.advice_document.added").exists()
    document_pk = document.pk

    response = staff_client.get(reverse("legislation:advice_document", args=[document.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert "GE analysis 2024.pdf" in response["Content-Disposition"]

    stored = document.file.path
    with django_capture_on_commit_callbacks(execute=True):  # the test's transaction never commits
        assert staff_client.post(reverse("legislation:advice_document_delete", args=[document.pk])).status_code == 302
    assert not AdviceDocument.objects.exists()
    assert not os.path.exists(stored)
    removed = AuditEntry.objects.get(action="legislation.advice_document.removed")
    assert (removed.object_id, removed.user) == (str(document_pk), staff)
    assert removed.before["title"] == "Analysis of the draft"


def test_a_focal_point_reads_its_own_countrys_advice_only_and_changes_nothing(client, staff):
    own = advise(staff, "GE")
    other = advise(staff, "AM", reviewed="Armenian draft")
    upload = SimpleUploadedFile("a.pdf", PDF)
    theirs = services.add_advice_document(other, title="Armenian analysis", upload=upload, user=staff)
    client.force_login(make_user(Role.FOCAL_POINT))  # of Georgia

    listed = client.get(reverse("legislation:advice_list"))
    assert [row.pk for row in listed.context["advice"]] == [own.pk]
    assert "Record advice" not in listed.content.decode()
    page = client.get(reverse("legislation:advice_detail", args=[own.pk]))
    assert page.status_code == 200 and reverse("legislation:advice_edit", args=[own.pk]) not in page.content.decode()
    assert client.get(reverse("legislation:advice_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("legislation:advice_document", args=[theirs.pk])).status_code == 404
    xlsx = client.get(reverse("legislation:advice_export", args=["xlsx"]))
    assert len(list(openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.values)) == 2

    recommendation = services.record_recommendation(own, text="Keep it.", user=staff)
    for url in (
        reverse("legislation:advice_new"),
        reverse("legislation:advice_edit", args=[own.pk]),
        reverse("legislation:advice_recommendation_edit", args=[recommendation.pk]),
    ):
        assert client.get(url).status_code == 403
    for url in (
        reverse("legislation:advice_new"),
        reverse("legislation:advice_recommendation_add", args=[own.pk]),
        reverse("legislation:advice_document_add", args=[own.pk]),
        reverse("legislation:advice_document_delete", args=[theirs.pk]),
        reverse("legislation:advice_recommendation_take_up", args=[recommendation.pk]),
    ):
        assert client.post(url, {"text": "x", "title": "x"}).status_code == 403
    assert own.recommendations.get().taken_up_on is None and own.recommendations.count() == 1
    assert AdviceDocument.objects.count() == 1


@pytest.mark.parametrize("visitor", [Role.DONOR, Role.FINANCE_OFFICER])
def test_donors_and_the_finance_officer_read_all_advice_but_cannot_record_it(client, staff, visitor):
    advise(staff, "GE")
    advise(staff, "AM")
    client.force_login(make_user(visitor))
    assert len(client.get(reverse("legislation:advice_list")).context["advice"]) == 2
    assert client.get(reverse("legislation:advice_new")).status_code == 403


def test_the_anonymous_are_sent_to_sign_in(client):
    response = client.get(reverse("legislation:advice_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_a_correction_cannot_move_the_start_after_a_take_up(staff):
    advice = advise(staff, numbers=(2,))
    recommendation = services.record_recommendation(advice, text="Criminalise illegal access.", user=staff)
    services.take_up_recommendation(recommendation, taken_up_on=D(2024, 4, 1), user=staff, version=1)
    with pytest.raises(DomainError, match="Recommendation 1 was taken up on 2024-04-01, before the advice would start"):
        services.update_advice(
            advice,
            user=staff,
            version=1,
            reviewed=advice.reviewed,
            mode=advice.mode,
            starts_on=D(2024, 5, 1),
            ends_on=D(2024, 5, 2),
            articles=[article(2)],
        )
    assert Advice.objects.get().starts_on == D(2024, 3, 1)


def test_a_recommendation_is_corrected_with_its_version_on_an_article_covered(staff):
    advice = advise(staff, numbers=(2, 16))
    recommendation = services.record_recommendation(advice, text="Preservation.", user=staff)

    corrected = services.correct_recommendation(
        recommendation, text="Add expedited preservation orders.", article=article(16), user=staff, version=1
    )
    assert (corrected.number, corrected.text, corrected.article, corrected.version) == (
        1,
        "Add expedited preservation orders.",
        article(16),
        2,
    )
    with pytest.raises(ConflictError):
        services.correct_recommendation(recommendation, text="Stale", article=None, user=staff, version=1)
    with pytest.raises(DomainError, match="Article 22 is not among the articles the advice covered"):
        services.correct_recommendation(recommendation, text="X", article=article(22), user=staff, version=2)
    entry = AuditEntry.objects.about(corrected).get(action="legislation.recommendation.corrected")
    assert (entry.before["text"], entry.after["text"]) == ("Preservation.", "Add expedited preservation orders.")


def test_the_list_reads_in_a_fixed_number_of_queries(staff_client, staff):
    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(reverse("legislation:advice_list")).status_code == 200
        return len(captured)

    advise(staff, "GE")
    one = queries_for_list()
    for iso2 in ("AM", "MD", "UA", "AZ"):
        services.record_recommendation(advise(staff, iso2, numbers=(2, 3, 29)), text="R", user=staff)
    assert queries_for_list() == one


def test_a_recommendation_is_corrected_through_its_page(staff_client, staff):
    advice = advise(staff, numbers=(2, 16))
    recommendation = services.record_recommendation(advice, text="Preservation.", user=staff)
    url = reverse("legislation:advice_recommendation_edit", args=[recommendation.pk])
    page = staff_client.get(url).content.decode()
    assert "Preservation." in page and 'name="version" value="1"' in page
    services.correct_recommendation(recommendation, text="Changed meanwhile.", article=None, user=staff, version=1)

    stale = staff_client.post(url, {"text": "Mine.", "article": article(16).pk, "version": 1})
    assert stale.status_code == 400 and "Someone changed this record" in stale.content.decode()
    assert AdviceRecommendation.objects.get().text == "Changed meanwhile."
    assert staff_client.post(url, {"text": "Mine.", "article": article(16).pk, "version": 2}).status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.text, recommendation.article, recommendation.version) == ("Mine.", article(16), 3)


def test_the_advice_page_costs_the_same_queries_however_many_recommendations_are_open(staff_client, staff):
    advice = advise(staff, numbers=(2,))
    profiles.record_assessment(
        country("GE"),
        article(2),
        level="in_place",
        source="desk_review",
        assessed_on=D(2024, 9, 1),
        reviewed=True,
        user=staff,
    )
    url = reverse("legislation:advice_detail", args=[advice.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(url).status_code == 200
        return len(captured)

    services.record_recommendation(advice, text="Criminalise illegal access.", user=staff)
    one = queries()
    for number in range(5):
        services.record_recommendation(advice, text=f"Recommendation {number}.", user=staff)
    assert queries() == one
