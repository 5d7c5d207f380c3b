from django.contrib import admin

from octopus.reports.models import Publication, Report, ReportSection


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ("programme", "public", "is_sample")
    list_filter = ("public", "is_sample")


class ReportSectionInline(admin.TabularInline):
    model = ReportSection
    extra = 0
    fields = ("key", "status", "approved_by", "approved_at")
    readonly_fields = fields
    can_delete = False


# Read-only here: sections are kept on the report's page, through the services that audit and check versions.
@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("title", "programme", "kind", "period_start", "period_end", "is_sample")
    list_filter = ("kind", "is_sample")
    readonly_fields = ("programme", "kind", "period_start", "period_end", "created_by", "is_sample", "version")
    inlines = [ReportSectionInline]
