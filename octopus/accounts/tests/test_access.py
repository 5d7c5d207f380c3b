"""The access matrix: every page and API route × every kind of visitor, allowed or refused.

A refused write must change nothing; an allowed write must take effect and be audited under the acting user.
A route added without an entry in the tables below fails `test_every_route_has_an_expectation`.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse

from octopus.accounts.models import APIToken, AuditEntry, Role, User
from octopus.accounts.services import issue_api_token
from octopus.api import api
from octopus.countries.models import Country
from octopus.jobs.models import Job
from octopus.jobs.runner import run_job
from octopus.results import services as results_services
from octopus.results.models import (
    Assumption,
    AssumptionReview,
    Indicator,
    LockedPeriod,
    LogframeVersion,
    ManualValue,
    Programme,
    ProgrammeFunder,
    Restatement,
    ResultNode,
    Snapshot,
    Target,
)
from octopus.results.services import digest_of
from octopus.testing.helpers import ROLE_SCOPES, VISITORS, PageAccess, assert_page_refused, assert_problem, make_user
from octopus.treaties.models import TreatyAction

EVERYONE = frozenset(VISITORS)
MEMBERS = frozenset(role.value for role in Role)  # anyone holding a role
STAFF = frozenset({Role.ADMINISTRATOR.value, Role.PROGRAMME_STAFF.value, Role.TCY_SECRETARIAT.value})
NOBODY = frozenset()
# Programme results: staff, the finance officer, focal points and donors (the donor visitor's code funds the programme
# the routes address, see `frozen_report`); programme staff and administrators freeze snapshots.
RESULTS_READERS = STAFF | {Role.FINANCE_OFFICER.value, Role.FOCAL_POINT.value, Role.DONOR.value}
RESULTS_MANAGERS = frozenset({Role.ADMINISTRATOR.value, Role.PROGRAMME_STAFF.value})

API_PREFIX = "api/v1/"

# Left out of the walk, each for a reason. Everything else the URL resolver knows must be in the tables below.
EXCLUDED_PREFIXES = {
    "admin/": "Django admin: guarded by Django's own is_staff check, not by Octopus roles",
    "accounts/": "allauth sign-in, sign-out and MFA set-up: open by design so that people can sign in",
    "i18n/": "language switch: open to everyone, changes only the visitor's own language cookie",
    "static/": "static files: served by WhiteNoise to everyone, no data behind them",
    # Domain apps with a matrix of their own (each also checks that it covers exactly the routes served).
    "workspace/people/": "people pages: octopus/people/tests/test_access.py",
    "api/v1/people": "people API: octopus/people/tests/test_access.py",
    "api/v1/organisations": "organisations API: octopus/people/tests/test_access.py",
    "events/": "public event pages and calendars: octopus/events/tests/test_access.py",
    "workspace/events/": "event workspace: octopus/events/tests/test_access.py",
    "workspace/check-in/": "badge check-in: octopus/events/tests/test_access.py",
    "nominate/": "nomination links: octopus/events/tests/test_access.py",
    "verify/": "certificate checks: octopus/events/tests/test_access.py",
    "api/v1/events": "events API: octopus/events/tests/test_access.py",
    "api/v1/registrations": "registrations API: octopus/events/tests/test_access.py",
    "t-cy/": "public committee pages: octopus/committees/tests/test_access_*.py",
    "workspace/t-cy/": "committee workspace: octopus/committees/tests/test_access_*.py",
    "api/v1/committee": "committee API: octopus/committees/tests/test_access_*.py",
    "workspace/questionnaires/": "questionnaires: octopus/surveys/tests/test_access.py",
    "workspace/responses/": "answering questionnaires: octopus/surveys/tests/test_access.py",
    "api/v1/questionnaires": "questionnaires API: octopus/surveys/tests/test_access.py",
    "api/v1/responses": "responses API: octopus/surveys/tests/test_access.py",
    "legislation/": "public legislation profiles: octopus/legislation/tests/test_access.py",
    "workspace/legislation/": "legislation workspace: octopus/legislation/tests/test_access.py",
    "workspace/countries/": "per-country activity: octopus/legislation/tests/test_access.py",
    "api/v1/legislation": "legislation API: octopus/legislation/tests/test_access.py",
    "workspace/funding/": "funding workspace: octopus/funding/tests/test_access.py",
    "api/v1/funding": "funding API: octopus/funding/tests/test_access.py",
    "workspace/jobs/": "background jobs: octopus/jobs/tests/test_access.py",
    "api/v1/jobs": "jobs API: octopus/jobs/tests/test_access.py",
    "workspace/treaties/": "treaty chart import: octopus/treaties/tests/test_access.py",
    "workspace/reports/": "progress reports: octopus/reports/tests/test_access_progress.py",
    "programmes/": "public project summaries: octopus/reports/tests/test_access_summary.py",
    "iati/": "IATI activity files: octopus/reports/tests/test_access_iati.py",
    "iati-organisation.xml": "IATI organisation file: octopus/reports/tests/test_access_iati.py",
}
EXCLUDED_PATTERNS = {
    "api/v1/programmes/<code>/summary": "public project summary: octopus/reports/tests/test_access_summary.py",
    "api/v1/programmes/<code>/iati": "IATI file API: octopus/reports/tests/test_access_iati.py",
}


# Pages, by URL name.
PAGES = {
    "treaties:home": PageAccess(read=EVERYONE, write=None),
    "treaties:country_list": PageAccess(read=EVERYONE, write=None),
    "treaties:country": PageAccess(read=EVERYONE, write=None),
    "treaties:sources": PageAccess(read=EVERYONE, write=None),
    "accounts:workspace": PageAccess(read=MEMBERS, write=None),
    "accounts:tokens": PageAccess(read=MEMBERS, write=MEMBERS),  # POST issues a token of one's own
    "accounts:token_revoke": PageAccess(read=None, write=MEMBERS),  # POST only
    "accounts:audit_log": PageAccess(read=STAFF, write=None),
    "treaties:action_create": PageAccess(read=STAFF, write=STAFF),
    "treaties:action_edit": PageAccess(read=STAFF, write=STAFF),
    "treaties:action_withdraw": PageAccess(read=None, write=STAFF),  # POST only
    "results:results_programmes": PageAccess(read=RESULTS_READERS, write=None),
    "results:results_programme_create": PageAccess(read=RESULTS_MANAGERS, write=RESULTS_MANAGERS),
    "results:results_dashboard": PageAccess(read=RESULTS_READERS, write=None),
    "results:results_logframe": PageAccess(read=RESULTS_READERS, write=None),
    "results:results_version_create": PageAccess(read=RESULTS_MANAGERS, write=RESULTS_MANAGERS),
    "results:results_node_create": PageAccess(read=RESULTS_MANAGERS, write=RESULTS_MANAGERS),
    "results:results_assumption_review": PageAccess(read=RESULTS_MANAGERS, write=RESULTS_MANAGERS),
    "results:results_overview": PageAccess(read=RESULTS_READERS, write=None),
    "results:results_indicator_create": PageAccess(read=RESULTS_MANAGERS, write=RESULTS_MANAGERS),
    "results:results_indicator": PageAccess(read=RESULTS_READERS, write=None),
    "results:results_indicator_edit": PageAccess(read=RESULTS_MANAGERS, write=RESULTS_MANAGERS),
    "results:results_records": PageAccess(read=RESULTS_READERS, write=None),
    "results:results_target_set": PageAccess(read=RESULTS_MANAGERS, write=RESULTS_MANAGERS),
    "results:results_value_create": PageAccess(read=STAFF, write=STAFF),
    "results:results_values": PageAccess(read=RESULTS_READERS, write=None),
    "results:results_value": PageAccess(read=STAFF, write=STAFF),
    "results:results_value_review": PageAccess(read=None, write=STAFF),  # POST only; approving needs RESULTS_MANAGERS
    "results:results_value_evidence": PageAccess(read=RESULTS_READERS, write=None),
    "results:results_period_lock": PageAccess(read=None, write=RESULTS_MANAGERS),  # POST only
    "results:results_iptt": PageAccess(read=RESULTS_READERS, write=None),
    "results:results_iptt_export": PageAccess(read=RESULTS_READERS, write=None),
    "results:results_snapshots": PageAccess(read=RESULTS_READERS, write=RESULTS_MANAGERS),  # POST freezes the figures
    "results:results_snapshot": PageAccess(read=RESULTS_READERS, write=RESULTS_MANAGERS),  # POST records a restatement
}

# API routes, by method and OpenAPI path.
API_ROUTES = {
    "GET /api/v1/": EVERYONE,  # Ninja's root: a 404 for everyone, whoever asks
    "GET /api/v1/openapi.json": EVERYONE,
    "GET /api/v1/docs": EVERYONE,
    "GET /api/v1/countries": EVERYONE,
    "GET /api/v1/countries/{iso2}": EVERYONE,
    "GET /api/v1/treaties": EVERYONE,
    "GET /api/v1/treaties/{number}": EVERYONE,
    "GET /api/v1/treaties/{number}/articles": EVERYONE,
    "GET /api/v1/treaty-status": EVERYONE,
    "GET /api/v1/treaty-actions": EVERYONE,
    "GET /api/v1/treaty-actions/{action_id}": EVERYONE,
    "POST /api/v1/treaty-actions": STAFF,
    "PUT /api/v1/treaty-actions/{action_id}": STAFF,
    "DELETE /api/v1/treaty-actions/{action_id}": STAFF,
    "GET /api/v1/programmes": RESULTS_READERS,
    "GET /api/v1/programmes/{code}": RESULTS_READERS,
    "GET /api/v1/programmes/{code}/logframe": RESULTS_READERS,
    "GET /api/v1/programmes/{code}/indicators": RESULTS_READERS,
    "GET /api/v1/programmes/{code}/indicators/{indicator_code}": RESULTS_READERS,
    "GET /api/v1/programmes/{code}/targets": RESULTS_READERS,
    "GET /api/v1/programmes/{code}/values": RESULTS_READERS,
    "GET /api/v1/programmes/{code}/snapshots": RESULTS_READERS,
    "GET /api/v1/programmes/{code}/snapshots/{snapshot_id}": RESULTS_READERS,
    "POST /api/v1/programmes/{code}/snapshots": RESULTS_MANAGERS,
}


def discovered_routes() -> set[str]:
    """Every route the URL resolver serves: pages by name, API routes as "METHOD /path"."""
    schema_paths = api.get_openapi_schema()["paths"]
    found = set()

    def walk(resolver, prefix, namespace):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if route in EXCLUDED_PATTERNS or route.startswith(tuple(EXCLUDED_PREFIXES)):
                continue
            if isinstance(entry, URLResolver):
                walk(entry, route, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif route.startswith(API_PREFIX):
                path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
                methods = schema_paths.get(path, {"get": None})  # openapi.json, docs and root are GET views
                found.update(f"{method.upper()} {path}" for method in methods)
            else:
                found.add(f"{namespace}{entry.name}" if entry.name else route)

    walk(get_resolver(), "", "")
    return found


def test_every_route_has_an_expectation():
    assert discovered_routes() == set(PAGES) | set(API_ROUTES)


# Arrange: one world per test, as the visitor finds it.


@dataclass
class World:
    user: User | None
    key: str | None  # the visitor's API key, if signed in
    action: TreatyAction  # a recorded act to correct or withdraw
    token: APIToken  # the token the visitor would revoke: their own, or someone else's for the anonymous
    free_country: str  # ISO2 of a State with nothing recorded under CETS 185
    snapshot: Snapshot | None = None  # a report frozen for the seed programme, which the donor visitor funds
    manual: Indicator | None = None  # an indicator of the seed programme entered by hand
    draft: ManualValue | None = None  # a draft value of it, with evidence, ready to submit


RESULTS_PROGRAMME = "cybercrime-octopus"


def frozen_report(by: User) -> Snapshot:
    """The seed programme, funded by the donor visitor's donor code, with one report frozen for it."""
    programme = Programme.objects.get(code=RESULTS_PROGRAMME)
    ProgrammeFunder.objects.create(
        programme=programme, donor_code=ROLE_SCOPES[Role.DONOR]["donor_code"], name="Access test donor"
    )
    parties = Indicator.objects.get(node__programme=programme, code="O.1")
    reported = {"actual": "1", "target": None, "status": "no_target", "start": "2014-01-01", "end": "2019-12-31"}
    # O.1 was "reported" as 1: it reads differently today, so a restatement can be recorded against it.
    indicators = {"O.1": {"id": parties.pk, "title": parties.title, "to_date": reported, "periods": {}, "records": {}}}
    data = {"programme": programme.code, "as_of": "2019-12-31", "logframe_version": 1, "indicators": indicators}
    return Snapshot.objects.create(
        programme=programme,
        title="Access test report",
        as_of=programme.ends_on,
        data=data,
        digest=digest_of(data),
        frozen_by=by,
    )


