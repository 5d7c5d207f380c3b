from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from octopus.accounts.forms import TokenForm
from octopus.accounts.models import APIToken, AuditEntry
from octopus.accounts.permissions import permission_required
from octopus.accounts.services import issue_api_token, revoke_api_token


@permission_required("accounts.use_workspace")
def workspace(request):
    recent = AuditEntry.objects.select_related("user")[:10] if request.user.has_perm("accounts.view_audit") else []
    memberships = request.user.memberships.all()
    return render(request, "accounts/workspace.html", {"recent": recent, "memberships": memberships})


@permission_required("accounts.manage_tokens")
def tokens(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = issue_api_token(request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    own = APIToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "accounts/tokens.html", {"form": form, "tokens": own, "new_key": new_key})


@require_POST
@permission_required("accounts.manage_tokens")
def token_revoke(request, pk):
    token = get_object_or_404(APIToken, pk=pk, user=request.user)
    revoke_api_token(token, user=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


@permission_required("accounts.view_audit")
def audit_log(request):
    entries = AuditEntry.objects.select_related("user")
    action = request.GET.get("action", "").strip()
    if action:
        entries = entries.filter(action__startswith=action[:100])
    downloads = request.GET.get("downloads") == "1"
    if downloads:
        entries = entries.filter(action__endswith=".downloaded")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit.html", {"page": page, "action": action, "downloads": downloads})


def admin_login(request):
    """Where the Django admin sends whoever it does not let in. The anonymous go to the one sign-in (allauth's,
    with its rate limits and TOTP); a signed-in user without access to the admin gets the 403 page (signing in
    again would only send them back to the admin, and round again); one with access goes on to `next`."""
    if not request.user.is_authenticated:
        query = request.META.get("QUERY_STRING", "")
        return redirect(reverse("account_login") + (f"?{query}" if query else ""))
    if not admin.site.has_permission(request):
        raise PermissionDenied
    wanted = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(wanted if safe else reverse("admin:index"))
