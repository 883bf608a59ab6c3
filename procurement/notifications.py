"""Kinds of notification about tenders."""

from django.utils.translation import gettext_lazy as _

from asfportal.core.notifications import NotificationKind, register_kind

OFFICER, REPRESENTATIVE = "procurement_officer", "company_representative"

for code, label, roles in (
    (
        "procurement.tender_matching",
        _("A new tender matches your services or a saved search"),
        (REPRESENTATIVE,),
    ),
    ("procurement.tender_changed", _("A tender you follow was changed or a question answered"), None),
    ("procurement.tender_awarded", _("A tender you follow was awarded"), None),
    ("procurement.tender_cancelled", _("A tender you follow was cancelled"), None),
    ("procurement.question_asked", _("A supplier asked a question about your tender"), (OFFICER,)),
    ("procurement.tender_closed", _("Your tender closed for answers"), (OFFICER,)),
):
    register_kind(
        NotificationKind(
            code=code, label=label, template=f"procurement/notifications/{code.split('.')[1]}", roles=roles
        )
    )
# The receipt of an answer is the company's proof of what arrived when: always e-mailed at once.
register_kind(
    NotificationKind(
        code="procurement.submission_received",
        label=_("Receipt for your answer to a tender"),
        template="procurement/notifications/submission_received",
        mandatory=True,
    )
)
# The award decision goes to every bidder (LOU 20 kap. 2 §): always e-mailed.
register_kind(
    NotificationKind(
        code="procurement.award_decision",
        label=_("Award decision on a tender you answered"),
        template="procurement/notifications/award_decision",
        mandatory=True,
    )
)
