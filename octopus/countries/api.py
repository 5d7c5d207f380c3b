from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Path, Router, Schema
from ninja.pagination import paginate

from octopus.accounts.api import Pagination
from octopus.countries.models import Country

router = Router(tags=["countries"])


class CountryOut(Schema):
    iso2: str
    iso3: str
    numeric: str
    name: str
    official_name: str
    region: str
    subregion: str
    coe_member: bool


@router.get("/countries", response=list[CountryOut], auth=None, summary="List countries")
@paginate(Pagination, page_size=100)
def list_countries(request, region: Annotated[str | None, Field(max_length=50)] = None, coe_member: bool | None = None):
    countries = Country.objects.all()
    if region:
        countries = countries.filter(region=region)
    if coe_member is not None:
        countries = countries.filter(coe_member=coe_member)
    return countries


@router.get("/countries/{iso2}", response=CountryOut, auth=None, summary="One country by ISO alpha-2 code")
def get_country(request, iso2: Path[Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")]]):
    return get_object_or_404(Country, iso2=iso2.upper())
