from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Procurement")

    def ready(self):
        from asfportal.core.cache import invalidate_on_change

        from .models import (
            Amendment,
            Award,
            Decline,
            Lot,
            Question,
            SavedSearch,
            Submission,
            Tender,
            TenderDocument,
        )

        # The cached tender list, tender pages and OCDS releases (procurement/views.py).
        invalidate_on_change(
            "tenders",
            [Tender, Award, Lot, TenderDocument, Amendment, Question],
            m2m=[Tender.municipalities.through, Tender.cpv_codes.through],
        )
        # The work queues' cached sizes in the header (procurement/queue.py, core/queue.py).
        invalidate_on_change(
            "queue:procurement",
            [Tender, Question, Submission, Decline, SavedSearch, Award],
            m2m=[Tender.municipalities.through, Tender.cpv_codes.through],
        )
