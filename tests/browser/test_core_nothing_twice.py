"""Nothing twice, in Chromium: a double click or a form sent again acts once and shows the first result.

Without JavaScript the browser really sends the form twice (the test counts the POSTs it sent), so the server's
one-time token (core/form_tokens.py) is what keeps one row and one e-mail; with JavaScript the button also
disables itself after the first click.
"""

import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from asfportal.core import form_tokens
from asfportal.core.models import AccessibilityReport
from companies.models import ServiceCategory
from placements.models import Offer
from policies.models import ContactPerson
from procurement.models import Question
from tests.browser.helpers import login_as
from tests.companies.factories import CompanyFactory, RepresentativeFactory
from tests.procurement.factories import TenderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALREADY_DONE = "Det här är redan gjort: här är resultatet."


@pytest.fixture
def slow_server(monkeypatch):
    """The server takes half a second over each form, as on a busy day (when people click twice)."""
    claim = form_tokens._claim

    def slow_claim(nonce, request):
        claimed = claim(nonce, request)
        if claimed:
            time.sleep(0.5)
        return claimed

    monkeypatch.setattr(form_tokens, "_claim", slow_claim)


@pytest.fixture
def plain_page(browser, live_server):
    """A page in a browser with JavaScript turned off, as some people (and some assistive set-ups) use it."""
    context = browser.new_context(java_script_enabled=False, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def _posts_to(page, path: str) -> list:
    sent = []

    def record(request):
        if request.method == "POST" and request.url.endswith(path):
            sent.append(request)

    page.on("request", record)
    return sent


def _double_click(page, button_name: str) -> None:
    """Two clicks 150 ms apart, as a person double-clicks; the page shown is the answer to the second."""
    button = page.get_by_role("button", name=button_name)
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    page.wait_for_timeout(150)
    page.mouse.click(x, y)
    page.get_by_text(ALREADY_DONE).wait_for()


def test_a_double_click_without_javascript_stores_one_row_and_sends_one_mail(
    plain_page, live_server, slow_server, admin_user, officer, coordinator, municipality
):
    page = plain_page
    # Core: the public accessibility report, e-mailed to the administrator.
    path = reverse("core:accessibility")
    posts = _posts_to(page, path)
    page.goto(f"{live_server.url}{path}")
    page.locator("#id_description").fill("Menyn går inte att nå med tangentbordet.")
    _double_click(page, "Skicka anmälan")
    assert len(posts) == 2, "the browser sent the form twice"
    assert AccessibilityReport.objects.count() == 1
    assert [m.to for m in mail.outbox] == [[admin_user.email]]

    # Procurement: a company's question, e-mailed to the buyer's officer.
    mail.outbox.clear()
    company = CompanyFactory(verified=True)
    company.service_categories.add(ServiceCategory.objects.get(slug="cleaning"))
    rep = RepresentativeFactory(company=company).user
    tender = TenderFactory(published=True, buyer=officer.organisation, created_by=officer)
    login_as(page, live_server, rep)
    path = reverse("procurement:question-ask", args=[tender.pk])
    posts = _posts_to(page, path)
    page.goto(f"{live_server.url}{reverse('procurement:tender-detail', args=[tender.pk])}")
    page.locator("#id_text").fill("Ingår fönsterputs?")
    _double_click(page, "Skicka frågan")
    assert len(posts) == 2
    assert Question.objects.filter(tender=tender).count() == 1
    assert [m.to for m in mail.outbox] == [[officer.email]]

    # Placements: the company's work-training places.
    path = reverse("placements:offer-create")
    posts = _posts_to(page, path)
    page.goto(f"{live_server.url}{path}")
    page.locator("#id_work_area").select_option(str(ServiceCategory.objects.get(slug="cleaning").pk))
    page.locator("#id_tasks").fill("Städning av trapphus.")
    page.locator("#id_places").fill("2")
    page.locator("#id_hours_per_week").fill("20")
    page.locator("#id_supervisor").fill("Eva Lund")
    page.locator("#id_municipality").select_option(str(municipality.pk))
    page.locator("#id_available_from").fill(timezone.localdate().isoformat())
    _double_click(page, "Spara platserna")
    assert len(posts) == 2
    assert Offer.objects.filter(company=company).count() == 1
    page.context.clear_cookies()

    # Policies: the coordinator's contact person.
    login_as(page, live_server, coordinator)
    path = reverse("policies:steering")
    page.goto(f"{live_server.url}{path}")
    posts = _posts_to(page, path)
    page.locator("#id_name").fill("Anna Ek")
    page.locator("#id_responsibility").select_option("external")
    _double_click(page, "Spara kontaktpersonen")
    assert len(posts) == 2
    assert ContactPerson.objects.filter(name="Anna Ek").count() == 1


def test_with_javascript_the_button_disables_itself_and_says_it_is_sending(page, live_server):
    page.goto(f"{live_server.url}{reverse('core:accessibility')}")
    # Count the submissions the portal's script lets through, and keep the page here to look at the button.
    page.evaluate(
        """() => window.addEventListener("submit", (event) => {
            window.sent = (window.sent || 0) + (event.defaultPrevented ? 0 : 1);
            event.preventDefault();
        })"""
    )
    page.locator("#id_description").fill("Kontrasten är för svag i sidfoten.")
    button = page.get_by_role("button", name="Skicka anmälan")
    button.click()
    sending = page.locator("#submit-id-submit")
    expect(sending).to_be_disabled()
    expect(sending).to_have_value("Skickar…")
    sending.click(force=True)  # a click on the disabled button does nothing
    page.evaluate("() => document.querySelector('#submit-id-submit').form.requestSubmit()")
    assert page.evaluate("() => window.sent") == 1


def test_reloading_after_the_answer_was_lost_sends_the_form_again_and_shows_the_first_result(
    plain_page, live_server, coordinator
):
    page = plain_page
    login_as(page, live_server, coordinator)
    path = reverse("policies:steering")
    answers = []

    def lose_the_first_answer(route):
        if route.request.method != "POST":
            route.continue_()
        elif not answers:
            answers.append(route.fetch(max_redirects=0))  # the server does the work; the answer never arrives
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(f"**{path}", lose_the_first_answer)
    page.goto(f"{live_server.url}{path}")
    page.locator("#id_name").fill("Bo Ek")
    page.locator("#id_responsibility").select_option("procurement")
    page.get_by_role("button", name="Spara kontaktpersonen").click()
    page.wait_for_url(lambda url: url.startswith("chrome-error:"))
    assert answers[0].status == 302 and ContactPerson.objects.filter(name="Bo Ek").count() == 1
    page.reload()  # the browser sends the same form again
    page.get_by_text(ALREADY_DONE).wait_for()
    assert ContactPerson.objects.filter(name="Bo Ek").count() == 1
    assert "Bo Ek" in page.content()
