"""Work-queue items of the registry (core/queue.py): for coordinators the companies of their area to assess
(applications, assessments running out, lapsed verifications) and the change requests waiting; for a company's
representative the state of its application, its verification and its change request.

The items ask the models (`assess_blockers`, `decide_blockers`, `status_on`), so an assessed company or a
decided change request leaves the queue. Each provider reads in a fixed number of queries."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from asfportal.accounts import capabilities
from asfportal.accounts.models import Role
from asfportal.accounts.selectors import area_municipality_ids
from asfportal.core.queue import QueueItem, QueueKind, queue_provider, register_kinds

from .models import ChangeRequest, Company

# The registry is national: any company's change may concern any coordinator's area.
SHARED = "queue:companies"


def _shared(user):
    return [SHARED]


def _company(user):
    return [f"queue:company:{capabilities.represented_company_id(user)}"]


def expiry_warning_days() -> int:
    """How far ahead an assessment running out is listed: the earliest reminder (COMPANY_REMINDER_DAYS, 60)."""
    return max(settings.COMPANY_REMINDER_DAYS, default=60)


register_kinds(
    QueueKind("companies.application", _("Applications waiting for assessment"), order=30),
    QueueKind("companies.change_request", _("Change requests waiting"), order=32),
    QueueKind("companies.expiring", _("Assessments running out within 60 days"), order=34),
    QueueKind("companies.recheck", _("Companies to re-check"), order=36),
    QueueKind("companies.my_application", _("Your application"), order=30),
    QueueKind("companies.my_verification", _("Your verification"), order=32),
    QueueKind("companies.my_change_request", _("Your change request"), order=34),
)

WAITING = (Company.Status.APPLIED, Company.Status.UNDER_ASSESSMENT)


@queue_provider(Role.COORDINATOR, datasets=_shared)
def coordinator_items(user, *, today: date, now: datetime):
    if not capabilities.is_coordinator(user):
        return
    area = area_municipality_ids(organisation=user.organisation)
    if not area:
        return
    horizon = today + timedelta(days=expiry_warning_days())
    companies = (
        Company.objects.filter(municipalities__in=area)
        .filter(
            Q(status__in=WAITING)
            | Q(status=Company.Status.VERIFIED, verified_until__lte=horizon)
            | Q(status=Company.Status.LAPSED)
        )
        .distinct()
        .order_by("verified_until", "name", "pk")
    )
    for company in companies:
        if company.assess_blockers():
            continue
        assess = reverse("companies:company-assess", args=[company.pk])
        status = company.status_on(today)
        if company.status in WAITING:
            yield QueueItem(
                kind="companies.application",
                what=gettext("Assess the company against the four ASF criteria"),
                whom=company.name,
                url=assess,
                action=gettext("Assess"),
            )
        elif status == Company.Status.LAPSED:
            yield QueueItem(
                kind="companies.recheck",
                what=gettext("The verification has run out: assess the company again"),
                whom=company.name,
                url=assess,
                due=company.verified_until,
                overdue=True,
                action=gettext("Assess"),
            )
        else:
            yield QueueItem(
                kind="companies.expiring",
                what=gettext("The assessment runs out: assess the company again"),
                whom=company.name,
                url=assess,
                due=company.verified_until,
                action=gettext("Assess"),
            )
    requests = (
        ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING, company__municipalities__in=area)
        .select_related("company")
        .distinct()
        .order_by("created_at", "pk")
    )
    for change_request in requests:
        if change_request.decide_blockers(approve=True, comment=""):
            continue
        yield QueueItem(
            kind="companies.change_request",
            what=gettext("Decide the change request to the company's facts"),
            whom=change_request.company.name,
            url=reverse("companies:change-request-decide", args=[change_request.pk]),
            due=None,
            action=gettext("Decide"),
        )


@queue_provider(Role.COMPANY_REPRESENTATIVE, datasets=_company)
def company_items(user, *, today: date, now: datetime):
    company_id = capabilities.represented_company_id(user)
    if company_id is None:
        return
    # Whether a change request waits, asked in the same query as the company (one query fewer per dashboard).
    pending = ChangeRequest.objects.filter(company_id=OuterRef("pk"), status=ChangeRequest.Status.PENDING)
    company = Company.objects.filter(pk=company_id).annotate(has_pending_request=Exists(pending)).first()
    if company is None or company.is_closed:
        return
    my_company = reverse("companies:my-company")
    if company.status in WAITING:
        yield QueueItem(
            kind="companies.my_application",
            what=gettext(
                "Your application is waiting for a coordinator's assessment; keep the profile current"
            ),
            whom=company.name,
            url=my_company,
            action=gettext("See the profile"),
        )
    status = company.status_on(today)
    if company.verified_until and company.status in (Company.Status.VERIFIED, Company.Status.LAPSED):
        if status == Company.Status.LAPSED:
            yield QueueItem(
                kind="companies.my_verification",
                what=gettext("The verification has run out: contact a coordinator to be assessed again"),
                whom=company.name,
                url=my_company,
                due=company.verified_until,
                overdue=True,
                action=gettext("See the profile"),
            )
        elif company.verified_until <= today + timedelta(days=expiry_warning_days()):
            yield QueueItem(
                kind="companies.my_verification",
                what=gettext("The verification runs out: contact a coordinator to be assessed again"),
                whom=company.name,
                url=my_company,
                due=company.verified_until,
                action=gettext("See the profile"),
            )
    if company.has_pending_request:
        yield QueueItem(
            kind="companies.my_change_request",
            what=gettext("Your change request is waiting for a coordinator's decision"),
            whom=company.name,
            url=reverse("companies:company-facts", args=[company_id]),
            action=gettext("See the request"),
        )
