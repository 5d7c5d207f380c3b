"""Who may read and keep legislation profiles, advice and country statistics (DESIGN.md §7.7).

- The public reads reviewed profiles (laws and assessments), the heat map and the per-article pages.
- Staff (administrators, programme staff, the T-CY secretariat) keep every country's profile, review focal
  points' drafts, record advice and statistics, import files, and see per country all the programme did there.
- A country focal point keeps its own country's profile (laws and assessments, as drafts for staff to review) and
  reads its own drafts; another country's drafts are a 404 to it. It reports its country's statistics through the
  yearly statistics questionnaire (the `surveys` rules), not by typing figures in.
- The finance officer and donors read the workspace's reviewed profiles, the advice given and the statistics
  (they follow the programme); they change nothing.

Object rules take a `Country`; views check them with the country of the page.
"""

import rules

from octopus.accounts.permissions import is_donor, is_finance_officer, is_focal_point, is_staff_member
from octopus.surveys.permissions import focal_countries


@rules.predicate
def is_focal_point_of(user, country) -> bool:
    """The user is a focal point of `country`."""
    return country is not None and country.iso2 in focal_countries(user)


# The workspace's legislation pages: reviewed profiles, advice, statistics.
rules.add_perm("legislation.view_workspace", is_staff_member | is_focal_point | is_finance_officer | is_donor)
# One country's profile: drafts included, and changing it (a focal point: its own country).
rules.add_perm("legislation.edit_profile", is_staff_member | is_focal_point_of)
# Staff only: review drafts, record advice and statistics (from a cited source), import files, see everything the
# programme did in a country.
rules.add_perm("legislation.review_profiles", is_staff_member)
rules.add_perm("legislation.manage_advice", is_staff_member)
rules.add_perm("legislation.record_statistics", is_staff_member)
rules.add_perm("legislation.import", is_staff_member)
rules.add_perm("legislation.view_country_activity", is_staff_member)
