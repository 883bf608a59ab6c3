"""Reads of tenders, each shaped for one page in a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from asfportal.accounts import capabilities
from asfportal.accounts.models import Organisation, Role
from asfportal.accounts.selectors import people_with_role
from asfportal.core.calendars import CalendarEvent, FeedWindow

from .models import Award, CpvCode, Question, SavedSearch, Submission, Tender, Watch


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
        Prefetch("municipalities", queryset=Organisation.objects.only("pk", "name", "code").order_by("name")),
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


def officer_tenders(*, organisation_id: int, text: str = "", status: str = "") -> QuerySet[Tender]:
    """The organisation's tenders, searched by title, description or procurement ID and filtered by status, with
    question counts, and answer counts only once the deadline has passed: before it, not even how many answers
    came in is known to anyone (`submission_count` is None then)."""
    now = timezone.now()
    tenders = Tender.objects.filter(buyer_id=organisation_id)
    if text := text.strip():
        tenders = tenders.filter(
            Q(title__icontains=text) | Q(description__icontains=text) | Q(procurement_id__icontains=text)
        )
    if status:
        tenders = tenders.filter(status=status)
    # Counted in correlated subqueries, not by joining both tables and grouping: PostgreSQL then counts only
    # for the page's 25 rows after the sort and limit (and the paginator's COUNT(*) leaves them out), where
    # the join counted for every tender of a large buyer (919 at national scale, 10 ms a page).
    return tenders.annotate(
        submission_count=Case(
            When(submission_deadline_at__gt=now, then=Value(None)),
            default=_count_of(Submission.objects.filter(tender=OuterRef("pk"))),
            output_field=IntegerField(),
        ),
        open_questions=_count_of(Question.objects.filter(tender=OuterRef("pk"), answered_at__isnull=True)),
    ).order_by("-created_at", "-pk")


def _count_of(rows: QuerySet) -> Coalesce:
    """The number of `rows` (a queryset correlated to the outer row through OuterRef), as a scalar subquery."""
    counted = rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


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


# --- Calendars (issue 15 §2): the deadlines as calendar entries -----------------------------------------------


def _moves(field: str) -> Count:
    """How many amendments moved `field`: each is one more SEQUENCE of its calendar entry. A substantial change
    that extended the submission deadline to the legal minimum moved it too (Amendment.new_deadline_at)."""
    moved = Q(amendments__changes__has_key=field)
    if field == "submission_deadline_at":
        moved |= Q(amendments__new_deadline_at__isnull=False)
    return Count("amendments", filter=moved, distinct=True)


def with_calendar_sequences(tenders: QuerySet[Tender]) -> QuerySet[Tender]:
    """Tenders with their buyer and the number of times each deadline moved, in the same query."""
    return tenders.select_related("buyer").annotate(
        question_moves=_moves("question_deadline_at"),
        answers_moves=_moves("answers_published_by_at"),
        submission_moves=_moves("submission_deadline_at"),
    )


def tender_calendar_events(tender: Tender, *, for_buyer: bool = False) -> list[CalendarEvent]:
    """A tender's deadlines (from `with_calendar_sequences`): the last day for questions and the submission
    deadline, and for the buyer's own officers the day answers to questions are promised. A cancelled tender's
    entries stay, marked cancelled, one SEQUENCE higher, so calendars that hold them cross them out."""
    cancelled = tender.status == Tender.Status.CANCELLED
    url = reverse("procurement:tender-manage" if for_buyer else "procurement:tender-detail", args=[tender.pk])
    description = tender.buyer.name
    if cancelled:
        description = f"{_('The tender is cancelled.')} {description}"
    dates = [
        ("questions", tender.question_deadline_at, _("Last day for questions: %(title)s"), tender.question_moves),
        ("submission", tender.submission_deadline_at, _("Submission deadline: %(title)s"), tender.submission_moves),
    ]  # fmt: skip
    if for_buyer:
        dates.insert(1, ("answers", tender.answers_published_by_at,
                         _("Answers to questions published by: %(title)s"), tender.answers_moves))  # fmt: skip
    return [
        CalendarEvent(
            kind=f"tender-{tender.pk}",
            pk=part,
            summary=text % {"title": tender.title},
            start=at,
            sequence=moves + cancelled,
            last_modified=tender.updated_at,
            cancelled=cancelled,
            url=url,
            description=description,
        )
        for part, at, text, moves in dates
        if at is not None
    ]


def award_calendar_event(award: Award) -> CalendarEvent:
    """The award decision's day, for the buyer's officers (an award is made once and never moved)."""
    return CalendarEvent(
        kind="award",
        pk=award.pk,
        summary=_("Award decision: %(title)s (%(company)s)")
        % {"title": award.tender.title, "company": award.company.name},
        start=award.awarded_on,
        last_modified=award.updated_at,
        url=reverse("procurement:tender-manage", args=[award.tender_id]),
    )


def _followed_tenders(user) -> QuerySet[Tender] | None:
    """The tenders whose deadlines a person's calendar holds: an officer's organisation's own (published or
    later), those a coordinator follows, and those their company follows (a representative follows or
    answered); None for anyone else."""
    if capabilities.is_procurement_officer(user):
        return Tender.objects.filter(buyer_id=user.organisation_id).exclude(status=Tender.Status.DRAFT)
    if capabilities.is_coordinator(user):
        return Tender.objects.public().filter(pk__in=Watch.objects.filter(user=user).values("tender_id"))
    company_id = capabilities.represented_company_id(user)
    if company_id is None:
        return None
    colleagues = people_with_role(Role.COMPANY_REPRESENTATIVE, company_ids=[company_id]).values("pk")
    return Tender.objects.public().filter(
        Q(pk__in=Watch.objects.filter(user_id__in=colleagues).values("tender_id"))
        | Q(pk__in=Submission.objects.filter(company_id=company_id).values("tender_id"))
    )


def calendar_events_for(user, window: FeedWindow) -> list[CalendarEvent]:
    """The calendar source of procurement (registered in apps.py): two queries for an officer, one for others."""
    tenders = _followed_tenders(user)
    if tenders is None:
        return []
    tenders = with_calendar_sequences(tenders.filter(submission_deadline_at__gte=window.start_at))
    for_buyer = capabilities.is_procurement_officer(user)
    events = [
        event
        for tender in tenders.order_by("submission_deadline_at", "pk")[: window.limit]
        for event in tender_calendar_events(tender, for_buyer=for_buyer)
    ]
    if for_buyer:
        awards = Award.objects.filter(
            tender__buyer_id=user.organisation_id, awarded_on__gte=window.start, awarded_on__lte=window.end
        ).select_related("tender", "company")
        events += [
            award_calendar_event(award) for award in awards.order_by("awarded_on", "pk")[: window.limit]
        ]
    return events


CPV_SEARCH_LIMIT = 20


def cpv_search(*, query: str, limit: int = CPV_SEARCH_LIMIT) -> list[CpvCode]:
    """The CPV codes matching `query` (digits: codes beginning with them; words: labels with every word, ignoring
    case and accents), the curated ones first, at most `limit` (one query); an empty query gives the curated
    shortcut list."""
    codes = CpvCode.objects.search(query) if query.strip() else CpvCode.objects.shortcut().order_by("code")
    return list(codes[:limit])


def tender_api_list(*, status: str = "") -> QuerySet[Tender]:
    """Public tenders for the API (open, awarded, or every public one), with lots and awards (6 queries)."""
    tenders = tender_list(open_only=status == "open")
    if status == "awarded":
        tenders = tenders.filter(status=Tender.Status.AWARDED)
    return tenders.prefetch_related(
        "lots", Prefetch("awards", queryset=Award.objects.select_related("company").order_by("pk"))
    )


def own_tenders_api(*, organisation_id: int) -> QuerySet[Tender]:
    """The organisation's own tenders, drafts included, with lots, awards and every question (7 queries)."""
    return (
        Tender.objects.filter(buyer_id=organisation_id)
        .select_related("buyer")
        .prefetch_related(
            Prefetch("cpv_codes", queryset=CpvCode.objects.order_by("code")),
            Prefetch(
                "municipalities", queryset=Organisation.objects.only("pk", "name", "code").order_by("name")
            ),
            "lots",
            Prefetch("awards", queryset=Award.objects.select_related("company").order_by("pk")),
            Prefetch("questions", queryset=Question.objects.order_by("created_at", "pk")),
        )
        .order_by("-pk")
    )
