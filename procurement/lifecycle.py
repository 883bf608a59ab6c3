"""A tender's lifecycle, one method per action: the reasons the action is not allowed now (empty = allowed).

draft → published → closed (at the submission deadline) → awarded; cancelled from any state before the award; a
published tender changes only by amendment. The services raise these reasons (`raise_if`), views pass them to
templates as flags, and every path into a rule (form, service, admin, seed data) goes through a service: a rule
lives here once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _


def meets_reserved_share(*, occupied: int, in_target_group: int) -> bool:
    """LOU 4 kap. 18 §: at least PROCUREMENT_RESERVED_MIN_SHARE per cent of the people a supplier occupies are in
    the target group (UHM, "andelskravet"). The one place the share is compared with the minimum."""
    return (
        bool(occupied)
        and Decimal(100) * in_target_group >= settings.PROCUREMENT_RESERVED_MIN_SHARE * occupied
    )


def share_percent(*, occupied: int, in_target_group: int) -> int:
    return round(Decimal(100) * in_target_group / occupied) if occupied else 0


def swedish_time(value: datetime) -> str:
    """A moment as people in Sweden read it, in Swedish time, in the portal's one date format."""
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def legal_extension(*, at: datetime) -> datetime:
    """The earliest deadline a substantial change at `at` allows: PROCUREMENT_AMENDMENT_MIN_DAYS ahead, rounded up
    to a whole minute, so that the deadline reads as a time a person can type again in a later amendment."""
    earliest = at + timedelta(days=settings.PROCUREMENT_AMENDMENT_MIN_DAYS)
    whole = earliest.replace(second=0, microsecond=0)
    return whole if whole == earliest else whole + timedelta(minutes=1)


