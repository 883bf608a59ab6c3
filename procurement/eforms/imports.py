"""Turning an imported eForms notice into the portal's records, through the procurement services only."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from asfportal.accounts.models import User
from asfportal.core.audit import audit
from asfportal.core.exceptions import DomainError
from companies.models import Company
from procurement import services
from procurement.models import CpvCode, Tender, cpv_check_digit

from .notice import Notice, Unmapped

TITLE_MAX, DESCRIPTION_MAX = 200, 10000


@transaction.atomic
def tender_import_from_notice(*, notice: Notice, actor: User, notice_url: str = "") -> Tender:
    """Create or change the tender an eForms notice describes, for the officer's own organisation.

    A contract notice (cn, cn-social) becomes a draft tender (the officer reviews and publishes it as usual); a
    change notice an amendment with its reason; a contract award notice the awards per lot; a VEAT notice a
    direct-award draft. Every value that could not be carried over is stored with the audit entry
    ("procurement.tender.imported", its `unmapped` list) for the review page. The procurement ID is the notice's
    procedure identifier (BT-04), the same in every notice of one procedure, so later notices find the tender.
    Importing the same contract notice again returns the tender it made. Raises DomainError when the notice's
    buyer is another organisation, or when a later notice has no tender to change.
    """
    unmapped = list(notice.unmapped)
    _check_buyer(notice, actor)
    existing = (
        Tender.objects.filter(buyer_id=actor.organisation_id, procurement_id=notice.procedure_identifier)
        .order_by("pk")
        .first()
    )
    if notice.kind in ("cn", "cn-social", "veat"):
        if existing is not None:
            return existing  # imported before: the draft (or what became of it) is the result
        tender = _draft(notice, actor=actor, notice_url=notice_url, unmapped=unmapped)
    elif existing is None:
        raise DomainError(
            _(
                "No tender of your organisation has the procurement ID %(id)s; import its contract notice first."
            )
            % {"id": notice.procedure_identifier}
        )
    elif notice.kind == "change-cn":
        tender = _amend(notice, tender=existing, actor=actor)
    else:
        tender = _award(notice, tender=existing, actor=actor, unmapped=unmapped)
    audit(
        actor,
        "procurement.tender.imported",
        tender,
        notice=notice.identifier,
        kind=notice.kind,
        unmapped=[asdict(item) for item in unmapped],
    )
    return tender


def unmapped_for(tender: Tender) -> list[Unmapped]:
    """What the latest import into `tender` could not carry over, for the officer's review."""
    from asfportal.core.models import AuditEntry

    entry = (
        AuditEntry.objects.filter(
            action="procurement.tender.imported", object_type="procurement.tender", object_id=str(tender.pk)
        )
        .order_by("-at", "-pk")
        .first()
    )
    return [Unmapped(**item) for item in entry.data.get("unmapped", [])] if entry else []


def _check_buyer(notice: Notice, actor: User) -> None:
    # The buyer is matched by organisationsnummer (BT-501); an officer imports only their own organisation's notice.
    own = (actor.organisation.org_number or "").strip() if actor.organisation_id else ""
    buyer = notice.buyer
    if buyer and buyer.org_number and own and buyer.org_number != own:
        raise DomainError(
            _("The notice's buyer is %(name)s (%(number)s), not your organisation.")
            % {"name": buyer.name, "number": buyer.org_number}
        )


def _draft(notice: Notice, *, actor: User, notice_url: str, unmapped: list[Unmapped]) -> Tender:
    if notice.submission_deadline_at is None and notice.kind != "veat":
        raise DomainError(_("The notice gives no deadline for tenders, which a tender in the portal needs."))
    title = notice.title
    if len(title) > TITLE_MAX:
        unmapped.append(Unmapped("BT-21-Procedure", title, _("The title was shortened to 200 characters.")))
        title = title[: TITLE_MAX - 1] + "…"
    fields = {
        "title": title,
        "description": notice.description[:DESCRIPTION_MAX] or title,
        "legal_basis": _legal_basis(notice, unmapped),
        "procurement_id": notice.procedure_identifier,
        "notice_url": notice_url,
        "estimated_value": _sek(notice.estimated_value, notice.currency),
        "submission_deadline_at": notice.submission_deadline_at or notice.issued_at,
        "question_deadline_at": notice.question_deadline_at,
    }
    if notice.kind == "veat":
        fields["direct_award_reason"] = notice.direct_award_reason
        # An award in the portal is made to a company that answered; the officer records it after publishing.
        for award in notice.awards:
            for winner in award.winners:
                unmapped.append(
                    Unmapped(
                        f"OPT-300-Tenderer {winner.reference}",
                        winner.name,
                        _(
                            "The direct award to this supplier is recorded when you award the published tender."
                        ),
                    )
                )
    lots = (
        [
            {"title": (lot.title or lot.identifier)[:TITLE_MAX], "is_reserved": _reserved(lot)}
            for lot in notice.lots
        ]
        if len(notice.lots) > 1
        else []
    )
    return services.tender_save_draft(
        tender=None,
        fields=fields,
        cpv_codes=_cpv_codes(notice, unmapped),
        municipalities=[],
        lots=lots,
        actor=actor,
    )


