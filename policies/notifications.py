"""Kinds of notification about policies and action plans."""

from django.utils.translation import gettext_lazy as _

from asfportal.core.notifications import NotificationKind, register_kind

for code, label in (
    ("policies.review_due", _("A policy is due for review")),
    ("policies.activity_late", _("An action-plan activity passed its end without being done")),
    ("policies.forbund_report_due", _("A samordningsförbund report is due")),
    ("policies.report_ready", _("An annual report is ready")),
):
    register_kind(
        NotificationKind(
            code=code,
            label=label,
            template=f"policies/notifications/{code.split('.')[1]}",
            roles=("coordinator",),
        )
    )
