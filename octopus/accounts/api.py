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