def _amend(notice: Notice, *, tender: Tender, actor: User) -> Tender:
    # A change notice restates the whole notice; only its dates and value carry over, since the officer may have
    # rewritten the title and description in the portal. What changed is in the reason, in the notice's words.
    change = notice.change
    changes = {
        "submission_deadline_at": notice.submission_deadline_at,
        "question_deadline_at": notice.question_deadline_at,
    }
    if notice.estimated_value is not None and notice.currency == "SEK":
        changes["estimated_value"] = _sek(notice.estimated_value, notice.currency)
    changes = {name: value for name, value in changes.items() if value is not None}
    reason = " ".join(filter(None, [change.reason, "; ".join(change.descriptions)])) or notice.identifier
    services.tender_amend(
        tender=tender, changes=changes, reason=reason[:2000], is_substantial=False, actor=actor
    )
    tender.refresh_from_db()
    return tender


def _award(notice: Notice, *, tender: Tender, actor: User, unmapped: list[Unmapped]) -> Tender:
    numbers = {w.org_number for award in notice.awards for w in award.winners if w.org_number}
    companies = {c.org_number: c for c in Company.objects.filter(org_number__in=numbers)}
    lots = {lot.number: lot for lot in tender.lots.all()}
    lot_numbers = {lot.identifier: n for n, lot in enumerate(notice.lots, start=1)}
    awards = []
    for award in notice.awards:
        for winner in award.winners:
            company = companies.get(winner.org_number)
            if company is None:
                unmapped.append(
                    Unmapped(
                        f"OPT-300-Tenderer {winner.reference}",
                        winner.name,
                        _("The winner is not a company in the portal; record the award by hand."),
                    )
                )
                continue
            awards.append(
                {
                    "company": company,
                    "lot": lots.get(lot_numbers.get(award.lot_identifier)),
                    "value": _sek(award.value, award.currency),
                    **({"awarded_on": award.decided_on} if award.decided_on else {}),
                    # BT-145: the notice records a contract already signed (after its standstill).
                    **({"signed_on": award.signed_on} if award.signed_on else {}),
                }
            )
    if not awards:
        raise DomainError(
            _("None of the notice's winners is a company in the portal; record the award by hand.")
        )
    services.tender_award(tender=tender, awards=awards, actor=actor)
    tender.refresh_from_db()
    return tender


def _legal_basis(notice: Notice, unmapped: list[Unmapped]) -> str:
    if notice.kind == "veat":
        return Tender.LegalBasis.DIRECT_AWARD
    reserved = notice.reserved_participation
    if "res-ws" in reserved:  # LOU 4 kap. 18 § first paragraph
        return Tender.LegalBasis.RESERVED_4_18_1
    if "res-pub-ser" in reserved:  # LOU 19 kap. 6 a §
        return Tender.LegalBasis.RESERVED_19_6A
    if notice.has_reserved_execution:  # BT-736: LOU 4 kap. 18 § second paragraph, sheltered employment
        return Tender.LegalBasis.RESERVED_4_18_2
    unmapped.append(
        Unmapped(
            "BT-71-Lot",
            "none",
            _(
                "The notice reserves nothing; the draft is marked as a procurement with an employment "
                "requirement: check the legal basis."
            ),
        )
    )
    return Tender.LegalBasis.EMPLOYMENT_REQUIREMENT


def _reserved(lot) -> bool:
    return lot.reserved_participation in ("res-ws", "res-pub-ser") or bool(lot.reserved_execution)


def _sek(amount: Decimal | None, currency: str) -> Decimal:
    # Only SEK carries over; any other currency is in the unmapped list and the officer enters the value.
    return amount.quantize(Decimal(1)) if amount is not None and currency == "SEK" else Decimal(0)


def _cpv_codes(notice: Notice, unmapped: list[Unmapped]) -> list[CpvCode]:
    # The notice gives the eight digits; the portal keeps the code with its check digit (NNNNNNNN-C).
    wanted = {f"{digits}-{cpv_check_digit(digits)}": digits for digits in notice.cpv_codes}
    known = {code.code: code for code in CpvCode.objects.filter(code__in=wanted)}
    for code, digits in wanted.items():
        if code not in known:
            unmapped.append(Unmapped("BT-262", digits, _("The portal's CPV list does not have this code.")))
    return [known[code] for code in wanted if code in known]
