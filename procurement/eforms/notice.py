"""What the portal reads from an eForms notice: plain dataclasses, independent of the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class Unmapped:
    """A value of the notice the import could not carry over, for the officer's review."""

    term: str  # the eForms business term, e.g. "BT-501-Organization-Company"
    value: str  # the value as the notice gives it ("" when the notice gives none)
    reason: str  # a translated sentence: why, and what the officer should do


@dataclass(frozen=True)
class Party:
    """An organisation of the notice (buyer or winner)."""

    reference: str  # OPT-200, e.g. "ORG-0001"
    name: str  # BT-500
    identifier: str  # BT-501 as the notice gives it
    org_number: str  # BT-501 as a Swedish organisationsnummer NNNNNN-NNNN, "" when it is not one


@dataclass
class NoticeLot:
    identifier: str  # BT-137, e.g. "LOT-0001"
    title: str  # BT-21-Lot
    description: str  # BT-24-Lot
    main_cpv: str  # BT-262-Lot, eight digits as in the notice
    additional_cpv: list[str]  # BT-263-Lot
    estimated_value: Decimal | None  # BT-27-Lot
    currency: str
    submission_deadline_at: datetime | None  # BT-131, in Swedish time
    question_deadline_at: datetime | None  # BT-13, in Swedish time
    reserved_participation: str  # BT-71 code: "res-ws", "res-pub-ser", "none" or ""
    reserved_participation_law: str  # the Swedish provision, e.g. "LOU 4 kap. 18 §", or ""
    reserved_execution: bool | None  # BT-736: performed within sheltered-employment programmes

    @property
    def cpv_codes(self) -> list[str]:
        return _unique([self.main_cpv, *self.additional_cpv])


@dataclass(frozen=True)
class NoticeAward:
    """A lot's result in a contract award or VEAT notice: the winning tender and who made it."""

    lot_identifier: str  # BT-13713
    tender_identifier: str  # OPT-321
    winners: list[Party]  # OPT-300-Tenderer, resolved to organisations
    value: Decimal | None  # BT-720
    currency: str
    decided_on: date | None  # BT-1451, winner decision date
    signed_on: date | None  # BT-145, contract conclusion date


@dataclass(frozen=True)
class NoticeChange:
    """The change section of a change notice."""

    changed_notice: str  # BT-758: the changed notice's identifier with its version, e.g. "<uuid>-01"
    reason_code: str  # BT-140
    reason: str  # BT-762
    descriptions: list[str]  # BT-141(a)
    sections: list[str]  # BT-13716, e.g. "LOT-0000"

    @property
    def changed_notice_identifier(self) -> str:
        """BT-758 without its two-digit version suffix: the BT-701 of the notice that was changed."""
        head, _sep, tail = self.changed_notice.rpartition("-")
        return head if head and len(tail) == 2 and tail.isdigit() else self.changed_notice


@dataclass
class Notice:
    identifier: str  # BT-701
    version: str  # BT-757
    kind: str  # "cn", "cn-social", "change-cn", "can", "can-social" or "veat"
    notice_type: str  # BT-02, e.g. "cn-standard"
    form_type: str  # BT-03, e.g. "competition"
    subtype: str  # OPP-070, e.g. "16"
    procedure_identifier: str  # BT-04, the same in every notice of one procedure
    issued_at: datetime | None  # BT-05, in Swedish time
    language: str  # BT-702(a), e.g. "SWE"
    legal_basis: str  # BT-01 CELEX number, e.g. "32014L0024"
    legal_basis_label: str  # the Swedish act, e.g. "LOU (SFS 2016:1145)"
    procedure_type: str  # BT-105 code, e.g. "open"
    procedure_label: str
    main_nature: str  # BT-23, "services", "supplies" or "works"
    buyer: Party | None
    title: str  # BT-21-Procedure, Swedish when given
    description: str  # BT-24-Procedure, Swedish when given
    main_cpv: str  # BT-262-Procedure
    additional_cpv: list[str]  # BT-263-Procedure
    estimated_value: Decimal | None  # BT-27-Procedure
    currency: str
    lots: list[NoticeLot] = field(default_factory=list)
    change: NoticeChange | None = None
    awards: list[NoticeAward] = field(default_factory=list)
    direct_award_code: str = ""  # BT-136
    direct_award_reason: str = ""  # BT-135
    unmapped: list[Unmapped] = field(default_factory=list)

    @property
    def cpv_codes(self) -> list[str]:
        """Every CPV code of the notice, the procedure's first, then each lot's, without repeats."""
        return _unique(
            [self.main_cpv, *self.additional_cpv, *(c for lot in self.lots for c in lot.cpv_codes)]
        )

    @property
    def submission_deadline_at(self) -> datetime | None:
        """The earliest deadline for tenders over the lots."""
        return min(
            (lot.submission_deadline_at for lot in self.lots if lot.submission_deadline_at), default=None
        )

    @property
    def question_deadline_at(self) -> datetime | None:
        return min((lot.question_deadline_at for lot in self.lots if lot.question_deadline_at), default=None)

    @property
    def reserved_participation(self) -> set[str]:
        """The BT-71 reservations over the lots, without "none"."""
        return {lot.reserved_participation for lot in self.lots} - {"", "none"}

    @property
    def has_reserved_execution(self) -> bool:
        return any(lot.reserved_execution for lot in self.lots)


def _unique(codes) -> list[str]:
    return list(dict.fromkeys(code for code in codes if code))
