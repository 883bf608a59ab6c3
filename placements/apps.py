from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Placements")

    def ready(self):
        from asfportal.core.cache import invalidate_on_change
        from asfportal.core.calendars import register_calendar_source

        from . import selectors
        from .models import Consent, FollowUp, Offer, Participant, Placement

        # The capacity search's cached parts (placements/views.capacity_search).
        invalidate_on_change("placements", [Offer, Placement])
        # The work queues' cached sizes in the header (placements/queue.py, core/queue.py): the referring
        # organisation's and the company's.
        from asfportal.core.queue import bump_on_change

        def of_placement(placement_id):
            row = Placement.objects.filter(pk=placement_id).values("referring_organisation_id", "company_id")
            return [f"queue:org:{r['referring_organisation_id']}" for r in row] + [
                f"queue:company:{r['company_id']}" for r in row
            ]

        bump_on_change(Placement, lambda p: [f"queue:org:{p.referring_organisation_id}",
                                             f"queue:company:{p.company_id}"])  # fmt: skip
        bump_on_change(FollowUp, lambda f: of_placement(f.placement_id))
        bump_on_change(Offer, lambda o: [f"queue:company:{o.company_id}"])
        bump_on_change(Participant, lambda p: [f"queue:org:{p.organisation_id}"])
        bump_on_change(Consent, lambda c: [f"queue:org:{org}" for org in Participant.objects.filter(
            pk=c.participant_id).values_list("organisation_id", flat=True)])  # fmt: skip
        # The caseload lists' cached filters (placements/views.py): the companies an organisation placed at.
        from django.db.models.signals import post_delete, post_save

        from asfportal.core.cache import bump

        def caseload_changed(instance, **kwargs):
            bump(selectors.caseload_dataset(instance.referring_organisation_id))

        post_save.connect(
            caseload_changed, sender=Placement, weak=False, dispatch_uid="caseload-placement-save"
        )
        post_delete.connect(
            caseload_changed, sender=Placement, weak=False, dispatch_uid="caseload-placement-del"
        )
        # Follow-up meetings in the personal calendar feeds: the follow-ups, their placements, participants'
        # codes and companies, and who represents a company.
        from companies.models import Company, Representative

        register_calendar_source(
            selectors.calendar_events_for, models=[FollowUp, Placement, Participant, Company, Representative]
        )
