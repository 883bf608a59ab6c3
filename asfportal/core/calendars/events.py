"""Calendar events and the registry of the apps' sources of them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

# What a feed holds: a month back (a meeting just held stays visible) to a year and a month ahead, and at most
# MAX_PER_SOURCE events from each source, the nearest first, so a municipality with thousands of placements
# still gets a feed a calendar application reads in one go.
PAST_DAYS = 31
FUTURE_DAYS = 400
MAX_PER_SOURCE = 1000


@dataclass(frozen=True)
class CalendarEvent:
    """One dated item. `kind` and `pk` make the UID (`<kind>-<pk>@<host>`), stable for the item's whole life;
    `sequence` grows each time its date moves (and once when it is cancelled), as RFC 5545 §3.8.7.4 asks, so a
    calendar that already holds the entry replaces it."""

    kind: str
    pk: int | str
    summary: str
    start: date | datetime  # a date: an all-day entry; a datetime: a point in time (a deadline)
    end: date | datetime | None = None  # later than start, or None (a deadline, or a single day)
    sequence: int = 0
    last_modified: datetime | None = None
    cancelled: bool = False
    url: str = ""  # a path in the portal
    description: str = ""
    private: bool = False  # CLASS:PRIVATE: about a participant (by code only)

    @property
    def uid(self) -> str:
        return f"{self.kind}-{self.pk}"

    def sort_key(self) -> tuple[datetime, str]:
        start = self.start
        if not isinstance(start, datetime):
            start = timezone.make_aware(datetime.combine(start, time.min))
        return (start, self.uid)


@dataclass(frozen=True)
class FeedWindow:
    """The days a feed covers, and how many events one source may give."""

    start: date
    end: date
    limit: int = MAX_PER_SOURCE

    @classmethod
    def around(cls, today: date) -> FeedWindow:
        return cls(start=today - timedelta(days=PAST_DAYS), end=today + timedelta(days=FUTURE_DAYS))

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))


CalendarSource = Callable[..., Iterable[CalendarEvent]]
_SOURCES: list[CalendarSource] = []


# The dataset (asfportal/core/cache.py) every model a source reads bumps: the feeds are cached under its version.
FEED_DATASET = "calendar-feeds"


def register_calendar_source(
    source: CalendarSource, *, models: Iterable = (), m2m: Iterable = ()
) -> CalendarSource:
    """Add `source(user, window) -> events` to every person's feed (an app calls it in AppConfig.ready). A
    source answers only for the roles it concerns, reads in a fixed number of queries, and gives only the
    person's own organisation's (or company's) items. `models` (and `m2m` links) are every model it reads: a
    change of any of them bumps FEED_DATASET, so no cached feed (selectors.feed_text) outlives the change."""
    from ..cache import invalidate_on_change

    invalidate_on_change(FEED_DATASET, models, m2m)
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def calendar_events_for(user, *, window: FeedWindow) -> list[CalendarEvent]:
    """Every source's events for `user`, in date order."""
    events = [event for source in _SOURCES for event in source(user, window)]
    return sorted(events, key=CalendarEvent.sort_key)
