from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Procurement")

    def ready(self):
        from asfportal.core.cache import invalidate_on_change

        from .models import Amendment, Award, Lot, OcdsRelease, Question, Tender, TenderDocument

        # The cached tender list, tender pages and OCDS releases (procurement/views.py).
        invalidate_on_change(
            "tenders",
            [Tender, Award, Lot, TenderDocument, Amendment, Question, OcdsRelease],
            m2m=[Tender.municipalities.through, Tender.cpv_codes.through],
        )
