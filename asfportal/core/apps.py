from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "asfportal.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Each app's notifications.py registers its kinds, its reminders.py its rules for the daily sweep, and its
        # queue.py the items it adds to the dashboards' work queues, its handover.py what a leaver hands over.
        autodiscover_modules("notifications", "reminders", "queue", "handover")
        from django.db.models.signals import post_delete, post_save

        from .cache import person_changed
        from .models import Notification

        def notification_changed(instance, **kwargs):
            person_changed(instance.recipient_id)

        # The header's unread count is cached per person (core/cache.py): any notification row saved or deleted
        # bumps its recipient's version. Bulk inserts and the mark-read updates bump it themselves.
        post_save.connect(
            notification_changed, sender=Notification, weak=False, dispatch_uid="person-header-save"
        )
        post_delete.connect(
            notification_changed, sender=Notification, weak=False, dispatch_uid="person-header-delete"
        )
