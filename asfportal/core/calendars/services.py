"""State changes of the personal calendar addresses: give a new one, turn it off."""

from __future__ import annotations

import secrets

from django.db import transaction

from ..audit import audit
from ..exceptions import clean_or_raise
from ..models import CalendarFeed


@transaction.atomic
def calendar_feed_renew(*, user, actor) -> CalendarFeed:
    """Give `user` a calendar address, or a new one: the key the address carries is replaced, so the old
    address answers 404 from this commit on. Audited; no other side effect."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    action = "core.calendar_feed.renewed" if feed else "core.calendar_feed.created"
    feed = feed or CalendarFeed(user=user)
    feed.key = secrets.token_hex(16)
    clean_or_raise(feed)
    feed.save()
    audit(actor, action, feed)
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user, actor) -> bool:
    """Turn `user`'s calendar address off (it answers 404 from this commit on); False when there was none."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        return False
    audit(actor, "core.calendar_feed.revoked", feed)
    feed.delete()
    return True
