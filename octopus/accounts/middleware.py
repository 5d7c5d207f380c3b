from django.shortcuts import redirect
from django.urls import reverse

from octopus.accounts.permissions import is_administrator


class RequireAdministratorMFAMiddleware:
    """Administrators must set up TOTP before they can use anything but the pages that set it up."""

    ALWAYS_ALLOWED = ("/accounts/", "/static/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(self.ALWAYS_ALLOWED)
            and is_administrator(user)
            and not self._has_totp(user)
        ):
            return redirect(reverse("mfa_activate_totp") + "?next=" + request.path)
        return self.get_response(request)

    @staticmethod
    def _has_totp(user) -> bool:
        from allauth.mfa.models import Authenticator

        return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
