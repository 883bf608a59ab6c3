"""Every paged list pages, in Chromium: page 2 shows other rows than page 1, and the filters stay on."""

import re

import pytest
from django.urls import reverse

from companies.models import Company
from tests.browser.helpers import login_as
from tests.companies.factories import CompanyFactory
from tests.placements.factories import ParticipantFactory
from tests.procurement.factories import TenderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _rows(page, pattern: str) -> set[str]:
    return set(re.findall(pattern, page.locator("main").inner_text()))


def _page_one_and_two(page, url: str, pattern: str) -> tuple[set[str], set[str]]:
    page.goto(url)
    first = _rows(page, pattern)
    page.get_by_role("link", name="Nästa").click()
    page.wait_for_url(re.compile(r"page=2"))
    second = _rows(page, pattern)
    assert first and second and not first & second, "page 2 repeats page 1"
    return first, second


def test_page_two_shows_other_rows_and_keeps_the_filters(page, live_server, coordinator):
    base = live_server.url
    # The public directory (20 a page), filtered by legal form.
    for n in range(23):
        CompanyFactory(verified=True, name=f"Bläddra förening {n:02d}")
    CompanyFactory(verified=True, name="Bläddra stiftelse 99", legal_form=Company.LegalForm.STIFTELSE)
    url = f"{base}{reverse('companies:company-directory')}?legal_form={Company.LegalForm.EKONOMISK_FORENING}"
    first, second = _page_one_and_two(page, url, r"Bläddra \w+ \d\d")
    assert len(first | second) == 23 and "Bläddra stiftelse 99" not in first | second
    assert f"legal_form={Company.LegalForm.EKONOMISK_FORENING}" in page.url

    # The public tender list (20 a page), searched.
    for n in range(22):
        TenderFactory(published=True, title=f"Bläddringsstädning {n:02d}")
    TenderFactory(published=True, title="Snöröjning 99")
    url = f"{base}{reverse('procurement:tender-list')}?q=Bläddringsstädning"
    first, second = _page_one_and_two(page, url, r"Bläddringsstädning \d\d")
    assert len(first | second) == 22 and "q=" in page.url

    # The registry (50 a page) and the participant list (50 a page), as a coordinator.
    for n in range(55):
        CompanyFactory(name=f"Registrerad förening {n:02d}")
    login_as(page, live_server, coordinator)
    url = f"{base}{reverse('companies:registry-list')}?status={Company.Status.UNDER_ASSESSMENT}"
    first, second = _page_one_and_two(page, url, r"Registrerad förening \d\d")
    assert len(first | second) == 55 and f"status={Company.Status.UNDER_ASSESSMENT}" in page.url
    for n in range(53):
        ParticipantFactory(organisation=coordinator.organisation, code=f"P-BLAD-{n:03d}")
    first, second = _page_one_and_two(
        page, f"{base}{reverse('placements:participant-list')}", r"P-BLAD-\d{3}"
    )
    assert len(first | second) == 53
