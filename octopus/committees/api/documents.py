"""Committee API: documents (to be built)."""

from ninja import Router

router = Router(tags=["committee"])
