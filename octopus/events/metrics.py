"""What events count, for the results framework (DESIGN.md §4)."""
