"""Forms for offers, participants and placements: the shape of input only; the rules (and the personnummer guard,
BaseModel.clean_fields) run in the services, which put their errors beside the fields."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asfportal.accounts.models import Organisation
from asfportal.core.forms import ModelLimitsMixin, submit_helper
from asfportal.core.widgets import Combobox, NameChoiceField, QuickSelect
from companies.models import Company, ServiceCategory

from .models import Adaptation, Offer, Outcome, Participant, Placement, SupportMeasure
from .selectors import (
    FOLLOW_UP_90_DUE,
    FOLLOW_UP_DUE_SOON,
    FOLLOW_UP_NONE,
    FOLLOW_UP_OVERDUE,
    caseload_companies,
)

SENSITIVE_HELP = _("Write no names, personnummer or details about health or diagnoses here.")
# Outcomes a coordinator chooses; "not known" is what withdrawing the consent records.
CHOSEN_OUTCOMES = [choice for choice in Outcome.choices if choice[0] != Outcome.NOT_KNOWN]


def submission_key_field() -> forms.UUIDField:
    """A key made when the form is shown: the same form sent twice (a double click) is saved once."""
    return forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)


class OfferForm(forms.ModelForm):
    submission_key = submission_key_field()
    adaptations = forms.MultipleChoiceField(
        label=_("Adaptations available"),
        choices=Adaptation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    support_measures = forms.MultipleChoiceField(
        label=_("Support measures accepted (none ticked: all)"),
        choices=SupportMeasure.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Offer
        fields = [
            "work_area", "tasks", "places", "hours_per_week", "supervisor", "supervisor_contact", "adaptations",
            "support_measures", "municipality", "location", "available_from", "available_to", "is_published",
        ]  # fmt: skip
        widgets = {
            "tasks": forms.Textarea(attrs={"rows": 3}),
            "available_from": forms.DateInput(attrs={"type": "date"}),
            "available_to": forms.DateInput(attrs={"type": "date"}),
            "municipality": Combobox,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Organisation.objects.municipalities().order_by("name")
        self.fields["available_from"].initial = timezone.localdate()
        self.helper = submit_helper(_("Save places"))


class ParticipantForm(forms.ModelForm):
    submission_key = submission_key_field()
    consent_given_on = forms.DateField(
        label=_("Consent given on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    consent_scope = forms.CharField(label=_("What the consent covers"), max_length=300,
                                    initial=_("Registration and follow-up of work training at an ASF"))  # fmt: skip
    sus_form_collected = forms.BooleanField(
        label=_("The SUS consent form (9443) is collected"), required=False
    )

    class Meta:
        model = Participant
        fields = ["initials", "birth_year", "gender", "target_group", "income_before", "occupation_before"]
        help_texts = {
            "initials": _("Optional, for example A.K. Never a name or personnummer."),
            "target_group": _(
                "Sensitive: shown only to your organisation's coordinators, and every view is logged."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent_given_on"].initial = timezone.localdate()
        self.helper = submit_helper(_("Register participant"))

    def clean_initials(self):
        initials = self.cleaned_data["initials"].strip()
        if initials and not initials.replace(".", "").isalpha():
            raise forms.ValidationError(_("Initials are letters only, for example A.B."))
        return initials


class PlacementForm(ModelLimitsMixin, forms.ModelForm):
    class Meta:
        model = Placement
        fields = [
            "offer",
            "support_measure",
            "start_on",
            "planned_end_on",
            "hours_per_week",
            "supervisor",
            "goals",
        ]
        widgets = {
            "start_on": forms.DateInput(attrs={"type": "date"}),
            "planned_end_on": forms.DateInput(attrs={"type": "date"}),
            "goals": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"goals": SENSITIVE_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = Offer.objects.filter(is_published=True).select_related(
            "company", "work_area"
        )
        self.helper = submit_helper(_("Place the participant"))

    def _post_clean(self):
        # The service builds the placement (participant, company and organisation come from elsewhere).
        pass


class PlacementEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=forms.DateInput(attrs={"type": "date"}))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CHOSEN_OUTCOMES)
    end_reason = forms.CharField(label=_("Reason for ending"), max_length=300, help_text=SENSITIVE_HELP)
    income_after = forms.ChoiceField(
        label=_("Income source after"), choices=Participant._meta.get_field("income_before").choices
    )
    occupation_after = forms.ChoiceField(
        label=_("Occupation after"), choices=Participant._meta.get_field("occupation_before").choices
    )
    interrupted = forms.BooleanField(
        label=_("The placement was interrupted before the planned end"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate()
        self.helper = submit_helper(_("End the placement"))


class FollowUpForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Short note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                           required=False, help_text=SENSITIVE_HELP)  # fmt: skip
    outcome_90 = forms.ChoiceField(label=_("Outcome 90 days after the end"), choices=[("", "—"), *CHOSEN_OUTCOMES],
                                   required=False)  # fmt: skip
    # How many texts the note had when the form was shown: a change over someone else's newer text is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=10_000)

    def __init__(self, *args, after_90_days: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not after_90_days:
            del self.fields["outcome_90"]
        self.fields["held_on"].initial = timezone.localdate()
        self.helper = submit_helper(_("Save follow-up"))


class CapacityFilterForm(forms.Form):
    municipality = NameChoiceField(
        label=_("Municipality"),
        queryset=Organisation.objects.municipalities().order_by("name"),
        required=False,
    )
    work_area = forms.ModelChoiceField(
        label=_("Work area"), queryset=ServiceCategory.objects.all(), required=False, widget=QuickSelect
    )
    measure = forms.ChoiceField(label=_("Support measure"), choices=[("", _("All")), *SupportMeasure.choices],
                                required=False)  # fmt: skip
    adaptation = forms.ChoiceField(
        label=_("Adaptation"), choices=[("", _("All")), *Adaptation.choices], required=False
    )
    weeks = forms.IntegerField(label=_("Include places that free up within (weeks)"), min_value=0, max_value=52,
                               required=False)  # fmt: skip


class CaseloadFilterForm(forms.Form):
    """The filters of the coordinator's participant and placement lists (GET): each one checks only its shape; a
    bad value is shown on its field and the other filters still apply."""

    q = forms.CharField(
        label=_("Participant code"), required=False, max_length=20,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )  # fmt: skip
    status = forms.ChoiceField(
        label=_("Placement status"), choices=[("", _("All")), *Placement.Status.choices], required=False
    )
    company = NameChoiceField(label=_("Company"), queryset=Company.objects.none(), required=False)
    period_from = forms.DateField(
        label=_("Placed from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_to = forms.DateField(
        label=_("Placed until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    follow_up = forms.ChoiceField(
        label=_("Follow-up"),
        required=False,
        choices=[
            ("", _("All")),
            (FOLLOW_UP_OVERDUE, _("Overdue")),
            (FOLLOW_UP_DUE_SOON, _("Due within 14 days")),
            (FOLLOW_UP_90_DUE, _("90-day follow-up due")),
            (FOLLOW_UP_NONE, _("None booked")),
        ],
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(self, *args, organisation_id: int, sorts: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = caseload_companies(organisation_id=organisation_id)
        self.fields["company"].empty_label = _("All companies")
        self.fields["sort"].choices = sorts

    def filters(self) -> dict:
        """The valid filters (a bad one is left out and its error shown beside it)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def clean(self):
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", _("The end of the period cannot come before its start."))
            data.pop("period_to", None)
        return data


