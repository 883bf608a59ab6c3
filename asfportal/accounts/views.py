"""Login-related pages and the role-aware dashboards."""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY as SESSION_BACKEND_KEY
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language
from django_otp.plugins.otp_totp.models import TOTPDevice

from asfportal.core.exceptions import DomainError
from asfportal.core.queue import work_queue_cached

from . import notifications, permissions, selectors, services, two_factor
from .forms import (
    EmailLoginForm,
    PortalPasswordChangeForm,
    PortalPasswordResetForm,
    PortalSetPasswordForm,
    TwoFactorCodeForm,
    TwoFactorSetupForm,
)
from .models import Role

login = auth_views.LoginView.as_view(
    template_name="accounts/login.html",
    authentication_form=EmailLoginForm,
    redirect_authenticated_user=True,
    extra_context={"oidc_enabled": settings.OIDC_ENABLED, "oidc_label": settings.OIDC_LOGIN_LABEL},
)


class LogoutView(auth_views.LogoutView):
    """Ends the portal's session; after a single sign-on also the provider's (RP-initiated logout, README)."""

    def post(self, request, *args, **kwargs):
        provider_url = ""
        if (
            settings.OIDC_ENABLED
            and request.session.get(SESSION_BACKEND_KEY) == "asfportal.accounts.oidc.PortalOIDCBackend"
        ):
            from .oidc import provider_logout_url

            provider_url = provider_logout_url(request)
        response = super().post(request, *args, **kwargs)
        return redirect(provider_url) if provider_url else response


logout = LogoutView.as_view()


class PasswordChangeView(auth_views.PasswordChangeView):
    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "two_factor_required": two_factor.is_required(self.request.user),
        }

    def form_valid(self, form):
        response = super().form_valid(form)
        notifications.password_changed_notify(user=form.user)
        return response


password_change = PasswordChangeView.as_view(
    template_name="accounts/password_change.html",
    form_class=PortalPasswordChangeForm,
    success_url=reverse_lazy("accounts:password-change-done"),
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_change_done.html"
)


class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form):
        # Links in e-mail are built from SITE_URL, never from the Host header a visitor sent.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


password_reset = PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    form_class=PortalPasswordResetForm,
    email_template_name="accounts/emails/password_reset.txt",
    html_email_template_name="accounts/emails/password_reset.html",
    subject_template_name="accounts/emails/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password-reset-done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    form_class=PortalSetPasswordForm,
    success_url=reverse_lazy("accounts:password-reset-complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


def dashboard(request: HttpRequest) -> HttpResponse:
    """Send a logged-in user to the dashboard of their role."""
    url = permissions.dashboard_url_for(request.user)
    if url is None:
        raise PermissionDenied
    return redirect(url)


QUEUE_TEMPLATE = "accounts/includes/_queue.html"


def _role_dashboard(request: HttpRequest, role: str, template: str, **extra) -> HttpResponse:
    # A dashboard only reads, so it opens no transaction (ATOMIC_REQUESTS would add BEGIN and COMMIT to every
    # visit; under READ COMMITTED a transaction would not give its queries one snapshot anyway).
    # The work queue the apps contribute (core/queue.py), kept whole and rendered in the cache until its data, the
    # day or the clock changes it (work_queue_cached, which also stores its size for the header elsewhere); the
    # header here reads its size from the request.
    request.work_queue, extra["work_queue_html"] = work_queue_cached(request.user, QUEUE_TEMPLATE)
    context = {
        "colleagues": selectors.organisation_colleagues(user=request.user),
        "dashboard_role": role,
        "work_queue": request.work_queue,
        **extra,
    }
    return render(request, template, context)


@transaction.non_atomic_requests  # a dashboard only reads: no BEGIN/COMMIT round trips (see _role_dashboard)
@permissions.role_required(Role.COORDINATOR)
def dashboard_coordinator(request: HttpRequest) -> HttpResponse:
    return _role_dashboard(request, Role.COORDINATOR, "accounts/dashboard_coordinator.html")


@transaction.non_atomic_requests  # a dashboard only reads: no BEGIN/COMMIT round trips (see _role_dashboard)
@permissions.role_required(Role.PROCUREMENT_OFFICER)
def dashboard_procurement(request: HttpRequest) -> HttpResponse:
    return _role_dashboard(request, Role.PROCUREMENT_OFFICER, "accounts/dashboard_procurement.html")


@transaction.non_atomic_requests  # a dashboard only reads: no BEGIN/COMMIT round trips (see _role_dashboard)
@permissions.role_required(Role.COMPANY_REPRESENTATIVE)
def dashboard_company(request: HttpRequest) -> HttpResponse:
    return _role_dashboard(request, Role.COMPANY_REPRESENTATIVE, "accounts/dashboard_company.html")


@transaction.non_atomic_requests  # a dashboard only reads: no BEGIN/COMMIT round trips (see _role_dashboard)
@permissions.role_required(Role.ADMINISTRATOR)
def dashboard_administrator(request: HttpRequest) -> HttpResponse:
    return _role_dashboard(
        request,
        Role.ADMINISTRATOR,
        "accounts/dashboard_administrator.html",
        **selectors.administrator_overview(),
        **selectors.national_administration_overview(today=timezone.localdate()),
    )


@login_not_required
def language_set(request: HttpRequest) -> HttpResponse:
    """The header's language switcher (Django's set_language: the cookie, back to the page); a signed-in person's
    choice is kept on their account too, so notifications and e-mails reach them in that language."""
    response = set_language(request)
    language = request.POST.get("language")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and language != request.user.language
    ):
        services.user_language_set(user=request.user, language=language)
    return response


