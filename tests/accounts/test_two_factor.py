"""Two-factor authentication for coordinators, procurement officers and administrators; session limits; SSO.

These tests sign in through the real login form (or force_login without the conftest's verified session) to
see the second step itself.
"""

import os
import subprocess
import sys
import time
from base64 import b32encode
from datetime import timedelta

import pytest
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from asfportal.accounts import services, two_factor
from asfportal.accounts.middleware import IDLE_KEY, STARTED_KEY
from asfportal.accounts.views import PENDING_KEY_SESSION_KEY
from asfportal.core.models import AuditEntry, Notification
from tests.accounts.factories import PASSWORD
from tests.conftest import PROJECT_DIR

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor_pending]


def code_for(device: TOTPDevice, offset_steps: int = 0) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():06d}"


def log_in(client, user):
    return client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})


def key_code(key: str) -> str:
    return f"{TOTP(bytes.fromhex(key)).token():06d}"


def enrol(user) -> TOTPDevice:
    key = services.two_factor_enrolment_key()
    services.two_factor_enrolment_confirm(user=user, key=key, token=key_code(key))
    return TOTPDevice.objects.get(user=user, confirmed=True)


def test_first_sign_in_sets_up_an_authenticator_and_shows_recovery_codes_once(client, officer):
    response = log_in(client, officer)
    # Login itself succeeds, then every page waits for the second factor; the first time, that is set-up.
    dashboard = client.get(reverse("accounts:dashboard-procurement"))
    assert dashboard.status_code == 302 and dashboard.url.startswith(reverse("accounts:two-factor"))
    response = client.get(dashboard.url, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:two-factor-setup"))
    html = response.content.decode()
    assert "Aktivera tvåfaktorautentisering" in html
    assert "<svg" in html  # the QR code, inline: no image request, no third party
    # The key is this session's only, and nothing is stored on the user before it is confirmed.
    key = client.session[PENDING_KEY_SESSION_KEY]
    assert not TOTPDevice.objects.filter(user=officer).exists()
    grouped = b32encode(bytes.fromhex(key)).decode()
    assert " ".join(grouped[i : i + 4] for i in range(0, len(grouped), 4)) in html

    wrong = client.post(
        response.redirect_chain[-1][0], {"token": "000000" if key_code(key) != "000000" else "1"}
    )
    assert "Koden stämmer inte" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=officer).exists()

    done = client.post(response.redirect_chain[-1][0], {"token": key_code(key)}, follow=True)
    codes_page = done.content.decode()
    assert done.redirect_chain[-1][0].startswith(reverse("accounts:two-factor-codes"))
    codes = StaticToken.objects.filter(device__user=officer).values_list("token", flat=True)
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT
    assert all(code in codes_page for code in codes)
    # Shown once: the next visit only says how many are left.
    again = client.get(reverse("accounts:two-factor-codes")).content.decode()
    assert not any(code in again for code in codes)
    assert "10 oanvända reservkoder" in again
    assert client.get(reverse("accounts:dashboard-procurement")).status_code == 200
    assert AuditEntry.objects.filter(action="accounts.two_factor.enabled", actor=officer).exists()
    # The person is told (always e-mailed), so a set-up they did not make shows.
    told = Notification.objects.get(recipient=officer, kind="accounts.two_factor_changed")
    assert "autentiseringsapp" in told.body and "ändra ditt lösenord" in told.body

    client.post(reverse("accounts:two-factor-codes"))
    assert Notification.objects.filter(recipient=officer, kind="accounts.two_factor_changed").count() == 2


