"""Work-queue items of procurement (core/queue.py): for procurement officers the questions waiting for an answer
(by the last day the 6-day rule allows), tenders closing soon and tenders to award; for a company's
representative the open tenders that match the company, and answers to confirm again after a change.

Each item asks the tender's lifecycle (`answer_blockers`, `award_blockers`, `submit_blockers`), so an answered
question, an awarded tender or a confirmed answer leaves the queue. Fixed queries per provider.

Every answer the lifecycle gives changes by the clock only at the tender's submission deadline (procurement/
lifecycle.py compares `at` with nothing else), so that is each item's `changes_at`, or the moment a question turns
overdue if earlier; the dashboard keeps the queue cached until the earliest of them (core/queue.py).

Not listed for officers: answers waiting to be confirmed again after an amendment. Answers are sealed until the
deadline, not even their number shows to the buyer (README, "Procurement"), so the officer's queue cannot name
them; the companies see them in theirs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Min, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from asfportal.accounts import capabilities
from asfportal.accounts.models import Role
from asfportal.core.queue import QueueHorizon, QueueItem, QueueKind, queue_provider, register_kinds
from companies.models import Company, ServiceCategory

from . import selectors
from .models import Decline, Question, SavedSearch, Submission, Tender


def _organisation(user):
    return [f"queue:org:{user.organisation_id}"]


def _company(user):
    # Any tender published, changed or closed may match the company.
    return [f"queue:company:{capabilities.represented_company_id(user)}", "queue:tenders"]


CLOSING_SOON_DAYS = 7
# A representative's queue lists the nearest matching tenders, not every open one in the country.
MATCHING_LIMIT = 10

register_kinds(
    QueueKind("procurement.question", _("Questions waiting for an answer"), order=40),
    QueueKind("procurement.award", _("Tenders to award"), order=42),
    QueueKind("procurement.closing", _("Tenders closing soon"), order=44),
    QueueKind("procurement.reconfirm", _("Answers to confirm again after a change"), order=40),
    QueueKind("procurement.matching", _("Tenders that match your company"), order=42),
)


@queue_provider(Role.PROCUREMENT_OFFICER, datasets=_organisation)
def officer_items(user, *, today: date, now: datetime):
    if not capabilities.is_procurement_officer(user):
        return
    questions = (
        Question.objects.filter(
            tender__buyer_id=user.organisation_id,
            answered_at__isnull=True,
            tender__status=Tender.Status.PUBLISHED,
            tender__submission_deadline_at__gt=now,
        )
        .select_related("tender")
        .order_by("tender__submission_deadline_at", "created_at", "pk")
    )
    for question in questions:
        if question.answer_blockers(at=now):
            continue
        due = question.tender.answer_due_at()  # never after the deadline (the 6-day rule)
        yield QueueItem(
            kind="procurement.question",
            what=gettext("Answer the question; a later answer moves the submission deadline"),
            whom=question.tender.title,
            # The answer is written on the tender's manage page (the answer view takes only the POST).
            url=reverse("procurement:tender-manage", args=[question.tender_id]) + f"#answer-{question.pk}",
            due=due,
            overdue=now > due,
            action=gettext("Answer"),
            # Overdue from its due moment; gone at the deadline.
            changes_at=due if due >= now else question.tender.submission_deadline_at,
        )
    # Only the columns the items and the lifecycle checks read: a large buyer has some 200 tenders past or near
    # their deadline, and loading every column (seven timestamps a row) cost more than the rest of the queue.
    tenders = (
        selectors.officer_tenders(organisation_id=user.organisation_id)
        .filter(
            status__in=(Tender.Status.PUBLISHED, Tender.Status.CLOSED),
            submission_deadline_at__lte=now + timedelta(days=CLOSING_SOON_DAYS),
        )
        .only("pk", "title", "status", "submission_deadline_at")
    )
    # The sentences once, not once a tender (a large buyer has some 200 here).
    award_what = gettext("The deadline has passed: evaluate the answers and award the contract")
    award_action = gettext("Award")
    closing_what = gettext("Closes for answers soon: check that every question is answered")
    closing_action = gettext("Open the tender")
    for tender in tenders:
        if not tender.award_blockers(at=now):
            yield QueueItem(
                kind="procurement.award",
                what=award_what,
                whom=tender.title,
                url=reverse("procurement:tender-award", args=[tender.pk]),
                due=tender.submission_deadline_at,
                action=award_action,
            )
        elif tender.is_open_for_answers(now):
            yield QueueItem(
                kind="procurement.closing",
                what=closing_what,
                whom=tender.title,
                url=reverse("procurement:tender-manage", args=[tender.pk]),
                due=tender.submission_deadline_at,
                action=closing_action,
                changes_at=tender.submission_deadline_at,  # then to award, or gone without answers
            )
    # The next of the buyer's tenders to come within the "closing soon" window: listed from then on.
    entering = Tender.objects.filter(
        buyer_id=user.organisation_id,
        status=Tender.Status.PUBLISHED,
        submission_deadline_at__gt=now + timedelta(days=CLOSING_SOON_DAYS),
    ).aggregate(first=Min("submission_deadline_at"))["first"]
    if entering is not None:
        yield QueueHorizon(entering - timedelta(days=CLOSING_SOON_DAYS))


def matching_tenders(*, company_id: int, user, now: datetime):
    """Open tenders that match the company's services (a CPV code beginning with a prefix of one of its
    service categories) or one of the representative's saved searches, that the company has neither answered
    nor declined; the nearest deadlines first (three queries)."""
    # Only listed companies hear of tenders matching their services (services/fanout.notify_matching).
    listed = Company.objects.listed().filter(pk=company_id)
    prefixes = {
        prefix.strip()
        for value in ServiceCategory.objects.filter(companies__in=listed).values_list(
            "cpv_prefixes", flat=True
        )
        for prefix in value.split(",")
        if prefix.strip()
    }
    match = Q(pk__in=[])
    for prefix in prefixes:
        match |= Q(cpv_codes__code__startswith=prefix)
    # The same test as a new tender's notification (services/fanout.search_matches), asked in the database.
    for search in SavedSearch.objects.filter(user=user):
        condition = Q()
        if search.text.strip():
            text = search.text.strip()
            condition &= Q(title__icontains=text) | Q(description__icontains=text)
        if search.municipality_id:
            condition &= Q(municipalities__pk=search.municipality_id)
        if search.cpv_prefix:
            condition &= Q(cpv_codes__code__startswith=search.cpv_prefix)
        match |= condition
    candidates = (
        Tender.objects.open()
        .filter(match)
        .exclude(submissions__company_id=company_id)
        .exclude(pk__in=Decline.objects.filter(company_id=company_id).values("tender_id"))
        .values("pk")
    )
    return Tender.objects.filter(pk__in=candidates).order_by("submission_deadline_at", "pk")[:MATCHING_LIMIT]


@queue_provider(Role.COMPANY_REPRESENTATIVE, datasets=_company)
def company_items(user, *, today: date, now: datetime):
    company_id = capabilities.represented_company_id(user)
    if company_id is None:
        return
    to_confirm = (
        Submission.objects.filter(company_id=company_id, needs_reconfirmation=True)
        .select_related("tender")
        .order_by("tender__submission_deadline_at", "pk")
    )
    for submission in to_confirm:
        if submission.tender.submit_blockers(at=now):
            continue
        yield QueueItem(
            kind="procurement.reconfirm",
            what=gettext("The tender was changed after you answered: confirm or replace your answer"),
            whom=submission.tender.title,
            url=reverse("procurement:submission-submit", args=[submission.tender_id]),
            due=submission.tender.submission_deadline_at,
            action=gettext("Confirm the answer"),
            changes_at=submission.tender.submission_deadline_at,
        )
    for tender in matching_tenders(company_id=company_id, user=user, now=now):
        if tender.submit_blockers(at=now):
            continue
        yield QueueItem(
            kind="procurement.matching",
            what=gettext("A tender that matches your company: answer or decline"),
            whom=tender.title,
            url=reverse("procurement:tender-detail", args=[tender.pk]),
            due=tender.submission_deadline_at,
            action=gettext("Read the tender"),
            # Closed then; the next nearest matching tender, if any, takes its place.
            changes_at=tender.submission_deadline_at,
        )
