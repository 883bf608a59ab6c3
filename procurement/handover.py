"""What a procurement officer who leaves hands over (core/handover.py): the organisation's tenders they follow."""

from django.utils.translation import gettext_lazy as _

from asfportal.core.handover import Handover, register_handover

from .services.tenders import tender_watches_hand_over, tender_watches_held

register_handover(
    Handover(
        code="procurement.tender_watches",
        label=_("tenders they follow (questions, changes and the award reach the colleague instead)"),
        run=tender_watches_hand_over,
        count=tender_watches_held,
    )
)
