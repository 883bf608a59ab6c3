from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Policies")

    def ready(self):
        from asfportal.accounts.models import Organisation
        from asfportal.core.cache import invalidate_on_change
        from asfportal.core.calendars import register_calendar_source
        from asfportal.core.queue import bump_on_change

        from . import selectors
        from .models import (
            ActionPlan,
            Activity,
            AnnualReport,
            BoardReport,
            ContactPerson,
            Goal,
            Indicator,
            Milestone,
            Policy,
        )

        # Review dates, activity ends and report days in the coordinators' calendar feeds.
        register_calendar_source(
            selectors.calendar_events_for, models=[Policy, ActionPlan, Activity, Organisation]
        )

        # The open API's cached public lists of organisations' contacts, policies and plans (policies/api.py).
        invalidate_on_change(
            "steering", [Policy, ActionPlan, Goal, Activity, Indicator, Milestone, ContactPerson]
        )

        # The work queues' cached sizes in the header (policies/queue.py, core/queue.py): the organisation's.
        def of_plan(plan_id):
            return [f"queue:org:{o}" for o in ActionPlan.objects.filter(pk=plan_id).values_list(
                "organisation_id", flat=True)]  # fmt: skip

        bump_on_change(Policy, lambda p: [f"queue:org:{p.organisation_id}"])
        bump_on_change(AnnualReport, lambda r: [f"queue:org:{r.organisation_id}"])
        bump_on_change(Activity, lambda a: of_plan(a.plan_id))
        # A report to the board recorded takes its item out of the queue (and the coordinator's dashboard keeps
        # the whole queue under these versions, core/queue.work_queue_cached).
        bump_on_change(BoardReport, lambda r: [f"queue:org:{r.organisation_id}"])
