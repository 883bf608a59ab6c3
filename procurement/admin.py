"""Admin for procurement. Submissions are deliberately not registered: answers stay sealed until the deadline
for everyone, administrators included, and are read through the officers' pages after it."""

from django.contrib import admin

from .models import Award, CpvCode, Tender


@admin.register(CpvCode)
class CpvCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "is_social_service"]
    search_fields = ["code", "label"]


@admin.register(Tender)
class TenderAdmin(admin.ModelAdmin):
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
    ]
    readonly_fields = fields


admin.site.register(Award)
