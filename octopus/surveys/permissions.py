"""Who may build, answer and read questionnaires (DESIGN.md §7.7).

- Staff of the programme office (administrators, programme staff, the T-CY secretariat) build questionnaires, open
  and close them, choose who is to answer, read every response (drafts included) and the compilations, and reopen
  a submitted response.
- A country focal point reads and answers its own country's responses, drafts included, and never another
  country's: those are a 404 to it, as if they did not exist.
- A response of a person (an evaluation) is for staff only for now: they read it and enter it.
- The finance officer, donors, users without a role and the public have no access.

The rules know nothing of committees or events: any app may ask questions through `surveys`.
"""

import rules
from django.db.models import Q

from octopus.accounts.models import Role
from octopus.accounts.permissions import is_focal_point, is_staff_member, roles_of


def focal_countries(user) -> set[str]:
    """ISO alpha-2 codes of the countries the user is a focal point of."""
    return {country for role, country, _donor in roles_of(user) if role == Role.FOCAL_POINT and country}


@rules.predicate
def is_respondent_of(user, response) -> bool:
    """The user is a focal point of the country that answers `response`."""
    if response is None or not response.country_id:
        return False
    return response.country.iso2 in focal_countries(user)


@rules.predicate
def is_person_response(user, response) -> bool:
    return response is not None and response.person_id is not None


# Pages and API: the list of responses (each sees its own), the questionnaires' building and following.
rules.add_perm("surveys.view_responses", is_staff_member | is_focal_point)
rules.add_perm("surveys.manage_questionnaires", is_staff_member)
# One response: staff read all; a focal point its country's.
rules.add_perm("surveys.view_response", is_staff_member | is_respondent_of)
# Answering: the country's focal points; for a person's response (an evaluation), staff.
rules.add_perm("surveys.answer_response", is_respondent_of | (is_staff_member & is_person_response))
rules.add_perm("surveys.reopen_response", is_staff_member)


def visible_responses(user, queryset):
    """The responses a user may read, for lists, the API and `get_response_for_user`."""
    if is_staff_member(user):
        return queryset
    countries = focal_countries(user)
    if not countries:
        return queryset.none()
    return queryset.filter(Q(country__iso2__in=countries))
