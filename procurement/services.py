"""Every state change of a tender, from draft to award: atomic, audited, raising DomainError on a broken rule."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from asfportal.accounts.models import User
from asfportal.core.audit import audit
from asfportal.core.exceptions import DomainError
from asfportal.core.notifications import notify
from companies.models import Company, Representative

from .models import Amendment, Award, Decline, Lot, Question, Submission, Tender, TenderDocument, Watch

# Terms that may change on a published tender only through an amendment.
AMENDABLE_FIELDS = (
    "title",
    "description",
    "estimated_value",
    "contract_start_on",
    "contract_end_on",
    "options",
    "question_deadline_at",
    "answers_published_by_at",
    "submission_deadline_at",
    "evaluation_criteria",
)
NEEDS_NOTICE = (
    Tender.LegalBasis.RESERVED_4_18_1,
    Tender.LegalBasis.RESERVED_4_18_2,
    Tender.LegalBasis.RESERVED_19_6A,
    Tender.LegalBasis.EMPLOYMENT_REQUIREMENT,
)
# LOU 19 kap. 6 a §: welfare services may be reserved for idéburna organisations; we read that as these forms.
NON_PROFIT_FORMS = (
    Company.LegalForm.IDEELL_FORENING,
    Company.LegalForm.STIFTELSE,
    Company.LegalForm.EKONOMISK_FORENING,
    Company.LegalForm.AKTIEBOLAG_SVB,
)


def check_terms(tender: Tender, cpv_codes, *, now: datetime) -> list[str]:
    """Every reason the tender cannot be published as it stands (empty when it can)."""
    problems = []
    if tender.legal_basis in NEEDS_NOTICE and not (tender.procurement_id and tender.notice_url):
        problems.append(
            _(
                "Give the procurement ID and the link of the legal notice in a registered advertisement database: "
                "the portal mirrors the notice, it is not the legal advertisement."
            )
        )
    if tender.submission_deadline_at <= now:
        problems.append(_("The submission deadline must be in the future."))
    info_days = (
        settings.PROCUREMENT_INFO_DAYS_ACCELERATED
        if tender.is_accelerated
        else settings.PROCUREMENT_INFO_DAYS
    )
    info_limit = tender.submission_deadline_at - timedelta(days=info_days)
    if tender.answers_published_by_at and tender.answers_published_by_at > info_limit:
        problems.append(
            _("Answers to questions must be published at least %(days)s days before the submission deadline.")
            % {"days": info_days}
        )
    if (
        tender.question_deadline_at
        and tender.answers_published_by_at
        and tender.question_deadline_at > tender.answers_published_by_at
    ):
        problems.append(_("The question deadline must come before the date answers are published."))
    if tender.legal_basis == Tender.LegalBasis.DIRECT_AWARD:
        if tender.estimated_value > settings.PROCUREMENT_DIRECT_AWARD_LIMIT:
            problems.append(
                _("A direct award is only possible up to %(limit)s SEK.")
                % {"limit": f"{settings.PROCUREMENT_DIRECT_AWARD_LIMIT:,}".replace(",", " ")}
            )
        if (
            tender.estimated_value > settings.PROCUREMENT_DIRECT_AWARD_REASONS_ABOVE
            and not tender.direct_award_reason.strip()
        ):
            problems.append(
                _("Above %(amount)s SEK a direct award needs written reasons.")
                % {"amount": f"{settings.PROCUREMENT_DIRECT_AWARD_REASONS_ABOVE:,}".replace(",", " ")}
            )
    if tender.legal_basis == Tender.LegalBasis.EMPLOYMENT_REQUIREMENT and not (
        tender.target_group and tender.employment_form and tender.places and tender.matching_contact
    ):
        problems.append(
            _(
                "An employment requirement needs the target group, the form of employment, the number of places "
                "and the matching contact."
            )
        )
    codes = list(cpv_codes)
    if not codes:
        problems.append(_("Choose at least one CPV code."))
    if tender.legal_basis == Tender.LegalBasis.RESERVED_19_6A and not any(c.is_social_service for c in codes):
        problems.append(
            _("A welfare-service reservation (LOU 19 kap. 6 a §) needs a CPV code from LOU bilaga 2.")
        )
    return problems


def exceeds_eu_threshold(tender: Tender) -> bool:
    return tender.estimated_value >= settings.PROCUREMENT_EU_THRESHOLD


@transaction.atomic
def tender_save_draft(
    *, tender: Tender | None, fields: dict[str, Any], cpv_codes, municipalities, lots: list[dict], actor: User
) -> Tender:
    """Create or change a draft of the officer's own organisation; published terms change only by amendment."""
    if tender is not None:
        tender = Tender.objects.select_for_update().get(pk=tender.pk)
        if tender.status != Tender.Status.DRAFT:
            raise DomainError(_("A published tender is changed through an amendment."))
    else:
        tender = Tender(buyer=actor.organisation, created_by=actor)
    for name, value in fields.items():
        setattr(tender, name, value)
    tender.full_clean()
    tender.save()
    tender.cpv_codes.set(cpv_codes)
    tender.municipalities.set(municipalities)
    tender.lots.all().delete()
    for number, lot in enumerate(lots, start=1):
        Lot.objects.create(
            tender=tender, number=number, title=lot["title"], is_reserved=lot.get("is_reserved", False)
        )
    audit(actor, "procurement.tender.draft_saved", tender)
    return tender


