from django.contrib import admin

from octopus.reports.models import Publication


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ("programme", "public", "is_sample")
    list_filter = ("public", "is_sample")
