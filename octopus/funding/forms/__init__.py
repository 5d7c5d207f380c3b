"""Forms of the funding pages (and of the API, which validates through them), by area."""