@transaction.atomic
def tender_add_document(*, tender: Tender, title: str, file, actor: User) -> TenderDocument:
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if tender.status not in (Tender.Status.DRAFT, Tender.Status.PUBLISHED):
        raise DomainError(_("Documents can only be added while the tender is open."))
    document = TenderDocument(tender=tender, title=title, file=file)
    document.full_clean()
    document.save()
    audit(actor, "procurement.tender.document_added", tender, document=title)
    if tender.status == Tender.Status.PUBLISHED:
        _notify_followers(
            tender, "procurement.tender_changed", context={"reason": _("A document was added.")}
        )
    return document


@transaction.atomic
def tender_publish(*, tender: Tender, actor: User, now: datetime | None = None) -> Tender:
    """Publish a complete draft: terms freeze, matching companies hear of it, and it closes at its deadline."""
    now = now or timezone.now()
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if tender.status != Tender.Status.DRAFT:
        raise DomainError(_("Only a draft can be published."))
    problems = check_terms(tender, tender.cpv_codes.all(), now=now)
    if problems:
        raise DomainError(" ".join(problems))
    tender.status, tender.published_at = Tender.Status.PUBLISHED, now
    tender.save(update_fields=["status", "published_at", "updated_at"])
    audit(actor, "procurement.tender.published", tender)
    _notify_matching(tender)
    from .tasks import close_tender_task

    # Closed to the second by a task due at the deadline; the every-minute sweep is the safety net.
    transaction.on_commit(lambda: _schedule_close(close_tender_task, tender))
    return tender


def _schedule_close(task, tender: Tender) -> None:
    # Only inside the broker's visibility timeout: Redis would hand a task waiting longer out again and again
    # (settings, CELERY_BROKER_VISIBILITY_TIMEOUT). A later deadline is closed by the every-minute sweep.
    horizon = timedelta(seconds=settings.CELERY_BROKER_VISIBILITY_TIMEOUT)
    if tender.submission_deadline_at - timezone.now() >= horizon:
        return
    with contextlib.suppress(Exception):  # broker down: the every-minute sweep closes it
        task.apply_async(args=[tender.pk], eta=tender.submission_deadline_at, retry=False)


def _notify_matching(tender: Tender) -> None:
    """Representatives of listed companies whose services or saved searches match the new tender."""
    from companies.models import ServiceCategory

    from .models import SavedSearch

    codes = [code.code for code in tender.cpv_codes.all()]
    # A service category matches when one of the tender's CPV codes begins with one of its prefixes.
    categories = [
        category.pk
        for category in ServiceCategory.objects.exclude(cpv_prefixes="")
        if any(
            code.startswith(prefix.strip()) for prefix in category.cpv_prefixes.split(",") for code in codes
        )
    ]
    reps = Representative.objects.filter(
        company__in=Company.objects.listed().filter(service_categories__in=categories), user__is_active=True
    ).select_related("user")
    people = {rep.user for rep in reps}
    municipality_ids = set(tender.municipalities.values_list("pk", flat=True))
    for search in SavedSearch.objects.select_related("user").filter(user__is_active=True):
        if _search_matches(search, tender, codes, municipality_ids):
            people.add(search.user)
    url = reverse("procurement:tender-detail", args=[tender.pk])
    for person in people:
        notify(recipient=person, kind="procurement.tender_matching", subject_object=tender, url=url)


