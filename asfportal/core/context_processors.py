"""Template context shared by every page."""

from django.conf import settings

from .models import Notification


def portal(request) -> dict:
    return {"SITE_URL": settings.SITE_URL}


def notifications(request) -> dict:
    """The unread count in the header: one query per page for a logged-in user, evaluated only if shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": lambda: Notification.objects.listed().unread().filter(recipient=user).count()
    }
