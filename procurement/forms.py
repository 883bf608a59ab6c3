"""Forms for tenders: shape and the rules a person can fix at once (dates, amounts, CPV)."""

import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asfportal.accounts.models import Organisation
from asfportal.core.forms import ModelLimitsMixin, submit_helper
from asfportal.core.uploads import check_document
from asfportal.core.widgets import ComboboxMultiple, NameChoiceField, NameMultipleChoiceField

from .models import CpvCode, Lot, Submission, Tender, TenderDocument, cpv_check_digit

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def validate_cpv(value: str) -> str:
    """`NNNNNNNN-C` with the right check digit."""
    value = value.strip()
    if not re.fullmatch(r"\d{8}-\d", value):
        raise ValidationError(_("A CPV code is written NNNNNNNN-N, for example 90910000-9."))
    if cpv_check_digit(value[:8]) != int(value[-1]):
        raise ValidationError(_("The check digit of CPV code %(code)s is wrong.") % {"code": value})
    return value


def cpv_normalise(text: str) -> str:
    """A typed CPV code as the portal keeps it: "90910000", "90910000-9" and "90910000-9 Städning" (a pasted
    line) are 90910000-9; a wrong check digit is refused; anything else is returned as typed (the field then says
    it is no CPV code)."""
    match = re.match(r"\s*(\d{8})(?:-(\d))?(?!\d)", text)
    if not match:
        return text.strip()
    digits, given = match.groups()
    if given is not None and int(given) != cpv_check_digit(digits):
        raise ValidationError(
            _("The check digit of CPV code %(code)s is wrong.") % {"code": f"{digits}-{given}"}
        )
    return f"{digits}-{cpv_check_digit(digits)}"


class CpvSearchInput(forms.TextInput):
    """A CPV field that is a plain text field without JavaScript (codes typed, separated by commas) and a
    searchable combobox with it (static/js/combobox.js): Tom Select searches the whole vocabulary through the
    JSON endpoint `procurement:cpv-search` and offers the curated list before anything is typed. `value_field`
    is what is sent: the code, or (saved searches) its prefix."""

    def __init__(
        self, *, multiple: bool = False, value_field: str = "value", create: bool = False, attrs=None
    ):
        self.multiple, self.value_field = multiple, value_field
        base = {"data-cpv-search": reverse_lazy("procurement:cpv-search"), "data-cpv-value": value_field,
                "data-cpv-multiple": "true" if multiple else "false", "data-cpv-create": "true" if create else "false",
                "autocomplete": "off", "spellcheck": "false"}  # fmt: skip
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        values = value if isinstance(value, (list, tuple)) else [value] if value not in (None, "") else []
        return ", ".join(str(v.pk if isinstance(v, CpvCode) else v) for v in values) or None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        shown = [v.strip() for v in (context["widget"]["value"] or "").split(",") if v.strip()]
        # The chosen codes with their labels, as Tom Select's items (its `data-data` attribute): one query.
        full = {v: _full_code(v) for v in shown}
        # Only well-formed codes are looked up: whatever else was typed (a NUL byte, letters) is shown back as is.
        wanted = {code for code in full.values() if code}
        labels = {c.code: c.display_label for c in CpvCode.objects.filter(code__in=wanted)}
        items = [{self.value_field: v, "text": f"{v} {labels.get(full[v], '')}".strip()} for v in shown]
        context["widget"]["attrs"]["data-data"] = json.dumps(items, ensure_ascii=False)
        return context

    def value_from_datadict(self, data, files, name):
        if not self.multiple:
            return data.get(name)
        raw = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        raw = raw if isinstance(raw, (list, tuple)) else [raw] if raw else []
        return [part.strip() for text in raw for part in re.split(r"[,;\n]", str(text)) if part.strip()]

    def value_omitted_from_data(self, data, files, name):
        return not self.multiple and name not in data


def _full_code(value: str) -> str:
    # The code a typed value or prefix stands for (9091 is 90910000-9, 90910000-9 itself); "" for no code at all.
    match = re.match(r"\s*(\d{1,8})", value)
    digits = match.group(1).ljust(8, "0") if match else ""
    return f"{digits}-{cpv_check_digit(digits)}" if digits else ""


