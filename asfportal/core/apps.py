from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "asfportal.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Each app's notifications.py registers its kinds, and its reminders.py its rules for the daily sweep.
        autodiscover_modules("notifications", "reminders")
