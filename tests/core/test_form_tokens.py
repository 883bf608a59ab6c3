"""Nothing twice: the one-time token that `{% csrf_token %}` writes into every POST form (core/form_tokens.py)."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from asfportal.core import form_tokens
from asfportal.core.models import AccessibilityReport, FormSubmission

pytestmark = pytest.mark.django_db

REPORT = {"page_url": "/", "description": "Knappen går inte att nå med tangentbordet.", "contact_email": ""}


def _token(client, url) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', client.get(url).content.decode()).group(1)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_every_csrf_token_tag_also_writes_a_fresh_one_time_token(rf):
    request = rf.get("/")
    request.user = None
    html = Template("{% csrf_token %}{% csrf_token %}").render(
        Context({"request": request, "csrf_token": "x"})
    )
    assert html.count('name="csrfmiddlewaretoken"') == 2
    tokens = re.findall(r'name="form_token" value="([^"]+)"', html)
    assert len(tokens) == 2 and tokens[0] != tokens[1]


def test_crispy_forms_carry_the_token(client):
    assert 'name="form_token"' in client.get(reverse("core:accessibility")).content.decode()


def test_the_same_form_posted_twice_acts_once_and_shows_the_first_result(client):
    url = reverse("core:accessibility")
    data = {**REPORT, "form_token": _token(client, url)}
    first = client.post(url, data)
    second = client.post(url, data)
    assert AccessibilityReport.objects.count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert "Det här är redan gjort: här är resultatet." in _messages(second)


def test_a_form_that_came_back_with_errors_can_be_sent_again_with_the_same_token(client):
    url = reverse("core:accessibility")
    token = _token(client, url)
    refused = client.post(url, {**REPORT, "description": "", "form_token": token})
    assert refused.status_code == 200
    assert not FormSubmission.objects.exists()
    assert client.post(url, {**REPORT, "form_token": token}).status_code == 302
    assert AccessibilityReport.objects.count() == 1


def test_a_token_is_bound_to_its_browser_or_user(client):
    from django.test import Client

    url = reverse("core:accessibility")
    token = _token(client, url)
    client.post(url, {**REPORT, "form_token": token})
    # Another browser posting the first one's token is not answered with the first one's result.
    other = Client().post(url, {**REPORT, "form_token": token})
    assert other.status_code == 302 and AccessibilityReport.objects.count() == 2


def test_a_forged_token_counts_as_none(client):
    url = reverse("core:accessibility")
    for _i in range(2):
        client.post(url, {**REPORT, "form_token": "abc.123.def"})
    assert AccessibilityReport.objects.count() == 2 and not FormSubmission.objects.exists()


def test_a_post_without_a_token_works_as_before(client):
    url = reverse("core:accessibility")
    client.post(url, REPORT)
    client.post(url, REPORT)
    assert AccessibilityReport.objects.count() == 2


def test_a_duplicate_waits_for_the_first_and_then_says_it_is_still_being_done(client, monkeypatch):
    monkeypatch.setattr(form_tokens, "WAIT_SECONDS", 0.3)
    url = reverse("core:accessibility")
    token = _token(client, url)
    FormSubmission.objects.create(
        token=token.split(".")[0], owner="x", path=url
    )  # the first is still running
    response = client.post(url, {**REPORT, "form_token": token})
    assert response.status_code == 302 and response["Location"] == url
    assert "Det här håller redan på att göras. Ladda om sidan om en stund." in _messages(response)
    assert not AccessibilityReport.objects.exists()


def test_a_duplicate_of_a_signed_in_users_form_is_bound_to_the_user(client, coordinator):
    client.force_login(coordinator)
    url = reverse("core:notification-preferences")
    data = {"form_token": _token(client, url)}
    assert client.post(url, data).status_code == 302
    assert "Det här är redan gjort: här är resultatet." in _messages(client.post(url, data))


def test_signing_in_is_never_answered_with_an_earlier_result(client, company_rep):
    from tests.accounts.factories import PASSWORD

    url = reverse("accounts:login")
    data = {"username": company_rep.email, "password": PASSWORD, "form_token": _token(client, url)}
    assert client.post(url, data).status_code == 302
    assert not FormSubmission.objects.exists()


def test_old_claims_are_purged():
    FormSubmission.objects.create(token="old", owner="x", path="/")
    FormSubmission.objects.create(token="new", owner="x", path="/")
    FormSubmission.objects.filter(token="old").update(created_at=timezone.now() - timedelta(hours=25))
    assert form_tokens.form_submissions_purge() == 1
    assert list(FormSubmission.objects.values_list("token", flat=True)) == ["new"]


def test_an_expired_token_counts_as_none(client, settings, monkeypatch):
    url = reverse("core:accessibility")
    token = _token(client, url)
    later = form_tokens.time.time() + 25 * 3600
    monkeypatch.setattr(form_tokens.time, "time", lambda: later)
    client.post(url, {**REPORT, "form_token": token})
    assert not FormSubmission.objects.exists()
