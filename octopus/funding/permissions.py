"""Who may see and write money (DESIGN.md §7.7; issue 7).

- The finance officer alone writes money: donors, contributions and their steps, rates, earmarks, obligations,
  budgets, closed years and expenditure.
- Staff (administrators, programme staff, the T-CY secretariat) and the finance officer read the funding position
  of every programme, every donor's contributions included.
- A donor reads its own contributions only (the donor code of its role = `Donor.code`): what it gave, what it
  financed and its reporting calendar; another donor's amounts are a 404 to it, and never in a total it sees.
- Focal points and the public see no money.
"""

import rules

from octopus.accounts.models import Role
from octopus.accounts.permissions import is_donor, is_finance_officer, is_staff_member, roles_of


def donor_codes(user) -> set[str]:
    """The donor codes of the user's donor roles."""
    return {donor for role, _country, donor in roles_of(user) if role == Role.DONOR and donor}


@rules.predicate
def is_donor_of(user, contribution) -> bool:
    """The user holds the donor role of the contribution's donor."""
    return contribution is not None and contribution.donor.code in donor_codes(user)


rules.add_perm("funding.view_position", is_staff_member | is_finance_officer)
rules.add_perm("funding.view_contributions", is_staff_member | is_finance_officer | is_donor)
rules.add_perm("funding.view_contribution", is_staff_member | is_finance_officer | is_donor_of)
rules.add_perm("funding.manage_money", is_finance_officer)


def visible_contributions(user, queryset):
    """The contributions a user may read: all for staff and the finance officer, a donor's own, else none."""
    if is_staff_member(user) or is_finance_officer(user):
        return queryset
    codes = donor_codes(user)
    return queryset.filter(donor__code__in=codes) if codes else queryset.none()