@pytest.fixture
def world(db, visitor) -> World:
    user = make_user(visitor)
    if user:
        token, key = issue_api_token(user, name="access test")
    else:
        owner = User.objects.create_user(email="token-owner@example.org", password="a-long-test-password")
        token, key = issue_api_token(owner, name="someone else's")[0], None
    return World(
        user=user,
        key=key,
        action=TreatyAction.objects.get(treaty__number=185, country__iso2="AL", kind="signed"),
        token=token,
        free_country=Country.objects.exclude(treaty_actions__treaty__number=185).order_by("iso2").first().iso2,
        snapshot=frozen_report(token.user),
        **manual_indicator(),
    )


def manual_indicator() -> dict:
    """A hand-entered indicator on the seed programme's Output 1 with a draft value, made by a colleague."""
    colleague = User.objects.create_user(email="colleague@example.org", password="a-long-test-password")
    node = ResultNode.objects.get(programme__code=RESULTS_PROGRAMME, code="1")
    manual = results_services.define_indicator(node, code="1.9", title="Access test", manual=True, user=colleague)
    draft = results_services.enter_manual_value(
        manual,
        period="2015",
        value=2,
        evidence_url="https://example.org/e",
        evidence_file=SimpleUploadedFile("agenda.txt", b"Workshop agenda"),
        user=colleague,
    )
    return {"manual": manual, "draft": draft}


