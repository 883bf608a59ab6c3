"""The work queue on every dashboard: what needs doing, for whom, by when, with a link straight to the action.

Core holds only the item type and the registry; each app contributes the items of its own data in its
`<app>/queue.py` (found at start-up, like reminders.py), one provider per role, from its own models and their
lifecycle methods (`*_blockers`), so an item is listed only while its action is still possible and disappears
once it is done. A provider reads in a fixed number of queries whatever the caseload.

The header shows the queue's size, cached per person (`person_value_store`) under the versions of the datasets the
role's providers read (`queue:<app>`, bumped by every change of those models, see each app's AppConfig.ready) and
the day, so it costs no query while nothing changed and is never stale past a change. Some items change with the
clock within a day (a tender's deadline passes, a question turns overdue): such an item names the moment
(`changes_at`), and a provider names the moments at which an item not yet listed appears (`QueueHorizon`), so a
cached queue is used only until the earliest of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import get_language

from .cache import bump, data_versions, person_value_peek, person_value_store


@dataclass(frozen=True)
class QueueKind:
    """A kind of item, shown as a group heading with its count ("Follow-ups due (3)")."""

    key: str
    label: str | Promise
    order: int = 100


@dataclass(frozen=True)
class QueueItem:
    kind: str
    what: str  # what to do, a whole translated sentence
    whom: str  # for whom: a participant code, a company, a tender
    url: str  # the action itself
    due: date | datetime | None = None  # by when
    overdue: bool = False
    action: str = ""  # the link's text; empty: "Open"
    # The next moment the clock alone changes this item (it turns overdue, changes kind or leaves the queue: a
    # tender's deadline); None when only a change of data or the next day does.
    changes_at: datetime | None = None

    @property
    def due_day(self) -> date | None:
        if isinstance(self.due, datetime):
            return timezone.localtime(self.due).date()
        return self.due

    @property
    def due_label(self) -> str:
        """By when, as people in Sweden read it: a day, or a moment in Swedish time."""
        if isinstance(self.due, datetime):
            return formats.date_format(timezone.localtime(self.due), "DATETIME_FORMAT")
        return formats.date_format(self.due, "j F Y") if self.due else ""

    @property
    def due_iso(self) -> str:
        """For <time datetime>: HTML takes at most three digits of a second, so whole seconds."""
        if isinstance(self.due, datetime):
            return timezone.localtime(self.due).replace(microsecond=0).isoformat()
        return self.due.isoformat() if self.due else ""


@dataclass(frozen=True)
class QueueHorizon:
    """Yielded by a provider beside its items: a moment at which the clock alone adds an item that is not listed
    yet (a tender entering the "closing soon" window), so that a cached queue is computed again from then."""

    at: datetime


@dataclass
class QueueGroup:
    kind: QueueKind
    items: list[QueueItem] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.items if item.overdue)


@dataclass
class WorkQueue:
    items: list[QueueItem]
    groups: list[QueueGroup]
    # The earliest moment the clock alone changes the queue (its items' changes_at and the providers' horizons);
    # None: it changes only with its data or the day.
    changes_at: datetime | None = None

    def is_current(self, now: datetime) -> bool:
        return self.changes_at is None or now < self.changes_at

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.items if item.overdue)

    @property
    def overdue(self) -> list[QueueItem]:
        return [item for item in self.items if item.overdue]


# The provider's arguments: the person, the day and the moment (tender deadlines are moments).
Provider = Callable[..., Iterable[QueueItem]]
# The datasets a provider reads for a person, scoped so that a change elsewhere leaves the count cached:
# "queue:org:12" (an organisation's placements, policies, tenders), "queue:company:7", or a shared one.
Datasets = Callable[[object], Iterable[str]]
KINDS: dict[str, QueueKind] = {}
PROVIDERS: dict[str, list[tuple[Provider, Datasets]]] = {}


def register_kinds(*kinds: QueueKind) -> None:
    for kind in kinds:
        KINDS[kind.key] = kind


def queue_provider(role: str, *, datasets: Datasets):
    """Register a provider of items for people of `role`; `datasets(user)` names the data it reads for that
    person (for the header's cached count; see bump_on_change)."""

    def register(provider: Provider) -> Provider:
        PROVIDERS.setdefault(role, []).append((provider, datasets))
        return provider

    return register


def _sort_key(item: QueueItem):
    due = item.due
    if due is None:
        moment = datetime.max.replace(tzinfo=timezone.get_current_timezone())
    elif isinstance(due, datetime):
        moment = timezone.localtime(due)
    else:
        moment = timezone.make_aware(datetime.combine(due, datetime.min.time()))
    return (not item.overdue, moment, KINDS[item.kind].order if item.kind in KINDS else 100, item.whom)


def work_queue(user, *, today: date | None = None, now: datetime | None = None) -> WorkQueue:
    """Every item of the person's queue: overdue first, then by when, grouped by kind (in the kinds' order)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    items: list[QueueItem] = []
    moments: list[datetime] = []
    if user is not None and user.is_authenticated and user.is_active:
        for provider, _datasets in PROVIDERS.get(user.role, []):
            for produced in provider(user, today=today, now=now):
                if isinstance(produced, QueueHorizon):
                    moments.append(produced.at)
                else:
                    items.append(produced)
                    if produced.changes_at is not None:
                        moments.append(produced.changes_at)
    items.sort(key=_sort_key)
    groups: dict[str, QueueGroup] = {}
    for item in items:
        kind = KINDS.get(item.kind) or QueueKind(item.kind, item.kind)
        groups.setdefault(item.kind, QueueGroup(kind)).items.append(item)
    ordered = sorted(groups.values(), key=lambda g: (g.overdue_count == 0, g.kind.order, g.kind.key))
    return WorkQueue(
        items=items, groups=ordered, changes_at=min((m for m in moments if m > now), default=None)
    )


def queue_datasets(user) -> tuple[str, ...]:
    return tuple(
        sorted({name for _provider, datasets in PROVIDERS.get(user.role, []) for name in datasets(user)})
    )


def bump_on_change(model, scopes: Callable[[object], Iterable[str]]) -> None:
    """Bump the queue datasets `scopes(instance)` names whenever a row of `model` is saved or deleted (call in
    the app's AppConfig.ready). Rows changed by bulk update are covered by the row the same service saves."""

    def handler(instance, **kwargs):
        for name in set(scopes(instance)):
            bump(name)

    uid = f"work-queue-{model._meta.label}"
    post_save.connect(handler, sender=model, weak=False, dispatch_uid=f"{uid}-save")
    post_delete.connect(handler, sender=model, weak=False, dispatch_uid=f"{uid}-delete")


def _count_name(user, today: date) -> str | None:
    datasets = queue_datasets(user)
    if not datasets:
        return None
    return f"work_queue:{today.isoformat()}:{data_versions(*datasets)}"


def queue_count(user) -> int:
    """The size of the person's queue, cached under the person's version, the versions of the data the role's
    queue reads and the day (an item becomes due at midnight), until the clock changes it; computed otherwise."""
    now = timezone.now()
    today = timezone.localdate(now)
    count = queue_count_cached(user, now=now)
    if count is None:
        queue = work_queue(user, today=today, now=now)
        remember_count(user, queue, today=today)
        count = queue.count
    return count


def queue_count_cached(user, *, now: datetime | None = None) -> int | None:
    """The header's count: the size the dashboard last computed, while nothing it reads has changed since and the
    clock has not changed the queue; None otherwise. Computing the queue costs its providers' queries (about
    eight for a coordinator), too dear for every page: the dashboard computes it anyway and stores the size
    (remember_count)."""
    now = now or timezone.now()
    name = _count_name(user, timezone.localdate(now))
    # ":size": the previous release kept a bare number under the name; both read the cache during an upgrade.
    stored = person_value_peek(user.pk, f"{name}:size") if name else None
    if not isinstance(stored, tuple):  # nothing cached, or not this release's (count, changes_at)
        return None
    count, changes_at = stored
    return count if changes_at is None or now < changes_at else None


def work_queue_cached(user, template: str) -> tuple[WorkQueue, str]:
    """The person's whole queue and its rendering with `template`, cached under the same versions, day and person
    as its size (queue_count), and the language (the items' sentences are translated when made), and used until
    the clock changes the queue (WorkQueue.changes_at: a tender's deadline, a question turning overdue); computed
    otherwise. Every write that changes an item bumps a dataset named in the key (bump_on_change), so it is never
    stale. At national scale a coordinator's queue holds hundreds of items from eight queries, a large buyer's
    some 200, and the table of them costs more to render than to compute: recomputed on every visit without
    this."""
    now = timezone.now()
    today = timezone.localdate(now)

    def compute() -> tuple[WorkQueue, str]:
        queue = work_queue(user, today=today, now=now)
        remember_count(user, queue, today=today)  # the header's count elsewhere, stored once per computation
        return queue, render_to_string(template, {"work_queue": queue})

    name = _count_name(user, today)
    if name is None:
        return compute()
    key = f"{name}:{template}:{get_language()}"
    cached = person_value_peek(user.pk, key)
    if cached is not None and cached[0].is_current(now):
        return cached
    computed = compute()
    person_value_store(user.pk, key, computed)
    return computed


def remember_count(user, queue: WorkQueue, *, today: date | None = None) -> None:
    name = _count_name(user, today or timezone.localdate())
    if name:
        person_value_store(user.pk, f"{name}:size", (queue.count, queue.changes_at))
