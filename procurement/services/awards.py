"""The award of a tender (or a direct award, or an IOP agreement) to companies that answered it."""

from __future__ import annotations

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


@transaction.atomic
def tender_award(*, tender: Tender, awards: list[dict[str, Any]], actor: User) -> list[Award]:
    """Award a tender whose deadline has passed to one or more answering companies; the award notice is public.

    Each award freezes whether its company was a verified ASF on the award date (`company_was_verified`): the
    figure "value awarded to ASF" counts only those. A repeated award of an awarded tender is refused with the
    reason; the page shows the award notice.
    """
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    raise_if(tender.award_blockers(at=timezone.now()))
    if not awards:
        raise DomainError(_("Choose at least one company to award."))
    answered = set(tender.submissions.values_list("company_id", flat=True))
    verified = set(
        Company.objects.listed()
        .filter(pk__in=[item["company"].pk for item in awards])
        .values_list("pk", flat=True)
    )
    created = []
    for item in awards:
        if item["company"].pk not in answered:
            raise DomainError(
                _("%(company)s has not answered this tender.") % {"company": item["company"].name}
            )
        award = Award(tender=tender, company_was_verified=item["company"].pk in verified, **item)
        clean_or_raise(award)
        award.save()
        created.append(award)
    tender.status = Tender.Status.AWARDED
    tender.save(update_fields=["status", "updated_at"])
    ocds.ocds_release_add(tender=tender, tag=ocds.AWARDED, date=tender.updated_at)
    audit(actor, "procurement.tender.awarded", tender, companies=[a.company_id for a in created])
    fanout.notify_followers(tender, "procurement.tender_awarded", about=tender, context={})
    return created
