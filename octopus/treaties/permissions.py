import rules

from octopus.accounts.permissions import is_staff_member

# Treaty status is official record-keeping: programme office staff and the T-CY secretariat keep it current.
rules.add_perm("treaties.record_action", is_staff_member)
rules.add_perm("treaties.correct_action", is_staff_member)
rules.add_perm("treaties.withdraw_action", is_staff_member)
rules.add_perm("treaties.import_chart", is_staff_member)
