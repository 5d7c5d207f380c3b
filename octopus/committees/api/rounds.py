"""Committee API: rounds (to be built)."""

from ninja import Router

router = Router(tags=["committee"])
