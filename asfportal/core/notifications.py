"""Notifications: the transactional outbox every app uses, its once-per-key e-mail delivery, digests, preferences.

The guarantee (README, "Notifications"): a notification is written in the transaction of the change that caused
it, under a unique idempotency key. E-mail delivery claims the row with a lease (a conditional UPDATE that only
one worker can win) before handing the message to the mail server, and marks it sent after. A worker that dies
before the hand-off leaves a lease that runs out, and the outbox drain delivers the row then. A worker that dies
in the short window after the hand-off and before the mark causes one re-delivery, with the same Message-ID
(derived from the key), so mail clients and people can recognise it as the same message.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .audit import audit
from .cache import person_changed
from .models import Channel, Notification, NotificationPreference

logger = logging.getLogger(__name__)

DIGEST_KIND = "core.digest"
_STATE_FOR_CHANNEL = {
    Channel.EMAIL_NOW: Notification.State.PENDING,
    Channel.DIGEST: Notification.State.DIGEST,
    Channel.PORTAL: Notification.State.PORTAL,
}


@dataclass(frozen=True)
class NotificationKind:
    """A kind of notification an app sends: its label, templates and default channel per role."""

    code: str
    label: Any
    # templates/<template>_subject.txt and templates/<template>.txt, rendered in the recipient's language
    template: str
    default: str = Channel.EMAIL_NOW
    defaults_by_role: dict[str, str] = field(default_factory=dict)
    # Roles offered this kind on the preferences page; None: everyone.
    roles: tuple[str, ...] | None = None
    # Always e-mailed at once and not offered on the preferences page (an invitation must reach its reader).
    mandatory: bool = False
    # The e-mail links straight to the target instead of through the (login-only) notification list: for
    # people who cannot log in yet, such as an invited representative.
    direct_link: bool = False

    def default_for(self, user) -> str:
        return self.defaults_by_role.get(user.role, self.default)

    def offered_to(self, user) -> bool:
        return not self.mandatory and (self.roles is None or user.role in self.roles or user.is_staff)


KINDS: dict[str, NotificationKind] = {}


def register_kind(kind: NotificationKind) -> NotificationKind:
    """Called by each app (in AppConfig.ready) for every kind of notification it sends."""
    KINDS[kind.code] = kind
    return kind


def kinds_offered_to(user) -> list[NotificationKind]:
    return [kind for kind in KINDS.values() if kind.offered_to(user)]


def resolve_channel(user, kind: NotificationKind, chosen: str | None) -> str:
    """The channel for a kind: always e-mail for a mandatory one, else the person's choice or the role default."""
    if kind.mandatory:
        return Channel.EMAIL_NOW
    return chosen or kind.default_for(user)


def channel_for(user, kind: NotificationKind) -> str:
    chosen = None
    if not kind.mandatory:
        chosen = (
            NotificationPreference.objects.filter(user=user, kind=kind.code)
            .values_list("channel", flat=True)
            .first()
        )
    return resolve_channel(user, kind, chosen)


def channels_for(user, kinds: list[NotificationKind]) -> dict[str, str]:
    """The channel of each kind for this person, in one query (the preferences page lists every kind)."""
    chosen = dict(
        NotificationPreference.objects.filter(
            user=user, kind__in=[kind.code for kind in kinds if not kind.mandatory]
        ).values_list("kind", "channel")
    )
    return {kind.code: resolve_channel(user, kind, chosen.get(kind.code)) for kind in kinds}


def notification_key(*, kind: str, recipient, subject_object: models.Model | None, due: date | None) -> str:
    """What, about which object, for which due date, to whom: the same reminder can exist only once."""
    about = f"{subject_object._meta.label_lower}:{subject_object.pk}" if subject_object is not None else "-"
    return f"{kind}|{about}|{due.isoformat() if due else '-'}|{recipient.pk}"


