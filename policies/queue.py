"""Work-queue items of policies (core/queue.py) for coordinators: policy reviews due, activities late or at risk
(their traffic light, `Activity.signal`), and last year's annual report while it is not generated.

A samordningsförbund's coordinators also see its interim and annual reports to the board that are due by the
schedule (models.reports.BOARD_REPORT_PERIOD_ENDS) until one is recorded as put before the board (BoardReport)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from asfportal.accounts import capabilities
from asfportal.accounts.models import Organisation, Role
from asfportal.core.queue import QueueItem, QueueKind, queue_provider, register_kinds

from .models import Activity, AnnualReport, BoardReport, Policy
from .reminders import REVIEW_WARNING_DAYS


def _organisation(user):
    return [f"queue:org:{user.organisation_id}"]


REPORTING_KINDS = (Organisation.Kind.KOMMUN, Organisation.Kind.REGION, Organisation.Kind.SAMORDNINGSFORBUND)

register_kinds(
    QueueKind("policies.review", _("Policy reviews due"), order=50),
    QueueKind("policies.activity", _("Activities late or at risk"), order=52),
    QueueKind("policies.annual_report", _("Annual report"), order=54),
    QueueKind("policies.board_report", _("Reports to the board"), order=56),
)


@queue_provider(Role.COORDINATOR, datasets=_organisation)
def coordinator_items(user, *, today: date, now: datetime):
    if not capabilities.is_coordinator(user):
        return
    organisation = user.organisation
    policies = Policy.objects.filter(
        organisation=organisation,
        status=Policy.Status.ADOPTED,
        review_on__lte=today + timedelta(days=REVIEW_WARNING_DAYS),
    ).order_by("review_on", "pk")
    for policy in policies:
        yield QueueItem(
            kind="policies.review",
            what=gettext("Review the policy and set its next review date"),
            whom=policy.title,
            url=reverse("policies:policy-edit", args=[policy.pk]),
            due=policy.review_on,
            overdue=policy.review_due(today=today) and policy.review_on < today,
            action=gettext("Review"),
        )
    activities = (
        Activity.objects.filter(plan__organisation=organisation, start_on__lte=today)
        .exclude(status__in=[Activity.Status.DONE, *Activity.PAUSED])
        .select_related("plan")
        .order_by("end_on", "pk")
    )
    for activity in activities:
        signal = activity.signal(today)
        if signal not in ("late", "at_risk"):
            continue
        yield QueueItem(
            kind="policies.activity",
            what=gettext("The end has passed unfinished: record its progress or status")
            if signal == "late"
            else gettext("Progress lags behind the time: record its progress"),
            whom=activity.title,
            url=reverse("policies:activity-progress", args=[activity.pk]),
            due=activity.end_on,
            overdue=signal == "late",
            action=gettext("Record progress"),
        )
    if organisation.kind in REPORTING_KINDS:
        year = today.year - 1
        if not AnnualReport.objects.filter(
            organisation=organisation,
            year=year,
            status__in=[AnnualReport.Status.QUEUED, AnnualReport.Status.RUNNING, AnnualReport.Status.DONE],
        ).exists():
            yield QueueItem(
                kind="policies.annual_report",
                what=gettext("Generate the annual report for %(year)s") % {"year": year},
                whom=organisation.name,
                url=reverse("policies:reports"),
                due=None,
                action=gettext("Annual reports"),
            )

    if organisation.kind == Organisation.Kind.SAMORDNINGSFORBUND:
        yield from _board_report_items(organisation, today)


def _board_report_items(organisation, today: date):
    periods = BoardReport.periods_due(today=today)
    if not periods:
        return
    done = set(
        BoardReport.objects.filter(
            organisation=organisation, period_end__gte=periods[0][1], period_end__lte=periods[-1][1]
        ).values_list("kind", "period_end")
    )
    for kind, period_end in periods:
        if (kind, period_end) in done:
            continue
        due = BoardReport.due_on(kind, period_end)
        what = (
            gettext("Put the annual report for %(year)s before the board") % {"year": period_end.year}
            if kind == BoardReport.Kind.ANNUAL
            else gettext("Put the interim report for January to %(end)s before the board")
            % {"end": formats.date_format(period_end, "j F Y")}
        )
        yield QueueItem(
            kind="policies.board_report",
            what=what,
            whom=organisation.name,
            url=reverse("policies:board-report-record", args=[kind, period_end.isoformat()]),
            due=due,
            overdue=due < today,
            action=gettext("Record the report"),
        )