@pytest.fixture
def visitor_client(client, world):
    if world.user:
        client.force_login(world.user)
    return client


def database_state() -> dict:
    """What a refused write must leave as it was."""
    return {
        "treaty_actions": list(TreatyAction.objects.order_by("pk").values()),
        "audit_entries": AuditEntry.objects.count(),
        "tokens": list(APIToken.objects.order_by("pk").values("pk", "user_id", "name", "revoked_at")),
        "snapshots": Snapshot.objects.count(),
        "results": [
            list(model.objects.order_by("pk").values())
            for model in (
                Programme,
                LogframeVersion,
                ResultNode,
                Indicator,
                Target,
                ManualValue,
                LockedPeriod,
                AssumptionReview,
            )
        ],
        "restatements": Restatement.objects.count(),
    }


def last_audit_entry() -> AuditEntry:
    return AuditEntry.objects.order_by("-id").first()


# Pages: reading.

PAGE_ARGS = {
    "treaties:country": lambda world: ["AL"],
    "treaties:action_edit": lambda world: [world.action.pk],
    "results:results_indicator": lambda world: [RESULTS_PROGRAMME, world.manual.pk],
    "results:results_indicator_edit": lambda world: [RESULTS_PROGRAMME, world.manual.pk],
    "results:results_records": lambda world: [RESULTS_PROGRAMME, world.manual.pk],
    "results:results_target_set": lambda world: [RESULTS_PROGRAMME, world.manual.pk],
    "results:results_value_create": lambda world: [RESULTS_PROGRAMME, world.manual.pk],
    "results:results_value": lambda world: [RESULTS_PROGRAMME, world.draft.pk],
    "results:results_value_review": lambda world: [RESULTS_PROGRAMME, world.draft.pk],
    "results:results_value_evidence": lambda world: [RESULTS_PROGRAMME, world.draft.pk],
    "results:results_iptt_export": lambda world: [RESULTS_PROGRAMME, "xlsx"],
    "results:results_snapshot": lambda world: [RESULTS_PROGRAMME, world.snapshot.pk],
    "results:results_assumption_review": lambda world: [
        RESULTS_PROGRAMME,
        Assumption.objects.get(node__programme__code=RESULTS_PROGRAMME, node__code="1").pk,
    ],
}


