"""Every state change of a tender itself: draft, documents, publishing, amendments, closing, cancelling."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asfportal.accounts.models import User
from asfportal.core.audit import audit
from asfportal.core.exceptions import DomainError, clean_or_raise, domain_error_from, raise_if

from ..lifecycle import legal_extension
from ..models import Amendment, Lot, Tender, TenderDocument, Watch
from . import fanout, ocds

# Terms that may change on a published tender only through an amendment.
AMENDABLE_FIELDS = (
    "title",
    "description",
    "estimated_value",
    "contract_start_on",
    "contract_end_on",
    "options",
    "question_deadline_at",
    "answers_published_by_at",
    "submission_deadline_at",
    "evaluation_criteria",
)


def exceeds_eu_threshold(tender: Tender) -> bool:
    return tender.estimated_value >= settings.PROCUREMENT_EU_THRESHOLD


@transaction.atomic
def tender_save_draft(
    *, tender: Tender | None, fields: dict[str, Any], cpv_codes, municipalities, lots: list[dict], actor: User
) -> Tender:
    """Create or change a draft of the officer's own organisation; published terms change only by amendment.
    Each field's problem (a personnummer, a contract start before the deadline, a procurement ID used twice) is
    raised on that field."""
    if tender is not None:
        tender = Tender.objects.select_for_update().get(pk=tender.pk)
        raise_if(tender.edit_blockers())
    else:
        tender = Tender(buyer=actor.organisation, created_by=actor)
    for name, value in fields.items():
        setattr(tender, name, value)
    clean_or_raise(tender)
    tender.save()
    tender.cpv_codes.set(cpv_codes)
    tender.municipalities.set(municipalities)
    tender.lots.all().delete()
    for number, lot in enumerate(lots, start=1):
        lot = Lot(tender=tender, number=number, title=lot["title"], is_reserved=lot.get("is_reserved", False))
        clean_or_raise(lot)
        lot.save()
    audit(actor, "procurement.tender.draft_saved", tender)
    return tender


@transaction.atomic
def tender_add_document(*, tender: Tender, title: str, file, actor: User) -> TenderDocument:
    """Attach a document to a draft or an open tender; followers of a published one are told."""
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    raise_if(tender.add_document_blockers(at=timezone.now()))
    document = TenderDocument(tender=tender, title=title, file=file)
    clean_or_raise(document)
    document.save()
    audit(actor, "procurement.tender.document_added", tender, document=title)
    if tender.status == Tender.Status.PUBLISHED:
        fanout.notify_followers(
            tender,
            "procurement.tender_changed",
            about=document,
            context={"reason": _("A document was added.")},
        )
    return document


@transaction.atomic
def tender_publish(*, tender: Tender, actor: User, now: datetime | None = None) -> Tender:
    """Publish a complete draft: terms freeze and matching companies hear of it. The every-minute sweep
    (tenders_close_due) closes it at its deadline. Publishing a tender already published returns it unchanged."""
    now = now or timezone.now()
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if tender.status == Tender.Status.PUBLISHED and tender.published_at:
        return tender  # a repeated click: it happened, and the page shows it
    raise_if(tender.publish_blockers(at=now))
    tender.status, tender.published_at = Tender.Status.PUBLISHED, now
    tender.save(update_fields=["status", "published_at", "updated_at"])
    ocds.ocds_release_add(tender=tender, tag=ocds.PUBLISHED, date=now)
    audit(actor, "procurement.tender.published", tender)
    fanout.notify_matching(tender)
    return tender


@transaction.atomic
def tender_amend(
    *,
    tender: Tender,
    changes: dict[str, Any],
    reason: str,
    is_substantial: bool,
    actor: User,
    lots: list[dict] | None = None,
    documents_added: list[tuple[str, Any]] = (),
    documents_removed: list[TenderDocument] = (),
) -> Amendment:
    """Change a published tender's terms, lots and documents with a reason; everyone following it hears of it.

    A substantial change leaves at least PROCUREMENT_AMENDMENT_MIN_DAYS until the deadline (a whole minute, see
    `legal_extension`), and answers already given must be confirmed again by their companies. A change of the
    lots is always substantial, since answers name the lots they cover; a lot an answer names is never removed.
    `lots` is the whole new list (number = position; None: unchanged). The amendment's `new_deadline_at` tells
    the officer when the deadline was extended; the amendment adds an OCDS release.
    """
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    now = timezone.now()
    raise_if(tender.amend_blockers(at=now))
    if not reason.strip():
        raise DomainError([], field_errors={"reason": [_("Give a reason for the amendment.")]})
    changed = {k: v for k, v in changes.items() if k in AMENDABLE_FIELDS and not _same(getattr(tender, k), v)}
    log = {k: [_plain(getattr(tender, k)), _plain(v)] for k, v in changed.items()}
    lots_log = _lots_change(tender, lots) if lots is not None else None
    removed = [d for d in documents_removed if d.tender_id == tender.pk]
    if lots_log:
        log["lots"] = lots_log
        is_substantial = True
    if documents_added:
        log["documents_added"] = [title for title, _file in documents_added]
    if removed:
        log["documents_removed"] = [d.title for d in removed]
    if not log and not is_substantial:
        raise DomainError(_("Nothing was changed."))
    new_deadline_value = changed.get("submission_deadline_at")
    if new_deadline_value is not None and new_deadline_value < tender.submission_deadline_at:
        # Moving the deadline earlier would shut out companies still working, and unseal answers early.
        raise DomainError(
            [],
            field_errors={
                "submission_deadline_at": [
                    _("An amendment may move the submission deadline later, never earlier.")
                ]
            },
        )
    for name, value in changed.items():
        setattr(tender, name, value)
    new_deadline = extend_for_substantial_change(tender, at=now) if is_substantial else None
    clean_or_raise(tender)
    tender.save()
    if lots_log:
        _lots_apply(tender, lots)
    for title, file in documents_added:
        document = TenderDocument(tender=tender, title=title, file=file)
        clean_or_raise(document)
        document.save()
    TenderDocument.objects.filter(pk__in=[d.pk for d in removed]).delete()
    amendment = Amendment(
        tender=tender, made_by=actor, reason=reason, changes=log, is_substantial=is_substantial,
        new_deadline_at=new_deadline,
    )  # fmt: skip
    clean_or_raise(amendment, exclude=["changes"])  # {} is a valid log: a substantial change of nothing typed
    amendment.save()
    if is_substantial:
        tender.submissions.update(needs_reconfirmation=True)
    ocds.ocds_release_add(tender=tender, tag=ocds.AMENDED, date=amendment.created_at)
    audit(actor, "procurement.tender.amended", tender, fields=sorted(log), substantial=is_substantial)
    fanout.notify_followers(tender, "procurement.tender_changed", about=amendment, context={"reason": reason})
    return amendment


def _lots_change(tender: Tender, lots: list[dict]) -> list | None:
    """[old, new] lot lines ("1. Skolor *") when the new list differs; refuses removing a lot an answer names."""
    current = list(tender.lots.all())

    def line(number, title, reserved):
        return f"{number}. {title}{' *' if reserved else ''}"

    old = [line(lot.number, lot.title, lot.is_reserved) for lot in current]
    new = [line(n, lot["title"], lot.get("is_reserved", False)) for n, lot in enumerate(lots, start=1)]
    if old == new:
        return None
    dropped = [lot for lot in current if lot.number > len(lots)]
    named = Lot.objects.filter(pk__in=[lot.pk for lot in dropped], submissions__isnull=False).distinct()
    if named := list(named):
        raise DomainError(
            [],
            field_errors={
                "lots": [
                    _("Lot %(lot)s cannot be removed: an answer names it.")
                    % {"lot": ", ".join(map(str, named))}
                ]
            },
        )
    return [old, new]


def _lots_apply(tender: Tender, lots: list[dict]) -> None:
    # Lots are kept by number, so answers naming lot 2 still name lot 2 after it is renamed.
    current = {lot.number: lot for lot in tender.lots.all()}
    for number, item in enumerate(lots, start=1):
        lot = current.pop(number, None) or Lot(tender=tender, number=number)
        lot.title, lot.is_reserved = item["title"], item.get("is_reserved", False)
        clean_or_raise(lot)
        lot.save()
    Lot.objects.filter(pk__in=[lot.pk for lot in current.values()]).delete()


def extend_for_substantial_change(tender: Tender, *, at: datetime) -> datetime | None:
    """Move the deadline to the legal minimum after a substantial change at `at`, when it is sooner; returns the
    new deadline, or None when the deadline already leaves enough time."""
    earliest = legal_extension(at=at)
    if tender.submission_deadline_at < earliest:
        tender.submission_deadline_at = earliest
        return earliest
    return None


def clean_only(instance, *names: str) -> None:
    """Check only the named fields (length, the personnummer guard) of a record whose other fields are not being
    changed; each problem is raised on its field."""
    try:
        instance.clean_fields(exclude=[f.name for f in instance._meta.fields if f.name not in names])
    except ValidationError as error:
        raise domain_error_from(error) from error


def _same(old, new) -> bool:
    # A deadline is typed to the minute: the seconds a stored time may carry are no change.
    if isinstance(old, datetime) and isinstance(new, datetime):
        return old.replace(second=0, microsecond=0) == new.replace(second=0, microsecond=0)
    return old == new


def _plain(value) -> Any:
    return value if isinstance(value, (str, int, bool)) or value is None else str(value)


@transaction.atomic
def tender_watch(*, tender: Tender, user: User) -> None:
    """Follow a tender (the follow button or a document download): changes, answers to questions and the award
    reach the user. Idempotent: following again changes nothing and writes no second audit entry."""
    _watch, created = Watch.objects.get_or_create(tender=tender, user=user)
    if created:
        audit(user, "procurement.tender.watched", tender)


@transaction.atomic
def tender_unwatch(*, tender: Tender, user: User) -> None:
    """Stop following a tender; idempotent. Someone who answered it still hears of it (the answer makes them a
    follower, `fanout.followers`), because what happens to a tender they bid on concerns them."""
    deleted, _rows = Watch.objects.filter(tender=tender, user=user).delete()
    if deleted:
        audit(user, "procurement.tender.unwatched", tender)


@transaction.atomic
def tender_watches_hand_over(
    *, person: User, successor: User, organisation_id: int, actor: User | None
) -> int:
    """A leaver's follows of their organisation's unfinished tenders pass to the colleague who takes over, so the
    questions, changes and award still reach someone (accounts administration, core/handover.py). Returns how
    many tenders the successor now follows because of it; one audit entry for the lot."""
    watches = Watch.objects.filter(
        user=person, tender__buyer_id=organisation_id, tender__status__in=OPEN_FOR_HANDOVER
    )
    tender_ids = list(watches.values_list("tender_id", flat=True))
    if not tender_ids:
        return 0
    Watch.objects.bulk_create(
        [Watch(tender_id=pk, user=successor) for pk in tender_ids], ignore_conflicts=True
    )
    watches.delete()
    audit(actor, "procurement.tender.watches_handed_over", successor, tenders=tender_ids, from_user=person.pk)
    return len(tender_ids)


def tender_watches_held(*, person: User, organisation_id: int) -> int:
    return Watch.objects.filter(
        user=person, tender__buyer_id=organisation_id, tender__status__in=OPEN_FOR_HANDOVER
    ).count()


# A tender still moving: its follower has something left to hear.
OPEN_FOR_HANDOVER = (Tender.Status.DRAFT, Tender.Status.PUBLISHED, Tender.Status.CLOSED)


@transaction.atomic
def tenders_close_due(*, now: datetime | None = None) -> int:
    """Close every published tender whose submission deadline has passed; idempotent (run every minute by beat,
    the one schedule: a task per tender due weeks ahead would be redelivered by Redis and multiply)."""
    now = now or timezone.now()
    due = list(
        Tender.objects.select_for_update(skip_locked=True).filter(
            status=Tender.Status.PUBLISHED, submission_deadline_at__lte=now
        )
    )
    for tender in due:
        tender.status, tender.closed_at = Tender.Status.CLOSED, now
        tender.save(update_fields=["status", "closed_at", "updated_at"])
        audit(None, "procurement.tender.closed", tender)
        fanout.notify_officers(tender, "procurement.tender_closed", subject_object=tender)
    return len(due)


@transaction.atomic
def tender_cancel(*, tender: Tender, reason: str, actor: User) -> Tender:
    """Cancel a tender before its award, with a reason everyone following it is told; a repeated cancel returns
    the cancelled tender."""
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if tender.status == Tender.Status.CANCELLED:
        return tender
    raise_if(tender.cancel_blockers())
    if not reason.strip():
        raise DomainError([], field_errors={"reason": [_("Give a reason for cancelling.")]})
    tender.status, tender.cancel_reason = Tender.Status.CANCELLED, reason
    clean_only(tender, "cancel_reason")
    tender.save(update_fields=["status", "cancel_reason", "updated_at"])
    ocds.ocds_release_add(tender=tender, tag=ocds.CANCELLED, date=tender.updated_at)
    audit(actor, "procurement.tender.cancelled", tender, reason=reason)
    fanout.notify_followers(tender, "procurement.tender_cancelled", about=tender, context={"reason": reason})
    return tender