def _search_matches(search, tender: Tender, codes: list[str], municipality_ids: set[int]) -> bool:
    text = search.text.lower().strip()
    if text and text not in f"{tender.title} {tender.description}".lower():
        return False
    if search.municipality_id and search.municipality_id not in municipality_ids:
        return False
    return not search.cpv_prefix or any(code.startswith(search.cpv_prefix) for code in codes)


@transaction.atomic
def tender_amend(
    *, tender: Tender, changes: dict[str, Any], reason: str, is_substantial: bool, actor: User
) -> Amendment:
    """Change a published tender's terms with a reason; everyone following it hears of it.

    A substantial change leaves at least PROCUREMENT_AMENDMENT_MIN_DAYS until the deadline, and answers already
    given must be confirmed again by their companies.
    """
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if not tender.is_open_for_answers():
        raise DomainError(_("Only a tender open for answers can be amended."))
    if not reason.strip():
        raise DomainError(_("Give a reason for the amendment."))
    changed = {k: v for k, v in changes.items() if k in AMENDABLE_FIELDS and getattr(tender, k) != v}
    if not changed and not is_substantial:
        raise DomainError(_("Nothing was changed."))
    new_deadline_value = changed.get("submission_deadline_at")
    if new_deadline_value is not None and new_deadline_value < tender.submission_deadline_at:
        # Moving the deadline earlier would shut out companies still working, and unseal answers early.
        raise DomainError(_("An amendment may move the submission deadline later, never earlier."))
    log = {k: [_plain(getattr(tender, k)), _plain(v)] for k, v in changed.items()}
    for name, value in changed.items():
        setattr(tender, name, value)
    new_deadline = _extend_if_needed(tender) if is_substantial else None
    tender.full_clean()
    tender.save()
    amendment = Amendment.objects.create(
        tender=tender, made_by=actor, reason=reason, changes=log, is_substantial=is_substantial,
        new_deadline_at=new_deadline,
    )  # fmt: skip
    if is_substantial:
        tender.submissions.update(needs_reconfirmation=True)
    audit(actor, "procurement.tender.amended", tender, fields=sorted(changed), substantial=is_substantial)
    _notify_followers(tender, "procurement.tender_changed", context={"reason": reason})
    return amendment


def _extend_if_needed(tender: Tender) -> datetime | None:
    earliest = timezone.now() + timedelta(days=settings.PROCUREMENT_AMENDMENT_MIN_DAYS)
    if tender.submission_deadline_at < earliest:
        tender.submission_deadline_at = earliest
        return earliest
    return None


def _plain(value) -> Any:
    return value if isinstance(value, (str, int, bool)) or value is None else str(value)


def _followers(tender: Tender) -> set[User]:
    """Whoever watches the tender, downloaded its documents (a watch) or answered it."""
    watchers = {w.user for w in tender.watches.select_related("user").filter(user__is_active=True)}
    answerers = {s.submitted_by for s in tender.submissions.select_related("submitted_by")}
    return {person for person in watchers | answerers if person.is_active}


def _notify_followers(tender: Tender, kind: str, *, context: dict) -> None:
    url = reverse("procurement:tender-detail", args=[tender.pk])
    stamp = timezone.now().isoformat()
    for person in _followers(tender):
        notify(
            recipient=person,
            kind=kind,
            subject_object=tender,
            url=url,
            context={"tender": tender, **context},
            key=f"{kind}|{tender.pk}|{stamp}|{person.pk}",
        )


@transaction.atomic
def tender_watch(*, tender: Tender, user: User) -> None:
    """Follow a tender (a document download does it): changes, answers to questions and the award reach the user."""
    _watch, created = Watch.objects.get_or_create(tender=tender, user=user)
    if created:
        audit(user, "procurement.tender.watched", tender)