def page_path(name, world) -> str:
    if name in PAGE_ARGS:
        return reverse(name, args=PAGE_ARGS[name](world))
    if name.startswith("results:results_") and name not in (
        "results:results_programmes",
        "results:results_programme_create",
        "results:results_overview",
    ):
        return reverse(name, args=[RESULTS_PROGRAMME])
    return reverse(name)


@pytest.mark.parametrize(
    ("route", "visitor"), [(name, v) for name, access in PAGES.items() if access.read is not None for v in VISITORS]
)
def test_page_read(visitor_client, world, route, visitor):
    path = page_path(route, world)

    response = visitor_client.get(path)

    if visitor in PAGES[route].read:
        assert response.status_code == 200
    else:
        assert_page_refused(response, visitor, path)


# Pages: writing. Each write: where it goes, what it sends, and what it must have done when allowed.


def create_form(world):
    return reverse("treaties:action_create"), {
        "treaty": "185",
        "country": world.free_country,
        "kind": "invited",
        "date": "2020-01-15",
        "attested_on": "",
        "effective_on": "",
        "source": "Letter of invitation (access test)",
        "note": "",
    }


def assert_invitation_recorded(world, source):
    action = TreatyAction.objects.get(treaty__number=185, country__iso2=world.free_country)
    assert (action.kind, action.date.isoformat(), action.source) == ("invited", "2020-01-15", source)
    entry = last_audit_entry()
    assert (entry.action, entry.object_id, entry.user) == (
        "treaties.action.invited.recorded",
        str(action.pk),
        world.user,
    )
    return action


