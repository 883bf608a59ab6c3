"""Reads of tenders, each shaped for one page in a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from asfportal.accounts.models import Organisation

from .models import Award, CpvCode, Question, Submission, Tender


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
    tender = (
        Tender.objects.filter(pk=tender.pk)
        .select_related("buyer")
        .prefetch_related(
            "cpv_codes",
            "municipalities",
            "lots",
            "documents",
            "amendments",
            Prefetch("questions", queryset=Question.objects.exclude(answer="").order_by("answered_at")),
            Prefetch("awards", queryset=Award.objects.select_related("company", "lot")),
        )
        .get()
    )
    return {"tender": tender}


def officer_tenders(*, organisation_id: int) -> QuerySet[Tender]:
    """The organisation's tenders with answer and question counts."""
    return (
        Tender.objects.filter(buyer_id=organisation_id)
        .annotate(
            submission_count=Count("submissions", distinct=True),
            open_questions=Count("questions", filter=Q(questions__answer=""), distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def submissions_for_evaluation(*, tender: Tender) -> QuerySet[Submission]:
    """The answers, only once the deadline has passed (sealed before, for everyone)."""
    if tender.is_sealed():
        return Submission.objects.none()
    return tender.submissions.select_related("company", "submitted_by").order_by("submitted_at")


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

    Every award goes to a company in the ASF registry, so the awarded value is the value awarded to ASF.
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
    value = Award.objects.filter(tender__buyer_id=buyer_id, awarded_on__year=year).aggregate(
        asf_value=Sum("value"), companies=Count("company", distinct=True)
    )
    return {
        "published": published,
        "awarded": awarded,
        "asf_value": value["asf_value"] or Decimal(0),
        "asf_companies": value["companies"],
    }
