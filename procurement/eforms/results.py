"""The results of a contract award or VEAT notice: which tender won each lot, for how much, and who made it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .fields import NODES, relative
from .notice import NoticeAward

WINNER_CHOSEN = "selec-w"  # BT-142 (codelist winner-selection-status)


def read_awards(reader) -> list[NoticeAward]:
    """The awards per lot of a contract award or VEAT notice, read by `reader` (a mapping.NoticeReader)."""
    root = reader.root
    tenders = {
        reader.value(node, relative("OPT-321-Tender", "ND-LotTender")): node
        for node in reader.nodes(root, NODES["ND-LotTender"])
    }
    tendering_parties = {
        reader.value(node, relative("OPT-210-Tenderer", "ND-TenderingParty")): node
        for node in reader.nodes(root, NODES["ND-TenderingParty"])
    }
    contracts = {
        reader.value(node, relative("OPT-316-Contract", "ND-SettledContract")): node
        for node in reader.nodes(root, NODES["ND-SettledContract"])
    }
    awards = []
    for result in reader.nodes(root, NODES["ND-LotResult"]):
        lot_id = reader.value(result, relative("BT-13713-LotResult", "ND-LotResult"))
        settled = [
            contracts[ref]
            for ref in reader.values(result, relative("OPT-315-LotResult", "ND-LotResult"))
            if ref in contracts
        ]
        # A VEAT notice gives no BT-142: its lot results with a contract are the direct awards.
        status = reader.value(result, relative("BT-142-LotResult", "ND-LotResult"))
        if status != WINNER_CHOSEN and (status or not settled):
            continue
        decided = [
            reader.day(reader.value(c, relative("BT-1451-Contract", "ND-SettledContract"))) for c in settled
        ]
        signed = [
            reader.day(reader.value(c, relative("BT-145-Contract", "ND-SettledContract"))) for c in settled
        ]
        for tender_id in reader.values(result, relative("OPT-320-LotResult", "ND-LotResult")):
            tender = tenders.get(tender_id)
            if tender is None:
                continue
            value, currency = reader.amount(
                tender, relative("BT-720-Tender", "ND-LotTender"), f"BT-720-Tender {tender_id}"
            )
            party = tendering_parties.get(reader.value(tender, relative("OPT-310-Tender", "ND-LotTender")))
            winners = [
                reader.parties[ref]
                for ref in (
                    reader.values(party, relative("OPT-300-Tenderer", "ND-TenderingParty"))
                    if party is not None
                    else []
                )
                if ref in reader.parties
            ]
            for winner in winners:
                if not winner.org_number:
                    reader.skip(
                        f"BT-501-Organization-Company {winner.reference}",
                        winner.identifier,
                        _(
                            "The winner %(name)s has no Swedish organisation number; match the company by hand."
                        )
                        % {"name": winner.name},
                    )
            awards.append(
                NoticeAward(
                    lot_identifier=lot_id,
                    tender_identifier=tender_id,
                    winners=winners,
                    value=value,
                    currency=currency,
                    decided_on=next((d for d in decided if d), None),
                    signed_on=next((d for d in signed if d), None),
                )
            )
    return awards
