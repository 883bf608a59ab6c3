"""Template context shared by every page."""

from django.conf import settings

from .cache import person_value
from .models import Notification


def portal(request) -> dict:
    return {"SITE_URL": settings.SITE_URL}


def notifications(request) -> dict:
    """The unread count in the header, from the person's cached header figures (no query while nothing changed),
    evaluated only if shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread() -> int:
        return Notification.objects.listed().unread().filter(recipient=user).count()

    return {"unread_notifications": lambda: person_value(user.pk, "unread_notifications", unread)}
