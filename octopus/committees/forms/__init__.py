"""Committee forms, by area, like the views."""
