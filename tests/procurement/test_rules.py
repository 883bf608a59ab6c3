"""The holes of issue 14 §7, closed where the rule lives: questions, the seal, receipts, the registry check,
extensions, drafts' problems, repeated actions, saved searches and the frozen award."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from asfportal.core.exceptions import DomainError
from asfportal.core.models import AuditEntry, Notification
from companies.models import Company
from procurement import selectors, services
from procurement.models import Award, Question, SavedSearch, Submission, Tender
from tests.companies.factories import CompanyFactory, RepresentativeFactory
from tests.procurement.factories import TenderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep():
    return RepresentativeFactory(company=CompanyFactory(verified=True, name="Städkraft")).user


def _submit(tender, rep, **kwargs):
    args = {"message": "Vi städar gärna.", "occupied": 10, "in_target_group": 6, **kwargs}
    return services.submission_submit(tender=tender, company=rep.representation.company, actor=rep, **args)


def _ask(tender, rep, text="Ingår fönsterputs?"):
    return services.question_ask(tender=tender, company=rep.representation.company, text=text, actor=rep)


# --- Questions ----------------------------------------------------------------------------------------------


def test_the_manage_page_holds_the_questions_waiting_for_an_answer(officer, rep):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    waiting = _ask(tender, rep)
    answered = _ask(tender, rep, "Ingår golvvård?")
    services.question_answer(question=answered, answer="Ja.", text=answered.text, actor=officer)
    page = selectors.tender_manage_page(tender=tender)
    assert page["open_questions"] == [waiting]
    assert page["answered_questions"] == [answered]


def test_the_officer_takes_a_name_out_of_a_question_before_the_answer_is_published(officer, rep):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    question = _ask(tender, rep, "Jag heter Anna Berg på Städkraft: ingår fönsterputs?")
    services.question_answer(question=question, text="Ingår fönsterputs?", answer="Nej.", actor=officer)
    question.refresh_from_db()
    assert question.text == "Ingår fönsterputs?" and question.redacted_at is not None
    entry = AuditEntry.objects.get(action="procurement.question.answered")
    assert entry.data["redacted"] is True and "Anna" not in str(entry.data)
    public = selectors.tender_page(tender=tender)["tender"]
    assert [q.text for q in public.questions.all()] == ["Ingår fönsterputs?"]


def test_an_answered_question_is_not_answered_or_edited_again(officer, rep):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    question = _ask(tender, rep)
    services.question_answer(question=question, text=question.text, answer="Nej.", actor=officer)
    repeated = services.question_answer(question=question, text=question.text, answer="Nej.", actor=officer)
    assert repeated.was_repeated
    with pytest.raises(DomainError, match="redan besvarad"):
        services.question_answer(question=question, text="Annan text", answer="Ja.", actor=officer)
    assert AuditEntry.objects.filter(action="procurement.question.answered").count() == 1


def test_the_same_question_sent_twice_is_stored_and_notified_once(officer, rep):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    first, second = _ask(tender, rep), _ask(tender, rep)
    assert first.pk == second.pk and second.was_repeated
    assert Question.objects.count() == 1
    officers = services.fanout.officers_of(tender).count()
    assert Notification.objects.filter(kind="procurement.question_asked").count() == officers


# --- The seal, the receipt and the registry -------------------------------------------------------------------


def test_no_count_of_answers_exists_before_the_deadline(officer, rep):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    _submit(tender, rep)
    assert selectors.officer_tenders(organisation_id=officer.organisation_id).get().submission_count is None
    Tender.objects.filter(pk=tender.pk).update(submission_deadline_at=timezone.now())
    assert selectors.officer_tenders(organisation_id=officer.organisation_id).get().submission_count == 1


def test_the_receipt_is_e_mailed_once_with_its_id_in_swedish_time(rep, django_capture_on_commit_callbacks):
    tender = TenderFactory(published=True)
    with django_capture_on_commit_callbacks(execute=True):
        submission = _submit(tender, rep)
        again = _submit(tender, rep)  # a double click: the same answer
    assert again.was_repeated and again.receipt_id == submission.receipt_id
    (message,) = mail.outbox
    local = timezone.localtime(submission.submitted_at)
    assert submission.receipt_id in message.subject and submission.receipt_id in message.body
    assert f"{local:%H:%M}" in message.body and "svensk tid" in message.body
    assert AuditEntry.objects.filter(action__startswith="procurement.submission.").count() == 1


def test_a_replaced_answer_gets_a_new_receipt(rep):
    tender = TenderFactory(published=True)
    first = _submit(tender, rep).receipt_id
    assert _submit(tender, rep, message="Bättre svar").receipt_id != first
    assert Notification.objects.filter(kind="procurement.submission_received").count() == 2


@pytest.mark.parametrize(
    ("occupied", "in_group"),
    [(14, 9), (9, 14), (20, 6)],
    ids=["more of the target group than the registry", "more than occupied", "registry under 30 %"],
)
def test_a_declared_share_the_registry_does_not_support_is_refused(occupied, in_group):
    # The company of the acceptance round: 5 of its 20 employees are in the target group (25 %).
    company = CompanyFactory(verified=True, employees_total=20, employees_integration=5, participants=0)
    rep = RepresentativeFactory(company=company).user
    tender = TenderFactory(published=True)
    with pytest.raises(DomainError):
        _submit(tender, rep, occupied=occupied, in_target_group=in_group)
    assert not Submission.objects.exists()


def test_people_in_work_training_count_as_occupied_and_in_the_target_group():
    company = CompanyFactory(verified=True, employees_total=20, employees_integration=5, participants=6)
    rep = RepresentativeFactory(company=company).user  # registry: 11 of 26 = 42 %
    assert _submit(TenderFactory(published=True), rep, occupied=26, in_target_group=11).pk


def test_the_registry_message_names_both_figures():
    company = CompanyFactory(verified=True, employees_total=20, employees_integration=5, participants=0)
    rep = RepresentativeFactory(company=company).user
    with pytest.raises(DomainError) as error:
        _submit(TenderFactory(published=True), rep, occupied=14, in_target_group=9)
    assert "5 av 20" in error.value.message and "9 av 14" in error.value.message


# --- Extensions, drafts and dates ------------------------------------------------------------------------------


def test_a_late_answer_extends_to_a_whole_minute_and_leaves_room_for_a_further_amendment(
    officer, rep, settings
):
    settings.PROCUREMENT_AMENDMENT_MIN_DAYS = 6
    tender = TenderFactory(buyer=officer.organisation, published=True)
    question = _ask(tender, rep)
    Tender.objects.filter(pk=tender.pk).update(
        answers_published_by_at=timezone.now() - timedelta(hours=1),
        submission_deadline_at=timezone.now() + timedelta(days=2),
    )
    before = timezone.now()
    answered = services.question_answer(question=question, text=question.text, answer="Ja.", actor=officer)
    tender.refresh_from_db()
    assert answered.deadline_extended_to == tender.submission_deadline_at
    assert tender.submission_deadline_at.second == 0 and tender.submission_deadline_at.microsecond == 0
    assert tender.submission_deadline_at >= before + timedelta(days=6)
    # The officer amends again, typing the deadline as the form shows it (to the minute): no "earlier" refusal.
    typed = timezone.localtime(tender.submission_deadline_at).replace(second=0)
    services.tender_amend(tender=tender, changes={"submission_deadline_at": typed, "title": "Ny titel"},
                          reason="Rättelse", is_substantial=False, actor=officer)  # fmt: skip


def test_a_substantial_amendment_extends_and_says_to_when(officer):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    Tender.objects.filter(pk=tender.pk).update(submission_deadline_at=timezone.now() + timedelta(days=1))
    amendment = services.tender_amend(
        tender=tender, changes={}, reason="Nya krav.", is_substantial=True, actor=officer
    )
    assert amendment.new_deadline_at and amendment.new_deadline_at.second == 0


def test_a_draft_lists_every_problem_at_the_time_of_viewing(officer):
    tender = TenderFactory(buyer=officer.organisation, procurement_id="", notice_url="")
    assert len(tender.publish_blockers(at=timezone.now())) == 1
    # Time passes without a save: the deadline is now behind us.
    later = tender.submission_deadline_at + timedelta(minutes=1)
    problems = tender.publish_blockers(at=later)
    assert any("framtiden" in p for p in problems) and any("annonsdatabas" in p for p in problems)


def test_a_contract_starting_before_the_deadline_is_refused_on_its_field(officer):
    tender = TenderFactory(buyer=officer.organisation)
    with pytest.raises(DomainError) as error:
        services.tender_save_draft(
            tender=tender, fields={"contract_start_on": timezone.localdate()}, cpv_codes=tender.cpv_codes.all(),
            municipalities=[], lots=[], actor=officer,
        )  # fmt: skip
    assert "contract_start_on" in error.value.field_errors


def test_a_notice_link_must_be_https(officer):
    tender = TenderFactory(buyer=officer.organisation)
    with pytest.raises(DomainError) as error:
        services.tender_save_draft(
            tender=tender, fields={"notice_url": "http://annons.example.se/uh"}, cpv_codes=tender.cpv_codes.all(),
            municipalities=[], lots=[], actor=officer,
        )  # fmt: skip
    assert "https://" in error.value.field_errors["notice_url"][0]


def test_a_procurement_id_is_used_once_per_buyer(officer):
    TenderFactory(buyer=officer.organisation, procurement_id="UH-2026-0001")
    tender = TenderFactory(buyer=officer.organisation)
    with pytest.raises(DomainError) as error:
        services.tender_save_draft(
            tender=tender, fields={"procurement_id": "UH-2026-0001"}, cpv_codes=tender.cpv_codes.all(),
            municipalities=[], lots=[], actor=officer,
        )  # fmt: skip
    assert "procurement_id" in error.value.field_errors


def test_publishing_or_cancelling_twice_happens_once(officer):
    tender = TenderFactory(buyer=officer.organisation)
    services.tender_publish(tender=tender, actor=officer)
    services.tender_publish(tender=tender, actor=officer)
    services.tender_cancel(tender=tender, reason="Behovet försvann.", actor=officer)
    services.tender_cancel(tender=tender, reason="Behovet försvann.", actor=officer)
    assert AuditEntry.objects.filter(action="procurement.tender.published").count() == 1
    assert AuditEntry.objects.filter(action="procurement.tender.cancelled").count() == 1


# --- Award, figures, saved searches ----------------------------------------------------------------------------


def test_value_awarded_to_asf_counts_companies_verified_on_the_award_date(officer, rep):
    plain = RepresentativeFactory(company=CompanyFactory()).user  # not verified
    tender = TenderFactory(buyer=officer.organisation, published=True, legal_basis="employment_requirement",
                           target_group="Långtidsarbetslösa", employment_form="Visstid", places=2,
                           matching_contact="Eva")  # fmt: skip
    _submit(tender, rep)
    services.submission_submit(
        tender=tender, company=plain.representation.company, message="Svar", actor=plain
    )
    Tender.objects.filter(pk=tender.pk).update(submission_deadline_at=timezone.now())
    services.tender_award(tender=tender, awards=[
        {"company": rep.representation.company, "value": 300_000},
        {"company": plain.representation.company, "value": 200_000},
    ], actor=officer)  # fmt: skip
    assert set(Award.objects.values_list("company_was_verified", flat=True)) == {True, False}
    year = timezone.localdate().year
    before = selectors.procurement_figures(buyer_id=officer.organisation_id, year=year)
    Company.objects.filter(pk=rep.representation.company_id).update(status=Company.Status.LAPSED)
    after = selectors.procurement_figures(buyer_id=officer.organisation_id, year=year)
    assert before["asf_value"] == after["asf_value"] == 300_000
    assert after["asf_companies"] == 1


def test_saved_searches_are_created_once_and_deleted_with_an_audit_entry(rep):
    first = services.saved_search_create(user=rep, text="städ")
    assert services.saved_search_create(user=rep, text="städ").pk == first.pk
    services.saved_search_delete(search=first, actor=rep)
    services.saved_search_delete(search=first, actor=rep)
    assert not SavedSearch.objects.exists()
    assert AuditEntry.objects.filter(action="procurement.saved_search.deleted").count() == 1