def created(world, response):
    assert response.status_code == 302
    assert response.url == reverse("treaties:country", args=[world.free_country])
    assert_invitation_recorded(world, "Letter of invitation (access test)")


def edit_form(world):
    action = world.action
    return reverse("treaties:action_edit", args=[action.pk]), {
        "version": str(action.version),
        "kind": action.kind,
        "date": action.date.isoformat(),
        "attested_on": "",
        "effective_on": "",
        "source": action.source,
        "note": "Corrected by the access test",
    }


def corrected(world, response):
    assert response.status_code == 302
    assert response.url == reverse("treaties:country", args=["AL"])
    action = TreatyAction.objects.get(pk=world.action.pk)
    assert (action.note, action.version) == ("Corrected by the access test", world.action.version + 1)
    entry = last_audit_entry()
    assert (entry.action, entry.object_id, entry.user) == ("treaties.action.corrected", str(action.pk), world.user)


def withdraw_form(world):
    return reverse("treaties:action_withdraw", args=[world.action.pk]), {
        "version": str(world.action.version),
        "reason": "Recorded in error (access test)",
    }


def assert_withdrawal_audited(world, reason):
    assert not TreatyAction.objects.filter(pk=world.action.pk).exists()
    entry = last_audit_entry()
    assert (entry.action, entry.object_id, entry.user, entry.data) == (
        "treaties.action.withdrawn",
        str(world.action.pk),
        world.user,
        {"reason": reason},
    )


def withdrawn(world, response):
    assert response.status_code == 302
    assert response.url == reverse("treaties:country", args=["AL"])
    assert_withdrawal_audited(world, "Recorded in error (access test)")


def revoke_form(world):
    return reverse("accounts:token_revoke", args=[world.token.pk]), {}


def revoked(world, response):
    assert response.status_code == 302
    assert response.url == reverse("accounts:tokens")
    world.token.refresh_from_db()
    assert world.token.revoked_at is not None
    entry = last_audit_entry()
    assert (entry.action, entry.object_id, entry.user) == ("accounts.token.revoked", str(world.token.pk), world.user)


def issue_form(world):
    return reverse("accounts:tokens"), {"name": "issued by the access test"}


def issued(world, response):
    assert response.status_code == 200
    token = APIToken.objects.get(name="issued by the access test")
    assert token.user == world.user
    assert token.prefix in response.content.decode()
    entry = last_audit_entry()
    assert (entry.action, entry.object_id, entry.user) == ("accounts.token.issued", str(token.pk), world.user)


def audited(world, action: str, obj) -> None:
    entry = last_audit_entry()
    assert (entry.action, entry.object_id, entry.user) == (action, str(obj.pk), world.user)


def seed_node(code: str) -> ResultNode:
    return ResultNode.objects.get(programme__code=RESULTS_PROGRAMME, code=code)


def redirected_to(response, name: str, *args) -> None:
    assert response.status_code == 302
    assert response.url.split("?")[0] == reverse(name, args=args)


def programme_form(world):
    return reverse("results:results_programme_create"), {
        "code": "access-test",
        "title": "Access test programme",
        "starts_on": "2021-01-01",
        "ends_on": "2022-12-31",
        "budget_ceiling": "1000",
        "currency": "EUR",
        "implementing_office": "Test office",
    }


def programme_created(world, response):
    programme = Programme.objects.get(code="access-test")
    redirected_to(response, "results:results_logframe", "access-test")
    assert programme.versions.get().valid_from.isoformat() == "2021-01-01"
    assert AuditEntry.objects.filter(action="results.programme.created", user=world.user).count() == 1


def revision_form(world):
    # After the seed's second version (in force from 2020-01-01, the Cybil revision).
    path = reverse("results:results_version_create", args=[RESULTS_PROGRAMME])
    return path, {"valid_from": "2020-07-01", "ends_on": "2021-12-31", "decision": "Access test revision"}


def revised(world, response):
    version = LogframeVersion.objects.get(programme__code=RESULTS_PROGRAMME, number=3)
    redirected_to(response, "results:results_logframe", RESULTS_PROGRAMME)
    assert (version.valid_from.isoformat(), version.ends_on.isoformat()) == ("2020-07-01", "2021-12-31")
    audited(world, "results.logframe.revised", version)


