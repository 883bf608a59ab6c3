"""Companies' answers to tenders (sealed until the deadline, receipted) and their reasons for not answering."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from asfportal.accounts.models import User
from asfportal.core.audit import audit
from asfportal.core.exceptions import DomainError, clean_or_raise, raise_if
from asfportal.core.notifications import notify
from companies.models import Company

from ..models import Decline, Submission, Tender, Watch

# Receipt ids: no 0/O or 1/I, so a person can read one out over the phone.
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def check_eligibility(
    *, tender: Tender, company: Company, occupied: int | None, in_target_group: int | None
) -> None:
    """Who may answer: for a reserved contract only a verified ASF whose declared share meets the minimum and
    agrees with the registry (the rule is `Tender.eligibility_blockers`; the registry is read here)."""
    raise_if(
        tender.eligibility_blockers(
            company=company,
            is_verified=Company.objects.listed().filter(pk=company.pk).exists(),
            occupied=occupied,
            in_target_group=in_target_group,
        )
    )


def new_receipt_id() -> str:
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


@transaction.atomic
def submission_submit(
    *,
    tender: Tender,
    company: Company,
    message: str,
    document=None,
    occupied: int | None = None,
    in_target_group: int | None = None,
    lots: list | None = None,
    actor: User,
    now: datetime | None = None,
) -> Submission:
    """Submit or replace the company's answer before the deadline; nothing is stored when it is refused.

    Each submission gets a new receipt id, e-mailed to the person who submitted (Swedish time). The same answer
    sent again (a double click, a resent form) changes nothing, sends nothing and returns the stored answer with
    `was_repeated` set.
    """
    now = now or timezone.now()
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    raise_if(tender.submit_blockers(at=now))
    check_eligibility(tender=tender, company=company, occupied=occupied, in_target_group=in_target_group)
    if not message.strip():
        raise DomainError([], field_errors={"message": [_("Write a message with your answer.")]})
    lot_ids = {lot.pk for lot in lots or []}
    if lot_ids and lot_ids - set(tender.lots.values_list("pk", flat=True)):
        raise DomainError([], field_errors={"lots": [_("Choose lots of this tender.")]})
    submission = Submission.objects.select_for_update().filter(tender=tender, company=company).first()
    replacing = submission is not None
    if replacing and not document and not submission.needs_reconfirmation:
        same = (submission.message, submission.people_occupied, submission.people_in_target_group, lot_ids)
        answered = {lot.pk for lot in submission.lots.all()}
        if same == (message, occupied, in_target_group, answered):
            submission.was_repeated = True
            return submission
    submission = submission or Submission(tender=tender, company=company)
    submission.submitted_by, submission.message, submission.submitted_at = actor, message, now
    submission.people_occupied, submission.people_in_target_group = occupied, in_target_group
    submission.needs_reconfirmation = False
    submission.receipt_id = new_receipt_id()
    if document:
        submission.document = document
    clean_or_raise(submission)
    submission.save()
    submission.lots.set(lot_ids)
    Decline.objects.filter(tender=tender, company=company).delete()
    Watch.objects.get_or_create(tender=tender, user=actor)
    audit(actor, "procurement.submission.replaced" if replacing else "procurement.submission.submitted", tender,
          company=company.pk)  # fmt: skip
    notify(
        recipient=actor,
        kind="procurement.submission_received",
        subject_object=tender,
        url=reverse("procurement:tender-detail", args=[tender.pk]),
        context={"tender": tender, "submission": submission},
        key=f"procurement.submission_received|{submission.receipt_id}|{actor.pk}",
    )
    submission.was_repeated = False
    return submission


@transaction.atomic
def submission_decline(*, tender: Tender, company: Company, reason: str, actor: User) -> Decline:
    """Record why a company does not answer (the buyer reads it); a second decline replaces the reason."""
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    has_answered = Submission.objects.filter(tender=tender, company=company).exists()
    raise_if(tender.decline_blockers(at=timezone.now(), has_answered=has_answered))
    if not reason.strip():
        raise DomainError(
            [],
            field_errors={
                "reason": [_("Say why you do not answer; it helps the buyer shape future tenders.")]
            },
        )
    decline = Decline.objects.filter(tender=tender, company=company).first() or Decline(
        tender=tender, company=company
    )
    decline.reason = reason
    clean_or_raise(decline, validate_constraints=False)
    decline.save()
    audit(actor, "procurement.submission.declined", tender, company=company.pk)
    return decline
