from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Placements")

    def ready(self):
        from asfportal.core.cache import invalidate_on_change

        from .models import Consent, FollowUp, Offer, Participant, Placement

        # The capacity search's cached parts (placements/views.capacity_search).
        invalidate_on_change("placements", [Offer, Placement])
        # The work queues' cached sizes in the header (placements/queue.py, core/queue.py).
        invalidate_on_change("queue:placements", [Offer, Placement, FollowUp, Consent, Participant])