class TenderLifecycle:
    """Mixed into `Tender`: every state question about a tender, asked at a given moment."""

    # --- The officer's actions ------------------------------------------------------------------------------

    def edit_blockers(self) -> list[str]:
        if self.status != self.Status.DRAFT:
            return [_("A published tender is changed through an amendment.")]
        return []

    def info_days(self) -> int:
        """LOU 12 kap. 13 §: additional information (answers to questions) at the latest 6 days before the
        submission deadline, 4 in an accelerated procedure (PROCUREMENT_INFO_DAYS, _ACCELERATED)."""
        return (
            settings.PROCUREMENT_INFO_DAYS_ACCELERATED
            if self.is_accelerated
            else settings.PROCUREMENT_INFO_DAYS
        )

    def latest_answers_at(self) -> datetime:
        """The last moment the 6-day rule allows answers to be published (the one place it is computed)."""
        return self.submission_deadline_at - timedelta(days=self.info_days())

    def answer_due_at(self) -> datetime:
        """By when an open question must be answered: the date the buyer promised, else the last the rule allows.
        Answered later, the answer is a substantial change that moves the deadline (services/questions.py)."""
        latest = self.latest_answers_at()
        return min(self.answers_published_by_at, latest) if self.answers_published_by_at else latest

    def term_problems(self, *, at: datetime) -> list[str]:
        """What in the terms stops publishing (the CPV codes are read through the prefetch when there is one)."""
        problems = []
        if self.legal_basis in self.NOTICE_BASES and not (self.procurement_id and self.notice_url):
            problems.append(
                _(
                    "Give the procurement ID and the link of the legal notice in a registered advertisement "
                    "database: the portal mirrors the notice, it is not the legal advertisement."
                )
            )
        if self.submission_deadline_at is None or self.submission_deadline_at <= at:
            problems.append(_("The submission deadline must be in the future."))
            return problems
        info_days = self.info_days()
        if self.answers_published_by_at and self.answers_published_by_at > self.latest_answers_at():
            problems.append(
                _(
                    "Answers to questions must be published at least %(days)s days before the submission deadline."
                )
                % {"days": info_days}
            )
        if (
            self.question_deadline_at
            and self.answers_published_by_at
            and self.question_deadline_at > self.answers_published_by_at
        ):
            problems.append(_("The question deadline must come before the date answers are published."))
        if self.legal_basis == self.LegalBasis.DIRECT_AWARD:
            # LOU 19 a kap.: the direct-award limit and the duty to document reasons, both configured amounts.
            if (
                self.estimated_value is not None
                and self.estimated_value > settings.PROCUREMENT_DIRECT_AWARD_LIMIT
            ):
                problems.append(
                    _("A direct award is only possible up to %(limit)s SEK.")
                    % {"limit": _amount(settings.PROCUREMENT_DIRECT_AWARD_LIMIT)}
                )
            if (
                self.estimated_value is not None
                and self.estimated_value > settings.PROCUREMENT_DIRECT_AWARD_REASONS_ABOVE
                and not self.direct_award_reason.strip()
            ):
                problems.append(
                    _("Above %(amount)s SEK a direct award needs written reasons.")
                    % {"amount": _amount(settings.PROCUREMENT_DIRECT_AWARD_REASONS_ABOVE)}
                )
        if self.legal_basis == self.LegalBasis.EMPLOYMENT_REQUIREMENT and not (
            self.target_group and self.employment_form and self.places and self.matching_contact
        ):
            problems.append(
                _(
                    "An employment requirement needs the target group, the form of employment, the number of "
                    "places and the matching contact."
                )
            )
        codes = list(self.cpv_codes.all()) if self.pk else []
        if not codes:
            problems.append(_("Choose at least one CPV code."))
        if self.legal_basis == self.LegalBasis.RESERVED_19_6A and not any(c.is_social_service for c in codes):
            problems.append(
                _("A welfare-service reservation (LOU 19 kap. 6 a §) needs a CPV code from LOU bilaga 2.")
            )
        return problems

    def publish_blockers(self, *, at: datetime) -> list[str]:
        """Every problem publishing at `at` would raise, computed now (not when the draft was last saved)."""
        if self.status != self.Status.DRAFT:
            return [_("Only a draft can be published.")]
        problems = self.term_problems(at=at)
        return problems + [p for p in self.validation_problems() if p not in problems]

    def validation_problems(self) -> list[str]:
        """The model's own checks (field limits, the contract dates) as sentences."""
        try:
            self.full_clean(validate_unique=False, validate_constraints=True)
        except ValidationError as error:
            return list(dict.fromkeys(error.messages))
        return []

    def amend_blockers(self, *, at: datetime) -> list[str]:
        if self.status != self.Status.PUBLISHED or at >= self.submission_deadline_at:
            return [_("Only a tender open for answers can be amended.")]
        return []

    def add_document_blockers(self, *, at: datetime) -> list[str]:
        if self.status == self.Status.DRAFT or (
            self.status == self.Status.PUBLISHED and at < self.submission_deadline_at
        ):
            return []
        return [_("Documents can only be added while the tender is open.")]

    def close_blockers(self, *, at: datetime) -> list[str]:
        if self.status != self.Status.PUBLISHED:
            return [_("Only a published tender closes.")]
        if at < self.submission_deadline_at:
            return [_("The tender closes at its submission deadline.")]
        return []

    def award_blockers(self, *, at: datetime) -> list[str]:
        """Awarded once the deadline has passed (closed, or published and not yet swept) and someone answered."""
        if self.status == self.Status.AWARDED:
            return [_("The tender is already awarded.")]
        if self.status not in (self.Status.PUBLISHED, self.Status.CLOSED) or at < self.submission_deadline_at:
            return [_("A tender can be awarded once it is closed for answers.")]
        # A list of tenders counts the answers in its query (`submission_count`); a single tender asks.
        count = getattr(self, "submission_count", None)
        if not (count if count is not None else self.submissions.exists()):
            return [_("There are no answers to award.")]
        return []

    def cancel_blockers(self) -> list[str]:
        if self.status == self.Status.CANCELLED:
            return [_("The tender is already cancelled.")]
        if self.status == self.Status.AWARDED:
            return [_("An awarded tender cannot be cancelled.")]
        return []

    def answer_question_blockers(self, *, at: datetime) -> list[str]:
        if not self.is_open_for_answers(at):
            return [_("Only questions on a tender open for answers can be answered.")]
        return []

    # --- The companies' actions -----------------------------------------------------------------------------

    def ask_blockers(self, *, at: datetime) -> list[str]:
        if not self.is_open_for_answers(at):
            return [_("The tender is not open for questions.")]
        if self.question_deadline_at and at > self.question_deadline_at:
            return [_("The question deadline has passed.")]
        return []

    def submit_blockers(self, *, at: datetime) -> list[str]:
        if not self.is_open_for_answers(at):
            return [
                _("The submission deadline (%(deadline)s) has passed; answers can no longer be submitted.")
                % {"deadline": swedish_time(self.submission_deadline_at)}
            ]
        return []

    def decline_blockers(self, *, at: datetime, has_answered: bool) -> list[str]:
        if not self.is_open_for_answers(at):
            return [_("The tender is no longer open for answers.")]
        if has_answered:
            return [_("You have already answered this tender.")]
        return []

    def eligibility_blockers(
        self, *, company, is_verified: bool, occupied: int | None, in_target_group: int | None
    ) -> list[str]:
        """Who may answer: for a reserved contract only a verified ASF (LOU 4 kap. 18 §; 19 kap. 6 a § for
        non-profits) whose declared share meets the minimum and agrees with the registry's figures."""
        if not self.is_reserved:
            return []
        if not is_verified:
            return [
                _(
                    "This contract is reserved for verified work-integration social enterprises; %(company)s is "
                    "not verified (or its assessment has run out). Contact a coordinator to be assessed."
                )
                % {"company": company.name}
            ]
        if (
            self.legal_basis == self.LegalBasis.RESERVED_19_6A
            and company.legal_form not in self.NON_PROFIT_FORMS
        ):
            return [_("This welfare-service contract is reserved for non-profit organisations.")]
        if not occupied or in_target_group is None:
            return [
                _(
                    "Declare how many people the company occupies and how many of them are in the target group."
                )
            ]
        if in_target_group > occupied:
            return [_("The target group cannot be larger than the number of people occupied.")]
        if not meets_reserved_share(occupied=occupied, in_target_group=in_target_group):
            return [
                _(
                    "At least %(min)s %% of those occupied must be in the target group (LOU 4 kap. 18 §); you "
                    "declared %(share)s %%."
                )
                % {
                    "min": settings.PROCUREMENT_RESERVED_MIN_SHARE,
                    "share": share_percent(occupied=occupied, in_target_group=in_target_group),
                }
            ]
        return registry_disagreement(company=company, occupied=occupied, in_target_group=in_target_group)


