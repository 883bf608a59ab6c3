"""The officer's manage page and the pages around it: what is offered follows the tender's lifecycle."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement import services
from procurement.models import SavedSearch, Submission, Tender
from tests.companies.factories import CompanyFactory, RepresentativeFactory
from tests.procurement.factories import TenderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep():
    return RepresentativeFactory(company=CompanyFactory(verified=True, name="Städkraft")).user


def _manage(client, officer, tender) -> str:
    client.force_login(officer)
    return client.get(reverse("procurement:tender-manage", args=[tender.pk])).content.decode()


def test_the_officer_sees_and_can_answer_an_unanswered_question(client, officer, rep):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    question = services.question_ask(tender=tender, company=rep.representation.company, text="Ingår fönsterputs?",
                                     actor=rep)  # fmt: skip
    html = _manage(client, officer, tender)
    assert "Ingår fönsterputs?" in html
    assert reverse("procurement:question-answer", args=[question.pk]) in html
    assert "Inga." not in html.split("questions-heading")[1].split("</section>")[0]


@pytest.mark.parametrize(
    ("state", "award_shown"),
    [
        ("open", False),
        ("past deadline, not yet swept", True),
        ("closed", True),
        ("closed, no answers", False),
    ],
)
def test_the_award_button_follows_the_award_rule(client, officer, rep, state, award_shown):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    if state != "closed, no answers":
        Submission.objects.create(tender=tender, company=rep.representation.company, submitted_by=rep,
                                  message="x", submitted_at=timezone.now())  # fmt: skip
    if state != "open":
        status = "published" if state.startswith("past") else "closed"
        Tender.objects.filter(pk=tender.pk).update(status=status, submission_deadline_at=timezone.now())
    html = _manage(client, officer, tender)
    assert (reverse("procurement:tender-award", args=[tender.pk]) in html) is award_shown


def test_a_draft_shows_problems_computed_when_viewed_not_when_saved(client, officer):
    tender = TenderFactory(buyer=officer.organisation)
    # The deadline passes without a save (updated_at stays): the page must still say so.
    Tender.objects.filter(pk=tender.pk).update(submission_deadline_at=timezone.now() - timedelta(minutes=5))
    assert "Sista anbudsdag måste ligga i framtiden." in _manage(client, officer, tender)


def test_the_sealed_answer_page_says_until_when(client, officer, rep):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    submission = Submission.objects.create(tender=tender, company=rep.representation.company, submitted_by=rep,
                                           message="Hemligt pris", submitted_at=timezone.now())  # fmt: skip
    client.force_login(officer)
    response = client.get(reverse("procurement:submission-detail", args=[submission.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Anbuden är förseglade" in html and "Hemligt pris" not in html and "Städkraft" not in html
    assert str(timezone.localtime(tender.submission_deadline_at).year) in html


def test_a_late_answer_tells_the_officer_the_new_deadline(client, officer, rep):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    question = services.question_ask(
        tender=tender, company=rep.representation.company, text="Fråga?", actor=rep
    )
    Tender.objects.filter(pk=tender.pk).update(answers_published_by_at=timezone.now() - timedelta(hours=1),
                                               submission_deadline_at=timezone.now() + timedelta(days=1))  # fmt: skip
    client.force_login(officer)
    response = client.post(reverse("procurement:question-answer", args=[question.pk]),
                           {"text": "Fråga?", "answer": "Svar."}, follow=True)  # fmt: skip
    assert "Sista anbudsdag flyttades till" in response.content.decode()


def test_deleting_a_saved_search_asks_first(client, rep):
    search = services.saved_search_create(user=rep, text="städ")
    client.force_login(rep)
    url = reverse("procurement:saved-search-delete", args=[search.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Ta bort bevakningen?" in page.content.decode()
    assert SavedSearch.objects.exists()
    client.post(url)
    assert not SavedSearch.objects.exists()
