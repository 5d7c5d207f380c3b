"""Legislative advice over the JSON API: advice, recommendations, take-up.

STUB: to be built."""

from ninja import Router

router = Router(tags=["legislation"])
