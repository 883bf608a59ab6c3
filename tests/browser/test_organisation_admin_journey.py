"""Organisation administration in Chromium (issue 16): the administrator invites a colleague as coordinator, the
colleague opens the mail's link, sets a password and the second factor and lands on the coordinator's queue; the
administrator deactivates them and the colleague's open session is refused at its next request. And joining:
an organisation applies, a national administrator approves, the first administrator gets the mail."""

import base64
import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.oath import TOTP

from asfportal.accounts.models import JoinApplication, User
from tests.accounts.factories import OrganisationFactory
from tests.browser.helpers import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Ny-Kollega-Örebro-2026"


def _link(address: str, path: str) -> str:
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return re.search(rf"http://\S+{path}\S+/", message.body).group(0)


def _code_for(secret_text: str) -> str:
    key = base64.b32decode(secret_text.replace(" ", ""))
    return f"{TOTP(key).token():06d}"


def test_invite_a_coordinator_who_sets_up_and_is_then_deactivated(
    page, browser, live_server, org_admin, settings
):
    settings.SITE_URL = live_server.url
    login(page, live_server, org_admin)
    page.wait_for_url(f"{live_server.url}{reverse('accounts:dashboard-organisation-administrator')}")
    assert_accessible(page)
    page.get_by_role("link", name="Bjud in en kollega").first.click()
    page.locator("#id_full_name").fill("Kim Kollega")
    page.locator("#id_email").fill("kim.kollega@kommun.se")
    page.locator("#id_role").select_option("coordinator")
    page.get_by_role("button", name="Skicka inbjudan").click()
    page.wait_for_url(f"{live_server.url}{reverse('accounts:organisation-people')}")
    assert "kim.kollega@kommun.se" in page.locator("main").inner_text()  # a pending invitation
    assert_accessible(page)

    # The colleague, in a browser of their own, opens the link, chooses a password and sets up the app.
    colleague_context = browser.new_context(locale="sv-SE")
    colleague = colleague_context.new_page()
    colleague.goto(_link("kim.kollega@kommun.se", "/konto/inbjudan/"))
    assert_accessible(colleague)
    colleague.locator("#id_password1").fill(PASSWORD)
    colleague.locator("#id_password2").fill(PASSWORD)
    colleague.get_by_role("button", name="Aktivera mitt konto").click()
    colleague.wait_for_url("**/konto/tvafaktor/aktivera/**")
    colleague.locator("#id_token").fill(_code_for(colleague.locator("#two-factor-secret").inner_text()))
    colleague.get_by_role("button", name="Aktivera tvåfaktorautentisering").click()
    colleague.wait_for_url("**/konto/tvafaktor/reservkoder/**")
    colleague.get_by_role("link", name="Jag har sparat koderna, fortsätt").click()
    colleague.wait_for_url(f"{live_server.url}{reverse('accounts:dashboard-coordinator')}")
    assert colleague.locator("#work-queue").is_visible()
    person = User.objects.get(email="kim.kollega@kommun.se")
    assert person.is_active and person.role == "coordinator"

    # The administrator ends the colleague's access, handing their work to themselves.
    page.goto(f"{live_server.url}{reverse('accounts:organisation-people')}")
    page.get_by_role("link", name="Kim Kollega").click()
    page.get_by_role("link", name="Avsluta behörigheten").click()
    assert_accessible(page)
    page.locator("#id_successor").select_option(str(org_admin.pk))
    page.get_by_role("button", name="Avsluta behörigheten").click()
    page.wait_for_url(f"{live_server.url}{reverse('accounts:organisation-people')}")
    assert "kan inte längre logga in" in page.locator("main").inner_text()

    # The colleague's still-open session is refused at its next request.
    colleague.goto(f"{live_server.url}{reverse('accounts:dashboard-coordinator')}")
    assert colleague.url.startswith(f"{live_server.url}{reverse('accounts:login')}")
    assert [m for m in mail.outbox if m.to == ["kim.kollega@kommun.se"] and "avslutats" in m.subject]
    colleague_context.close()


def test_an_organisation_applies_is_approved_and_its_first_administrator_gets_the_mail(
    page, live_server, admin_user, settings
):
    settings.SITE_URL = live_server.url
    kommun = OrganisationFactory(kommun=True, name="Ansökeby kommun", website="https://www.ansokeby.se")
    page.goto(f"{live_server.url}{reverse('accounts:join-apply')}")
    assert_accessible(page)
    combobox = page.get_by_role("combobox", name="Din organisation")
    combobox.focus()
    page.keyboard.type("Ansökeby")
    page.get_by_role("option", name="Ansökeby kommun", exact=True).click()
    page.locator("#id_administrator_name").fill("Alva Först")
    page.locator("#id_administrator_email").fill("alva@ansokeby.se")
    page.get_by_role("button", name="Skicka ansökan").click()
    page.wait_for_url(f"{live_server.url}{reverse('accounts:join-apply-done')}")
    application = JoinApplication.objects.get(organisation=kommun)

    login(page, live_server, admin_user)
    page.wait_for_url(f"{live_server.url}{reverse('accounts:dashboard-administrator')}")
    page.get_by_role("link", name="Ansökeby kommun").click()
    assert_accessible(page)
    page.get_by_role("button", name="Godkänn och bjud in den första huvudanvändaren").click()
    page.wait_for_url(f"{live_server.url}{reverse('accounts:dashboard-administrator')}")
    application.refresh_from_db()
    assert application.status == JoinApplication.Status.APPROVED
    link = _link("alva@ansokeby.se", "/konto/inbjudan/")
    page.get_by_role("button", name="Logga ut").click()
    page.goto(link)
    assert "Ansökeby kommun" in page.locator("main").inner_text()
    assert "Huvudanvändare" in page.locator("main").inner_text()
