from django.contrib import admin

from octopus.accounts.admin import ReadOnlyAdmin
from octopus.treaties.models import Article, OfficialCount, Treaty, TreatyAction


@admin.register(Treaty)
class TreatyAdmin(admin.ModelAdmin):
    list_display = ["number", "short_name", "opened_on"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["treaty", "number", "title", "chapter", "section"]
    list_filter = ["treaty"]


@admin.register(TreatyAction)
class TreatyActionAdmin(ReadOnlyAdmin):
    list_display = ["country", "treaty", "kind", "date", "attested_on", "origin"]
    list_filter = ["treaty", "kind", "origin"]
    search_fields = ["country__name", "source"]


@admin.register(OfficialCount)
class OfficialCountAdmin(admin.ModelAdmin):
    list_display = ["treaty", "as_of", "parties", "signatories", "invited"]
