"""Reads of the personal calendar: whose address a token is, the address itself, and the feed's text."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..cache import cached_value, data_versions, person_dataset
from ..models import CalendarFeed
from .events import FEED_DATASET, FeedWindow, calendar_events_for
from .ical import render_calendar

# The address carries "<user id>-<key>" signed with SECRET_KEY (SECRET_KEY_FALLBACKS keep addresses working
# through a key rotation): a guessed or altered address fails the signature before any query.
_SALT = "asfportal.core.calendar-feed"


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SALT, sep=".")


def feed_token(feed: CalendarFeed) -> str:
    return _signer().sign(f"{feed.user_id}-{feed.key}")


def feed_url(feed: CalendarFeed) -> str:
    """The whole secret address, to paste into a calendar application."""
    return settings.SITE_URL + reverse("core:calendar-feed", args=[feed_token(feed)])


def feed_for(*, user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_owner(token: str):
    """The active person whose current address `token` is, or None (one query, none for a bad signature)."""
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    user_id, _sep, key = value.partition("-")
    if not user_id.isdigit() or not key:
        return None
    feed = (
        CalendarFeed.objects.select_related("user__organisation")
        .filter(user_id=int(user_id), key=key, user__is_active=True)
        .first()
    )
    return feed.user if feed else None


def feed_text(*, user) -> str:
    """The person's whole calendar in their own language, read through every app's registered source.

    Calendar applications poll it hourly, so it is cached per person: under the versions of everything the
    sources read (FEED_DATASET) and of the person (memberships), with the person's id, role, organisation and
    language and the day (the window) in the key. Only the owner's address reaches this (feed_owner checks the
    current key first), so a renewed or revoked address is 404 before any cached text."""
    today = timezone.localdate()

    def render() -> str:
        with translation.override(user.language):
            events = calendar_events_for(user, window=FeedWindow.around(today))
            return render_calendar(events, name=_("ASF-portalen calendar"))

    parts = ("calendar-feed", user.pk, user.role, user.organisation_id, user.language, today,
             data_versions(FEED_DATASET, person_dataset(user.pk)))  # fmt: skip
    return cached_value(parts, render)
