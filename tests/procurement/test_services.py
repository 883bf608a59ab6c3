"""Tender rules: publishing, CPV, thresholds, deadlines in Stockholm time, eligibility, sealing, amendments."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from asfportal.core.exceptions import DomainError
from asfportal.core.models import Notification
from companies.models import ServiceCategory
from procurement import services
from procurement.forms import TenderForm, validate_cpv
from procurement.models import Amendment, Submission, Tender, Watch
from tests.companies.factories import CompanyFactory, RepresentativeFactory
from tests.procurement.factories import TenderFactory

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def asf_rep():
    """A representative of a verified cleaning ASF."""
    company = CompanyFactory(verified=True, name="Städkraft")
    company.service_categories.add(ServiceCategory.objects.get(slug="cleaning"))
    return RepresentativeFactory(company=company).user


def _submit(tender, rep, **kwargs):
    args = {"message": "Vi städar gärna.", "occupied": 10, "in_target_group": 6, **kwargs}
    return services.submission_submit(tender=tender, company=rep.representation.company, actor=rep, **args)


@pytest.mark.parametrize("code", ["90910000-9", "55520000-1", "77310000-6", "90620000-9", "98392000-7"])
def test_real_cpv_codes_pass_the_check_digit(code):
    assert validate_cpv(code) == code


@pytest.mark.parametrize("code", ["90910000-8", "9091000-9", "90910000", "abc"])
def test_wrong_cpv_codes_are_refused(code):
    with pytest.raises(ValidationError):
        validate_cpv(code)


def test_a_reserved_tender_needs_its_legal_notice_before_publishing(officer):
    tender = TenderFactory(buyer=officer.organisation, procurement_id="", notice_url="")
    with pytest.raises(DomainError) as error:
        services.tender_publish(tender=tender, actor=officer)
    assert "annonsdatabas" in error.value.message
    tender.refresh_from_db()
    assert tender.status == Tender.Status.DRAFT


def test_answers_must_be_published_six_days_before_the_deadline_or_four_when_accelerated(officer):
    deadline = timezone.now() + timedelta(days=30)
    tender = TenderFactory(
        buyer=officer.organisation,
        submission_deadline_at=deadline,
        answers_published_by_at=deadline - timedelta(days=5),
    )
    with pytest.raises(DomainError):
        services.tender_publish(tender=tender, actor=officer)
    Tender.objects.filter(pk=tender.pk).update(is_accelerated=True)
    assert services.tender_publish(tender=tender, actor=officer).status == Tender.Status.PUBLISHED


def test_direct_awards_respect_the_configured_limits(officer, settings):
    settings.PROCUREMENT_DIRECT_AWARD_LIMIT = 700_000
    tender = TenderFactory(buyer=officer.organisation, legal_basis="direct_award", estimated_value=800_000)
    problems = tender.publish_blockers(at=timezone.now())
    assert any("700 000" in p for p in problems)
    tender.estimated_value = 200_000
    assert any("skriftliga skäl" in p for p in tender.publish_blockers(at=timezone.now()))
    tender.direct_award_reason = "Endast ett ASF i kommunen erbjuder tjänsten."
    assert tender.publish_blockers(at=timezone.now()) == []


def test_the_eu_threshold_is_flagged(settings):
    settings.PROCUREMENT_EU_THRESHOLD = 2_300_000
    assert services.exceeds_eu_threshold(TenderFactory.build(estimated_value=2_300_000))
    assert not services.exceeds_eu_threshold(TenderFactory.build(estimated_value=2_299_999))


def test_publishing_notifies_verified_asf_whose_services_match(officer, asf_rep):
    other = RepresentativeFactory(company=CompanyFactory(verified=True)).user  # no cleaning services
    tender = TenderFactory(buyer=officer.organisation)
    services.tender_publish(tender=tender, actor=officer)
    recipients = set(
        Notification.objects.filter(kind="procurement.tender_matching").values_list("recipient", flat=True)
    )
    assert recipients == {asf_rep.pk}
    assert other.pk not in recipients


@pytest.mark.parametrize(
    ("local", "offset"),
    [
        (datetime(2026, 3, 29, 12, 0), 2),
        (datetime(2026, 3, 28, 12, 0), 1),
        (datetime(2026, 10, 25, 12, 0), 1),
    ],
)
def test_deadlines_typed_in_the_form_are_stockholm_time_across_dst(local, offset):
    form = TenderForm({"submission_deadline_at": local.strftime("%Y-%m-%dT%H:%M")})
    form.is_valid()
    value = form.cleaned_data["submission_deadline_at"]
    assert value.astimezone(ZoneInfo("UTC")).hour == 12 - offset


def test_an_answer_one_second_late_is_refused_and_nothing_is_stored(asf_rep):
    # The spring DST change (29 March 2026, 02:00 → 03:00) lies between publishing and the deadline.
    deadline = datetime(2026, 3, 29, 12, 0, tzinfo=STOCKHOLM)
    tender = TenderFactory(published=True, submission_deadline_at=deadline)
    on_time = _submit(tender, asf_rep, now=deadline - timedelta(seconds=1))
    assert on_time.submitted_at < deadline
    with pytest.raises(DomainError) as error:
        _submit(tender, asf_rep, message="Ändrat svar", now=deadline)
    assert "29 mars 2026" in error.value.message and "12:00" in error.value.message
    assert Submission.objects.get().message == "Vi städar gärna."


def test_a_company_that_is_not_verified_is_told_why_and_nothing_is_stored():
    rep = RepresentativeFactory(company=CompanyFactory(name="Ny Förening")).user
    tender = TenderFactory(published=True)
    with pytest.raises(DomainError) as error:
        _submit(tender, rep)
    assert "Ny Förening" in error.value.message and "verifierat" in error.value.message
    assert not Submission.objects.exists()


def test_a_share_under_thirty_percent_is_refused(asf_rep):
    tender = TenderFactory(published=True)
    with pytest.raises(DomainError) as error:
        _submit(tender, asf_rep, occupied=10, in_target_group=2)
    assert "30" in error.value.message
    assert _submit(tender, asf_rep, occupied=10, in_target_group=3).people_in_target_group == 3


def test_an_answer_can_be_replaced_before_the_deadline(asf_rep):
    tender = TenderFactory(published=True)
    _submit(tender, asf_rep)
    _submit(tender, asf_rep, message="Bättre svar")
    assert Submission.objects.get().message == "Bättre svar"


def test_ordinary_tenders_are_open_to_any_company():
    rep = RepresentativeFactory(company=CompanyFactory()).user
    tender = TenderFactory(published=True, legal_basis="employment_requirement")
    assert (
        services.submission_submit(
            tender=tender, company=rep.representation.company, message="Svar", actor=rep
        ).people_occupied
        is None
    )


def test_answers_are_sealed_until_the_deadline():
    tender = TenderFactory(published=True)
    assert tender.is_sealed()
    assert not tender.is_sealed(now=tender.submission_deadline_at)


def test_due_tenders_close_once():
    due = TenderFactory(published=True)
    Tender.objects.filter(pk=due.pk).update(submission_deadline_at=timezone.now() - timedelta(seconds=1))
    TenderFactory(published=True)
    assert services.tenders_close_due() == 1
    assert services.tenders_close_due() == 0
    due.refresh_from_db()
    assert due.status == Tender.Status.CLOSED


def test_a_question_answered_late_extends_the_deadline_and_asks_for_reconfirmation(
    officer, asf_rep, settings
):
    settings.PROCUREMENT_AMENDMENT_MIN_DAYS = 6
    tender = TenderFactory(buyer=officer.organisation, published=True)
    _submit(tender, asf_rep)
    question = services.question_ask(tender=tender, company=asf_rep.representation.company, text="Ingår fönster?",
                                     actor=asf_rep)  # fmt: skip
    Tender.objects.filter(pk=tender.pk).update(
        answers_published_by_at=timezone.now() - timedelta(hours=1),
        submission_deadline_at=timezone.now() + timedelta(days=2),
    )
    services.question_answer(question=question, answer="Ja, invändigt.", actor=officer)
    tender.refresh_from_db()
    assert tender.submission_deadline_at > timezone.now() + timedelta(days=5, hours=23)
    assert Submission.objects.get().needs_reconfirmation
    assert Amendment.objects.filter(tender=tender, is_substantial=True).exists()
    assert Notification.objects.filter(recipient=asf_rep, kind="procurement.tender_changed").exists()


def test_an_amendment_notifies_watchers_and_answerers(officer, asf_rep):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    watcher = RepresentativeFactory().user
    Watch.objects.create(tender=tender, user=watcher)
    _submit(tender, asf_rep)
    services.tender_amend(tender=tender, changes={"title": "Städning av fem skolor"}, reason="Två skolor till.",
                          is_substantial=True, actor=officer)  # fmt: skip
    changed = Notification.objects.filter(kind="procurement.tender_changed")
    assert set(changed.values_list("recipient", flat=True)) == {watcher.pk, asf_rep.pk}
    assert Submission.objects.get().needs_reconfirmation
    assert Amendment.objects.get().changes == {"title": [tender.title, "Städning av fem skolor"]}


def test_award_only_after_closing_and_only_to_answering_companies(officer, asf_rep):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    _submit(tender, asf_rep)
    company = asf_rep.representation.company
    with pytest.raises(DomainError):
        services.tender_award(tender=tender, awards=[{"company": company, "value": 850_000}], actor=officer)
    Tender.objects.filter(pk=tender.pk).update(status="closed", submission_deadline_at=timezone.now())
    with pytest.raises(DomainError):
        services.tender_award(
            tender=tender, awards=[{"company": CompanyFactory(), "value": 1}], actor=officer
        )
    services.tender_award(tender=tender, awards=[{"company": company, "value": 850_000}], actor=officer)
    tender.refresh_from_db()
    assert tender.status == Tender.Status.AWARDED
    # The bidder gets the award decision (with reasons and standstill), not also the followers' "awarded".
    assert Notification.objects.filter(recipient=asf_rep, kind="procurement.award_decision").exists()
    assert not Notification.objects.filter(recipient=asf_rep, kind="procurement.tender_awarded").exists()


def test_cancelling_needs_a_reason(officer):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    with pytest.raises(DomainError):
        services.tender_cancel(tender=tender, reason="", actor=officer)
    assert (
        services.tender_cancel(tender=tender, reason="Behovet försvann.", actor=officer).status == "cancelled"
    )


def test_a_saved_search_matches_new_tenders_by_words_cpv_and_municipality(officer, municipality):
    from procurement.models import SavedSearch

    rep = RepresentativeFactory(
        company=CompanyFactory()
    ).user  # not verified: only the saved search can match
    SavedSearch.objects.create(user=rep, text="förskolor", cpv_prefix="9091")
    miss = RepresentativeFactory(company=CompanyFactory()).user
    SavedSearch.objects.create(user=miss, cpv_prefix="5552")
    tender = TenderFactory(buyer=officer.organisation, title="Städning av förskolor")
    tender.municipalities.add(municipality)
    services.tender_publish(tender=tender, actor=officer)
    matched = set(
        Notification.objects.filter(kind="procurement.tender_matching").values_list("recipient", flat=True)
    )
    assert matched == {rep.pk}


def test_a_cafe_matches_a_catering_tender_by_its_category_prefix(officer):
    from procurement.models import CpvCode

    cafe = CompanyFactory(verified=True)
    cafe.service_categories.add(ServiceCategory.objects.get(slug="catering"))
    rep = RepresentativeFactory(company=cafe).user
    tender = TenderFactory(buyer=officer.organisation, cpv=[CpvCode.objects.get(code="55520000-1")])
    services.tender_publish(tender=tender, actor=officer)
    assert Notification.objects.filter(recipient=rep, kind="procurement.tender_matching").exists()


def test_an_amendment_cannot_move_the_deadline_earlier_and_unseal_answers(officer, asf_rep):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    _submit(tender, asf_rep)
    with pytest.raises(DomainError):
        services.tender_amend(tender=tender, changes={"submission_deadline_at": timezone.now() - timedelta(hours=1)},
                              reason="Fel datum", is_substantial=False, actor=officer)  # fmt: skip
    tender.refresh_from_db()
    assert tender.is_sealed()


def test_declining_a_closed_tender_is_refused(asf_rep):
    tender = TenderFactory(published=True)
    Tender.objects.filter(pk=tender.pk).update(status="closed", submission_deadline_at=timezone.now())
    with pytest.raises(DomainError):
        services.submission_decline(
            tender=tender, company=asf_rep.representation.company, reason="Nej", actor=asf_rep
        )
