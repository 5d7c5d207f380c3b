"""Who may run events.

- The public reads public events, their programmes, the calendar feeds and certificate checks.
- Staff of the programme office (programme staff, T-CY secretariat, administrators) run events: registrations,
  delegations, check-in, documents, imports.
- The finance officer reads events and keeps the funded travel (with staff).
- Focal points nominate their delegation through the link sent to them; the link, not a role, grants it.
"""

import rules

from octopus.accounts.permissions import is_finance_officer, is_staff_member

rules.add_perm("events.view_events", is_staff_member | is_finance_officer)
rules.add_perm("events.manage_events", is_staff_member)
rules.add_perm("events.check_in", is_staff_member)
rules.add_perm("events.manage_travel", is_staff_member | is_finance_officer)
