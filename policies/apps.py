from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Policies")

    def ready(self):
        from asfportal.core.calendars import register_calendar_source

        from . import selectors

        # Review dates, activity ends and report days in the coordinators' calendar feeds.
        register_calendar_source(selectors.calendar_events_for)
