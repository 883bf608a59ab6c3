"""The award of a tender per lot (or a direct award, or an IOP agreement), the standstill and the signed contract."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asfportal.accounts.models import User
from asfportal.core.audit import audit
from asfportal.core.exceptions import DomainError, clean_or_raise, raise_if
from companies.models import Company

from ..models import Award, Tender
from . import fanout, ocds


def _lots_answered(tender: Tender) -> dict[int, set[int | None]]:
    """Per answering company, the lots it answered; an answer naming no lot (or a tender without lots) covers
    every lot, written as {None} (2 queries)."""
    answered: dict[int, set[int | None]] = {}
    for submission in tender.submissions.prefetch_related("lots"):
        answered[submission.company_id] = {lot.pk for lot in submission.lots.all()} or {None}
    return answered


@transaction.atomic
def tender_award(
    *, tender: Tender, awards: list[dict[str, Any]], actor: User, sent_electronically: bool = True
) -> list[Award]:
    """Award a tender whose deadline has passed, per lot (a tender without lots is one lot), to companies that
    answered that lot; the award notice is public.

    Each award is a decision (tilldelningsbeslut) dated `awarded_on`, with its reasons; the standstill period
    (LOU 20 kap. 1-2 §§) runs from it. Every bidder is told of the decision once, with the reasons and the end
    of the standstill, by e-mail whatever their preferences; other followers hear that the tender was awarded.
    Each award freezes whether its company was a verified ASF on the award date (`company_was_verified`): the
    figure "value awarded to ASF" counts only those. A repeated award of an awarded tender is refused.
    """
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    raise_if(tender.award_blockers(at=timezone.now()))
    if not awards:
        raise DomainError(_("Choose at least one company to award."))
    lots = {lot.pk: lot for lot in tender.lots.all()}
    answered = _lots_answered(tender)
    verified = set(
        Company.objects.listed()
        .filter(pk__in=[item["company"].pk for item in awards])
        .values_list("pk", flat=True)
    )
    created = []
    for item in awards:
        company, lot = item["company"], item.get("lot")
        if lot is not None and lot.pk not in lots:
            raise DomainError(_("The lot %(lot)s is not part of this tender.") % {"lot": lot})
        if lot is None and lots:
            raise DomainError(_("Say which lot %(company)s is awarded.") % {"company": company.name})
        covered = answered.get(company.pk)
        if covered is None:
            raise DomainError(_("%(company)s has not answered this tender.") % {"company": company.name})
        if lot is not None and None not in covered and lot.pk not in covered:
            raise DomainError(
                _("%(company)s has not answered lot %(lot)s.") % {"company": company.name, "lot": lot}
            )
        award = Award(
            tender=tender,
            company_was_verified=company.pk in verified,
            decision_sent_electronically=sent_electronically,
            **item,
        )
        clean_or_raise(award)
        award.save()
        created.append(award)
    tender.status = Tender.Status.AWARDED
    tender.save(update_fields=["status", "updated_at"])
    ocds.ocds_release_add(tender=tender, tag=ocds.AWARDED, date=tender.updated_at)
    audit(
        actor,
        "procurement.tender.awarded",
        tender,
        companies=[a.company_id for a in created],
        lots=[a.lot_id for a in created if a.lot_id],
    )
    bidders = fanout.bidders(tender)
    fanout.notify_bidders(tender, bidders, awards=created)
    fanout.notify_followers(
        tender, "procurement.tender_awarded", about=tender, context={}, exclude={p.pk for p in bidders}
    )
    return created


@transaction.atomic
def award_sign(*, award: Award, actor: User, at: datetime | None = None) -> Award:
    """Record that the awarded contract is signed; refused with the reason during the standstill period
    (avtalsspärr, LOU 20 kap. 1 §) or when it already is. Adds the OCDS release of the contract; audited; nothing is sent."""
    at = at or timezone.now()
    award = Award.objects.select_for_update().select_related("tender").get(pk=award.pk)
    raise_if(award.sign_blockers(at=at))
    award.signed_on = timezone.localdate(at)
    clean_or_raise(award)
    award.save(update_fields=["signed_on", "updated_at"])
    # The tender row is locked before its release is numbered, as every other change does (ocds_release_add).
    Tender.objects.select_for_update().filter(pk=award.tender_id).first()
    ocds.ocds_release_add(tender=award.tender, tag=ocds.SIGNED, date=at)
    audit(actor, "procurement.award.signed", award.tender, award=award.pk, company=award.company_id)
    return award
