from django.contrib import admin

from octopus.accounts.admin import ReadOnlyAdmin
from octopus.countries.models import Country


@admin.register(Country)
class CountryAdmin(ReadOnlyAdmin):
    """Reference data: changes through load_reference_data only."""

    list_display = ["name", "iso2", "iso3", "numeric", "region", "subregion", "coe_member"]
    list_filter = ["region", "coe_member"]
    search_fields = ["name", "official_name", "iso2", "iso3"]
