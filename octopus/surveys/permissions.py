"""Who may build, answer and read questionnaires (to be written)."""
