from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
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
    return redirect("tokens")


@permission_required("accounts.view_audit")
def audit_log(request):
    entries = AuditEntry.objects.select_related("user")
    action = request.GET.get("action", "").strip()
    if action:
        entries = entries.filter(action__startswith=action[:100])
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit.html", {"page": page, "action": action})
