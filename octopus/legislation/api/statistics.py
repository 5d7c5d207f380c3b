"""Country statistics over the JSON API: reading and recording figures.

STUB: to be built."""

from ninja import Router

router = Router(tags=["legislation"])
