"""What the officer and the company meet in Chromium (issue 14 §7): questions answered on the manage page with a
name taken out, the sealed count, the draft's problems, the award button, and the receipt in Swedish time."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from procurement import services
from procurement.models import Question, Submission, Tender
from tests.browser.helpers import assert_accessible, login, login_as, logout
from tests.companies.factories import CompanyFactory, RepresentativeFactory
from tests.procurement.factories import TenderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _officer_home(page, live_server, officer):
    login(page, live_server, officer)
    page.wait_for_url(f"{live_server.url}{reverse('accounts:dashboard-procurement')}")


def test_the_officer_answers_a_question_on_the_manage_page_and_awards_after_the_deadline(
    page, live_server, officer
):
    asf_rep = RepresentativeFactory(company=CompanyFactory(verified=True, name="Städkraft")).user
    tender = TenderFactory(
        buyer=officer.organisation, created_by=officer, published=True, title="Städning i Vivalla"
    )
    services.question_ask(tender=tender, company=asf_rep.representation.company, actor=asf_rep,
                          text="Jag är Anna Berg: ingår fönsterputs?")  # fmt: skip
    services.submission_submit(tender=tender, company=asf_rep.representation.company, message="Vi städar.",
                               occupied=10, in_target_group=6, actor=asf_rep)  # fmt: skip
    draft = TenderFactory(buyer=officer.organisation, created_by=officer, title="Utkast", notice_url="")

    _officer_home(page, live_server, officer)
    # The list: one unanswered question, and no count of the sealed answers.
    page.goto(f"{live_server.url}{reverse('procurement:officer-tender-list')}")
    row = page.get_by_role("row", name=re.compile("Städning i Vivalla"))
    assert "Förseglade till sista anbudsdag" in row.inner_text()
    assert "1" in row.get_by_role("cell").nth(4).inner_text()

    # The manage page shows the question; the officer takes the name out and answers.
    row.get_by_role("link", name="Städning i Vivalla").click()
    assert_accessible(page)
    assert "Inga." not in page.locator("section[aria-labelledby=questions-heading]").inner_text()
    page.get_by_label("Frågan som den kommer att publiceras").fill("Ingår fönsterputs?")
    page.get_by_label("Svar (publiceras för alla)").fill("Nej, bara invändig städning.")
    page.get_by_role("button", name="Publicera svaret").click()
    page.wait_for_load_state()
    assert "Svaret är publicerat." in page.content()
    assert Question.objects.get().text == "Ingår fönsterputs?"
    assert "Award" not in page.content() and "Tilldela" not in page.get_by_role("main").inner_text()

    # The public page shows the edited question, never the name.
    page.goto(f"{live_server.url}{reverse('procurement:tender-detail', args=[tender.pk])}")
    assert "Ingår fönsterputs?" in page.content() and "Anna Berg" not in page.content()

    # A draft whose deadline has passed since it was saved lists that problem, and the missing notice link.
    Tender.objects.filter(pk=draft.pk).update(submission_deadline_at=timezone.now() - timedelta(minutes=1))
    page.goto(f"{live_server.url}{reverse('procurement:tender-manage', args=[draft.pk])}")
    problems = page.locator("#problems").inner_text()
    assert "Sista anbudsdag måste ligga i framtiden." in problems and "annonsdatabas" in problems

    # The deadline passes; before the sweep runs, the award button is there and the award goes through.
    Tender.objects.filter(pk=tender.pk).update(submission_deadline_at=timezone.now() - timedelta(seconds=1))
    page.goto(f"{live_server.url}{reverse('procurement:tender-manage', args=[tender.pk])}")
    page.get_by_role("link", name="Tilldela", exact=True).click()
    page.get_by_role("checkbox", name="Städkraft").check()
    page.locator(f"[id^='value-'][id$='-{Submission.objects.get().pk}']").fill("850 000")
    page.get_by_role("button", name="Tilldela och publicera beslutet").click()
    page.wait_for_load_state()
    tender.refresh_from_db()
    assert tender.status == Tender.Status.AWARDED
    assert page.get_by_role("link", name="Tilldela", exact=True).count() == 0


def test_the_receipt_says_swedish_time_and_its_id_and_is_e_mailed(page, live_server):
    rep = RepresentativeFactory(company=CompanyFactory(verified=True, name="Städkraft")).user
    tender = TenderFactory(published=True, title="Fönsterputs")
    login_as(page, live_server, rep)
    page.goto(f"{live_server.url}{reverse('procurement:submission-submit', args=[tender.pk])}")
    page.locator("#id_message").fill("Vi putsar.")
    page.locator("#id_people_occupied").fill("10")
    page.locator("#id_people_in_target_group").fill("6")
    page.get_by_role("button", name="Lämna anbudet").click()
    page.wait_for_url(f"{live_server.url}{reverse('procurement:tender-detail', args=[tender.pk])}")
    submission = Submission.objects.get()
    local = timezone.localtime(submission.submitted_at)
    text = page.get_by_role("main").inner_text()
    assert f"Kvitto: {submission.receipt_id}" in text and "(svensk tid)" in text
    assert f"{local:%H:%M}" in text
    assert any(submission.receipt_id in message.subject for message in mail.outbox)
    logout(page)
