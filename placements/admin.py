"""Participants and placements are deliberately not in the admin: personal data is reached only through the
permission-checked, logged pages of the referring organisation's coordinators."""
