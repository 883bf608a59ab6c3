"""Forms for logging in and managing one's password, laid out with crispy-bootstrap5."""

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from asfportal.core.forms import submit_helper
from asfportal.core.widgets import NameChoiceField

from .models import ORGANISATION_MEMBERSHIP_ROLES, ApiToken, Organisation


class EmailLoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        # Django's text says both fields may be case-sensitive; our e-mail login is not.
        "invalid_login": _(
            "Please enter a correct e-mail address and password. The password is case-sensitive."
        ),
    }
    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Log in"))


class PortalPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Change password"))


class PortalPasswordResetForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")
        self.helper = submit_helper(_("Send reset link"))


class PortalSetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Save new password"))


class TwoFactorCodeForm(forms.Form):
    """The second step: a six-digit code from the authenticator app, or one of the recovery codes."""

    token = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(submit_label or _("Continue"))


class TwoFactorSetupForm(TwoFactorCodeForm):
    token = forms.CharField(
        label=_("Code from the app"),
        max_length=20,
        help_text=_("Six digits."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class InvitationAcceptForm(forms.Form):
    """Choosing a password from an invitation's link (a company's representative, an organisation's colleague)."""

    password1 = forms.CharField(
        label=_("Choose a password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Repeat the password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = submit_helper(_("Activate my account"))

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password1"):
            try:
                validate_password(data["password1"], self.user)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


# --- Organisation administration (issue 16) ----------------------------------------------------------------------

ROLE_CHOICES = [(r.value, r.label) for r in ORGANISATION_MEMBERSHIP_ROLES]


class ColleagueInviteForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Send the invitation"))


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role to add"), choices=ROLE_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Add the role"), css_id="submit-grant")


class DeactivateForm(forms.Form):
    successor = forms.ModelChoiceField(
        label=_("Colleague who takes over their work"),
        queryset=None,
        empty_label=None,
        help_text=_("The tenders they follow and the reminders that come with them go to this colleague."),
    )

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = colleagues
        self.helper = submit_helper(_("End their access"))


class AccessListFilterForm(forms.Form):
    text = forms.CharField(label=_("Name or e-mail"), required=False, max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("All roles")), *ROLE_CHOICES], required=False)


class JoinApplicationForm(forms.Form):
    organisation = NameChoiceField(
        label=_("Your organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Start typing the name of your kommun, region or samordningsförbund."),
    )
    name = forms.CharField(
        label=_("Or: the organisation's name"),
        max_length=200,
        required=False,
        help_text=_("Only if it is not in the list, for example a new samordningsförbund or an agency."),
    )
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        required=False,
        choices=[
            ("", "—"),
            (Organisation.Kind.SAMORDNINGSFORBUND.value, Organisation.Kind.SAMORDNINGSFORBUND.label),
            (Organisation.Kind.STATE_AGENCY.value, Organisation.Kind.STATE_AGENCY.label),
            (Organisation.Kind.SUPPORT_ORGANISATION.value, Organisation.Kind.SUPPORT_ORGANISATION.label),
        ],
    )
    org_number = forms.RegexField(
        label=_("Organisation number"),
        regex=r"^[0-9]{6}-[0-9]{4}$",
        required=False,
        max_length=11,
        help_text=_("Ten digits as NNNNNN-NNNN."),
        error_messages={"invalid": _("Write the organisation number as NNNNNN-NNNN.")},
    )
    administrator_name = forms.CharField(label=_("Name of your first administrator"), max_length=200)
    administrator_email = forms.EmailField(
        label=_("Their e-mail address"),
        help_text=_(
            "It must be an address at the organisation's own domain (the domain of its website or e-mail, "
            "such as name@orebro.se), never a private or public mail service."
        ),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.helper = submit_helper(_("Send the application"))

    def clean(self):
        data = super().clean()
        if not data.get("organisation") and not (data.get("name") and data.get("org_number")):
            raise ValidationError(
                _("Pick the organisation from the list, or give its name and organisation number.")
            )
        return data


class JoinRefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant is e-mailed this text."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Refuse the application"), css_id="submit-refuse")
        self.helper.form_tag = False  # inside the page's form, beside its decision field


class ApiTokenForm(forms.Form):
    """A new API key: its name and what it may do (the shape only; the service checks the rest)."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("The system that will use the key, for example Treserva."),
    )
    scope = forms.ChoiceField(
        label=_("What the key may do"),
        choices=[
            (ApiToken.Scope.READ, _("Read only (open data, and the organisation's own tenders)")),
            (ApiToken.Scope.TENDERS, _("Tenders: write drafts, publish, answer questions, record awards")),
            (ApiToken.Scope.STEERING, _("Steering: record activity progress and indicator values")),
        ],
        widget=forms.RadioSelect,
        initial=ApiToken.Scope.READ,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Create key"))
