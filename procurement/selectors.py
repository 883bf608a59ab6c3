"""Reads of tenders, each shaped for one page in a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from asfportal.accounts.models import Organisation

from .models import Award, CpvCode, Question, SavedSearch, Submission, Tender


def tender_list(
    *, text: str = "", legal_basis: str = "", cpv=None, municipality=None, open_only: bool = True
):
    """Public tenders with their buyer, CPV codes and municipalities, soonest deadline first."""
    tenders = Tender.objects.public().select_related("buyer")
    if open_only:
        tenders = tenders.filter(status=Tender.Status.PUBLISHED, submission_deadline_at__gt=timezone.now())
    if text.strip():
        tenders = tenders.filter(Q(title__icontains=text) | Q(description__icontains=text))
    if legal_basis:
        tenders = tenders.filter(legal_basis=legal_basis)
    if cpv is not None:
        tenders = tenders.filter(cpv_codes=cpv)
    if municipality is not None:
        tenders = tenders.filter(municipalities=municipality)
    return tenders.prefetch_related(
        Prefetch("cpv_codes", queryset=CpvCode.objects.order_by("code")),
        Prefetch("municipalities", queryset=Organisation.objects.only("pk", "name").order_by("name")),
    ).order_by("submission_deadline_at", "pk")


def tender_page(*, tender: Tender) -> dict:
    """The public page: the tender with its answered questions only (the asker is never named)."""
    tender = (
        Tender.objects.filter(pk=tender.pk)
        .select_related("buyer")
        .prefetch_related(
            "cpv_codes",
            "municipalities",
            "lots",
            "documents",
            "amendments",
            Prefetch(
                "questions",
                queryset=Question.objects.filter(answered_at__isnull=False).order_by("answered_at"),
            ),
            Prefetch("awards", queryset=Award.objects.select_related("company", "lot")),
        )
        .get()
    )
    return {"tender": tender}


def tender_manage_page(*, tender: Tender) -> dict:
    """The officer's page of one tender: every question, those waiting for an answer first (a fixed number of
    queries). The public page's prefetch holds only answered questions; this one holds them all."""
    tender = (
        Tender.objects.filter(pk=tender.pk)
        .select_related("buyer")
        .prefetch_related(
            "cpv_codes",
            "municipalities",
            "lots",
            "documents",
            "amendments",
            Prefetch("questions", queryset=Question.objects.order_by("created_at", "pk")),
            Prefetch("awards", queryset=Award.objects.select_related("company", "lot")),
        )
        .get()
    )
    questions = list(tender.questions.all())
    return {
        "tender": tender,
        "open_questions": [q for q in questions if not q.is_answered],
        "answered_questions": [q for q in questions if q.is_answered],
    }


def officer_tenders(*, organisation_id: int) -> QuerySet[Tender]:
    """The organisation's tenders with question counts, and answer counts only once the deadline has passed:
    before it, not even how many answers came in is known to anyone (`submission_count` is None then)."""
    now = timezone.now()
    return (
        Tender.objects.filter(buyer_id=organisation_id)
        .annotate(
            submission_count=Case(
                When(submission_deadline_at__gt=now, then=Value(None)),
                default=Count("submissions", distinct=True),
                output_field=IntegerField(),
            ),
            open_questions=Count("questions", filter=Q(questions__answered_at__isnull=True), distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def submissions_for_evaluation(*, tender: Tender) -> QuerySet[Submission]:
    """The answers, only once the deadline has passed (sealed before, for everyone)."""
    if tender.is_sealed():
        return Submission.objects.none()
    return tender.submissions.select_related("company", "submitted_by").order_by("submitted_at")


def award_choices(*, tender: Tender) -> list[tuple]:
    """The award page: per lot (one group with lot None for a tender without lots), the answers to that lot
    (an answer naming no lot covers them all), in 3 queries."""
    submissions = list(submissions_for_evaluation(tender=tender).prefetch_related("lots"))
    lots = list(tender.lots.all())
    if not lots:
        return [(None, submissions)]
    return [(lot, [s for s in submissions if not s.lots.all() or lot in s.lots.all()]) for lot in lots]


def saved_searches(*, user) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user=user).select_related("municipality").order_by("created_at", "pk")


def awarded_value_by_organisation(*, year: int) -> dict[int, Decimal]:
    """Value awarded per buying organisation in a year, summed in the database (for the annual report)."""
    rows = (
        Award.objects.filter(awarded_on__year=year)
        .values("tender__buyer_id")
        .annotate(total=Sum("value"))
        .order_by("tender__buyer_id")
    )
    return {row["tender__buyer_id"]: row["total"] for row in rows}


def procurement_figures(*, buyer_id: int, year: int) -> dict:
    """A buying organisation's tenders published and awarded in a year by legal basis, and the contract value
    awarded to ASF, for the annual report (3 queries, summed in the database).

    "Value awarded to ASF" counts only awards to companies that were verified ASF on the award date, as frozen on
    the award (`Award.company_was_verified`); a company assessed later, or one whose verification has lapsed
    since, does not change it.
    """
    bases = Tender.LegalBasis
    groups = {
        "reserved": Q(legal_basis__in=Tender.RESERVED_BASES),
        "employment_requirement": Q(legal_basis=bases.EMPLOYMENT_REQUIREMENT),
        "direct_award": Q(legal_basis=bases.DIRECT_AWARD),
        "iop": Q(legal_basis=bases.IOP),
    }
    tenders = Tender.objects.filter(buyer_id=buyer_id)
    published = tenders.filter(published_at__year=year).aggregate(
        total=Count("pk"), **{name: Count("pk", filter=condition) for name, condition in groups.items()}
    )
    awarded = tenders.filter(awards__awarded_on__year=year).aggregate(
        total=Count("pk", distinct=True),
        **{name: Count("pk", filter=condition, distinct=True) for name, condition in groups.items()},
    )
    value = Award.objects.filter(
        tender__buyer_id=buyer_id, awarded_on__year=year, company_was_verified=True
    ).aggregate(asf_value=Sum("value"), companies=Count("company", distinct=True))
    return {
        "published": published,
        "awarded": awarded,
        "asf_value": value["asf_value"] or Decimal(0),
        "asf_companies": value["companies"],
    }