def message_id_for(key: str) -> str:
    """A stable Message-ID: a re-delivery of the same notification carries the same one."""
    domain = urlparse(settings.SITE_URL).hostname or "asfportalen.localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def build_notification(
    *,
    recipient,
    kind: str,
    subject_object: models.Model | None = None,
    context: dict[str, Any] | None = None,
    due: date | None = None,
    url: str = "",
    key: str | None = None,
    channel: str | None = None,
) -> Notification:
    """An unsaved notification, rendered in the recipient's language for the channel they prefer."""
    spec = KINDS[kind]
    key = key or notification_key(kind=kind, recipient=recipient, subject_object=subject_object, due=due)
    channel = channel or channel_for(recipient, spec)
    template_context = {"recipient": recipient, "object": subject_object, "due": due, **(context or {})}
    with translation.override(recipient.language):
        subject = render_plain_text(f"{spec.template}_subject.txt", template_context).strip()
        body = render_plain_text(f"{spec.template}.txt", template_context).strip()
    state = _STATE_FOR_CHANNEL[channel]
    return Notification(
        key=key,
        recipient=recipient,
        kind=kind,
        object_type=subject_object._meta.label_lower if subject_object is not None else "",
        object_id=str(subject_object.pk) if subject_object is not None else "",
        due_on=due,
        subject=subject[:200],
        body=body,
        url=url,
        channel=channel,
        state=state,
        next_attempt_at=timezone.now() if state == Notification.State.PENDING else None,
    )


