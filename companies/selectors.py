"""Reads of the ASF registry, each shaped for one page in a fixed number of queries."""

from __future__ import annotations

import itertools
from datetime import date

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from asfportal.accounts.models import Organisation

from .models import SEARCH_VECTOR, Assessment, ChangeRequest, Company, ServiceCategory


def _search(companies: QuerySet[Company], text: str) -> QuerySet[Company]:
    text = text.strip()
    if not text:
        return companies
    categories = Company.service_categories.through.objects.filter(servicecategory__name__icontains=text)
    if connection.vendor == "postgresql":
        # Swedish stemming: "städning" finds "städ", "flyttar" finds "flytt". The vector is exactly the expression
        # of the GIN index company_search_idx (companies/models.py), so PostgreSQL reads the index instead of
        # stemming every company on each search (make bench: 140 ms -> a few ms with 3,000 companies).
        query = SearchQuery(text, config="swedish", search_type="websearch")
        matching = Company.objects.annotate(search=SEARCH_VECTOR).filter(search=query).values("pk")
        return companies.filter(
            Q(pk__in=matching) | Q(name__icontains=text) | Q(pk__in=categories.values("company_id"))
        )
    return companies.filter(
        Q(name__icontains=text) | Q(description__icontains=text) | Q(pk__in=categories.values("company_id"))
    )


def directory_list(
    *, text: str = "", municipality=None, category=None, legal_form: str = "", has_places: bool = False
) -> QuerySet[Company]:
    """Verified companies for the public directory, with their municipalities and services prefetched."""
    companies = Company.objects.listed()
    if municipality is not None:
        companies = companies.filter(municipalities=municipality)
    if category is not None:
        companies = companies.filter(service_categories=category)
    if legal_form:
        companies = companies.filter(legal_form=legal_form)
    if has_places:
        companies = companies.filter(work_training_places__gt=0)
    companies = _search(companies, text)
    return companies.prefetch_related(
        Prefetch("municipalities", queryset=Organisation.objects.only("pk", "name").order_by("name")),
        Prefetch("service_categories", queryset=ServiceCategory.objects.order_by("name")),
    ).order_by("name", "pk")


def company_page(*, company: Company) -> dict:
    """Everything the company page shows."""
    company = (
        Company.objects.filter(pk=company.pk)
        .prefetch_related("municipalities", "service_categories", "contacts")
        .get()
    )
    latest = (
        Assessment.objects.filter(company=company)
        .select_related("assessor_organisation")
        .order_by("-assessed_on", "-pk")
        .first()
    )
    return {"company": company, "latest_assessment": latest}


def registry_list(*, status: str = "", text: str = "") -> QuerySet[Company]:
    """Every company a coordinator may see, with the date of its latest assessment, for the registry page."""
    latest = Assessment.objects.filter(company=OuterRef("pk")).order_by("-assessed_on", "-pk")
    companies = Company.objects.annotate(last_assessed_on=Subquery(latest.values("assessed_on")[:1]))
    if status:
        companies = companies.filter(status=status)
    return (
        _search(companies, text)
        .prefetch_related(
            Prefetch("municipalities", queryset=Organisation.objects.only("pk", "name").order_by("name"))
        )
        .order_by("name", "pk")
    )


def company_management(*, company: Company) -> dict:
    """The coordinator's view of one company: assessments, change requests, representatives, history."""
    history = list(
        company.history.select_related("history_user").order_by("-history_date", "-history_id")[:50]
    )
    changes = []
    fields = {f.name: f for f in Company._meta.fields}
    for newer, older in itertools.pairwise(history):
        delta = newer.diff_against(older)
        readable = [
            {
                "field": fields[c.field].verbose_name,
                "old": _display(fields[c.field], c.old),
                "new": _display(fields[c.field], c.new),
            }
            for c in delta.changes
            if c.field in fields
        ]
        changes.append({"record": newer, "changes": readable})
    if history:
        changes.append({"record": history[-1], "changes": []})
    return {
        "assessments": list(
            company.assessments.select_related("assessed_by", "assessor_organisation").order_by(
                "-assessed_on", "-pk"
            )
        ),
        "change_requests": list(company.change_requests.select_related("requested_by", "decided_by")),
        "representatives": list(company.representatives.select_related("user")),
        "history": changes,
    }


def _display(field, value):
    """A history value as people read it: the label of a choice, yes/no for a flag."""
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return value


def change_request_queue() -> QuerySet[ChangeRequest]:
    return (
        ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING)
        .select_related("company", "requested_by")
        .order_by("created_at")
    )


def asf_figures(
    *, municipality_ids: list[int], assessor_organisation_id: int, year: int, as_of: date
) -> dict:
    """ASF operating in the given municipalities during a year, for the annual report (2 queries).

    A company counts as verified when its latest assessment on or before `as_of` (the year's last day, or today
    for the current year) is verified and still valid then; lapsed when that verification ran out within the year;
    new when its first verified assessment fell in the year; closed when it was closed within the year (from the
    company's history). Closed companies count as closed only, not as verified or lapsed.
    """
    year_start = date(year, 1, 1)
    latest = Assessment.objects.filter(company=OuterRef("pk"), assessed_on__lte=as_of).order_by(
        "-assessed_on", "-pk"
    )
    first_verified = Assessment.objects.filter(company=OuterRef("pk"), is_verified=True).order_by(
        "assessed_on"
    )
    closed_at = Company.history.filter(id=OuterRef("pk"), status=Company.Status.CLOSED).order_by(
        "history_date"
    )
    in_area = Company.municipalities.through.objects.filter(organisation_id__in=municipality_ids)
    companies = Company.objects.filter(pk__in=in_area.values("company_id")).annotate(
        covered_until=Subquery(latest.values("valid_until")[:1]),
        first_verified_on=Subquery(first_verified.values("assessed_on")[:1]),
        closed_at=Subquery(closed_at.values("history_date")[:1]),
    )
    open_then = Q(closed_at__isnull=True) | Q(closed_at__date__gt=as_of)
    figures = companies.aggregate(
        total=Count("pk"),
        verified=Count("pk", filter=open_then & Q(covered_until__gte=as_of)),
        lapsed=Count("pk", filter=open_then & Q(covered_until__gte=year_start, covered_until__lt=as_of)),
        new=Count("pk", filter=Q(first_verified_on__year=year)),
        closed=Count("pk", filter=Q(closed_at__date__gte=year_start, closed_at__date__lte=as_of)),
    )
    figures.update(
        Assessment.objects.filter(
            assessor_organisation_id=assessor_organisation_id, assessed_on__year=year
        ).aggregate(assessments=Count("pk"), assessments_verified=Count("pk", filter=Q(is_verified=True)))
    )
    return figures
