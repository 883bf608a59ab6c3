"""Helpers for the browser tests: log in through the form, and scan a page with axe-core."""

from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from asfportal.accounts import two_factor
from tests.accounts.factories import PASSWORD

WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def login(page, live_server, user) -> None:
    """Log in through the form; for the roles that need it, give a code from the user's authenticator too."""
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    # The user's authenticator exists before the password is sent, as for anyone past their first sign-in.
    code = totp_code(user) if two_factor.is_required(user) else None
    page.get_by_role("button", name="Logga in").click()
    if code:
        page.wait_for_url("**/konto/tvafaktor/**")
        page.locator("#id_token").fill(code)
        page.get_by_role("button", name="Fortsätt").click()
        page.wait_for_load_state()


def totp_code(user) -> str:
    """The current code of the user's authenticator app, which is created (confirmed) when the user has none.

    django-otp refuses a code of a time step already used (replay protection); a second sign-in in the same
    30 seconds would need to wait, so the device forgets its last step here instead, as if time had passed.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def assert_accessible(page) -> None:
    result = Axe().run(page, options=WCAG_21_AA)
    assert result.violations_count == 0, result.generate_report()


def login_as(page, live_server, user) -> None:
    """Log in and wait for the landing page (any role)."""
    login(page, live_server, user)
    page.wait_for_load_state()


def logout(page) -> None:
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_load_state()


def each_menu_link(page):
    """Every link of the header's menu as a person reaches it: the daily links as they are, then each group's
    links after opening the group by its button (a <details>, so this works without JavaScript too). Lazy: check
    each link as it comes, since opening the next group may close this one."""
    yield from page.locator("#main-menu > li > a").all()
    for group in page.locator("#main-menu details").all():
        if not group.evaluate("details => details.open"):
            group.locator("summary").click()
        yield from group.locator("a").all()


def failures_of(check, cases) -> list[str]:
    """Run `check` for every case and collect each case's failure: one test that signs in once for several widths,
    roles or pages still reports every failing case, not only the first."""
    failures = []
    for case in cases:
        try:
            check(case)
        except AssertionError as error:
            failures.append(f"{case}: {error}")
    return failures