@pytest.mark.parametrize("role_fixture", ["coordinator", "officer", "admin_user"])
def test_until_the_second_factor_is_given_no_page_but_the_step_itself_opens(client, request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    enrol(user)
    log_in(client, user)
    step = reverse("accounts:two-factor")
    for url in [
        reverse("accounts:dashboard"),
        reverse("accounts:password-change"),
        reverse("core:notification-list"),
        reverse("core:home"),  # even public pages: the session is signed in but not yet trusted
        "/admin/",
        "/admin/accounts/user/",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(step), url
    # A POST is refused the same way (nothing is written by a half-signed-in session).
    response = client.post(reverse("core:notification-mark-all-read"))
    assert response.status_code == 302 and response.url == step
    assert client.get(step).status_code == 200


def test_a_code_from_the_app_opens_the_portal_and_cannot_be_used_twice(client, coordinator):
    device = enrol(coordinator)
    log_in(client, coordinator)
    url = reverse("accounts:two-factor") + "?next=" + reverse("placements:participant-list")
    code = code_for(device, offset_steps=1)  # the next step's code: the enrolment used this one
    response = client.post(url, {"token": code[:3] + " " + code[3:]})  # as apps show it
    assert response.status_code == 302 and response.url == reverse("placements:participant-list")
    assert client.get(reverse("placements:participant-list")).status_code == 200

    # Another browser with the same password and the same (already used) code gets nowhere.
    other = client.__class__()
    log_in(other, coordinator)
    replay = other.post(reverse("accounts:two-factor"), {"token": code})
    assert replay.status_code == 200 and "Koden stämmer inte" in replay.content.decode()
    assert other.get(reverse("accounts:dashboard")).status_code == 302
    assert AuditEntry.objects.filter(action="accounts.two_factor.failed", actor=coordinator).exists()


def test_a_recovery_code_works_once(client, coordinator):
    enrol(coordinator)
    code = StaticToken.objects.filter(device__user=coordinator).first().token
    log_in(client, coordinator)
    response = client.post(reverse("accounts:two-factor"), {"token": code.upper()})
    assert response.status_code == 302
    assert not StaticToken.objects.filter(token=code, device__user=coordinator).exists()

    client.post(reverse("accounts:logout"))
    log_in(client, coordinator)
    again = client.post(reverse("accounts:two-factor"), {"token": code})
    assert again.status_code == 200 and "Koden stämmer inte" in again.content.decode()


def test_guessing_is_throttled_even_with_the_right_code_after_failures(client, coordinator):
    device = enrol(coordinator)
    log_in(client, coordinator)
    url = reverse("accounts:two-factor")
    for guess in ["111111", "222222", "333333"]:
        assert client.post(url, {"token": guess}).status_code == 200
    device.refresh_from_db()
    # django-otp makes the device wait 2^(n-1) seconds after n failures; guesses inside the wait are refused
    # without being checked, so even the right code does not open the portal now.
    assert device.throttling_failure_count >= 1
    response = client.post(url, {"token": code_for(device, offset_steps=1)})
    assert response.status_code == 200
    assert client.get(reverse("accounts:dashboard")).status_code == 302
    # Once the wait is over, the right code works.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp - timedelta(minutes=5)
    )
    response = client.post(url, {"token": code_for(device, offset_steps=1)})
    assert response.status_code == 302


def test_a_flood_of_wrong_codes_cannot_lock_the_real_user_out_for_days(client, coordinator):
    device = enrol(coordinator)
    # Forty wrong codes ten minutes ago: django-otp alone would now ask for 2^39 seconds of patience.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=40, throttling_failure_timestamp=timezone.now() - timedelta(minutes=10)
    )
    log_in(client, coordinator)
    response = client.post(reverse("accounts:two-factor"), {"token": code_for(device, offset_steps=1)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_key_seen_by_someone_with_only_the_password_is_worth_nothing(client, coordinator):
    """Someone who knows the password opens the set-up page first and notes its key; the real user, setting up
    later in their own session, gets another key, so the noted one never becomes a working second factor."""
    attacker = client.__class__()
    log_in(attacker, coordinator)
    attacker.get(reverse("accounts:two-factor-setup"))
    noted_key = attacker.session[PENDING_KEY_SESSION_KEY]

    log_in(client, coordinator)
    client.get(reverse("accounts:two-factor-setup"))
    own_key = client.session[PENDING_KEY_SESSION_KEY]
    assert own_key != noted_key
    refused = client.post(reverse("accounts:two-factor-setup"), {"token": key_code(noted_key)})
    assert refused.status_code == 200 and "Koden stämmer inte" in refused.content.decode()
    assert client.post(reverse("accounts:two-factor-setup"), {"token": key_code(own_key)}).status_code == 302
    device = TOTPDevice.objects.get(user=coordinator)
    assert device.key == own_key and device.confirmed


def test_the_pages_with_secrets_are_never_cached(client, officer):
    log_in(client, officer)
    setup = client.get(reverse("accounts:two-factor-setup"))
    assert "no-store" in setup.headers["Cache-Control"]
    client.post(
        reverse("accounts:two-factor-setup"), {"token": key_code(client.session[PENDING_KEY_SESSION_KEY])}
    )
    codes = client.get(reverse("accounts:two-factor-codes"))
    assert codes.status_code == 200 and "no-store" in codes.headers["Cache-Control"]


def test_a_password_alone_cannot_replace_a_confirmed_authenticator(client, coordinator):
    enrol(coordinator)
    log_in(client, coordinator)
    response = client.get(reverse("accounts:two-factor-setup"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:two-factor"))
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


def test_next_never_leads_to_another_site(client, coordinator):
    device = enrol(coordinator)
    log_in(client, coordinator)
    response = client.post(
        reverse("accounts:two-factor") + "?next=https://evil.example/", {"token": code_for(device, 1)}
    )
    assert response.status_code == 302 and response.url == reverse("accounts:dashboard")


def test_company_representatives_sign_in_with_a_password(client, company_rep):
    response = log_in(client, company_rep)
    assert response.status_code == 302
    assert client.get(reverse("accounts:dashboard-company")).status_code == 200
    assert client.get(reverse("accounts:two-factor-codes")).status_code == 403


def test_an_administrators_reset_ends_verified_sessions_and_asks_for_a_new_set_up(
    client, admin_user, coordinator
):
    device = enrol(coordinator)
    log_in(client, coordinator)
    client.post(reverse("accounts:two-factor"), {"token": code_for(device, 1)})
    assert client.get(reverse("accounts:dashboard-coordinator")).status_code == 200

    admin_client = client.__class__()
    admin_client.force_login(admin_user)
    session = admin_client.session
    session[two_factor.SESSION_KEY] = admin_user.two_factor_epoch  # the administrator has passed the step
    session.save()
    response = admin_client.post(
        "/admin/accounts/user/",
        {"action": "reset_two_factor", "_selected_action": [coordinator.pk]},
        follow=True,
    )
    assert "återställdes för 1 användare" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert not StaticDevice.objects.filter(user=coordinator).exists()
    assert AuditEntry.objects.filter(action="accounts.two_factor.reset", actor=admin_user).exists()
    reset_told = Notification.objects.filter(
        recipient=coordinator, kind="accounts.two_factor_changed"
    ).latest("pk")
    assert "administratör" in reset_told.body
    # The coordinator's open session is no longer trusted: back to the (new) set-up.
    response = client.get(reverse("accounts:dashboard-coordinator"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:two-factor-setup"))


def test_the_admin_does_not_show_anyones_authenticator_secret_or_recovery_codes(client, admin_user):
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)


def test_a_session_left_alone_ends_and_says_why(client, company_rep, settings):
    client.force_login(company_rep)
    assert client.get(reverse("accounts:dashboard-company")).status_code == 200
    session = client.session
    session[IDLE_KEY] = int(time.time()) - settings.SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    response = client.get(reverse("accounts:dashboard-company"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))
    assert "Du har loggats ut eftersom sessionen hade gått ut" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_busy_session_still_ends_after_a_working_day(client, company_rep, settings):
    client.force_login(company_rep)
    client.get(reverse("accounts:dashboard-company"))
    session = client.session
    session[STARTED_KEY] = int(time.time()) - settings.SESSION_COOKIE_AGE - 5
    session[IDLE_KEY] = int(time.time())  # active a moment ago
    session.save()
    response = client.get(reverse("accounts:dashboard-company"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_an_active_session_stays_and_writes_the_clock_at_most_once_a_minute(client, company_rep):
    client.force_login(company_rep)
    client.get(reverse("accounts:dashboard-company"))
    first = client.session[IDLE_KEY]
    client.get(reverse("accounts:dashboard-company"))
    assert client.session[IDLE_KEY] == first
    assert client.get(reverse("accounts:dashboard-company")).status_code == 200


SSO_ENV = {
    "OIDC_RP_CLIENT_ID": "asf-portal",
    "OIDC_RP_CLIENT_SECRET": "hemligt",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.kommun.example/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://idp.kommun.example/token",
    "OIDC_OP_USER_ENDPOINT": "https://idp.kommun.example/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://idp.kommun.example/jwks",
    "OIDC_LOGIN_LABEL": "Logga in med Kommun-ID",
}

# Run in a fresh process (settings read the environment once). It has no test database, so its sessions are
# kept in signed cookies; nothing else is changed.
SSO_PROBE = """
import django
from django.conf import settings
django.setup()
settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
login = client.get("/konto/logga-in/").content.decode()
assert "Logga in med Kommun-ID" in login and "/oidc/authenticate/" in login, login
start = client.get("/oidc/authenticate/")
assert start.status_code == 302, start.status_code
assert start.url.startswith("https://idp.kommun.example/authorize?"), start.url
assert "client_id=asf-portal" in start.url and "state=" in start.url and "nonce=" in start.url, start.url
print("SSO OK")
"""


def test_single_sign_on_is_switched_on_by_environment_variables_alone():
    """With only the README's OIDC_* variables set, the login page offers the provider and sends people there."""
    env = {**os.environ, **SSO_ENV, "DJANGO_SETTINGS_MODULE": "asfportal.settings"}
    result = subprocess.run(
        [sys.executable, "-c", SSO_PROBE],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "SSO OK" in result.stdout


@pytest.fixture
def sso_backend(settings):
    for key, value in SSO_ENV.items():
        setattr(settings, key, value)
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_CREATE_USER = False
    settings.OIDC_OP_ISSUER = "https://idp.kommun.example/"
    from asfportal.accounts.oidc import PortalOIDCBackend

    return PortalOIDCBackend()


def test_single_sign_on_only_admits_existing_active_accounts(sso_backend, coordinator, company_rep):
    backend = sso_backend
    found = backend.filter_users_by_claims({"email": coordinator.email.upper(), "email_verified": True})
    assert list(found) == [coordinator]
    assert not backend.filter_users_by_claims({"email": "ny@kommun.example", "email_verified": True}).exists()
    company_rep.is_active = False
    company_rep.save()
    assert not backend.filter_users_by_claims({"email": company_rep.email, "email_verified": True}).exists()
    # The provider's claims never change role or organisation here.
    before = (coordinator.role, coordinator.organisation_id)
    backend.update_user(coordinator, {"email": coordinator.email, "role": "administrator"})
    coordinator.refresh_from_db()
    assert (coordinator.role, coordinator.organisation_id) == before


def test_single_sign_on_wants_a_verified_address_by_default(sso_backend, settings, coordinator):
    assert sso_backend.verify_claims({"email": coordinator.email, "email_verified": True})
    # A directory where anyone may type any address sends none or false: refused unless the operator says the
    # provider's addresses are trustworthy (OIDC_REQUIRE_VERIFIED_EMAIL=off, for a single-tenant directory).
    assert not sso_backend.verify_claims({"email": coordinator.email})
    assert not sso_backend.verify_claims({"email": coordinator.email, "email_verified": False})
    settings.OIDC_REQUIRE_VERIFIED_EMAIL = False
    assert sso_backend.verify_claims({"email": coordinator.email})


@pytest.mark.parametrize(
    ("claims", "admitted"),
    [
        ({"aud": "asf-portal", "iss": "https://idp.kommun.example/"}, True),
        ({"aud": ["other", "asf-portal"], "iss": "https://idp.kommun.example/"}, True),
        ({"aud": "another-app", "iss": "https://idp.kommun.example/"}, False),
        ({"aud": "asf-portal", "iss": "https://login.other-tenant.example/"}, False),
        ({"iss": "https://idp.kommun.example/"}, False),
    ],
)
def test_an_id_token_must_be_for_this_portal_from_the_configured_issuer(
    sso_backend, rf, coordinator, monkeypatch, claims, admitted
):
    request = rf.get("/oidc/callback/")
    request.session = {}
    sso_backend.request = request
    monkeypatch.setattr(
        sso_backend, "get_userinfo", lambda *a: {"email": coordinator.email, "email_verified": True}
    )
    payload = {**claims, "amr": ["pwd"]}
    if admitted:
        assert sso_backend.get_or_create_user("access", "id", payload) == coordinator
    else:
        with pytest.raises(SuspiciousOperation):
            sso_backend.get_or_create_user("access", "id", payload)


@pytest.mark.parametrize(
    ("role_fixture", "amr", "trusted"),
    [
        ("coordinator", ["pwd", "mfa"], True),
        ("coordinator", ["pwd"], False),
        ("admin_user", ["pwd", "mfa"], False),
    ],
)
def test_a_provider_sign_in_counts_as_the_second_factor_only_with_mfa_and_never_for_administrators(
    sso_backend, settings, client, request, role_fixture, amr, trusted
):
    from django.contrib.auth import login
    from django.contrib.sessions.backends.cache import SessionStore

    from asfportal.accounts import oidc

    settings.OIDC_TRUSTS_MFA = True
    user = request.getfixturevalue(role_fixture)
    http = client.get("/").wsgi_request
    http.session = SessionStore()
    http.session[oidc.MFA_SESSION_KEY] = "mfa" in amr
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(oidc._sso_login)  # connected by the URLconf when SSO is on
    try:
        user.backend = oidc.BACKEND_PATH  # as authenticate() marks a user the provider signed in
        login(http, user)
    finally:
        user_logged_in.disconnect(oidc._sso_login)
    http.user = user
    assert two_factor.is_verified(http) is trusted
    assert AuditEntry.objects.filter(action="accounts.sso_login", actor=user).exists()


def test_the_printed_demo_logins_pass_the_second_step_with_the_demo_code(client, capsys):
    from django.core.management import call_command

    from asfportal.accounts.demo_two_factor import DEMO_TOTP_KEY_BASE32, demo_code
    from asfportal.accounts.models import User
    from asfportal.core.management.commands.seed_demo import DEMO_PASSWORD

    call_command("seed_demo", "--allow-production")
    printed = capsys.readouterr().out
    assert DEMO_TOTP_KEY_BASE32 in printed and "manage.py demo_code" in printed
    coordinator = User.objects.get(email="samordnare@orebro.example")
    client.post(reverse("accounts:login"), {"username": coordinator.email, "password": DEMO_PASSWORD})
    response = client.post(reverse("accounts:two-factor"), {"token": demo_code()})
    assert response.status_code == 302
    assert client.get(reverse("accounts:dashboard-coordinator")).status_code == 200


def _every_url():
    """One concrete path for every URL pattern of the project (the admin included), with sample arguments.

    The two-factor middleware answers before any view runs, so the objects need not exist; each argument gets
    the first sample value its pattern accepts.
    """
    import uuid
    from itertools import product

    from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

    samples = [1, "x", "accounts", str(uuid.UUID(int=1)), "MQ"]

    def walk(resolver, namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                regex = entry.pattern.regex
                # Named groups are keyword arguments; a pattern with only unnamed groups takes positional ones.
                yield f"{namespace}{entry.name}", list(regex.groupindex) or [None] * regex.groups

    for name, params in walk(get_resolver()):
        for values in product(samples, repeat=len(params)):
            try:
                if params and params[0] is None:
                    yield name, reverse(name, args=values)
                else:
                    yield name, reverse(name, kwargs=dict(zip(params, values, strict=True)))
                break
            except NoReverseMatch:
                continue
        else:
            raise AssertionError(f"no sample path for {name}")


def test_every_url_of_the_project_waits_for_the_second_factor(client, coordinator, admin_user):
    """Not a sample: each URL pattern, so a page added later cannot be reached with the password alone."""
    step = reverse("accounts:two-factor")
    urls = list(_every_url())
    assert len(urls) > 100  # the walk found the project's URLs, the admin's included
    for user in (coordinator, admin_user):
        client.force_login(user)  # signed in with the password; the second step not yet taken
        for name, url in urls:
            if name in two_factor.EXEMPT_URL_NAMES:
                continue
            for method in (client.get, client.post):
                response = method(url)
                assert response.status_code == 302, (user.role, name, url, response.status_code)
                assert response.url.startswith(step), (user.role, name, url, response.url)
        client.logout()
