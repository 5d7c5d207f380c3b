"""The write path of money (DESIGN.md §7.3): exact, checked, audited; the finance officer alone calls it."""
