"""Who may do what with the committee (DESIGN.md §7.7).

- The public reads the membership, the meetings' series and the public documents of the register (Guidance Notes,
  adopted reports), and downloads their files.
- Delegates (country focal points), staff and the finance officer read the committee's workspace: meetings,
  representatives, rounds and their progress, and the documents circulated to the members. Donors read only what
  the public reads.
- A working draft is the secretariat's (staff): a focal point reads one only once the secretariat has asked its
  country to comment on it (`queries.documents.documents_readable_by` is the one rule for every page and route).
- The T-CY secretariat, programme staff and administrators keep it: membership, meetings, the register, rounds.
- The finance officer also keeps the cost of translation and interpretation (with the secretariat).
- A focal point answers its own country's questionnaire: that is the `surveys` rules' business.
"""

import rules

from octopus.accounts.permissions import is_finance_officer, is_focal_point, is_staff_member

rules.add_perm("committees.view_committee", is_staff_member | is_finance_officer | is_focal_point)
# Restricted: circulated to the members (every delegation); drafts: the secretariat's working documents.
rules.add_perm("committees.view_restricted_documents", is_staff_member | is_finance_officer | is_focal_point)
rules.add_perm("committees.view_draft_documents", is_staff_member)
rules.add_perm("committees.manage_committee", is_staff_member)
rules.add_perm("committees.manage_language_services", is_staff_member | is_finance_officer)