def node_form(world):
    path = reverse("results:results_node_create", args=[RESULTS_PROGRAMME])
    return path, {"level": "activity", "parent": seed_node("3").pk, "code": "A3.9", "title": "Access test activity"}


def node_added(world, response):
    redirected_to(response, "results:results_logframe", RESULTS_PROGRAMME)
    audited(world, "results.node.added", seed_node("A3.9"))


INDICATOR_FORM = {
    "title": "Workshops for judges",
    "measure": "count",
    "direction": "increase",
    "accumulation": "sum",
    "frequency": "year",
    "metric_key": "",
    "metric_params": "",
}


def indicator_form(world):
    path = reverse("results:results_indicator_create", args=[RESULTS_PROGRAMME])
    return path, {**INDICATOR_FORM, "node": seed_node("3").pk, "code": "3.9"}


def indicator_defined(world, response):
    indicator = Indicator.objects.get(node=seed_node("3"), code="3.9")
    redirected_to(response, "results:results_indicator", RESULTS_PROGRAMME, indicator.pk)
    assert indicator.manual
    audited(world, "results.indicator.defined", indicator)


def indicator_edit_form(world):
    path = reverse("results:results_indicator_edit", args=[RESULTS_PROGRAMME, world.manual.pk])
    return path, {**INDICATOR_FORM, "version": world.manual.version}


def indicator_updated(world, response):
    indicator = Indicator.objects.get(pk=world.manual.pk)
    redirected_to(response, "results:results_indicator", RESULTS_PROGRAMME, indicator.pk)
    assert (indicator.title, indicator.version) == ("Workshops for judges", world.manual.version + 1)
    audited(world, "results.indicator.updated", indicator)


def target_form(world):
    path = reverse("results:results_target_set", args=[RESULTS_PROGRAMME, world.manual.pk])
    version = LogframeVersion.objects.get(programme__code=RESULTS_PROGRAMME, number=1)
    return path, {"logframe_version": version.pk, "period": "2016", "comparator": "ge", "value": "3"}


def target_set(world, response):
    target = Target.objects.get(indicator=world.manual)
    redirected_to(response, "results:results_indicator", RESULTS_PROGRAMME, world.manual.pk)
    assert (target.period_start.isoformat(), target.comparator, target.value) == ("2016-01-01", "ge", 3)
    audited(world, "results.target.set", target)


def value_form(world):
    path = reverse("results:results_value_create", args=[RESULTS_PROGRAMME, world.manual.pk])
    return path, {"period": "2016", "value": "5", "evidence_url": "https://example.org/report"}


def value_entered(world, response):
    entry = ManualValue.objects.get(indicator=world.manual, period_start__year=2016)
    redirected_to(response, "results:results_indicator", RESULTS_PROGRAMME, world.manual.pk)
    assert (entry.value, entry.status, entry.entered_by) == (5, "draft", world.user)
    audited(world, "results.value.entered", entry)


def value_edit_form(world):
    path = reverse("results:results_value", args=[RESULTS_PROGRAMME, world.draft.pk])
    return path, {"value": "7", "evidence_url": "https://example.org/e", "version": world.draft.version}


def value_edited(world, response):
    entry = ManualValue.objects.get(pk=world.draft.pk)
    redirected_to(response, "results:results_indicator", RESULTS_PROGRAMME, world.manual.pk)
    assert (entry.value, entry.version) == (7, world.draft.version + 1)
    audited(world, "results.value.edited", entry)


def submit_form(world):
    path = reverse("results:results_value_review", args=[RESULTS_PROGRAMME, world.draft.pk])
    return path, {"decision": "submit", "version": world.draft.version}


def submitted(world, response):
    redirected_to(response, "results:results_value", RESULTS_PROGRAMME, world.draft.pk)
    assert ManualValue.objects.get(pk=world.draft.pk).status == "submitted"
    audited(world, "results.value.submitted", world.draft)


def lock_form(world):
    return reverse("results:results_period_lock", args=[RESULTS_PROGRAMME]), {"period": "2015"}


def locked(world, response):
    lock = LockedPeriod.objects.get(programme__code=RESULTS_PROGRAMME)
    redirected_to(response, "results:results_values", RESULTS_PROGRAMME)
    assert (lock.period_start.isoformat(), lock.period_end.isoformat()) == ("2015-01-01", "2015-12-31")
    audited(world, "results.period.locked", lock)


def freeze_form(world):
    return reverse("results:results_snapshots", args=[RESULTS_PROGRAMME]), {
        "title": "Access test",
        "as_of": "2018-12-31",
    }


