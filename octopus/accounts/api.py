from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.pagination import PageNumberPagination
from ninja.security import HttpBearer

from octopus.accounts.services import user_for_api_key


class TokenAuth(HttpBearer):
    """Bearer token of an active user; the user is then request.auth (and request.user)."""

    def authenticate(self, request, token):
        user = user_for_api_key(token)
        if user is not None:
            request.user = user
        return user


token_auth = TokenAuth()


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
