"""Forms for tenders: shape and the rules a person can fix at once (dates, amounts, CPV)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asfportal.accounts.models import Organisation
from asfportal.core.forms import ModelLimitsMixin, submit_helper
from asfportal.core.uploads import check_document
from asfportal.core.widgets import Combobox, ComboboxMultiple, NameChoiceField, NameMultipleChoiceField

from .models import CpvCode, Lot, Submission, Tender, cpv_check_digit

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def validate_cpv(value: str) -> str:
    """`NNNNNNNN-C` with the right check digit."""
    value = value.strip()
    if not re.fullmatch(r"\d{8}-\d", value):
        raise ValidationError(_("A CPV code is written NNNNNNNN-N, for example 90910000-9."))
    if cpv_check_digit(value[:8]) != int(value[-1]):
        raise ValidationError(_("The check digit of CPV code %(code)s is wrong.") % {"code": value})
    return value


def _check_upload(upload):
    return check_document(upload, max_bytes=MAX_DOCUMENT_BYTES)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class TenderForm(ModelLimitsMixin, forms.ModelForm):
    cpv_codes = forms.ModelMultipleChoiceField(
        label=_("CPV codes"),
        queryset=CpvCode.objects.all(),
        widget=ComboboxMultiple,
        help_text=_("The curated list of codes ASF sell, and the social services of LOU bilaga 2."),
    )
    municipalities = NameMultipleChoiceField(
        label=_("Municipalities where the work is done"),
        queryset=Organisation.objects.municipalities().order_by("name"),
        widget=ComboboxMultiple(attrs={"size": 6}),
        required=False,
    )
    notice_url = forms.URLField(label=_("link to the legal notice"), required=False, assume_scheme="https")
    lots = forms.CharField(
        label=_("Lots"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One lot per line; end a line with * if the lot is reserved."),
    )

    class Meta:
        model = Tender
        fields = [
            "title",
            "description",
            "legal_basis",
            "procurement_id",
            "notice_url",
            "cpv_codes",
            "municipalities",
            "estimated_value",
            "direct_award_reason",
            "contract_start_on",
            "contract_end_on",
            "options",
            "question_deadline_at",
            "answers_published_by_at",
            "submission_deadline_at",
            "is_accelerated",
            "evaluation_criteria",
            "target_group",
            "employment_form",
            "places",
            "matching_contact",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "direct_award_reason": forms.Textarea(attrs={"rows": 2}),
            "evaluation_criteria": forms.Textarea(attrs={"rows": 3}),
            "contract_start_on": forms.DateInput(attrs={"type": "date"}),
            "contract_end_on": forms.DateInput(attrs={"type": "date"}),
            "question_deadline_at": DateTimeInput(),
            "answers_published_by_at": DateTimeInput(),
            "submission_deadline_at": DateTimeInput(),
        }
        help_texts = {"submission_deadline_at": _("Swedish time (Europe/Stockholm).")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["lots"] = "\n".join(
                f"{lot.title}{' *' if lot.is_reserved else ''}" for lot in self.instance.lots.all()
            )
        self.helper = submit_helper(_("Save draft"))

    def clean_lots(self) -> list[dict]:
        lots = []
        for line in self.cleaned_data["lots"].splitlines():
            line = line.strip()
            if line:
                reserved = line.endswith("*")
                lots.append({"title": line.rstrip("*").strip()[:200], "is_reserved": reserved})
        return lots

    def _post_clean(self):
        # Validate the shape only; the service checks the record (full_clean) and puts each problem on its field.
        pass


class AmendmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    submission_deadline_at = forms.DateTimeField(label=_("Submission deadline"), widget=DateTimeInput())
    reason = forms.CharField(
        label=_("Reason for the amendment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    is_substantial = forms.BooleanField(
        label=_("Substantial change"),
        required=False,
        help_text=_("Answers already given must then be confirmed again, and the deadline may be extended."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Publish the amendment"))


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Document title"), max_length=200)
    file = forms.FileField(label=_("File"), help_text=_("PDF, DOCX, XLSX or ODT, at most 20 MB."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Add document"))

    def clean_file(self):
        return _check_upload(self.cleaned_data["file"])


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Your question"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                           help_text=_("Questions and answers are published to everyone; your company is not named."))  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Send question"))


class AnswerQuestionForm(forms.Form):
    """The answer, and the question as it will be published: the officer may take a name out of it first."""

    text = forms.CharField(
        label=_("Question as published"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class SubmissionForm(ModelLimitsMixin, forms.Form):
    limits_model = Submission  # the counts are saved on the answer
    message = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000
    )
    document = forms.FileField(
        label=_("Document"), required=False, help_text=_("PDF, DOCX, XLSX or ODT, at most 20 MB.")
    )
    people_occupied = forms.IntegerField(
        label=_("People the company occupies today"), min_value=0, required=False
    )
    people_in_target_group = forms.IntegerField(label=_("Of whom in the target group"), min_value=0, required=False,
        help_text=_("Numbers only: never names or health details."))  # fmt: skip

    lots = forms.ModelMultipleChoiceField(
        label=_("Lots you answer"),
        queryset=Lot.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to answer every lot."),
    )

    def __init__(self, *args, reserved: bool, lots=None, **kwargs):
        super().__init__(*args, **kwargs)
        if lots:
            self.fields["lots"].queryset = lots
        else:
            del self.fields["lots"]
        if not reserved:
            del self.fields["people_occupied"]
            del self.fields["people_in_target_group"]
        self.helper = submit_helper(_("Submit answer"))

    def clean_document(self):
        return _check_upload(self.cleaned_data.get("document"))


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you not answer?"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Decline to answer"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(label or _("Confirm"))


class AwardDecisionForm(forms.Form):
    """The decision's date and how it is sent: the standstill runs from it (LOU 20 kap. 1-2 §§)."""

    awarded_on = forms.DateField(
        label=_("Award decision date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the decision is sent to the bidders; the standstill period runs from it."),
    )
    sent_electronically = forms.BooleanField(
        label=_("The decision is sent electronically (e-mail or the portal)"),
        required=False,
        initial=True,
        help_text=_("The standstill is 10 days when the decision is sent electronically, otherwise 15 days."),
    )


class TenderFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=200, widget=forms.TextInput(attrs={"type": "search"})
    )
    legal_basis = forms.ChoiceField(
        label=_("Procedure"), choices=[("", _("All procedures")), *Tender.LegalBasis.choices], required=False
    )
    cpv = forms.ModelChoiceField(
        label=_("CPV code"), queryset=CpvCode.objects.all(), required=False, widget=Combobox
    )
    municipality = NameChoiceField(
        label=_("Municipality"),
        queryset=Organisation.objects.municipalities().order_by("name"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cpv"].empty_label = _("All CPV codes")
        self.fields["municipality"].empty_label = _("All municipalities")


class OfficerTenderFilterForm(forms.Form):
    """The officer's own tenders: a word of the title, description or procurement ID, and the status (GET)."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=200, widget=forms.TextInput(attrs={"type": "search"})
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *Tender.Status.choices], required=False
    )


class SavedSearchForm(forms.Form):
    text = forms.CharField(label=_("Words"), required=False, max_length=200)
    cpv_prefix = forms.RegexField(label=_("CPV code begins with"), regex=r"^\d{0,8}$", required=False,
                                  error_messages={"invalid": _("Digits only, at most eight.")})  # fmt: skip
    municipality = NameChoiceField(
        label=_("Municipality"),
        queryset=Organisation.objects.municipalities().order_by("name"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Save search"))

    def clean(self):
        data = super().clean()
        if not (data.get("text") or data.get("cpv_prefix") or data.get("municipality")):
            raise ValidationError(_("Give at least one word, CPV code or municipality."))
        return data
