"""Committee API: membership (to be built)."""

from ninja import Router

router = Router(tags=["committee"])
