"""Template context shared by every page."""

from django.conf import settings

from .cache import person_value
from .models import Notification
from .queue import queue_count_cached


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


def work_queue(request) -> dict:
    """The size of the person's work queue in the header (core/queue.py): the dashboard's own count on the
    dashboard, elsewhere the count it stored, while nothing the queue reads has changed (no query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        computed = getattr(request, "work_queue", None)
        return computed.count if computed is not None else queue_count_cached(user)

    return {"work_queue_count": count}