@transaction.atomic
def question_ask(*, tender: Tender, company: Company, text: str, actor: User) -> Question:
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    now = timezone.now()
    if not tender.is_open_for_answers(now):
        raise DomainError(_("The tender is not open for questions."))
    if tender.question_deadline_at and now > tender.question_deadline_at:
        raise DomainError(_("The question deadline has passed."))
    if not text.strip():
        raise DomainError(_("Write your question."))
    question = Question.objects.create(tender=tender, company=company, asked_by=actor, text=text)
    Watch.objects.get_or_create(tender=tender, user=actor)
    audit(actor, "procurement.question.asked", tender, question=question.pk)
    url = reverse("procurement:tender-manage", args=[tender.pk])
    for officer in User.objects.filter(
        organisation_id=tender.buyer_id, role="procurement_officer", is_active=True
    ):
        notify(recipient=officer, kind="procurement.question_asked", subject_object=question, url=url,
               context={"tender": tender})  # fmt: skip
    return question


@transaction.atomic
def question_answer(*, question: Question, answer: str, actor: User) -> Question:
    """Publish the answer to everyone; an answer after the promised date extends the deadline."""
    question = Question.objects.select_for_update().select_related("tender").get(pk=question.pk)
    tender = Tender.objects.select_for_update().get(pk=question.tender_id)
    if not answer.strip():
        raise DomainError(_("Write the answer."))
    if tender.status != Tender.Status.PUBLISHED:
        raise DomainError(_("Only questions on a tender open for answers can be answered."))
    now = timezone.now()
    question.answer, question.answered_at = answer, now
    question.save(update_fields=["answer", "answered_at", "updated_at"])
    if tender.answers_published_by_at and now > tender.answers_published_by_at:
        extended = _extend_if_needed(tender)
        if extended:
            tender.save(update_fields=["submission_deadline_at", "updated_at"])
            Amendment.objects.create(
                tender=tender, made_by=actor, reason=_("A question was answered after the promised date."),
                changes={}, is_substantial=True, new_deadline_at=extended,
            )  # fmt: skip
            tender.submissions.update(needs_reconfirmation=True)
    audit(actor, "procurement.question.answered", tender, question=question.pk)
    _notify_followers(tender, "procurement.tender_changed", context={"reason": _("A question was answered.")})
    return question


def check_eligibility(
    *, tender: Tender, company: Company, occupied: int | None, in_target_group: int | None
) -> None:
    """Who may answer: for a reserved contract only a verified ASF whose declared share meets the minimum."""
    if not tender.is_reserved:
        return
    if not Company.objects.listed().filter(pk=company.pk).exists():
        raise DomainError(
            _(
                "This contract is reserved for verified work-integration social enterprises; %(company)s is not "
                "verified (or its assessment has run out). Contact a coordinator to be assessed."
            )
            % {"company": company.name}
        )
    if tender.legal_basis == Tender.LegalBasis.RESERVED_19_6A and company.legal_form not in NON_PROFIT_FORMS:
        raise DomainError(_("This welfare-service contract is reserved for non-profit organisations."))
    if not occupied or in_target_group is None:
        raise DomainError(
            _("Declare how many people the company occupies and how many of them are in the target group.")
        )
    if in_target_group > occupied:
        raise DomainError(_("The target group cannot be larger than the number of people occupied."))
    share = Decimal(100) * in_target_group / occupied
    if share < settings.PROCUREMENT_RESERVED_MIN_SHARE:
        raise DomainError(
            _(
                "At least %(min)s %% of those occupied must be in the target group (LOU 4 kap. 18 §); you declared "
                "%(share)s %%."
            )
            % {"min": settings.PROCUREMENT_RESERVED_MIN_SHARE, "share": round(share)}
        )


@transaction.atomic
def submission_submit(
    *,
    tender: Tender,
    company: Company,
    message: str,
    document=None,
    occupied: int | None = None,
    in_target_group: int | None = None,
    actor: User,
    now: datetime | None = None,
) -> Submission:
    """Submit or replace the company's answer before the deadline; nothing is stored when it is refused."""
    now = now or timezone.now()
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if not tender.is_open_for_answers(now):
        raise DomainError(
            _("The submission deadline (%(deadline)s) has passed; answers can no longer be submitted.")
            % {"deadline": timezone.localtime(tender.submission_deadline_at).strftime("%Y-%m-%d %H:%M")}
        )
    check_eligibility(tender=tender, company=company, occupied=occupied, in_target_group=in_target_group)
    if not message.strip():
        raise DomainError(_("Write a message with your answer."))
    submission = Submission.objects.filter(tender=tender, company=company).first()
    replacing = submission is not None
    submission = submission or Submission(tender=tender, company=company)
    submission.submitted_by, submission.message, submission.submitted_at = actor, message, now
    submission.people_occupied, submission.people_in_target_group = occupied, in_target_group
    submission.needs_reconfirmation = False
    if document:
        submission.document = document
    submission.full_clean()
    submission.save()
    Decline.objects.filter(tender=tender, company=company).delete()
    Watch.objects.get_or_create(tender=tender, user=actor)
    audit(actor, "procurement.submission.replaced" if replacing else "procurement.submission.submitted", tender,
          company=company.pk)  # fmt: skip
    return submission


