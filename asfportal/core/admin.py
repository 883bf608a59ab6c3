"""The core's admin pages (the audit trail, the outbox, accessibility reports, heartbeats) and what every admin page
of the project shares: changes made in the admin reach the audit trail, and sealed records never show."""

import json

from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects, unquote
from django.core.exceptions import ValidationError
from django.db import router
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .audit import audit, hide_audit_entries, visible_audit_entries  # noqa: F401 - apps register through here
from .audit_labels import audit_label
from .models import AccessibilityReport, AuditEntry, Notification, WorkerHeartbeat

# Records that stay out of every admin page while they are secret. The core cannot import the apps (they import
# it), so an app registers what it seals: procurement registers answers to tenders, sealed until the deadline.
_UNLISTED_IN_DELETIONS: dict[str, str] = {}


def unlisted_in_deletions(model: type[Model], note: str) -> None:
    """Never list rows of `model` when the admin summarises what a deletion touches; show `note` instead."""
    _UNLISTED_IN_DELETIONS[model._meta.label_lower] = note


class PortalAdminMixin:
    """For every ModelAdmin of the project.

    - Each addition, change and deletion made in the admin is an audit entry too (`<model>.admin_added` …), with
      the admin's own change message (field names, not values), in the same transaction as the change.
    - The deletion summary ("these related objects would be deleted / protect it") never names an unlisted
      record, such as an answer to a tender: who answered is as sealed as what they answered.
    - `audit_trail` is a read-only field linking an object to its entries in the audit trail.
    """

    def log_addition(self, request, obj, message):
        audit(request.user, f"{obj._meta.label_lower}.admin_added", obj, change=_plain(message))
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit(request.user, f"{obj._meta.label_lower}.admin_changed", obj, change=_plain(message))
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit(request.user, f"{obj._meta.label_lower}.admin_deleted", obj)
        return super().log_deletions(request, queryset)

    def get_deleted_objects(self, objs, request):
        to_delete, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if not _UNLISTED_IN_DELETIONS:
            return to_delete, counts, perms_needed, protected
        collector = NestedObjects(using=router.db_for_write(self.model))
        collector.collect(objs)
        hidden = [
            obj
            for obj in [*collector.protected, *(o for found in collector.data.values() for o in found)]
            if obj._meta.label_lower in _UNLISTED_IN_DELETIONS
        ]
        if not hidden:
            return to_delete, counts, perms_needed, protected
        # Django's own wording of an entry without a link (admin.utils.get_deleted_objects), matched exactly.
        texts = {f"{capfirst(obj._meta.verbose_name)}: {obj}" for obj in hidden}
        notes = list(dict.fromkeys(_UNLISTED_IN_DELETIONS[obj._meta.label_lower] for obj in hidden))
        for obj in hidden:
            counts.pop(obj._meta.verbose_name_plural, None)
        protected = [entry for entry in protected if str(entry) not in texts]
        if any(obj in collector.protected for obj in hidden):
            protected += notes  # still refused: the deletion must not go ahead as if nothing protected it
        return _without(to_delete, texts), counts, perms_needed, protected

    def history_view(self, request, object_id, extra_context=None):
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            # A malformed id gets the admin's "does not exist" answer, as on the change page; simple-history's
            # history page (companies) would otherwise fail on it with a server error.
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        return super().history_view(request, object_id, extra_context)

    @admin.display(description=_("audit trail"))
    def audit_trail(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        label = obj._meta.label_lower
        count = visible_audit_entries().filter(object_type=label, object_id=str(obj.pk)).count()
        query = urlencode({"object_type": label, "object_id": obj.pk})
        url = f"{reverse('admin:core_auditentry_changelist')}?{query}"
        return format_html(
            '<a href="{}">{}</a>',
            url,
            ngettext("%(count)s entry", "%(count)s entries", count) % {"count": count},
        )


class PortalAdmin(PortalAdminMixin, admin.ModelAdmin):
    pass


def _plain(message):
    # The change message is a list of dicts holding translatable strings; the audit entry stores plain JSON.
    return json.loads(json.dumps(message, default=str))


def _without(nested: list, texts: set[str]) -> list:
    kept = []
    for item in nested:
        if isinstance(item, list):
            kept.append(_without(item, texts))
        elif str(item) not in texts:
            kept.append(item)
    return kept


class AuditActionFilter(admin.SimpleListFilter):
    """The trail filtered by event, each under its readable name (core/audit_labels.py), not its code."""

    title = _("event")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).order_by().values_list("action", flat=True).distinct()
        return sorted(((code, audit_label(code)) for code in codes), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only and append-only: the audit trail is evidence, never added to, edited or deleted by hand, not even
    by an administrator. Entries about sealed answers appear once the tender's deadline has passed."""

    list_display = ["at", "event", "object_type", "object_repr", "actor"]
    list_filter = [AuditActionFilter, "object_type", ("actor", admin.RelatedOnlyFieldListFilter), "at"]
    search_fields = ["action", "object_repr", "object_id", "actor__email", "actor__full_name"]
    list_select_related = ["actor"]
    date_hierarchy = "at"
    fields = ["at", "actor", "event", "action", "object_type", "object_id", "object_repr", "details"]
    readonly_fields = fields

    @admin.display(description=_("event"), ordering="action")
    def event(self, entry):
        return audit_label(entry.action)

    def get_queryset(self, request):
        return visible_audit_entries(super().get_queryset(request))

    @admin.display(description=_("details"))
    def details(self, entry):
        return format_html(
            "<pre>{}</pre>", json.dumps(entry.data, indent=2, ensure_ascii=False, sort_keys=True)
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessibilityReport)
class AccessibilityReportAdmin(PortalAdmin):
    list_display = ["created_at", "status", "page_url", "contact_email"]
    list_filter = ["status"]
    search_fields = ["description", "page_url"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(PortalAdmin):
    list_display = ["at", "worker", "label"]

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(PortalAdmin):
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
        audit(request.user, "core.notification.retried", None, count=retried)
        self.message_user(
            request,
            ngettext(
                "%(count)s notification will be retried.", "%(count)s notifications will be retried.", retried
            )
            % {"count": retried},
            messages.SUCCESS,
        )
