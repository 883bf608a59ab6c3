"""Errors people can read: the error summary atop a failed form, a constraint broken in a race told in Swedish,
and no column range (2147483647) in a message."""

import pytest
from django import forms
from django.db import IntegrityError, transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils.translation import gettext

from asfportal.core.forms import ModelLimitsMixin
from asfportal.core.integrity import IntegrityErrorMiddleware, integrity_message
from asfportal.core.models import FormSubmission, NotificationPreference
from asfportal.core.templatetags.error_summary import summary_items
from procurement.models import Submission

PERSONNUMMER = "19811218-9876"
# Django's required message as the portal's Swedish catalogue words it (the project's .po may override Django's).
REQUIRED = gettext("This field is required.")


class _Form(forms.Form):
    name = forms.CharField(label="Namn")
    secret = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("Hela formuläret är fel.")


def test_the_summary_links_each_field_error_and_lists_form_level_errors():
    form = _Form({"name": "", "secret": ""})
    form.is_valid()
    form.add_error("secret", "Dolt fel.")
    fields, general = summary_items(Context({"form": form}))
    assert REQUIRED != "This field is required."  # Swedish, not Django's English
    assert fields == [{"id": "id_name", "label": "Namn", "message": REQUIRED}]
    assert general == ["Hela formuläret är fel.", "Dolt fel."]


def test_a_bound_form_the_view_did_not_validate_is_left_alone():
    form = _Form({"name": ""})
    assert summary_items(Context({"form": form})) == ([], [])
    assert form._errors is None


@pytest.mark.django_db
def test_a_failed_submit_starts_the_page_with_an_announced_summary(client):
    response = client.post(
        reverse("core:accessibility"),
        {"page_url": "", "description": f"Jag är {PERSONNUMMER}", "contact_email": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200
    summary = html[
        html.index('id="error-summary"') - 10 : html.index("</ul>", html.index('id="error-summary"'))
    ]
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert 'href="#id_description"' in summary and "personnummer" in summary
    assert html.index('id="error-summary"') < html.index("<h1")


@pytest.mark.django_db
def test_a_page_without_errors_has_no_summary(client):
    assert 'id="error-summary"' not in client.get(reverse("core:accessibility")).content.decode()


def _integrity_error(create) -> IntegrityError:
    try:
        with transaction.atomic():
            create()
            create()
    except IntegrityError as error:
        return error
    raise AssertionError("no IntegrityError")


@pytest.mark.django_db
def test_a_named_constraint_broken_in_a_race_is_its_swedish_message(coordinator):
    error = _integrity_error(
        lambda: NotificationPreference.objects.create(user=coordinator, kind="x", channel="portal")
    )
    assert integrity_message(error) == "Det finns redan ett val för det här slaget av avisering."


@pytest.mark.django_db
def test_a_unique_field_broken_in_a_race_names_the_field_not_the_constraint():
    error = _integrity_error(lambda: FormSubmission.objects.create(token="t", owner="o", path="/"))
    message = integrity_message(error)
    assert "formulärnyckel" in message and "_key" not in message and "uniq" not in message


@pytest.mark.django_db
def test_a_constraint_error_reaching_a_view_is_a_409_page_in_swedish(coordinator):
    error = _integrity_error(
        lambda: NotificationPreference.objects.create(user=coordinator, kind="x", channel="portal")
    )
    request = RequestFactory().post("/aviseringar/installningar/")
    request.user = coordinator
    response = IntegrityErrorMiddleware(lambda r: None).process_exception(request, error)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Det finns redan ett val för det här slaget av avisering." in html
    assert "one_preference_per_kind" not in html and "Inget sparades" in html


@pytest.mark.django_db
@pytest.mark.parametrize("number", [2**31, 2**63, 10**30])
def test_a_number_past_the_column_is_too_large_not_a_limit(number):
    # A number field with no limit of its own, so only the column's range refuses the number (company headcounts
    # have their own plain "Ange högst 100000.").
    submission = Submission(people_occupied=number)
    with pytest.raises(Exception) as raised:
        submission.full_clean()
    messages = raised.value.message_dict["people_occupied"]
    assert messages == ["Talet är för stort."]


class _FactsForm(ModelLimitsMixin, forms.ModelForm):
    class Meta:
        model = Submission
        fields = ["people_occupied"]


@pytest.mark.parametrize("number", ["2147483648", "9223372036854775808", "-1"])
def test_forms_tell_the_column_range_plainly(number):
    form = _FactsForm({"people_occupied": number})
    assert not form.is_valid()
    message = " ".join(form.errors["people_occupied"])
    assert "2147483647" not in message and "9223372036854775807" not in message
    assert message in ("Talet är för stort.", "Kontrollera att detta värde är större än eller lika med 0.")


def test_template_override_keeps_the_summary_out_of_email_templates():
    # Rendering without a request (e-mails) never writes the summary or a form token.
    html = Template("{% load error_summary %}{% error_summary %}{% csrf_token %}").render(Context({}))
    assert html == ""
