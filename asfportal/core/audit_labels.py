"""What the audit trail's action codes mean, in words an administrator reads ("Upphandling publicerad").

The one place the codes get a label: the administrator's dashboard and the admin's audit pages show `audit_label`;
tests/core/test_audit_labels.py walks every `audit(...)` call of the code base and fails on a code without a label.
The codes themselves stay as they are stored (pretix-style, `app.entity.verb`): they are what a search or a
filter of the trail matches on.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

AUDIT_LABELS = {
    # Accounts
    "accounts.user.created": _("User account created"),
    "accounts.membership.granted": _("Role granted"),
    "accounts.membership.revoked": _("Role revoked"),
    "accounts.membership.activated": _("Switched role"),
    "accounts.api_token.created": _("API key created"),
    "accounts.api_token.revoked": _("API key revoked"),
    "accounts.api_token.used": _("API key used"),
    "accounts.user.language_changed": _("Language changed"),
    "accounts.organisation.reference_loaded": _("Municipalities and regions loaded from reference data"),
    "accounts.introduction.dismissed": _("First-login introduction dismissed"),
    "accounts.sso_login": _("Signed in through the organisation's login"),
    "accounts.sso_user_created": _("Account created at the first sign-in through the organisation's login"),
    "accounts.sso_refused": _("Sign-in through the organisation's login refused"),
    "accounts.two_factor.enabled": _("Two-step verification turned on"),
    "accounts.two_factor.failed": _("Wrong two-step verification code"),
    "accounts.two_factor.recovery_code_used": _("Recovery code used"),
    "accounts.two_factor.recovery_codes_regenerated": _("New recovery codes made"),
    "accounts.two_factor.reset": _("Two-step verification reset"),
    "accounts.invitation.sent": _("Colleague invited"),
    "accounts.invitation.accepted": _("Invitation accepted"),
    "accounts.invitation.withdrawn": _("Invitation withdrawn"),
    "accounts.user.deactivated": _("Person deactivated (left the organisation)"),
    "accounts.access_review.opened": _("Yearly access reviews opened"),
    "accounts.access_review.confirmed": _("Yearly access review confirmed"),
    "accounts.join_application.received": _("Application to join received"),
    "accounts.join_application.approved": _("Application to join approved"),
    "accounts.join_application.refused": _("Application to join refused"),
    # Core
    "core.accessibility_report.created": _("Accessibility problem reported"),
    "core.notification.retried": _("E-mail sent again"),
    "core.notification_preferences.saved": _("Notification settings saved"),
    "core.calendar_feed.created": _("Calendar address made"),
    "core.calendar_feed.renewed": _("Calendar address renewed"),
    "core.calendar_feed.revoked": _("Calendar address turned off"),
    # Companies
    "companies.representative.invited_by_colleague": _("Colleague invited to represent the company"),
    "companies.representative.removed": _("Colleague removed from the company"),
    "companies.assessment.recorded": _("Criteria assessment recorded"),
    "companies.change_request.submitted": _("Change request sent"),
    "companies.change_request.approved": _("Change request approved"),
    "companies.change_request.rejected": _("Change request rejected"),
    "companies.company.applied": _("Enterprise applied to the registry"),
    "companies.company.closed": _("Enterprise closed"),
    "companies.company.contacts_updated": _("Enterprise contact details updated"),
    "companies.company.imported": _("Enterprise imported"),
    "companies.company.lapsed": _("Enterprise's verification lapsed"),
    "companies.company.profile_updated": _("Enterprise profile updated"),
    "companies.company.registered": _("Enterprise registered"),
    "companies.representative.activated": _("Representative activated"),
    "companies.representative.connected": _("Representative connected to an enterprise"),
    "companies.representative.invited": _("Representative invited"),
    # Procurement
    "procurement.award.signed": _("Contract signed"),
    "procurement.tender.unwatched": _("Stopped following a tender"),
    "procurement.question.answered": _("Question answered"),
    "procurement.question.asked": _("Question asked"),
    "procurement.saved_search.created": _("Saved search created"),
    "procurement.saved_search.deleted": _("Saved search deleted"),
    "procurement.submission.declined": _("Declined to submit a tender"),
    "procurement.submission.replaced": _("Tender submission replaced"),
    "procurement.submission.submitted": _("Tender submission sent"),
    "procurement.tender.amended": _("Tender amended"),
    "procurement.tender.awarded": _("Tender awarded"),
    "procurement.tender.cancelled": _("Tender cancelled"),
    "procurement.tender.closed": _("Tender closed"),
    "procurement.tender.document_added": _("Tender document added"),
    "procurement.tender.draft_saved": _("Tender draft saved"),
    "procurement.tender.imported": _("Tender imported from a notice"),
    "procurement.tender.published": _("Tender published"),
    "procurement.tender.watched": _("Tender followed"),
    "procurement.tender.watches_handed_over": _("Followed tenders handed over to a colleague"),
    # Placements
    "placements.consent.withdrawn": _("Consent withdrawn"),
    "placements.consent.renewed": _("New consent recorded"),
    "placements.follow_up.edited": _("Follow-up changed"),
    "placements.follow_up.recorded": _("Follow-up recorded"),
    "placements.offer.saved": _("Work-training place saved"),
    "placements.participant.erased": _("Participant erased"),
    "placements.participant.registered": _("Participant registered"),
    "placements.participants.anonymised": _("Participants anonymised"),
    "placements.placement.created": _("Placement created"),
    "placements.placement.started": _("Placement started"),
    "placements.placement.sus_registered": _("Registration in SUS recorded"),
    "placements.placement.sus_deregistered": _("De-registration from SUS recorded"),
    "placements.placement.ended": _("Placement ended"),
    "placements.placement.interrupted": _("Placement interrupted"),
    # Policies
    "policies.activity.deleted": _("Activity deleted"),
    "policies.board_report.recorded": _("Report to the board recorded"),
    "policies.activity.followup_saved": _("Activity follow-up saved"),
    "policies.activity.progress": _("Activity progress reported"),
    "policies.activity.saved": _("Activity saved"),
    "policies.contact.deleted": _("Contact person deleted"),
    "policies.contact.saved": _("Contact person saved"),
    "policies.contract_total.saved": _("Contract total saved"),
    "policies.goal.deleted": _("Goal deleted"),
    "policies.goal.renamed": _("Goal renamed"),
    "policies.plan.saved": _("Action plan saved"),
    "policies.policy.saved": _("Policy saved"),
    "policies.report.generated": _("Annual report generated"),
    "policies.report.requested": _("Annual report requested"),
}

# Changes made by hand in the admin (core/admin.py PortalAdminMixin): `<app>.<model>.admin_<verb>`, one per model.
ADMIN_VERBS = {
    "admin_added": _("Added in the administration: %(model)s"),
    "admin_changed": _("Changed in the administration: %(model)s"),
    "admin_deleted": _("Deleted in the administration: %(model)s"),
}


def audit_label(code: str) -> str:
    """The readable name of an action code; an unknown code shows as it is (never hidden, never an error)."""
    if code in AUDIT_LABELS:
        return str(AUDIT_LABELS[code])
    model_label, _dot, verb = code.rpartition(".")
    if verb in ADMIN_VERBS:
        try:
            model = apps.get_model(model_label)
        except (LookupError, ValueError):
            return code
        return str(ADMIN_VERBS[verb]) % {"model": model._meta.verbose_name}
    return code
