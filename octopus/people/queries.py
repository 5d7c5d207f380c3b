"""Reading people: the filtered registry, one person for a user, and likely duplicates."""

import difflib
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from octopus.countries.models import normalise_name
from octopus.people.models import Organisation, Person, PersonQuerySet, Purpose, Sector, Sex

# Names at least this alike (difflib ratio of their keys) in the same country are shown as possible duplicates.
CLOSE_NAMES = 0.88

PEOPLE_SORTS = {
    "name": ("last_name", "first_name", "pk"),
    "-name": ("-last_name", "-first_name", "-pk"),
    "country": ("country__name", "last_name", "first_name", "pk"),
    "-country": ("-country__name", "last_name", "first_name", "pk"),
    "organisation": ("organisation__name", "last_name", "first_name", "pk"),
    "-organisation": ("-organisation__name", "last_name", "first_name", "pk"),
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
}


def get_person_for_user(user, pk: int) -> Person:
    """A person, for someone the view has let read people (staff); 404 for an unknown id. A merged record is
    returned as it is: pages send its visitors on to the person it was merged into."""
    if not user.has_perm("people.view_people"):
        raise Http404
    return get_object_or_404(Person.objects.select_related("organisation", "country", "merged_into"), pk=pk)


def filter_people(params, queryset: PersonQuerySet | None = None) -> tuple[QuerySet, dict]:
    """Current people matching the filters of the list page and the API (q, country, organisation, sector, sex,
    consent, sort), and the filters as understood (unknown values are ignored, not errors)."""
    people = (queryset if queryset is not None else Person.objects.all()).current()
    people = people.select_related("organisation", "country")
    chosen = {}
    q = (params.get("q") or "").strip()
    if q:
        chosen["q"] = q
        for word in q.split()[:5]:
            people = people.filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
            )
    country = (params.get("country") or "").upper()
    if len(country) == 2 and country.isalpha():
        chosen["country"] = country
        people = people.filter(country__iso2=country)
    organisation = str(params.get("organisation") or "")
    if organisation.isdigit() and len(organisation) < 12:
        chosen["organisation"] = int(organisation)
        people = people.filter(organisation_id=int(organisation))
    sector = params.get("sector") or ""
    if sector in Sector.values:
        chosen["sector"] = sector
        people = people.filter(organisation__sector=sector)
    sex = params.get("sex") or ""
    if sex in Sex.values:
        chosen["sex"] = sex
        people = people.filter(sex=sex)
    elif sex == "unknown":
        chosen["sex"] = sex
        people = people.filter(sex="")
    consent = params.get("consent") or ""
    if consent in Purpose.values:
        chosen["consent"] = consent
        people = people.consenting_to(consent)
    sort = params.get("sort") or "name"
    sort = sort if sort in PEOPLE_SORTS else "name"
    chosen["sort"] = sort
    return people.order_by(*PEOPLE_SORTS[sort]), chosen


def organisations_with_counts(params) -> tuple[QuerySet, dict]:
    """Organisations with the number of current people in each, filtered by q, sector and country."""
    organisations = Organisation.objects.select_related("country").annotate(
        people_count=Count("people", filter=Q(people__merged_into__isnull=True))
    )
    chosen = {}
    q = (params.get("q") or "").strip()
    if q:
        chosen["q"] = q
        organisations = organisations.filter(Q(name__icontains=q) | Q(acronym__icontains=q))
    sector = params.get("sector") or ""
    if sector in Sector.values:
        chosen["sector"] = sector
        organisations = organisations.filter(sector=sector)
    country = (params.get("country") or "").upper()
    if country == "INT":
        chosen["country"] = country
        organisations = organisations.filter(country__isnull=True)
    elif len(country) == 2 and country.isalpha():
        chosen["country"] = country
        organisations = organisations.filter(country__iso2=country)
    return organisations.order_by("name", "pk"), chosen


@dataclass(frozen=True)
class DuplicatePair:
    first: Person
    second: Person
    reason: str


def _close_key(name_key: str) -> str:
    # "Beridze Nino" and "Nino Beridze" are the same name written in another order.
    return " ".join(sorted(name_key.split()))


def _name_likeness(key: str, other: str) -> str:
    """Why two name keys (already in word order) are probably one person's name; empty if they are not."""
    if key == other:
        return _("same name, same country")
    if key[:1] == other[:1] and difflib.SequenceMatcher(None, key, other).ratio() >= CLOSE_NAMES:
        return _("close names, same country")
    return ""


def similar_people(*, first_name: str, last_name: str, country, email: str = "") -> list[tuple[Person, str]]:
    """Current people who are probably the one about to be added: the same e-mail, or the same or a close name
    in the same country."""
    key = _close_key(normalise_name(f"{first_name} {last_name}"))
    candidates = Person.objects.current().filter(anonymised_at__isnull=True).select_related("organisation", "country")
    found = []
    email = email.strip().lower()
    for person in candidates.filter(Q(country=country) | (Q(email=email) & ~Q(email=""))).order_by("pk")[:5000]:
        if email and person.email == email:
            found.append((person, _("same e-mail")))
        elif person.country == country and key:
            reason = _name_likeness(key, _close_key(person.name_key))
            if reason:
                found.append((person, reason))
    return found


def duplicate_pairs(people: PersonQuerySet | None = None, *, limit: int = 200) -> list[DuplicatePair]:
    """Pairs of current people who are probably the same: the same e-mail, or the same or close names in the same
    country (accents, case, punctuation and word order ignored). Reads the names once; people are compared only
    within a country and a first letter, so the work grows with the size of those groups, not with the square
    of the registry."""
    people = (people if people is not None else Person.objects.all()).current().filter(anonymised_at__isnull=True)
    rows = list(people.values_list("pk", "email", "name_key", "country_id"))
    found: dict[tuple[int, int], str] = {}

    def pair(a: int, b: int, reason: str) -> None:
        found.setdefault((min(a, b), max(a, b)), reason)

    by_email: dict[str, list[int]] = {}
    buckets: dict[tuple, list[tuple[int, str]]] = {}
    for pk, email, name_key, country in rows:
        if email:
            by_email.setdefault(email, []).append(pk)
        key = _close_key(name_key)
        if key:
            buckets.setdefault((country, key[:1]), []).append((pk, key))
    for pks in by_email.values():
        for other in pks[1:]:
            pair(pks[0], other, _("same e-mail"))
    for members in buckets.values():
        if len(members) > 2000:
            continue  # a group this large is sample data; comparing it pairwise would take minutes
        for i, (pk, key) in enumerate(members):
            for other, other_key in members[i + 1 :]:
                reason = _name_likeness(key, other_key)
                if reason:
                    pair(pk, other, reason)
    keys = sorted(found)[:limit]
    wanted = {pk for key in keys for pk in key}
    by_pk = Person.objects.select_related("organisation", "country").in_bulk(wanted)
    return [DuplicatePair(by_pk[a], by_pk[b], found[(a, b)]) for a, b in keys]


def duplicates_of(person: Person) -> list[DuplicatePair]:
    """Possible duplicates of one person (same e-mail, or same or close name in the same country), the person
    first in each pair. The same test as before adding someone: no pairwise comparison of the whole country."""
    found = similar_people(
        first_name=person.first_name, last_name=person.last_name, country=person.country, email=person.email
    )
    return [DuplicatePair(person, other, reason) for other, reason in found if other.pk != person.pk]
