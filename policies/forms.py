"""Forms for contacts, policies, action plans and activities."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from asfportal.accounts.models import Organisation
from asfportal.core.forms import ModelLimitsMixin, submit_helper
from asfportal.core.widgets import Combobox

from .models import ActionPlan, Activity, ContactPerson, ContractTotal, Goal, Indicator, Milestone, Policy


class ShapeOnlyModelForm(ModelLimitsMixin, forms.ModelForm):
    """Checks the shape of the input only. The model's rules (constraints, clean(), the personnummer guard) run
    once, in the service's full_clean, whose errors the view puts beside the fields (core.exceptions.add_to_form);
    a copy here would refuse a double click the service answers with the row already saved."""

    def _post_clean(self):
        pass


class ContactForm(ShapeOnlyModelForm):
    class Meta:
        model = ContactPerson
        fields = ["name", "title", "responsibility", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Save contact person"))


class PolicyForm(ShapeOnlyModelForm):
    class Meta:
        model = Policy
        fields = ["title", "status", "adopted_by", "adopted_on", "review_on", "text", "document"]
        widgets = {
            "adopted_on": forms.DateInput(attrs={"type": "date"}),
            "review_on": forms.DateInput(attrs={"type": "date"}),
            "text": forms.Textarea(attrs={"rows": 12}),
        }
        help_texts = {
            "text": _(
                "Markdown: # headings (under the policy's title), *emphasis*, lists and links. Scripts, HTML and "
                "images are removed."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Save policy"))

    def clean_document(self):
        from asfportal.core.uploads import check_document

        return check_document(self.cleaned_data.get("document"), max_bytes=20 * 1024 * 1024)


class PlanForm(ShapeOnlyModelForm):
    goals = forms.CharField(label=_("Goals"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("One goal per line; new lines add goals."))  # fmt: skip

    class Meta:
        model = ActionPlan
        fields = ["title", "policy", "start_year", "end_year", "adopted_by", "adopted_on"]
        widgets = {"adopted_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy"].queryset = Policy.objects.filter(organisation=organisation)
        self.helper = submit_helper(_("Save action plan"))

    def clean_goals(self) -> list[str]:
        return [line.strip()[:300] for line in self.cleaned_data["goals"].splitlines() if line.strip()]


class ActivityForm(ShapeOnlyModelForm):
    class Meta:
        model = Activity
        fields = [
            "title", "goal", "description", "kind", "category", "responsible_organisation", "responsible_person",
            "partners", "start_on", "end_on", "budget", "status", "progress", "public_supervisor", "override_reason",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "start_on": forms.DateInput(attrs={"type": "date"}),
            "end_on": forms.DateInput(attrs={"type": "date"}),
            "responsible_organisation": Combobox,
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = plan.goals.all()
        self.fields["responsible_organisation"].queryset = Organisation.objects.filter(
            is_active=True
        ).order_by("name")
        self.fields["responsible_organisation"].initial = plan.organisation_id
        self.helper = submit_helper(_("Save activity"))


class GoalForm(ShapeOnlyModelForm):
    class Meta:
        model = Goal
        fields = ["title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Rename the goal"))


class ProgressForm(forms.Form):
    text = forms.CharField(
        label=_("What has happened?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    status = forms.ChoiceField(label=_("Status"), choices=Activity.Status.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Record progress"))


class ReportRequestForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Generate the annual report"))


class ContractTotalForm(ShapeOnlyModelForm):
    class Meta:
        model = ContractTotal
        fields = ["year", "total_value"]
        help_texts = {
            "total_value": _(
                "From the finance system: every contract the organisation awarded that year, in SEK."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Shown beside the report form, whose button has the default id.
        self.helper = submit_helper(_("Save the contract value"), css_id="submit-id-contract-total")


class ActualsField(forms.CharField):
    """Yearly actual values typed as "2025: 7, 2026: 9,5" and kept as {"2025": 7, "2026": 9.5}; a comma followed
    by a year separates values, any other comma is the Swedish decimal comma."""

    def prepare_value(self, value):
        if isinstance(value, dict):
            return ", ".join(f"{year}: {number}" for year, number in sorted(value.items()))
        return value

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (initial or {})
        except ValidationError:
            return True

    def to_python(self, value):
        text = super().to_python(value)
        actuals = {}
        for part in filter(None, (p.strip() for p in re.split(r"[;\n]|,\s*(?=\d{4}\s*[:=])", text))):
            match = re.fullmatch(r"(\d{4})\s*[:=]\s*(-?[\d\s]+(?:[.,]\d+)?)", part)
            if not match or not 2000 <= int(match[1]) <= 2100:
                raise ValidationError(_("Write each value as year: value, for example 2025: 12."))
            try:
                number = Decimal(match[2].replace(" ", "").replace(",", "."))
            except InvalidOperation as error:  # pragma: no cover - the pattern only lets numbers through
                raise ValidationError(_("Write each value as year: value, for example 2025: 12.")) from error
            if match[1] in actuals:
                # A year given twice is a typo: keeping either value silently would report a figure no one chose.
                raise ValidationError(
                    _("The year %(year)s is given twice; give one value for each year.") % {"year": match[1]}
                )
            actuals[match[1]] = int(number) if number == number.to_integral_value() else float(number)
        return actuals


class IndicatorForm(ShapeOnlyModelForm):
    actuals = ActualsField(label=_("Actual values per year"), required=False, max_length=500,
                           help_text=_("For example 2025: 12, 2026: 15"))  # fmt: skip

    class Meta:
        model = Indicator
        fields = ["name", "baseline", "target", "kolada_id", "actuals"]

    def clean_kolada_id(self) -> str:
        return self.cleaned_data["kolada_id"].strip().upper()


class MilestoneForm(ShapeOnlyModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "done_on"]
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}),
            "done_on": forms.DateInput(attrs={"type": "date"}),
        }


# absolute_max: a post claiming more forms is refused without building them (Django's default builds up to
# 1,000 more than max_num, and the page would render them all).
IndicatorFormSet = forms.modelformset_factory(
    Indicator, form=IndicatorForm, extra=1, can_delete=True, max_num=30, absolute_max=30
)
MilestoneFormSet = forms.modelformset_factory(
    Milestone, form=MilestoneForm, extra=1, can_delete=True, max_num=30, absolute_max=30
)


class BoardReportForm(forms.Form):
    submitted_on = forms.DateField(
        label=_("Put before the board on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Record the report"))
