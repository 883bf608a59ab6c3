"""Reads for policy pages: progress rolled up from activities to goals and plans, with traffic lights."""

from __future__ import annotations

import re
from datetime import date

import markdown
import nh3
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from asfportal.accounts import capabilities
from asfportal.accounts.models import Organisation
from asfportal.core.calendars import CalendarEvent, FeedWindow

from .models import ActionPlan, Activity, ContactPerson, PartnerRole, Policy
from .reminders import FORBUND_REPORT_DATES

SIGNAL_ORDER = {"on_track": 0, "at_risk": 1, "late": 2}

_HEADING = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)
# No images at all: an external one would tell another server who reads the policy (and when), and a policy
# attaches its pictures in the PDF.
_POLICY_TAGS = nh3.ALLOWED_TAGS - {"img"}


def render_markdown(text: str) -> str:
    """Markdown to HTML with everything unsafe removed (no script, no event handlers, no javascript: links, no
    images), its headings one level under the page's own h1 (the policy's title), so a "# Heading" cannot add a
    second h1."""
    html = markdown.markdown(text or "", extensions=["sane_lists"])
    html = _HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + 1, 6)}", html)
    return nh3.clean(html, tags=_POLICY_TAGS)


def organisation_page(*, organisation: Organisation) -> dict:
    """The public "Vem kontaktar jag?" page: contacts, partners, adopted policies and plans (4 queries)."""
    return {
        "organisation": organisation,
        "contacts": list(ContactPerson.objects.filter(organisation=organisation)),
        "partners": list(PartnerRole.objects.filter(organisation=organisation).select_related("partner")),
        "policies": list(Policy.objects.filter(organisation=organisation, status=Policy.Status.ADOPTED)),
        "plans": list(ActionPlan.objects.filter(organisation=organisation, adopted_on__isnull=False)),
    }


def _summary(items: list[Activity]) -> tuple[int, str]:
    # Cancelled work does not count towards progress; postponed work counts (it is still to be done), but
    # neither gives the goal a traffic light.
    counting = [a for a in items if a.status != Activity.Status.CANCELLED]
    percent = round(sum(a.percent for a in counting) / len(counting)) if counting else 0
    running = [a for a in counting if a.light in SIGNAL_ORDER]
    paused = counting[0].light if counting else items[0].light if items else "on_track"
    light = max((a.light for a in running), key=SIGNAL_ORDER.get, default=paused)
    return percent, light


def adopted_plans(*, organisation_id: int | None = None):
    """Adopted action plans with their activities, indicators and milestones (5 queries); each plan's progress
    comes from `plan_summary`, the same figures as the plan's public page."""
    plans = ActionPlan.objects.filter(adopted_on__isnull=False).select_related("organisation")
    if organisation_id is not None:
        plans = plans.filter(organisation_id=organisation_id)
    return plans.prefetch_related(
        Prefetch("activities", queryset=Activity.objects.prefetch_related("indicators", "milestones")),
    ).order_by("organisation__name", "-start_year", "pk")


def plan_summary(plan: ActionPlan, *, today: date) -> tuple[int, str]:
    """A plan's progress (%) and traffic light from its prefetched activities (no query)."""
    activities = list(plan.activities.all())
    for activity in activities:
        activity.percent = activity.effective_progress()
        activity.light = activity.signal(today)
    return _summary(activities)


def adopted_policies():
    """Adopted policies with their organisation (2 queries with a page count)."""
    return (
        Policy.objects.filter(status=Policy.Status.ADOPTED)
        .select_related("organisation")
        .order_by("organisation__name", "-adopted_on", "pk")
    )


def organisations_with_contacts():
    """Active organisations with their ASF contact persons (2 queries with a page count)."""
    return (
        Organisation.objects.filter(is_active=True)
        .prefetch_related(
            Prefetch("asf_contacts", queryset=ContactPerson.objects.order_by("responsibility", "name"))
        )
        .order_by("name", "pk")
    )


