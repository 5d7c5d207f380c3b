from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Administrators create accounts and grant roles; there is no self-service sign-up.
        return False
