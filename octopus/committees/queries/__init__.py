"""Reading committees, by area: `from octopus.committees.queries.membership import membership_at`."""
