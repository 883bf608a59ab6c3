"""Open data about tenders: OCDS 1.1 releases and packages (the iCalendar deadlines: selectors, core/calendars)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from .models import Award, Question, Tender

OCDS_VERSION = "1.1"
# The reservation is published with the Other Requirements extension (tender.otherRequirements).
EXTENSIONS = [
    "https://raw.githubusercontent.com/open-contracting-extension/ocds_otherRequirements_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extension/ocds_lots_extension/v1.1.5/extension.json",
]
# Our legal bases as eForms codes: BT-71 (reserved participation) and BT-736 (reserved execution).
LEGAL_BASIS_CODES = {
    Tender.LegalBasis.RESERVED_4_18_1: {"reservedParticipation": ["shelteredWorkshop"], "eforms": "BT-71:res-ws"},
    Tender.LegalBasis.RESERVED_4_18_2: {"reservedParticipation": ["shelteredProgram"], "eforms": "BT-736:yes"},
    Tender.LegalBasis.RESERVED_19_6A: {"reservedParticipation": ["publicServiceMissionOrganization"], "eforms": "BT-71:res-pub-ser"},
    Tender.LegalBasis.EMPLOYMENT_REQUIREMENT: {"reservedParticipation": [], "eforms": "BT-71:none"},
    Tender.LegalBasis.DIRECT_AWARD: {"reservedParticipation": [], "eforms": "BT-71:none"},
    Tender.LegalBasis.IOP: {"reservedParticipation": [], "eforms": "BT-71:none"},
}  # fmt: skip
STATUS = {
    Tender.Status.PUBLISHED: "active",
    Tender.Status.CLOSED: "active",
    Tender.Status.AWARDED: "complete",
    Tender.Status.CANCELLED: "cancelled",
}
METHOD = {Tender.LegalBasis.DIRECT_AWARD: "limited", Tender.LegalBasis.IOP: "direct"}


def _when(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _party_id(org_number: str | None, fallback: str) -> str:
    # SE-BLV: Bolagsverket's register, identified by organisationsnummer (digits only).
    return f"SE-BLV-{org_number.replace('-', '')}" if org_number else fallback


def release(tender: Tender) -> dict:
    """One OCDS release describing the tender as it stands (tag reflects its stage)."""
    site = settings.SITE_URL
    ocid = f"{settings.OCDS_PREFIX}-{tender.pk}"
    buyer_id = f"asfportal-org-{tender.buyer_id}"
    parties = [{"id": buyer_id, "name": tender.buyer.name, "roles": ["buyer", "procuringEntity"]}]
    if tender.buyer.org_number:
        parties[0]["identifier"] = {
            "scheme": "SE-BLV",
            "id": tender.buyer.org_number.replace("-", ""),
            "legalName": tender.buyer.name,
        }

    awards = []
    for award in tender.awards.all():
        supplier_id = _party_id(award.company.org_number, f"asfportal-company-{award.company_id}")
        if not any(p["id"] == supplier_id for p in parties):
            parties.append({"id": supplier_id, "name": award.company.name, "roles": ["supplier"],
                            "identifier": {"scheme": "SE-BLV", "id": award.company.org_number.replace("-", ""),
                                           "legalName": award.company.name}})  # fmt: skip
        entry = {
            "id": f"{ocid}-award-{award.pk}",
            "status": "active",
            "date": f"{award.awarded_on.isoformat()}T00:00:00+00:00",
            "value": {"amount": float(award.value), "currency": "SEK"},
            "suppliers": [{"id": supplier_id, "name": award.company.name}],
        }
        if award.contract_start_on:
            entry["contractPeriod"] = {"startDate": f"{award.contract_start_on.isoformat()}T00:00:00+00:00"}
        if award.lot_id:
            entry["relatedLots"] = [f"lot-{award.lot.number}"]
        awards.append(entry)
    codes = LEGAL_BASIS_CODES[tender.legal_basis]
    tender_block = {
        "id": str(tender.pk),
        "title": tender.title,
        "description": tender.description,
        "status": STATUS.get(tender.status, "planned"),
        "procurementMethod": METHOD.get(tender.legal_basis, "open"),
        "procurementMethodDetails": tender.get_legal_basis_display(),
        "procurementMethodRationale": tender.direct_award_reason or None,
        "value": {"amount": float(tender.estimated_value), "currency": "SEK"},
        "tenderPeriod": {"endDate": _when(tender.submission_deadline_at)},
        "enquiryPeriod": {"endDate": _when(tender.question_deadline_at)}
        if tender.question_deadline_at
        else None,
        "items": [
            {
                "id": str(index),
                "description": code.label,
                "classification": {"scheme": "CPV", "id": code.code.split("-")[0], "description": code.label},
            }
            for index, code in enumerate(tender.cpv_codes.all(), start=1)
        ],
        "lots": [
            {
                "id": f"lot-{lot.number}",
                "title": lot.title,
                "otherRequirements": {"reservedParticipation": codes["reservedParticipation"]}
                if lot.is_reserved
                else {},
            }
            for lot in tender.lots.all()
        ],
        "enquiries": [
            {
                "id": str(q.pk),
                "description": q.text,
                "answer": q.answer,
                "date": _when(q.created_at),
                "dateAnswered": _when(q.answered_at),
            }
            for q in tender.questions.all()
            if q.answer
        ],
        "amendments": [
            {"id": str(a.pk), "date": _when(a.created_at), "rationale": a.reason, "description": a.reason}
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
        ],
        "otherRequirements": {"reservedParticipation": codes["reservedParticipation"]},
    }
    if tender.contract_start_on:
        tender_block["contractPeriod"] = {
            "startDate": f"{tender.contract_start_on.isoformat()}T00:00:00+00:00",
            **(
                {"endDate": f"{tender.contract_end_on.isoformat()}T23:59:59+00:00"}
                if tender.contract_end_on
                else {}
            ),
        }
    tender_block = {k: v for k, v in tender_block.items() if v not in (None, [], {})}
    tag = (
        ["award"]
        if awards
        else (["tenderCancellation"] if tender.status == Tender.Status.CANCELLED else ["tender"])
    )
    if tender.amendments.all() and not awards and tender.status != Tender.Status.CANCELLED:
        tag = ["tenderAmendment"]
    data = {
        "ocid": ocid,
        "id": f"{ocid}-{int(tender.updated_at.timestamp())}",
        "date": _when(tender.updated_at),
        "tag": tag,
        "initiationType": "tender",
        "language": "sv",
        "parties": parties,
        "buyer": {"id": buyer_id, "name": tender.buyer.name},
        "tender": tender_block,
        "awards": awards,
        "links": [
            {"rel": "canonical", "href": site + reverse("procurement:tender-detail", args=[tender.pk])}
        ],
    }
    if tender.notice_url:
        data["tender"]["documents"] = [
            *data["tender"].get("documents", []),
            {
                "id": "notice",
                "documentType": "tenderNotice",
                "title": tender.procurement_id,
                "url": tender.notice_url,
            },
        ]
    data["tender"].setdefault("legalBasis", {"scheme": "eForms", "id": codes["eforms"]})
    return {k: v for k, v in data.items() if v not in (None, [])}


def published_tenders() -> QuerySet[Tender]:
    return (
        Tender.objects.public()
        .select_related("buyer")
        .prefetch_related(
            "cpv_codes",
            "lots",
            "documents",
            "amendments",
            Prefetch("questions", queryset=Question.objects.order_by("created_at")),
            Prefetch("awards", queryset=Award.objects.select_related("company", "lot")),
        )
        .order_by("pk")
    )


def release_package_chunks(chunk_size: int = 500) -> Iterator[str]:
    """The release package of every published tender as JSON text in pieces, for a streaming response."""
    header = json.dumps(package_header(), ensure_ascii=False)
    yield header[:-1] + ', "releases": ['
    for index, tender in enumerate(published_tenders().iterator(chunk_size=chunk_size)):
        yield ("," if index else "") + json.dumps(release(tender), ensure_ascii=False)
    yield "]}"


def package_header() -> dict:
    return {
        "uri": settings.SITE_URL + reverse("procurement:ocds-releases"),
        "version": OCDS_VERSION,
        "extensions": EXTENSIONS,
        "publishedDate": _when(timezone.now()),
        "publisher": {"name": "ASF-portalen", "uri": settings.SITE_URL},
        "license": "https://creativecommons.org/publicdomain/zero/1.0/",
        "publicationPolicy": settings.SITE_URL + reverse("core:home"),
    }
