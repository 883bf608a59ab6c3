"""Kinds of notification about placements: reminders to the referring organisation's coordinators, and of
follow-up meetings also to the company's representatives."""

from django.utils.translation import gettext_lazy as _

from asfportal.core.notifications import NotificationKind, register_kind

for code, label in (
    ("placements.follow_up_due", _("A follow-up meeting is due")),
    ("placements.end_approaching", _("A placement ends soon")),
    ("placements.outcome_missing", _("A placement passed its planned end without an outcome")),
    ("placements.follow_up_90_due", _("The follow-up 90 days after a placement is due")),
    ("placements.sus_registration", _("Register a participant in or out of the SUS follow-up")),
):
    register_kind(
        NotificationKind(
            code=code,
            label=label,
            template=f"placements/notifications/{code.split('.')[1]}",
            roles=("coordinator", "company_representative")
            if code == "placements.follow_up_due"
            else ("coordinator",),
        )
    )
