from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from asfportal.core.admin import PortalAdmin, PortalAdminMixin

from . import services
from .models import ORGANISATION_ROLES, Organisation, SsoRoleMapping, User

# django-otp's own admin pages would show every user's TOTP secret (as a QR code) and recovery codes to any
# administrator; the only thing an administrator needs is to reset a user's devices, the action below.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


@admin.register(Organisation)
class OrganisationAdmin(PortalAdmin):
    # Web addresses typed without a scheme are read as https (Django 6's default; 5.2 warns without it).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "kind", "code", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    filter_horizontal = ["members"]


@admin.register(User)
class UserAdmin(PortalAdminMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "organisation", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    list_select_related = ["organisation"]
    search_fields = ["email", "full_name", "organisation__name"]
    autocomplete_fields = ["organisation"]
    actions = ["reset_two_factor"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "language"]}),
        (_("Role"), {"fields": ["role", "organisation"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "role", "organisation", "password1", "password2"],
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The role and organisation typed here are a membership the person acts in (accounts.Membership): granted
        # if new, so notifications and the switcher find it, and made the active one (which writes the columns).
        if obj.role in ORGANISATION_ROLES and obj.organisation_id:
            services.membership_grant(
                user=obj, role=obj.role, organisation=obj.organisation, actor=request.user, activate=True
            )

    @admin.action(description=_("Reset two-factor authentication (lost phone)"), permissions=["change"])
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            services.two_factor_reset(user=user, actor=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Two-factor authentication was reset for %(count)d user; they set it up again at their next sign-in.",
                "Two-factor authentication was reset for %(count)d users; they set it up again at their next sign-in.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(SsoRoleMapping)
class SsoRoleMappingAdmin(PortalAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # the issuer, as OrganisationAdmin
    list_display = ["organisation", "issuer", "value", "role"]
    list_filter = ["role"]
    search_fields = ["organisation__name", "value", "issuer"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
