"""Reads for placements pages and figures, in a fixed number of queries, aggregated in the database."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from companies.models import Company

from .models import EMPLOYMENT_OUTCOMES, Offer, Outcome, Placement


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


def placement_figures(
    *, organisation_id: int | None = None, company_id: int | None = None, year: int
) -> dict:
    """Placements started, active and ended in a year; time in placement; outcomes; share into work (4 queries)."""
    placements = Placement.objects.all()
    if organisation_id is not None:
        placements = placements.filter(referring_organisation_id=organisation_id)
    if company_id is not None:
        placements = placements.filter(company_id=company_id)
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    finished = placements.filter(status__in=[Placement.Status.ENDED, Placement.Status.INTERRUPTED],
                                 ended_on__range=(year_start, year_end))  # fmt: skip
    counts = placements.aggregate(
        started=Count("pk", filter=Q(start_on__range=(year_start, year_end))),
        active=Count("pk", filter=Q(status=Placement.Status.ACTIVE)),
    )
    ended = finished.aggregate(
        ended=Count("pk"),
        employed=Count("pk", filter=Q(outcome__in=EMPLOYMENT_OUTCOMES)),
        employed_at_asf=Count("pk", filter=Q(outcome__in=EMPLOYMENT_OUTCOMES[:2])),
        followed_90=Count("pk", filter=~Q(outcome_90="")),
        employed_90=Count("pk", filter=Q(outcome_90__in=EMPLOYMENT_OUTCOMES)),
        days=Avg(ExpressionWrapper(F("ended_on") - F("start_on"), output_field=DurationField())),
    )
    labels = dict(Outcome.choices)
    outcomes = [
        (labels[row["outcome"]], row["n"])
        for row in finished.values("outcome").annotate(n=Count("pk")).order_by("-n", "outcome")
    ]
    days = ended["days"]
    return {
        "year": year,
        **counts,
        **ended,
        "average_days": round(days.days if hasattr(days, "days") else (days or 0)) if days else None,
        "employment_share": round(100 * ended["employed"] / ended["ended"]) if ended["ended"] else None,
        "employment_share_90": round(100 * ended["employed_90"] / ended["followed_90"])
        if ended["followed_90"]
        else None,
        "outcomes": outcomes,
        "outcome_max": max((n for _, n in outcomes), default=0),
    }
