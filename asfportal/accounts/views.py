"""Login-related pages and the role-aware dashboards."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from . import notifications, permissions, selectors
from .forms import EmailLoginForm, PortalPasswordChangeForm, PortalPasswordResetForm, PortalSetPasswordForm
from .models import Role

login = auth_views.LoginView.as_view(
    template_name="accounts/login.html", authentication_form=EmailLoginForm, redirect_authenticated_user=True
)
logout = auth_views.LogoutView.as_view()


class PasswordChangeView(auth_views.PasswordChangeView):
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


def _role_dashboard(request: HttpRequest, role: str, template: str, **extra) -> HttpResponse:
    context = {
        "colleagues": selectors.organisation_colleagues(user=request.user),
        "dashboard_role": role,
        **extra,
    }
    return render(request, template, context)


@permissions.role_required(Role.COORDINATOR)
def dashboard_coordinator(request: HttpRequest) -> HttpResponse:
    return _role_dashboard(request, Role.COORDINATOR, "accounts/dashboard_coordinator.html")


@permissions.role_required(Role.PROCUREMENT_OFFICER)
def dashboard_procurement(request: HttpRequest) -> HttpResponse:
    return _role_dashboard(request, Role.PROCUREMENT_OFFICER, "accounts/dashboard_procurement.html")


@permissions.role_required(Role.COMPANY_REPRESENTATIVE)
def dashboard_company(request: HttpRequest) -> HttpResponse:
    return _role_dashboard(request, Role.COMPANY_REPRESENTATIVE, "accounts/dashboard_company.html")


@permissions.role_required(Role.ADMINISTRATOR)
def dashboard_administrator(request: HttpRequest) -> HttpResponse:
    return _role_dashboard(
        request,
        Role.ADMINISTRATOR,
        "accounts/dashboard_administrator.html",
        **selectors.administrator_overview(),
    )
