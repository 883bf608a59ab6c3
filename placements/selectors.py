"""Reads for placements pages and figures, in a fixed number of queries, aggregated in the database."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from asfportal.accounts import capabilities
from asfportal.core.calendars import CalendarEvent, FeedWindow
from asfportal.core.lists import ordered
from companies.models import Company

from .models import (
    EMPLOYMENT_OUTCOMES,
    OUTCOME_FOLLOW_UP_DAYS,
    Consent,
    FollowUp,
    Offer,
    Outcome,
    Participant,
    Placement,
)


def capacity_search(
    *, today: date, weeks: int = 0, municipality=None, work_area=None, measure: str = "", adaptation: str = ""
) -> QuerySet[Offer]:
    """Published offers with places free now, and places that free up within `weeks` (from planned ends).

    The places taken are counted per offer in a correlated subquery on the placements index (offer, status,
    planned end), so the cost follows the number of offers, not of placements (make bench: 470 ms -> ~30 ms
    with 150,000 placements)."""
    horizon = today + timedelta(weeks=weeks)
    offers = Offer.objects.filter(
        is_published=True, company__in=Company.objects.listed(), available_from__lte=horizon
    ).filter(Q(available_to__isnull=True) | Q(available_to__gte=today))
    if municipality is not None:
        offers = offers.filter(municipality=municipality)
    if work_area is not None:
        offers = offers.filter(work_area=work_area)
    open_now = Placement.objects.filter(
        offer=OuterRef("pk"),
        status__in=Placement.OPEN_STATUSES,
        start_on__lte=today,
        planned_end_on__gte=today,
    )

    def count(placements):
        return Coalesce(Subquery(placements.values("offer").annotate(n=Count("pk")).values("n")[:1]), 0)

    offers = offers.annotate(
        taken=count(open_now), freeing=count(open_now.filter(planned_end_on__lte=horizon))
    )
    offers = offers.annotate(
        free_now=F("places") - F("taken"), free_soon=F("places") - F("taken") + F("freeing")
    )
    offers = offers.filter(free_soon__gt=0).select_related("company", "work_area", "municipality")
    offers = offers.order_by("-free_now", "company__name", "pk")
    if connection.vendor == "postgresql":
        # JSON containment in the database; an offer that lists no measures accepts any.
        if measure:
            offers = offers.filter(Q(support_measures=[]) | Q(support_measures__contains=[measure]))
        if adaptation:
            offers = offers.filter(adaptations__contains=[adaptation])
        return offers
    # SQLite (the local portal) has no JSON containment: filter the small result in Python.
    rows = list(offers)
    if measure:
        rows = [o for o in rows if not o.support_measures or measure in o.support_measures]
    if adaptation:
        rows = [o for o in rows if adaptation in o.adaptations]
    return rows


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _finished_counts(
    placements: QuerySet[Placement], today: date, *, within: Q | None = None, **more
) -> dict:
    """The counts every outcome figure is built from, in one aggregate over `placements`, counting those in
    `within` (all of them when None); `more` adds aggregates of its own to the same query. The 90-day figures
    count only placements whose 90th day after the end has come; of those, the ones whose outcome after 90 days is
    recorded."""
    within = within or Q()
    past_90 = within & Q(ended_on__lte=today - timedelta(days=OUTCOME_FOLLOW_UP_DAYS))
    return placements.aggregate(
        ended=Count("pk", filter=within),
        employed=Count("pk", filter=within & Q(outcome__in=EMPLOYMENT_OUTCOMES)),
        employed_at_asf=Count("pk", filter=within & Q(outcome__in=EMPLOYMENT_OUTCOMES[:2])),
        past_90=Count("pk", filter=past_90),
        followed_90=Count("pk", filter=past_90 & ~Q(outcome_90="")),
        employed_90=Count("pk", filter=past_90 & Q(outcome_90__in=EMPLOYMENT_OUTCOMES)),
        days=Avg(
            ExpressionWrapper(F("ended_on") - F("start_on"), output_field=DurationField()), filter=within
        ),
        **more,
    )


def _with_shares(counts: dict) -> dict:
    return {
        **counts,
        "employment_share": _share(counts["employed"], counts["ended"]),
        "employment_share_90": _share(counts["employed_90"], counts["followed_90"]),
        "not_followed_90": counts["past_90"] - counts["followed_90"],
    }


def placement_figures(
    *, organisation_id: int | None = None, company_id: int | None = None, year: int, today: date | None = None
) -> dict:
    """The placement figures of a year (README, "Figures"), in one query:

    - started: placements that started in the year (active, ended or interrupted; planned and cancelled ones
      have not started);
    - active: placements running now, only for the current year (None for any other);
    - ended: placements ended or interrupted in the year; employed: of those, the ones that went into paid
      work; employment_share = employed / ended;
    - past_90: of the ended, those whose 90th day after the end has come by `today`; followed_90: of those,
      the ones with a recorded outcome after 90 days; employment_share_90 = employed_90 / followed_90;
    - average_days: the average time in placement of the ended ones.
    """
    today = today or timezone.localdate()
    placements = Placement.objects.all()
    if organisation_id is not None:
        placements = placements.filter(referring_organisation_id=organisation_id)
    if company_id is not None:
        placements = placements.filter(company_id=company_id)
    year_range = (date(year, 1, 1), date(year, 12, 31))
    finished = Q(status__in=Placement.FINISHED_STATUSES, ended_on__range=year_range)
    # One count per outcome in the same aggregate (the outcomes are a fixed list), not a GROUP BY of their own.
    per_outcome = {
        f"outcome_{index}": Count("pk", filter=finished & Q(outcome=value))
        for index, value in enumerate(Outcome.values)
    }
    row = _finished_counts(
        placements,
        today,
        within=finished,
        started=Count("pk", filter=Q(status__in=Placement.STARTED_STATUSES, start_on__range=year_range)),
        active=Count("pk", filter=Q(status=Placement.Status.ACTIVE)),
        **per_outcome,
    )
    counts = {"started": row.pop("started"), "active": row.pop("active")}
    if year != today.year:
        counts["active"] = None
    tallies = [
        (value, label, row.pop(f"outcome_{index}")) for index, (value, label) in enumerate(Outcome.choices)
    ]
    outcomes = [(label, n) for value, label, n in sorted(tallies, key=lambda t: (-t[2], t[0])) if n]
    ended = _with_shares(row)
    days = ended.pop("days")
    return {
        "year": year,
        "is_current_year": year == today.year,
        **counts,
        **ended,
        "average_days": round(days.days if hasattr(days, "days") else days) if days else None,
        "outcomes": outcomes,
        "outcome_max": max((n for _, n in outcomes), default=0),
    }


def company_placement_record(*, company_id: int, today: date | None = None) -> dict:
    """A company as a "plantskola": of all its ended placements, how many went into paid work at the end, and
    after 90 days (over those past day 90 with a recorded outcome), in one query."""
    today = today or timezone.localdate()
    finished = Placement.objects.filter(company_id=company_id, status__in=Placement.FINISHED_STATUSES)
    counts = _finished_counts(finished, today)
    counts.pop("days")
    return _with_shares(counts)


def company_placement_records(*, organisation_id: int, year: int, today: date | None = None) -> list[dict]:
    """The same record per company for the placements an organisation referred that ended in `year`, for the
    annual report (one query), companies by name."""
    today = today or timezone.localdate()
    past_90 = Q(ended_on__lte=today - timedelta(days=OUTCOME_FOLLOW_UP_DAYS))
    rows = (
        Placement.objects.filter(
            referring_organisation_id=organisation_id,
            status__in=Placement.FINISHED_STATUSES,
            ended_on__range=(date(year, 1, 1), date(year, 12, 31)),
        )
        .values("company_id", "company__name")
        .annotate(
            ended=Count("pk"),
            employed=Count("pk", filter=Q(outcome__in=EMPLOYMENT_OUTCOMES)),
            employed_at_asf=Count("pk", filter=Q(outcome__in=EMPLOYMENT_OUTCOMES[:2])),
            past_90=Count("pk", filter=past_90),
            followed_90=Count("pk", filter=past_90 & ~Q(outcome_90="")),
            employed_90=Count("pk", filter=past_90 & Q(outcome_90__in=EMPLOYMENT_OUTCOMES)),
        )
        .order_by("company__name", "company_id")
    )
    return [{"company": row.pop("company__name"), **_with_shares(row)} for row in rows]


def participant_page(participant: Participant) -> dict:
    """A participant's page: consents, placements with follow-ups and notes, and per placement and follow-up
    the flags the template shows buttons by (the models' lifecycle methods), in a fixed number of queries."""
    today = timezone.localdate()
    participant = Participant.objects.prefetch_related(
        Prefetch("consents", queryset=Consent.objects.select_related("recorded_by"))
    ).get(pk=participant.pk)
    placements = participant.placements.select_related("company", "offer__work_area").prefetch_related(
        "follow_ups__notes"
    )
    rows = []
    for placement in placements:
        follow_ups = [
            {
                "follow_up": f,
                "is_overdue": f.is_overdue(at=today),
                "can_record": not f.record_blockers(held_on=today, at=today) and f.held_on is None,
                "can_edit": f.held_on is not None and not participant.registration_blockers(),
                "earlier_notes": list(f.notes.all())[1:],
                "in_calendar": f.is_pending,
            }
            for f in placement.follow_ups.all()
        ]
        rows.append(
            {
                "placement": placement,
                "can_start": not placement.start_blockers(at=today),
                "start_blockers": placement.start_blockers(at=today)
                if placement.status == Placement.Status.PLANNED
                else [],
                "can_end": not placement.end_blockers(ended_on=None, at=today),
                "follow_ups": follow_ups,
            }
        )
    return {
        "participant": participant,
        "consents": participant.consents.all(),
        "placements": rows,
        "has_consent": participant.has_valid_consent(),
        "today": today,
    }


def consent_withdraw_preview(participant: Participant) -> dict:
    """What withdrawing the consent will do, for the confirmation page."""
    open_placements = participant.placements.filter(status__in=Placement.OPEN_STATUSES).select_related(
        "company"
    )
    return {
        "to_interrupt": [p for p in open_placements if p.status == Placement.Status.ACTIVE],
        "to_cancel": [p for p in open_placements if p.status == Placement.Status.PLANNED],
        "follow_ups_to_cancel": FollowUp.objects.filter(
            placement__participant=participant, held_on__isnull=True, cancelled_on__isnull=True
        ).count(),
        "has_consent": participant.has_valid_consent(),
    }


# --- The coordinator's caseload: participants and placements, filtered, searched, sorted --------------------------

# Follow-up states a list can be filtered by (CaseloadFilterForm), each a question about a placement's follow-ups
# not yet held or cancelled.
FOLLOW_UP_OVERDUE, FOLLOW_UP_DUE_SOON, FOLLOW_UP_90_DUE, FOLLOW_UP_NONE = (
    "overdue",
    "due_soon",
    "due_90",
    "none",
)
DUE_SOON_DAYS = 14

# Sortable columns: the name in the URL -> the fields, ascending; the primary key breaks ties (core/lists.ordered).
PLACEMENT_SORTS = {
    "start": ("start_on",),
    "end": ("planned_end_on",),
    "code": ("participant__code",),
    "company": ("company__name",),
    "follow_up": ("next_follow_up_on",),
}
PARTICIPANT_SORTS = {
    "code": ("code",),
    "registered": ("created_at",),
    "follow_up": ("next_follow_up_on",),
}


def _open_follow_ups(placement_ref) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(placement=placement_ref, held_on__isnull=True, cancelled_on__isnull=True)


def _filtered_placements(placements: QuerySet[Placement], filters: dict, today: date) -> QuerySet[Placement]:
    """Placements by status, company, a period they overlap (from the start to the end, or the planned end while
    they run) and the state of their follow-ups."""
    if filters.get("status"):
        placements = placements.filter(status=filters["status"])
    if filters.get("company") is not None:
        placements = placements.filter(company=filters["company"])
    if filters.get("period_from"):
        placements = placements.filter(
            Q(ended_on__gte=filters["period_from"])
            | Q(ended_on__isnull=True, planned_end_on__gte=filters["period_from"])
        )
    if filters.get("period_to"):
        placements = placements.filter(start_on__lte=filters["period_to"])
    state = filters.get("follow_up")
    open_ones = _open_follow_ups(OuterRef("pk"))
    if state == FOLLOW_UP_OVERDUE:
        placements = placements.filter(Exists(open_ones.filter(due_on__lt=today)))
    elif state == FOLLOW_UP_DUE_SOON:
        soon = (today, today + timedelta(days=DUE_SOON_DAYS))
        placements = placements.filter(Exists(open_ones.filter(due_on__range=soon)))
    elif state == FOLLOW_UP_90_DUE:
        placements = placements.filter(
            Exists(open_ones.filter(kind=FollowUp.Kind.AFTER_90_DAYS, due_on__lte=today))
        )
    elif state == FOLLOW_UP_NONE:
        placements = placements.filter(~Exists(open_ones))
    return placements


PLACEMENT_FILTERS = ("status", "company", "period_from", "period_to", "follow_up")


def placement_list(*, organisation_id: int, filters: dict, today: date) -> QuerySet[Placement]:
    """The placements an organisation referred (participants not yet anonymised), filtered, searched by
    participant code and sorted, each with its next follow-up due: one query for the page, one for the count."""
    placements = Placement.objects.filter(
        referring_organisation_id=organisation_id, participant__anonymised_at__isnull=True
    )
    placements = _filtered_placements(placements, filters, today)
    if code := (filters.get("q") or "").strip():
        placements = placements.filter(participant__code__icontains=code)
    next_due = _open_follow_ups(OuterRef("pk")).order_by("due_on").values("due_on")[:1]
    placements = placements.select_related("participant", "company", "offer__work_area").annotate(
        next_follow_up_on=Subquery(next_due)
    )
    return ordered(placements, filters.get("sort") or "", PLACEMENT_SORTS, "-start")


def participant_list(*, organisation_id: int, filters: dict, today: date) -> QuerySet[Participant]:
    """An organisation's participants still identifiable, searched by code; the placement filters keep those with
    a placement that matches them all. Each row carries its latest placement (company, status, dates) and the
    next follow-up due, read in the same query."""
    participants = Participant.objects.filter(organisation_id=organisation_id, anonymised_at__isnull=True)
    if code := (filters.get("q") or "").strip():
        participants = participants.filter(code__icontains=code)
    if any(filters.get(name) not in (None, "") for name in PLACEMENT_FILTERS):
        # The matching placements are looked for among those the organisation referred (every placement of its
        # participants: placement_create refers it from the participant's organisation), as a set of participants,
        # so PostgreSQL starts from the few placements that match (one Stockholm's active ones with an overdue
        # follow-up: about a hundred) instead of probing each of the organisation's 7,000 participants in turn
        # (EXPLAIN ANALYZE on the national copy: 34 ms -> 7.5 ms for the count, as much again for the page).
        matching = _filtered_placements(
            Placement.objects.filter(referring_organisation_id=organisation_id), filters, today
        )
        participants = participants.filter(pk__in=matching.values("participant_id"))
    latest = Placement.objects.filter(participant=OuterRef("pk")).order_by("-start_on", "-pk")
    next_due = (
        FollowUp.objects.filter(
            placement__participant=OuterRef("pk"), held_on__isnull=True, cancelled_on__isnull=True
        )
        .order_by("due_on")
        .values("due_on")[:1]
    )
    participants = participants.annotate(
        latest_company=Subquery(latest.values("company__name")[:1]),
        latest_status=Subquery(latest.values("status")[:1]),
        latest_start_on=Subquery(latest.values("start_on")[:1]),
        latest_end_on=Subquery(latest.values("planned_end_on")[:1]),
        next_follow_up_on=Subquery(next_due),
    )
    return ordered(participants, filters.get("sort") or "", PARTICIPANT_SORTS, "code")


def caseload_dataset(organisation_id: int) -> str:
    """The cache dataset of an organisation's caseload filters (the companies it placed at), bumped by every
    saved or deleted placement it referred (apps.py); the companies' names are in the "companies" dataset."""
    return f"caseload:org:{organisation_id}"


def caseload_companies(*, organisation_id: int) -> QuerySet[Company]:
    """The companies the organisation has placed participants at, for the company filter."""
    referred = Placement.objects.filter(referring_organisation_id=organisation_id).values("company_id")
    return Company.objects.filter(pk__in=referred).order_by("name", "pk")


# --- Calendars (issue 15 §2): follow-up meetings as calendar entries -------------------------------------------


def follow_up_calendar_event(follow_up: FollowUp, *, for_company: bool = False) -> CalendarEvent:
    """A follow-up as an all-day entry on its day (it has no time of day). The participant is named by the
    pseudonymous code alone and the entry is private; a cancelled meeting stays, marked cancelled, one SEQUENCE
    higher (a follow-up's day is never moved, only cancelled: placements/services.py)."""
    placement = follow_up.placement
    names = {"code": placement.participant.code, "company": placement.company.name}
    if follow_up.kind == FollowUp.Kind.AFTER_90_DAYS:
        summary = _("Follow-up 90 days after the end: %(code)s (%(company)s)") % names
    else:
        summary = _("Follow-up meeting: %(code)s at %(company)s") % names
    if for_company:
        url = reverse("placements:offer-list")
    else:
        url = (
            reverse("placements:participant-detail", args=[placement.participant_id])
            + f"#placement-{placement.pk}"
        )
    cancelled = follow_up.cancelled_on is not None
    return CalendarEvent(
        kind="follow-up",
        pk=follow_up.pk,
        summary=summary,
        start=follow_up.due_on,
        sequence=int(cancelled),
        last_modified=follow_up.updated_at,
        cancelled=cancelled,
        url=url,
        private=True,
    )


def calendar_events_for(user, window: FeedWindow) -> list[CalendarEvent]:
    """The calendar source of placements (registered in apps.py), one query: a coordinator's organisation's
    follow-ups, or a representative's meetings at their company (the 90-day follow-up is the coordinator's)."""
    follow_ups = FollowUp.objects.filter(due_on__gte=window.start, due_on__lte=window.end)
    company_id = None
    if capabilities.is_coordinator(user):
        follow_ups = follow_ups.filter(placement__referring_organisation_id=user.organisation_id)
    elif (company_id := capabilities.represented_company_id(user)) is not None:
        follow_ups = follow_ups.filter(placement__company_id=company_id, kind=FollowUp.Kind.REGULAR)
    else:
        return []
    follow_ups = follow_ups.select_related("placement__participant", "placement__company").order_by(
        "due_on", "pk"
    )
    return [
        follow_up_calendar_event(follow_up, for_company=company_id is not None)
        for follow_up in follow_ups[: window.limit]
    ]
