"""Who may read and keep a programme's results.

- Staff of the programme office and the finance officer read every programme; a donor reads the programmes its
  donor code funds; a focal point reads every programme's totals but only its own country in breakdowns and in
  the records behind a figure.
- Programme staff (and administrators) define programmes, logframes and targets, lock periods and freeze
  snapshots; staff enter manual values; programme staff review them (never their own).
"""

import rules

from octopus.accounts.models import Role
from octopus.accounts.permissions import (
    is_administrator,
    is_finance_officer,
    is_focal_point,
    is_programme_staff,
    is_staff_member,
    roles_of,
)
from octopus.countries.models import Country


def donor_codes(user) -> set[str]:
    return {donor for role, _country, donor in roles_of(user) if role == Role.DONOR and donor}


def focal_countries(user) -> set[str]:
    return {country for role, country, _donor in roles_of(user) if role == Role.FOCAL_POINT and country}


@rules.predicate
def funds_programme(user, programme) -> bool:
    codes = donor_codes(user)
    if not codes or programme is None:
        return False
    return any(funder.donor_code in codes for funder in programme.funders.all())


@rules.predicate
def is_funding_donor(user) -> bool:
    return bool(donor_codes(user))


sees_all_programmes = is_staff_member | is_finance_officer | is_focal_point
manages_results = is_administrator | is_programme_staff

# The list of programmes: everyone above, and donors (who see only theirs: see visible_programmes).
rules.add_perm("results.view_programmes", sees_all_programmes | is_funding_donor)
rules.add_perm("results.view_programme", sees_all_programmes | funds_programme)
rules.add_perm("results.manage", manages_results)
rules.add_perm("results.enter_values", is_staff_member)
rules.add_perm("results.review_values", manages_results)


def visible_programmes(user, queryset):
    """The programmes a user may read, for lists and the API."""
    if sees_all_programmes(user):
        return queryset
    codes = donor_codes(user)
    return queryset.filter(funders__donor_code__in=codes).distinct() if codes else queryset.none()


def visible_categories(user) -> set[str] | None:
    """Which country categories of a breakdown a user may see: None for all, else a set of ISO codes."""
    if is_staff_member(user) or is_finance_officer(user) or is_funding_donor(user):
        return None
    return focal_countries(user)


def visible_records(user, records: list) -> list:
    """The records behind a figure that a user may see: a focal point sees those of its own country (and those of
    no country); a record of another country (another country's figures, advice, drafts) is left out, as in the
    breakdowns. A record's country is itself for a `Country`, else its `country_id`."""
    allowed = visible_categories(user)
    if allowed is None:
        return records
    own = set(Country.objects.filter(iso2__in=allowed).values_list("pk", flat=True))

    def country_of(record):
        return record.pk if isinstance(record, Country) else getattr(record, "country_id", None)

    return [record for record in records if country_of(record) is None or country_of(record) in own]
