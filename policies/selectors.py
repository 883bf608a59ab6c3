"""Reads for policy pages: progress rolled up from activities to goals and plans, with traffic lights."""

from __future__ import annotations

from datetime import date

import markdown
import nh3
from django.db.models import Prefetch

from asfportal.accounts.models import Organisation

from .models import ActionPlan, Activity, ContactPerson, PartnerRole, Policy

SIGNAL_ORDER = {"on_track": 0, "at_risk": 1, "late": 2}


def render_markdown(text: str) -> str:
    """Markdown to HTML with everything unsafe removed (no script, no event handlers, no javascript: links)."""
    return nh3.clean(markdown.markdown(text or "", extensions=["sane_lists"]))


def organisation_page(*, organisation: Organisation) -> dict:
    """The public "Vem kontaktar jag?" page: contacts, partners, adopted policies and plans (4 queries)."""
    return {
        "organisation": organisation,
        "contacts": list(ContactPerson.objects.filter(organisation=organisation)),
        "partners": list(PartnerRole.objects.filter(organisation=organisation).select_related("partner")),
        "policies": list(Policy.objects.filter(organisation=organisation, status=Policy.Status.ADOPTED)),
        "plans": list(ActionPlan.objects.filter(organisation=organisation, adopted_on__isnull=False)),
    }


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

    def summary(items: list[Activity]) -> tuple[int, str]:
        counting = [a for a in items if a.status != Activity.Status.CANCELLED]
        percent = round(sum(a.percent for a in counting) / len(counting)) if counting else 0
        light = max((a.light for a in counting), key=SIGNAL_ORDER.get, default="on_track")
        return percent, light

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
