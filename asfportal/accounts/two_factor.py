"""Two-factor authentication: who must use it and whether this session has passed it.

Coordinators, procurement officers and administrators see personal data about placement participants or sealed
tender answers, so a password alone is not enough for them. The devices are django-otp's (TOTP in an
authenticator app, plus single-use recovery codes); the *session* mark is ours: it is kept in the session beside
the user's `two_factor_epoch`, which is on the user row every signed-in request loads anyway. So checking costs
no query (django-otp's own middleware would load the device on every request), and an administrator's reset
ends every verified session of that user at once.
"""

from django.conf import settings

from .models import Role, User

SESSION_KEY = "two_factor_epoch"
# Names of the views an unverified user may still reach: the two-factor pages themselves, logging out and the
# language switch. Everything else (the admin included) waits until the second factor is given.
EXEMPT_URL_NAMES = {
    "accounts:two-factor",
    "accounts:two-factor-setup",
    "accounts:logout",
    "set_language",
    "core:healthz",
    # Read by calendar applications with the secret address alone; a browser's half-signed-in session is no key.
    "core:calendar-feed",
}
REQUIRED_ROLES = (
    Role.COORDINATOR,
    Role.PROCUREMENT_OFFICER,
    Role.ADMINISTRATOR,
    Role.ORGANISATION_ADMINISTRATOR,
)
RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "recovery"


def is_required(user: User) -> bool:
    """Whether this user must give a second factor (staff always, whatever their role)."""
    if not getattr(user, "is_authenticated", False) or not settings.TWO_FACTOR_REQUIRED:
        return False
    return user.role in REQUIRED_ROLES or user.is_staff or user.is_superuser


def is_verified(request) -> bool:
    return request.session.get(SESSION_KEY) == request.user.two_factor_epoch


def mark_verified(request) -> None:
    # A new session key on verification, as on login: a session id seen before the second step is worth nothing.
    request.session.cycle_key()
    request.session[SESSION_KEY] = request.user.two_factor_epoch


def confirmed_totp_device(user: User):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user: User) -> int:
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE_NAME).count()
