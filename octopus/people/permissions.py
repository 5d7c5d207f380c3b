"""Who may see and keep people's data. Personal data is for the staff who run events; every read of a person's
record and every export is logged (DESIGN.md §9)."""

import rules

from octopus.accounts.permissions import is_staff_member

rules.add_perm("people.view_people", is_staff_member)
rules.add_perm("people.manage_people", is_staff_member)
