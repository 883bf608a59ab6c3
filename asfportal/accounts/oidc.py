"""Optional single sign-on through the municipality's OpenID Connect provider (mozilla-django-oidc).

Imported only when OIDC_RP_CLIENT_ID is set (settings.OIDC_ENABLED). The provider proves who someone is; what
they may do here stays the portal's business, so only existing, active accounts sign in, matched by e-mail
address, and nothing about the account is changed from the provider's claims.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.urls import path
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from asfportal.core.audit import audit

from . import two_factor
from .models import User

BACKEND_PATH = "asfportal.accounts.oidc.PortalOIDCBackend"


class PortalOIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email or claims.get("email_verified") is False:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def create_user(self, claims):  # pragma: no cover - OIDC_CREATE_USER is False; belt and braces
        return None

    def update_user(self, user: User, claims) -> User:
        return user


@receiver(user_logged_in)
def _sso_login(sender, request, user, **kwargs):
    if getattr(user, "backend", "") != BACKEND_PATH:
        return
    audit(user, "accounts.sso_login", user)
    if settings.OIDC_TRUSTS_MFA and two_factor.is_required(user):
        two_factor.mark_verified(request)


# The provider's redirects arrive before anyone is signed in, so both views are public (LoginRequiredMiddleware).
urlpatterns = [
    path(
        "oidc/authenticate/",
        login_not_required(OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        login_not_required(OIDCAuthenticationCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
]
