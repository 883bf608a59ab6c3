"""Admin for procurement. Submissions are deliberately not registered: answers stay sealed until the deadline
for everyone, administrators included, and are read through the officers' pages after it. Nor do answers show
anywhere else in the admin: not in a deletion summary, and not in the audit trail before the deadline."""

from django.contrib import admin
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asfportal.core.admin import PortalAdmin, hide_audit_entries, unlisted_in_deletions

from .models import Award, CpvCode, Decline, Submission, Tender

unlisted_in_deletions(
    Submission, _("Answers to tenders (not listed: they are read only through the buyer's own pages)")
)
# Who declined to answer is as sealed as who answered (its audit entries are hidden until the deadline too).
unlisted_in_deletions(
    Decline, _("Declined tenders (not listed: they are read only through the buyer's own pages)")
)


@hide_audit_entries
def _entries_of_sealed_answers(entries):
    """Who answered, replaced or declined a tender stays out of the audit trail's pages until its deadline."""
    sealed = Tender.objects.filter(submission_deadline_at__gt=timezone.now()).values(
        key=Cast("pk", output_field=CharField())
    )
    return entries.exclude(
        object_type="procurement.tender", action__startswith="procurement.submission.", object_id__in=sealed
    )


@admin.register(CpvCode)
class CpvCodeAdmin(PortalAdmin):
    list_display = ["code", "label", "is_social_service"]
    search_fields = ["code", "label"]


@admin.register(Tender)
class TenderAdmin(PortalAdmin):
    list_display = ["title", "buyer", "legal_basis", "status", "submission_deadline_at"]
    list_filter = ["status", "legal_basis"]
    search_fields = ["title", "procurement_id"]
    list_select_related = ["buyer"]
    fields = [
        "title",
        "buyer",
        "legal_basis",
        "status",
        "submission_deadline_at",
        "procurement_id",
        "notice_url",
        "audit_trail",
    ]
    readonly_fields = fields

    # A tender is drafted, published, amended, awarded and cancelled only through the officers' pages (the
    # services enforce its lifecycle); the admin reads it.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Award)
class AwardAdmin(PortalAdmin):
    """Read only: an award is made by tender_award, which checks the tender's lifecycle and freezes whether the
    company was verified on the award date (the figure "value awarded to ASF" rests on it)."""

    list_display = ["tender", "company", "value", "awarded_on", "company_was_verified"]
    list_select_related = ["tender", "company"]
    readonly_fields = [
        "tender",
        "lot",
        "company",
        "value",
        "contract_start_on",
        "contract_end_on",
        "awarded_on",
        "company_was_verified",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
