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
            OcdsRelease,
            Question,
            SavedSearch,
            Submission,
            Tender,
            TenderDocument,
        )

        # The cached tender list, tender pages and OCDS releases (procurement/views.py).
        invalidate_on_change(
            "tenders",
            [Tender, Award, Lot, TenderDocument, Amendment, Question, OcdsRelease],
            m2m=[Tender.municipalities.through, Tender.cpv_codes.through],
        )
        # The work queues' cached sizes in the header (procurement/queue.py, core/queue.py): the buyer's
        # officers', the answering company's, and every representative's matching tenders (shared).
        from asfportal.core.cache import person_changed
        from asfportal.core.queue import bump_on_change

        def buyer(tender_id):
            return [
                f"queue:org:{b}"
                for b in Tender.objects.filter(pk=tender_id).values_list("buyer_id", flat=True)
            ]

        bump_on_change(Tender, lambda t: [f"queue:org:{t.buyer_id}", "queue:tenders"])
        invalidate_on_change(
            "queue:tenders", [], m2m=[Tender.municipalities.through, Tender.cpv_codes.through]
        )
        bump_on_change(Question, lambda q: buyer(q.tender_id))
        bump_on_change(Award, lambda a: buyer(a.tender_id))
        bump_on_change(Submission, lambda s: [*buyer(s.tender_id), f"queue:company:{s.company_id}"])
        bump_on_change(Decline, lambda d: [f"queue:company:{d.company_id}"])
        bump_on_change(SavedSearch, lambda s: person_changed(s.user_id) or [])
