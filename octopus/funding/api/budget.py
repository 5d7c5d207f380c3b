"""Budgets, closed years and expenditure over the JSON API.

STUB: to be built."""

from ninja import Router

router = Router(tags=["funding"])
