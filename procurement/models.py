"""Models of the procurement app (added by its own issue)."""
