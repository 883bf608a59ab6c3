"""Forms of the core pages."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AccessibilityReport, Channel
from .notifications import channel_for, kinds_offered_to


def submit_helper(label) -> FormHelper:
    """A crispy FormHelper that renders the form with one submit button."""
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class AccessibilityReportForm(forms.ModelForm):
    class Meta:
        model = AccessibilityReport
        fields = ["page_url", "description", "contact_email"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "page_url": _("The address of the page, or a short description of where you were."),
            "contact_email": _("Give an address if you want an answer. We use it only for this report."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Send report")))


class NotificationPreferencesForm(forms.Form):
    """One choice of channel per kind of notification offered to the user; fields are named by kind code."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds_offered_to(user):
            self.fields[kind.code] = forms.ChoiceField(
                label=kind.label,
                choices=Channel.choices,
                initial=channel_for(user, kind),
                widget=forms.RadioSelect,
                required=False,  # a kind left out of the post keeps its current choice
            )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save settings")))
