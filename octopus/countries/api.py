from typing import Annotated

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema
from ninja.pagination import paginate

from octopus.accounts.api import PUBLIC, Pagination, form_errors
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


@router.get("/countries", response=list[CountryOut], auth=PUBLIC, summary="List countries")
@paginate(Pagination, page_size=100)
def list_countries(request, region: Annotated[str | None, Field(max_length=50)] = None, coe_member: bool | None = None):
    countries = Country.objects.all()
    if region:
        countries = countries.filter(region=region)
    if coe_member is not None:
        countries = countries.filter(coe_member=coe_member)
    return countries


@router.get("/countries/{iso2}", response=CountryOut, auth=PUBLIC, summary="One country by ISO alpha-2 code")
def get_country(request, iso2: Path[Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")]]):
    return get_object_or_404(Country, iso2=iso2.upper())


def body_country(iso2: str | None, field: str = "country") -> Country | None:
    """The country an API body names by its ISO alpha-2 code (None when it names none); an unknown code is a 422
    on `field`."""
    if not iso2:
        return None
    country = Country.objects.filter(iso2=iso2.upper()).first()
    if country is None:
        raise form_errors({field: [_("No country with the ISO code “%(code)s”.") % {"code": iso2}]})
    return country
