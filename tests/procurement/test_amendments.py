"""Amendments that change the question deadline, the lots and the documents (issue 17 §2), as a service and as the
officer's form: answers given before a substantial change are to be confirmed again, and each adds a release."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from asfportal.core.exceptions import DomainError
from procurement import services
from procurement.models import Amendment, Lot, OcdsRelease, Submission, TenderDocument
from procurement.ocds.mapping import moment
from tests.companies.factories import CompanyFactory, RepresentativeFactory
from tests.procurement.factories import TenderFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def tender(officer):
    tender = TenderFactory(buyer=officer.organisation, created_by=officer)
    Lot.objects.create(tender=tender, number=1, title="Skolor", is_reserved=True)
    Lot.objects.create(tender=tender, number=2, title="Förskolor")
    services.tender_publish(tender=tender, actor=officer)
    return tender


def _answer(tender, lots=()):
    rep = RepresentativeFactory(company=CompanyFactory(verified=True)).user
    return services.submission_submit(tender=tender, company=rep.representation.company, actor=rep,
                                      message="Vårt anbud.", occupied=10, in_target_group=6, lots=list(lots))  # fmt: skip


def _amend(tender, officer, **kwargs):
    kwargs.setdefault("changes", {})
    return services.tender_amend(tender=tender, reason="Ändrade delområden", is_substantial=False, actor=officer,
                                 **kwargs)  # fmt: skip


def test_a_new_lot_is_substantial_and_answers_given_are_to_be_confirmed_again(officer, tender):
    answer = _answer(tender)
    amendment = _amend(tender, officer, lots=[{"title": "Skolor", "is_reserved": True}, {"title": "Förskolor"},
                                              {"title": "Fritidsgårdar"}])  # fmt: skip
    assert amendment.is_substantial
    assert amendment.changes["lots"][1] == ["1. Skolor *", "2. Förskolor", "3. Fritidsgårdar"]
    assert [lot.title for lot in tender.lots.all()] == ["Skolor", "Förskolor", "Fritidsgårdar"]
    assert Submission.objects.get(pk=answer.pk).needs_reconfirmation


def test_a_renamed_lot_keeps_its_number_so_answers_still_name_it(officer, tender):
    two = tender.lots.get(number=2)
    answer = _answer(tender, [two])
    _amend(
        tender, officer, lots=[{"title": "Skolor", "is_reserved": True}, {"title": "Förskolor och fritids"}]
    )
    assert [lot.title for lot in Submission.objects.get(pk=answer.pk).lots.all()] == ["Förskolor och fritids"]


def test_a_lot_an_answer_names_cannot_be_removed(officer, tender):
    _answer(tender, [tender.lots.get(number=2)])
    with pytest.raises(DomainError) as refused:
        _amend(tender, officer, lots=[{"title": "Skolor", "is_reserved": True}])
    assert "lots" in refused.value.field_errors
    assert tender.lots.count() == 2 and not Amendment.objects.exists()


def test_the_question_deadline_moves_and_the_amendment_adds_a_release(officer, tender):
    later = tender.submission_deadline_at - timedelta(days=8)
    before = OcdsRelease.objects.filter(tender=tender).count()
    _amend(tender, officer, changes={"question_deadline_at": later})
    tender.refresh_from_db()
    assert tender.question_deadline_at == later
    releases = list(OcdsRelease.objects.filter(tender=tender).order_by("pk"))
    assert len(releases) == before + 1 and releases[-1].tag == ["tenderAmendment"]
    assert releases[-1].data["tender"]["enquiryPeriod"]["endDate"] == moment(later)  # Swedish time


def test_a_document_is_added_and_another_withdrawn_by_an_amendment(officer, tender):
    old = TenderDocument.objects.create(
        tender=tender, title="Gammal prislista", file=SimpleUploadedFile("a.pdf", PDF)
    )
    amendment = _amend(tender, officer, documents_added=[("Ny prislista", SimpleUploadedFile("b.pdf", PDF))],
                       documents_removed=[old])  # fmt: skip
    assert [d.title for d in tender.documents.all()] == ["Ny prislista"]
    assert amendment.changes["documents_added"] == ["Ny prislista"]
    assert amendment.changes["documents_removed"] == ["Gammal prislista"]
    release = OcdsRelease.objects.filter(tender=tender).latest("pk")
    assert [d["title"] for d in release.data["tender"]["documents"] if d["id"] != "notice"] == [
        "Ny prislista"
    ]


def test_the_officer_amends_lots_question_deadline_and_documents_in_one_form(client, officer, tender):
    client.force_login(officer)
    url = reverse("procurement:tender-amend", args=[tender.pk])
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page and "Skolor *" in page
    local = timezone.localtime
    response = client.post(url, {
        "title": tender.title, "description": tender.description,
        "question_deadline_at": local(tender.submission_deadline_at - timedelta(days=9)).strftime("%Y-%m-%dT%H:%M"),
        "submission_deadline_at": local(tender.submission_deadline_at).strftime("%Y-%m-%dT%H:%M"),
        "lots": "Skolor *\nFörskolor\nFritidsgårdar", "document_title": "Karta",
        "document": SimpleUploadedFile("karta.pdf", PDF, content_type="application/pdf"),
        "reason": "Ett delområde till.",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    amendment = Amendment.objects.get(tender=tender)
    assert sorted(amendment.changes) == ["documents_added", "lots", "question_deadline_at"]
    assert amendment.is_substantial
    # The public change log says what changed, in Swedish.
    public = client.get(reverse("procurement:tender-detail", args=[tender.pk])).content.decode()
    assert "Ett delområde till. (ändrat: sista dag för frågor, delområden, dokument tillagda)" in public


def test_a_new_document_needs_a_title(client, officer, tender):
    client.force_login(officer)
    response = client.post(reverse("procurement:tender-amend", args=[tender.pk]), {
        "title": tender.title, "description": tender.description, "lots": "Skolor *\nFörskolor",
        "submission_deadline_at": timezone.localtime(tender.submission_deadline_at).strftime("%Y-%m-%dT%H:%M"),
        "document": SimpleUploadedFile("karta.pdf", PDF, content_type="application/pdf"), "reason": "Karta",
    })  # fmt: skip
    assert response.status_code == 200
    assert "Ge det nya dokumentet en titel." in response.content.decode()
    assert not Amendment.objects.exists() and not TenderDocument.objects.exists()
