from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Placements")

    def ready(self):
        from asfportal.core.cache import invalidate_on_change
        from asfportal.core.calendars import register_calendar_source

        from . import selectors
        from .models import Offer, Placement

        # The capacity search's cached parts (placements/views.capacity_search).
        invalidate_on_change("placements", [Offer, Placement])
        # Follow-up meetings in the personal calendar feeds.
        register_calendar_source(selectors.calendar_events_for)
