"""What the funding app counts, for the results framework and reports (DESIGN.md §4).

STUB: to be built (funding.pledged, funding.received, funding.spent, funding.gap, funding.budget_spent_share).
"""
