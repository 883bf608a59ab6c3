from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import AccessibilityReport, AuditEntry, Notification, WorkerHeartbeat


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is evidence and is never edited by hand."""

    list_display = ["at", "action", "object_repr", "actor"]
    list_filter = ["action"]
    search_fields = ["action", "object_repr", "object_id", "actor__email"]
    list_select_related = ["actor"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessibilityReport)
class AccessibilityReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "status", "page_url", "contact_email"]
    list_filter = ["status"]
    search_fields = ["description", "page_url"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["at", "worker", "label"]

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox as administrators see it: what waits, what failed and why, and a way to try again."""

    list_display = [
        "created_at",
        "subject",
        "recipient",
        "kind",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["state", "kind", "channel"]
    search_fields = ["subject", "recipient__email", "key"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Try to e-mail the selected notifications again now"))
    def retry_now(self, request, queryset):
        retried = queryset.filter(state__in=[Notification.State.FAILED, Notification.State.PENDING]).update(
            state=Notification.State.PENDING, attempts=0, next_attempt_at=timezone.now(), lease_until=None
        )
        self.message_user(
            request,
            ngettext(
                "%(count)s notification will be retried.", "%(count)s notifications will be retried.", retried
            )
            % {"count": retried},
            messages.SUCCESS,
        )
