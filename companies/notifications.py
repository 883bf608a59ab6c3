"""Kinds of notification the ASF registry sends."""

from django.utils.translation import gettext_lazy as _

from asfportal.core.models import Channel
from asfportal.core.notifications import NotificationKind, register_kind

COORDINATOR, REPRESENTATIVE = "coordinator", "company_representative"

register_kind(
    NotificationKind(
        code="companies.invitation",
        label=_("Invitation to act for a company"),
        template="companies/notifications/invitation",
        mandatory=True,
        direct_link=True,
    )
)
register_kind(
    NotificationKind(
        # The public application: the applicant asked to be listed (not invited by anyone).
        code="companies.application_received",
        label=_("Your application to be listed as an ASF"),
        template="companies/notifications/application_received",
        mandatory=True,
        direct_link=True,
    )
)
register_kind(
    NotificationKind(
        code="companies.change_request_submitted",
        label=_("A company asks to change the facts its assessment rests on"),
        template="companies/notifications/change_request_submitted",
        roles=(COORDINATOR,),
    )
)
register_kind(
    NotificationKind(
        code="companies.change_request_decided",
        label=_("A coordinator decided on your change request"),
        template="companies/notifications/change_request_decided",
        roles=(REPRESENTATIVE,),
    )
)
register_kind(
    NotificationKind(
        code="companies.assessment_recorded",
        label=_("Your company was assessed against the ASF criteria"),
        template="companies/notifications/assessment_recorded",
        roles=(REPRESENTATIVE,),
    )
)
register_kind(
    NotificationKind(
        code="companies.assessment_expiring",
        label=_("A company's ASF assessment runs out soon"),
        template="companies/notifications/assessment_expiring",
        roles=(COORDINATOR, REPRESENTATIVE),
        # Coordinators follow many companies: one morning digest; a company should act at once.
        defaults_by_role={COORDINATOR: Channel.DIGEST},
    )
)
register_kind(
    NotificationKind(
        code="companies.assessment_lapsed",
        label=_("A company's ASF assessment has run out"),
        template="companies/notifications/assessment_lapsed",
        roles=(COORDINATOR, REPRESENTATIVE),
    )
)
