"""Who may do what with the committee (DESIGN.md §7.7).

- The public reads the membership, the meetings' series and the public documents of the register (Guidance Notes,
  adopted reports), and downloads their files.
- Delegates (country focal points), staff and the finance officer read the committee's workspace: meetings,
  representatives, restricted documents, rounds and their progress. Donors read only what the public reads.
- The T-CY secretariat, programme staff and administrators keep it: membership, meetings, the register, rounds.
- The finance officer also keeps the cost of translation and interpretation (with the secretariat).
- A focal point answers its own country's questionnaire: that is the `surveys` rules' business.
"""

import rules

from octopus.accounts.permissions import is_finance_officer, is_focal_point, is_staff_member

rules.add_perm("committees.view_committee", is_staff_member | is_finance_officer | is_focal_point)
rules.add_perm("committees.view_restricted_documents", is_staff_member | is_finance_officer | is_focal_point)
rules.add_perm("committees.manage_committee", is_staff_member)
rules.add_perm("committees.manage_language_services", is_staff_member | is_finance_officer)
