from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Procurement")

    def ready(self):
        from asfportal.core.cache import invalidate_on_change

        from .models import Award, Tender

        # The public tender list's cached parts (procurement/views.tender_list).
        invalidate_on_change(
            "tenders", [Tender, Award], m2m=[Tender.municipalities.through, Tender.cpv_codes.through]
        )
