from typing import Annotated

from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.pagination import PageNumberPagination
from ninja.security import HttpBearer, SessionAuth

from octopus.accounts.services import user_for_api_key
from octopus.lib.problems import PROBLEM_CONTENT_TYPE


class TokenAuth(HttpBearer):
    """Bearer token of an active user; the user is then request.auth (and request.user)."""

    def authenticate(self, request, token):
        user = user_for_api_key(token)
        if user is not None:
            request.user = user
        return user


token_auth = TokenAuth()
# Readers come with a bearer token or with the session of the workspace; writers only with a token.
read_auth = [token_auth, SessionAuth()]

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