def plan_progress(*, plan: ActionPlan, today: date) -> dict:
    """Goals with their activities, each with progress and signal; goal and plan progress are averages of the
    activities that count (cancelled ones do not), and a goal's signal is its worst activity's."""
    activities = list(
        plan.activities.select_related("goal", "responsible_organisation").prefetch_related(
            "indicators", "milestones", Prefetch("notes")
        )
    )
    groups: dict[int | None, list[Activity]] = {}
    for activity in activities:
        activity.percent = activity.effective_progress()
        activity.light = activity.signal(today)
        groups.setdefault(activity.goal_id, []).append(activity)

    summary = _summary
    goals = []
    for goal in plan.goals.all():
        items = groups.get(goal.pk, [])
        percent, light = summary(items)
        goals.append({"goal": goal, "activities": items, "percent": percent, "light": light})
    ungrouped = groups.get(None, [])
    ungrouped_percent, _light = summary(ungrouped)
    plan_percent, plan_light = summary(activities)
    return {
        "plan": plan,
        "goals": goals,
        "ungrouped": ungrouped,
        "ungrouped_percent": ungrouped_percent,
        "percent": plan_percent,
        "light": plan_light,
    }


# --- Calendars (issue 15 §2): review dates, activity ends and report dates ----------------------------------


def policy_calendar_event(policy: Policy) -> CalendarEvent:
    """An adopted policy's review date; an archived policy's review will not happen, so it is cancelled."""
    cancelled = policy.status == Policy.Status.ARCHIVED
    return CalendarEvent(
        kind="policy-review",
        pk=policy.pk,
        summary=_("Review the policy: %(title)s") % {"title": policy.title},
        start=policy.review_on,
        sequence=policy.calendar_sequence,
        last_modified=policy.updated_at,
        cancelled=cancelled,
        url=reverse("policies:policy-edit", args=[policy.pk]),
    )


def activity_calendar_event(activity: Activity) -> CalendarEvent:
    """The day an action plan's activity is to be done; a cancelled activity's entry is cancelled."""
    return CalendarEvent(
        kind="activity-end",
        pk=activity.pk,
        summary=_("Activity to be done: %(title)s") % {"title": activity.title},
        start=activity.end_on,
        sequence=activity.calendar_sequence,
        last_modified=activity.updated_at,
        cancelled=activity.status == Activity.Status.CANCELLED,
        url=reverse("policies:activity-progress", args=[activity.pk]),
        description=activity.plan.title,
    )


def forbund_report_events(organisation: Organisation, window: FeedWindow) -> list[CalendarEvent]:
    """A samordningsförbund's reports to its board (Finsam: interim reports after 30 April and 30 September,
    the annual report early in the year), on the days the reminder sweep uses. The days follow from that rule,
    never from a stored record, so they have no LAST-MODIFIED and never move."""
    titles = {
        "interim": _("Time for the samordningsförbund interim report"),
        "annual": _("Time for the samordningsförbund annual report"),
    }
    days = [
        (date(year, month, day), kind)
        for year in range(window.start.year, window.end.year + 1)
        for month, day, kind in FORBUND_REPORT_DATES
    ]
    return [
        CalendarEvent(
            kind="forbund-report",
            pk=f"{organisation.pk}-{day:%Y%m%d}",
            summary=titles[kind],
            start=day,
            url=reverse("policies:steering"),
        )
        for day, kind in sorted(days)
        if window.start <= day <= window.end
    ]


def calendar_events_for(user, window: FeedWindow) -> list[CalendarEvent]:
    """The calendar source of policies (registered in apps.py), two queries: a coordinator's organisation's
    policy reviews and activity ends, and a samordningsförbund's report days."""
    if not capabilities.is_coordinator(user):
        return []
    organisation_id = user.organisation_id
    policies = Policy.objects.filter(
        organisation_id=organisation_id,
        adopted_on__isnull=False,
        review_on__gte=window.start,
        review_on__lte=window.end,
        status__in=[Policy.Status.ADOPTED, Policy.Status.ARCHIVED],
    ).order_by("review_on", "pk")
    activities = (
        Activity.objects.filter(
            plan__organisation_id=organisation_id, end_on__gte=window.start, end_on__lte=window.end
        )
        .select_related("plan")
        .order_by("end_on", "pk")
    )
    events = [policy_calendar_event(policy) for policy in policies[: window.limit]]
    events += [activity_calendar_event(activity) for activity in activities[: window.limit]]
    if user.organisation.kind == Organisation.Kind.SAMORDNINGSFORBUND:
        events += forbund_report_events(user.organisation, window)
    return events