class CpvCodesField(forms.ModelMultipleChoiceField):
    """Several CPV codes out of the whole vocabulary, typed or searched (CpvSearchInput)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", CpvSearchInput(multiple=True))
        kwargs.setdefault("error_messages", {"invalid_choice": _("%(value)s is not a CPV code.")})
        super().__init__(queryset=CpvCode.objects.all(), **kwargs)

    def clean(self, value):
        return super().clean([cpv_normalise(v) for v in value or []])


class CpvCodeField(forms.ModelChoiceField):
    """One CPV code out of the whole vocabulary, typed or searched (CpvSearchInput)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", CpvSearchInput())
        kwargs.setdefault("error_messages", {"invalid_choice": _("This is not a CPV code.")})
        super().__init__(queryset=CpvCode.objects.all(), **kwargs)

    def to_python(self, value):
        return super().to_python(cpv_normalise(value) if value else value)


def _check_upload(upload):
    return check_document(upload, max_bytes=MAX_DOCUMENT_BYTES)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class TenderForm(ModelLimitsMixin, forms.ModelForm):
    cpv_codes = CpvCodesField(
        label=_("CPV codes"),
        help_text=_(
            "Search the whole CPV vocabulary by code or word; the codes ASF commonly sell are offered first. "
            "Without the search, write the codes separated by commas, for example 90910000-9, 55520000-1."
        ),
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
            self.initial["lots"] = lots_as_lines(self.instance)
        self.helper = submit_helper(_("Save draft"))

    def clean_lots(self) -> list[dict]:
        return lots_from_lines(self.cleaned_data["lots"])

    def _post_clean(self):
        # Validate the shape only; the service checks the record (full_clean) and puts each problem on its field.
        pass


def lots_from_lines(text: str) -> list[dict]:
    """One lot per line, "*" at the end of a reserved one (the same shape in the tender and amendment forms)."""
    lots = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            reserved = line.endswith("*")
            lots.append({"title": line.rstrip("*").strip()[:200], "is_reserved": reserved})
    return lots


def lots_as_lines(tender: Tender) -> str:
    return "\n".join(f"{lot.title}{' *' if lot.is_reserved else ''}" for lot in tender.lots.all())


class AmendmentForm(forms.Form):
    """What an amendment may change: the terms, the question deadline, the lots and the documents."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    question_deadline_at = forms.DateTimeField(
        label=_("Question deadline"), widget=DateTimeInput(), required=False
    )
    submission_deadline_at = forms.DateTimeField(label=_("Submission deadline"), widget=DateTimeInput())
    lots = forms.CharField(
        label=_("Lots"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One lot per line, in order; end a line with * if the lot is reserved. Changing the lots is a "
            "substantial change."
        ),
    )
    document_title = forms.CharField(label=_("New document: title"), max_length=200, required=False)
    document = forms.FileField(
        label=_("New document: file"), required=False, help_text=_("PDF, DOCX, XLSX or ODT, at most 20 MB.")
    )
    documents_removed = forms.ModelMultipleChoiceField(
        label=_("Withdraw documents"),
        queryset=TenderDocument.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("Reason for the amendment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    is_substantial = forms.BooleanField(
        label=_("Substantial change"),
        required=False,
        help_text=_("Answers already given must then be confirmed again, and the deadline may be extended."),
    )

    def __init__(self, *args, tender: Tender, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents_removed"].queryset = tender.documents.all()
        if not tender.documents.exists():
            del self.fields["documents_removed"]
        self.helper = submit_helper(_("Publish the amendment"))  # crispy sends files: the form is multipart

    def clean_lots(self) -> list[dict]:
        return lots_from_lines(self.cleaned_data["lots"])

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        return _check_upload(upload) if upload else None

    def clean(self):
        data = super().clean()
        if data.get("document") and not data.get("document_title"):
            self.add_error("document_title", _("Give the new document a title."))
        return data


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
    cpv = CpvCodeField(label=_("CPV code"), required=False)
    municipality = NameChoiceField(
        label=_("Municipality"),
        queryset=Organisation.objects.municipalities().order_by("name"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
    cpv_prefix = forms.RegexField(
        label=_("CPV code begins with"),
        regex=r"^\d{0,8}$",
        required=False,
        error_messages={"invalid": _("Digits only, at most eight.")},
        # A code chosen in the search is kept as its place in the hierarchy (9091 for 90910000-9, cleaning).
        widget=CpvSearchInput(value_field="prefix", create=True),
        help_text=_("Search by code or word, or write the first digits, for example 9091 for cleaning."),
    )
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