def frozen(world, response):
    job = Job.objects.get(kind="results.snapshot")
    redirected_to(response, "jobs:job", job.pk)
    assert (job.created_by, job.payload["title"]) == (world.user, "Access test")
    run_job.call(job.pk)  # what the worker does once the page's transaction commits
    snapshot = Snapshot.objects.get(title="Access test")
    assert snapshot.frozen_by == world.user
    audited(world, "results.snapshot.frozen", snapshot)


def restate_form(world):
    path = reverse("results:results_snapshot", args=[RESULTS_PROGRAMME, world.snapshot.pk])
    parties = Indicator.objects.get(node__programme__code=RESULTS_PROGRAMME, code="O.1")
    return path, {"indicator": parties.pk, "period": "life", "reason": "The 2019 count was a typing error"}


def assumption_form(world):
    assumption = Assumption.objects.get(node__programme__code=RESULTS_PROGRAMME, node__code="1")
    path = reverse("results:results_assumption_review", args=[RESULTS_PROGRAMME, assumption.pk])
    return path, {"on": "2019-12-31", "status": "holds", "note": "Access test finding"}


def assumption_reviewed(world, response):
    review = AssumptionReview.objects.get(note="Access test finding")
    redirected_to(response, "results:results_logframe", RESULTS_PROGRAMME)
    assert (review.on.isoformat(), review.status, review.reviewed_by) == ("2019-12-31", "holds", world.user)
    audited(world, "results.assumption.reviewed", review)


def restated(world, response):
    restatement = Restatement.objects.get(snapshot=world.snapshot)
    redirected_to(response, "results:results_snapshot", RESULTS_PROGRAMME, world.snapshot.pk)
    assert (restatement.reported, restatement.reason) == ("1", "The 2019 count was a typing error")
    audited(world, "results.snapshot.restated", restatement)


PAGE_WRITES = {
    "results:results_programme_create": (programme_form, programme_created),
    "results:results_version_create": (revision_form, revised),
    "results:results_node_create": (node_form, node_added),
    "results:results_assumption_review": (assumption_form, assumption_reviewed),
    "results:results_indicator_create": (indicator_form, indicator_defined),
    "results:results_indicator_edit": (indicator_edit_form, indicator_updated),
    "results:results_target_set": (target_form, target_set),
    "results:results_value_create": (value_form, value_entered),
    "results:results_value": (value_edit_form, value_edited),
    "results:results_value_review": (submit_form, submitted),
    "results:results_period_lock": (lock_form, locked),
    "results:results_snapshots": (freeze_form, frozen),
    "results:results_snapshot": (restate_form, restated),
    "treaties:action_create": (create_form, created),
    "treaties:action_edit": (edit_form, corrected),
    "treaties:action_withdraw": (withdraw_form, withdrawn),
    "accounts:token_revoke": (revoke_form, revoked),
    "accounts:tokens": (issue_form, issued),
}


def test_every_page_write_has_a_scenario():
    assert set(PAGE_WRITES) == {name for name, access in PAGES.items() if access.write is not None}


@pytest.mark.parametrize(
    ("route", "visitor"), [(name, v) for name, access in PAGES.items() if access.write is not None for v in VISITORS]
)
def test_page_write(visitor_client, world, route, visitor):
    form, took_effect = PAGE_WRITES[route]
    path, data = form(world)
    before = database_state()

    response = visitor_client.post(path, data)

    if visitor in PAGES[route].write:
        took_effect(world, response)
    else:
        assert_page_refused(response, visitor, path)
        assert database_state() == before


def test_token_revoke_of_someone_elses_token_changes_nothing(client, db):
    owner, other = make_user(Role.PROGRAMME_STAFF), make_user(Role.TCY_SECRETARIAT)
    token, _key = issue_api_token(owner, name="owner's")
    client.force_login(other)
    before = database_state()

    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))

    assert response.status_code == 404
    assert database_state() == before


# API.

PATH_PARAMS = {"iso2": "AL", "number": 185, "code": RESULTS_PROGRAMME, "indicator_code": "O.1"}
QUERIES = {
    "/api/v1/treaty-status": "?treaty=185",
    "/api/v1/programmes/{code}/values": "?at=2019-12-31&period=life",
}
API_READS = [route for route in API_ROUTES if route.startswith("GET ")]
API_WRITES = [route for route in API_ROUTES if not route.startswith("GET ")]


def bearer(world) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {world.key}"} if world.key else {}


def api_url(route, world) -> str:
    path = route.split(" ", 1)[1]
    snapshot_id = world.snapshot.pk if world.snapshot else None
    return path.format(action_id=world.action.pk, snapshot_id=snapshot_id, **PATH_PARAMS) + QUERIES.get(path, "")


