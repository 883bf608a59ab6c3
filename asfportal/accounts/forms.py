"""Forms for logging in and managing one's password, laid out with crispy-bootstrap5."""

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils.translation import gettext_lazy as _

from asfportal.core.forms import submit_helper

from .models import ApiToken


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
