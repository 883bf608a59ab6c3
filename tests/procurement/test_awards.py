"""Awards per lot, the standstill period (avtalsspärr, LOU 20 kap. 1-2 §§) and the signed contract."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from asfportal.core.exceptions import DomainError
from asfportal.core.models import Notification
from procurement import services
from procurement.models import Award, Lot, Tender, Watch
from tests.companies.factories import CompanyFactory, RepresentativeFactory
from tests.procurement.factories import TenderFactory

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _rep():
    return RepresentativeFactory(company=CompanyFactory(verified=True)).user


def _answer(tender, rep, lots=()):
    return services.submission_submit(tender=tender, company=rep.representation.company, actor=rep,
                                      message="Vårt anbud.", occupied=10, in_target_group=6, lots=list(lots))  # fmt: skip


def _close(tender):
    Tender.objects.filter(pk=tender.pk).update(status="closed", submission_deadline_at=timezone.now())
    tender.refresh_from_db()


@pytest.fixture
def lotted(officer):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    one = Lot.objects.create(tender=tender, number=1, title="Skolor")
    two = Lot.objects.create(tender=tender, number=2, title="Förskolor")
    return tender, one, two


def _award(tender, officer, company, *, lot=None, on=None, **kwargs):
    item = {"company": company, "lot": lot, "value": 100_000, "reasons": "Bäst kvalitet till lägst pris."}
    if on:
        item["awarded_on"] = on
    return services.tender_award(tender=tender, awards=[item], actor=officer, **kwargs)


def test_standstill_is_ten_days_after_a_decision_sent_electronically(officer):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    rep = _rep()
    _answer(tender, rep)
    _close(tender)
    [award] = _award(tender, officer, rep.representation.company, on=date(2026, 3, 2))
    assert award.standstill_ends_on == date(2026, 3, 12)


def test_standstill_is_fifteen_days_when_the_decision_is_not_sent_electronically(officer):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    rep = _rep()
    _answer(tender, rep)
    _close(tender)
    [award] = _award(
        tender, officer, rep.representation.company, on=date(2026, 3, 2), sent_electronically=False
    )
    assert award.standstill_ends_on == date(2026, 3, 17)


@override_settings(PROCUREMENT_STANDSTILL_DAYS=12)
def test_standstill_days_come_from_the_setting():
    award = Award(tender=Tender(legal_basis=Tender.LegalBasis.RESERVED_4_18_1), awarded_on=date(2026, 3, 2))
    assert award.standstill_ends_on == date(2026, 3, 14)


def test_a_direct_award_has_no_standstill():
    award = Award(tender=Tender(legal_basis=Tender.LegalBasis.DIRECT_AWARD), awarded_on=date(2026, 3, 2))
    assert award.standstill_ends_on is None
    assert award.sign_blockers(at=datetime(2026, 3, 2, 12, tzinfo=STOCKHOLM)) == []


def test_signing_during_the_standstill_is_refused_with_the_end_date(officer):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    rep = _rep()
    _answer(tender, rep)
    _close(tender)
    [award] = _award(tender, officer, rep.representation.company, on=date(2026, 3, 2))
    last_day = datetime(2026, 3, 12, 23, 59, tzinfo=STOCKHOLM)
    with pytest.raises(DomainError) as refused:
        services.award_sign(award=award, actor=officer, at=last_day)
    assert "12 mars 2026" in refused.value.message
    assert "13 mars 2026" in refused.value.message
    award.refresh_from_db()
    assert award.signed_on is None
    signed = services.award_sign(award=award, actor=officer, at=datetime(2026, 3, 13, 0, 1, tzinfo=STOCKHOLM))
    assert signed.signed_on == date(2026, 3, 13)


def test_a_contract_is_signed_once(officer):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    rep = _rep()
    _answer(tender, rep)
    _close(tender)
    [award] = _award(
        tender, officer, rep.representation.company, on=timezone.localdate() - timedelta(days=20)
    )
    services.award_sign(award=award, actor=officer)
    with pytest.raises(DomainError, match="redan undertecknat"):
        services.award_sign(award=award, actor=officer)


def test_an_award_decision_cannot_be_dated_in_the_future(officer):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    rep = _rep()
    _answer(tender, rep)
    _close(tender)
    with pytest.raises(DomainError) as refused:
        _award(tender, officer, rep.representation.company, on=timezone.localdate() + timedelta(days=1))
    assert "awarded_on" in refused.value.field_errors
    assert not Award.objects.exists()


def test_each_lot_is_awarded_to_a_company_that_answered_that_lot(officer, lotted):
    tender, one, two = lotted
    schools, preschools, both = _rep(), _rep(), _rep()
    _answer(tender, schools, [one])
    _answer(tender, preschools, [two])
    _answer(tender, both)  # no lot named: the whole tender
    _close(tender)
    awards = services.tender_award(
        tender=tender,
        awards=[
            {"company": schools.representation.company, "lot": one, "value": 1},
            {"company": both.representation.company, "lot": two, "value": 2},
        ],
        actor=officer,
    )
    assert [(a.lot, a.company) for a in awards] == [
        (one, schools.representation.company),
        (two, both.representation.company),
    ]


def test_a_lot_cannot_go_to_a_company_that_did_not_answer_it(officer, lotted):
    tender, one, two = lotted
    schools = _rep()
    _answer(tender, schools, [one])
    _close(tender)
    with pytest.raises(DomainError, match="har inte svarat på del"):
        _award(tender, officer, schools.representation.company, lot=two)
    assert not Award.objects.exists()


def test_a_tender_with_lots_is_awarded_per_lot(officer, lotted):
    tender, one, _two = lotted
    rep = _rep()
    _answer(tender, rep, [one])
    _close(tender)
    with pytest.raises(DomainError, match="vilken del"):
        _award(tender, officer, rep.representation.company, lot=None)


def test_a_lot_of_another_tender_is_refused(officer, lotted):
    tender, one, _two = lotted
    other = Lot.objects.create(tender=TenderFactory(buyer=officer.organisation), number=1, title="Annat")
    rep = _rep()
    _answer(tender, rep, [one])
    _close(tender)
    with pytest.raises(DomainError, match="ingår inte"):
        _award(tender, officer, rep.representation.company, lot=other)


def test_every_bidder_gets_the_decision_once_with_reasons_and_standstill_end(
    officer, lotted, django_capture_on_commit_callbacks
):
    tender, one, two = lotted
    winner, loser = _rep(), _rep()
    _answer(tender, winner, [one, two])
    _answer(tender, loser, [one])
    watcher = RepresentativeFactory().user
    Watch.objects.create(tender=tender, user=watcher)
    _close(tender)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.tender_award(
            tender=tender,
            awards=[
                {
                    "company": winner.representation.company,
                    "lot": one,
                    "value": 1,
                    "reasons": "Högst kvalitet.",
                    "awarded_on": date(2026, 3, 2),
                },
                {
                    "company": winner.representation.company,
                    "lot": two,
                    "value": 2,
                    "reasons": "Ensamt anbud.",
                    "awarded_on": date(2026, 3, 2),
                },
            ],
            actor=officer,
        )
    decisions = Notification.objects.filter(kind="procurement.award_decision")
    assert sorted(decisions.values_list("recipient", flat=True)) == sorted([winner.pk, loser.pk])
    body = decisions.get(recipient=loser).body
    assert "Högst kvalitet." in body and "Ensamt anbud." in body
    assert "12 mars 2026" in body
    # Followers who did not answer hear of the award; the bidders are not told twice.
    awarded = Notification.objects.filter(kind="procurement.tender_awarded")
    assert list(awarded.values_list("recipient", flat=True)) == [watcher.pk]
    assert sorted(m.to[0] for m in mail.outbox if "12 mars 2026" in m.body) == sorted(
        [winner.email, loser.email]
    )


def test_the_award_is_audited_with_its_lots(officer, lotted):
    from asfportal.core.models import AuditEntry

    tender, one, _two = lotted
    rep = _rep()
    _answer(tender, rep, [one])
    _close(tender)
    _award(tender, officer, rep.representation.company, lot=one)
    entry = AuditEntry.objects.get(action="procurement.tender.awarded")
    assert entry.data["lots"] == [one.pk]


def test_an_answer_names_the_lots_it_covers_and_only_this_tenders(officer, lotted):
    tender, one, _two = lotted
    other = Lot.objects.create(tender=TenderFactory(buyer=officer.organisation), number=1, title="Annat")
    rep = _rep()
    with pytest.raises(DomainError) as refused:
        _answer(tender, rep, [other])
    assert "lots" in refused.value.field_errors
    submission = _answer(tender, rep, [one])
    assert list(submission.lots.all()) == [one]
