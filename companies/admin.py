from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from asfportal.core.admin import PortalAdmin, PortalAdminMixin

from .models import (
    Assessment,
    ChangeRequest,
    Company,
    ContactPerson,
    Invitation,
    Representative,
    ServiceCategory,
)


class ContactInline(admin.TabularInline):
    model = ContactPerson
    extra = 0


class CompanyAdminForm(forms.ModelForm):
    # As on the portal's forms: a 13-character 16NNNNNN-NNNN is typed whole and normalised by the model.
    org_number = forms.CharField(label=_("organisation number"))
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Company
        fields = "__all__"  # noqa: DJ007 - the admin edits every field; the model's full_clean checks them


@admin.register(Company)
class CompanyAdmin(PortalAdminMixin, SimpleHistoryAdmin):
    form = CompanyAdminForm
    # Web addresses typed without a scheme are read as https (Django 6's default; 5.2 warns without it).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "org_number", "legal_form", "status", "verified_until"]
    list_filter = ["status", "legal_form"]
    search_fields = ["name", "org_number"]
    filter_horizontal = ["municipalities", "service_categories"]
    # The status moves only through the services (assessment, lapse, close), never by editing it here.
    readonly_fields = ["status", "verified_until", "audit_trail"]
    inlines = [ContactInline]


@admin.register(Assessment)
class AssessmentAdmin(PortalAdmin):
    """Assessments are evidence: read-only here; coordinators record them in the portal."""

    list_display = ["company", "assessed_on", "is_verified", "valid_until", "assessed_by"]
    list_select_related = ["company", "assessed_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(ChangeRequest)
class ChangeRequestAdmin(PortalAdmin):
    list_display = ["company", "status", "requested_by", "created_at", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["company", "requested_by", "decided_by"]


admin.site.register(ServiceCategory, PortalAdmin)
admin.site.register(Representative, PortalAdmin)
admin.site.register(Invitation, PortalAdmin)
