"""Donors, contributions, receipts, earmarks, obligations and rates over the JSON API.

STUB: to be built."""

from ninja import Router

router = Router(tags=["funding"])
