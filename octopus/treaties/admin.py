from django.contrib import admin

from octopus.treaties.models import Article, OfficialCount, Treaty, TreatyAction


@admin.register(Treaty)
class TreatyAdmin(admin.ModelAdmin):
    list_display = ["number", "short_name", "opened_on"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["treaty", "number", "title", "chapter", "section"]
    list_filter = ["treaty"]


@admin.register(TreatyAction)
class TreatyActionAdmin(admin.ModelAdmin):
    """Read-only: changes go through the workspace so that they are checked and audited."""

    list_display = ["country", "treaty", "kind", "date", "attested_on", "origin"]
    list_filter = ["treaty", "kind", "origin"]
    search_fields = ["country__name", "source"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OfficialCount)
class OfficialCountAdmin(admin.ModelAdmin):
    list_display = ["treaty", "as_of", "parties", "signatories", "invited"]
