"""Optional single sign-on through the municipality's OpenID Connect provider (mozilla-django-oidc).

Imported only when OIDC_RP_CLIENT_ID is set (settings.OIDC_ENABLED). The provider proves who someone is; what
they may do here stays the portal's business, so only existing, active accounts sign in, matched by e-mail
address, and nothing about the account is changed from the provider's claims.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import SuspiciousOperation
from django.dispatch import receiver
from django.urls import path
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from asfportal.core.audit import audit

from . import two_factor
from .models import User

BACKEND_PATH = "asfportal.accounts.oidc.PortalOIDCBackend"
MFA_SESSION_KEY = "oidc_provider_mfa"


class PortalOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims) -> bool:
        # An address the provider has not verified could be anyone's (a multi-tenant directory lets a user type
        # any `mail`), so by default it must be verified; see OIDC_REQUIRE_VERIFIED_EMAIL in the README.
        if settings.OIDC_REQUIRE_VERIFIED_EMAIL and claims.get("email_verified") is not True:
            return False
        return bool((claims.get("email") or "").strip())

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def get_or_create_user(self, access_token, id_token, payload):
        # The ID token must be meant for this portal and, when configured, come from the organisation's own
        # issuer (mozilla-django-oidc checks the signature, not the audience or the issuer).
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client")
        if settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("ID token from another issuer")
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None and self.request is not None:
            # RFC 8176: "mfa" in `amr` says the provider itself asked for more than one factor this time.
            self.request.session[MFA_SESSION_KEY] = "mfa" in (payload.get("amr") or [])
        return user

    def create_user(self, claims):  # pragma: no cover - OIDC_CREATE_USER is False; belt and braces
        return None

    def update_user(self, user: User, claims) -> User:
        return user


@receiver(user_logged_in)
def _sso_login(sender, request, user, **kwargs):
    if getattr(user, "backend", "") != BACKEND_PATH:
        return
    provider_mfa = request.session.pop(MFA_SESSION_KEY, False)
    audit(user, "accounts.sso_login", user, provider_mfa=provider_mfa)
    # Administrators always give the portal's own second factor; others may be spared it only when the
    # provider says it asked for several factors on this very sign-in.
    staff = user.is_staff or user.is_superuser
    if settings.OIDC_TRUSTS_MFA and provider_mfa and not staff and two_factor.is_required(user):
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
