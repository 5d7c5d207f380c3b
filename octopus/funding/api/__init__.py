"""Funding over the JSON API, by area; each module holds its `router`."""
