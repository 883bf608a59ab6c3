"""From a validated eForms notice (UBL 2.3 XML) to the portal's Notice, by the SDK's XPath of each business term."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

from .fields import FIELDS, NAMESPACES, NODES, relative
from .notice import Notice, NoticeChange, NoticeLot, Party, Unmapped
from .results import read_awards
from .validation import NoticeRefused, parse_notice_xml, type_not_taken
from .values import DATE, SWEDISH_TIME, TIME, string, swedish_org_number, zone

SWEDISH = "SWE"

# BT-02 notice types the portal takes, and the root element each must have.
KINDS = {
    "cn-standard": ("cn", "ContractNotice"),
    "cn-social": ("cn-social", "ContractNotice"),
    "can-standard": ("can", "ContractAwardNotice"),
    "can-social": ("can-social", "ContractAwardNotice"),
    "veat": ("veat", "ContractAwardNotice"),
}
CHANGEABLE_KINDS = ("cn", "cn-social")  # a change notice of a contract notice becomes an amendment
COMPETITION_KINDS = ("cn", "cn-social", "change-cn")  # notices that call for tenders, with deadlines

# BT-01: the EU directive (CELEX) and the Swedish act that implements it.
LEGAL_BASES = {
    "32014L0024": gettext_lazy("LOU (SFS 2016:1145), directive 2014/24/EU"),
    "32014L0025": gettext_lazy("LUF (SFS 2016:1146), directive 2014/25/EU"),
    "32014L0023": gettext_lazy("LUK (SFS 2016:1147), directive 2014/23/EU"),
    "32009L0081": gettext_lazy("LUFS (SFS 2011:1029), directive 2009/81/EC"),
}
# BT-105 (codelist procurement-procedure-type).
PROCEDURES = {
    "open": gettext_lazy("Open procedure"),
    "restricted": gettext_lazy("Restricted procedure"),
    "neg-w-call": gettext_lazy("Negotiated procedure with prior publication"),
    "neg-wo-call": gettext_lazy("Negotiated procedure without prior publication"),
    "comp-dial": gettext_lazy("Competitive dialogue"),
    "innovation": gettext_lazy("Innovation partnership"),
    "comp-tend": gettext_lazy("Competitive tendering (Regulation 1370/2007)"),
    "oth-single": gettext_lazy("Other single-stage procedure"),
    "oth-mult": gettext_lazy("Other multiple-stage procedure"),
}
# BT-71 (codelist reserved-procurement) and the provision of LOU it invokes.
RESERVATIONS = {
    # Sheltered workshops and suppliers aiming at the social and professional integration of disabled or
    # disadvantaged persons: LOU 4 kap. 18 § (directive 2014/24/EU art. 20).
    "res-ws": "LOU 4 kap. 18 §",
    # Organisations with a public-service mission, for certain health, social and cultural services:
    # LOU 19 kap. 6 a § (directive 2014/24/EU art. 77).
    "res-pub-ser": "LOU 19 kap. 6 a §",
    "none": "",
}

_CPV = re.compile(r"^\d{8}$")


def parse_notice(data: bytes) -> Notice:
    """Validate an uploaded notice and map it; raises NoticeRefused with a translated reason when it cannot be
    imported. Values that are there but do not fit the portal are listed in `Notice.unmapped`."""
    return NoticeReader(parse_notice_xml(data)).notice()


class NoticeReader:
    def __init__(self, root: etree._Element):
        self.root = root
        self.unmapped: list[Unmapped] = []
        self.kind_read = ""
        self.language = self.value(root, FIELDS["BT-702(a)-notice"])
        self.parties = {
            self.value(company, relative("OPT-200-Organization-Company", "ND-Company")): self.party(company)
            for company in self.nodes(root, NODES["ND-Company"])
        }

    # Reading
    def nodes(self, context, xpath: str) -> list:
        return context.xpath(xpath, namespaces=NAMESPACES)

    def value(self, context, xpath: str) -> str:
        found = self.nodes(context, xpath)
        return string(found[0]) if found else ""

    def values(self, context, xpath: str) -> list[str]:
        return [text for text in (string(node) for node in self.nodes(context, xpath)) if text]

    def text(self, context, xpath: str) -> str:
        """A multilingual text: the Swedish version when there is one, else the notice's language, else the first."""
        found = [node for node in self.nodes(context, xpath) if string(node)]
        for language in (SWEDISH, self.language):
            for node in found:
                if node.get("languageID") == language:
                    return string(node)
        return string(found[0]) if found else ""

    def skip(self, term: str, value: str, reason: str) -> None:
        self.unmapped.append(Unmapped(term=term, value=value, reason=str(reason)))

    # The notice
    def notice(self) -> Notice:
        root = self.root
        notice_type = self.value(root, FIELDS["BT-02-notice"])
        kind = self.kind_read = self.kind(notice_type)
        self.refuse_if_incomplete()
        legal_basis = self.value(root, FIELDS["BT-01-notice"])
        if legal_basis and legal_basis not in LEGAL_BASES:
            self.skip("BT-01-notice", legal_basis, _("The portal does not know this legal basis; check it."))
        procedure = self.value(root, FIELDS["BT-105-Procedure"])
        if procedure and procedure not in PROCEDURES:
            self.skip("BT-105-Procedure", procedure, _("The portal does not know this procedure; check it."))
        value, currency = self.amount(root, FIELDS["BT-27-Procedure"], "BT-27-Procedure")
        main = self.cpv(root, FIELDS["BT-262-Procedure"], "BT-262-Procedure")
        return Notice(
            identifier=self.value(root, FIELDS["BT-701-notice"]),
            version=self.value(root, FIELDS["BT-757-notice"]),
            kind=kind,
            notice_type=notice_type,
            form_type=self.value(root, FIELDS["BT-03-notice"]),
            subtype=self.value(root, FIELDS["OPP-070-notice"]),
            procedure_identifier=self.value(root, FIELDS["BT-04-notice"]),
            issued_at=self.moment(
                self.value(root, FIELDS["BT-05(a)-notice"]), self.value(root, FIELDS["BT-05(b)-notice"]), ""
            ),
            language=self.language,
            legal_basis=legal_basis,
            legal_basis_label=str(LEGAL_BASES.get(legal_basis, "")),
            procedure_type=procedure,
            procedure_label=str(PROCEDURES.get(procedure, "")),
            main_nature=self.value(root, FIELDS["BT-23-Procedure"]),
            buyer=self.buyer(),
            title=self.text(root, FIELDS["BT-21-Procedure"]),
            description=self.text(root, FIELDS["BT-24-Procedure"]),
            main_cpv=main[0] if main else "",
            additional_cpv=self.cpv(root, FIELDS["BT-263-Procedure"], "BT-263-Procedure"),
            estimated_value=value,
            currency=currency,
            lots=[self.lot(node) for node in self.nodes(root, NODES["ND-Lot"])],
            change=self.change() if kind == "change-cn" else None,
            awards=read_awards(self) if kind in ("can", "can-social", "veat") else [],
            direct_award_code=self.value(root, FIELDS["BT-136-Procedure"]),
            direct_award_reason=self.text(root, FIELDS["BT-135-Procedure"]),
            unmapped=self.unmapped,
        )

    def kind(self, notice_type: str) -> str:
        root_name = etree.QName(self.root).localname
        kind, expected_root = KINDS.get(notice_type, ("", ""))
        if not kind or root_name != expected_root:
            raise NoticeRefused(type_not_taken(notice_type or root_name))
        if self.nodes(self.root, FIELDS["BT-758-notice"]):
            if kind not in CHANGEABLE_KINDS:
                raise NoticeRefused(type_not_taken(_("a change of %(type)s") % {"type": notice_type}))
            return "change-cn"
        return kind

    def refuse_if_incomplete(self) -> None:
        """What the portal cannot do without (the SDK's INVALID example has none of it)."""
        needed = {
            "BT-701-notice": _("the notice identifier (BT-701)"),
            "BT-04-notice": _("the procedure identifier (BT-04)"),
            "BT-21-Procedure": _("the title (BT-21)"),
            "OPT-300-Procedure-Buyer": _("the buyer (OPT-300)"),
            "BT-137-Lot": _("at least one lot (BT-137)"),
        }
        missing = [str(name) for term, name in needed.items() if not self.values(self.root, FIELDS[term])]
        if missing:
            raise NoticeRefused(
                _("The notice lacks what the portal needs to import it: %(missing)s.")
                % {"missing": ", ".join(missing)}
            )

    def party(self, company) -> Party:
        identifier = self.value(company, relative("BT-501-Organization-Company", "ND-Company"))
        return Party(
            reference=self.value(company, relative("OPT-200-Organization-Company", "ND-Company")),
            name=self.text(company, relative("BT-500-Organization-Company", "ND-Company")),
            identifier=identifier,
            org_number=swedish_org_number(identifier),
        )

    def buyer(self) -> Party | None:
        references = self.values(self.root, FIELDS["OPT-300-Procedure-Buyer"])
        buyer = self.parties.get(references[0]) if references else None
        for other in references[1:]:
            party = self.parties.get(other)
            self.skip(
                "OPT-300-Procedure-Buyer",
                party.name if party else other,
                _("A joint procurement: the portal takes the first buyer only."),
            )
        if buyer and not buyer.org_number:
            self.skip(
                "BT-501-Organization-Company",
                buyer.identifier,
                _(
                    "The buyer's identifier is not a Swedish organisation number; the draft is created for "
                    "your organisation."
                ),
            )
        return buyer

    def lot(self, node) -> NoticeLot:
        lot_id = self.value(node, relative("BT-137-Lot", "ND-Lot"))

        def rel(term: str) -> str:
            return relative(term, "ND-Lot")

        value, currency = self.amount(node, rel("BT-27-Lot"), f"BT-27-Lot {lot_id}")
        reservation = self.value(node, rel("BT-71-Lot"))
        if reservation and reservation not in RESERVATIONS:
            self.skip(
                f"BT-71-Lot {lot_id}",
                reservation,
                _("The portal does not know this reserved participation; check it."),
            )
        execution = self.value(node, rel("BT-736-Lot"))
        submission = self.moment(
            self.value(node, rel("BT-131(d)-Lot")), self.value(node, rel("BT-131(t)-Lot")), f"BT-131 {lot_id}"
        )
        if submission is None and self.kind_read in COMPETITION_KINDS:
            # A two-stage procedure (restricted, negotiated) gives the deadline for requests to participate.
            submission = self.moment(
                self.value(node, rel("BT-1311(d)-Lot")),
                self.value(node, rel("BT-1311(t)-Lot")),
                f"BT-1311 {lot_id}",
            )
            if submission is not None:
                self.skip(
                    f"BT-1311(d)-Lot {lot_id}",
                    submission.strftime("%Y-%m-%d %H:%M"),
                    _(
                        "The notice gives the deadline for requests to participate, not for tenders; it is "
                        "used as the submission deadline: check it."
                    ),
                )
            else:
                self.skip(
                    f"BT-131(d)-Lot {lot_id}", "", _("The notice gives no deadline for tenders; enter one.")
                )
        main = self.cpv(node, rel("BT-262-Lot"), f"BT-262-Lot {lot_id}")
        return NoticeLot(
            identifier=lot_id,
            title=self.text(node, rel("BT-21-Lot")),
            description=self.text(node, rel("BT-24-Lot")),
            main_cpv=main[0] if main else "",
            additional_cpv=self.cpv(node, rel("BT-263-Lot"), f"BT-263-Lot {lot_id}"),
            estimated_value=value,
            currency=currency,
            submission_deadline_at=submission,
            question_deadline_at=self.moment(
                self.value(node, rel("BT-13(d)-Lot")),
                self.value(node, rel("BT-13(t)-Lot")),
                f"BT-13 {lot_id}",
            ),
            reserved_participation=reservation,
            reserved_participation_law=RESERVATIONS.get(reservation, ""),
            reserved_execution={"yes": True, "no": False}.get(execution),
        )

    def change(self) -> NoticeChange:
        root = self.root
        return NoticeChange(
            changed_notice=self.value(root, FIELDS["BT-758-notice"]),
            reason_code=self.value(root, FIELDS["BT-140-notice"]),
            reason=self.text(root, FIELDS["BT-762-notice"]),
            descriptions=[
                self.text(change, relative("BT-141(a)-notice", "ND-Change"))
                for change in self.nodes(root, NODES["ND-Change"])
            ],
            sections=list(dict.fromkeys(self.values(root, FIELDS["BT-13716-notice"]))),
        )

    # Values
    def amount(self, context, xpath: str, term: str) -> tuple[Decimal | None, str]:
        found = self.nodes(context, xpath)
        if not found:
            return None, ""
        text, currency = string(found[0]), found[0].get("currencyID", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            self.skip(term, text, _("This is not an amount; enter it."))
            return None, currency
        if currency != "SEK":
            self.skip(
                term,
                f"{text} {currency}",
                _(
                    "The amount is in %(currency)s; the portal keeps values in SEK excluding VAT. Enter it in SEK."
                )
                % {"currency": currency or "?"},
            )
        return amount, currency

    def cpv(self, context, xpath: str, term: str) -> list[str]:
        codes = []
        for code in self.values(context, xpath):
            if _CPV.match(code):
                codes.append(code)
            else:
                self.skip(term, code, _("This is not a CPV code of eight digits."))
        return list(dict.fromkeys(codes))

    def moment(self, date_text: str, time_text: str, term: str) -> datetime | None:
        """An eForms date and time (each may carry its offset) as an aware datetime in Swedish time."""
        if not date_text:
            return None
        date_match, time_match = DATE.match(date_text), TIME.match(time_text) if time_text else None
        if not date_match or (time_text and not time_match):
            if term:
                self.skip(
                    term, f"{date_text} {time_text}".strip(), _("This is not a date and time; enter it.")
                )
            return None
        day = date.fromisoformat(date_match.group(1))
        if time_match:
            moment = time.fromisoformat(time_match.group(1))
            offset = zone(time_match.group(2) or date_match.group(2))
        else:
            # A date without a time ends at the end of that day in Swedish time.
            moment, offset = time(23, 59), SWEDISH_TIME
            if term:
                self.skip(
                    term, date_text, _("The notice gives a date without a time; the end of the day is used.")
                )
        return datetime.combine(day, moment, tzinfo=offset).astimezone(SWEDISH_TIME)

    def day(self, text: str) -> date | None:
        match = DATE.match(text)
        return date.fromisoformat(match.group(1)) if match else None