def render_plain_text(template_name: str, context: dict[str, Any]) -> str:
    """A text template rendered without HTML escaping: subject and body are stored as plain text and escaped
    once where they are shown (the list, the header, the HTML e-mail), so "Kumla Kök & Kafé" never reads
    "Kumla Kök &amp; Kafé"."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def notify(
    *,
    recipient,
    kind: str,
    subject_object: models.Model | None = None,
    context: dict[str, Any] | None = None,
    due: date | None = None,
    url: str = "",
    key: str | None = None,
) -> Notification | None:
    """Record a notification in the caller's transaction and e-mail it after commit, as the recipient prefers.

    Returns the new notification, or None when one with the same key already exists (nothing is changed then).
    """
    key = key or notification_key(kind=kind, recipient=recipient, subject_object=subject_object, due=due)
    if Notification.objects.filter(key=key).exists():
        return None
    notification = build_notification(
        recipient=recipient,
        kind=kind,
        subject_object=subject_object,
        context=context,
        due=due,
        url=url,
        key=key,
    )
    try:
        # A savepoint: a sweep racing us to the same key must not break the caller's transaction.
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        if Notification.objects.filter(key=key).exists():
            return None
        raise
    if notification.state == Notification.State.PENDING:
        transaction.on_commit(lambda: enqueue_delivery(notification.pk))
    return notification


def notify_many(
    *,
    recipients,
    kind: str,
    subject_object: models.Model | None = None,
    context: dict[str, Any] | None = None,
    due: date | None = None,
    url: str = "",
    key: Callable[[Any], str] | None = None,
) -> list[Notification]:
    """`notify` for many recipients at once, with the same outbox and idempotency: a fixed number of queries
    (existing keys, preferences, one insert, the new ids) and no savepoint, whatever the number of recipients.

    `key(recipient)` gives each recipient's idempotency key (default: `notification_key`). A key that exists is
    skipped; a row that a racing sweep inserts meanwhile is left to it (the insert ignores the conflict). Returns
    the notifications this call created.
    """
    spec = KINDS[kind]
    people = {person.pk: person for person in recipients}
    if not people:
        return []

    def key_of(person) -> str:
        if key is not None:
            return key(person)
        return notification_key(kind=kind, recipient=person, subject_object=subject_object, due=due)

    keys = {pk: key_of(person) for pk, person in people.items()}
    existing = set(Notification.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    chosen = {}
    if not spec.mandatory:
        chosen = dict(
            NotificationPreference.objects.filter(user_id__in=people, kind=kind).values_list(
                "user_id", "channel"
            )
        )
    rows = [
        build_notification(
            recipient=person,
            kind=kind,
            subject_object=subject_object,
            context=context,
            due=due,
            url=url,
            key=keys[pk],
            channel=resolve_channel(person, spec, chosen.get(pk)),
        )
        for pk, person in people.items()
        if keys[pk] not in existing
    ]
    if not rows:
        return []
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    created = {row.key: row for row in rows}
    # ignore_conflicts leaves the ids unset: read back those of the rows this call wrote.
    for pk, row_key, state in Notification.objects.filter(key__in=created).values_list("pk", "key", "state"):
        created[row_key].pk = created[row_key].id = pk
        created[row_key].state = state
    pending = [row.pk for row in created.values() if row.pk and row.state == Notification.State.PENDING]
    if pending:
        transaction.on_commit(lambda: [enqueue_delivery(pk) for pk in pending])
    return [row for row in created.values() if row.pk]


def enqueue_delivery(notification_id: int) -> None:
    """Ask a worker to e-mail now; if the broker is down, the periodic outbox drain does it later."""
    from .tasks import deliver_notification_task

    try:
        deliver_notification_task.apply_async(args=[notification_id], retry=False)
    except Exception:  # any broker failure: the row is safe in the outbox
        logger.warning("Broker unavailable; notification %s waits for the outbox drain", notification_id)


def notification_deliver(*, notification_id: int, now: datetime | None = None) -> str:
    """E-mail one notification if it is due and nobody holds it: claim, hand off, mark.

    Returns "sent", "retry", "failed" or "skipped" (not due, already sent, or claimed by another worker).
    Runs outside a transaction on purpose: the claim must be visible to other workers at once.
    """
    now = now or timezone.now()
    lease_until = now + timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)
    claimed = (
        Notification.objects.deliverable(now)
        .filter(pk=notification_id)
        .update(lease_until=lease_until, attempts=F("attempts") + 1)
    )
    if claimed != 1:
        return "skipped"
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        _email(notification)
    except Exception as error:  # every mail failure is recorded and retried, never lost
        return _record_failure(notification, error, lease_until)
    mine = Notification.objects.filter(pk=notification_id, lease_until=lease_until)
    sent_at = timezone.now()
    mine.update(state=Notification.State.SENT, sent_at=sent_at, lease_until=None, last_error="")
    if notification.is_digest:
        Notification.objects.filter(digest=notification).update(
            state=Notification.State.SENT, sent_at=sent_at
        )
    return "sent"


def _record_failure(notification: Notification, error: Exception, lease_until: datetime) -> str:
    attempts = notification.attempts
    failed = attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
    # Exponential backoff: 1, 2, 4, 8 ... times NOTIFICATION_RETRY_SECONDS.
    delay = timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS * 2 ** (attempts - 1))
    Notification.objects.filter(pk=notification.pk, lease_until=lease_until).update(
        state=Notification.State.FAILED if failed else Notification.State.PENDING,
        next_attempt_at=None if failed else timezone.now() + delay,
        lease_until=None,
        last_error=f"{type(error).__name__}: {error}"[:2000],
    )
    logger.warning("E-mail of notification %s failed (attempt %s): %s", notification.pk, attempts, error)
    return "failed" if failed else "retry"


def _email(notification: Notification) -> None:
    recipient = notification.recipient
    base = settings.SITE_URL
    open_path = reverse("core:notification-open", args=[notification.pk])
    with translation.override(recipient.language):
        context = {
            "notification": notification,
            "recipient": recipient,
            "link": base + (notification.url if _links_directly(notification) else open_path),
            "preferences_url": base + reverse("core:notification-preferences"),
            "items": list(notification.items.order_by("created_at", "pk")) if notification.is_digest else [],
            "site_url": base,
        }
        template = "core/emails/digest" if notification.is_digest else "core/emails/notification"
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=text,
        to=[recipient.email],
        headers={"Message-ID": message_id_for(notification.key)},
    )
    message.attach_alternative(html, "text/html")
    message.send(fail_silently=False)


def _links_directly(notification: Notification) -> bool:
    kind = KINDS.get(notification.kind)
    return bool(kind and kind.direct_link and notification.url)


def outbox_drain(*, limit: int = 500) -> dict[str, int]:
    """E-mail every due notification, oldest first; safe to run in several workers at once."""
    due = Notification.objects.deliverable(timezone.now()).order_by("next_attempt_at", "pk")
    results = Counter(
        notification_deliver(notification_id=pk) for pk in due.values_list("pk", flat=True)[:limit]
    )
    return dict(results)


def digests_build(*, now: datetime | None = None) -> int:
    """Bundle each person's waiting digest items into one e-mail; returns how many digests were made."""
    now = now or timezone.now()
    waiting = Notification.objects.filter(state=Notification.State.DIGEST, digest__isnull=True)
    recipients = list(waiting.values_list("recipient_id", flat=True).distinct().order_by("recipient_id"))
    return sum(1 for recipient_id in recipients if _digest_build(recipient_id=recipient_id, now=now))


