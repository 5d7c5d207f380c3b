"""What every API router shares: who may call a route (`allowed`, `PUBLIC`), the types of paths and bodies,
pagination and the 422 of a refused form.

Each route states who may use it in its declaration, never in its body:

    @router.get("/people", auth=allowed("people.view_people", NO_ACCESS))  # a bearer token or the session
    @router.post("/people", auth=allowed("people.manage_people", NO_ACCESS, token_only=True))  # a token only
    @router.get("/jobs/{id}", auth=allowed(per_object=True))  # signed in; the body asks the job's own rule
    @router.get("/treaties", auth=PUBLIC)  # anyone

`allowed` authenticates (a bearer token of an active user, or the workspace session unless `token_only`), then
checks the rules permission: someone signed in without it gets the route's 403 problem, before any input is read.
A permission that depends on the record (a focal point's own country) is declared `per_object=True`: the
declaration names it and the body checks it against the record with `require`. octopus/api.py documents the 401
and 403 of every declared route, and site/tests/test_api_permissions.py holds every route to a declaration.
"""

from dataclasses import dataclass
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.pagination import PageNumberPagination
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from octopus.accounts.services import user_for_api_key
from octopus.lib.problems import PROBLEM_CONTENT_TYPE

# auth=PUBLIC: anyone may call the route, signed in or not (ninja reads None as "no authentication"). A public
# route that shows more to a signed-in reader finds them with `viewer(request)`.
PUBLIC = None

REFUSED = gettext_lazy("Your role does not allow this.")


@dataclass(frozen=True, eq=False)
class Rule:
    """Who may call a route: a signed-in user holding `permission` (on the record, when `per_object`)."""

    permission: str | None
    message: str | Promise = REFUSED
    per_object: bool = False
    token_only: bool = False

    def admit(self, user):
        """The user if the rule lets them in; PermissionDenied (the 403 problem) otherwise."""
        if self.permission and not self.per_object and not user.has_perm(self.permission):
            raise PermissionDenied(self.message)
        return user


class TokenAuth(HttpBearer):
    """Bearer token of an active user, who must then pass the route's rule; the user is request.auth (and
    request.user)."""

    def __init__(self, rule: Rule | None = None):
        super().__init__()
        self.rule = rule

    def authenticate(self, request, token):
        user = user_for_api_key(token)
        if user is None:
            return None
        request.user = user
        return self.rule.admit(user) if self.rule else user


class SessionAuth(NinjaSessionAuth):
    """The workspace session (named as ninja's, so the OpenAPI security scheme keeps its name), then the rule."""

    def __init__(self, rule: Rule | None = None):
        super().__init__()
        self.rule = rule

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        return self.rule.admit(user) if self.rule else user


def allowed(
    permission: str | None = None,
    message: str | Promise = REFUSED,
    *,
    per_object: bool = False,
    token_only: bool = False,
) -> list:
    """The `auth=` of a protected route: a bearer token, or (unless `token_only`: writers) the workspace session,
    of a user holding `permission`; anyone else signed in gets a 403 problem with `message`, the anonymous a 401.
    With `per_object` (or no permission at all), any signed-in user passes and the body decides per record, with
    `require` (or the record's own rule, as a job's kind)."""
    rule = Rule(permission, message, per_object=per_object or permission is None, token_only=token_only)
    return [TokenAuth(rule)] if token_only else [TokenAuth(rule), SessionAuth(rule)]


def rule_of(operation) -> Rule | None:
    """The rule a route declared with `allowed`, or None (a public route, or one declared otherwise)."""
    rules = {getattr(callback, "rule", None) for callback in operation.auth_callbacks}
    return rules.pop() if len(rules) == 1 else None


def require(user, permission: str, obj=None, message: str | Promise = REFUSED) -> None:
    """The body's check of a `per_object` permission against the record (a 403 problem with `message`)."""
    if not user.has_perm(permission, obj):
        raise PermissionDenied(message)


token_auth = TokenAuth()


def viewer(request):
    """On a public route: whoever sends a valid bearer token or workspace session, else the anonymous public."""
    return token_auth(request) or request.user


# The types every router's paths and bodies share. No NUL in text: PostgreSQL refuses it.
Id = Annotated[int, Field(ge=1, le=2**62)]
Version = Annotated[int, Field(ge=1, le=2**31, description="The version you read; a stale one is refused with 409.")]
Line = Annotated[str, Field(max_length=300, pattern=r"^[^\x00]*$")]
Text = Annotated[str, Field(max_length=20000, pattern=r"^[^\x00]*$")]

# The 409 a POST can give too (octopus/api.py documents it for PUT and DELETE only).
CONFLICT = {
    "responses": {
        "409": {
            "description": "Changed by someone else since the version you send",
            "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    }
}

# A route that finds a record by a code or id in its query string can answer 404 too: this marks it, and
# octopus/api.py documents the problem (it documents 404 for every path parameter already).
NOT_FOUND = {"responses": {"404": {"description": "No record has the code or id the query string names"}}}


class Pagination(PageNumberPagination):
    """Page-number pagination with bounded numbers (an absurd page is a 422, not a database overflow)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=1000)


def form_errors(errors) -> ValidationError:
    """A refused form (or its errors) as the 422 every API route answers: one entry per field and message."""
    errors = getattr(errors, "errors", errors)
    return ValidationError(
        [
            {"loc": (field if field != "__all__" else "request",), "msg": str(message)}
            for field, messages in errors.items()
            for message in messages
        ]
    )
