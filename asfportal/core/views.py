"""Public pages of the portal: start page, accessibility statement, health check and error pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import services
from .forms import AccessibilityReportForm


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (tillgänglighetsredogörelse) with its report form, as DOS-lagen requires."""
    form = AccessibilityReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.accessibility_report_create(**form.cleaned_data, actor=request.user)
        messages.success(request, _("Thank you. Your report has been received."))
        return redirect("core:accessibility")
    return render(request, "core/accessibility.html", {"form": form})


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
