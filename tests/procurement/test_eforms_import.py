"""Importing an eForms notice into the portal: a draft tender, an amendment, awards; and the upload page."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from asfportal.core.exceptions import DomainError
from asfportal.core.models import AuditEntry
from procurement.eforms import parse_notice
from procurement.eforms.imports import tender_import_from_notice, unmapped_for
from procurement.models import Amendment, Award, Lot, OcdsRelease, Tender
from procurement.services import submission_submit
from tests.companies.factories import CompanyFactory, RepresentativeFactory
from tests.procurement.factories import TenderFactory

pytestmark = [pytest.mark.django_db]

EXAMPLES = Path(__file__).parent / "eforms_examples"


def reserved_social_notice(*, deadline_year: int | None = None) -> bytes:
    """cn-social_24 reserved for work-integration suppliers (res-ws), with a deadline in the future."""
    data = (EXAMPLES / "cn-social_24.xml").read_bytes()
    data = data.replace(b'listName="reserved-procurement">none<', b'listName="reserved-procurement">res-ws<')
    year = deadline_year or timezone.now().year + 1
    return data.replace(b"<cbc:EndDate>2020-01-06+01:00", f"<cbc:EndDate>{year}-01-06+01:00".encode())


def test_a_contract_notice_becomes_a_draft_with_its_unmapped_values_kept_for_review(officer):
    notice = parse_notice(reserved_social_notice())
    tender = tender_import_from_notice(notice=notice, actor=officer)
    assert tender.status == Tender.Status.DRAFT
    assert tender.buyer == officer.organisation
    assert tender.title == "Secure Care Services"
    assert tender.procurement_id == "1adea6cf-8780-4298-a915-55f6796bf847"
    assert tender.legal_basis == Tender.LegalBasis.RESERVED_4_18_1  # res-ws: LOU 4 kap. 18 §
    assert tender.submission_deadline_at == notice.submission_deadline_at
    entry = AuditEntry.objects.get(action="procurement.tender.imported")
    assert entry.data["notice"] == "76c82dad-10b1-4e6a-9326-9312b4bf9baf"
    review = [item.term for item in unmapped_for(tender)]
    assert "BT-501-Organization-Company" in review


def test_importing_the_same_contract_notice_twice_returns_the_first_draft(officer):
    notice = parse_notice(reserved_social_notice())
    first = tender_import_from_notice(notice=notice, actor=officer)
    assert tender_import_from_notice(notice=notice, actor=officer) == first
    assert Tender.objects.count() == 1


def test_a_notice_of_another_buyer_is_refused(officer):
    officer.organisation.org_number = "212000-1876"
    officer.organisation.save()
    data = reserved_social_notice().replace(
        b"<cbc:CompanyID>n/a</cbc:CompanyID>", b"<cbc:CompanyID>212000-1355</cbc:CompanyID>"
    )
    with pytest.raises(DomainError):
        tender_import_from_notice(notice=parse_notice(data), actor=officer)
    assert not Tender.objects.exists()


def test_a_change_notice_without_its_tender_is_refused(officer):
    notice = parse_notice((EXAMPLES / "change-cn_24_open_dates.xml").read_bytes())
    with pytest.raises(DomainError):
        tender_import_from_notice(notice=notice, actor=officer)


def test_officer_uploads_a_notice_and_sees_the_review(client, officer):
    client.force_login(officer)
    upload = SimpleUploadedFile("notice.xml", reserved_social_notice(), content_type="application/xml")
    response = client.post(reverse("procurement:tender-import"), {"notice": upload})
    tender = Tender.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("procurement:tender-import-review", args=[tender.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "BT-501-Organization-Company" in page.content.decode()


def test_a_hostile_upload_is_refused_on_the_field_in_swedish_and_nothing_is_stored(client, officer):
    client.force_login(officer)
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    upload = SimpleUploadedFile("notice.xml", bomb, content_type="application/xml")
    response = client.post(
        reverse("procurement:tender-import"), {"notice": upload}, HTTP_ACCEPT_LANGUAGE="sv"
    )
    assert response.status_code == 200
    assert "lästes inte" in response.content.decode()
    assert not Tender.objects.exists()


def test_the_import_page_is_for_officers_only(client, company_rep):
    client.force_login(company_rep)
    assert client.get(reverse("procurement:tender-import")).status_code == 403


def test_a_change_notice_becomes_an_amendment_with_its_reason(officer):
    tender = TenderFactory(
        buyer=officer.organisation,
        created_by=officer,
        published=True,
        procurement_id="31f258b6-5eb2-4875-8997-affa3cdce27c",  # BT-04 of cn_24_open and its change notice
    )
    year = timezone.now().year + 2
    data = (EXAMPLES / "change-cn_24_open_dates.xml").read_bytes()
    data = data.replace(b"<cbc:EndDate>2020-06-12", f"<cbc:EndDate>{year}-06-12".encode())
    notice = parse_notice(data)
    tender_import_from_notice(notice=notice, actor=officer)
    amendment = Amendment.objects.get(tender=tender)
    assert amendment.reason.startswith("Due to Covid-19")
    assert "Time limit for receipt of tenders or requests to participate" in amendment.reason
    tender.refresh_from_db()
    # 12:00+01:00 on 12 June is 13:00 in Stockholm's summer time.
    assert tender.submission_deadline_at == datetime(year, 6, 12, 13, 0, tzinfo=ZoneInfo("Europe/Stockholm"))


def test_an_award_notice_records_the_award_of_the_lot_to_the_matching_company(officer):
    company = CompanyFactory(verified=True)
    rep = RepresentativeFactory(company=company).user
    tender = TenderFactory(
        buyer=officer.organisation,
        created_by=officer,
        published=True,
        procurement_id="23da790b-60bc-4897-8a6b-5b8eda654d89",  # BT-04 of can-social_24
    )
    submission_submit(
        tender=tender, company=company, message="Vårt svar.", occupied=10, in_target_group=6, actor=rep
    )
    Tender.objects.filter(pk=tender.pk).update(status="closed", submission_deadline_at=timezone.now())
    data = (EXAMPLES / "can-social_24.xml").read_bytes()
    data = data.replace(
        b"<cbc:CompanyID>kap</cbc:CompanyID>", f"<cbc:CompanyID>{company.org_number}</cbc:CompanyID>".encode()
    )
    tender_import_from_notice(notice=parse_notice(data), actor=officer)
    [award] = Award.objects.filter(tender=tender)
    assert award.company == company
    tender.refresh_from_db()
    assert tender.status == Tender.Status.AWARDED
    # The value was in EUR: the award is recorded without it and the officer is told to enter it in SEK.
    assert award.value == 0
    assert "BT-720-Tender TEN-0002" in [item.term for item in unmapped_for(tender)]


def test_a_veat_notice_becomes_a_direct_award_draft_listing_its_winners(officer):
    notice = parse_notice((EXAMPLES / "veat_24.xml").read_bytes())
    tender = tender_import_from_notice(notice=notice, actor=officer)
    assert tender.legal_basis == Tender.LegalBasis.DIRECT_AWARD
    assert tender.direct_award_reason.startswith(
        "The procurement falls within the remit of regulation 32(2)(c)"
    )
    review = {item.term: item.value for item in unmapped_for(tender)}
    assert review["OPT-300-Tenderer ORG-0006"] == "Invacare Ltd"


def test_an_award_notice_awards_the_lot_it_names_in_a_tender_in_lots(officer):
    # can-social_24 has three lots and awards only LOT-0002 (LOT-0001 closed without a winner, LOT-0003 open): the
    # portal's tender in three lots has lot 2 awarded, to the company that answered it, and nothing else.
    company = CompanyFactory(verified=True)
    rep = RepresentativeFactory(company=company).user
    tender = TenderFactory(
        buyer=officer.organisation, created_by=officer, published=True,
        procurement_id="23da790b-60bc-4897-8a6b-5b8eda654d89",
    )  # fmt: skip
    lots = [Lot.objects.create(tender=tender, number=n, title=f"Del {n}") for n in (1, 2, 3)]
    submission_submit(tender=tender, company=company, message="Vårt svar.", occupied=10, in_target_group=6,
                      actor=rep, lots=[lots[1]])  # fmt: skip
    Tender.objects.filter(pk=tender.pk).update(status="closed", submission_deadline_at=timezone.now())
    data = (
        (EXAMPLES / "can-social_24.xml")
        .read_bytes()
        .replace(
            b"<cbc:CompanyID>kap</cbc:CompanyID>",
            f"<cbc:CompanyID>{company.org_number}</cbc:CompanyID>".encode(),
        )
    )
    tender_import_from_notice(notice=parse_notice(data), actor=officer)
    [award] = Award.objects.filter(tender=tender)
    assert (award.lot, award.company, award.awarded_on) == (lots[1], company, timezone.localdate())
    assert award.signed_on is None  # the notice gives no conclusion date (BT-145)
    release = OcdsRelease.objects.filter(tender=tender).latest("pk")
    assert release.tag == ["award"]
    assert [a["relatedLots"] for a in release.data["awards"]] == [["lot-2"]]