PLACEMENT_SORT_CHOICES = [
    ("-start", _("Start, latest first")),
    ("start", _("Start, earliest first")),
    ("end", _("Planned end, soonest first")),
    ("-end", _("Planned end, latest first")),
    ("follow_up", _("Next follow-up, soonest first")),
    ("code", _("Participant code")),
    ("company", _("Company")),
]
PARTICIPANT_SORT_CHOICES = [
    ("code", _("Participant code")),
    ("-code", _("Participant code, reversed")),
    ("follow_up", _("Next follow-up, soonest first")),
    ("-registered", _("Registered, latest first")),
    ("registered", _("Registered, earliest first")),
]


class ConsentRenewForm(forms.Form):
    given_on = forms.DateField(
        label=_("New consent given on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if the consent runs until it is withdrawn."),
    )  # fmt: skip
    scope = forms.CharField(label=_("What the consent covers"), max_length=300,
                            initial=_("Registration and follow-up of work training at an ASF"))  # fmt: skip
    sus_form_collected = forms.BooleanField(
        label=_("The SUS consent form (9443) is collected"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_on"].initial = timezone.localdate()
        self.helper = submit_helper(_("Record the new consent"))


class SusRecordForm(forms.Form):
    done_on = forms.DateField(label=_("Done in SUS on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = timezone.localdate()
        self.helper = submit_helper(label)
