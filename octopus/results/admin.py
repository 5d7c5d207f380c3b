from django.contrib import admin

from octopus.accounts.admin import ReadOnlyAdmin
from octopus.results.models import ManualValue, Programme, ProgrammeFunder, Snapshot


# Results change through their services (the workspace and the API), which check and audit every write; the admin
# only shows them. Funders are granted here, like roles, by administrators.
@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "starts_on", "ends_on", "is_sample"]


@admin.register(ProgrammeFunder)
class ProgrammeFunderAdmin(admin.ModelAdmin):
    list_display = ["programme", "donor_code", "name", "is_sample"]
    list_filter = ["programme"]


@admin.register(ManualValue)
class ManualValueAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "period_start", "category", "value", "status"]
    list_filter = ["status"]


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ["programme", "title", "as_of", "frozen_at", "digest"]
