"""Profiles over the JSON API: the compliance matrix at a date, a country's profile, laws and assessments, review.

STUB: to be built."""

from ninja import Router

router = Router(tags=["legislation"])
