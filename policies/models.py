"""Models of the policies app (added by its own issue)."""
