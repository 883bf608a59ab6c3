"""Pages of the core: start page, accessibility statement, health check, and each person's notifications."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from . import notifications, services
from .exceptions import DomainError, add_to_form
from .forms import AccessibilityReportForm, NotificationPreferencesForm
from .models import Notification


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@login_not_required
@require_safe
def open_data_index(request: HttpRequest) -> HttpResponse:
    """What the portal publishes as open data, where, in which format and under which licence."""
    return render(request, "core/open_data.html")


@login_not_required
@require_safe
def publication_policy(request: HttpRequest) -> HttpResponse:
    """The publication policy of the OCDS data (the release package's publicationPolicy links here)."""
    return render(request, "core/publication_policy.html")


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (tillgänglighetsredogörelse) with its report form, as DOS-lagen requires."""
    form = AccessibilityReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accessibility_report_create(**form.cleaned_data, actor=request.user)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Thank you. Your report has been received."))
            return redirect("core:accessibility")
    return render(request, "core/accessibility.html", {"form": form})


@login_not_required
@require_safe
def bench_floor(request: HttpRequest) -> HttpResponse:
    """The benchmark's floor: a trivial page through the same middleware, base template and context processors
    as every page, so a page's cost can be read as a ratio to it. Routed only when BENCHMARK_FLOOR is on."""
    return render(request, "core/bench_floor.html")


@login_not_required
@require_safe
@never_cache
@transaction.non_atomic_requests
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer (HAProxy checks it every half second): 200 when this node reaches the database and
    the shared cache (Redis: cache, sessions), else 503, so the balancer routes around it. No login, no session
    (it reads none and writes none), never cached."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "down"
    key = f"healthz:{secrets.token_hex(8)}"  # the nodes share the cache: each check writes its own key
    try:
        cache.set(key, 1, 5)
        checks["cache"] = "ok" if cache.get(key) == 1 else "down"
        cache.delete(key)
    except Exception:  # any cache client error means this node cannot serve signed-in pages
        checks["cache"] = "down"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503)


def notification_list(request: HttpRequest) -> HttpResponse:
    """The person's own notifications, newest first, 25 a page."""
    notifications_qs = (
        Notification.objects.listed().filter(recipient=request.user).order_by("-created_at", "-pk")
    )
    page = Paginator(notifications_qs, 25).get_page(request.GET.get("page"))
    return render(request, "core/notification_list.html", {"page_obj": page})


def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the person's notifications read and go where it points (404 for anyone else's)."""
    notification = get_object_or_404(Notification.objects.listed(), pk=pk, recipient=request.user)
    notifications.notification_mark_read(notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("core:notification-list")


@require_POST
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = notifications.notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect("core:notification-list")


def notification_preferences(request: HttpRequest) -> HttpResponse:
    """Per kind of notification: e-mail at once, a daily digest, or only the list in the portal."""
    form = NotificationPreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        notifications.notification_preferences_save(user=request.user, channels=form.cleaned_data)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("core:notification-preferences")
    return render(request, "core/notification_preferences.html", {"form": form})


# Django's own CSRF-failure and bad-request views render their templates without the request, so the header would
# show the signed-out menu and forms on the page would lack their token; these give the templates the request.


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


@login_not_required
def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "400.html", status=400)