@transaction.atomic
def submission_decline(*, tender: Tender, company: Company, reason: str, actor: User) -> Decline:
    tender = Tender.objects.get(pk=tender.pk)
    if not tender.is_open_for_answers():
        raise DomainError(_("The tender is no longer open for answers."))
    if not reason.strip():
        raise DomainError(_("Say why you do not answer; it helps the buyer shape future tenders."))
    if Submission.objects.filter(tender=tender, company=company).exists():
        raise DomainError(_("You have already answered this tender."))
    decline, _created = Decline.objects.update_or_create(
        tender=tender, company=company, defaults={"reason": reason}
    )
    audit(actor, "procurement.submission.declined", tender, company=company.pk)
    return decline


@transaction.atomic
def tenders_close_due(*, now: datetime | None = None) -> int:
    """Close every published tender whose submission deadline has passed; idempotent."""
    now = now or timezone.now()
    due = list(
        Tender.objects.select_for_update(skip_locked=True).filter(
            status=Tender.Status.PUBLISHED, submission_deadline_at__lte=now
        )
    )
    for tender in due:
        tender.status, tender.closed_at = Tender.Status.CLOSED, now
        tender.save(update_fields=["status", "closed_at", "updated_at"])
        audit(None, "procurement.tender.closed", tender)
        for officer in User.objects.filter(
            organisation_id=tender.buyer_id, role="procurement_officer", is_active=True
        ):
            notify(recipient=officer, kind="procurement.tender_closed", subject_object=tender,
                   url=reverse("procurement:tender-manage", args=[tender.pk]), context={"tender": tender})  # fmt: skip
    return len(due)


@transaction.atomic
def tender_award(*, tender: Tender, awards: list[dict[str, Any]], actor: User) -> list[Award]:
    """Award a closed tender to one or more answering companies; the award notice is public."""
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if tender.status != Tender.Status.CLOSED and not (
        tender.legal_basis in (Tender.LegalBasis.DIRECT_AWARD, Tender.LegalBasis.IOP)
        and tender.status == Tender.Status.PUBLISHED
        and not tender.is_sealed()
    ):
        raise DomainError(_("A tender can be awarded once it is closed for answers."))
    if not awards:
        raise DomainError(_("Choose at least one company to award."))
    answered = set(tender.submissions.values_list("company_id", flat=True))
    created = []
    for item in awards:
        if item["company"].pk not in answered:
            raise DomainError(
                _("%(company)s has not answered this tender.") % {"company": item["company"].name}
            )
        award = Award(tender=tender, **item)
        award.full_clean()
        award.save()
        created.append(award)
    tender.status = Tender.Status.AWARDED
    tender.save(update_fields=["status", "updated_at"])
    audit(actor, "procurement.tender.awarded", tender, companies=[a.company_id for a in created])
    _notify_followers(tender, "procurement.tender_awarded", context={})
    return created


@transaction.atomic
def tender_cancel(*, tender: Tender, reason: str, actor: User) -> Tender:
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if tender.status in (Tender.Status.AWARDED, Tender.Status.CANCELLED):
        raise DomainError(_("An awarded or cancelled tender cannot be cancelled."))
    if not reason.strip():
        raise DomainError(_("Give a reason for cancelling."))
    tender.status, tender.cancel_reason = Tender.Status.CANCELLED, reason
    tender.save(update_fields=["status", "cancel_reason", "updated_at"])
    audit(actor, "procurement.tender.cancelled", tender, reason=reason)
    _notify_followers(tender, "procurement.tender_cancelled", context={"reason": reason})
    return tender
