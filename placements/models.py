"""Models of the placements app (added by its own issue)."""
