"""Models of the companies app (added by its own issue)."""
