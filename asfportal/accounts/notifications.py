"""Kinds of notification about people's own accounts."""

from django.db import transaction
from django.urls import reverse
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
