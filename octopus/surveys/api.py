"""Questionnaires and responses over the JSON API (to be built)."""

from ninja import Router

router = Router(tags=["questionnaires"])
