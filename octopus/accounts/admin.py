from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from octopus.accounts.models import APIToken, AuditEntry, Membership, User
from octopus.accounts.services import log_action, snapshot


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class OctopusUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["email", "first_name", "last_name", "is_active", "is_superuser", "is_sample"]
    list_filter = ["is_active", "is_superuser", "is_sample", "memberships__role"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["email"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["first_name", "last_name"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "is_sample"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def save_formset(self, request, form, formset, change):
        """Roles are granted here: each grant and withdrawal goes to the audit log."""
        instances = formset.save()
        if formset.model is not Membership:
            return
        for membership in instances:
            log_action(membership, "accounts.membership.granted", user=request.user, after=snapshot(membership))
        for membership in formset.deleted_objects:
            log_action(
                form.instance, "accounts.membership.withdrawn", user=request.user, data={"role": str(membership)}
            )


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that change only through services, so that every change is checked and audited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "object_repr"]
    list_filter = ["action"]


@admin.register(APIToken)
class APITokenAdmin(ReadOnlyAdmin):
    """Tokens are issued and revoked in the workspace, where it is audited."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
