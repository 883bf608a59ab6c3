from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Policies")

    def ready(self):
        from asfportal.core.cache import invalidate_on_change

        from .models import Activity, AnnualReport, Policy

        # The work queues' cached sizes in the header (policies/queue.py, core/queue.py).
        invalidate_on_change("queue:policies", [Policy, Activity, AnnualReport])
