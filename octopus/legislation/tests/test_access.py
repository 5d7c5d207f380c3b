"""Every legislation page and API route × every kind of visitor (`octopus.testing.helpers.VISITORS`).

The public reads the heat map, the profiles, the per-article pages and the files of reviewed laws. The workspace's
readers (staff, focal points, the finance officer, donors) read the profiles, the advice and the statistics; those
who keep a country's profile (staff: any; a focal point: its own, Georgia here) record laws and statements; staff
review drafts, record advice (and the programmes it serves) and statistics, import files and see per country all
the programme did there. The effect of a programme's assistance is read by whoever reads the programme's results
(staff, the finance officer, focal points, and a donor the programme it funds). A refused
page sends the anonymous to sign in and is a 403 for everyone else; a refused API call is a problem 401 or 403.
Whatever is refused changes nothing; every allowed write takes effect and is audited under the acting user. Another
country's drafts, editor, advice and documents are a 404 to a focal point. The tables must cover exactly the routes
served under the prefixes the central matrix leaves here.
"""

import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from octopus.accounts.models import AuditEntry, Role, User
from octopus.countries.models import Country
from octopus.jobs.models import Job
from octopus.legislation import urls
from octopus.legislation.models import (
    Advice,
    AdviceDocument,
    AdviceRecommendation,
    Assessment,
    Law,
    ReviewState,
    Statistic,
    StatisticsQuestionnaire,
)
from octopus.legislation.services import advice as advice_services
from octopus.legislation.services import profiles
from octopus.legislation.services import statistics as statistics_services
from octopus.legislation.views.imports import SESSION_KEY
from octopus.lib.imports import stage
from octopus.results.assignments import assignments_of
from octopus.results.models import Assignment, Programme, ProgrammeFunder, ResultNode
from octopus.surveys.models import Questionnaire
from octopus.testing.access_matrix import (
    StateBefore,
    Visit,
    api_reads,
    api_request,
    api_writes,
    audited,
    bearer,
    check_api_read,
    check_api_write,
    check_page_read,
    check_page_write,
    each_visitor,
    methods_answered_but_not_served,
    page_reads,
    page_writes,
    redirected_to,
    served_api_routes,
    served_pages,
)
from octopus.testing.factories import UserFactory
from octopus.testing.helpers import VISITORS, PageAccess, assert_problem, bearer_for, make_user
from octopus.treaties.models import Article

D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

EVERYONE = frozenset(VISITORS)
STAFF = frozenset({Role.ADMINISTRATOR.value, Role.PROGRAMME_STAFF.value, Role.TCY_SECRETARIAT.value})
# legislation.view_workspace
READERS = STAFF | {Role.FOCAL_POINT.value, Role.FINANCE_OFFICER.value, Role.DONOR.value}
# results.view_programmes on a programme the donor visitor funds (the effect of assistance)
RESULTS_READERS = STAFF | {Role.FOCAL_POINT.value, Role.FINANCE_OFFICER.value, Role.DONOR.value}
# legislation.edit_profile on Georgia, the country the routes address (the focal point visitor is Georgia's)
EDITORS = STAFF | {Role.FOCAL_POINT.value}

# The prefixes the central matrix leaves to this file (its EXCLUDED_PREFIXES).
PREFIXES = ("legislation/", "workspace/legislation/", "workspace/countries/")
API_PREFIX = "/api/v1/legislation"

