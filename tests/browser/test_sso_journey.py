"""Single sign-on in Chromium against a real OpenID Connect provider (panva's oidc-provider on Node, loopback).

One provider and the portal processes (gunicorn, configured by OIDC_* environment variables alone, on the test
database) serve the whole module; each test makes its own people and mappings in the transactional database.
"""

import pytest
from django.urls import reverse

from asfportal.accounts.models import Role, SsoRoleMapping, User
from asfportal.core.models import AuditEntry
from tests.accounts.factories import UserFactory
from tests.browser.helpers import assert_accessible, totp_code
from tests.browser.sso_servers import Servers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VERIFIED = {"email_verified": True}
ACCOUNTS = {
    "anna": {"claims": {"email": "anna@sso.example", **VERIFIED, "name": "Anna Ek"}, "amr": ["pwd", "mfa"]},
    "bo": {"claims": {"email": "bo@sso.example", **VERIFIED, "name": "Bo Ek"}, "amr": ["pwd"]},
    "ny": {
        "claims": {"email": "ny@sso.example", **VERIFIED, "name": "Nora Ny", "groups": ["g-other", "g-asf"]},
        "amr": ["pwd", "mfa"],
    },
    "okand": {
        "claims": {"email": "okand@sso.example", **VERIFIED, "groups": ["g-other"]},
        "amr": ["pwd", "mfa"],
    },
    "overifierad": {"claims": {"email": "anna@sso.example", "email_verified": False}, "amr": ["pwd", "mfa"]},
    "annan-aud": {
        "claims": {"email": "anna@sso.example", **VERIFIED},
        "amr": ["pwd", "mfa"],
        "tamper": "aud",
    },
    "annan-iss": {
        "claims": {"email": "anna@sso.example", **VERIFIED},
        "amr": ["pwd", "mfa"],
        "tamper": "iss",
    },
    "fel-nyckel": {
        "claims": {"email": "anna@sso.example", **VERIFIED},
        "amr": ["pwd", "mfa"],
        "tamper": "signature",
    },
}


@pytest.fixture(scope="module")
def sso(django_db_setup, tmp_path_factory):
    servers = Servers(tmp=tmp_path_factory.mktemp("sso"), accounts=ACCOUNTS)
    try:
        servers.start_provider()
        yield servers
    finally:
        servers.stop()


def sign_in(page, portal: str, login: str) -> None:
    """From the portal's login page through the provider's sign-in page, back to the portal."""
    page.goto(f"{portal}{reverse('accounts:login')}")
    page.get_by_role("link", name="Logga in med Testkommun-ID").click()
    page.locator("#login").fill(login)
    page.locator("#password").fill("anything")
    page.get_by_role("button", name="Sign in at the provider").click()
    page.wait_for_load_state()


def refusal_shown(page, portal: str, text: str) -> None:
    assert page.url == f"{portal}{reverse('accounts:login')}", page.url
    assert text in page.locator(".alert-danger").inner_text()
    assert "_auth_user_id" not in page.content()
    # Nobody is signed in: the dashboard sends the visitor back to the login page.
    page.goto(f"{portal}{reverse('accounts:dashboard')}")
    assert page.url.startswith(f"{portal}{reverse('accounts:login')}")


def test_sign_in_lands_on_the_dashboard_and_logout_ends_both_sessions(
    transactional_db, sso, municipality, page
):
    portal = sso.portal(trusts_mfa=True)
    anna = UserFactory(email="anna@sso.example", role=Role.COORDINATOR, organisation=municipality)
    sign_in(page, portal, "anna")
    entry = AuditEntry.objects.get(action="accounts.sso_login")
    assert entry.actor == anna and entry.data["provider_mfa"] is True
    # The provider asked for several factors (amr "mfa") and the portal trusts it: no second code here.
    assert page.url == f"{portal}{reverse('accounts:dashboard-coordinator')}"
    assert page.get_by_role("heading", level=1).inner_text() == "Översikt för samordnare"
    assert_accessible(page)

    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_load_state()
    # RP-initiated logout: the provider ended its session too and sent the browser back to the login page.
    page.wait_for_url(f"{portal}{reverse('accounts:login')}")
    page.goto(f"{portal}{reverse('accounts:dashboard')}")
    assert page.url.startswith(f"{portal}{reverse('accounts:login')}")
    page.get_by_role("link", name="Logga in med Testkommun-ID").click()
    # The provider asks again: its session is gone.
    assert page.locator("#login").is_visible()


def test_the_providers_mfa_is_trusted_only_when_the_portal_is_told_to(
    transactional_db, sso, municipality, page
):
    anna = UserFactory(email="anna@sso.example", role=Role.COORDINATOR, organisation=municipality)
    UserFactory(email="bo@sso.example", role=Role.COORDINATOR, organisation=municipality)
    code = totp_code(anna)
    # OIDC_TRUSTS_MFA off: even with amr "mfa" the portal's own second factor is asked.
    portal = sso.portal(trusts_mfa=False)
    sign_in(page, portal, "anna")
    assert page.url.startswith(f"{portal}{reverse('accounts:two-factor')}")
    page.locator("#id_token").fill(code)
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url(f"{portal}{reverse('accounts:dashboard-coordinator')}")
    # OIDC_TRUSTS_MFA on, but the provider used one factor only (amr ["pwd"]): the second factor is asked.
    page.context.clear_cookies()
    trusting = sso.portal(trusts_mfa=True)
    sign_in(page, trusting, "bo")
    assert page.url.startswith(f"{trusting}{reverse('accounts:two-factor-setup')}"), page.url


def test_first_sign_in_creates_the_person_by_the_organisations_mapping(
    transactional_db, sso, municipality, page
):
    portal = sso.portal(trusts_mfa=True)
    SsoRoleMapping.objects.create(
        organisation=municipality, issuer=sso.issuer, value="g-asf", role=Role.COORDINATOR
    )
    sign_in(page, portal, "ny")
    assert page.url == f"{portal}{reverse('accounts:dashboard-coordinator')}"
    person = User.objects.get(email="ny@sso.example")
    assert (person.role, person.organisation, person.full_name) == (Role.COORDINATOR, municipality, "Nora Ny")
    assert not person.has_usable_password()
    assert AuditEntry.objects.filter(action="accounts.sso_user_created", object_id=str(person.pk)).exists()


REFUSALS = [
    ("okand", "no_mapping", "Du har inget konto här"),
    ("overifierad", "unverified", "har inte bekräftat din e-postadress"),
    ("annan-aud", "audience", "var avsett för en annan tjänst"),
    ("annan-iss", "issuer", "en inloggningstjänst som portalen inte litar på"),
    ("fel-nyckel", "invalid", "kunde inte kontrolleras"),
]


@pytest.mark.parametrize(("login", "reason", "message"), REFUSALS)
def test_a_refused_sign_in_says_why_in_swedish_creates_nothing_and_is_audited(
    transactional_db, sso, municipality, page, login, reason, message
):
    portal = sso.portal(trusts_mfa=True)
    UserFactory(email="anna@sso.example", role=Role.COORDINATOR, organisation=municipality)
    # The mapping is for another group than the unknown person's, so nothing lets them in.
    SsoRoleMapping.objects.create(
        organisation=municipality, issuer=sso.issuer, value="g-asf", role=Role.COORDINATOR
    )
    users = User.objects.count()
    sign_in(page, portal, login)
    refusal_shown(page, portal, message)
    assert User.objects.count() == users
    assert not AuditEntry.objects.filter(action="accounts.sso_login").exists()
    assert AuditEntry.objects.get(action="accounts.sso_refused").data["reason"] == reason
