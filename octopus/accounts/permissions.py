"""Who may do what. Predicates are shared by pages, API and services (django-rules).

A user's memberships are read once per user object and kept on it, so checking many rules costs one query.
"""

import rules

from octopus.accounts.models import Role


def roles_of(user) -> frozenset[tuple[str, str, str]]:
    """(role, country_code, donor_code) for each membership of an active, signed-in user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_octopus_roles", None)
    if cached is None:
        cached = frozenset(user.memberships.values_list("role", "country_code", "donor_code"))
        if user.is_superuser:
            cached |= {(Role.ADMINISTRATOR.value, "", "")}
        user._octopus_roles = cached
    return cached


def has_role(*roles: Role):
    wanted = {role.value for role in roles}

    @rules.predicate(name="has_role(" + ",".join(sorted(wanted)) + ")")
    def predicate(user) -> bool:
        return any(role in wanted for role, _country, _donor in roles_of(user))

    return predicate


is_administrator = has_role(Role.ADMINISTRATOR)
is_programme_staff = has_role(Role.PROGRAMME_STAFF)
is_finance_officer = has_role(Role.FINANCE_OFFICER)
is_tcy_secretariat = has_role(Role.TCY_SECRETARIAT)
is_focal_point = has_role(Role.FOCAL_POINT)
is_donor = has_role(Role.DONOR)
is_member = has_role(*Role)

# Staff of the programme office: they run the programme's records.
is_staff_member = is_administrator | is_programme_staff | is_tcy_secretariat


rules.add_perm("accounts.use_workspace", is_member)
rules.add_perm("accounts.view_audit", is_administrator | is_programme_staff | is_tcy_secretariat)
rules.add_perm("accounts.manage_tokens", is_member)


def permission_required(perm: str):
    """View decorator: the anonymous are sent to sign in; a signed-in user without `perm` gets 403."""
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_permission = perm
        return wrapped

    return decorator
