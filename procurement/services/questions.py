"""Suppliers' questions about a tender and the buyer's answers, published to everyone without naming the asker."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asfportal.accounts.models import User
from asfportal.core.audit import audit
from asfportal.core.exceptions import DomainError, clean_or_raise, raise_if
from companies.models import Company

from ..models import Amendment, Question, Tender, Watch
from . import fanout, ocds
from .tenders import extend_for_substantial_change


@transaction.atomic
def question_ask(*, tender: Tender, company: Company, text: str, actor: User) -> Question:
    """Send a question to the buyer's officers; the same question sent again (a double click, a resent form)
    returns the first one, marked `was_repeated`, and notifies nobody again."""
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    raise_if(tender.ask_blockers(at=timezone.now()))
    if not text.strip():
        raise DomainError([], field_errors={"text": [_("Write your question.")]})
    earlier = Question.objects.filter(tender=tender, company=company, text=text).first()
    if earlier is not None:
        earlier.was_repeated = True
        return earlier
    question = Question(tender=tender, company=company, asked_by=actor, text=text)
    clean_or_raise(question)
    question.save()
    Watch.objects.get_or_create(tender=tender, user=actor)
    audit(actor, "procurement.question.asked", tender, question=question.pk)
    fanout.notify_officers(tender, "procurement.question_asked", subject_object=question)
    question.was_repeated = False
    return question


@transaction.atomic
def question_answer(
    *, question: Question, answer: str, actor: User, text: str | None = None, now: datetime | None = None
) -> Question:
    """Publish the answer to everyone, with the question as the buyer publishes it: `text` may take a name or
    other personal data out of the question (recorded as edited, never the removed words).

    An answer after the promised date (answers_published_by_at) is a substantial change: the deadline moves to
    the legal minimum ahead (LOU; PROCUREMENT_AMENDMENT_MIN_DAYS), answers given must be confirmed again, and the
    returned question's `deadline_extended_to` tells the officer. Answering an answered question again with the
    same words returns it unchanged (`was_repeated`).
    """
    now = now or timezone.now()
    question = Question.objects.select_for_update().get(pk=question.pk)
    tender = Tender.objects.select_for_update().get(pk=question.tender_id)
    question.tender = tender
    question.deadline_extended_to, question.was_repeated = None, False
    if question.is_answered and question.answer == answer:
        question.was_repeated = True
        return question
    raise_if(question.answer_blockers(at=now))
    if not answer.strip():
        raise DomainError([], field_errors={"answer": [_("Write the answer.")]})
    redacted = text is not None and text.strip() and text != question.text
    if redacted:
        question.text, question.redacted_at = text, now
    question.answer, question.answered_at = answer, now
    clean_or_raise(question)
    question.save(update_fields=["text", "redacted_at", "answer", "answered_at", "updated_at"])
    if tender.answers_published_by_at and now > tender.answers_published_by_at:
        extended = extend_for_substantial_change(tender, at=now)
        if extended:
            tender.save(update_fields=["submission_deadline_at", "updated_at"])
            amendment = Amendment(
                tender=tender, made_by=actor, reason=_("A question was answered after the promised date."),
                changes={}, is_substantial=True, new_deadline_at=extended,
            )  # fmt: skip
            amendment.save()
            tender.submissions.update(needs_reconfirmation=True)
            question.deadline_extended_to = extended
    # The answer is published in the tender's enquiries: a new release (an amendment when it moved the deadline).
    tag = ocds.AMENDED if question.deadline_extended_to else ocds.UPDATED
    ocds.ocds_release_add(tender=tender, tag=tag, date=now)
    audit(actor, "procurement.question.answered", tender, question=question.pk, redacted=bool(redacted))
    fanout.notify_followers(
        tender,
        "procurement.tender_changed",
        about=question,
        context={"reason": _("A question was answered.")},
    )
    return question
