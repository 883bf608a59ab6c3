from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Procurement")

    def ready(self):
        # Deadlines of the tenders a person follows (or buys) in their personal calendar feed: the tenders,
        # their amendments (SEQUENCE), awards and buyers, and who follows them (watches, submissions, the
        # company's representatives).
        from asfportal.accounts.models import Membership, Organisation, User
        from asfportal.core.cache import bump, invalidate_on_change
        from asfportal.core.calendars import register_calendar_source
        from asfportal.core.calendars.events import FEED_DATASET
        from companies.models import Company, Representative

        from . import selectors
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
            Watch,
        )

        register_calendar_source(
            selectors.calendar_events_for,
            models=[
                Tender,
                Amendment,
                Award,
                Watch,
                Submission,
                Organisation,
                Company,
                Membership,
                Representative,
            ],
        )

        def user_saved(sender, instance, update_fields=None, **kwargs):
            # A colleague deactivated takes their watches out of the company's feeds; a sign-in (last_login
            # alone) changes nothing a feed shows.
            if update_fields is None or set(update_fields) - {"last_login"}:
                bump(FEED_DATASET)

        from django.db.models.signals import post_save

        post_save.connect(user_saved, sender=User, weak=False, dispatch_uid="procurement.calendar-user")

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
