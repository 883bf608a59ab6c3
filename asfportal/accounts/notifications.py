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


# --- Organisation administration (issue 16) --------------------------------------------------------------------

ORGANISATION_INVITATION = register_kind(
    NotificationKind(
        code="accounts.organisation_invitation",
        label=_("Invitation to work in an organisation"),
        template="accounts/notifications/organisation_invitation",
        mandatory=True,
        # The invitee may have no password yet: the link leads straight to the invitation.
        direct_link=True,
    )
)
ACCESS_CHANGED = register_kind(
    NotificationKind(
        code="accounts.access_changed",
        label=_("Your access to the portal was changed"),
        template="accounts/notifications/access_changed",
        # Always sent: a person must hear of a role they got or lost, and a leaver that their access ended.
        mandatory=True,
    )
)
ACCESS_REVIEW_DUE = register_kind(
    NotificationKind(
        code="accounts.access_review_due",
        label=_("The yearly review of who has access is due"),
        template="accounts/notifications/access_review_due",
        roles=("organisation_administrator",),
    )
)
JOIN_APPLICATION_RECEIVED = register_kind(
    NotificationKind(
        code="accounts.join_application_received",
        label=_("An organisation applies to join the portal"),
        template="accounts/notifications/join_application_received",
        roles=("administrator",),
    )
)
JOIN_APPLICATION_REFUSED = register_kind(
    NotificationKind(
        code="accounts.join_application_refused",
        label=_("Your organisation's application to join was refused"),
        template="accounts/notifications/join_application_refused",
        mandatory=True,
    )
)


def access_changed_notify(
    *, person: User, change: str, holder_name: str, actor: User | None, **context
) -> None:
    """Tell a person a role was "granted" or "revoked", or that their access was "deactivated" (by whom, for
    which organisation or company). Called inside the service's transaction."""
    notify(
        recipient=person,
        kind=ACCESS_CHANGED.code,
        key=f"{ACCESS_CHANGED.code}|{person.pk}|{change}|{timezone.now().isoformat()}",
        context={
            "change": change,
            "organisation": holder_name,
            "actor": actor.full_name if actor else "ASF-portalen",
            **context,
        },
        url="" if change == "deactivated" else reverse("accounts:dashboard"),
    )
