"""Versioned caching of rendered page parts, invalidated by the data they show.

A cached part names the datasets it is drawn from ("companies", "tenders", "placements"). Every save or delete of
a model in a dataset (and every change of its many-to-many links) bumps the dataset's version through signals
that the owning app connects in its AppConfig.ready(); the version is part of each cache key, so the next read
renders afresh and nothing stale is ever served. Cached parts hold only what everyone may see (the public
directory and tender list, the capacity search shared by all coordinators): never personal data.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable

from asgiref.local import Local
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

# A safety net only: correctness comes from the versions.
FRAGMENT_SECONDS = 600


def _version_key(name: str) -> str:
    return f"data-version:{name}"


# The versions one request has read, so that it asks the cache once per dataset: a signed-in page's header reads
# the person's version for each of its figures (three round trips of the floor's eight). Kept only while a request
# runs (a worker or a command has none, so it always asks), and dropped by every bump of this process, so a page
# that changes data and then renders reads the new version; another process's change shows from the next request
# on, as it would have if it had landed a moment later.
_request = Local()


def _request_started(**kwargs) -> None:
    _request.versions = {}


def _request_finished(**kwargs) -> None:
    _request.versions = None


request_started.connect(_request_started, dispatch_uid="core-cache-versions-start")
request_finished.connect(_request_finished, dispatch_uid="core-cache-versions-finish")


def data_versions(*names: str) -> str:
    """The current versions of the named datasets, for a cache key (one cache round trip, none for the datasets
    this request already read)."""
    keys = [_version_key(name) for name in names]
    seen = getattr(_request, "versions", None)
    found = {key: seen[key] for key in keys if key in seen} if seen is not None else {}
    missing = [key for key in keys if key not in found]
    if missing:
        found.update(cache.get_many(missing))
    for key in missing:
        if key not in found:
            # A version that was never set or was evicted starts from the clock, so it cannot repeat an old one.
            found[key] = time.time_ns()
            cache.add(key, found[key], None)
            found[key] = cache.get(key, found[key])
        if seen is not None:
            seen[key] = found[key]
    return "-".join(str(found[key]) for key in keys)


def _forget(name: str) -> None:
    seen = getattr(_request, "versions", None)
    if seen is not None:
        seen.pop(_version_key(name), None)


def bump(name: str, *, robust: bool = False) -> None:
    """Mark a dataset changed: now, and again once the change commits. The second bump drops anything another
    request cached from the old data while the transaction was still open. With robust, a cache that cannot be
    reached is logged, not raised: the change itself must go through (the outbox promises that with Redis down)."""

    def increment():
        _forget(name)
        try:
            cache.incr(_version_key(name))
        except ValueError:
            cache.set(_version_key(name), time.time_ns(), None)

    def robust_increment():
        try:
            increment()
        except Exception as error:  # Redis down: the cached figure lives at most FRAGMENT_SECONDS
            logger.warning("Cache unreachable; %s not bumped: %s", name, error)

    (robust_increment if robust else increment)()
    transaction.on_commit(robust_increment if robust else increment)


def invalidate_on_change(name: str, models: Iterable, m2m: Iterable = ()) -> None:
    """Connect the signals that bump `name` when any of these models, or these many-to-many links, change."""

    def handler(**kwargs):
        bump(name)

    for model in models:
        post_save.connect(
            handler, sender=model, weak=False, dispatch_uid=f"cache-{name}-save-{model._meta.label}"
        )
        post_delete.connect(
            handler, sender=model, weak=False, dispatch_uid=f"cache-{name}-del-{model._meta.label}"
        )
    for through in m2m:
        m2m_changed.connect(
            handler, sender=through, weak=False, dispatch_uid=f"cache-{name}-m2m-{through._meta.label}"
        )


def cached_fragment(parts: tuple, render: Callable[[], str], seconds: int = FRAGMENT_SECONDS) -> SafeString:
    """The rendered part for these key parts (plus the active language), rendering it only on a miss."""
    raw = repr((parts, translation.get_language()))
    key = "fragment:" + hashlib.sha256(raw.encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = str(render())
        cache.set(key, html, seconds)
    # The parts are rendered templates (autoescaped) or JSON served as such, cached as text in our own Redis.
    return mark_safe(html)  # nosec B308, B703  # output of render(), escaped when it was rendered


def cached_value(parts: tuple, compute: Callable[[], object], seconds: int = FRAGMENT_SECONDS):
    """A computed value (figures, say) for these key parts, computing it only on a miss."""
    key = "value:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


# --- The per-person header ------------------------------------------------------------------------------------
# Every signed-in page shows figures of its own person (the unread notification count; apps may add theirs, a
# work queue's size, say). Each is cached under the person's version, which every change of those figures bumps
# (the notification signals connected in core/apps.py, bulk inserts, marking read), so the header costs two cache
# round trips instead of a query per figure, and is never stale.


def person_dataset(user_id: int) -> str:
    return f"person:{user_id}"


def person_changed(*user_ids: int) -> None:
    """The header figures of these people changed (call it where rows are written without signals)."""
    for user_id in set(user_ids):
        bump(person_dataset(user_id), robust=True)


def person_value(user_id: int, name: str, compute: Callable[[], object]):
    """One figure of the person's header, computed only when the person's data changed since it was cached (and
    computed afresh when the cache cannot be reached)."""
    try:
        return cached_value(("person", name, user_id, data_versions(person_dataset(user_id))), compute)
    except Exception as error:  # Redis down: the header still shows the figure, from the database
        logger.warning("Cache unreachable; header figure %s computed: %s", name, error)
        return compute()


def _person_key(user_id: int, name: str) -> str:
    parts = ("person", name, user_id, data_versions(person_dataset(user_id)))
    return "value:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def person_value_peek(user_id: int, name: str):
    """The cached figure, or None when it is not cached under the current versions (never computed here: for a
    figure too dear to compute on every page, which a page that computes it anyway stores, person_value_store)."""
    try:
        return cache.get(_person_key(user_id, name))
    except Exception as error:  # Redis down: the header leaves the figure out
        logger.warning("Cache unreachable; header figure %s left out: %s", name, error)
        return None


def person_value_store(user_id: int, name: str, value) -> None:
    try:
        cache.set(_person_key(user_id, name), value, FRAGMENT_SECONDS)
    except Exception as error:
        logger.warning("Cache unreachable; header figure %s not stored: %s", name, error)
