"""Account middleware: the second factor before anything else, and sessions that end when left alone."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import two_factor

IDLE_KEY = "last_seen"
STARTED_KEY = "signed_in_at"
# The idle clock is written at most once a minute, so an active user costs one session write a minute.
IDLE_WRITE_INTERVAL = 60


class AccountActiveMiddleware:
    """Sign out a session whose person has been deactivated (accounts/administration.colleague_deactivate).

    Django's ModelBackend already answers such a session with an anonymous user, but the single sign-on backend
    does not check is_active, and with SESSION_ENGINE=cache the deactivation cannot delete the sessions: this
    refuses them all at their next request, at no cost (the user row is loaded anyway).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_active:
            logout(request)
            messages.info(
                request, _("Your access to the portal has ended. Contact your organisation's administrator.")
            )
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Send a signed-in user who must use two-factor authentication, but has not in this session, to that step.

    Runs after Django's LoginRequiredMiddleware (anonymous visitors are its business) and covers every view,
    the admin included; only the views in two_factor.EXEMPT_URL_NAMES and static files stay reachable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not two_factor.is_required(user) or two_factor.is_verified(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in two_factor.EXEMPT_URL_NAMES:
            return None
        step = reverse("accounts:two-factor")
        if request.method == "GET":
            step += "?" + urlencode({"next": request.get_full_path()})
        return redirect(step)


class SessionTimeoutMiddleware:
    """End a signed-in session after SESSION_IDLE_MINUTES without a request, and after SESSION_COOKIE_AGE in all.

    Django's cookie age alone is renewed whenever the session is written, so a busy session could live for ever;
    the start time kept here makes the working-day limit absolute.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault(STARTED_KEY, now)
            last_seen = session.get(IDLE_KEY, now)
            idle_limit = settings.SESSION_IDLE_MINUTES * 60
            if now - last_seen > idle_limit or now - started > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(
                    request, _("You were signed out because the session had expired. Please log in again.")
                )
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= IDLE_WRITE_INTERVAL or IDLE_KEY not in session:
                session[IDLE_KEY] = now
        return self.get_response(request)


def session_clock_start(sender, request, user, **kwargs) -> None:
    """Start both session clocks at sign-in, in the session write that login makes anyway."""
    now = int(time.time())
    request.session[STARTED_KEY] = now
    request.session[IDLE_KEY] = now
