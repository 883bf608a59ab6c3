"""The signed-in person's capabilities as template flags, so templates never compare role strings."""

from . import capabilities


def capability_flags(request) -> dict:
    user = getattr(request, "user", None)
    return {"can": capabilities.header_flags(user)} if user is not None else {}
