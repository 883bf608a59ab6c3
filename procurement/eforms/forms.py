"""The upload form of an eForms notice: input shape only (the file's content is checked by the import)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.validators import FileExtensionValidator, URLValidator
from django.utils.translation import gettext_lazy as _


class NoticeUploadForm(forms.Form):
    notice = forms.FileField(
        label=_("eForms notice (XML)"),
        validators=[FileExtensionValidator(["xml"])],
        help_text=_(
            "The notice's XML file as TED or the advertisement database publishes it, at most 10 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )
    notice_url = forms.URLField(
        label=_("Link to the notice"),
        required=False,
        validators=[
            URLValidator(schemes=["https"], message=_("Give the notice's link as an https:// address."))
        ],
        assume_scheme="https",
        help_text=_("Where the notice is published, e.g. on TED or in the advertisement database."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Import the notice")))
