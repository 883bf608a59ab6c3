"""Forms of the core pages."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from .models import AccessibilityReport, Channel
from .notifications import channels_for, kinds_offered_to
from .validators import plain_validator


def submit_helper(label, css_id: str | None = None) -> FormHelper:
    """A crispy FormHelper that renders the form with one submit button; a second form on the same page needs
    its own `css_id` for the button (crispy derives the id from the name, and ids are unique per page)."""
    helper = FormHelper()
    helper.add_input(Submit("submit", label, css_id=css_id))
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
        kinds = kinds_offered_to(user)
        current = channels_for(user, kinds)  # one query for every kind
        for kind in kinds:
            self.fields[kind.code] = forms.ChoiceField(
                label=kind.label,
                choices=Channel.choices,
                initial=current[kind.code],
                widget=forms.RadioSelect,
                required=False,  # a kind left out of the post keeps its current choice
            )

    def groups(self) -> list[dict]:
        """Per kind a radio group, with the checked value worked out here: the page renders its inputs in one
        template loop instead of crispy's templates per option (20 kinds x 3 channels made the page five times
        the signed-in floor, make bench)."""
        groups = []
        for field in self:
            # A kind left out of a failed post keeps showing its current choice, as saving would keep it.
            left_out = self.is_bound and field.html_name not in self.data
            checked = str((field.initial if left_out else field.value()) or "")
            options = [
                {
                    "value": value,
                    "label": label,
                    "id": f"{field.auto_id}_{index}",
                    "checked": value == checked,
                }
                for index, (value, label) in enumerate(field.field.choices)
            ]
            groups.append({"field": field, "options": options})
        return groups


class ModelLimitsMixin:
    """For a ModelForm that checks only the shape of input and leaves the model's full_clean to the service (its
    _post_clean does nothing): gives each number field the limits of its model field, that is the column's range
    (2147483647 for an integer column) and the model's own MinValue/MaxValue validators. Without them a number
    the database cannot hold passes the form and the service's full_clean raises a ValidationError no view
    expects: a 500 instead of an error beside the field. A plain Form names its model in `limits_model`."""

    limits_model = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        opts = (self.limits_model or self._meta.model)._meta
        for name, field in self.fields.items():
            if not isinstance(field, forms.IntegerField | forms.DecimalField):
                continue
            try:
                model_field = opts.get_field(name)
            except FieldDoesNotExist:
                continue
            # A column's range is told as "Talet är för stort.", never as "at most 2147483647".
            field.validators = [plain_validator(v) for v in field.validators]
            for validator in map(plain_validator, model_field.validators):
                if validator not in field.validators:
                    field.validators.append(validator)