@require_POST
def membership_switch(request: HttpRequest) -> HttpResponse:
    """Act in another of one's own current memberships (the header's switcher); on to the new role's dashboard."""
    membership = permissions.get_own_membership(request, request.POST.get("membership"))
    try:
        services.membership_activate(user=request.user, membership=membership)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("You now act as %(role)s for %(holder)s.")
            % {"role": membership.get_role_display().lower(), "holder": membership.holder_name},
        )
    return redirect("accounts:dashboard")


@require_POST
def introduction_dismiss(request: HttpRequest) -> HttpResponse:
    """Hide the first-login introduction for good; back to the dashboard it was shown on."""
    services.introduction_dismiss(user=request.user)
    return redirect("accounts:dashboard")


RECOVERY_CODES_SESSION_KEY = "two_factor_new_codes"
PENDING_KEY_SESSION_KEY = "two_factor_pending_key"


def _next_url(request: HttpRequest) -> str:
    """Where to go after the second step: the page asked for, if it is one of ours, else the dashboard."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("accounts:dashboard")


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in, for the roles that must use it (accounts/two_factor.py)."""
    user = request.user
    next_url = _next_url(request)
    if not two_factor.is_required(user) or two_factor.is_verified(request):
        return redirect(next_url)
    if two_factor.confirmed_totp_device(user) is None:
        return redirect(reverse("accounts:two-factor-setup") + "?" + urlencode({"next": next_url}))
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.two_factor_verify(user=user, token=form.cleaned_data["token"]):
            two_factor.mark_verified(request)
            left = two_factor.recovery_codes_left(user)
            if left <= 3:
                messages.warning(
                    request,
                    _("You have %(count)s recovery codes left. Create new ones under Recovery codes.")
                    % {"count": left},
                )
            return redirect(next_url)
        form.add_error(
            "token",
            _(
                "The code is not correct. Check the time on your phone and try the next code; after several "
                "wrong codes you must wait a little longer between attempts."
            ),
        )
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in of a role that must use two-factor authentication: connect an authenticator app."""
    user = request.user
    next_url = _next_url(request)
    if not two_factor.is_required(user) or two_factor.is_verified(request):
        return redirect(next_url)
    if two_factor.confirmed_totp_device(user) is not None:
        # Someone who knows only the password must not be able to swap in their own device: a confirmed
        # device is replaced only after an administrator's reset.
        return redirect(reverse("accounts:two-factor") + "?" + urlencode({"next": next_url}))
    # The key belongs to this session only: another session (someone else with the password) gets its own.
    key = request.session.setdefault(PENDING_KEY_SESSION_KEY, services.two_factor_enrolment_key())
    form = TwoFactorSetupForm(request.POST or None, submit_label=_("Turn on two-factor authentication"))
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.two_factor_enrolment_confirm(
                user=user, key=key, token=form.cleaned_data["token"]
            )
        except DomainError as error:
            form.add_error("token", error.message)
        else:
            del request.session[PENDING_KEY_SESSION_KEY]
            two_factor.mark_verified(request)
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(reverse("accounts:two-factor-codes") + "?" + urlencode({"next": next_url}))
    device = TOTPDevice(
        user=user, name="authenticator", key=key
    )  # not saved: only for the otpauth:// address
    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title=_("QR code for your authenticator app")
    )
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": qr,
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_codes(request: HttpRequest) -> HttpResponse:
    """Recovery codes: shown once when created; a verified user can replace them (the old ones stop working)."""
    if not two_factor.is_required(request.user):
        raise PermissionDenied
    if request.method == "POST":
        request.session[RECOVERY_CODES_SESSION_KEY] = services.recovery_codes_regenerate(user=request.user)
        messages.success(request, _("New recovery codes are created; the old ones no longer work."))
        return redirect("accounts:two-factor-codes")
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    context = {
        "codes": codes,
        "left": two_factor.recovery_codes_left(request.user),
        "next": _next_url(request),
    }
    return render(request, "accounts/two_factor_codes.html", context)
