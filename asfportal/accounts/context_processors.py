"""The signed-in person's capabilities as template flags, so templates never compare role strings."""

from . import capabilities, selectors


def capability_flags(request) -> dict:
    """Also the header's membership switcher's list, evaluated only when the header shows it."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    flags = {"can": capabilities.header_flags(user)}
    if user.is_authenticated:
        flags["header_memberships"] = lambda: selectors.user_membership_choices(user=user)
    return flags
