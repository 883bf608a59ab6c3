"""Public pages: the Swedish start page, security headers, error pages, language switching, accessibility reports."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext

from asfportal.core.models import AccessibilityReport, AuditEntry

pytestmark = pytest.mark.django_db


def test_start_page_is_public_and_swedish(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "Hoppa till huvudinnehållet" in html
    assert 'id="main"' in html


def test_pages_send_a_content_security_policy_without_inline_code(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_page_gives_a_swedish_404(client):
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan hittades inte" in response.content.decode()


def test_wrong_role_gets_a_swedish_403(client, company_rep):
    client.force_login(company_rep)
    response = client.get(reverse("accounts:dashboard-coordinator"))
    assert response.status_code == 403
    assert "Åtkomst nekad" in response.content.decode()


def test_500_page_renders_in_swedish_without_a_request_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Något gick fel" in response.content.decode()


def test_language_switcher_changes_the_page_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Skip to main content" in html


def test_accessibility_statement_is_public(client):
    response = client.get(reverse("core:accessibility"))
    assert response.status_code == 200
    assert "Tillgänglighetsredogörelse" in response.content.decode()


def test_accessibility_report_is_stored_audited_and_mailed_to_administrators(
    client, admin_user, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("core:accessibility"),
            {"page_url": "/", "description": "Menyn går inte att nå med tangentbordet.", "contact_email": ""},
        )
    assert response.status_code == 302
    report = AccessibilityReport.objects.get()
    assert report.description == "Menyn går inte att nå med tangentbordet."
    assert AuditEntry.objects.filter(
        action="core.accessibility_report.created", object_id=str(report.pk)
    ).exists()
    assert [m.to for m in mail.outbox] == [[admin_user.email]]
    assert mail.outbox[0].subject == f"Ny anmälan om bristande tillgänglighet nr {report.pk}"


def test_empty_accessibility_report_is_refused_with_a_swedish_message(client):
    response = client.post(
        reverse("core:accessibility"), {"page_url": "", "description": "", "contact_email": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    required = gettext("This field is required.")  # as the portal's Swedish catalogue words it
    assert required != "This field is required."
    summary = html[html.index('id="error-summary"') : html.index("</ul>", html.index('id="error-summary"'))]
    assert 'href="#id_description"' in summary and required in summary
    # ... and beside the field itself (crispy's error element for the field).
    beside = html[html.index('id="error_1_id_description"') :]
    assert beside[: beside.index("</span>")].endswith(f"<strong>{required}</strong>")
    assert not AccessibilityReport.objects.exists()


def test_health_check_answers_without_login(client):
    response = client.get(reverse("core:healthz"))
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    # For the load balancer: never cached, and no session is read or written (no cookie).
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert not response.cookies


def test_health_check_answers_503_when_the_cache_is_down(client, monkeypatch):
    """The balancer must route around a node that cannot reach Redis (sessions, cache)."""
    from asfportal.core import views

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(views.cache, "set", down)
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "ok", "cache": "down"}


def test_an_english_browser_still_gets_swedish_until_the_visitor_chooses(client):
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="sv">' in response.content.decode()
    assert response.headers["Content-Language"] == "sv"


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_response_carries_the_security_headers_over_https(client, coordinator, signed_in):
    """The suite runs with DEBUG off: the headers a browser gets in production, on a public and a signed-in page."""
    if signed_in:
        client.force_login(coordinator)
    url = reverse("accounts:dashboard-coordinator") if signed_in else "/"
    response = client.get(url, secure=True)
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["Content-Security-Policy"].split(";")
    )
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"


def test_session_and_csrf_cookies_are_secure_and_the_session_one_unreadable_by_script(client, company_rep):
    from tests.accounts.factories import PASSWORD

    client.get(reverse("accounts:login"), secure=True)
    response = client.post(
        reverse("accounts:login"), {"username": company_rep.email, "password": PASSWORD}, secure=True
    )
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    csrf = response.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"]