PAGES = {
    # Public: reviewed statements only.
    "legislation:legislation_map": PageAccess(read=EVERYONE, write=None),
    "legislation:legislation_map_export": PageAccess(read=EVERYONE, write=None),
    "legislation:legislation_profile": PageAccess(read=EVERYONE, write=None),
    "legislation:legislation_article": PageAccess(read=EVERYONE, write=None),
    "legislation:law_file": PageAccess(
        read=EVERYONE, write=None
    ),  # a reviewed law's; a draft's only to its editors (404)
    # Keeping profiles.
    "legislation:legislation_workspace": PageAccess(read=READERS, write=None),
    "legislation:legislation_workspace_export": PageAccess(read=READERS, write=None),
    "legislation:profile_edit": PageAccess(read=READERS, write=None),  # drafts shown to the country's editors only
    "legislation:assessment_new": PageAccess(read=EDITORS, write=EDITORS),
    "legislation:law_new": PageAccess(read=EDITORS, write=EDITORS),
    "legislation:law_edit": PageAccess(read=EDITORS, write=EDITORS),
    "legislation:assessment_withdraw": PageAccess(read=None, write=EDITORS),  # POST only; the author's own draft only
    "legislation:legislation_review": PageAccess(read=STAFF, write=None),
    "legislation:assessment_review": PageAccess(read=None, write=STAFF),  # POST only
    "legislation:law_review": PageAccess(read=None, write=STAFF),  # POST only
    # Advice: a focal point reads its own country's.
    "legislation:advice_list": PageAccess(read=READERS, write=None),
    "legislation:advice_export": PageAccess(read=READERS, write=None),
    "legislation:advice_new": PageAccess(read=STAFF, write=STAFF),
    "legislation:advice_detail": PageAccess(read=READERS, write=None),
    "legislation:advice_edit": PageAccess(read=STAFF, write=STAFF),
    "legislation:advice_programmes": PageAccess(read=None, write=STAFF),  # POST only
    "legislation:advice_recommendation_add": PageAccess(read=None, write=STAFF),  # POST only
    "legislation:advice_recommendation_edit": PageAccess(read=STAFF, write=STAFF),
    "legislation:advice_recommendation_take_up": PageAccess(read=None, write=STAFF),  # POST only
    "legislation:advice_document_add": PageAccess(read=None, write=STAFF),  # POST only
    "legislation:advice_document": PageAccess(read=READERS, write=None),
    "legislation:advice_document_delete": PageAccess(read=None, write=STAFF),  # POST only
    # Statistics: a focal point reads its own country's rows.
    "legislation:statistics_list": PageAccess(read=READERS, write=None),
    "legislation:statistics_enter": PageAccess(read=STAFF, write=None),
    "legislation:statistics_edit": PageAccess(read=STAFF, write=STAFF),
    "legislation:statistics_questionnaire_create": PageAccess(read=None, write=STAFF),  # POST only
    # Imports.
    "legislation:legislation_import": PageAccess(read=STAFF, write=STAFF),  # POST: the preview, nothing written
    "legislation:legislation_import_template": PageAccess(read=STAFF, write=None),
    "legislation:legislation_import_preview": PageAccess(read=STAFF, write=STAFF),  # POST confirms: a job is queued
    # Everything the programme did in a country.
    "legislation:country_activity": PageAccess(read=STAFF, write=None),
    # The effect of a programme's assistance: as its results pages.
    "legislation:legislation_effect": PageAccess(read=RESULTS_READERS, write=None),
    "legislation:legislation_effect_export": PageAccess(read=RESULTS_READERS, write=None),
}

# An allowed GET that answers with a redirect, by design.
READ_REDIRECTS = {
    "legislation:legislation_import_preview": "legislation:legislation_import"
}  # nothing uploaded yet: upload first

API_ROUTES = {
    # Public: reviewed statements only.
    f"GET {API_PREFIX}/compliance": EVERYONE,
    f"GET {API_PREFIX}/profiles/{{iso2}}": EVERYONE,
    f"GET {API_PREFIX}/articles/{{number}}": EVERYONE,
    # Profiles.
    f"GET {API_PREFIX}/assessments": READERS,
    f"POST {API_PREFIX}/assessments": EDITORS,
    f"POST {API_PREFIX}/assessments/{{assessment_id}}/review": STAFF,
    f"GET {API_PREFIX}/laws": READERS,
    f"POST {API_PREFIX}/laws": EDITORS,
    f"PUT {API_PREFIX}/laws/{{law_id}}": EDITORS,
    f"POST {API_PREFIX}/laws/{{law_id}}/review": STAFF,
    # Advice.
    f"GET {API_PREFIX}/advice": READERS,
    f"GET {API_PREFIX}/advice/{{advice_id}}": READERS,
    f"POST {API_PREFIX}/advice": STAFF,
    f"PUT {API_PREFIX}/advice/{{advice_id}}": STAFF,
    f"PUT {API_PREFIX}/advice/{{advice_id}}/programmes": STAFF,
    f"POST {API_PREFIX}/advice/{{advice_id}}/recommendations": STAFF,
    f"POST {API_PREFIX}/recommendations/{{recommendation_id}}/take-up": STAFF,
    # Statistics.
    f"GET {API_PREFIX}/statistics": READERS,
    f"POST {API_PREFIX}/statistics": STAFF,
}


def test_the_pages_tested_are_the_pages_served():
    assert {f"legislation:{pattern.name}" for pattern in urls.urlpatterns} == set(PAGES)
    assert served_pages(PREFIXES) == set(PAGES)  # and no other module serves a page under the legislation addresses


def test_the_api_routes_tested_are_the_api_routes_served():
    served = served_api_routes()
    assert served_api_routes((API_PREFIX,)) == set(API_ROUTES)
    # Every legislation route lives under /api/v1/legislation, none elsewhere.
    assert not {route for route in served if "legislation" in route and API_PREFIX not in route}


# Arrange: profiles, advice and statistics as the visitor finds them, kept by someone else.


def country(iso2: str) -> Country:
    return Country.objects.get(iso2=iso2)


def article(number: int) -> Article:
    return Article.objects.get(treaty__number=185, number=number)