@transaction.atomic
def _digest_build(*, recipient_id: int, now: datetime) -> Notification | None:
    items = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(recipient_id=recipient_id, state=Notification.State.DIGEST, digest__isnull=True)
        .order_by("created_at", "pk")
    )
    if not items:
        return None
    recipient = get_user_model().objects.get(pk=recipient_id)
    # One digest per person and day; items that arrive after it go in a digest keyed by its first item.
    key = f"{DIGEST_KIND}|{timezone.localdate(now).isoformat()}|{recipient_id}|{items[0].pk}"
    with translation.override(recipient.language):
        subject = ngettext(
            "%(count)s new notification from ASF-portalen",
            "%(count)s new notifications from ASF-portalen",
            len(items),
        ) % {"count": len(items)}
    digest = Notification.objects.create(
        key=key,
        recipient=recipient,
        kind=DIGEST_KIND,
        subject=subject,
        body="",
        channel=Channel.EMAIL_NOW,
        is_digest=True,
        state=Notification.State.PENDING,
        next_attempt_at=now,
    )
    Notification.objects.filter(pk__in=[item.pk for item in items]).update(digest=digest)
    transaction.on_commit(lambda: enqueue_delivery(digest.pk))
    return digest


def notification_mark_read(*, notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    person_changed(notification.recipient_id)  # the header's unread count


def notifications_mark_all_read(*, user) -> int:
    marked = Notification.objects.listed().unread().filter(recipient=user).update(read_at=timezone.now())
    person_changed(user.pk)
    return marked


@transaction.atomic
def notification_preferences_save(*, user, channels: dict[str, str]) -> None:
    """Store the user's channel per kind; only kinds offered to the user and known channels are accepted."""
    offered = {kind.code for kind in kinds_offered_to(user)}
    changed = {
        code: channel for code, channel in channels.items() if code in offered and channel in Channel.values
    }
    # One statement for every kind (an upsert on the one-preference-per-kind constraint), not two per kind.
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user=user, kind=code, channel=channel) for code, channel in changed.items()],
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["channel"],
    )
    audit(user, "core.notification_preferences.saved", user, channels=changed)


register_kind(
    NotificationKind(
        code="core.accessibility_report_received",
        label=_("A visitor reported an accessibility problem"),
        template="core/notifications/accessibility_report_received",
        roles=("administrator",),
    )
)
register_kind(
    NotificationKind(
        code="core.accessibility_report_waiting",
        label=_("An accessibility report has waited two weeks for handling"),
        template="core/notifications/accessibility_report_waiting",
        # A reminder of work already known can wait for the morning digest.
        default=Channel.DIGEST,
        roles=("administrator",),
    )
)
