from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Procurement")

    def ready(self):
        from asfportal.core.cache import invalidate_on_change
        from asfportal.core.calendars import register_calendar_source

        from . import selectors
        from .models import Amendment, Award, Lot, Question, Tender, TenderDocument

        # Deadlines of the tenders a person follows (or buys) in their personal calendar feed.
        register_calendar_source(selectors.calendar_events_for)

        # The cached tender list, tender pages and OCDS releases (procurement/views.py).
        invalidate_on_change(
            "tenders",
            [Tender, Award, Lot, TenderDocument, Amendment, Question],
            m2m=[Tender.municipalities.through, Tender.cpv_codes.through],
        )
