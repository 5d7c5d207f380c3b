"""The JSON API at /api/v1/: each app contributes a router; every error is an RFC 9457 problem document."""

import json

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from octopus.accounts.api import Rule, rule_of
from octopus.committees.api import documents as committee_documents
from octopus.committees.api import meetings as committee_meetings
from octopus.committees.api import membership as committee_membership
from octopus.committees.api import rounds as committee_rounds
from octopus.countries.api import router as countries_router
from octopus.events.api import router as events_router
from octopus.funding.api import budget as funding_budget
from octopus.funding.api import contributions as funding_contributions
from octopus.funding.api import position as funding_position
from octopus.jobs.api import router as jobs_router
from octopus.legislation.api import advice as legislation_advice
from octopus.legislation.api import profiles as legislation_profiles
from octopus.legislation.api import statistics as legislation_statistics
from octopus.lib.errors import ConflictError, DomainError
from octopus.lib.problems import PROBLEM_CONTENT_TYPE, problem
from octopus.people.api import router as people_router
from octopus.reports.api import iati as reports_iati
from octopus.reports.api import summary as reports_summary
from octopus.results.api import router as results_router
from octopus.surveys.api import router as surveys_router
from octopus.treaties.api import router as treaties_router

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
PROBLEM_RESPONSES = {
    "400": "Malformed request: a body that is not JSON, or a NUL character in the URL",
    "404": "No such resource",
    "401": "No valid bearer token",
    "403": "Your role does not allow this",
    "409": "Changed by someone else since the version you send",
    "422": "Invalid parameters or body",
}


SAMPLE_HEADER = "Octopus-Sample-Data"
SAMPLE_KEYS = ("is_sample", "sample")


def holds_sample(data) -> bool:
    """True when an answer's data has a record or a programme flagged as sample (`is_sample` or `sample`)."""
    if isinstance(data, dict):
        return any(data.get(key) is True for key in SAMPLE_KEYS) or any(holds_sample(v) for v in data.values())
    if isinstance(data, (list, tuple)):
        return any(holds_sample(item) for item in data)
    return False


class OctopusAPI(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        """Every answer holding sample data says so in a header too, beside the flags in its body."""
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        if holds_sample(data):
            response[SAMPLE_HEADER] = "true"
        return response

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Document the problem responses every operation can give, in one place (`ProblemSchema`)."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schema = ProblemSchema(self, path_prefix)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        return schema


class ProblemSchema(OpenAPISchema):
    """The OpenAPI document, with each operation's problem responses: 400 and 422 always, 404 for a path
    parameter (or a query's NOT_FOUND), 409 for PUT and DELETE (CONFLICT for a POST), and 401 and 403 for a route
    declared with `allowed`: its 403 names the permission it needs."""

    def operation_details(self, operation) -> dict:
        details = super().operation_details(operation)
        responses = details["responses"]
        codes = {"400": None, "422": None}
        if "{" in operation.path or "404" in responses:
            codes["404"] = None
        rule = rule_of(operation)
        if rule is not None:
            codes["401"] = PROBLEM_RESPONSES["401"] if rule.token_only else "No valid bearer token or session"
            codes["403"] = refusal(rule)
        elif details.get("security"):  # authenticated, but not declared with `allowed`
            codes["401"] = codes["403"] = None
        if {"PUT", "DELETE"} & set(operation.methods):
            codes["409"] = None
        content = {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for code, description in codes.items():
            description = description or responses.get(code, {}).get("description", PROBLEM_RESPONSES[code])
            responses[code] = {"description": str(description), "content": content}
        return details


def refusal(rule: Rule) -> str:
    """The 403 of a declared route as the OpenAPI document describes it (in English, as every summary)."""
    if rule.permission is None:
        return "Your role does not allow this record (the record's own rule decides)"
    if rule.per_object:
        return f"Your role does not allow this: it needs the permission `{rule.permission}` on the record"
    return f"Your role does not allow this: it needs the permission `{rule.permission}`"


api = OctopusAPI(
    title="Octopus API",
    version="1",
    description=(
        "Countries, treaties, their articles and dated treaty actions, and the status of every State under a "
        "treaty at any date, open to all. Programmes, their logframes, indicators, targets, values and snapshots, "
        "for signed-in users whose role reads them (a bearer token or the workspace session). Writing needs a "
        "bearer token of a user allowed to write (create one in the workspace). Errors are RFC 9457 problem "
        "documents. An answer holding sample data (invented for trying Octopus) flags each such record "
        "`is_sample: true` (an aggregate, `sample: true`) and carries the header `Octopus-Sample-Data: true`."
    ),
    urls_namespace="api",
)
api.add_router("/", countries_router)
api.add_router("/", treaties_router)
api.add_router("/", results_router)
api.add_router("/", people_router)
api.add_router("/", events_router)
api.add_router("/", surveys_router)
api.add_router("/", committee_membership.router)
api.add_router("/", committee_meetings.router)
api.add_router("/", committee_documents.router)
api.add_router("/", committee_rounds.router)
api.add_router("/", legislation_profiles.router)
api.add_router("/", legislation_advice.router)
api.add_router("/", legislation_statistics.router)
api.add_router("/", funding_contributions.router)
api.add_router("/", funding_budget.router)
api.add_router("/", funding_position.router)
api.add_router("/", reports_summary.router)
api.add_router("/", reports_iati.router)
api.add_router("/", jobs_router)


def problem_response(status: int, detail: str = "", **kwargs) -> HttpResponse:
    return HttpResponse(json.dumps(problem(status, detail, **kwargs)), status=status, content_type=PROBLEM_CONTENT_TYPE)


def _field_of(loc) -> str:
    # Ninja reports ("query", "at") or ("body", "payload", "date"): keep the parts a client names.
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "request"


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    errors = [{"field": _field_of(e.get("loc", ())), "message": e.get("msg", "Invalid value.")} for e in exc.errors]
    return problem_response(422, "Some parameters are not valid.", errors=errors)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    response = problem_response(401, "Send a valid API token: Authorization: Bearer <token>.")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return problem_response(403, str(exc) or "Your role does not allow this.")


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return problem_response(404, str(exc) or "No such resource.")


@api.exception_handler(ConflictError)
def on_conflict(request, exc):
    return problem_response(409, str(exc))


@api.exception_handler(DomainError)
def on_domain_error(request, exc):
    return problem_response(422, str(exc))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return problem_response(exc.status_code, str(exc))


NUL_REFUSED = "A NUL character is not allowed in a URL."


class RejectNullCharactersMiddleware:
    """A NUL character in the path or query string is never meaningful, and PostgreSQL refuses it in text."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "") or "\x00" in str(request.GET):
            if request.path.startswith("/api/"):
                return problem_response(400, NUL_REFUSED)
            return HttpResponse(NUL_REFUSED, status=400, content_type="text/plain")
        return self.get_response(request)


class ProblemJSONMiddleware:
    """Errors that happen outside an API operation (no such route, method not allowed, a server error) are
    problem documents too, for every path under /api/."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and response.get("Content-Type", "").split(";")[0] != PROBLEM_CONTENT_TYPE
        ):
            detail = {404: f"No API route at {request.path}.", 405: f"{request.method} is not allowed here."}
            problem = problem_response(response.status_code, detail.get(response.status_code, ""))
            if response.has_header("Allow"):
                problem["Allow"] = response["Allow"]
            return problem
        return response
