"""Optional single sign-on through the municipality's OpenID Connect provider (mozilla-django-oidc).

Imported only when OIDC_RP_CLIENT_ID is set (settings.OIDC_ENABLED). The provider proves who someone is; what
they may do here stays the portal's business: existing, active accounts sign in, matched by e-mail address, and
nothing about the account is changed from the provider's claims. Someone unknown is created only when a sign-in
mapping of an organisation (SsoRoleMapping: issuer + a value of the groups claim -> role) matches, with that role
in that organisation. Every refusal is audited and told on the login page in words, never as an error page.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)

from asfportal.core.audit import audit

from . import two_factor
from .models import SsoRoleMapping, User

BACKEND_PATH = "asfportal.accounts.oidc.PortalOIDCBackend"
MFA_SESSION_KEY = "oidc_provider_mfa"


def _refusals() -> dict[str, str]:
    return {
        "unverified": _(
            "Your organisation's sign-in service has not confirmed your e-mail address, so you cannot sign in "
            "with it. Ask your organisation's IT support to verify the address."
        ),
        "audience": _("The sign-in answer was meant for another service and was refused."),
        "issuer": _(
            "The sign-in answer came from a sign-in service this portal does not trust and was refused."
        ),
        "invalid": _("The sign-in answer could not be verified and was refused. Try again."),
        "no_mapping": _(
            "You have no account here, and your organisation has not let your group in through its sign-in "
            "service. Ask your organisation's coordinator for access."
        ),
        "failed": _("Sign-in through your organisation's sign-in service did not succeed. Try again."),
    }


def _refuse(request, code: str) -> None:
    if request is not None:
        request.sso_refusal = code


class PortalOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        try:
            return super().authenticate(request, **kwargs)
        except SuspiciousOperation:
            # mozilla-django-oidc's own checks (signature, nonce, state); ours set a more precise reason first.
            if request is not None and not getattr(request, "sso_refusal", ""):
                _refuse(request, "invalid")
            return None

    def verify_claims(self, claims) -> bool:
        # An address the provider has not verified could be anyone's (a multi-tenant directory lets a user type
        # any `mail`), so by default it must be verified; see OIDC_REQUIRE_VERIFIED_EMAIL in the README.
        if settings.OIDC_REQUIRE_VERIFIED_EMAIL and claims.get("email_verified") is not True:
            _refuse(getattr(self, "request", None), "unverified")
            return False
        if not (claims.get("email") or "").strip():
            _refuse(getattr(self, "request", None), "failed")
            return False
        return True

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
            _refuse(getattr(self, "request", None), "audience")
            raise SuspiciousOperation("ID token for another client")
        if settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER:
            _refuse(getattr(self, "request", None), "issuer")
            raise SuspiciousOperation("ID token from another issuer")
        self.issuer = payload.get("iss") or ""
        self.id_token_claims = payload
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None and self.request is not None:
            # RFC 8176: "mfa" in `amr` says the provider itself asked for more than one factor this time.
            self.request.session[MFA_SESSION_KEY] = "mfa" in (payload.get("amr") or [])
        return user

    @transaction.atomic
    def create_user(self, claims):
        """First sign-in of someone unknown: the first of their organisation's mappings that matches decides."""
        # Entra ID puts groups in the ID token only, other providers in the userinfo answer: either counts.
        values = set()
        for source in (claims, self.id_token_claims):
            found = source.get(settings.OIDC_GROUPS_CLAIM) or []
            values.update([found] if isinstance(found, str) else [str(v) for v in found])
        mapping = (
            SsoRoleMapping.objects.select_related("organisation")
            .filter(issuer=self.issuer, value__in=values, organisation__is_active=True)
            .first()
        )
        if mapping is None:
            _refuse(getattr(self, "request", None), "no_mapping")
            return None
        email = claims["email"].strip()
        user = User(
            email=self.UserModel.objects.normalize_email(email),
            full_name=(claims.get("name") or "").strip()[:200] or email,
            role=mapping.role,
            organisation=mapping.organisation,
        )
        user.set_unusable_password()
        user.full_clean()
        user.save()
        audit(None, "accounts.sso_user_created", user, mapping_id=mapping.pk, role=mapping.role)
        return user

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


class PortalCallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer: a refusal becomes an audited, worded message on the login page (never a 400/500)."""

    def login_failure(self):
        code = getattr(self.request, "sso_refusal", "") or "failed"
        audit(
            None, "accounts.sso_refused", None, reason=code, provider_error=self.request.GET.get("error", "")
        )
        messages.error(self.request, _refusals()[code])
        return redirect("accounts:login")


def provider_logout_url(request) -> str:
    """OIDC_OP_LOGOUT_URL_METHOD: after the portal's session ends, end the provider's too (RP-initiated logout)."""
    if not settings.OIDC_OP_LOGOUT_ENDPOINT:
        return reverse("accounts:login")
    query = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("accounts:login")),
    }
    if request.session.get("oidc_id_token"):
        query["id_token_hint"] = request.session["oidc_id_token"]
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{urlencode(query)}"


# The provider's redirects arrive before anyone is signed in, so both views are public (LoginRequiredMiddleware).
urlpatterns = [
    path(
        "oidc/authenticate/",
        login_not_required(OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        login_not_required(PortalCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    # POST only, like the portal's own logout: the portal's session ends, then the provider's (when it has one).
    path("oidc/logout/", OIDCLogoutView.as_view(), name="oidc_logout"),
]