def registry_disagreement(*, company, occupied: int, in_target_group: int) -> list[str]:
    """The declaration checked against the company's figures in the ASF registry, which a coordinator verified.

    The registry counts employees, of whom those employed for work integration, and people in work training; all
    of them are occupied, and those in work training are in the target group (they were referred for it). A
    declaration may differ from the registry (people come and go), but never claim more of the target group than
    the registry holds, nor meet the share when the registry does not.
    """
    registry_occupied = company.employees_total + company.participants
    registry_in_group = company.employees_integration + company.participants
    registry_share = share_percent(occupied=registry_occupied, in_target_group=registry_in_group)
    sentence = _(
        "The ASF registry records %(in_group)s of %(occupied)s people occupied in the target group (%(share)s %%) "
        "for %(company)s; you declared %(declared_in_group)s of %(declared_occupied)s. Ask a coordinator to update "
        "the registry through a change request if the figures have changed."
    ) % {
        "in_group": registry_in_group,
        "occupied": registry_occupied,
        "share": registry_share,
        "company": company.name,
        "declared_in_group": in_target_group,
        "declared_occupied": occupied,
    }
    if in_target_group > registry_in_group:
        return [sentence]
    if not meets_reserved_share(occupied=registry_occupied, in_target_group=registry_in_group):
        return [sentence]
    return []


def _amount(value: int) -> str:
    return f"{value:,}".replace(",", " ")