def pdf(name: str = "text.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def statistics_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Country", "Year", "Figure", "Value", "Source", "Citation"])
    sheet.append(["GE", 2019, "cases_recorded", 12, "published", "Annual report 2019"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class LegislationWorld:
    keeper: User  # programme staff who recorded everything below
    law: Law  # Georgia's Criminal Code: reviewed, with its PDF
    draft_law: Law  # a Georgian law awaiting review
    draft: Assessment  # a Georgian statement on Article 2 awaiting review
    advice: Advice  # given to Georgia on Articles 2, 6, 16, with a recommendation and a document
    recommendation: AdviceRecommendation
    document: AdviceDocument
    job: Job  # a finished statistics import
    # Armenia's, for the focal point of Georgia: drafts, advice and a document it must not see.
    am_law: Law
    am_draft_law: Law  # with a file
    am_draft: Assessment
    am_advice: Advice
    am_recommendation: AdviceRecommendation
    am_document: AdviceDocument


PROGRAMME = "cybercrime-octopus"


def build() -> LegislationWorld:
    # Staff: an attached file keeps a law reviewed.
    keeper = UserFactory(email="legislation-keeper@example.org", role=Role.PROGRAMME_STAFF)
    # The donor visitor funds the programme whose effect of assistance it reads.
    ProgrammeFunder.objects.create(programme=Programme.objects.get(code=PROGRAMME), donor_code="DONOR-1", name="Donor")
    georgia, armenia = country("GE"), country("AM")
    law = profiles.record_law(georgia, title="Criminal Code", year=1999, user=keeper, reviewed=True)
    law = profiles.attach_law_file(law, pdf("criminal-code.pdf"), user=keeper, version=law.version)
    draft_law = profiles.record_law(georgia, title="Law on Electronic Communications", year=2005, user=keeper)
    profiles.record_assessment(
        georgia,
        article(6),
        level="partially",
        source="tcy_assessment",
        assessed_on=D(2020, 1, 1),
        user=keeper,
        reviewed=True,
        laws=[law],
    )
    draft = profiles.record_assessment(
        georgia, article(2), level="in_place", source="desk_review", assessed_on=D(2021, 1, 1), user=keeper
    )
    advice = advice_services.record_advice(
        georgia,
        reviewed="Draft law on electronic evidence",
        mode="desk_review",
        starts_on=D(2024, 3, 1),
        ends_on=D(2024, 3, 20),
        articles=[article(2), article(6), article(16)],
        user=keeper,
    )
    recommendation = advice_services.record_recommendation(advice, text="Criminalise illegal access.", user=keeper)
    document = advice_services.add_advice_document(advice, title="Analysis", upload=pdf("analysis.pdf"), user=keeper)
    statistics_services.record_figures(
        georgia,
        2020,
        {"cases_recorded": 30, "mla_received": 4},
        source="published",
        citation="Annual report 2020",
        user=keeper,
    )
    job = Job.objects.create(
        kind="legislation.import",
        payload={"kind": "statistics"},
        file_name="figures.xlsx",
        total=2,
        done=2,
        status="done",
        created_by=keeper,
        outcome={"added": 2},
    )
    am_law = profiles.record_law(armenia, title="Armenian Criminal Code", year=2003, user=keeper, reviewed=True)
    am_draft_law = profiles.record_law(armenia, title="Armenian draft on e-evidence", year=2020, user=keeper)
    am_draft_law = profiles.attach_law_file(am_draft_law, pdf("am.pdf"), user=keeper, version=am_draft_law.version)
    am_draft = profiles.record_assessment(
        armenia, article(2), level="partially", source="self_report", assessed_on=D(2021, 1, 1), user=keeper
    )
    am_advice = advice_services.record_advice(
        armenia,
        reviewed="Armenian draft",
        mode="workshop",
        starts_on=D(2024, 4, 1),
        ends_on=D(2024, 4, 2),
        articles=[article(2)],
        user=keeper,
    )
    am_recommendation = advice_services.record_recommendation(am_advice, text="Amend Article 2.", user=keeper)
    am_document = advice_services.add_advice_document(am_advice, title="Armenian analysis", upload=pdf(), user=keeper)
    return LegislationWorld(
        keeper=keeper,
        law=law,
        draft_law=draft_law,
        draft=draft,
        advice=advice,
        recommendation=recommendation,
        document=document,
        job=job,
        am_law=am_law,
        am_draft_law=am_draft_law,
        am_draft=am_draft,
        am_advice=am_advice,
        am_recommendation=am_recommendation,
        am_document=am_document,
    )


def database_state() -> dict:
    """What a refused write must leave as it was: every legislation row, the questionnaires, the stored files and
    the audit log."""
    models = (
        Law,
        Assessment,
        Advice,
        AdviceRecommendation,
        AdviceDocument,
        Statistic,
        StatisticsQuestionnaire,
        Job,
        Questionnaire,
        Assignment,
    )
    state = {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}
    media = Path(settings.MEDIA_ROOT)
    files = media.rglob("*") if media.exists() else []
    state["files"] = sorted(str(p.relative_to(media)) for p in files if p.is_file())
    state["audit_entries"] = AuditEntry.objects.count()
    return state


@dataclass
class World(Visit):
    """One visitor in the legislation world (see `octopus.testing.access_matrix.each_visitor`)."""

    legislation: LegislationWorld
    own_draft: Assessment | None = field(default=None)  # a draft the visitor recorded, for withdrawing


@pytest.fixture
def legislation(db) -> LegislationWorld:
    return build()


def page_args(name: str, world: World) -> list:
    w = world.legislation
    return {
        "legislation:legislation_map_export": ["csv"],
        "legislation:legislation_profile": ["GE"],
        "legislation:legislation_article": [6],
        "legislation:law_file": [w.law.pk],
        "legislation:legislation_workspace_export": ["csv"],
        "legislation:profile_edit": ["GE"],
        "legislation:assessment_new": ["GE", 7],
        "legislation:law_new": ["GE"],
        "legislation:law_edit": [w.law.pk],
        "legislation:assessment_withdraw": [world.own_draft.pk if world.own_draft else w.draft.pk],
        "legislation:assessment_review": [w.draft.pk],
        "legislation:law_review": [w.draft_law.pk],
        "legislation:advice_export": ["csv"],
        "legislation:advice_detail": [w.advice.pk],
        "legislation:advice_edit": [w.advice.pk],
        "legislation:advice_programmes": [w.advice.pk],
        "legislation:legislation_effect": [PROGRAMME],
        "legislation:legislation_effect_export": [PROGRAMME, "csv"],
        "legislation:advice_recommendation_add": [w.advice.pk],
        "legislation:advice_recommendation_edit": [w.recommendation.pk],
        "legislation:advice_recommendation_take_up": [w.recommendation.pk],
        "legislation:advice_document_add": [w.advice.pk],
        "legislation:advice_document": [w.document.pk],
        "legislation:advice_document_delete": [w.document.pk],
        "legislation:statistics_edit": ["GE", 2020],
        "legislation:legislation_import_template": ["profiles"],
        "legislation:country_activity": ["GE"],
    }.get(name, [])


def page_path(name: str, world: World) -> str:
    return reverse(name, args=page_args(name, world))


@pytest.mark.parametrize("route", page_reads(PAGES))
def test_page_read(legislation, route):
    for visitor, world in each_visitor(World, legislation=legislation):
        path = page_path(route, world)
        state = StateBefore(database_state)

        response = world.client.get(path)

        check_page_read(visitor, response, path, PAGES[route].read, redirect_to=READ_REDIRECTS.get(route))
        state.assert_unchanged(visitor)


# Pages: writing. Each write: what it sends, and what it must have done when allowed.


def assessment_form(w):
    return {"level": "in_place", "source": "self_report", "assessed_on": "2024-01-10", "provisions": "Art. 286"}


def assessment_recorded(world, response):
    redirected_to(response, "legislation:profile_edit", "GE")
    recorded = Assessment.objects.get(country__iso2="GE", article__number=7)
    # Staff leave "record as reviewed" unticked here: a draft either way.
    assert (recorded.level, recorded.state, recorded.recorded_by) == ("in_place", ReviewState.DRAFT, world.user)
    audited(world.user, "legislation.assessment.recorded", recorded)


def law_recorded(world, response):
    redirected_to(response, "legislation:profile_edit", "GE")
    law = Law.objects.get(country__iso2="GE", title="Law on Electronic Evidence")
    assert (law.year, law.recorded_by) == (2022, world.user)
    audited(world.user, "legislation.law.recorded", law)


def law_form(w):
    return {"title": "Criminal Code (amended)", "year": "2001", "url": "", "version": w.law.version}


def law_changed(world, response):
    redirected_to(response, "legislation:profile_edit", "GE")
    law = Law.objects.get(pk=world.legislation.law.pk)
    assert (law.title, law.year, law.version) == ("Criminal Code (amended)", 2001, world.legislation.law.version + 1)
    # A focal point's change is a draft again until staff review it; staff's keeps the law reviewed.
    expected = ReviewState.DRAFT if world.visitor == Role.FOCAL_POINT else ReviewState.REVIEWED
    assert law.state == expected
    audited(world.user, "legislation.law.updated", law)


def own_draft(world: World) -> None:
    """The visitor's own draft statement on Article 3 of Georgia: only its author may withdraw it."""
    world.own_draft = profiles.record_assessment(
        country("GE"), article(3), level="partially", source="self_report", assessed_on=D(2023, 5, 1), user=world.user
    )


def withdrawn(world, response):
    redirected_to(response, "legislation:assessment_new", "GE", 3)
    draft = Assessment.objects.get(pk=world.own_draft.pk)
    assert (draft.state, draft.reviewed_by) == (ReviewState.REJECTED, None)
    audited(world.user, "legislation.assessment.withdrawn", draft)


def accepted(model, attribute, action):
    def took_effect(world, response):
        redirected_to(response, "legislation:legislation_review")
        item = model.objects.get(pk=getattr(world.legislation, attribute).pk)
        assert (item.state, item.reviewed_by) == (ReviewState.REVIEWED, world.user)
        audited(world.user, action, item)

    return took_effect


def advice_form(w, *, new=True):
    data = {
        "reviewed": "Draft amendments to the Criminal Procedure Code",
        "mode": "workshop",
        "starts_on": "2024-05-06",
        "ends_on": "2024-05-07",
        "articles": [article(n).pk for n in (2, 6, 16, 17)],
    }
    if new:
        data["country"] = country("MD").pk
    else:
        data["version"] = w.advice.version
    return data


def advice_recorded(world, response):
    advice = Advice.objects.get(country__iso2="MD")
    redirected_to(response, "legislation:advice_detail", advice.pk)
    assert (advice.mode, advice.recorded_by) == ("workshop", world.user)
    audited(world.user, "legislation.advice.recorded", advice)


def advice_corrected(world, response):
    redirected_to(response, "legislation:advice_detail", world.legislation.advice.pk)
    advice = Advice.objects.get(pk=world.legislation.advice.pk)
    assert (advice.mode, advice.version) == ("workshop", world.legislation.advice.version + 1)
    assert sorted(advice.articles.values_list("number", flat=True)) == [2, 6, 16, 17]
    audited(world.user, "legislation.advice.corrected", advice)


def recommendation_recorded(world, response):
    redirected_to(response, "legislation:advice_detail", world.legislation.advice.pk)
    recommendation = AdviceRecommendation.objects.get(advice=world.legislation.advice, number=2)
    assert (recommendation.text, recommendation.article.number) == ("Criminalise misuse of devices.", 6)
    audited(world.user, "legislation.recommendation.recorded", recommendation)


def recommendation_corrected(world, response):
    redirected_to(response, "legislation:advice_detail", world.legislation.advice.pk)
    recommendation = AdviceRecommendation.objects.get(pk=world.legislation.recommendation.pk)
    assert (recommendation.text, recommendation.article.number) == ("Criminalise illegal access (Art. 2).", 2)
    audited(world.user, "legislation.recommendation.corrected", recommendation)


def take_up_form(w):
    prefix = f"r{w.recommendation.pk}-"
    return {prefix + "taken_up_on": "2024-09-01", prefix + "version": w.recommendation.version}


def taken_up(world, response):
    redirected_to(response, "legislation:advice_detail", world.legislation.advice.pk)
    recommendation = AdviceRecommendation.objects.get(pk=world.legislation.recommendation.pk)
    assert recommendation.taken_up_on == D(2024, 9, 1)
    audited(world.user, "legislation.recommendation.taken_up", recommendation)


def document_added(world, response):
    redirected_to(response, "legislation:advice_detail", world.legislation.advice.pk)
    document = AdviceDocument.objects.get(advice=world.legislation.advice, title="Workshop report")
    assert (document.file_type, document.uploaded_by) == ("pdf", world.user)
    audited(world.user, "legislation.advice_document.added", document)


def document_removed(world, response):
    redirected_to(response, "legislation:advice_detail", world.legislation.advice.pk)
    assert not AdviceDocument.objects.filter(pk=world.legislation.document.pk).exists()
    audited(world.user, "legislation.advice_document.removed", world.legislation.document)


def figures_recorded(world, response):
    redirected_to(response, "legislation:statistics_list")
    figures = Statistic.objects.filter(country__iso2="GE", year=2020)
    assert dict(figures.values_list("figure", "value")) == {
        "cases_recorded": 30,
        "mla_received": 4,
        "cases_prosecuted": 7,
    }
    prosecuted = figures.get(figure="cases_prosecuted")
    assert (prosecuted.citation, prosecuted.recorded_by) == ("Court statistics 2020", world.user)
    audited(world.user, "legislation.statistic.recorded", prosecuted)


def questionnaire_prepared(world, response):
    prepared = StatisticsQuestionnaire.objects.get(year=2023)
    redirected_to(response, "surveys:questionnaire", prepared.questionnaire.pk)
    assert prepared.questionnaire.created_by == world.user
    audited(world.user, "surveys.questionnaire.created", prepared.questionnaire)


def import_form(w):
    return {"kind": "statistics", "file": SimpleUploadedFile("figures.xlsx", statistics_workbook())}


def previewed(world, response):
    # The rows wait in the session for the preview; nothing is written before the confirmation.
    redirected_to(response, "legislation:legislation_import_preview")
    assert world.client.session[SESSION_KEY]["kind"] == "statistics"


def uploaded(world: World) -> None:
    """The visitor's session holds a previewed workbook, as if they had uploaded it."""
    session = world.client.session
    staged = stage(SimpleUploadedFile("figures.xlsx", statistics_workbook()))
    session[SESSION_KEY] = {"kind": "statistics", "name": "figures.xlsx", "staged": staged}
    session.save()
    world.client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key


def import_queued(world, response):
    job = Job.objects.exclude(pk=world.legislation.job.pk).get()
    redirected_to(response, "jobs:job", job.pk)
    # The job runs once the request's transaction commits (never in this test); its rows are applied under its
    # creator, who is the acting user.
    assert (job.payload["kind"], job.total, job.created_by, job.status) == ("statistics", 1, world.user, "queued")


def octopus_activity() -> ResultNode:
    return ResultNode.objects.get(programme__code=PROGRAMME, code="A3.3")


def programmes_form(w):
    return {
        "programmes-TOTAL_FORMS": "1",
        "programmes-INITIAL_FORMS": "0",
        "programmes-0-programme": PROGRAMME,
        "programmes-0-share": "100",
        "programmes-0-activity": octopus_activity().pk,
    }


def programmes_set(world, response):
    redirected_to(response, "legislation:advice_detail", world.legislation.advice.pk)
    served = assignments_of(world.legislation.advice)
    assert [(a.programme.code, a.activity.code) for a in served] == [(PROGRAMME, "A3.3")]
    audited(world.user, "results.assignment.set", world.legislation.advice)


PAGE_WRITES = {
    "legislation:assessment_new": (assessment_form, assessment_recorded),
    "legislation:law_new": (lambda w: {"title": "Law on Electronic Evidence", "year": "2022"}, law_recorded),
    "legislation:law_edit": (law_form, law_changed),
    "legislation:assessment_withdraw": (lambda w: {"version": 1}, withdrawn),
    "legislation:assessment_review": (
        lambda w: {"decision": "accept", "version": w.draft.version},
        accepted(Assessment, "draft", "legislation.assessment.reviewed"),
    ),
    "legislation:law_review": (
        lambda w: {"decision": "accept", "version": w.draft_law.version},
        accepted(Law, "draft_law", "legislation.law.reviewed"),
    ),
    "legislation:advice_new": (advice_form, advice_recorded),
    "legislation:advice_edit": (lambda w: advice_form(w, new=False), advice_corrected),
    "legislation:advice_programmes": (programmes_form, programmes_set),
    "legislation:advice_recommendation_add": (
        lambda w: {"text": "Criminalise misuse of devices.", "article": article(6).pk},
        recommendation_recorded,
    ),
    "legislation:advice_recommendation_edit": (
        lambda w: {
            "text": "Criminalise illegal access (Art. 2).",
            "article": article(2).pk,
            "version": w.recommendation.version,
        },
        recommendation_corrected,
    ),
    "legislation:advice_recommendation_take_up": (take_up_form, taken_up),
    "legislation:advice_document_add": (
        lambda w: {"title": "Workshop report", "file": pdf("report.pdf")},
        document_added,
    ),
    "legislation:advice_document_delete": (lambda w: {}, document_removed),
    "legislation:statistics_edit": (
        lambda w: {"citation": "Court statistics 2020", "cases_prosecuted": "7"},
        figures_recorded,
    ),
    "legislation:statistics_questionnaire_create": (lambda w: {"year": "2023"}, questionnaire_prepared),
    "legislation:legislation_import": (import_form, previewed),
    "legislation:legislation_import_preview": (lambda w: {"confirm": "1"}, import_queued),
}
# What the visitor has done before the write, inside its savepoint.
PREPARE = {"legislation:assessment_withdraw": own_draft, "legislation:legislation_import_preview": uploaded}


def test_every_page_write_has_a_scenario():
    assert set(PAGE_WRITES) == set(page_writes(PAGES))


@pytest.mark.parametrize("route", page_writes(PAGES))
def test_page_write(legislation, route):
    form, took_effect = PAGE_WRITES[route]
    for visitor, world in each_visitor(World, legislation=legislation):
        if route in PREPARE:
            PREPARE[route](world)
        path = page_path(route, world)
        state = StateBefore(database_state)

        response = world.client.post(path, form(legislation))

        check_page_write(visitor, world, response, path, PAGES[route].write, took_effect, state)
        if route == "legislation:legislation_import" and visitor not in PAGES[route].write:
            assert SESSION_KEY not in world.client.session, visitor  # a refused upload leaves no preview behind


def test_a_page_answers_only_the_methods_it_serves(client, legislation):
    # A GET-only page refuses POST, a POST-only page refuses GET, and none takes PUT or DELETE (405, before any
    # look-up): a form page must not treat another method as a GET. Checked as staff, who pass every permission.
    # Fails until country_activity is @require_GET and assessment_new, law_new, law_edit are
    # @require_http_methods(["GET", "POST"]) (they answer PUT and DELETE, and country_activity POST, with the page).
    user = make_user(Role.TCY_SECRETARIAT)
    client.force_login(user)
    world = World(visitor="tcy_secretariat", user=user, key=None, legislation=legislation, client=client)

    assert methods_answered_but_not_served(client, PAGES, lambda route: page_path(route, world)) == {}


def test_a_draft_is_withdrawn_by_its_author_only(client, legislation):
    # Staff keep Georgia's profile, yet a draft someone else recorded is not theirs to withdraw (only to review).
    client.force_login(make_user(Role.TCY_SECRETARIAT))
    before = database_state()

    response = client.post(reverse("legislation:assessment_withdraw", args=[legislation.draft.pk]), {"version": 1})

    redirected_to(response, "legislation:assessment_new", "GE", 2)
    assert database_state() == before


def test_another_countrys_drafts_advice_and_documents_do_not_exist_for_a_focal_point(client, legislation):
    focal_point = make_user(Role.FOCAL_POINT)  # of Georgia
    client.force_login(focal_point)
    headers = bearer_for(focal_point)
    w = legislation
    reads = [
        reverse("legislation:assessment_new", args=["AM", 2]),
        reverse("legislation:law_new", args=["AM"]),
        reverse("legislation:law_edit", args=[w.am_law.pk]),
        reverse("legislation:law_file", args=[w.am_draft_law.pk]),  # a draft's file
        reverse("legislation:advice_detail", args=[w.am_advice.pk]),
        reverse("legislation:advice_document", args=[w.am_document.pk]),
    ]
    writes = [
        (reverse("legislation:assessment_new", args=["AM", 2]), assessment_form(w)),
        (reverse("legislation:law_new", args=["AM"]), {"title": "Georgian text for Armenia"}),
        (reverse("legislation:law_edit", args=[w.am_law.pk]), {"title": "Changed", "version": w.am_law.version}),
        (reverse("legislation:assessment_withdraw", args=[w.am_draft.pk]), {"version": w.am_draft.version}),
    ]
    before = database_state()

    for path in reads:
        assert client.get(path).status_code == 404, path
    for path, data in writes:
        assert client.post(path, data).status_code == 404, path

    # Armenia's reviewed profile is a page it reads, without Armenia's drafts.
    profile = client.get(reverse("legislation:profile_edit", args=["AM"]))
    assert (profile.status_code, profile.context["editor"], profile.context["pending"]) == (200, False, 0)
    assert "Armenian draft on e-evidence" not in profile.content.decode()
    # Over the API: Armenia's draft law and advice are a 404, its drafts are not listed.
    change = {"title": "Changed", "url": "", "version": w.am_draft_law.version}
    put = client.put(f"{API_PREFIX}/laws/{w.am_draft_law.pk}", change, content_type="application/json", **headers)
    assert_problem(put, 404)
    assert_problem(client.get(f"{API_PREFIX}/advice/{w.am_advice.pk}", **headers), 404)
    listed = client.get(f"{API_PREFIX}/assessments", **headers).json()["items"]
    assert w.am_draft.pk not in {row["id"] for row in listed} and w.draft.pk in {row["id"] for row in listed}
    laws = {row["id"] for row in client.get(f"{API_PREFIX}/laws", **headers).json()["items"]}
    assert w.am_draft_law.pk not in laws and w.am_law.pk in laws
    assert database_state() == before


@pytest.mark.parametrize("visitor", VISITORS)
def test_a_draft_laws_file_exists_only_for_its_countrys_editors(client, legislation, visitor):
    user = make_user(visitor)
    if user:
        client.force_login(user)
    draft = profiles.attach_law_file(
        legislation.draft_law, pdf(), user=legislation.keeper, version=legislation.draft_law.version
    )

    response = client.get(reverse("legislation:law_file", args=[draft.pk]))

    if visitor in EDITORS:
        assert (response.status_code, b"".join(response.streaming_content)) == (200, PDF)
        assert response["Cache-Control"] == "private, no-store"
    else:
        assert response.status_code == 404


# API.


def api_url(route: str, world: World) -> str:
    w = world.legislation
    path = route.split(" ", 1)[1]
    return path.format(
        iso2="GE",
        number=6,
        assessment_id=w.draft.pk,
        law_id=w.draft_law.pk if path.endswith("/review") else w.law.pk,
        advice_id=w.advice.pk,
        recommendation_id=w.recommendation.pk,
    )


def api_assessment_recorded(world, response):
    assert response.status_code == 201, response.content
    recorded = Assessment.objects.get(pk=response.json()["id"])
    assert (recorded.country.iso2, recorded.article.number, recorded.state) == ("GE", 7, ReviewState.DRAFT)
    audited(world.user, "legislation.assessment.recorded", recorded)


def api_accepted(attribute, action):
    def took_effect(world, response):
        assert (response.status_code, response.json()["state"]) == (200, "reviewed")
        item = getattr(world.legislation, attribute)
        assert item.__class__.objects.get(pk=item.pk).reviewed_by == world.user
        audited(world.user, action, item)

    return took_effect


def api_law_recorded(world, response):
    assert response.status_code == 201, response.content
    law = Law.objects.get(pk=response.json()["id"])
    assert (law.country.iso2, law.title, law.recorded_by) == ("GE", "API law", world.user)
    audited(world.user, "legislation.law.recorded", law)


def api_law_changed(world, response):
    assert response.status_code == 200, response.content
    law = Law.objects.get(pk=world.legislation.law.pk)
    assert (response.json()["title"], law.title) == ("Criminal Code (API)", "Criminal Code (API)")
    audited(world.user, "legislation.law.updated", law)


def api_advice_body(w, *, new=True):
    body = {
        "country": "MD" if new else "GE",
        "reviewed": "API draft",
        "mode": "mission",
        "starts_on": "2024-02-01",
        "ends_on": "2024-02-03",
        "articles": [2, 6, 16],
    }
    if not new:
        body["version"] = w.advice.version
    return body


def api_advice_recorded(world, response):
    assert response.status_code == 201, response.content
    advice = Advice.objects.get(pk=response.json()["id"])
    assert (advice.country.iso2, advice.mode, advice.recorded_by) == ("MD", "mission", world.user)
    audited(world.user, "legislation.advice.recorded", advice)


def api_advice_corrected(world, response):
    assert (response.status_code, response.json()["mode"]) == (200, "mission"), response.content
    audited(world.user, "legislation.advice.corrected", world.legislation.advice)


def api_recommendation_recorded(world, response):
    assert response.status_code == 201, response.content
    recommendation = AdviceRecommendation.objects.get(pk=response.json()["id"])
    assert (recommendation.number, recommendation.article.number) == (2, 16)
    audited(world.user, "legislation.recommendation.recorded", recommendation)


def api_taken_up(world, response):
    assert (response.status_code, response.json()["taken_up_on"]) == (200, "2024-06-01"), response.content
    audited(world.user, "legislation.recommendation.taken_up", world.legislation.recommendation)


def api_figures_recorded(world, response):
    assert response.status_code == 201, response.content
    recorded = Statistic.objects.get(country__iso2="GE", year=2021, figure="cases_recorded")
    assert (recorded.value, recorded.recorded_by) == (5, world.user)
    audited(world.user, "legislation.statistic.recorded", recorded)


def api_programmes_set(world, response):
    assert response.status_code == 200, response.content
    assert [row["programme"] for row in response.json()["programmes"]] == [PROGRAMME]
    audited(world.user, "results.assignment.set", world.legislation.advice)


API_WRITES = {
    f"POST {API_PREFIX}/assessments": (
        lambda w: {
            "country": "GE",
            "article": 7,
            "level": "in_place",
            "source": "self_report",
            "assessed_on": "2024-01-10",
        },
        api_assessment_recorded,
    ),
    f"POST {API_PREFIX}/assessments/{{assessment_id}}/review": (
        lambda w: {"accept": True, "version": w.draft.version},
        api_accepted("draft", "legislation.assessment.reviewed"),
    ),
    f"POST {API_PREFIX}/laws": (lambda w: {"country": "GE", "title": "API law", "year": 2021}, api_law_recorded),
    f"PUT {API_PREFIX}/laws/{{law_id}}": (
        lambda w: {"title": "Criminal Code (API)", "year": 1999, "version": w.law.version},
        api_law_changed,
    ),
    f"POST {API_PREFIX}/laws/{{law_id}}/review": (
        lambda w: {"accept": True, "version": w.draft_law.version},
        api_accepted("draft_law", "legislation.law.reviewed"),
    ),
    f"POST {API_PREFIX}/advice": (api_advice_body, api_advice_recorded),
    f"PUT {API_PREFIX}/advice/{{advice_id}}": (lambda w: api_advice_body(w, new=False), api_advice_corrected),
    f"PUT {API_PREFIX}/advice/{{advice_id}}/programmes": (
        lambda w: {"programmes": [{"programme": PROGRAMME, "share": 100, "activity": octopus_activity().code}]},
        api_programmes_set,
    ),
    f"POST {API_PREFIX}/advice/{{advice_id}}/recommendations": (
        lambda w: {"text": "Add preservation orders.", "article": 16},
        api_recommendation_recorded,
    ),
    f"POST {API_PREFIX}/recommendations/{{recommendation_id}}/take-up": (
        lambda w: {"taken_up_on": "2024-06-01", "version": w.recommendation.version},
        api_taken_up,
    ),
    f"POST {API_PREFIX}/statistics": (
        lambda w: {"country": "GE", "year": 2021, "figures": {"cases_recorded": 5}, "citation": "Annual report"},
        api_figures_recorded,
    ),
}


def test_every_api_write_has_a_scenario():
    assert set(API_WRITES) == set(api_writes(API_ROUTES))


@pytest.mark.parametrize("route", api_reads(API_ROUTES))
def test_api_read(client, legislation, route):
    for visitor, world in each_visitor(World, legislation=legislation):
        state = StateBefore(database_state)

        response = api_request(client, route, api_url(route, world), **bearer(world))  # a token, never a session

        check_api_read(visitor, response, API_ROUTES[route])
        state.assert_unchanged(visitor)


@pytest.mark.parametrize("route", API_WRITES)
def test_api_write(client, legislation, route):
    body, took_effect = API_WRITES[route]
    for visitor, world in each_visitor(World, legislation=legislation):
        state = StateBefore(database_state)

        response = api_request(client, route, api_url(route, world), body(legislation), **bearer(world))

        check_api_write(visitor, world, response, API_ROUTES[route], took_effect, state)


@pytest.mark.parametrize("route", API_WRITES)
def test_api_write_with_a_signed_in_session_but_no_token_is_refused(client, legislation, route):
    # A workspace session is no authority for API writes: a page elsewhere could otherwise forge them.
    client.force_login(make_user(Role.TCY_SECRETARIAT))
    body, _took_effect = API_WRITES[route]
    world = World(visitor="tcy_secretariat", user=None, key=None, legislation=legislation, client=client)
    before = database_state()

    response = api_request(client, route, api_url(route, world), body(legislation))  # no token

    assert_problem(response, 401)
    assert database_state() == before
