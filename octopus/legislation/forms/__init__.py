"""Forms of the legislation pages (and of the API, which validates through them), by area."""
