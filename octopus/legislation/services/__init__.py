"""The write path of legislation profiles, advice and country statistics (DESIGN.md §7.3): every change checked,
audited, never lost. Who may call what is the views' and the API's business (`permissions`); the rules of the data
are here."""
