from django.contrib import admin

from .models import AccessibilityReport, AuditEntry, WorkerHeartbeat


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