@pytest.mark.parametrize(("route", "visitor"), [(route, v) for route in API_READS for v in VISITORS])
def test_api_read(client, world, route, visitor):
    url = api_url(route, world)

    response = client.get(url, **bearer(world))

    if visitor in API_ROUTES[route]:
        assert response.status_code == (404 if route == "GET /api/v1/" else 200)
    else:
        assert_problem(response, 401 if visitor == "anonymous" else 403)


def api_create(world):
    return {
        "treaty": 185,
        "country": world.free_country,
        "kind": "invited",
        "date": "2020-01-15",
        "source": "Letter of invitation (API access test)",
    }


def api_created(world, response):
    assert response.status_code == 201
    action = assert_invitation_recorded(world, "Letter of invitation (API access test)")
    assert response.json()["id"] == action.pk


def api_correct(world):
    action = world.action
    return {
        "version": action.version,
        "kind": action.kind,
        "date": action.date.isoformat(),
        "source": action.source,
        "note": "Corrected through the API (access test)",
    }


def api_corrected(world, response):
    assert response.status_code == 200
    action = TreatyAction.objects.get(pk=world.action.pk)
    assert (action.note, action.version) == ("Corrected through the API (access test)", world.action.version + 1)
    assert response.json()["version"] == action.version
    entry = last_audit_entry()
    assert (entry.action, entry.object_id, entry.user) == ("treaties.action.corrected", str(action.pk), world.user)


def api_withdrawn(world, response):
    assert response.status_code == 204
    assert_withdrawal_audited(world, "Recorded in error (API access test)")


SNAPSHOT_ROUTE = "POST /api/v1/programmes/{code}/snapshots"


def api_freeze(world):
    return {"title": "Progress report (API access test)", "as_of": "2019-12-31"}


def api_frozen(world, response):
    assert response.status_code == 201
    frozen = Snapshot.objects.get(title="Progress report (API access test)")
    assert (frozen.programme.code, frozen.as_of.isoformat(), frozen.frozen_by) == (
        RESULTS_PROGRAMME,
        "2019-12-31",
        world.user,
    )
    assert (response.json()["id"], response.json()["verifies"]) == (frozen.pk, True)
    entry = last_audit_entry()
    assert (entry.action, entry.object_id, entry.user) == ("results.snapshot.frozen", str(frozen.pk), world.user)


def send_api_write(client, route, world):
    url = api_url(route, world)
    method = route.split(" ", 1)[0]
    if route == SNAPSHOT_ROUTE:
        return client.post(url, api_freeze(world), content_type="application/json", **bearer(world))
    if method == "POST":
        return client.post(url, api_create(world), content_type="application/json", **bearer(world))
    if method == "PUT":
        return client.put(url, api_correct(world), content_type="application/json", **bearer(world))
    query = f"?version={world.action.version}&reason={quote('Recorded in error (API access test)')}"
    return client.delete(url + query, **bearer(world))


API_WRITE_EFFECTS = {
    "POST /api/v1/treaty-actions": api_created,
    "PUT /api/v1/treaty-actions/{action_id}": api_corrected,
    "DELETE /api/v1/treaty-actions/{action_id}": api_withdrawn,
    SNAPSHOT_ROUTE: api_frozen,
}


def test_every_api_write_has_a_scenario():
    assert set(API_WRITE_EFFECTS) == set(API_WRITES)


@pytest.mark.parametrize(("route", "visitor"), [(route, v) for route in API_WRITES for v in VISITORS])
def test_api_write(client, world, route, visitor):
    before = database_state()

    response = send_api_write(client, route, world)

    if visitor in API_ROUTES[route]:
        API_WRITE_EFFECTS[route](world, response)
    else:
        assert_problem(response, 401 if visitor == "anonymous" else 403)
        if visitor == "anonymous":
            assert response["WWW-Authenticate"] == "Bearer"
        assert database_state() == before


@pytest.mark.parametrize("route", API_WRITES)
def test_api_write_with_a_signed_in_session_but_no_token_is_refused(client, db, route):
    staff = make_user(Role.PROGRAMME_STAFF)
    client.force_login(staff)
    action = TreatyAction.objects.get(treaty__number=185, country__iso2="AL", kind="signed")
    world = World(user=staff, key=None, action=action, token=None, free_country="AL")
    before = database_state()

    response = send_api_write(client, route, world)

    assert_problem(response, 401)
    assert database_state() == before
