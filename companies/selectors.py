"""Reads of the ASF registry, each shaped for one page in a fixed number of queries."""

from __future__ import annotations

import itertools
from datetime import date

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from asfportal.accounts.models import Membership, Organisation, Role
from asfportal.accounts.selectors import people_with_role
from asfportal.core.models import AuditEntry

from .models import SEARCH_VECTOR, Assessment, ChangeRequest, Company, ServiceCategory
from .search import Folded, fold
from .validators import org_number_search_form


def _search(companies: QuerySet[Company], text: str) -> QuerySet[Company]:
    """Companies whose name, description, city or services hold the text whatever its case and accents ("kafe"
    finds "Kafé", "STÄD" finds "Städ"), or whose organisation number it is, in any accepted form."""
    text = text.strip()
    if not text:
        return companies
    folded = fold(text)
    categories = ServiceCategory.objects.alias(sv=Folded("name"), en=Folded("name_en")).filter(
        Q(sv__contains=folded) | Q(en__contains=folded)
    )
    matches = Q(folded_name__contains=folded) | Q(folded_description__contains=folded)
    matches |= Q(folded_city__contains=folded) | Q(service_categories__in=categories)
    if number := org_number_search_form(text):
        matches |= Q(org_number__startswith=number)
    if connection.vendor == "postgresql":
        # Swedish stemming as well: "städning" finds "städ", "flyttar" finds "flytt". The vector is exactly the
        # expression of the GIN index company_search_idx (companies/models), so PostgreSQL reads the index.
        query = SearchQuery(text, config="swedish", search_type="websearch")
        matches |= Q(pk__in=Company.objects.annotate(search=SEARCH_VECTOR).filter(search=query).values("pk"))
    found = Company.objects.alias(
        folded_name=Folded("name"), folded_description=Folded("description"), folded_city=Folded("city")
    ).filter(matches)
    return companies.filter(pk__in=found.values("pk"))


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
        Prefetch("municipalities", queryset=Organisation.objects.only("pk", "name", "code").order_by("name")),
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


def registry_list(
    *, status: str = "", text: str = "", municipality=None, category=None, legal_form: str = "",
    has_places: bool = False,
) -> QuerySet[Company]:  # fmt: skip
    """Every company a coordinator may see, with the date of its latest assessment and the status a reader must
    see today (a verification that ran out yesterday is lapsed, whether or not the nightly job has run), with the
    directory's filters."""
    latest = Assessment.objects.filter(company=OuterRef("pk")).order_by("-assessed_on", "-pk")
    companies = Company.objects.with_status_today().annotate(
        last_assessed_on=Subquery(latest.values("assessed_on")[:1])
    )
    if status:
        companies = companies.filter(status_today=status)
    if municipality is not None:
        companies = companies.filter(municipalities=municipality)
    if category is not None:
        companies = companies.filter(service_categories=category)
    if legal_form:
        companies = companies.filter(legal_form=legal_form)
    if has_places:
        companies = companies.filter(work_training_places__gt=0)
    return (
        _search(companies, text)
        .prefetch_related(
            Prefetch("municipalities", queryset=Organisation.objects.only("pk", "name").order_by("name"))
        )
        .order_by("name", "pk")
    )


def company_unlisted_notice(*, pk: int) -> Company | None:
    """A company that was once verified and is no longer listed (lapsed, closed, or reassessed), for the public
    page that says so instead of a bare 404; None for one that was never public (an application, say)."""
    return (
        Company.objects.exclude(pk__in=Company.objects.listed().values("pk"))
        .filter(pk=pk, assessments__is_verified=True)
        .only("pk", "name", "status", "verified_until")
        .first()
    )


def application_status(*, company_id: int | None) -> Company | None:
    """The representative's company with its latest assessment, for the status on their dashboard."""
    if company_id is None:
        return None
    latest = Assessment.objects.filter(company=OuterRef("pk")).order_by("-assessed_on", "-pk")
    return (
        Company.objects.filter(pk=company_id)
        .annotate(last_assessed_on=Subquery(latest.values("assessed_on")[:1]))
        .first()
    )


def company_management(*, company: Company) -> dict:
    """The coordinator's view of one company: assessments, change requests, representatives, and one change
    history of its facts (django-simple-history), its contact persons and its assessments (the audit trail)."""
    history = list(
        company.history.select_related("history_user").order_by("-history_date", "-history_id")[:50]
    )
    entries = []
    fields = {f.name: f for f in Company._meta.fields}
    for newer, older in itertools.pairwise(history):
        delta = newer.diff_against(older)
        readable = [
            _("%(field)s: %(old)s → %(new)s")
            % {
                "field": capfirst(fields[c.field].verbose_name),
                "old": _display(fields[c.field], c.old),
                "new": _display(fields[c.field], c.new),
            }
            for c in delta.changes
            if c.field in fields
        ]
        if readable:
            entries.append({"at": newer.history_date, "by": _person(newer.history_user), "changes": readable})
    if history:
        first = history[-1]
        entries.append(
            {"at": first.history_date, "by": _person(first.history_user), "changes": [_("Created")]}
        )
    trail = AuditEntry.objects.filter(
        object_type=Company._meta.label_lower,
        object_id=str(company.pk),
        action__in=["companies.company.contacts_updated", "companies.assessment.recorded"],
    ).select_related("actor")[:50]
    for entry in trail:
        entries.append({"at": entry.at, "by": _person(entry.actor), "changes": _audit_changes(entry)})
    entries.sort(key=lambda e: e["at"], reverse=True)
    return {
        "assessments": list(
            company.assessments.select_related("assessed_by", "assessor_organisation").order_by(
                "-assessed_on", "-pk"
            )
        ),
        "change_requests": list(company.change_requests.select_related("requested_by", "decided_by")),
        # Everyone holding the company's representative membership, whichever they act in now (invited too).
        "representatives": list(
            people_with_role(Role.COMPANY_REPRESENTATIVE, company_ids=[company.pk], include_invited=True)
        ),
        "history": entries,
    }


def _display(field, value):
    """A history value as people read it: the label of a choice, yes or no for a flag, a dash for nothing."""
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "\u2013" if value in (None, "") else value


def _person(user) -> str:
    return user.full_name or user.email if user is not None else ""


def _audit_changes(entry: AuditEntry) -> list[str]:
    data = entry.data
    if entry.action == "companies.company.contacts_updated":
        lines = []
        if data.get("added"):
            lines.append(_("Contact persons added: %(names)s") % {"names": ", ".join(data["added"])})
        if data.get("removed"):
            lines.append(_("Contact persons removed: %(names)s") % {"names": ", ".join(data["removed"])})
        return lines or [_("Contact persons updated")]
    verdicts = dict(Assessment.Verdict.choices)
    criteria = "; ".join(
        _("criterion %(n)s: %(verdict)s") % {"n": n, "verdict": str(verdicts.get(v, v)).lower()}
        for n, v in sorted((data.get("verdicts") or {}).items())
    )
    outcome = (
        _("verified until %(date)s") % {"date": data["valid_until"]}
        if data.get("verified") and data.get("valid_until")
        else _("not verified")
    )
    return [
        _("Assessment dated %(date)s: %(criteria)s; %(outcome)s")
        % {"date": data.get("assessed_on", ""), "criteria": criteria, "outcome": outcome}
    ]


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


def company_people(*, company_id: int):
    """The company's current representatives with when they joined and last signed in (one query)."""
    return (
        Membership.objects.current()
        .filter(company_id=company_id, role=Role.COMPANY_REPRESENTATIVE)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
