from django.contrib import admin

from octopus.accounts.admin import ReadOnlyAdmin
from octopus.treaties.models import Article, OfficialCount, Treaty, TreatyAction


# Treaties, articles and official counts are reference data: they change through load_reference_data only.
@admin.register(Treaty)
class TreatyAdmin(ReadOnlyAdmin):
    list_display = ["number", "short_name", "opened_on"]


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    list_display = ["treaty", "number", "title", "chapter", "section"]
    list_filter = ["treaty"]


@admin.register(TreatyAction)
class TreatyActionAdmin(ReadOnlyAdmin):
    list_display = ["country", "treaty", "kind", "date", "attested_on", "origin"]
    list_filter = ["treaty", "kind", "origin"]
    search_fields = ["country__name", "source"]


@admin.register(OfficialCount)
class OfficialCountAdmin(ReadOnlyAdmin):
    list_display = ["treaty", "as_of", "parties", "signatories", "invited"]
