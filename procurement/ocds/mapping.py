"""One OCDS 1.1 release describing a tender as it stands: parties, tender, lots, enquiries, amendments, awards.

Only model fields are read (no model properties or methods besides `get_<field>_display`), so the backfill migration
can build releases from historical models too.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

SWEDEN = ZoneInfo("Europe/Stockholm")
# The legal act under which the tender is run, by the legalBasis extension: the EU procurement directive 2014/24/EU
# by its CELEX number (the extension's scheme for EUR-Lex documents), transposed in Sweden by LOU, lag (2016:1145)
# om offentlig upphandling, whose provision we name in the description. An IOP is an agreement outside LOU: no
# legal basis of procurement law is claimed for it.
LOU = "Lag (2016:1145) om offentlig upphandling (LOU)"
LOU_URI = "https://www.riksdagen.se/sv/dokument-och-lagar/dokument/svensk-forfattningssamling/lag-20161145-om-offentlig-upphandling_sfs-2016-1145/"
DIRECTIVE = {"scheme": "CELEX", "id": "32014L0024", "uri": "https://eur-lex.europa.eu/eli/dir/2014/24/oj"}
PROVISIONS = {
    "lou_4_18_1": "4 kap. 18 § första stycket",
    "lou_4_18_2": "4 kap. 18 § andra stycket",
    "lou_19_6a": "19 kap. 6 a §",
    "employment_requirement": "",
    "direct_award": "19 a kap.",
}
# Reserved participation (eForms BT-71) with the Other Requirements extension's codelist only: LOU 4 kap. 18 §
# first paragraph (res-ws) is participation reserved to sheltered workshops and suppliers whose main purpose is the
# integration of disabled or disadvantaged persons; LOU 19 kap. 6 a § (res-pub-ser) reserves welfare services to
# organisations pursuing a public service mission. Reserved execution (eForms BT-736), LOU 4 kap. 18 § second
# paragraph, is not a participation code: it is contractTerms.reservedExecution (Contract Terms extension).
RESERVED_PARTICIPATION = {
    "lou_4_18_1": ["shelteredWorkshop"],
    "lou_19_6a": ["publicServiceMissionOrganization"],
}
RESERVED_EXECUTION = {"lou_4_18_2"}
STATUS = {"published": "active", "closed": "active", "awarded": "complete", "cancelled": "cancelled"}
METHOD = {"direct_award": "limited", "iop": "direct"}


def ocid_for(tender_pk: int) -> str:
    return f"{settings.OCDS_PREFIX}-{tender_pk}"


def moment(value: datetime | None) -> str | None:
    """A moment in Swedish time with its offset (2026-03-01T12:00:00+01:00)."""
    return timezone.localtime(value, SWEDEN).isoformat(timespec="seconds") if value else None


def day_start(value: date | None) -> str | None:
    """A Swedish date as the moment it starts in Sweden (00:00:00 with that day's offset), never UTC midnight."""
    return datetime.combine(value, time.min, tzinfo=SWEDEN).isoformat() if value else None


def day_end(value: date | None) -> str | None:
    """A Swedish date used as an end date or deadline: the last second of that day in Sweden."""
    return datetime.combine(value, time(23, 59, 59), tzinfo=SWEDEN).isoformat() if value else None


def _identifier(org_number: str | None, name: str) -> dict | None:
    # org-id.guide's list SE-ON (Organisationsnummer) covers every Swedish organisation number, whoever issued it:
    # Bolagsverket for companies and associations, Skatteverket for municipalities and regions. Written NNNNNN-NNNN
    # as the list's examples are.
    digits = (org_number or "").replace("-", "")
    if len(digits) != 10:
        return None
    return {"scheme": "SE-ON", "id": f"{digits[:6]}-{digits[6:]}", "legalName": name}


def _party(prefix: str, pk: int, name: str, org_number: str | None, roles: list[str]) -> dict:
    identifier = _identifier(org_number, name)
    party = {
        "id": f"{identifier['scheme']}-{identifier['id']}" if identifier else f"{prefix}-{pk}",
        "name": name,
    }
    if identifier:
        party["identifier"] = identifier
    party["roles"] = roles
    return party


def _legal_basis(tender) -> dict | None:
    if tender.legal_basis == "iop":
        return None
    provision = PROVISIONS.get(tender.legal_basis, "")
    return {**DIRECTIVE, "description": f"{LOU}, {provision}" if provision else LOU}


def _reservation(legal_basis: str) -> dict:
    if legal_basis in RESERVED_PARTICIPATION:
        return {"otherRequirements": {"reservedParticipation": RESERVED_PARTICIPATION[legal_basis]}}
    if legal_basis in RESERVED_EXECUTION:
        return {"contractTerms": {"reservedExecution": True}}
    return {}


def _compact(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def release(tender, *, release_id: str, date: datetime, tag: list[str]) -> dict:
    """The tender as it stands, as the release `release_id` of its contracting process, dated `date`."""
    with translation.override("sv"):
        return _release(tender, release_id=release_id, date=date, tag=tag)


def _release(tender, *, release_id: str, date: datetime, tag: list[str]) -> dict:
    site, ocid = settings.SITE_URL, ocid_for(tender.pk)
    buyer = _party("asfportal-org", tender.buyer_id, tender.buyer.name, tender.buyer.org_number,
                   ["buyer", "procuringEntity"])  # fmt: skip
    parties = [buyer]
    awards, contracts = [], []
    for award in tender.awards.all():
        company = award.company
        supplier = _party("asfportal-company", company.pk, company.name, company.org_number, ["supplier"])
        known = next((p for p in parties if p["id"] == supplier["id"]), None)
        if known is None:
            parties.append(supplier)
        elif "supplier" not in known["roles"]:
            known["roles"].append("supplier")
        awards.append(
            _compact(
                {
                    "id": f"{ocid}-award-{award.pk}",
                    "status": "active",
                    "date": day_start(award.awarded_on),
                    "value": {"amount": float(award.value), "currency": "SEK"},
                    "suppliers": [{"id": supplier["id"], "name": company.name}],
                    "contractPeriod": _compact(
                        {
                            "startDate": day_start(award.contract_start_on),
                            "endDate": day_end(award.contract_end_on),
                        }
                    ),
                    "relatedLots": [f"lot-{award.lot.number}"] if award.lot_id else None,
                }
            )
        )
        if getattr(award, "signed_on", None):  # a historical Award of the backfill (0006) has no signed_on
            # The contract exists once signed (after the standstill, LOU 20 kap. 1 §): one per award.
            contracts.append(
                _compact(
                    {
                        "id": f"{ocid}-contract-{award.pk}",
                        "awardID": f"{ocid}-award-{award.pk}",
                        "status": "active",
                        "dateSigned": day_start(award.signed_on),
                        "value": {"amount": float(award.value), "currency": "SEK"},
                        "period": _compact(
                            {
                                "startDate": day_start(award.contract_start_on),
                                "endDate": day_end(award.contract_end_on),
                            }
                        ),
                    }
                )
            )
    lots = list(tender.lots.all())
    reservation = _reservation(tender.legal_basis)
    tender_block = {
        "id": str(tender.pk),
        "title": tender.title,
        "description": tender.description,
        "status": STATUS.get(tender.status, "planned"),
        "procuringEntity": {"id": buyer["id"], "name": buyer["name"]},
        "procurementMethod": METHOD.get(tender.legal_basis, "open"),
        "procurementMethodDetails": str(tender.get_legal_basis_display()),
        "procurementMethodRationale": tender.direct_award_reason,
        "legalBasis": _legal_basis(tender),
        "value": {"amount": float(tender.estimated_value), "currency": "SEK"},
        "tenderPeriod": _compact(
            {"startDate": moment(tender.published_at), "endDate": moment(tender.submission_deadline_at)}
        ),
        "enquiryPeriod": _compact(
            {"startDate": moment(tender.published_at), "endDate": moment(tender.question_deadline_at)}
        )
        if tender.question_deadline_at
        else None,
        "contractPeriod": _compact(
            {"startDate": day_start(tender.contract_start_on), "endDate": day_end(tender.contract_end_on)}
        ),
        "items": [
            {
                "id": str(index),
                "description": code.label,
                "classification": {"scheme": "CPV", "id": code.code.split("-")[0], "description": code.label},
            }
            for index, code in enumerate(tender.cpv_codes.all(), start=1)
        ],
        # A tender in lots states the reservation on the lots it covers (a reservation may cover only some lots,
        # UHM); a tender without lots states it for the whole tender.
        "lots": [
            {"id": f"lot-{lot.number}", "title": lot.title, **(reservation if lot.is_reserved else {})}
            for lot in lots
        ],
        **({} if lots else reservation),
        "enquiries": [
            _compact(
                {
                    "id": str(q.pk),
                    "description": q.text,
                    "answer": q.answer,
                    "date": moment(q.created_at),
                    "dateAnswered": moment(q.answered_at),
                }
            )
            for q in tender.questions.all()
            if q.answer
        ],
        "amendments": [
            {"id": str(a.pk), "date": moment(a.created_at), "rationale": a.reason}
            for a in tender.amendments.all()
        ],
        "documents": [
            {
                "id": str(d.pk),
                "documentType": "biddingDocuments",
                "title": d.title,
                "url": site + reverse("procurement:document-download", args=[d.pk]),
            }
            for d in tender.documents.all()
        ]
        + (
            [
                {
                    "id": "notice",
                    "documentType": "tenderNotice",
                    "title": tender.procurement_id or tender.title,
                    "url": tender.notice_url,
                }
            ]
            if tender.notice_url
            else []
        ),
    }
    data = {
        "ocid": ocid,
        "id": release_id,
        "date": moment(date),
        "tag": tag,
        "initiationType": "tender",
        "language": "sv",
        "parties": parties,
        "buyer": {"id": buyer["id"], "name": buyer["name"]},
        "tender": _compact(tender_block),
        "awards": awards,
        "contracts": contracts,
    }
    return _compact(data)
