"""Forms of the ASF registry; they check the shape of input, the services check the rules."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asfportal.accounts.models import Organisation
from asfportal.core.forms import ModelLimitsMixin, submit_helper
from asfportal.core.uploads import check_document
from asfportal.core.widgets import NameChoiceField, NameMultipleChoiceField, QuickSelect

from .models import CRITERIA_FIELDS, Assessment, Company, ContactPerson, ServiceCategory
from .services import PROFILE_FIELDS

# Evidence uploads: at most 10 MB, and the content must really be what the extension says.
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


class MunicipalityChoiceField(NameMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Organisation.objects.municipalities().order_by("name"), **kwargs)


class CompanyFilterForm(forms.Form):
    """The public directory's search and filters (GET)."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=200, widget=forms.TextInput(attrs={"type": "search"})
    )
    municipality = NameChoiceField(
        label=_("Municipality"),
        queryset=Organisation.objects.municipalities().order_by("name"),
        required=False,
    )
    category = forms.ModelChoiceField(
        label=_("Service"), queryset=ServiceCategory.objects.all(), required=False, widget=QuickSelect
    )
    legal_form = forms.ChoiceField(
        label=_("Legal form"),
        choices=[("", _("All legal forms")), *Company.LegalForm.choices],
        required=False,
    )
    has_places = forms.BooleanField(label=_("Offers work-training places"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].empty_label = _("All municipalities")
        self.fields["category"].empty_label = _("All services")


class RegistryFilterForm(CompanyFilterForm):
    """The coordinators' registry: the directory's search and filters, and the status a reader sees today."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *Company.Status.choices], required=False
    )

    field_order = ["q", "status", "municipality", "category", "legal_form", "has_places"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="registry-%s", **kwargs)


def _website_field() -> forms.URLField:
    # A website typed without a scheme ("kafe.se") is taken as https, as Django 6 will do.
    return forms.URLField(label=_("website"), required=False, assume_scheme="https")


class CompanyCreateForm(ModelLimitsMixin, forms.ModelForm):
    """Registration by a coordinator or an application through the public form. Only the shape of the input is
    checked here: the organisation number, postal code, phone and every other rule are the model's, applied by
    the service (services.company_check), so the import and the admin get the same answers."""

    # No length limit in the browser: "16556677-8899" (13 characters) is a valid entry for the 11-character column,
    # and a number cut short as it is typed would be refused for a reason the person cannot see.
    org_number = forms.CharField(
        label=_("organisation number"),
        help_text=_("Ten digits: NNNNNN-NNNN, NNNNNNNNNN or 16NNNNNN-NNNN."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    municipalities = MunicipalityChoiceField(label=_("Municipalities where it operates"), required=False)
    website = _website_field()

    class Meta:
        model = Company
        fields = [
            "name",
            "org_number",
            "legal_form",
            "municipalities",
            "service_categories",
            "visiting_address",
            "postal_code",
            "city",
            "website",
            "email",
            "phone",
            "description",
            "employees_total",
            "employees_integration",
            "participants",
            "work_training_places",
        ]
        widgets = {
            "service_categories": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
        }

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(submit_label or _("Register company"))

    def _post_clean(self):
        # The service checks the company by the model's rules (and names an existing holder of the number).
        pass


class CompanyApplyForm(CompanyCreateForm):
    applicant_name = forms.CharField(label=_("Your name"), max_length=200)
    applicant_email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send a link there to confirm it and choose a password."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, submit_label=_("Send application"), **kwargs)


class CompanyProfileForm(ModelLimitsMixin, forms.ModelForm):
    """What a representative changes at once: contact details, description and offerings."""

    municipalities = MunicipalityChoiceField(label=_("Municipalities where it operates"), required=False)
    website = _website_field()

    class Meta:
        model = Company
        fields = [*PROFILE_FIELDS, "municipalities", "service_categories"]
        widgets = {
            "service_categories": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "skoopi_certified_until": forms.DateInput(attrs={"type": "date"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Save profile"))

    def _post_clean(self):
        # The service applies the model's rules (company_update_profile); the form checks the shape only.
        pass


class CompanyFactsForm(ModelLimitsMixin, forms.ModelForm):
    """The facts the criteria rest on: saving makes a change request for a coordinator."""

    class Meta:
        model = Company
        fields = list(CRITERIA_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 3}) for name in ("ownership", "participation", "profit_use")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Send change request"))

    def _post_clean(self):
        # Validate the shape only; the service checks the proposal by the model's rules, and the instance stays
        # unchanged until a coordinator approves.
        pass


def _check_upload(upload):
    return check_document(upload, max_bytes=MAX_EVIDENCE_BYTES)


class AssessmentForm(ModelLimitsMixin, forms.ModelForm):
    class Meta:
        model = Assessment
        fields = [
            "assessed_on",
            "c1_verdict",
            "c1_employees",
            "c1_participants",
            "c1_target_group_hires",
            "c1_note",
            "c2_verdict",
            "c2_document",
            "c2_revised_on",
            "c2_note",
            "c3_verdict",
            "c3_articles",
            "c3_annual_report",
            "c3_annual_report_year",
            "c3_salary_ratio",
            "c3_note",
            "c4_verdict",
            "c4_owners",
            "c4_public_owner",
            "c4_public_supervisor",
            "c4_note",
            "note",
        ]
        widgets = {
            "assessed_on": forms.DateInput(attrs={"type": "date"}),
            "c2_revised_on": forms.DateInput(attrs={"type": "date"}),
            **dict.fromkeys(("c1_verdict", "c2_verdict", "c3_verdict", "c4_verdict"), forms.RadioSelect),
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in ("c1_note", "c2_note", "c3_note", "c4_note", "c4_owners", "note")
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate()
        for number in range(1, 5):
            # Each verdict is a conscious choice: no option (not even an empty "---------") starts selected.
            self.fields[f"c{number}_verdict"].choices = Assessment.Verdict.choices
        self.helper = submit_helper(_("Save assessment"))

    def clean_c2_document(self):
        return _check_upload(self.cleaned_data.get("c2_document"))

    def clean_c3_articles(self):
        return _check_upload(self.cleaned_data.get("c3_articles"))

    def clean_c3_annual_report(self):
        return _check_upload(self.cleaned_data.get("c3_annual_report"))

    def _post_clean(self):
        # The service builds and validates the Assessment (it sets company, assessor and outcome).
        pass


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Send invitation"))


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the company closed?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Close the company"))


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("At most 2 MB. The first row holds the column headings."),
        validators=[FileExtensionValidator(["csv", "xlsx"])],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Check the file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 2 MB."))
        return upload


ContactFormSet = forms.formset_factory(
    forms.modelform_factory(
        ContactPerson,
        fields=["name", "title", "email", "phone"],
        widgets={"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})},
    ),
    extra=1,
    can_delete=True,
    max_num=10,
    # A post claiming more forms is refused without building them (Django's default builds up to 1,000 more).
    absolute_max=10,
)


class ColleagueInviteForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Invite the colleague"))
