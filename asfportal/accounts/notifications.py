"""Kinds of notification about people's own accounts."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asfportal.core.notifications import NotificationKind, notify, register_kind

from .models import User

PASSWORD_CHANGED = register_kind(
    NotificationKind(
        code="accounts.password_changed",
        label=_("Your password was changed"),
        template="accounts/notifications/password_changed",
    )
)


@transaction.atomic
def password_changed_notify(*, user: User) -> None:
    """Tell the person their password changed, so a change they did not make is noticed (security)."""
    notify(
        recipient=user,
        kind=PASSWORD_CHANGED.code,
        key=f"{PASSWORD_CHANGED.code}|{user.pk}|{user.password[-16:]}",
        url=reverse("accounts:password-change"),
    )


TWO_FACTOR_CHANGED = register_kind(
    NotificationKind(
        code="accounts.two_factor_changed",
        label=_("Your two-factor authentication was changed"),
        template="accounts/notifications/two_factor_changed",
        # Always sent: a set-up or reset the person did not make is how a stolen password shows.
        mandatory=True,
    )
)


def two_factor_changed_notify(*, user: User, change: str) -> None:
    """Tell the person their second factor was set up ("enabled"), reset by an administrator ("reset") or given
    new recovery codes ("codes"). Called inside the service's transaction."""
    notify(
        recipient=user,
        kind=TWO_FACTOR_CHANGED.code,
        key=f"{TWO_FACTOR_CHANGED.code}|{user.pk}|{change}|{timezone.now().isoformat()}",
        context={"change": change},
        url=reverse("accounts:password-change"),
    )
